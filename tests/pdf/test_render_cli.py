"""``python -m checklist_app render`` on every shipped example record and on a signed version in the
database (``--record-id``, sealed), ``--seal`` refused for a record file, and bad input."""

from __future__ import annotations

import json

import pytest
from pdf_helpers import EXAMPLES, flat, page_texts
from pypdf import PdfReader
from signed_record import sign_example

from checklist_app import resources
from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK, main

pytestmark = pytest.mark.pdf
NOW = "2026-11-21T10:00"


@pytest.mark.parametrize("path", resources.example_records(), ids=lambda p: p.stem)
def test_render_writes_both_pdfs_for_every_example(path, tmp_path, capsys):
    assert main(["render", str(path), "--out", str(tmp_path), "--now", NOW]) == EXIT_OK
    record = json.loads(path.read_text(encoding="utf-8"))
    checklist = tmp_path / f"{record['record_id']}-checklist.pdf"
    discharge = tmp_path / f"{record['record_id']}-discharge.pdf"
    name = record["answers"].get("patient_name", "")
    pages = [flat(t) for t in page_texts(checklist.read_bytes())]
    assert all("DRAFT - NOT SIGNED" in p and name in p for p in pages)
    assert flat(name) in flat(" ".join(page_texts(discharge.read_bytes())))
    out = capsys.readouterr().out
    assert str(checklist) in out and str(discharge) in out


def test_render_seal_refuses_a_record_file_in_words(tmp_path, capsys):
    """A record file carries no signature and unverified claims: sealing it would lend it a signed look."""
    args = ["render", str(EXAMPLES / "overridden.json"), "--out", str(tmp_path / "out"), "--now", NOW, "--seal"]
    assert main(args) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "not sealed. A seal is for a checklist signed in the app" in err and "render --record-id" in err
    assert not (tmp_path / "out").exists()


def test_render_a_signed_version_gives_the_pdfs_sealed_at_signing(tmp_path, capsys, monkeypatch):
    from checklist_app import storage

    data = tmp_path / "data"
    version = sign_example(data, "overridden", keep=True, override="Post-op atelectasis; benefit outweighs risk")
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    assert main(["render", "--record-id", version.record_id, "--out", str(tmp_path / "out"), "--seal"]) == EXIT_OK
    assert "Version 1, signed by Test Nurse" in capsys.readouterr().out
    with storage.open_database(data_dir=data) as db:
        for kind in ("checklist", "discharge"):
            written = (tmp_path / "out" / f"{version.record_id}-{kind}.pdf").read_bytes()
            assert written == storage.get_pdf(db, version.version_id, kind)  # the bytes sealed at signing
        exported = [e for e in storage.list_events(db, record_id=version.record_id) if e.event_type == "exported"]
    assert len(exported) == 2, "each file written is in the audit trail"
    pdf = tmp_path / "out" / f"{version.record_id}-checklist.pdf"
    text = flat(" ".join(page_texts(pdf.read_bytes())))
    assert "Overridden by Test Physician" in text and "not verified" not in text and "DRAFT" not in text
    assert main(["verify-seal", str(pdf)]) == EXIT_OK
    assert "Seal valid" in capsys.readouterr().out
    damaged = bytearray(pdf.read_bytes())
    damaged[200] ^= 0x01
    pdf.write_bytes(bytes(damaged))
    assert main(["verify-seal", str(pdf)]) == EXIT_NO
    assert "Seal NOT valid" in capsys.readouterr().out


def test_render_seal_of_a_signed_version_without_stored_pdfs_seals_both_now(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    sign_example(data, "clean")  # signed, its PDFs not kept (as when sealing failed at signing)
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    assert main(["render", "--record-id", "demo-clean", "--out", str(tmp_path), "--seal"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "sealed now" in out and "Made again now" in out
    for kind in ("checklist", "discharge"):
        assert main(["verify-seal", str(tmp_path / f"demo-clean-{kind}.pdf")]) == EXIT_OK
        assert "Seal valid" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "expected"), [
    (["--record-id", "demo-clean", "--language", "es"], "--language cannot be used with --record-id"),
    (["--record-id", "nobody"], "--record-id nobody: no signed checklist with this id"),
    (["--record-id", "demo-clean", "--signed-version", "7"], "--signed-version 7: checklist demo-clean has versions 1"),
    ([str(EXAMPLES / "clean.json"), "--record-id", "demo-clean"], "either a record file or --record-id"),
])
def test_render_a_signed_version_refuses_what_does_not_apply(tmp_path, capsys, monkeypatch, args, expected):
    data = tmp_path / "data"
    sign_example(data, "clean")
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    assert main(["render", *args, "--out", str(tmp_path / "out")]) == EXIT_INVALID
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_render_language_and_large_print_flags(tmp_path):
    clean = EXAMPLES / "clean.json"
    args = ["render", str(clean), "--out", str(tmp_path), "--now", NOW, "--only", "discharge"]
    assert main(args + ["--language", "es", "--large-print"]) == EXIT_OK
    assert "Cuidados en casa" in flat(" ".join(page_texts((tmp_path / "demo-clean-discharge.pdf").read_bytes())))


def test_render_reports_bad_input_as_an_error(tmp_path, capsys):
    assert main(["render", str(tmp_path / "missing.json"), "--out", str(tmp_path), "--now", NOW]) == EXIT_INVALID
    assert "file not found" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["render", str(EXAMPLES / "clean.json"), "--out", str(blocker / "sub"), "--now", NOW]) == EXIT_INVALID
    assert "output folder cannot be created" in capsys.readouterr().err


def test_render_uses_this_workstations_site_settings(tmp_path, monkeypatch):
    """The app's Settings dialog writes site.yaml in the data folder; render must print the same phone."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "site.yaml").write_text('clinic_phone: "(555) 010-9999"\n')
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    out = tmp_path / "out"
    assert main(["render", str(resources.form_path("examples/clean.json")), "--out", str(out),
                 "--now", "2026-11-21T10:00", "--only", "discharge"]) == 0
    text = " ".join(PdfReader(str(out / "demo-clean-discharge.pdf")).pages[0].extract_text().split())
    assert "(555) 010-9999" in text and "(555) 010-4477" not in text
