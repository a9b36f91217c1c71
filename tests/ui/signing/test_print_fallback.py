"""Printing where CUPS' ``lp`` is absent (Windows, a Mac without the CUPS tools): the packet goes through Qt,
each page rendered by QtPdf and painted through QPrinter.

No printer exists offscreen, so the chosen "printer" writes a PDF file (QPrinter's PdfFormat), which the test
reads back: as many pages as the packet has, each with the page's text on it as pixels.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from checklist_app import resources
from checklist_app.domain.record import parse_record
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.pdf import SignedPacket, render_checklist, render_discharge
from checklist_app.rules import evaluate, load_form, load_policy_for

pytestmark = pytest.mark.gui
NOW = parse_datetime("2026-11-21T10:00")


@pytest.fixture(scope="module")
def packet() -> list[tuple[str, bytes]]:
    form = load_form()
    policy = load_policy_for(form, "sir-2019")
    path = resources.data_root() / "forms" / "examples" / "clean.json"
    record = parse_record(json.loads(path.read_text(encoding="utf-8")), form, NOW)
    signed = SignedPacket(record, form, evaluate(form, record, policy, NOW), policy)
    return [("checklist", render_checklist(signed)), ("discharge", render_discharge(signed))]


@pytest.fixture
def no_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH with no ``lp`` on it (an empty folder); the folder, for a test that adds a fake one."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    assert shutil.which("lp") is None
    return folder


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_the_method_follows_whether_lp_is_on_path(no_lp):
    from checklist_app.ui.signing.printing import print_method

    assert print_method("Ward 3", to_file=False) == "qprinter"
    fake = no_lp / "lp"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    assert print_method("Ward 3", to_file=False) == "lp"  # CUPS present: the queue gets the PDFs as they are
    assert print_method("Ward 3", to_file=True) == "qprinter"
    assert print_method("", to_file=False) == "qprinter"


def test_without_lp_the_packet_prints_through_qt_page_by_page(qtbot, packet, no_lp, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing
    from checklist_app.ui.signing.preview import load_document, page_image

    out = tmp_path / "printed.pdf"

    def ask(cls, parent, name=""):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    def no_cups(*args, **kwargs):
        raise AssertionError("lp is not installed here: the packet must not be sent with it")

    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(ask))
    monkeypatch.setattr(printing, "print_with_lp", no_cups)
    job = printing.print_packet(None, packet)
    expected = sum(_pages(data) for _, data in packet)
    assert job is not None and job.method == "qprinter" and job.pages == expected and job.job_ids == ()
    printed = out.read_bytes()
    assert _pages(printed) == expected
    document, buffer = load_document(printed)
    try:
        for page in (0, expected - 1):  # the checklist's first page and the discharge sheet's last
            image = page_image(document, page, 400)
            dark = sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
                       if image.pixelColor(x, y).lightness() < 100)
            assert dark > 300, f"page {page + 1} printed blank"
    finally:
        document.close()
        buffer.close()
