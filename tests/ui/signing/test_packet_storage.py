"""The signed packet is made once, at signing, and kept with the version: preview, print and save use
those bytes, so a reprint after the settings (or the policy) changed is still the document that was signed.
Versions signed before PDFs were kept are made again, and the preview says so."""

from __future__ import annotations

import pytest
from ui_helpers import NURSE, PINS

from checklist_app import storage
from checklist_app.ui.checklist.window import ChecklistWindow
from checklist_app.ui.signing import packet as packet_flow
from checklist_app.ui.signing import printing
from checklist_app.workflows.signing import meaning_of, sign


@pytest.fixture
def shown(monkeypatch):
    """What PacketDialog.ask was given (instead of a modal dialog)."""
    seen = {}

    def ask(cls, parent, documents, on_print, on_save, note=""):
        seen.update(documents=documents, on_print=on_print, on_save=on_save, note=note)

    monkeypatch.setattr(packet_flow.PacketDialog, "ask", classmethod(ask))
    return seen


def test_signing_keeps_both_pdfs_and_a_reprint_uses_them(qtbot, ctx, open_example, shown, monkeypatch):
    window = open_example("clean")
    window.mark_signed(sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0]))
    version_id = window.signed.version_id
    kept = {kind: storage.get_pdf(ctx.store.db, version_id, kind) for kind in ("checklist", "discharge")}
    assert all(pdf is not None and pdf.startswith(b"%PDF") for pdf in kept.values())
    attached = [e.details for e in storage.list_events(ctx.store.db, "demo-clean")
                if e.event_type == "document_attached"]
    assert sorted(d["kind"] for d in attached) == ["checklist", "discharge"]
    assert {d["version_id"] for d in attached} == {version_id}
    # Later the clinic is renamed and its phone numbers change: the signed packet must not follow.
    ctx.site = ctx.site.model_copy(update={"facility_name": "Renamed Spine Centre", "clinic_phone": "555-0100"})
    window.show_packet()
    assert shown["documents"] == [("demo-clean-checklist.pdf", kept["checklist"]),
                                  ("demo-clean-discharge.pdf", kept["discharge"])]
    assert shown["note"] == ""
    sent = []
    monkeypatch.setattr(printing, "print_packet", lambda parent, docs, printer_name="", paper="": sent.append(docs)
                        or printing.PrintJob(printer_name or "ward-printer", ("7",), len(docs), 4, "lp"))
    shown["on_print"](window)
    assert sent == [shown["documents"]]


def test_a_version_signed_before_pdfs_were_kept_is_made_again_and_says_so(qtbot, ctx, open_example, shown):
    window = open_example("clean")
    # Signed without keep_packet: no PDFs stored.
    version = sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0])
    ctx.autosaver.forget("demo-clean")
    window.close()
    reader = ChecklistWindow(ctx, window.state, signed=version)
    qtbot.addWidget(reader)
    assert storage.get_pdf(ctx.store.db, version.version_id, "checklist") is None
    reader.show_packet()
    assert [name for name, _ in shown["documents"]] == ["demo-clean-checklist.pdf", "demo-clean-discharge.pdf"]
    assert all(pdf.startswith(b"%PDF") for _, pdf in shown["documents"])
    assert "signed before the app kept its PDFs" in shown["note"]
    assert "today's policy file and site settings" in shown["note"]
    dialog = packet_flow.PacketDialog(reader, shown["documents"], lambda d: None, lambda d: None, shown["note"])
    qtbot.addWidget(dialog)
    assert dialog.note_label.isVisibleTo(dialog) and dialog.note_label.text() == shown["note"]
    assert storage.get_pdf(ctx.store.db, version.version_id, "checklist") is None  # not passed off as the original
