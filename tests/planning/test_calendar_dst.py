"""Across a change to daylight saving time the calendar's holds stay exact in real hours and every time is
printed on the patient's wall clock: a moment counted back from an 08:30 EDT start must not keep the EDT
offset on a day the clock on the wall reads EST."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from checklist_app.domain.timeutil import parse_datetime
from checklist_app.pdf.calendar import CalendarRenderer, render_calendar
from checklist_app.workflows.plan_calendar import build_calendar

NEW_YORK = ZoneInfo("America/New_York")  # the clocks went forward on Sunday 2026-03-08 at 02:00


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def on_the_wall(moment: datetime) -> tuple[int, int]:
    """The hour and minute a New York clock shows at ``moment``."""
    wall = moment.astimezone(NEW_YORK)
    return wall.hour, wall.minute


def assert_local(moment: datetime) -> None:
    """``moment`` carries the offset New York had at that instant, so its hour is the one on the wall."""
    assert moment.utcoffset() == moment.astimezone(NEW_YORK).utcoffset(), moment
    assert (moment.hour, moment.minute) == on_the_wall(moment)


def every_moment(calendar) -> list[datetime]:
    moments = [calendar.start, calendar.procedure_end, calendar.ready_by]
    for stop in calendar.medicines:
        moments += [m for m in (stop.last_dose, stop.first_skipped, stop.restart_at) if m is not None]
    f = calendar.fasting
    moments += [m for m in (f.food_until, f.clear_until, f.liquid_diet_from) if m is not None]
    return moments


def text_of(pdf: bytes) -> str:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    return re.sub(r"\s+", " ", " ".join(pages).replace("\u00a0", " "))


def test_a_72_hour_hold_across_the_change_is_72_real_hours_read_on_the_wall_clock(
        new_york, form, policy, site, plan_answers):
    call_at = parse_datetime("2026-03-05T10:00")
    meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "other", "last_dose": "2026-03-04T08:30"}]
    answers = plan_answers(scheduled_start="2026-03-10T08:30", medications=meds,
                           creatinine={"value": 1.2, "unit": "mg/dL", "date": "2026-03-04"})
    calendar = build_calendar(form, policy, site, answers, call_at)
    start = calendar.start
    assert start.utcoffset() == timedelta(hours=-4)  # Tuesday 08:30 EDT
    stop = calendar.stops[0]
    assert stop.deadline_only and stop.hold_hours == 72
    assert start - stop.last_dose == timedelta(hours=72)  # exact in real elapsed time
    assert (stop.last_dose.date().isoformat(), on_the_wall(stop.last_dose)) == ("2026-03-07", (7, 30))
    assert_local(stop.last_dose)  # Saturday 07:30 EST, not 08:30 at the EDT offset
    renderer = CalendarRenderer(calendar, language="en")
    assert re.sub(r"\s+", " ", renderer.time(stop.last_dose)) == "7:30 AM"
    assert "7:30 AM" in text_of(render_calendar(calendar, language="en"))
    for moment in every_moment(calendar):
        assert_local(moment)


def test_fasting_glp1_and_the_readiness_deadline_on_a_start_the_morning_the_clocks_change(
        new_york, form, policy, site, plan_answers):
    call_at = parse_datetime("2026-03-02T10:00")
    answers = plan_answers(scheduled_start="2026-03-08T08:30",
                           medications=[{"agent": "semaglutide", "dose": "1 mg", "frequency": "weekly",
                                         "last_dose": "2026-03-01T06:00"}])
    asa = policy.model_copy(update={"glp1": policy.glp1.model_copy(update={"approach": "asa-2023"})})
    calendar = build_calendar(form, asa, site, answers, call_at)
    start = calendar.start
    for moment in every_moment(calendar):
        assert_local(moment)
    hours = [r.parsed.min_hours for r in policy.rules if r.check == "fasting_interval"]
    food = calendar.fasting.food_until
    assert food <= start - timedelta(hours=max(hours)) < food + timedelta(minutes=30)
    assert food.minute in (0, 30)  # rounded on the wall clock
    semaglutide = calendar.stops[0]
    weekly = asa.glp1.hold_windows.weekly_hours
    assert start - semaglutide.last_dose >= timedelta(hours=weekly)
    assert calendar.ready_by.strftime("%H:%M") == site.readiness_deadline.time  # the site's clock time, local
