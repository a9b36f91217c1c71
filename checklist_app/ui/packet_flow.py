"""The signed packet on screen and on paper: build it from the signed version, preview both PDFs, print
or save them, and record that in the audit trail (which is what makes the worklist say "Printed").

The PDFs are made from exactly what was signed (the frozen content of the version, its signer, time
and fingerprint), never from what is on screen. Rendering and printing belong to ``pdf`` and
``ui.printing``; this module only connects them to the window and to storage.
"""

from __future__ import annotations

import base64
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from checklist_app import storage
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.record import parse_record
from checklist_app.pdf import Signature, SignedPacket, render_checklist
from checklist_app.pdf.discharge import render_discharge
from checklist_app.storage.clock import from_text
from checklist_app.ui import controls, messages, printing, theme
from checklist_app.ui.preview import PacketPreviewWidget


def packet_for(ctx: Any, version: storage.SignedVersion, name_of: Any) -> SignedPacket:
    """The packet of a signed version, as the PDF layer wants it."""
    content = version.content
    record = parse_record(content["record"], ctx.form, from_text(version.signed_at))
    evaluation = Evaluation.model_validate(content["evaluation"])
    drawn = content.get("drawn_signature_png")
    signer = version.signer
    signature = Signature(signer_id=signer["staff_id"], name=signer["name"], credentials=signer["credentials"],
                          signed_at=from_text(version.signed_at), meaning=version.meaning,
                          drawn_png=base64.b64decode(drawn) if drawn else None)
    people = {a.by for a in record.acknowledgements} | {o.physician_id for o in record.overrides}
    return SignedPacket(record=record, form=ctx.form, evaluation=evaluation, policy=ctx.policy(version.policy_id),
                        signature=signature, record_version=version.version_no, sha256=version.sha256,
                        site=ctx.site, staff={p: name_of(p) for p in people})


class PacketDialog(QDialog):
    """Both PDFs of a signed checklist, with Print and Save."""

    def __init__(self, parent: QWidget | None, documents: list[tuple[str, bytes]], on_print: Any,
                 on_save: Any) -> None:
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
        layout.addWidget(self.preview, 1)
        layout.addLayout(controls.hbox(None, controls.button("&Close", self.accept)))
        if parent is not None:
            size = parent.window().size()
            self.resize(int(size.width() * 0.8), int(size.height() * 0.9))

    @classmethod
    def ask(cls, parent: QWidget | None, documents: list[tuple[str, bytes]], on_print: Any, on_save: Any) -> None:
        """Show the packet until closed."""
        dialog = cls(parent, documents, on_print, on_save)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


def documents_for(window: Any) -> list[tuple[str, bytes]] | None:
    """Render the signed version's two PDFs (None, with the error shown, when that fails)."""
    version = window.signed
    try:
        packet = packet_for(window.ctx, version, window.staff_name)
        return [(f"{version.record_id}-checklist.pdf", render_checklist(packet)),
                (f"{version.record_id}-discharge.pdf", render_discharge(packet))]
    except ChecklistError as exc:
        messages.show_error(window, exc)
        return None


def show_packet(window: Any) -> None:
    """Preview the signed packet; print or save it from there."""
    documents = documents_for(window)
    if documents is not None:
        PacketDialog.ask(window, documents, lambda dialog: print_packet(window, dialog, documents),
                         lambda dialog: save_packet(window, dialog, documents))


def print_packet(window: Any, parent: QWidget, documents: list[tuple[str, bytes]]) -> printing.PrintJob | None:
    """Send both PDFs to the printer (the site's printer is preselected) and record it."""
    ctx, version = window.ctx, window.signed
    try:
        job = printing.print_packet(parent, documents, printer_name=ctx.site.printer)
        if job is not None:
            storage.record_printed(ctx.store.db, version.record_id, version.version_id, staff_id=ctx.user_id(),
                                   kind="packet")
            ctx.records_changed.emit()
            window.status_changed.emit(version.record_id)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None
    return job


def save_packet(window: Any, parent: QWidget, documents: list[tuple[str, bytes]]) -> None:
    """Save both PDFs into a folder and record the export."""
    ctx, version = window.ctx, window.signed
    try:
        paths = printing.save_packet(parent, documents)
        for path in paths or []:
            storage.record_exported(ctx.store.db, version.record_id, version.version_id, staff_id=ctx.user_id(),
                                    kind=path.stem.rsplit("-", 1)[-1], file_name=path.name)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
