"""The pre-admission call on screen: started from the worklist, only the ahead items shown, titled
"Pre-admission call", signed with ID and PIN, then the calendar shown to print; reopened from the worklist in
the call's window; on the day, the checklist window offers the plan and lists its differences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QPushButton
from ui_helpers import NOW, NURSE, PINS, example_data

from checklist_app.ui.planning.call_window import PlanningCallWindow, PlanSignatureDialog
from checklist_app.workflows.plan_records import CALENDAR_KIND, forget_lookups

pytestmark = pytest.mark.gui

START = (NOW + timedelta(days=5)).replace(hour=8, minute=30)
PLAN = {
    "patient_name": "Reyes, Tomas", "date_of_birth": "1951-05-02", "sex": "male", "mrn": "MRN-300221",
    "procedure_type": "kyphoplasty", "levels": ["L1"], "scheduled_start": START.strftime("%Y-%m-%dT%H:%M"),
    "proceduralist": "Dr. A. Mensah", "sedation_type": "moderate_sedation", "contrast_planned": False,
    "patient_setting": "outpatient", "allergies": [],
    "medications": [
        {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": f"{NOW:%Y-%m-%d}T07:00"},
        {"agent": "semaglutide", "dose": "1 mg", "frequency": "weekly",
         "last_dose": f"{NOW - timedelta(days=4):%Y-%m-%d}T09:00"}],
    "glp1_gi_symptoms": False, "glp1_escalation_phase": False, "bleeding_disorder_personal": False,
    "bleeding_disorder_family": False, "abnormal_bleeding_history": False, "liver_disease": False,
    "cardiac_history": False, "ecg_done": False, "imaging_modality": "mri_stir",
    "imaging_date": f"{NOW - timedelta(days=3):%Y-%m-%d}", "imaging_levels": ["L1"], "escort_present": True,
    "driver_arranged": True, "weight_kg": 60,
    "creatinine": {"value": 1.2, "unit": "mg/dL", "date": f"{NOW - timedelta(days=2):%Y-%m-%d}"},
    "preferred_language": "en", "interpreter_needed": False,
}


@pytest.fixture
def worklist(qtbot, ctx):
    from checklist_app.ui.worklist.window import WorklistWindow

    forget_lookups()  # plans looked up by an earlier test's app are not this database's
    window = WorklistWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def fill_plan(ctx, window: PlanningCallWindow) -> None:
    for item_id, value in PLAN.items():
        window.state.set_answer(item_id, value)
    data = window.state.draft_data()
    data["answers"] = {**data["answers"], **PLAN}
    ctx.store.save_draft(window.state.record_id, data, NURSE)


def reopen(worklist, record_id: str) -> PlanningCallWindow:
    worklist.open_windows.pop(record_id).close()
    window = worklist.open_record(record_id)
    assert isinstance(window, PlanningCallWindow)
    return window


def test_a_call_shows_only_what_is_settled_ahead_and_signs_the_plan(qtbot, ctx, worklist, monkeypatch, tmp_path):
    worklist.plan_button.click()
    window = next(w for w in worklist.open_windows.values() if isinstance(w, PlanningCallWindow))
    assert window.windowTitle() == "Pre-admission call" and window.state.record_id.startswith("plan-")
    fill_plan(ctx, window)
    window = reopen(worklist, window.state.record_id)  # a plan's draft opens in the call's window again
    assert window.review_button.text() == "&Sign plan..."
    shown = {w.item.id for page in window.pages for w in page.visible_items()}
    assert "medications" in shown and "mrn" in shown
    assert not shown & {"wristband_scan", "last_clear_liquid", "consent_signed", "temperature"}
    hidden_rows = [s.id for row, s in enumerate(ctx.form.sections) if window.section_list.isRowHidden(row)]
    assert hidden_rows and "medications" not in hidden_rows
    assert all(f.item_id in shown or f.item_id not in {"wristband_scan"} for f in window.evaluation.findings)
    window.resize(1366, 768)
    assert "Pre-admission call" in window.intro.text()
    cards = window.findings.findChildren(QPushButton)
    assert not [b for b in cards if b.isVisible() and "override" in b.text().lower()]  # fixed ahead, not overridden
    window.grab().save(str(tmp_path / "call.png"))

    def signs(cls, parent, *, signer_id, meaning, sign, not_cleared=False):
        assert signer_id == NURSE and "pre-admission plan" in meaning
        return sign(NURSE, PINS[NURSE], None)

    monkeypatch.setattr(PlanSignatureDialog, "ask", classmethod(signs))
    version = window.review_and_sign()
    assert version is not None and version.record_id == window.state.record_id
    assert ctx.store.pdf(version.version_id, CALENDAR_KIND)  # kept with the plan
    assert window.calendar_dialog is not None and window.calendar_dialog.preview.page_count() >= 1
    assert not window.amend_button.isVisible()
    kept_pages = window.calendar_dialog.preview.page_count()
    window.calendar_dialog.large_check.setChecked(True)  # made again from the signed plan, in 16 pt
    assert window.calendar_dialog.preview.page_count() > kept_pages
    window.calendar_dialog.large_check.setChecked(False)
    assert window.calendar_dialog.pdf == ctx.store.pdf(version.version_id, CALENDAR_KIND)
    qtbot.wait(300)  # the PDF view draws its pages in the background
    window.calendar_dialog.grab().save(str(tmp_path / "calendar.png"))
    window.calendar_dialog.close()
    signed = reopen(worklist, version.record_id)  # a signed plan opens read-only, its calendar a click away
    assert signed.signed is not None and signed.packet_button.text() == "Patient's ca&lendar..."
    assert not signed.amend_button.isVisible() and not signed.review_button.isVisible()
    signed.packet_button.click()
    assert signed.calendar_dialog.isVisible()


def test_on_the_day_the_plan_is_beside_the_checklist(qtbot, ctx, worklist, monkeypatch, open_example):
    worklist.plan_button.click()
    window = next(w for w in worklist.open_windows.values() if isinstance(w, PlanningCallWindow))
    fill_plan(ctx, window)
    window = reopen(worklist, window.state.record_id)
    monkeypatch.setattr(PlanSignatureDialog, "ask", classmethod(
        lambda cls, parent, *, signer_id, meaning, sign, not_cleared=False: sign(NURSE, PINS[NURSE], None)))
    window.review_and_sign()
    window.calendar_dialog.close()
    data = example_data(ctx)
    meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid",
             "last_dose": f"{START - timedelta(days=1):%Y-%m-%d}T20:00"}]  # the evening before: later than planned
    day = open_example("clean", record_id="chk-day", mrn=PLAN["mrn"], wristband_scan=PLAN["mrn"],
                       scheduled_start=PLAN["scheduled_start"], medications=meds)
    assert data["record_id"] != "chk-day"
    assert day.plan_button.isVisible()
    later = [f for f in day.evaluation.findings if f.rule_id == "PLAN-01-later-dose"]
    assert len(later) == 1 and "later than planned" in later[0].message and "Test Nurse" in later[0].message
    day.plan_button.click()
    assert day.plan_dialog is not None and day.plan_dialog.isVisible()


def test_no_plan_no_button_until_the_mrn_finds_one(qtbot, ctx, worklist, monkeypatch, open_example):
    day = open_example("clean", record_id="chk-day")
    assert not day.plan_button.isVisible()
    worklist.plan_button.click()
    window = next(w for w in worklist.open_windows.values() if isinstance(w, PlanningCallWindow))
    fill_plan(ctx, window)
    window = reopen(worklist, window.state.record_id)
    monkeypatch.setattr(PlanSignatureDialog, "ask", classmethod(
        lambda cls, parent, *, signer_id, meaning, sign, not_cleared=False: sign(NURSE, PINS[NURSE], None)))
    window.review_and_sign()
    window.calendar_dialog.close()
    day.state.set_answer("scheduled_start", day.state.answers["scheduled_start"].replace(
        year=START.year, month=START.month, day=START.day))
    day.state.set_answer("mrn", PLAN["mrn"])
    day.record_changed()  # as when the nurse types it
    assert day.plan_button.isVisible()


def _mnemonics(window) -> list[str]:
    letters = []
    for button in window.findChildren(QPushButton):
        text = button.text().replace("&&", "")
        if button.isVisibleTo(window) and "&" in text:
            letters.append(text[text.index("&") + 1].lower())
    return letters


def test_the_added_buttons_take_no_alt_key_already_taken(qtbot, ctx, worklist, monkeypatch, open_example):
    assert len(set(_mnemonics(worklist))) == len(_mnemonics(worklist))
    worklist.plan_button.click()
    window = next(w for w in worklist.open_windows.values() if isinstance(w, PlanningCallWindow))
    fill_plan(ctx, window)
    window = reopen(worklist, window.state.record_id)
    assert len(set(_mnemonics(window))) == len(_mnemonics(window))
    monkeypatch.setattr(PlanSignatureDialog, "ask", classmethod(
        lambda cls, parent, *, signer_id, meaning, sign, not_cleared=False: sign(NURSE, PINS[NURSE], None)))
    window.review_and_sign()
    window.calendar_dialog.close()
    assert len(set(_mnemonics(window))) == len(_mnemonics(window))  # signed: the calendar button beside Close
    day = open_example("clean", record_id="chk-day", mrn=PLAN["mrn"], scheduled_start=PLAN["scheduled_start"])
    assert day.plan_button.isVisibleTo(day) and len(set(_mnemonics(day))) == len(_mnemonics(day))
