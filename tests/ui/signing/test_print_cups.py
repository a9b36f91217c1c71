"""Printing the packet to a real CUPS queue (a cups-pdf queue on a scheduler of the test's own: ``cups_queue``).

What the print dialog returns (the site's paper preset, then the nurse's sides, copies and pages) must reach
the queue: each job's IPP attributes say so, and the PDF cups-pdf writes has the paper and pages asked for.
The nurse is told the real job numbers; a queue that refuses gives lp's own words and what to do.
"""

from __future__ import annotations

import io
import uuid

import pytest
from packet_pdfs import PATIENT, packet_documents, pages
from pypdf import PdfReader

pytestmark = [pytest.mark.gui, pytest.mark.e2e]

A4 = (595, 842)
LETTER = (612, 792)


def _size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def _titled(marker: str) -> list[tuple[str, bytes]]:
    """The packet with ``marker`` in each title, so the files cups-pdf writes can be told apart."""
    return [(f"{marker}-{name}", data) for name, data in packet_documents()]


def _dialog_returning(monkeypatch, choose):
    """Replace the modal dialog: build it as the app does (the site's paper preset), then apply ``choose``."""
    from checklist_app.ui.signing import printing

    made = {}

    def ask(cls, parent, printer_name="", *, paper="Letter", pages=0, file_name="packet.pdf"):
        dialog, printer = printing.PrintDialog.make(parent, printer_name, paper=paper, pages=pages,
                                                    file_name=file_name)
        made.update(paper=printer.pageLayout().pageSize().key(), max_page=dialog.maxPage())
        dialog.deleteLater()
        choose(printer)
        return printer

    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(ask))
    return made


def test_the_dialogs_paper_sides_copies_and_pages_reach_the_queue(qtbot, cups_queue, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing
    from checklist_app.workflows.print_jobs import sent_message

    checklist_pages = pages(packet_documents()[0][1])

    def choose(printer):  # two-sided, 2 collated copies, the checklist's last page and the sheet's first
        printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)
        printer.setCopyCount(2)
        printer.setCollateCopies(True)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(checklist_pages, checklist_pages + 1)

    made = _dialog_returning(monkeypatch, choose)
    marker = uuid.uuid4().hex[:8]
    job = printing.print_packet(None, _titled(marker), printer_name=cups_queue.name, paper="A4")
    assert made == {"paper": "A4", "max_page": sum(pages(d) for _, d in packet_documents())}
    assert job is not None and job.method == "lp" and len(job.job_ids) == 2 and job.pages == 2
    numbers = [request.rsplit("-", 1)[-1] for request in job.job_ids]
    assert sent_message(job) == f"Sent 2 documents to {cups_queue.name} (jobs {numbers[0]}, {numbers[1]})"
    for request, own_page, kind in ((job.job_ids[0], checklist_pages, "checklist"),
                                    (job.job_ids[1], 1, "discharge")):
        printed = cups_queue.wait_for_pdf(f"{marker}-clean-{kind}", request)
        attributes = cups_queue.job_attributes(request)
        assert attributes["media"] == "A4" and attributes["sides"] == "two-sided-long-edge"
        assert attributes["copies"] == "2" and attributes["collate"] == "true"
        assert attributes["page-ranges"] == f"{own_page}-{own_page}"
        reader = PdfReader(io.BytesIO(printed.read_bytes()))
        # two copies of the one page asked for, each on its own sheet: printed on the front, the back left blank
        assert [bool(page.extract_text().strip()) for page in reader.pages] == [True, False, True, False]
        assert {_size(page) for page in reader.pages} == {A4}
        printed.unlink()
    assert set(job.job_ids) <= cups_queue.completed()


def test_by_default_the_whole_packet_prints_once_one_sided_on_the_sites_letter_paper(qtbot, cups_queue,
                                                                                    monkeypatch):
    from checklist_app.ui.signing import printing

    _dialog_returning(monkeypatch, lambda printer: None)  # the nurse presses Print without changing anything
    marker = uuid.uuid4().hex[:8]
    job = printing.print_packet(None, _titled(marker), printer_name=cups_queue.name, paper="Letter")
    assert job is not None and job.method == "lp"
    for request, (name, data) in zip(job.job_ids, packet_documents(), strict=True):
        printed = cups_queue.wait_for_pdf(f"{marker}-{name.removesuffix('.pdf')}", request)
        attributes = cups_queue.job_attributes(request)
        assert (attributes["media"], attributes["sides"], attributes["copies"]) == ("Letter", "one-sided", "1")
        assert "page-ranges" not in attributes
        reader = PdfReader(io.BytesIO(printed.read_bytes()))
        assert len(reader.pages) == pages(data) and {_size(page) for page in reader.pages} == {LETTER}
        if "checklist" in name:
            assert PATIENT in reader.pages[0].extract_text()  # still text: the queue got the PDF itself
        printed.unlink()


def test_a_queue_that_refuses_gives_lps_words_and_what_to_do(qtbot, cups_queue, monkeypatch):
    import subprocess

    from checklist_app.ui import messages
    from checklist_app.ui.signing import printing

    _dialog_returning(monkeypatch, lambda printer: None)
    subprocess.run(["cupsreject", cups_queue.name], check=True, env=cups_queue.env(), timeout=30)
    try:
        with pytest.raises(printing.PrintError) as refused:
            printing.print_packet(None, _titled("refused"), printer_name=cups_queue.name)
    finally:
        subprocess.run(["cupsaccept", cups_queue.name], check=True, env=cups_queue.env(), timeout=30)
    box = messages.show_error(None, refused.value)
    qtbot.addWidget(box)
    assert box.windowTitle() == "Not printed"
    assert f"The printer '{cups_queue.name}' did not take 'refused-clean-checklist.pdf'" in box.text()
    assert "not accepting jobs" in box.text()  # lp's own words
    assert "Check that the printer is switched on" in box.informativeText()


@pytest.mark.slow
def test_without_lp_a_real_printer_gets_pictures_of_the_pages_on_the_sites_paper(qtbot, cups_queue, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing

    marker = uuid.uuid4().hex[:8]

    def choose(printer):  # one page is enough to see the paper and the picture
        printer.setDocName(f"packet-{marker}")
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(1, 1)

    _dialog_returning(monkeypatch, choose)
    job = printing.print_packet(None, list(packet_documents()), printer_name=cups_queue.name, paper="Letter",
                                use_lp=False)
    assert job is not None and job.method == "qprinter" and job.pages == 1 and job.job_ids == ()
    printed = cups_queue.wait_for_pdf(f"packet-{marker}")
    reader = PdfReader(io.BytesIO(printed.read_bytes()))
    assert len(reader.pages) == 1 and _size(reader.pages[0]) == LETTER
    printed.unlink()


def test_two_sided_choices_on_a_printer_that_has_them_are_read_back_in_cups_words(qtbot, cups_queue):
    from PySide6.QtPrintSupport import QPrinter

    from checklist_app.ui.signing import printing

    dialog, printer = printing.PrintDialog.make(None, cups_queue.name, paper="Letter", pages=9)
    qtbot.addWidget(dialog)
    for mode, sides in ((QPrinter.DuplexMode.DuplexShortSide, "two-sided-short-edge"),
                        (QPrinter.DuplexMode.DuplexAuto, "two-sided-long-edge"),
                        (QPrinter.DuplexMode.DuplexLongSide, "two-sided-long-edge"),
                        (QPrinter.DuplexMode.DuplexNone, "one-sided")):
        printer.setDuplex(mode)
        assert printing.options_from_printer(printer).sides == sides


def _dialog_driven(monkeypatch, drive):
    """Replace the modal dialog with the real one, driven through its own widgets by ``drive`` and accepted."""
    from checklist_app.ui.signing import printing

    def ask(cls, parent, printer_name="", *, paper="Letter", pages=0, file_name="packet.pdf"):
        dialog, printer = printing.PrintDialog.make(parent, printer_name, paper=paper, pages=pages,
                                                    file_name=file_name)
        drive(dialog)
        dialog.accept()  # what pressing Print does (accept() without exec() returns at once)
        dialog.deleteLater()
        return printer

    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(ask))


def _widget(dialog, kind: str, name: str):
    from PySide6 import QtWidgets

    found = dialog.findChild(getattr(QtWidgets, kind), name)
    assert found is not None, f"Qt's print dialog has no {kind} '{name}' any more"
    return found


def test_pages_typed_in_the_dialog_copies_and_sides_reach_the_queue(qtbot, cups_queue, monkeypatch):
    from checklist_app.ui.signing import printing

    checklist_pages = pages(packet_documents()[0][1])

    def drive(dialog):
        _widget(dialog, "QSpinBox", "copies").setValue(2)
        _widget(dialog, "QRadioButton", "duplexLong").setChecked(True)
        _widget(dialog, "QRadioButton", "pagesRadioButton").setChecked(True)
        _widget(dialog, "QLineEdit", "pagesLineEdit").setText(f"1,{checklist_pages + 1}-{checklist_pages + 2}")

    _dialog_driven(monkeypatch, drive)
    marker = uuid.uuid4().hex[:8]
    job = printing.print_packet(None, _titled(marker), printer_name=cups_queue.name, paper="Letter")
    assert job is not None and job.method == "lp" and job.pages == 3
    checklist, discharge = (cups_queue.job_attributes(request) for request in job.job_ids)
    assert checklist["page-ranges"] == "1-1" and discharge["page-ranges"] == "1-2"  # each document's own pages
    for attributes in (checklist, discharge):
        assert (attributes["media"], attributes["sides"], attributes["copies"]) == ("Letter", "two-sided-long-edge",
                                                                                   "2")
    for request, (name, _) in zip(job.job_ids, _titled(marker), strict=True):
        cups_queue.wait_for_pdf(name.removesuffix(".pdf"), request).unlink()


def test_odd_pages_chosen_in_the_dialog_reach_the_queue(qtbot, cups_queue, monkeypatch):
    from checklist_app.ui.signing import printing

    _dialog_driven(monkeypatch, lambda dialog: _widget(dialog, "QComboBox", "pageSetCombo").setCurrentIndex(1))
    marker = uuid.uuid4().hex[:8]
    job = printing.print_packet(None, _titled(marker)[:1], printer_name=cups_queue.name)
    assert job is not None and cups_queue.job_attributes(job.job_ids[0])["page-set"] == "odd"
    printed = cups_queue.wait_for_pdf(f"{marker}-clean-checklist", job.job_ids[0])
    assert len(PdfReader(io.BytesIO(printed.read_bytes())).pages) == (pages(packet_documents()[0][1]) + 1) // 2
    printed.unlink()


@pytest.mark.slow
def test_without_lp_pages_typed_in_the_dialog_are_chosen_once(qtbot, cups_queue, monkeypatch):
    from checklist_app.ui.signing import printing

    marker = uuid.uuid4().hex[:8]

    def drive(dialog):
        dialog.printer().setDocName(f"packet-{marker}")
        _widget(dialog, "QRadioButton", "pagesRadioButton").setChecked(True)
        _widget(dialog, "QLineEdit", "pagesLineEdit").setText("2")

    _dialog_driven(monkeypatch, drive)
    job = printing.print_packet(None, list(packet_documents()), printer_name=cups_queue.name, use_lp=False)
    assert job is not None and job.method == "qprinter" and job.pages == 1
    printed = cups_queue.wait_for_pdf(f"packet-{marker}")
    assert len(PdfReader(io.BytesIO(printed.read_bytes())).pages) == 1  # not page 2 of the one page painted
    printed.unlink()


def test_from_the_packet_window_the_nurse_reads_the_real_job_numbers(qtbot, ctx, open_example, cups_queue,
                                                                      monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from ui_helpers import NURSE, PINS

    from checklist_app.ui.signing import packet as packet_flow
    from checklist_app.workflows.signing import meaning_of, sign

    window = open_example("clean")
    window.mark_signed(sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0]))
    ctx.site = ctx.site.model_copy(update={"printer": cups_queue.name, "paper": "A4"})
    made = _dialog_returning(monkeypatch, lambda printer: None)
    marker = uuid.uuid4().hex[:8]
    documents = [(f"{marker}-{name}", data) for name, data in packet_flow.documents_for(window, window.checklist)]
    printed = []
    job = packet_flow.print_packet(window, window.checklist, documents, lambda: printed.append(True))
    assert made["paper"] == "A4" and printed == [True]  # the site's paper; the worklist will say "Printed"
    for request, (name, _) in zip(job.job_ids, documents, strict=True):
        assert cups_queue.job_attributes(request)["media"] == "A4"
        cups_queue.wait_for_pdf(name.removesuffix(".pdf"), request).unlink()
    assert set(job.job_ids) <= cups_queue.completed()
    numbers = ", ".join(request.rsplit("-", 1)[-1] for request in job.job_ids)
    box = window.findChild(QMessageBox, "message_box")
    assert box is not None and box.text() == f"Sent 2 documents to {cups_queue.name} (jobs {numbers})"
