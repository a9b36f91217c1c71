"""The signed packet on screen and on paper: keep both PDFs when a version is signed, preview them, print
or save them, and record that in the audit trail (which makes the worklist say "Printed").

What the PDFs are and where they come from is ``workflows.packet``'s; rendering and printing belong to
``pdf`` and ``ui.signing.printing``; this module connects them to dialogs and shows what goes wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.signed import SignedVersion
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.signing import printing
from checklist_app.ui.signing.preview import PacketPreviewWidget
from checklist_app.workflows import packet, print_jobs
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.packet import KINDS, PacketDocuments

__all__ = ["KINDS", "PacketDialog", "documents_for", "keep_packet", "packet_documents", "print_packet",
           "save_packet", "show_packet"]

Documents = list[tuple[str, bytes]]


def keep_packet(parent: QWidget, checklist: OpenChecklist, version: SignedVersion) -> bool:
    """At signing: make, seal and store both PDFs; False (with the error shown) if not. The version is
    signed either way."""
    try:
        packet.keep_packet(checklist.session, version, checklist.staff_name)
    except Exception as exc:  # the version is signed whatever fails here: say so, and go on showing it signed
        messages.show_error(parent, exc)  # (an unexpected error is logged with its traceback first)
        return False
    return True


def packet_documents(parent: QWidget, checklist: OpenChecklist) -> PacketDocuments | None:
    """The signed version's two PDFs as stored at signing (made again only where none was stored); None,
    with the error shown, when they cannot be had."""
    if checklist.signed is None:
        return None
    try:
        return packet.packet_documents(checklist.session, checklist.signed, checklist.staff_name)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None


class PacketDialog(QDialog):
    """Both PDFs of a signed checklist, with Print and Save."""

    def __init__(self, parent: QWidget | None, documents: Documents, on_print: Callable[[QDialog], object],
                 on_save: Callable[[QDialog], object], note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Signed checklist packet")
        self.setAccessibleName("Signed checklist packet")
        self.preview = PacketPreviewWidget(self)
        self.preview.set_documents(documents[0][1], documents[1][1])
        for button in (self.preview.print_button, self.preview.save_button):
            button.setAccessibleName(controls.plain(button.text()))
            button.setAutoDefault(True)
        self.preview.print_requested.connect(lambda: on_print(self))
        self.preview.save_requested.connect(lambda: on_save(self))
        layout = controls.vbox(self, margins=theme.MARGIN)
        self.note_label = controls.label(note, role="problem", name="About these documents")
        self.note_label.setVisible(bool(note))
        layout.addWidget(self.note_label)
        layout.addWidget(self.preview, 1)
        layout.addLayout(controls.hbox(None, controls.button("&Close", self.accept)))
        if parent is not None:
            size = parent.window().size()
            self.resize(int(size.width() * 0.8), int(size.height() * 0.9))

    @classmethod
    def ask(cls, parent: QWidget | None, documents: Documents, on_print: Callable[[QDialog], object],
            on_save: Callable[[QDialog], object],
            note: str = "") -> None:
        """Show the packet until closed."""
        dialog = cls(parent, documents, on_print, on_save, note)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


def documents_for(parent: QWidget, checklist: OpenChecklist) -> Documents | None:
    """The signed version's two PDFs (None, with the error shown, when they cannot be had)."""
    found = packet_documents(parent, checklist)
    return found.documents if found is not None else None


def show_packet(parent: QWidget, checklist: OpenChecklist, on_printed: Callable[[], None]) -> None:
    """Preview the signed packet; print or save it from there (``on_printed`` after a print is recorded)."""
    found = packet_documents(parent, checklist)
    if found is not None:
        documents = found.documents
        PacketDialog.ask(parent, documents, lambda dialog: print_packet(dialog, checklist, documents, on_printed),
                         lambda dialog: save_packet(dialog, checklist, documents), note=found.note)


def print_packet(parent: QWidget, checklist: OpenChecklist, documents: Documents,
                 on_printed: Callable[[], None]) -> printing.PrintJob | None:
    """Send both PDFs to the printer (the site's printer and paper preselected), record it and say so."""
    session, version = checklist.session, checklist.signed
    if version is None:
        return None
    try:
        job = printing.print_packet(parent, documents, printer_name=session.site.printer, paper=session.site.paper)
        if job is not None and job.method == "file":  # "Print to file" makes a file, not paper
            packet.record_saved(session, version, [Path(job.printer)])
        elif job is not None:
            packet.record_printed(session, version)
            on_printed()  # the worklist says "Printed"
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None
    if job is not None:
        messages.show_message(parent, "Printed" if job.method != "file" else "Saved", print_jobs.sent_message(job))
    return job


def save_packet(parent: QWidget, checklist: OpenChecklist, documents: Documents) -> list[Path] | None:
    """Save both PDFs into a folder (Documents offered), record the export and name the files written."""
    if checklist.signed is None:
        return None
    try:
        paths = printing.save_packet(parent, documents)
        if paths is None:
            return None
        packet.record_saved(checklist.session, checklist.signed, paths)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None
    messages.show_message(parent, "Saved", *print_jobs.saved_message(paths))
    return paths
