"""The signed packet on screen and on paper: make both PDFs when a version is signed and keep them with it,
preview them, print or save them, and record that in the audit trail (which makes the worklist say
"Printed").

The PDFs are made from exactly what was signed (the frozen content of the version, its signer, time
and fingerprint), never from what is on screen, and they are made once: at signing, with the policy
file and site settings (facility, phone numbers) in force then, sealed (PAdES, the installation's
certificate: any later change to a file shows when its seal is checked) and stored with the version
(``storage.attach_pdf``). Preview, print and save use those stored bytes, so a reprint next month is the
document signed today even if the policy or the settings changed since. Versions signed before the app
kept its PDFs, or whose PDFs could not be made or sealed at signing, have none stored; theirs are made
again from the version (unsealed: they are not the signed documents), and the preview says so.
Rendering and printing belong to ``pdf`` and ``ui.printing``; this module only connects them to the
window and to storage.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from checklist_app import storage
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.record import parse_record
from checklist_app.pdf import Signature, SignedPacket, render_checklist, seal
from checklist_app.pdf.discharge import render_discharge
from checklist_app.storage.clock import from_text
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.signing import printing
from checklist_app.ui.signing.preview import PacketPreviewWidget


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
    amends = None
    if version.replaces_version_id is not None:  # an amendment prints what it replaces and why
        replaced = next((v.version_no for v in storage.list_versions(ctx.store.db, version.record_id)
                         if v.version_id == version.replaces_version_id), version.replaces_version_id)
        amends = (replaced, version.amendment_reason or "")
    return SignedPacket(record=record, form=ctx.form, evaluation=evaluation, policy=ctx.policy(version.policy_id),
                        signature=signature, record_version=version.version_no, sha256=version.sha256,
                        site=ctx.site, staff={p: name_of(p) for p in people}, amends=amends)


KINDS = ("checklist", "discharge")  # the packet's documents, as stored with a signed version
REMADE_NOTE = (
    "Made again now: this checklist was signed before the app kept its PDFs, or they could not be made or "
    "sealed at signing, so the {what} shown here "
    "{verb} produced today from the signed answers, findings and signature, but with today's policy file and "
    "site settings (facility, phone numbers). {it} may differ from what was printed at signing, and "
    "{carry} no seal.")
POLICY_CHANGED = " The policy has changed since: signed under {policy} version {then}, now version {now}."


@dataclass(frozen=True)
class PacketDocuments:
    """The two PDFs of a signed version (file name, bytes), and which of them had to be made again now."""

    documents: list[tuple[str, bytes]]
    remade: tuple[str, ...] = ()
    note: str = ""  # said in the preview when something was made again


def render_packet(ctx: Any, version: storage.SignedVersion, name_of: Any) -> dict[str, bytes]:
    """Both PDFs of a signed version, made now (kind -> bytes)."""
    packet = packet_for(ctx, version, name_of)
    return {"checklist": render_checklist(packet), "discharge": render_discharge(packet)}


def keep_packet(window: Any, version: storage.SignedVersion) -> bool:
    """At signing: make both PDFs, seal them and store them with the version; False (with the error shown)
    if not.

    The version is signed either way; without stored PDFs, the preview makes them again and says so. Both
    are made and sealed before either is stored, so a failure leaves none rather than one.
    """
    ctx = window.ctx
    staff_id = version.signer.get("staff_id") or ctx.user_id()
    try:
        seal.preload().join()  # started when the review opened; fonts and pyHanko are loaded once it ends
        made = render_packet(ctx, version, window.staff_name)
        pdfs = {kind: seal.seal_pdf(made[kind]) for kind in KINDS}
        for kind in KINDS:
            if kind not in version.documents:
                ctx.store.attach_pdf(version.version_id, pdfs[kind], staff_id=staff_id, kind=kind)
    except Exception as exc:  # the version is signed whatever fails here: say so, and go on showing it signed
        messages.show_error(window, exc)  # (an unexpected error is logged with its traceback first)
        return False
    return True


def packet_documents(window: Any) -> PacketDocuments | None:
    """The signed version's two PDFs as stored at signing (made again only where none was stored)."""
    ctx, version = window.ctx, window.signed
    stored = {kind: ctx.store.pdf(version.version_id, kind) for kind in KINDS}
    remade = tuple(kind for kind in KINDS if stored[kind] is None)
    note = ""
    if remade:
        try:
            made = render_packet(ctx, version, window.staff_name)
            policy = ctx.policy(version.policy_id)
        except ChecklistError as exc:
            messages.show_error(window, exc)
            return None
        stored.update({kind: made[kind] for kind in remade})
        what = " and the ".join({"checklist": "checklist", "discharge": "discharge sheet"}[k] for k in remade)
        note = REMADE_NOTE.format(what=what, verb="were" if len(remade) > 1 else "was",
                                  it="They" if len(remade) > 1 else "It",
                                  carry="carry" if len(remade) > 1 else "carries")
        if version.policy_version and policy.version != version.policy_version:
            note += POLICY_CHANGED.format(policy=version.policy_id, then=version.policy_version, now=policy.version)
    documents = [(f"{version.record_id}-{kind}.pdf", stored[kind]) for kind in KINDS]
    return PacketDocuments(documents, remade, note)


class PacketDialog(QDialog):
    """Both PDFs of a signed checklist, with Print and Save."""

    def __init__(self, parent: QWidget | None, documents: list[tuple[str, bytes]], on_print: Any,
                 on_save: Any, note: str = "") -> None:
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
    def ask(cls, parent: QWidget | None, documents: list[tuple[str, bytes]], on_print: Any, on_save: Any,
            note: str = "") -> None:
        """Show the packet until closed."""
        dialog = cls(parent, documents, on_print, on_save, note)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


def documents_for(window: Any) -> list[tuple[str, bytes]] | None:
    """The signed version's two PDFs (None, with the error shown, when they cannot be had)."""
    packet = packet_documents(window)
    return packet.documents if packet is not None else None


def show_packet(window: Any) -> None:
    """Preview the signed packet; print or save it from there."""
    packet = packet_documents(window)
    if packet is not None:
        documents = packet.documents
        PacketDialog.ask(window, documents, lambda dialog: print_packet(window, dialog, documents),
                         lambda dialog: save_packet(window, dialog, documents), note=packet.note)


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
