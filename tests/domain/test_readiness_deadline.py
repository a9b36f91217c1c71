"""The readiness deadline: business days counted back from the procedure day (a Monday case is due on the
Friday), the site's clock time on that day in the unit's time zone, and the state at the minute before, on
and after it. Holidays are not business-day exceptions: the site setting names none."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from checklist_app.domain.readiness import business_days_ahead, business_days_back, deadline_for, readiness

NY = ZoneInfo("America/New_York")


def at(day: date, clock: str, tz=NY) -> datetime:
    hours, minutes = clock.split(":")
    return datetime(day.year, day.month, day.day, int(hours), int(minutes), tzinfo=tz)


@pytest.mark.parametrize(("procedure", "before", "due"), [
    (date(2026, 12, 7), 1, date(2026, 12, 4)),   # Monday -> the Friday before
    (date(2026, 12, 3), 1, date(2026, 12, 2)),   # Thursday -> Wednesday
    (date(2026, 12, 8), 2, date(2026, 12, 4)),   # Tuesday, two business days -> Friday
    (date(2026, 12, 5), 1, date(2026, 12, 4)),   # a Saturday case -> Friday
    (date(2026, 12, 7), 0, date(2026, 12, 7)),   # 0: the procedure day itself
    (date(2026, 12, 25), 1, date(2026, 12, 24)),  # Christmas is a business day here: no holiday list
])
def test_business_days_back(procedure, before, due):
    assert business_days_back(procedure, before) == due
    assert deadline_for(at(procedure, "08:30"), before, "12:00", NY) == min(at(due, "12:00"), at(procedure, "08:30"))


def test_the_day_whose_deadline_is_today():
    assert business_days_ahead(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday: Monday's cases are due
    assert business_days_ahead(date(2026, 12, 3), 1) == date(2026, 12, 4)
    assert business_days_ahead(date(2026, 12, 3), 0) == date(2026, 12, 3)


def test_a_same_day_deadline_after_the_start_is_the_start():
    start = at(date(2026, 12, 7), "08:30")
    assert deadline_for(start, 0, "12:00", NY) == start


def test_the_deadline_keeps_its_clock_time_across_a_daylight_saving_change():
    # Daylight saving time ends on Sunday 1 November 2026 in New York: the Friday before is still on EDT.
    start = at(date(2026, 11, 2), "08:00")
    deadline = deadline_for(start, 1, "12:00", NY)
    assert (deadline.date(), deadline.hour, deadline.minute) == (date(2026, 10, 30), 12, 0)
    assert deadline.utcoffset() == timedelta(hours=-4) and start.utcoffset() == timedelta(hours=-5)


def test_a_start_in_another_offset_counts_on_the_unit_clock():
    # 02:00 UTC on Tuesday is 21:00 on Monday in New York: a Monday case, due on Friday.
    start = datetime(2026, 12, 8, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert deadline_for(start, 1, "12:00", NY) == at(date(2026, 12, 4), "12:00")


@pytest.mark.parametrize(("clock", "state"), [("11:59", "not_ready"), ("12:00", "deadline_passed"),
                                              ("12:01", "deadline_passed")])
def test_a_case_missing_its_inr_around_the_deadline(clock, state):
    start = at(date(2026, 12, 4), "08:30")
    case = readiness(start, 1, "12:00", at(date(2026, 12, 3), clock), missing=("INR",), tz=NY)
    assert case.state == state
    text = case.text()
    if state == "not_ready":
        assert text.startswith("Not ready, due Thu 12/03/2026 ") and text.endswith("(in 1 min): INR")
        assert case.text(brief=True).startswith("Not ready, due Thu 12") and "(in" not in case.text(brief=True)
    else:
        assert text == case.text(brief=True) == "Not ready, deadline passed: INR"


def test_ready_is_ready_before_and_after_the_deadline():
    start = at(date(2026, 12, 4), "08:30")
    for clock in ("09:00", "12:01"):
        case = readiness(start, 1, "12:00", at(date(2026, 12, 3), clock), tz=NY)
        assert case.state == "ready" and case.text() == "Ready"


def test_no_scheduled_start():
    case = readiness(None, 1, "12:00", at(date(2026, 12, 3), "09:00"), missing=("INR",))
    assert case.state == "no_start" and case.deadline is None and case.text() == "No scheduled start"


def test_the_state_moves_on_with_the_clock():
    start = at(date(2026, 12, 4), "08:30")
    case = readiness(start, 1, "12:00", at(date(2026, 12, 3), "09:00"), missing=("Escort",), tz=NY)
    assert case.state == "not_ready" and "(in 3 h): Escort" in case.text()
    assert case.at(at(date(2026, 12, 3), "12:30")).state == "deadline_passed"


def test_a_column_names_two_things_and_counts_the_rest():
    start = at(date(2026, 12, 4), "08:30")
    lacks = ("INR", "Platelets", "Escort", "Imaging")
    case = readiness(start, 1, "12:00", at(date(2026, 12, 3), "12:30"), missing=lacks, tz=NY)
    assert case.text(brief=True) == "Not ready, deadline passed: INR, Platelets and 2 more"
    assert case.text() == "Not ready, deadline passed: INR, Platelets, Escort, Imaging"
    three = readiness(start, 1, "12:00", at(date(2026, 12, 3), "12:30"), missing=lacks[:3], tz=NY)
    assert three.text(brief=True) == "Not ready, deadline passed: INR, Platelets, Escort"
