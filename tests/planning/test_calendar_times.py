"""The calendar's every moment follows the policy and the site settings: the last dose of each medicine to
hold on the patient's own schedule, the restart, fasting, the blood-test deadline. Expected values are worked
out here from the policy's and site's numbers, never typed in."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from plan_helpers import CALL_AT, START

from checklist_app.rules import evaluate_answers
from checklist_app.rules.checks.medicines import DOSE_INTERVAL_HOURS
from checklist_app.workflows.plan_calendar import CalendarError, build_calendar


def expected_last_dose(taken: datetime, interval_hours: float, latest: datetime) -> datetime:
    """The patient's latest scheduled dose at or before ``latest``."""
    step = timedelta(hours=interval_hours)
    return taken + math.floor((latest - taken) / step) * step


def apixaban_hold_hours(policy, crcl: float) -> float:
    row = next(r for r in policy.medicines["apixaban"].rows if r.applies(crcl))
    return max(row.doses * DOSE_INTERVAL_HOURS["bid"], row.min_hours or 0)


def test_apixaban_with_crcl_45(form, policy, site, plan_answers):
    answers = plan_answers()
    crcl = evaluate_answers(form, answers, policy, CALL_AT).derived["crcl"]
    assert 40 <= crcl < 50  # the plan's creatinine, weight, age and sex give a CrCl in the "below 50" row
    calendar = build_calendar(form, policy, site, answers, CALL_AT)
    apixaban = next(m for m in calendar.medicines if m.agent == "apixaban")
    hold = apixaban_hold_hours(policy, crcl)
    assert hold > apixaban_hold_hours(policy, 60)  # the kidney row is the longer one
    taken = answers["medications"][0]["last_dose"]
    last = expected_last_dose(taken, DOSE_INTERVAL_HOURS["bid"], START - timedelta(hours=hold))
    assert apixaban.advice == "stop" and apixaban.last_dose == last and not apixaban.already_taken
    assert apixaban.hold_hours == hold and apixaban.source_id == policy.medicines["apixaban"].source
    assert START - apixaban.last_dose >= timedelta(hours=hold)
    assert START - (apixaban.last_dose + timedelta(hours=12)) < timedelta(hours=hold)  # one dose later is too late
    end = START + timedelta(minutes=site.discharge_defaults.procedure_minutes)
    restart = end + timedelta(hours=policy.medicines["apixaban"].restart_hours)
    assert apixaban.restart_at - restart < timedelta(minutes=30) and apixaban.restart_at >= restart
    assert apixaban.restart_at.minute in (0, 30) and apixaban.anticoagulant


def with_glp1_approach(policy, approach: str):
    """The policy with its GLP-1 guidance switched, as a site switches it (glp1.approach)."""
    return policy.model_copy(update={"glp1": policy.glp1.model_copy(update={"approach": approach})})


def test_weekly_semaglutide_risk_based_keeps_it_with_a_liquid_diet(form, policy, site, plan_answers):
    ms2024 = with_glp1_approach(policy, "ms-2024")
    calendar = build_calendar(form, ms2024, site, plan_answers(), CALL_AT)
    semaglutide = next(m for m in calendar.medicines if m.agent == "semaglutide")
    assert semaglutide.advice == "keep"  # not told to stop
    hours = ms2024.glp1.risk_based.liquid_diet_hours  # weekly dosing counts as higher risk
    assert "weekly_dosing" in ms2024.glp1.risk_based.higher_risk_when
    assert calendar.fasting.liquid_diet_from == START - timedelta(hours=hours)


def test_risk_based_low_risk_gets_no_liquid_diet(form, policy, site, plan_answers):
    ms2024 = with_glp1_approach(policy, "ms-2024")
    meds = [{"agent": "liraglutide", "dose": "1.2 mg", "frequency": "daily", "last_dose": "2026-12-03T07:00"}]
    calendar = build_calendar(form, ms2024, site, plan_answers(medications=meds, glp1_escalation_phase=False,
                                                               aspiration_risk=False), CALL_AT)
    assert calendar.medicines[0].advice == "keep" and calendar.fasting.liquid_diet_from is None


def test_weekly_semaglutide_asa_2023_skips_the_dose_inside_the_window(form, policy, site, plan_answers):
    asa = with_glp1_approach(policy, "asa-2023")
    calendar = build_calendar(form, asa, site, plan_answers(), CALL_AT)
    semaglutide = next(m for m in calendar.medicines if m.agent == "semaglutide")
    weekly = asa.glp1.hold_windows.weekly_hours
    taken = plan_answers()["medications"][1]["last_dose"]
    assert START - taken >= timedelta(hours=weekly)  # the dose already taken is outside the window
    assert semaglutide.already_taken and semaglutide.last_dose == taken
    assert semaglutide.first_skipped == taken + timedelta(hours=DOSE_INTERVAL_HOURS["weekly"])
    assert semaglutide.first_skipped < START


def test_a_daily_glp1_is_not_taken_on_the_procedure_day_under_asa_2023(form, policy, site, plan_answers):
    meds = [{"agent": "liraglutide", "dose": "1.2 mg", "frequency": "daily", "last_dose": "2026-12-03T07:00"}]
    asa = with_glp1_approach(policy, "asa-2023")
    stop = build_calendar(form, asa, site, plan_answers(medications=meds), CALL_AT).medicines[0]
    assert stop.last_dose.date() == START.date() - timedelta(days=1) and stop.last_dose.hour == 7


def test_fasting_by_the_clock(form, policy, site, plan_answers):
    fasting = build_calendar(form, policy, site, plan_answers(), CALL_AT).fasting
    hours = [r.parsed.min_hours for r in policy.rules if r.check == "fasting_interval"]
    assert fasting.food_until <= START - timedelta(hours=max(hours)) < fasting.food_until + timedelta(minutes=30)
    assert fasting.clear_until <= START - timedelta(hours=min(hours)) < fasting.clear_until + timedelta(minutes=30)


def test_no_fasting_under_local_anaesthetic_only(form, policy, site, plan_answers):
    calendar = build_calendar(form, policy, site, plan_answers(sedation_type="local_only"), CALL_AT)
    assert calendar.fasting is None and not calendar.sedation


def test_labs_to_draw_by_the_readiness_deadline(form, policy, site, plan_answers):
    calendar = build_calendar(form, policy, site, plan_answers(), CALL_AT)
    windows = {r.parsed.item: r.parsed.max_age_days for r in policy.rules if r.check == "result_age"}
    drawn = {lab.item_id for lab in calendar.labs}
    assert {"inr", "platelets"} <= drawn and "creatinine" not in drawn  # the plan has a recent creatinine
    deadline = site.readiness_deadline
    for lab in calendar.labs:
        assert lab.by == calendar.ready_by and lab.not_before is None  # the window opened before the call
        assert windows[lab.item_id] >= 0
    assert calendar.ready_by.strftime("%H:%M") == deadline.time
    assert calendar.ready_by.date() == START.date() - timedelta(days=deadline.business_days_before)  # Mon<-Tue


def test_old_creatinine_is_to_be_drawn_again(form, policy, site, plan_answers):
    old = {"value": 1.2, "unit": "mg/dL", "date": "2026-10-01"}
    calendar = build_calendar(form, policy, site, plan_answers(creatinine=old), CALL_AT)
    assert "creatinine" in {lab.item_id for lab in calendar.labs}


def test_a_dose_already_too_late_is_marked(form, policy, site, plan_answers):
    meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": "2026-12-06T20:00"}]
    stop = build_calendar(form, policy, site, plan_answers(medications=meds), CALL_AT + timedelta(days=3)).stops[0]
    assert stop.too_late


def test_no_regular_schedule_gives_a_deadline(form, policy, site, plan_answers):
    meds = [{"agent": "warfarin", "dose": "3 mg", "frequency": "other", "last_dose": "2026-12-02T18:00"}]
    stop = build_calendar(form, policy, site, plan_answers(medications=meds), CALL_AT).stops[0]
    hours = max(r.hours or r.approx_hours or 0 for r in policy.medicines["warfarin"].rows)
    assert stop.deadline_only and START - stop.last_dose >= timedelta(hours=hours)
    assert stop.restart_day == START.date() + timedelta(days=1)


def test_no_start_is_refused_in_words(form, policy, site, plan_answers):
    answers = plan_answers()
    answers.pop("scheduled_start")
    with pytest.raises(CalendarError, match="Scheduled start"):
        build_calendar(form, policy, site, answers, CALL_AT)
