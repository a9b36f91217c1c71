"""The plan is a signed version like any other (PIN, frozen JSON, audit trail, its calendar kept with it), it
survives a restart, and on the day the checklist for the same MRN and day finds it: a dose taken later than
planned, a medicine not in the plan and a blood test still missing are warnings naming the plan. Real SQLite
file, no window."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from plan_helpers import CALL_AT, START, plan_record
from pypdf import PdfReader

from checklist_app import storage
from checklist_app.domain.errors import IncompleteChecklistError
from checklist_app.domain.timeutil import aware
from checklist_app.storage import AuthenticationError
from checklist_app.workflows import plan_comparison, signing
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.plan_records import (
    CALENDAR_KIND,
    PLAN_KIND,
    find_signed_plan,
    forget_lookups,
    new_plan,
    plan_calendar,
    sign_plan,
)
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

NURSE, PIN = "rn.smith", "1357"
DAY_OF = aware(datetime(2026, 12, 8, 7, 0))


def open_session(folder, clock) -> Session:
    session = Session(store=ChecklistStore.open(folder), clock=lambda: clock)
    session.set_user(session.store.staff(NURSE))
    return session


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, NURSE, "J. Smith", "RN", "nurse", PIN, actor="test")
    store.close()
    forget_lookups()
    return tmp_path


def make_plan(session: Session, **answers) -> ChecklistState:
    state = new_plan(session)
    data = {**plan_record(**answers), "record_id": state.record_id}
    filled, dropped = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=CALL_AT,
                                               policy_id=session.site.default_policy)
    assert not dropped
    session.store.save_draft(state.record_id, filled.draft_data(), NURSE)
    session.autosaver.forget(state.record_id)
    return filled


def sign_a_plan(folder) -> str:
    session = open_session(folder, CALL_AT)
    try:
        state = make_plan(session)
        version = sign_plan(session, state, NURSE, PIN)
        return version.record_id
    finally:
        session.close()


def test_the_plan_is_signed_kept_and_audited(folder):
    record_id = sign_a_plan(folder)
    session = open_session(folder, CALL_AT)
    try:
        version = session.store.latest_version(record_id)
        assert record_id.startswith("plan-") and version.signer.name == "J. Smith"
        assert session.store.load_draft(record_id) is None  # signing removed the draft
        assert version.content.record["answers"]["mrn"] == plan_record()["answers"]["mrn"]
        assert "inr" not in version.content.evaluation.missing_required  # only ahead items are asked
        assert all(f.item_id != "wristband_scan" for f in version.content.evaluation.findings)
        pdf = session.store.pdf(version.version_id, CALENDAR_KIND)
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Hecho con usted por J. Smith, RN" in text  # the plan says Spanish
        summary = session.store.pdf(version.version_id, PLAN_KIND)
        staff_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(summary)).pages)
        staff_text = " ".join(staff_text[staff_text.index("For the care team"):].split())
        assert "Apixaban 5 mg" in staff_text and "72 h (SIR2019-HOLDS)" in staff_text
        assert "No INR recorded" in staff_text  # the call's findings, to fix before the day
        assert "For the care team" not in text  # the patient's calendar has no staff page
        events = [e.event_type for e in storage.list_events(session.store.db) if e.record_id == record_id]
        assert {"created", "signed", "document_attached"} <= set(events)
        assert storage.verify_audit(session.store.db).ok
    finally:
        session.close()


def test_a_wrong_pin_signs_nothing(folder):
    session = open_session(folder, CALL_AT)
    try:
        state = make_plan(session)
        with pytest.raises(AuthenticationError):
            sign_plan(session, state, NURSE, "0000")
        assert session.store.latest_version(state.record_id) is None
        assert session.store.load_draft(state.record_id) is not None  # nothing typed is lost
    finally:
        session.close()


def test_a_missing_ahead_item_is_refused(folder):
    session = open_session(folder, CALL_AT)
    try:
        state = make_plan(session)
        state.set_answer("allergies", None)
        with pytest.raises(IncompleteChecklistError):
            sign_plan(session, state, NURSE, PIN)
    finally:
        session.close()


def day_checklist(session: Session, **answers) -> OpenChecklist:
    data = demo_data(session.form, START.date(), "examples/clean.json")
    data["record_id"] = "chk-day-1"
    data["answers"].update({"mrn": plan_record()["answers"]["mrn"], "scheduled_start": "2026-12-08T08:30",
                            "wristband_scan": plan_record()["answers"]["mrn"], **answers})
    state, dropped = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=DAY_OF,
                                              policy_id="sir-2019")
    assert not dropped
    session.store.save_draft(state.record_id, state.draft_data(), NURSE)
    return OpenChecklist(session, state)


def planned_apixaban(session: Session, record_id: str):
    plan = session.store.latest_version(record_id)
    calendar = plan_calendar(plan, session.form, session.policy(plan.policy_id), session.site)
    return next(m for m in calendar.stops if m.agent == "apixaban")


def plan_findings(checklist: OpenChecklist, rule_id: str):
    return [f for f in checklist.evaluation.findings if f.rule_id == rule_id]


def test_on_the_day_a_later_dose_is_flagged_naming_the_plan(folder):
    record_id = sign_a_plan(folder)
    session = open_session(folder, DAY_OF)  # a new start of the app: the plan is read back from the file
    try:
        planned = planned_apixaban(session, record_id)
        later = planned.last_dose + timedelta(hours=12)  # the next dose, which the plan said to skip
        meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": later.isoformat()},
                {"agent": "semaglutide", "dose": "1 mg", "frequency": "weekly", "last_dose": "2026-12-06T09:00"},
                {"agent": "metformin", "dose": "500 mg", "frequency": "bid", "last_dose": "2026-12-07T19:00"}]
        checklist = day_checklist(session, medications=meds)
        found = plan_findings(checklist, plan_comparison.LATER_DOSE)
        assert [f.item_id for f in found] == ["medications"]
        message = found[0].message
        assert message.startswith("Apixaban: last dose") and "later than planned" in message
        assert plan_comparison.when(later) in message and plan_comparison.when(planned.last_dose) in message
        # signed now (storage keeps the real clock), so the day printed is whatever day that is
        assert re.search(r"plan signed \w{3} \d{2}/\d{2}/\d{4} by J\. Smith, RN", message), message
        assert found[0].severity == "warning" and record_id in found[0].citation
        assert not plan_findings(checklist, plan_comparison.NEW_MEDICINE)
        # acknowledged like any warning, and then signing is no longer blocked by it
        checklist.acknowledge(found[0].key, "Dr. Mensah told; policy hold still met")
        checklist.refresh()
        assert found[0].key in checklist.evaluation.acknowledged
    finally:
        session.close()


def test_the_planned_dose_and_no_new_medicine_gives_no_plan_finding(folder):
    record_id = sign_a_plan(folder)
    session = open_session(folder, DAY_OF)
    try:
        planned = planned_apixaban(session, record_id)
        meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid",
                 "last_dose": planned.last_dose.isoformat()}]
        checklist = day_checklist(session, medications=meds)
        assert not [f for f in checklist.evaluation.findings if f.source_id == plan_comparison.SOURCE_ID]
    finally:
        session.close()


def test_a_new_medicine_and_a_missing_lab_are_flagged(folder):
    sign_a_plan(folder)
    session = open_session(folder, DAY_OF)
    try:
        meds = [{"agent": "clopidogrel", "dose": "75 mg", "frequency": "daily", "last_dose": "2026-11-30T08:00"}]
        checklist = day_checklist(session, medications=meds, inr=None)
        new = plan_findings(checklist, plan_comparison.NEW_MEDICINE)
        assert len(new) == 1 and new[0].message.startswith("Clopidogrel: not in the pre-admission plan")
        labs = plan_findings(checklist, plan_comparison.LAB_MISSING)
        assert [f.item_id for f in labs] == ["inr"] and "drawn by Mon 12/07/2026" in labs[0].message
        assert signing.blocked_reason(checklist)  # warnings to acknowledge before signing
    finally:
        session.close()


def test_another_day_or_patient_finds_no_plan(folder):
    sign_a_plan(folder)
    session = open_session(folder, DAY_OF)
    try:
        answers = {"mrn": plan_record()["answers"]["mrn"], "scheduled_start": START + timedelta(days=1)}
        assert find_signed_plan(session, answers) is None
        assert find_signed_plan(session, {**answers, "scheduled_start": START}) is not None
        assert find_signed_plan(session, {"mrn": "MRN-999999", "scheduled_start": START}) is None
        assert date(2026, 12, 8) == START.date()
    finally:
        session.close()


def test_a_plan_changed_elsewhere_meanwhile_is_not_signed(folder):
    from checklist_app.domain.errors import DraftConflictError

    session = open_session(folder, CALL_AT)
    try:
        state = make_plan(session)
        draft = session.store.load_draft(state.record_id)
        session.autosaver.track(state.record_id, draft.revision)  # what this app saved last
        session.store.save_draft(state.record_id, {**draft.data, "answers": {**draft.data["answers"],
                                                                               "weight_kg": 61}}, NURSE)
        with pytest.raises(DraftConflictError):
            sign_plan(session, state, NURSE, PIN)
        assert session.store.latest_version(state.record_id) is None
    finally:
        session.close()


def test_a_plan_signed_elsewhere_is_seen_once_the_lookup_is_stale(folder, monkeypatch):
    from checklist_app.workflows import plan_records

    clock = [1000.0]
    monkeypatch.setattr(plan_records.time, "monotonic", lambda: clock[0])
    session = open_session(folder, DAY_OF)
    try:
        answers = {"mrn": plan_record()["answers"]["mrn"], "scheduled_start": START}
        assert find_signed_plan(session, answers) is None
        kept = dict(plan_records._LOOKUPS)
        sign_a_plan(folder)  # as another workstation would: this app's lookups are not told
        plan_records._LOOKUPS.update(kept)
        clock[0] += plan_records.LOOKUP_SECONDS - 1
        assert find_signed_plan(session, answers) is None  # still the answer kept a moment ago
        clock[0] += 2
        assert find_signed_plan(session, answers) is not None
    finally:
        session.close()


def test_the_kept_calendar_is_the_one_the_signed_answers_give(folder):
    from checklist_app.workflows.plan_records import calendar_again

    session = open_session(folder, CALL_AT)
    try:
        meds = [{"agent": "liraglutide", "dose": "1.2 mg", "frequency": "daily", "last_dose": "2026-12-03T07:00"}]
        state = make_plan(session, medications=meds)
        state.set_answer("aspiration_risk", True)  # a day-of item (say, from the chart): not part of the plan
        version = sign_plan(session, state, NURSE, PIN)
        assert "aspiration_risk" not in version.content.record["answers"]

        def text(pdf):
            return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)

        kept = text(session.store.pdf(version.version_id, CALENDAR_KIND))
        assert kept == text(calendar_again(session, version, large_print=False))
        assert "drink only liquids" not in kept and "solo líquidos" not in kept
    finally:
        session.close()


def test_the_plan_is_named_by_the_local_day_it_was_signed(monkeypatch):
    import time
    from datetime import UTC
    from types import SimpleNamespace

    from checklist_app.domain.signed import Signer

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        evening = SimpleNamespace(signed_at=datetime(2026, 12, 4, 1, 30, tzinfo=UTC),  # 20:30 on 12/03
                                  signer=Signer(staff_id=NURSE, name="J. Smith", credentials="RN"))
        assert plan_comparison.plan_name(evening) == "plan signed Thu 12/03/2026 by J. Smith, RN"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
