"""'Physician attests the pain comes from the fracture' is the physician's statement: ticking it asks who
makes it (the physician's own ID and PIN, or the nurse on the physician's word, in those words); cancelling
leaves it unticked; unticking withdraws it; the screen and the signed PDF say who; a tick with nobody named
cannot be signed in the window."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from ui_helpers import NOW, NURSE, PHYSICIAN, PINS, example_data

from checklist_app import storage
from checklist_app.ui.checklist.attestation_dialog import AttestationDialog
from checklist_app.ui.checklist.window import ChecklistWindow
from checklist_app.workflows import signing
from checklist_app.workflows.checklist_state import ChecklistState

ITEM = "pain_attributed"


def drive(qtbot, fill):
    """The real dialog, shown without a modal loop, filled by ``fill`` and accepted (or not)."""

    def ask(cls, *args, **kwargs):
        dialog = cls(*args, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        if fill(dialog) is not False:
            qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        return dialog.result_value if dialog.result() == dialog.DialogCode.Accepted else None

    return classmethod(ask)


def unticked_window(qtbot, ctx, record_id: str = "att-1") -> ChecklistWindow:
    data = example_data(ctx, "clean")
    data["record_id"] = record_id
    data["answers"].pop(ITEM)
    ctx.store.save_draft(record_id, data, NURSE)
    state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff=NURSE, now=NOW, policy_id="sir-2019")
    window = ChecklistWindow(ctx, state)
    qtbot.addWidget(window)
    window.show()
    return window


def attested_line(window) -> str:
    label = window.findChild(QWidget, f"attestation_{ITEM}")
    return label.text() if label is not None and not label.isHidden() else ""


def box(window):
    form = window.ctx.form
    return window.pages[form.sections.index(form.section_of(ITEM))].items[ITEM].check_box


def events(ctx, record_id: str, kind: str) -> list:
    return [e for e in storage.list_events(ctx.store.db, record_id) if e.event_type == kind]


def test_the_physician_signs_in_to_attest(qtbot, ctx, monkeypatch):
    window = unticked_window(qtbot, ctx)

    def fill(dialog):
        assert dialog.here.isChecked() and dialog.here.isEnabled()
        qtbot.keyClicks(dialog.id_edit, PHYSICIAN)
        qtbot.keyClicks(dialog.pin_edit, PINS[PHYSICIAN])

    monkeypatch.setattr(AttestationDialog, "ask", drive(qtbot, fill))
    qtbot.keyClick(box(window), Qt.Key.Key_Y)
    attestation = window.state.attestation(ITEM)
    assert window.state.answers[ITEM] is True
    assert attestation is not None and attestation.physician_id == PHYSICIAN
    assert "Attested by Test Physician, MD" in attested_line(window)
    assert [e.staff_id for e in events(ctx, "att-1", "attestation_recorded")] == [PHYSICIAN]
    assert signing.unattested_reason(window.checklist) == ""


def test_a_nurse_cannot_attest_as_the_physician(qtbot, ctx, monkeypatch):
    window = unticked_window(qtbot, ctx)
    seen = {}

    def fill(dialog):
        qtbot.keyClicks(dialog.id_edit, NURSE)
        qtbot.keyClicks(dialog.pin_edit, PINS[NURSE])
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        seen["problem"] = dialog.problem.text
        dialog.reject()
        return False

    monkeypatch.setattr(AttestationDialog, "ask", drive(qtbot, fill))
    qtbot.keyClick(box(window), Qt.Key.Key_Y)
    assert "physician" in seen["problem"].lower()
    assert window.state.answers.get(ITEM) is None and not box(window).isChecked(), "cancelled: left unticked"
    assert window.state.attestation(ITEM) is None and not events(ctx, "att-1", "attestation_recorded")


def test_on_the_physicians_word_and_withdrawn_when_unticked(qtbot, ctx, monkeypatch):
    window = unticked_window(qtbot, ctx)

    def fill(dialog):
        dialog.word.setChecked(True)
        assert not dialog.pin_edit.isVisible() and dialog.name_edit.isVisible()
        dialog.name_edit.setEditText("A. Mensah")

    monkeypatch.setattr(AttestationDialog, "ask", drive(qtbot, fill))
    qtbot.keyClick(box(window), Qt.Key.Key_Y)
    statement = window.state.attestation(ITEM).statement
    assert statement == "Recorded by the nurse Test Nurse, RN on Dr A. Mensah's word"
    assert statement in attested_line(window)
    qtbot.keyClick(box(window), Qt.Key.Key_N)
    assert window.state.answers[ITEM] is False and window.state.attestation(ITEM) is None
    assert attested_line(window) == ""
    assert [e.staff_id for e in events(ctx, "att-1", "attestation_withdrawn")] == [NURSE]


def test_with_no_accounts_the_workstation_account_is_named(qtbot, bare_ctx, monkeypatch):
    window = unticked_window(qtbot, bare_ctx, "att-bare")
    seen = {}

    def fill(dialog):
        seen["here_enabled"] = dialog.here.isEnabled()
        seen["texts"] = " ".join(w.text() for w in dialog.findChildren(type(dialog.problem.parent()))
                                 if hasattr(w, "text"))
        dialog.name_edit.setEditText("A. Mensah")

    monkeypatch.setattr(AttestationDialog, "ask", drive(qtbot, fill))
    qtbot.keyClick(box(window), Qt.Key.Key_Y)
    assert seen["here_enabled"] is False
    attestation = window.state.attestation(ITEM)
    assert attestation.by.startswith("os:") and "workstation account" in attestation.statement


def test_a_tick_with_nobody_named_is_not_signed_and_the_pdf_says_who(qtbot, ctx, monkeypatch):
    data = example_data(ctx, "clean")  # ticked in the file, nobody named (an older draft)
    data["record_id"] = "att-old"
    ctx.store.save_draft("att-old", data, NURSE)
    state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff=NURSE, now=NOW, policy_id="sir-2019")
    window = ChecklistWindow(ctx, state)
    qtbot.addWidget(window)
    window.show()
    assert "No physician named" in attested_line(window)
    assert "no physician is named" in signing.unattested_reason(window.checklist)

    def fill(dialog):
        dialog.word.setChecked(True)
        dialog.name_edit.setEditText("A. Mensah")

    monkeypatch.setattr(AttestationDialog, "ask", drive(qtbot, fill))
    qtbot.keyClick(box(window), Qt.Key.Key_N)
    qtbot.keyClick(box(window), Qt.Key.Key_Y)
    assert signing.unattested_reason(window.checklist) == ""
    meaning, _ = signing.meaning_of(window.checklist)
    version = signing.sign(window.checklist, NURSE, PINS[NURSE], meaning)
    from checklist_app.ui.signing.packet import keep_packet

    keep_packet(window, window.checklist, version)
    pdf = storage.get_pdf(ctx.store.db, version.version_id, "checklist")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Recorded by the nurse Test Nurse, RN on Dr A. Mensah's word" in text
