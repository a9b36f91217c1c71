"""Acknowledging a warning, a physician's override, "not cleared, physician notified", and signing:
each recorded in the record (acknowledgements, overrides) and in the audit trail, and shown."""

from __future__ import annotations

import base64

import pytest
from PySide6.QtCore import QPointF, Qt
from ui_helpers import NURSE, PHYSICIAN, PINS, wait_saved

from checklist_app import storage
from checklist_app.ui import messages
from checklist_app.ui.checklist.acknowledge_dialog import AcknowledgeDialog
from checklist_app.ui.checklist.findings_panel import FindingCard
from checklist_app.ui.checklist.not_cleared_dialog import NotClearedDialog
from checklist_app.ui.checklist.override_dialog import OverrideDialog
from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.ui.signing.signature_dialog import SignatureDialog


def card_for(window, rule_id: str) -> FindingCard:
    return next(c for c in window.findings.cards if isinstance(c, FindingCard) and c.finding.rule_id == rule_id)


def click(qtbot, card: FindingCard, text: str) -> None:
    button = next(b for b in card.findChildren(type(card.window().review_button)) if b.text().startswith(text))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def events(ctx, record_id: str, kind: str) -> list:
    return [e for e in storage.list_events(ctx.store.db, record_id) if e.event_type == kind]


def drive(qtbot, fill):
    """Stand in for a dialog class's ``ask``: build the real dialog, show it without a modal loop, let
    ``fill`` type into it and press its primary button; return what ask would."""

    def ask(cls, *args, **kwargs):
        dialog = cls(*args, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        fill(dialog)
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        return dialog.result_value if dialog.result() == dialog.DialogCode.Accepted else None

    return classmethod(ask)


def test_acknowledge_a_warning_with_a_note(qtbot, ctx, open_example, monkeypatch):
    window = open_example("warnings-only")
    assert window.view.status == "warnings"
    monkeypatch.setattr(AcknowledgeDialog, "ask",
                        drive(qtbot, lambda d: qtbot.keyClicks(d.note_edit, "Dr Mensah told")))
    click(qtbot, card_for(window, "AIR-01-airway"), "Acknowledge")
    ack = window.state.acknowledgement(card_for(window, "AIR-01-airway").finding.key)
    assert ack is not None and ack.by == NURSE and ack.note == "Dr Mensah told"
    card = card_for(window, "AIR-01-airway")
    assert card.kind == "acknowledged"
    assert any("Acknowledged by Test Nurse, RN" in label.text() for label in card.findChildren(type(window.save_label)))
    notes = [e.details["note"] for e in events(ctx, window.state.record_id, "finding_acknowledged")]
    assert notes == ["Dr Mensah told"]
    wait_saved(qtbot, ctx)
    saved = ctx.store.load_draft(window.state.record_id).data
    assert saved["acknowledgements"][0]["note"] == "Dr Mensah told"


def test_acknowledgement_needs_a_note(qtbot, open_example):
    window = open_example("warnings-only")
    dialog = AcknowledgeDialog(window, card_for(window, "AIR-01-airway").finding, "Test Nurse, RN")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value is None and "short note" in dialog.problem.text


def test_physician_override_checks_the_physicians_own_pin(qtbot, ctx, open_example):
    window = open_example("hard-fever")
    finding = card_for(window, "INF-01-fever").finding

    def verify(physician_id, pin, reason):
        return ctx.store.override(window.state.record_id, finding.key, physician_id, pin, reason)

    dialog = OverrideDialog(window, finding, verify)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.id_edit, NURSE)  # a nurse cannot override
    qtbot.keyClicks(dialog.pin_edit, PINS[NURSE])
    qtbot.keyClicks(dialog.reason_edit, "cultures negative")
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert "only a physician can override" in dialog.problem.text and dialog.result_value is None
    dialog.id_edit.setText(PHYSICIAN)
    qtbot.keyClicks(dialog.pin_edit, "0000")
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert "not correct" in dialog.problem.text and dialog.pin_edit.text() == ""
    qtbot.keyClicks(dialog.pin_edit, PINS[PHYSICIAN])
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value.physician_id == PHYSICIAN


def test_override_from_the_panel_clears_the_hard_stop(qtbot, ctx, open_example, monkeypatch):
    window = open_example("hard-fever")
    assert window.view.status == "hard_stop"

    def fill(dialog):
        qtbot.keyClicks(dialog.id_edit, PHYSICIAN)
        qtbot.keyClicks(dialog.pin_edit, PINS[PHYSICIAN])
        qtbot.keyClicks(dialog.reason_edit, "Atelectasis, cultures negative")

    monkeypatch.setattr(OverrideDialog, "ask", drive(qtbot, fill))
    click(qtbot, card_for(window, "INF-01-fever"), "Physician override")
    assert [o.physician_id for o in window.state.overrides] == [PHYSICIAN]
    assert card_for(window, "INF-01-fever").kind == "overridden"
    assert window.view.status == "ready"
    assert [e.staff_id for e in events(ctx, window.state.record_id, "override")] == [PHYSICIAN]


def test_not_cleared_with_the_physician_notified_can_be_signed_as_not_cleared(qtbot, ctx, open_example,
                                                                             monkeypatch):
    window = open_example("hard-fever")
    monkeypatch.setattr(NotClearedDialog, "ask", classmethod(
        lambda cls, parent, finding, now: "Physician notified: Dr Mensah, by phone at 07:20."))
    click(qtbot, card_for(window, "INF-01-fever"), "Not cleared")
    card = card_for(window, "INF-01-fever")
    assert card.kind == "notified"
    assert window.view.status == "hard_stop"  # still a hard stop: notifying clears nothing
    assert events(ctx, window.state.record_id, "finding_acknowledged")
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, html, blocked="": not blocked))
    seen = {}

    def sign(cls, parent, **kwargs):
        seen.update(kwargs)
        return kwargs["sign"](NURSE, PINS[NURSE], None)

    monkeypatch.setattr(SignatureDialog, "ask", classmethod(sign))
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    assert seen["not_cleared"] and "NOT CLEARED" in seen["meaning"]
    assert window.signed.content.cleared is False
    assert window.banner.status_label.text() == "Signed, NOT CLEARED"


def test_signing_is_refused_until_every_warning_is_acknowledged(qtbot, open_example, monkeypatch):
    window = open_example("warnings-only")
    shown = {}
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(
        lambda cls, parent, html, blocked="": shown.update(blocked=blocked, html=html) or False))
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    assert "acknowledge each warning" in shown["blocked"]
    assert "Previous reaction to iodinated contrast" in shown["html"]


def test_signing_dialog_wrong_pin_then_sign_with_a_drawn_signature(qtbot, ctx, open_example, monkeypatch):
    window = open_example("clean")
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, html, blocked="": not blocked))

    def fill(dialog):
        assert dialog.id_edit.text() == NURSE
        assert "no hard stop is left open" in dialog.meaning_label.text()
        qtbot.keyClicks(dialog.pin_edit, "9999")
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        assert "not correct" in dialog.problem.text
        dialog.pad.add_stroke([QPointF(20, 80), QPointF(80, 40), QPointF(140, 90)])
        qtbot.keyClicks(dialog.pin_edit, PINS[NURSE])

    monkeypatch.setattr(SignatureDialog, "ask", drive(qtbot, fill))
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    version = window.signed
    assert version is not None and version.signer.name == "Test Nurse"
    assert base64.b64decode(version.content.drawn_signature_png).startswith(b"\x89PNG")
    assert version.content.record["answers"]["patient_name"] == "Okafor, Grace Adaeze"
    assert "neuro_deficit_details" not in version.content.record["answers"]  # hidden: left out
    assert all(not page.items[i].isEnabled() or page.items[i]._read_only for page in window.pages for i in page.items)
    assert not window.review_button.isVisible()
    assert [e.event_type for e in events(ctx, window.state.record_id, "signed")] == ["signed"]


@pytest.mark.parametrize("missing", ["weight_kg"])
def test_signing_is_refused_while_answers_are_missing(qtbot, open_example, monkeypatch, missing):
    window = open_example("clean", **{missing: None})
    shown = {}
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(
        lambda cls, parent, html, blocked="": shown.update(blocked=blocked) or True))
    monkeypatch.setattr(SignatureDialog, "ask", classmethod(lambda cls, *a, **k: pytest.fail("must not open")))
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    assert "required answers are missing (1)" in shown["blocked"] and "Weight" in shown["blocked"]
    assert window.signed is None


def test_the_signed_packet_prints_and_the_worklist_says_printed(qtbot, ctx, open_example, monkeypatch):
    from checklist_app.ui.signing import packet as packet_flow
    from checklist_app.ui.signing import printing
    from checklist_app.workflows.signing import meaning_of, sign
    from checklist_app.workflows.worklist_rows import build_rows

    window = open_example("clean")
    window.mark_signed(sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0]))
    assert window.packet_button.isVisibleTo(window)
    documents = packet_flow.documents_for(window, window.checklist)
    assert [name for name, _ in documents] == ["demo-clean-checklist.pdf", "demo-clean-discharge.pdf"]
    assert all(pdf.startswith(b"%PDF") for _, pdf in documents)
    sent = []
    monkeypatch.setattr(printing, "print_packet", lambda parent, docs, printer_name="", paper="": sent.append(docs)
                        or printing.PrintJob(printer_name or "ward-printer", ("7",), len(docs), 4, "lp"))
    packet_flow.print_packet(window, window.checklist, documents, window._on_printed)
    assert sent == [documents]
    assert events(ctx, window.state.record_id, "printed")
    rows = build_rows(ctx.store, ctx.form, ctx.policy, ctx.completeness_rules, ctx.now())
    assert [r.status_text for r in rows] == ["Printed"]
    dialog = packet_flow.PacketDialog(window, documents, lambda d: None, lambda d: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.print_button.isEnabled())


def test_a_signature_whose_meaning_no_longer_fits_is_refused_and_the_dialog_says_why(qtbot, ctx, open_example,
                                                                                    monkeypatch):
    window = open_example("clean")
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, html, blocked="": not blocked))
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, exc: shown.append((parent, exc)))

    def fill(dialog):
        assert "no hard stop is left open" in dialog.meaning_label.text()
        window.state.set_answer("systemic_infection", True)  # a hard stop appears meanwhile
        qtbot.keyClicks(dialog.pin_edit, PINS[NURSE])

    monkeypatch.setattr(SignatureDialog, "ask", drive(qtbot, fill))
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    assert window.signed is None and ctx.store.latest_version(window.state.record_id) is None
    assert [type(exc).__name__ for _, exc in shown] == ["NotReadyToSignError"]
    assert shown[0][0] is window
    assert window.view.status == "hard_stop"  # the window shows what refused it


def test_with_accounts_and_nobody_signed_in_an_acknowledgement_asks_who_and_signs_them_in(qtbot, ctx, open_example,
                                                                                        monkeypatch):
    from checklist_app.ui.settings.credentials_dialog import CredentialsDialog

    window = open_example("warnings-only")
    ctx.set_user(None)  # accounts exist, nobody signed in: never recorded under the workstation's account
    asked = []

    def as_the_nurse(dialog):
        asked.append(dialog.windowTitle())
        qtbot.keyClicks(dialog.id_edit, NURSE)
        qtbot.keyClicks(dialog.pin_edit, PINS[NURSE])

    monkeypatch.setattr(CredentialsDialog, "ask", drive(qtbot, as_the_nurse))
    monkeypatch.setattr(AcknowledgeDialog, "ask", drive(qtbot, lambda d: (
        asked.append(d.findChildren(type(window.save_label))[1].text()), qtbot.keyClicks(d.note_edit, "told"))))
    click(qtbot, card_for(window, "AIR-01-airway"), "Acknowledge")
    assert asked[0] == "Who is recording this?" and "as made by Test Nurse, RN" in asked[1]
    ack = window.state.acknowledgement(card_for(window, "AIR-01-airway").finding.key)
    assert ack is not None and ack.by == NURSE and ctx.user is not None and ctx.user.staff_id == NURSE
    assert [e.staff_id for e in events(ctx, window.state.record_id, "finding_acknowledged")] == [NURSE]


def test_cancelling_who_is_recording_records_nothing(qtbot, ctx, open_example, monkeypatch):
    from checklist_app.ui.settings.credentials_dialog import CredentialsDialog

    window = open_example("warnings-only")
    ctx.set_user(None)
    monkeypatch.setattr(CredentialsDialog, "ask", classmethod(lambda cls, *a, **k: None))
    monkeypatch.setattr(AcknowledgeDialog, "ask", classmethod(lambda cls, *a, **k: pytest.fail("asked for a note")))
    click(qtbot, card_for(window, "AIR-01-airway"), "Acknowledge")
    assert window.state.acknowledgements == []
    assert events(ctx, window.state.record_id, "finding_acknowledged") == []
