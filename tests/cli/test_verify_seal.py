"""``verify-seal`` gives one verdict line in words for every file and every failure, never a traceback:
exit 0 valid, 1 not valid, 2 not checked. With a shared database, ``render --record-id --seal`` at one
workstation and ``verify-seal`` at another agree, and ``render``/``check`` use the site's shared settings.
The sealed PDFs are those of a checklist signed in the database (a record file is never sealed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seal_bytes import flip_hex_digit, seal_places
from signed_record import sign_example

from checklist_app import resources
from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK
from checklist_app.pdf.certificates import PKCS12_ENV, SITE_SECRET_ENV, SITE_SECRET_FILE_ENV
from checklist_app.storage import open_database
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_URL_ENV
from checklist_app.workflows.site_settings import save_site_settings

pytestmark = pytest.mark.pdf
CLEAN = str(resources.form_path("examples/clean.json"))
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, data: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as IT runs it: its own process, with this data folder (and the shared database, if any)."""
    base = {k: v for k, v in os.environ.items()
            if k not in (DATABASE_URL_ENV, SITE_SECRET_FILE_ENV, SITE_SECRET_ENV, PKCS12_ENV)}
    return subprocess.run([sys.executable, "-m", "checklist_app", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**base, DATA_DIR_ENV: str(data), **(env or {})}, timeout=120)


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> tuple[Path, Path]:
    """(a data folder, a PDF sealed there)."""
    base = tmp_path_factory.mktemp("verify")
    data = base / "here"
    sign_example(data)
    done = run("render", "--record-id", "demo-clean", "--out", str(base / "out"), "--seal", "--only", "checklist",
               data=data)
    assert done.returncode == 0, done.stderr
    return data, base / "out" / "demo-clean-checklist.pdf"


def verdict(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert done.stderr == "", "the verdict is the whole output"
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    return lines[0]


def test_a_valid_seal(sealed):
    data, pdf = sealed
    done = run("verify-seal", str(pdf), data=data)
    assert done.returncode == EXIT_OK and verdict(done).startswith(f"{pdf}: Seal valid: sealed by checklist_app")


def test_a_pdf_from_another_installation_is_not_valid_and_says_why(sealed, tmp_path):
    _, pdf = sealed
    other = tmp_path / "other"
    from checklist_app.pdf.certificates import installation_identity

    installation_identity(other / "seal")  # another installation, which has sealed before
    done = run("verify-seal", str(pdf), data=other)
    assert done.returncode == EXIT_NO
    assert "a certificate this site does not trust" in verdict(done) and "another site or installation" in done.stdout


def test_a_workstation_that_never_sealed_says_so_and_makes_no_certificate(sealed, tmp_path):
    _, pdf = sealed
    done = run("verify-seal", str(pdf), data=tmp_path / "fresh")
    assert done.returncode == EXIT_NO and "this installation has sealed nothing yet" in verdict(done)
    assert not (tmp_path / "fresh").exists()


@pytest.mark.parametrize(("name", "damage", "expected"), [
    ("truncated", lambda b: b[: len(b) // 2], "damaged, cut short or was changed"),
    ("end cut off", lambda b: b[:-300], "damaged, cut short or was changed"),
    ("not a pdf", lambda b: b"Dear patient,\n" * 20, "the file is not a PDF"),
    ("empty", lambda b: b"", "the file is empty"),
    ("appended", lambda b: b + b"\n% added\n", "something was added to the file after it was sealed"),
])
def test_damaged_files_are_not_valid_in_words(sealed, tmp_path, name, damage, expected):
    data, pdf = sealed
    target = tmp_path / "x.pdf"
    target.write_bytes(damage(pdf.read_bytes()))
    done = run("verify-seal", str(target), data=data)
    assert done.returncode == EXIT_NO, name
    assert verdict(done).startswith(f"{target}: Seal NOT valid: ") and expected in done.stdout, name


@pytest.mark.parametrize(("part", "expected"), [
    ("padding", "the seal itself was changed after sealing: the padding after the signature is not all zeros"),
    ("root certificate", "the seal itself was changed after sealing: a certificate in it is not one of those"),
    ("signer's certificate", "the seal itself was changed after sealing: its signature and its certificates do not "
                             "fit together"),
    ("signature value", "the content does not match the seal (it was changed after sealing)"),
    ("signed content", "the content does not match the seal (it was changed after sealing)"),
])
def test_one_changed_byte_in_the_seal_or_the_content_is_not_valid_in_words(sealed, tmp_path, part, expected):
    data, pdf = sealed
    raw = pdf.read_bytes()
    target = tmp_path / "x.pdf"
    target.write_bytes(flip_hex_digit(raw, seal_places(raw)[part]))
    done = run("verify-seal", str(target), data=data)
    assert done.returncode == EXIT_NO, part
    assert verdict(done).startswith(f"{target}: Seal NOT valid: ") and expected in done.stdout, part


def test_what_cannot_be_checked_exits_2_in_words(sealed, tmp_path):
    data, pdf = sealed
    missing = run("verify-seal", str(tmp_path / "nope.pdf"), data=data)
    assert missing.returncode == EXIT_INVALID
    assert verdict(missing) == f"{tmp_path / 'nope.pdf'}: Seal not checked: the file does not exist."
    folder = run("verify-seal", str(tmp_path), data=data)
    assert folder.returncode == EXIT_INVALID and "a folder, not a PDF file" in verdict(folder)
    trust = run("verify-seal", str(pdf), "--trust", str(tmp_path / "no.pem"), data=data)
    assert trust.returncode == EXIT_INVALID and "no.pem cannot be read (No such file" in verdict(trust)


def test_an_unreadable_or_damaged_certificate_folder_exits_2_in_words(sealed, tmp_path):
    data, pdf = sealed
    broken = tmp_path / "broken"
    shutil.copytree(data / "seal", broken / "seal")
    (broken / "seal" / "root-ca.pem").write_text("-----BEGIN CERTIFICATE-----\ngarbage\n")
    done = run("verify-seal", str(pdf), data=broken)
    assert done.returncode == EXIT_INVALID and "root-ca.pem is not a certificate" in verdict(done)
    (broken / "seal" / "root-ca.pem").unlink()
    (broken / "seal" / "root-ca.pem").mkdir()  # cannot be read as a file (as root, mode bits do not stop reads)
    done = run("verify-seal", str(pdf), data=broken)
    assert done.returncode == EXIT_INVALID and "Seal not checked: The sealing certificate folder" in verdict(done)
    (broken / "seal").rename(broken / "seal-moved")
    (broken / "seal").write_text("a file where the folder should be")
    done = run("verify-seal", str(pdf), data=broken)
    assert done.returncode == EXIT_INVALID and "Seal not checked" in verdict(done)


def test_render_and_verify_at_two_workstations_sharing_a_database(tmp_path):
    shared = {DATABASE_URL_ENV: f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    secret = tmp_path / "secret"
    secret.write_text("a-site-secret-for-the-tests\n")
    with_secret = {**shared, SITE_SECRET_FILE_ENV: str(secret)}
    sign_example(tmp_path / "bay1", url=shared[DATABASE_URL_ENV])  # signed at bay 1, its PDFs not kept
    made = run("render", "--record-id", "demo-clean", "--out", str(tmp_path / "out"), "--seal", "--only", "checklist",
               data=tmp_path / "bay1", env=with_secret)
    assert made.returncode == 0, made.stderr
    pdf = tmp_path / "out" / "demo-clean-checklist.pdf"
    done = run("verify-seal", str(pdf), data=tmp_path / "bay2", env=shared)  # no secret needed to verify
    assert done.returncode == EXIT_OK and "Seal valid" in verdict(done)
    alone = run("verify-seal", str(pdf), data=tmp_path / "bay1")  # the same folder, without the database
    assert alone.returncode == EXIT_NO and "sealed nothing yet" in verdict(alone)
    refused = run("render", "--record-id", "demo-clean", "--out", str(tmp_path / "out2"), "--seal",
                  data=tmp_path / "bay2", env=shared)
    assert refused.returncode == EXIT_INVALID and "Traceback" not in refused.stderr
    assert "no site secret is set on this workstation" in refused.stderr
    assert not list((tmp_path / "out2").glob("*.pdf")), "nothing unsealed is left behind"


def test_render_and_check_use_the_shared_settings(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    record = json.loads(resources.form_path("examples/hard-antiplatelet-hold.json").read_text())
    record.pop("policy_id")
    record["answers"]["medications"][0]["last_dose"] = "2026-11-25T08:00"  # 6 days: SIR passes, ASRA does not
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record))
    shared = {DATABASE_URL_ENV: url}
    assert run("check", str(path), "--now", "2026-11-21T10:00", data=tmp_path / "bay1", env=shared).returncode == 0
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    with open_database(url, data_dir=tmp_path / "bay1") as db:
        save_site_settings(tmp_path / "bay1", {"default_policy": "asra-2018", "clinic_phone": "(555) 010-9876"},
                           db=db, staff_id="it1")
    done = run("check", str(path), "--now", "2026-11-21T10:00", data=tmp_path / "bay2", env=shared)
    assert done.returncode == 1 and "ASRA2018-HOLDS" in done.stdout
    lone = run("check", str(path), "--now", "2026-11-21T10:00", data=tmp_path / "bay2")
    assert lone.returncode == 0, "without the database URL, the workstation's own settings"
    made = run("render", str(path), "--out", str(tmp_path / "pdf"), "--only", "discharge", "--reproducible",
               data=tmp_path / "bay2", env=shared)
    assert made.returncode == 0, made.stderr
    from pypdf import PdfReader

    sheet = PdfReader(tmp_path / "pdf" / f"{record['record_id']}-discharge.pdf")
    text = " ".join(page.extract_text() for page in sheet.pages)
    assert "(555) 010-9876" in text
