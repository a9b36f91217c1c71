"""Issue 15's "done when", headless: a planning call for a patient on apixaban (CrCl 45) and weekly semaglutide,
scheduled five days ahead, prints a calendar whose every date and clock time follows the policy, in English
and Spanish (``python -m checklist_app plan calendar``); the plan is signed, and the day's checklist compares
against it and flags a dose taken later than planned.

Expected moments are worked out here from the policy's and the site's numbers, never typed in; the words
around them are the calendar templates' (so a reworded template does not break the test, a wrong time does).
"""

from __future__ import annotations

import io
import json
import math
import re
from datetime import datetime, timedelta

import pytest
from plan_helpers import CALL_AT, START, plan_record
from pypdf import PdfReader

from checklist_app import resources, storage
from checklist_app.cli import main
from checklist_app.domain.record import parse_record
from checklist_app.domain.site import load_site
from checklist_app.pdf.calendar_text import load_calendar_template
from checklist_app.pdf.discharge_times import capitalised, format_time
from checklist_app.rules import evaluate_answers, load_form, load_policy_for
from checklist_app.rules.checks.medicines import DOSE_INTERVAL_HOURS
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.plan_records import forget_lookups, new_plan, sign_plan
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

NURSE, PIN = "rn.smith", "1357"


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(
        "\u00a0", " "))


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def expected_moments():
    """(apixaban's last dose, its restart, the liquid diet's start, food until, clear liquids until, labs by),
    from the policy and the site alone."""
    form = load_form()
    policy = load_policy_for(form, "sir-2019")
    site = load_site(resources.form_path("site.yaml"))
    answers = parse_record(plan_record(), form, CALL_AT).answer_values()
    crcl = evaluate_answers(form, answers, policy, CALL_AT).derived["crcl"]
    assert 40 <= crcl < 50
    apixaban = policy.medicines["apixaban"]
    row = next(r for r in apixaban.rows if r.applies(crcl))
    every = DOSE_INTERVAL_HOURS[answers["medications"][0]["frequency"]]
    hold = timedelta(hours=max(row.doses * every, row.min_hours or 0))
    taken = answers["medications"][0]["last_dose"]
    last = taken + math.floor((START - hold - taken) / timedelta(hours=every)) * timedelta(hours=every)
    end = START + timedelta(minutes=site.discharge_defaults.procedure_minutes)
    restart = end + timedelta(hours=apixaban.restart_hours)
    restart += timedelta(minutes=(-restart.minute) % 30)  # the next half hour, as the discharge sheet rounds
    assert policy.glp1.approach == "ms-2024" and "weekly_dosing" in policy.glp1.risk_based.higher_risk_when
    diet = START - timedelta(hours=policy.glp1.risk_based.liquid_diet_hours)
    fasting = [r.parsed.min_hours for r in policy.rules if r.check == "fasting_interval"]
    food, clear = START - timedelta(hours=max(fasting)), START - timedelta(hours=min(fasting))
    deadline = site.readiness_deadline
    by_day = START.date() - timedelta(days=1)
    while deadline.business_days_before and by_day.weekday() >= 5:
        by_day -= timedelta(days=1)
    hour, minute = map(int, deadline.time.split(":"))
    labs_by = datetime.combine(by_day, datetime.min.time(), START.tzinfo).replace(hour=hour, minute=minute)
    return last, restart, diet, food, clear, labs_by


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_calendar_follows_the_policy(tmp_path, monkeypatch, capsys, language):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path / "data"))
    record = tmp_path / "plan.json"
    record.write_text(json.dumps(plan_record()))
    out = tmp_path / f"calendar-{language}.pdf"
    assert main(["plan", "calendar", str(record), "--lang", language, "--large-print", "-o", str(out),
                 "--now", CALL_AT.isoformat()]) == 0
    text = text_of(out.read_bytes())
    words = load_calendar_template(language)
    last, restart, diet, food, clear, labs_by = expected_moments()

    def clock(moment):
        return plain(format_time(words.clock, moment))

    def day(moment):
        return plain(capitalised(words.format_date(moment.date())))

    evening = last.hour >= words.evening_from_hour
    line = (words.steps.last_dose_evening if evening else words.steps.last_dose).format(
        medicine="Apixaban 5 mg", time=clock(last)).replace("..", ".")
    assert f"{day(last)} • {plain(line)}" in text
    restart_line = words.steps.restart_at.format(medicine="Apixaban 5 mg", time=clock(restart)).replace("..", ".")
    assert f"{day(restart)} • {plain(restart_line)}" in text
    assert plain(words.steps.liquid_diet.format(time=clock(diet))) in text and day(diet) in text
    night = food.hour < words.night_until_hour
    food_time = words.after_midnight.format(time=clock(food)) if night else clock(food)
    assert plain(words.steps.food_until_liquid_diet.format(time=food_time)).replace("..", ".") in text
    assert plain(words.steps.clear_until.format(time=clock(clear))).replace("..", ".") in text
    assert plain(words.steps.procedure.format(time=clock(START), procedure=words.procedures["kyphoplasty"])) in text
    assert plain(words.steps.labs_due.format(time=clock(labs_by))).replace("..", ".") in text
    assert day(labs_by) in text
    assert "Semaglutide" in text  # kept, listed with the medicines to keep taking
    assert plain(words.steps.skip.format(medicine="Semaglutide (GLP-1) 1 mg")) not in text  # not told to stop


def test_the_signed_plan_flags_a_later_dose_on_the_day(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    forget_lookups()
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, NURSE, "J. Smith", "RN", "nurse", PIN, actor="test")
    call = Session(store=store, clock=lambda: CALL_AT)
    call.set_user(store.staff(NURSE))
    state = new_plan(call)
    filled, _ = ChecklistState.from_data(call.form, {**plan_record(), "record_id": state.record_id},
                                         fallback_staff=NURSE, now=CALL_AT, policy_id="sir-2019")
    store.save_draft(state.record_id, filled.draft_data(), NURSE)
    call.autosaver.forget(state.record_id)
    sign_plan(call, filled, NURSE, PIN)
    call.close()

    last = expected_moments()[0]
    day_of = Session(store=ChecklistStore.open(tmp_path), clock=lambda: START - timedelta(hours=1))
    try:
        data = demo_data(day_of.form, START.date(), "examples/clean.json")
        data["record_id"] = "chk-day"
        taken = last + timedelta(hours=DOSE_INTERVAL_HOURS["bid"])  # the dose the plan said to skip
        data["answers"].update({"mrn": "MRN-300221", "wristband_scan": "MRN-300221",
                                "scheduled_start": START.isoformat(),
                                "medications": [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid",
                                                 "last_dose": taken.isoformat()}]})
        state, _ = ChecklistState.from_data(day_of.form, data, fallback_staff=NURSE, now=START, policy_id="sir-2019")
        checklist = OpenChecklist(day_of, state)
        flagged = [f for f in checklist.evaluation.findings if f.rule_id == "PLAN-01-later-dose"]
        assert len(flagged) == 1 and "later than planned" in flagged[0].message
        assert "J. Smith, RN" in flagged[0].message
    finally:
        day_of.close()
