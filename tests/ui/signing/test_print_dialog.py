"""The print dialog as the nurse finds it (the site's paper, the packet's pages), what is read back from it,
and what she is told afterwards: "Sent 2 documents to PRINTER (jobs 12, 13)", "Saved 2 PDFs in FOLDER"
naming the files, which land in her Documents folder, private, never replacing one already there."""

from __future__ import annotations

import stat

import pytest
from packet_pdfs import packet_documents
from ui_helpers import NURSE, PINS

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("queue", ["no_print_queue", "cups_queue"])
@pytest.mark.parametrize(("paper", "size"), [("Letter", "Letter"), ("A4", "A4")])
def test_the_dialog_opens_on_the_sites_paper_with_the_packets_pages(qtbot, request, queue, paper, size):
    """On a file without a queue, and on a cups-pdf queue, whose description lists Letter twice ("ANSI A"
    first, then "US Letter"): the dialog shows the paper under the name the site gives it."""
    from PySide6.QtPrintSupport import QAbstractPrintDialog

    from checklist_app.ui.signing import printing

    printer_name = getattr(request.getfixturevalue(queue), "name", "")
    dialog, printer = printing.PrintDialog.make(None, printer_name, paper=paper, pages=9)
    qtbot.addWidget(dialog)
    assert printer.printerName() == printer_name
    assert printer.pageLayout().pageSize().key() == size
    assert (dialog.minPage(), dialog.maxPage()) == (1, 9)
    option = QAbstractPrintDialog.PrintDialogOption
    for wanted in (option.PrintPageRange, option.PrintCollateCopies, option.PrintToFile):
        assert dialog.testOption(wanted)
    options = printing.options_from_printer(printer)  # pressing Print without changing anything
    assert (options.paper, options.sides, options.copies, options.pages) == (size, "one-sided", 1, ())


def test_without_a_print_queue_the_dialog_offers_a_file_named_for_the_patient_in_documents(qtbot, tmp_path,
                                                                                           monkeypatch,
                                                                                           no_print_queue):
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing

    assert printing.printer_names() == []
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "Documents").mkdir()
    name = printing.packet_file_name(packet_documents())
    assert name == "clean-packet.pdf"
    dialog, printer = printing.PrintDialog.make(None, pages=9, file_name=name)
    qtbot.addWidget(dialog)
    assert printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
    assert printer.outputFileName() == str(tmp_path / "Documents" / "clean-packet.pdf")


def test_what_the_nurse_chose_is_read_back_in_cups_words(qtbot):
    from PySide6.QtGui import QPageRanges, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing

    dialog, printer = printing.PrintDialog.make(None, paper="Letter", pages=9)
    qtbot.addWidget(dialog)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Legal))
    printer.setCopyCount(3)
    printer.setCollateCopies(False)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 5)
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    options = printing.options_from_printer(printer)  # two-sided needs a printer that has it: test_print_cups
    assert options == printing.PrintOptions(paper="Legal", sides="one-sided", copies=3, collate=False,
                                            pages=((2, 5),), reverse=True)
    typed = QPageRanges()  # "1, 3-4" typed in "Pages"
    typed.addPage(1)
    typed.addRange(3, 4)
    printer.setPageRanges(typed)
    assert printing.options_from_printer(printer).pages == ((1, 1), (3, 4))


def test_cancelling_the_dialog_prints_nothing(qtbot, monkeypatch):
    from checklist_app.ui.signing import printing

    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(lambda cls, parent, name="", **_: None))
    assert printing.print_packet(None, list(packet_documents())) is None


def test_save_offers_the_documents_folder(qtbot, tmp_path, monkeypatch):
    from checklist_app.ui.signing import printing

    offered = []
    monkeypatch.setattr(printing.SaveDialog, "ask_folder",
                        classmethod(lambda cls, parent, start=None: offered.append(start)))
    assert printing.save_packet(None, list(packet_documents())) is None  # cancelled: nothing written
    assert offered == [printing.documents_folder()]
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no user-dirs.dirs: ~/Documents
    assert printing.documents_folder() == tmp_path  # no Documents folder yet: home
    (tmp_path / "Documents").mkdir()
    assert printing.documents_folder() == tmp_path / "Documents"


@pytest.fixture
def signed_window(open_example):
    from checklist_app.workflows.signing import meaning_of, sign

    window = open_example("clean")
    window.mark_signed(sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0]))
    return window


def _message_box(qtbot, parent):
    from PySide6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "message_box") is not None)
    return parent.findChild(QMessageBox, "message_box")


def test_after_printing_the_nurse_is_told_where_and_which_jobs(qtbot, ctx, signed_window, monkeypatch):
    from checklist_app.ui.signing import packet as packet_flow
    from checklist_app.ui.signing import printing

    asked = {}

    def print_packet(parent, documents, printer_name="", paper=""):
        asked.update(printer=printer_name, paper=paper)
        return printing.PrintJob("Ward-3", ("Ward-3-12", "Ward-3-13"), 2, 9, "lp")

    monkeypatch.setattr(printing, "print_packet", print_packet)
    ctx.site = ctx.site.model_copy(update={"printer": "Ward-3", "paper": "A4"})
    documents = packet_flow.documents_for(signed_window, signed_window.checklist)
    packet_flow.print_packet(signed_window, signed_window.checklist, documents, lambda: None)
    assert asked == {"printer": "Ward-3", "paper": "A4"}
    box = _message_box(qtbot, signed_window)
    assert box.windowTitle() == "Printed" and box.text() == "Sent 2 documents to Ward-3 (jobs 12, 13)"


def test_after_saving_the_nurse_is_told_the_folder_and_the_files(qtbot, ctx, signed_window, tmp_path, monkeypatch):
    from checklist_app.ui.signing import packet as packet_flow
    from checklist_app.ui.signing import printing

    monkeypatch.setattr(printing.SaveDialog, "ask_folder", classmethod(lambda cls, parent, start=None: tmp_path))
    documents = packet_flow.documents_for(signed_window, signed_window.checklist)
    (tmp_path / documents[0][0]).write_bytes(b"yesterday's copy")
    paths = packet_flow.save_packet(signed_window, signed_window.checklist, documents)
    first, second = documents[0][0].removesuffix(".pdf"), documents[1][0]
    assert [p.name for p in paths] == [f"{first} (2).pdf", second]
    assert (tmp_path / documents[0][0]).read_bytes() == b"yesterday's copy"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
    box = _message_box(qtbot, signed_window)
    assert box.windowTitle() == "Saved" and box.text() == f"Saved 2 PDFs in {tmp_path}"
    assert box.informativeText() == f"{first} (2).pdf\n{second}"


def test_print_to_file_is_recorded_as_a_saved_file_not_as_printed(qtbot, ctx, signed_window, tmp_path, monkeypatch):
    from checklist_app import storage
    from checklist_app.ui.signing import packet as packet_flow
    from checklist_app.ui.signing import printing

    out = tmp_path / "packet.pdf"
    monkeypatch.setattr(printing, "print_packet", lambda parent, documents, **_: printing.PrintJob(
        str(out), (), 2, 9, "file"))
    printed = []
    documents = packet_flow.documents_for(signed_window, signed_window.checklist)
    packet_flow.print_packet(signed_window, signed_window.checklist, documents, lambda: printed.append(True))
    assert printed == []  # the worklist does not say "Printed"
    events = [(e.event_type, e.details.get("file_name")) for e in storage.list_events(ctx.store.db, "demo-clean")]
    assert ("exported", "packet.pdf") in events and "printed" not in {kind for kind, _ in events}
    box = _message_box(qtbot, signed_window)
    assert box.windowTitle() == "Saved" and box.text() == f"Saved 2 documents (9 pages) as {out}"


def test_a_sealed_packet_prints_to_one_file_with_every_page(qtbot, signed_window, tmp_path):
    from checklist_app.ui.signing import packet as packet_flow
    from checklist_app.workflows.print_jobs import page_count, write_packet_file

    documents = packet_flow.documents_for(signed_window, signed_window.checklist)
    assert b"/ByteRange" in documents[0][1]  # the checklist as signed: sealed
    job = write_packet_file(tmp_path / "packet.pdf", documents)
    assert job.pages == sum(page_count(data) for _, data in documents) == page_count(
        (tmp_path / "packet.pdf").read_bytes())
