"""Typed dates and times: what a nurse types at the desk, and the one-sentence refusals."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from checklist_app.domain.timeutil import aware
from checklist_app.domain.typed_time import (
    TypedTimeError,
    describe_date,
    describe_moment,
    parse_typed_date,
    parse_typed_datetime,
    parse_typed_time,
)

NOW = aware(datetime(2026, 11, 21, 7, 15))
TODAY = date(2026, 11, 21)


def local(*parts: int) -> datetime:
    return aware(datetime(*parts))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0630", local(2026, 11, 21, 6, 30)),
        ("630", local(2026, 11, 21, 6, 30)),
        ("6:30", local(2026, 11, 21, 6, 30)),
        ("06.30", local(2026, 11, 21, 6, 30)),
        ("6h30", local(2026, 11, 21, 6, 30)),
        ("  6:30  ", local(2026, 11, 21, 6, 30)),
        ("6:30 pm", local(2026, 11, 21, 18, 30)),
        ("6pm", local(2026, 11, 21, 18, 0)),
        ("12am", local(2026, 11, 21, 0, 0)),
        ("12:15pm", local(2026, 11, 21, 12, 15)),
        ("yesterday 22:00", local(2026, 11, 20, 22, 0)),
        ("Yesterday 2200", local(2026, 11, 20, 22, 0)),
        ("today 0700", local(2026, 11, 21, 7, 0)),
        ("tomorrow 08:30", local(2026, 11, 22, 8, 30)),
        ("2026-11-21 06:30", local(2026, 11, 21, 6, 30)),
        ("2026-11-21T06:30", local(2026, 11, 21, 6, 30)),
        ("2026-11-21T06:30:00", local(2026, 11, 21, 6, 30)),
        ("20261120 2300", local(2026, 11, 20, 23, 0)),
        ("2026-3-1 0005", local(2026, 3, 1, 0, 5)),
        ("now", local(2026, 11, 21, 7, 15)),
        ("0000", local(2026, 11, 21, 0, 0)),
        ("2359", local(2026, 11, 21, 23, 59)),
    ],
)
def test_typed_moments_are_understood(text, expected):
    assert parse_typed_datetime(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Type a date and time"),
        ("2460", "24:60 is not a time of day"),
        ("25:00", "hours go from 0 to 23"),
        ("6", "needs minutes too"),
        ("13pm", "from 1 to 12"),
        ("yesterday", "Add the time as well"),
        ("2026-11-21", "Add the time as well"),
        ("01/12/2026 06:00", "YYYY-MM-DD"),
        ("2026-02-30 06:00", "not a day on the calendar"),
        ("breakfast", "is not a time we understand"),
        ("last night 22:00", "is not a date we understand"),
        ("2026-11-21T06:30+01:00", "without a time zone"),
    ],
)
def test_what_is_not_understood_says_what_to_type(text, says):
    with pytest.raises(TypedTimeError) as info:
        parse_typed_datetime(text, NOW)
    message = str(info.value)
    assert says in message
    assert message.endswith(".")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1954-03-12", date(1954, 3, 12)),
        ("19540312", date(1954, 3, 12)),
        ("today", TODAY),
        ("Yesterday", date(2026, 11, 20)),
        ("tomorrow", date(2026, 11, 22)),
    ],
)
def test_typed_dates(text, expected):
    assert parse_typed_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [("12/03/1954", "YYYY-MM-DD"), ("1954-02-29", "not a day on the calendar"), ("March", "not a date"),
     ("", "Type a date")],
)
def test_bad_dates(text, says):
    with pytest.raises(TypedTimeError, match=says):
        parse_typed_date(text, TODAY)


def test_time_parts():
    assert parse_typed_time("0630") == (6, 30)
    assert parse_typed_time("12:00 am") == (0, 0)
    with pytest.raises(TypedTimeError):
        parse_typed_time("6:3")


def test_descriptions_name_the_day():
    assert describe_moment(local(2026, 11, 21, 6, 30), NOW) == "today 06:30 (Sat 21 Nov 2026)"
    assert describe_moment(local(2026, 11, 20, 22, 0), NOW).startswith("yesterday 22:00")
    assert describe_moment(local(2026, 11, 1, 9, 5), NOW) == "Sun 1 Nov 2026, 09:05"
    assert describe_date(date(1954, 3, 12), TODAY) == "Fri 12 Mar 1954"
    assert describe_date(TODAY, TODAY) == "today (Sat 21 Nov 2026)"


def test_result_is_time_zone_aware():
    assert parse_typed_datetime("0630", NOW).tzinfo is not None
