"""Printing where CUPS' ``lp`` is absent (Windows, a Mac without the CUPS tools), through Qt.

"Print to file" (the dialog's PDF output) writes the packet's own pages merged into that file: text stays
text (``pdftotext`` reads it), the file is a few hundred kB and private. Only a real printer device gets
pictures of the pages, on the site's paper and at no more than ``RASTER_DPI``; no printer exists offscreen,
so that path is checked here by painting into QPrinter's PDF output as a stand-in device (and, with a real
CUPS queue, in test_print_cups.py).
"""

from __future__ import annotations

import io
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from packet_pdfs import PATIENT, packet_documents, pages
from pypdf import PdfReader

pytestmark = pytest.mark.gui
POPPLER = {name: shutil.which(name) or name for name in ("pdftotext", "pdfimages")}  # found before PATH is emptied


@pytest.fixture
def no_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH with no ``lp`` on it (an empty folder); the folder, for a test that adds a fake one."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    assert shutil.which("lp") is None
    return folder


def test_the_method_follows_the_output_and_whether_lp_is_on_path(no_lp):
    from checklist_app.ui.signing.printing import print_method

    assert print_method("Ward 3", to_file=False) == "qprinter"
    fake = no_lp / "lp"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    assert print_method("Ward 3", to_file=False) == "lp"  # CUPS present: the queue gets the PDFs as they are
    assert print_method("Ward 3", to_file=True) == "file"
    assert print_method("", to_file=False) == "qprinter"


def _to_file(out: Path, paper: str = "Letter"):
    """What the dialog returns when the nurse picks "Print to file (PDF)" and names ``out``."""
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing

    dialog, printer = printing.PrintDialog.make(None, paper=paper, pages=5)
    dialog.deleteLater()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    return printer


def test_print_to_file_writes_the_packets_own_pages_small_and_searchable(qtbot, no_lp, tmp_path, monkeypatch):
    from checklist_app.ui.signing import printing

    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(lambda cls, parent, name="", **_: _to_file(out)))
    monkeypatch.setattr(printing, "print_with_qprinter", lambda *a: pytest.fail("a file must not be rasterized"))
    documents = list(packet_documents())
    job = printing.print_packet(None, documents)
    expected = sum(pages(data) for _, data in documents)
    assert job is not None and job.method == "file" and job.pages == expected and job.printer == str(out)
    printed = out.read_bytes()
    assert pages(printed) == expected
    assert len(printed) < 1_000_000 and len(printed) < 1.5 * sum(len(data) for _, data in documents)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = subprocess.run([POPPLER["pdftotext"], str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("\f") == expected and PATIENT in text.split("\f")[0]  # every page, its text as text
    assert subprocess.run([POPPLER["pdfimages"], "-list", str(out)], capture_output=True, text=True,
                          check=True).stdout.count(" image ") <= 2  # a logo at most: no page pictures


def test_a_printer_without_lp_gets_page_pictures_on_the_sites_paper_at_a_sensible_resolution(qtbot, tmp_path):
    from PySide6.QtGui import QPageSize

    from checklist_app.ui.signing import printing
    from checklist_app.ui.signing.preview import load_document, page_image

    out = tmp_path / "device.pdf"
    printer = _to_file(out, paper="A4")  # a stand-in device: the raster path paints into it
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    documents = list(packet_documents())
    job = printing.print_with_qprinter(documents, printer)
    expected = sum(pages(data) for _, data in documents)
    assert job.method == "qprinter" and job.pages == expected
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == expected
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    listing = subprocess.run([POPPLER["pdfimages"], "-list", str(out)], capture_output=True, text=True,
                             check=True).stdout
    widths = [int(m.group(1)) for m in re.finditer(r"^\s*\d+\s+\d+\s+image\s+(\d+)", listing, re.M)]
    assert len(widths) == expected and max(widths) <= 8.5 * printing.RASTER_DPI  # one picture a page, <= 300 dpi
    document, buffer = load_document(out.read_bytes())
    try:
        for page in (0, expected - 1):  # the checklist's first page and the discharge sheet's last
            image = page_image(document, page, 400)
            dark = sum(1 for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
                       if image.pixelColor(x, y).lightness() < 100)
            assert dark > 300, f"page {page + 1} printed blank"
    finally:
        document.close()
        buffer.close()
