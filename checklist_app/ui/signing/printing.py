"""Printing and saving the packet (checklist plus discharge instructions) from the desktop.

The system print dialog opens on the site's paper (Letter unless the site settings say A4) and knows the
packet's pages, so a page range counts across both documents. Then, in order of preference:

- a print queue where CUPS' ``lp`` is on PATH (Linux, macOS): the PDFs go to the queue unchanged, as vector
  pages, with the dialog's paper, sides, copies, collation, pages and order as lp options, plus the CUPS
  options the dialog gathered itself (odd/even pages, the printer's settings under Properties;
  ``workflows.print_jobs``). Qt's Properties page shows the printer's own default paper on CUPS, whatever the
  printer was given; the packet prints on the site's paper unless the nurse changes it there;
- "Print to file" (the dialog's PDF output): the packet's pages themselves are merged into that file, still
  text, a few hundred kB, private to this user;
- a printer reached only through Qt (Windows, a computer without the CUPS tools): each page is rendered onto
  white at the printer's resolution, at most ``RASTER_DPI``, and painted on the chosen paper.

The dialogs are reached through classmethods (``PrintDialog.ask``, ``SaveDialog.ask_folder``) that tests
replace. Nothing here writes the audit trail: callers get a ``PrintJob`` / list of paths and record it.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QRectF, QStandardPaths
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrintEngine, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QFileDialog, QWidget

from checklist_app.ui.signing.preview import load_document, page_image
from checklist_app.workflows.print_jobs import (
    PrintError,
    PrintJob,
    PrintOptions,
    document_ranges,
    page_count,
    pages_text,
    parse_page_ranges,
    save_documents,
    send_with_lp,
    write_packet_file,
)

__all__ = ["PrintDialog", "PrintError", "PrintJob", "SaveDialog", "documents_folder", "options_from_printer",
           "print_method", "print_packet", "printer_names", "save_packet"]

RASTER_DPI = 300  # enough for 8 pt text; a 600 dpi printer would only make each page's picture 4x larger

_PAPER_IDS = {"Letter": QPageSize.PageSizeId.Letter, "A4": QPageSize.PageSizeId.A4,
              "Legal": QPageSize.PageSizeId.Legal}
_PPK_CUPS_OPTIONS = 0xFE00
_OURS = {"media", "sides", "copies", "collate", "outputorder", "page-ranges"}  # set from the printer's own state
_SIDES = {QPrinter.DuplexMode.DuplexNone: "one-sided", QPrinter.DuplexMode.DuplexAuto: "two-sided-long-edge",
          QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
          QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge"}


def printer_names() -> list[str]:
    """The printers the system knows, default first."""
    default = QPrinterInfo.defaultPrinterName()
    names = QPrinterInfo.availablePrinterNames()
    return sorted(names, key=lambda n: (n != default, n))


def options_from_printer(printer: QPrinter) -> PrintOptions:
    """The dialog's choices (paper, sides, copies, collation, pages, order and its other CUPS options) as CUPS
    names them."""
    size = printer.pageLayout().pageSize()
    paper = next((name for name, ident in _PAPER_IDS.items() if ident == size.id()), size.key())
    other = dialog_cups_options(printer)
    pages: tuple[tuple[int, int], ...] = parse_page_ranges(other.pop("page-ranges", ""))
    if printer.printRange() == QPrinter.PrintRange.PageRange:  # "Pages from ... to", or a list typed without CUPS
        pages = tuple((r.from_, r.to) for r in printer.pageRanges().toRangeList())
    return PrintOptions(paper=paper, sides=_SIDES.get(printer.duplex(), "one-sided"),  # type: ignore[arg-type]
                        copies=max(1, printer.copyCount()), collate=printer.collateCopies(), pages=pages,
                        reverse=printer.pageOrder() == QPrinter.PageOrder.LastPageFirst,
                        other=tuple((name, value) for name, value in other.items() if value and name not in _OURS))


def dialog_cups_options(printer: QPrinter) -> dict[str, str]:
    """The CUPS options Qt's dialog left on a CUPS printer (read back through the print engine's property
    ``PPK_CupsOptions``, 0xfe00 in Qt's qcups_p.h): a typed page list ("page-ranges"), odd or even pages,
    pages per sheet, Properties' printer settings. Empty for other printers."""
    found = printer.printEngine().property(QPrintEngine.PrintEnginePropertyKey(_PPK_CUPS_OPTIONS))
    values = [str(v) for v in found] if isinstance(found, list) else []
    return dict(zip(values[::2], values[1::2], strict=False))


def _drop_cups_option(printer: QPrinter, name: str) -> None:
    options = dialog_cups_options(printer)
    if options.pop(name, None) is not None:
        flat = [item for pair in options.items() for item in pair]
        printer.printEngine().setProperty(QPrintEngine.PrintEnginePropertyKey(_PPK_CUPS_OPTIONS), flat)


def print_with_qprinter(documents: Sequence[tuple[str, bytes]], printer: QPrinter) -> PrintJob:
    """Render the chosen pages onto white and paint each, scaled to the printable page, through ``printer``."""
    options = options_from_printer(printer)
    _drop_cups_option(printer, "page-ranges")  # the pages are chosen here; CUPS would choose again among them
    ranges = document_ranges(options.pages, [page_count(data) for _, data in documents])
    chosen = [(n, page) for n, own in enumerate(ranges) for first, last in own for page in range(first - 1, last)]
    if not chosen:
        raise PrintError(f"{pages_text(options.pages)} are not in the packet; nothing was printed. Choose pages "
                         "within it.")
    if options.reverse:
        chosen.reverse()
    dpi = min(printer.resolution(), RASTER_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"The printer '{printer.printerName()}' cannot be opened. Check that it is switched on "
                         "and connected, or choose another printer.")
    loaded = [load_document(data) for _, data in documents]
    try:
        for printed, (n, page) in enumerate(chosen):
            if printed:
                printer.newPage()
            document = loaded[n][0]
            image = page_image(document, page, round(document.pagePointSize(page).width() / 72 * dpi))
            target = printer.pageLayout().paintRectPixels(printer.resolution())
            scale = min(target.width() / image.width(), target.height() / image.height())
            painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
    finally:
        painter.end()
        for document, buffer in loaded:
            document.close()
            buffer.close()
    return PrintJob(printer.printerName(), (), sum(bool(own) for own in ranges), len(chosen), "qprinter")


class PrintDialog:
    """The system print dialog, behind a classmethod so tests never exec a modal."""

    @classmethod
    def ask(cls, parent: QWidget | None, printer_name: str = "", *, paper: str = "Letter", pages: int = 0,
            file_name: str = "packet.pdf") -> QPrinter | None:
        """Let the user choose a printer, paper, sides, copies and pages; None when cancelled."""
        dialog, printer = cls.make(parent, printer_name, paper=paper, pages=pages, file_name=file_name)
        try:
            return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    @staticmethod
    def make(parent: QWidget | None, printer_name: str = "", *, paper: str = "Letter", pages: int = 0,
             file_name: str = "packet.pdf") -> tuple[QPrintDialog, QPrinter]:
        """The dialog, not yet shown, and its printer (kept by the caller: the dialog does not own it):
        ``printer_name`` chosen, the site's ``paper``, pages 1 to ``pages``, ``file_name`` for a file."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if printer_name:
            printer.setPrinterName(printer_name)
        printer.setPageSize(_paper_as_listed(printer, paper))
        printer.setDocName(Path(file_name).stem)
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:  # no print queue: "Print to file" it is,
            printer.setOutputFileName(str(documents_folder() / file_name))  # named, in Documents (not the cwd)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("Print packet")
        option = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(option.PrintToFile | option.PrintPageRange | option.PrintCollateCopies
                          | option.PrintShowPageSize)
        if pages:
            dialog.setMinMax(1, pages)
            dialog.setFromTo(1, pages)
        return dialog, printer


def _paper_as_listed(printer: QPrinter, paper: str) -> QPageSize:
    """The site's paper as the printer itself lists it. A printer may list one size under two names (cups-pdf's
    description has "ANSI A" before "US Letter"), and Qt takes the first of that size; the one named as the
    site names its paper is what the nurse expects to find in the dialog. Without a queue: the standard size."""
    wanted = QPageSize(_PAPER_IDS.get(paper, QPageSize.PageSizeId.Letter))
    listed = [size for size in QPrinterInfo(printer).supportedPageSizes() if size.id() == wanted.id()]
    return next((size for size in listed if size.key() == wanted.key()), wanted)


def documents_folder() -> Path:
    """Where files are offered to go: the user's Documents folder, or home where there is none."""
    for found in QStandardPaths.standardLocations(QStandardPaths.StandardLocation.DocumentsLocation):
        if Path(found).is_dir():
            return Path(found)
    return Path.home()


class SaveDialog:
    """The folder chooser for "Save PDFs", behind a classmethod so tests never exec a modal."""

    @classmethod
    def ask_folder(cls, parent: QWidget | None, start: Path | None = None) -> Path | None:
        """The folder the user picked (starting in ``start``), or None when cancelled."""
        chosen = QFileDialog.getExistingDirectory(parent, "Save the packet's PDFs in", str(start or ""))
        return Path(chosen) if chosen else None


def print_packet(parent: QWidget | None, documents: Sequence[tuple[str, bytes]], *, printer_name: str = "",
                 paper: str = "Letter", use_lp: bool | None = None) -> PrintJob | None:
    """Ask for a printer (system dialog, on ``paper``) and print the packet; None when the user cancels."""
    total = sum(page_count(data) for _, data in documents)
    printer = PrintDialog.ask(parent, printer_name, paper=paper, pages=total, file_name=packet_file_name(documents))
    if printer is None:
        return None
    to_file = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(printer.outputFileName())
    method = print_method(printer.printerName(), to_file, use_lp)
    if method == "file":
        return write_packet_file(Path(printer.outputFileName()), documents, options_from_printer(printer).pages)
    if method == "lp":
        return send_with_lp(documents, printer.printerName(), options_from_printer(printer))
    return print_with_qprinter(documents, printer)


def packet_file_name(documents: Sequence[tuple[str, bytes]]) -> str:
    """The name offered for "Print to file": the checklist's, "...-checklist.pdf" becoming "...-packet.pdf"."""
    first = Path(documents[0][0]).stem if documents else ""
    return f"{first.removesuffix('-checklist') or 'checklist'}-packet.pdf"


def print_method(printer_name: str, to_file: bool, use_lp: bool | None = None) -> str:
    """How to print: "file" for the dialog's "Print to file" (the PDFs' own pages, merged); "lp" to a print
    queue where CUPS' ``lp`` is on PATH (``use_lp`` forces the choice), so the printer gets vector pages;
    "qprinter" otherwise: Windows, or a computer without the CUPS tools."""
    if to_file:
        return "file"
    if not printer_name:
        return "qprinter"
    lp_ok = shutil.which("lp") is not None if use_lp is None else use_lp
    return "lp" if lp_ok else "qprinter"


def save_packet(parent: QWidget | None, documents: Sequence[tuple[str, bytes]],
                folder: Path | None = None) -> list[Path] | None:
    """Write each (file name, PDF) into a folder the user picks (offered: Documents), private to this user and
    never replacing a file; None when cancelled."""
    folder = folder or SaveDialog.ask_folder(parent, documents_folder())
    if folder is None:
        return None
    return save_documents(folder, documents)
