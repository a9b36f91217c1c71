"""Printing and saving the packet (checklist plus discharge instructions).

Where CUPS is present (Linux, macOS) the PDFs go to the chosen printer unchanged with ``lp``, so the
printer gets vector pages; elsewhere, or when asked, each page is rendered with QtPdf onto white at
300 dpi and painted through QPrinter. The system print dialog and the folder chooser are reached
through classmethods (``PrintDialog.ask``, ``SaveDialog.ask_folder``) that tests replace; nothing here
writes the audit trail: callers get a ``PrintJob`` / list of paths and record it (storage.clinical).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QFileDialog, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui.signing.preview import load_document, page_image

RASTER_DPI = 300
_REQUEST_ID = re.compile(r"request id is (\S+)")


class PrintError(ChecklistError):
    """The packet could not be sent to the printer, or saved; the message says what to check."""


@dataclass(frozen=True)
class PrintJob:
    """What was sent: the printer, CUPS job ids (empty for the QPrinter path), documents and pages."""

    printer: str
    job_ids: tuple[str, ...]
    documents: int
    pages: int
    method: str


def printer_names() -> list[str]:
    """The printers the system knows, default first."""
    default = QPrinterInfo.defaultPrinterName()
    names = QPrinterInfo.availablePrinterNames()
    return sorted(names, key=lambda n: (n != default, n))


def print_with_lp(documents: Sequence[tuple[str, bytes]], printer: str, *, copies: int = 1,
                  lp: str | None = None) -> PrintJob:
    """Send each (title, PDF) to ``printer`` with CUPS' ``lp``; PrintError with lp's own words on failure."""
    command = lp or shutil.which("lp")
    if not command:
        raise PrintError("The 'lp' command (CUPS) is not installed on this computer.")
    job_ids: list[str] = []
    pages = 0
    with tempfile.TemporaryDirectory(prefix="checklist-print-") as folder:
        for n, (title, data) in enumerate(documents):
            path = Path(folder) / f"{n}.pdf"
            path.write_bytes(data)
            pages += _page_count(data)
            result = subprocess.run([command, "-d", printer, "-n", str(copies), "-t", title, "--", str(path)],
                                    capture_output=True, text=True, timeout=60)
            match = _REQUEST_ID.search(result.stdout)
            if result.returncode != 0 or not match:
                reason = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
                raise PrintError(f"Printer '{printer}' did not accept '{title}': {reason}")
            job_ids.append(match.group(1))
    return PrintJob(printer, tuple(job_ids), len(documents), pages, "lp")


def _page_count(data: bytes) -> int:
    document, buffer = load_document(data)
    try:
        return document.pageCount()
    finally:
        document.close()
        buffer.close()


def print_with_qprinter(documents: Sequence[tuple[str, bytes]], printer: QPrinter) -> PrintJob:
    """Render every page onto white and paint it, scaled to the printable page, through ``printer``."""
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"Printer '{printer.printerName()}' cannot be opened.")
    pages = 0
    try:
        for _title, data in documents:
            document, buffer = load_document(data)
            for page in range(document.pageCount()):
                if pages:
                    printer.newPage()
                size = document.pagePointSize(page)
                image = page_image(document, page, round(size.width() / 72 * RASTER_DPI))
                target = printer.pageLayout().paintRectPixels(printer.resolution())
                scale = min(target.width() / image.width(), target.height() / image.height())
                painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
                pages += 1
            document.close()
            buffer.close()
    finally:
        painter.end()
    return PrintJob(printer.printerName(), (), len(documents), pages, "qprinter")


class PrintDialog:
    """The system print dialog, behind a classmethod so tests never exec a modal."""

    @classmethod
    def ask(cls, parent: QWidget | None, printer_name: str = "") -> QPrinter | None:
        """Let the user choose a printer and copies; None when cancelled."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if printer_name:
            printer.setPrinterName(printer_name)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("Print packet")
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


class SaveDialog:
    """The folder chooser for "Save PDFs", behind a classmethod so tests never exec a modal."""

    @classmethod
    def ask_folder(cls, parent: QWidget | None) -> Path | None:
        """The folder the user picked, or None when cancelled."""
        chosen = QFileDialog.getExistingDirectory(parent, "Save the packet's PDFs in")
        return Path(chosen) if chosen else None


def print_packet(parent: QWidget | None, documents: Sequence[tuple[str, bytes]], *,
                 printer_name: str = "", use_lp: bool | None = None) -> PrintJob | None:
    """Ask for a printer (system dialog) and print the packet; None when the user cancels.

    With CUPS' ``lp`` available the PDFs go to the chosen queue as they are; otherwise, or with
    ``use_lp=False``, pages are rendered through QPrinter.
    """
    printer = PrintDialog.ask(parent, printer_name)
    if printer is None:
        return None
    if print_method(printer.printerName(), bool(printer.outputFileName()), use_lp) == "lp":
        return print_with_lp(documents, printer.printerName(), copies=max(1, printer.copyCount()))
    return print_with_qprinter(documents, printer)


def print_method(printer_name: str, to_file: bool, use_lp: bool | None = None) -> str:
    """How to print: "lp" to a print queue where CUPS' ``lp`` is on PATH (Linux, macOS with CUPS; ``use_lp``
    forces the choice), so the printer gets vector pages; "qprinter" otherwise: Windows, a computer without
    the CUPS tools, or printing to a file."""
    if to_file or not printer_name:
        return "qprinter"
    lp_ok = shutil.which("lp") is not None if use_lp is None else use_lp
    return "lp" if lp_ok else "qprinter"


def save_packet(parent: QWidget | None, documents: Sequence[tuple[str, bytes]],
                folder: Path | None = None) -> list[Path] | None:
    """Write each (file name, PDF) into a folder the user picks; None when cancelled."""
    folder = folder or SaveDialog.ask_folder(parent)
    if folder is None:
        return None
    written = []
    for name, data in documents:
        path = folder / name
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise PrintError(f"{path} cannot be written ({exc.strerror}). Choose another folder.") from None
        written.append(path)
    return written
