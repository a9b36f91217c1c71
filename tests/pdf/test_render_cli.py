"""``python -m checklist_app render`` on every shipped example record, plus ``--seal`` and bad input."""

from __future__ import annotations

import json

import pytest
from pdf_helpers import EXAMPLES, flat, page_texts
from pypdf import PdfReader

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


def test_render_seal_and_verify(tmp_path, capsys, seal_identity, monkeypatch):
    # The CLI seals with the installation certificate of the data folder: point it at the session's.
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(seal_identity.cert.parent.parent))
    clean = EXAMPLES / "clean.json"
    args = ["render", str(clean), "--out", str(tmp_path), "--now", NOW, "--seal", "--only", "checklist"]
    assert main(args) == EXIT_OK
    pdf = tmp_path / "demo-clean-checklist.pdf"
    assert not (tmp_path / "demo-clean-discharge.pdf").exists()
    assert main(["verify-seal", str(pdf)]) == EXIT_OK
    assert "Seal valid" in capsys.readouterr().out
    data = bytearray(pdf.read_bytes())
    data[200] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert main(["verify-seal", str(pdf)]) == EXIT_NO
    assert "Seal NOT valid" in capsys.readouterr().out


def test_render_seal_seals_both_documents_as_the_app_does(tmp_path, capsys, seal_identity, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(seal_identity.cert.parent.parent))
    assert main(["render", str(EXAMPLES / "clean.json"), "--out", str(tmp_path), "--now", NOW, "--seal"]) == EXIT_OK
    assert "sealed" in capsys.readouterr().out
    for kind in ("checklist", "discharge"):
        assert main(["verify-seal", str(tmp_path / f"demo-clean-{kind}.pdf")]) == EXIT_OK
        assert "Seal valid" in capsys.readouterr().out


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
