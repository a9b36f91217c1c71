"""Typed dates and times: what a nurse types at the desk, and the one-sentence refusals; dates with slashes in
the site locale's order (en-US MM/DD/YYYY by default, en-GB DD/MM/YYYY), ISO everywhere."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from checklist_app.domain import conventions
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


@pytest.fixture
def en_gb():
    conventions.set_site_locale("en-GB")
    yield "en-GB"
    conventions.set_site_locale("en-US")
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
        ("12/01/2026 08:30", local(2026, 12, 1, 8, 30)),
        ("1/2/2026 8:30 pm", local(2026, 1, 2, 20, 30)),
        ("11/21/2026 6:30 PM", local(2026, 11, 21, 18, 30)),
        ("noon", local(2026, 11, 21, 12, 0)),
        ("12 noon", local(2026, 11, 21, 12, 0)),
        ("yesterday noon", local(2026, 11, 20, 12, 0)),
        ("midnight", local(2026, 11, 21, 0, 0)),
        ("today 12 midnight", local(2026, 11, 21, 0, 0)),
        ("tomorrow midnight", local(2026, 11, 22, 0, 0)),
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
        ("13/01/2026 06:00", "13/01/2026 is not MM/DD/YYYY (there is no month 13). Type 01/13/2026 or "
                             "2026-01-13."),
        ("12/01/26 06:00", "type the year with all four digits (MM/DD/YYYY)"),
        ("02/30/2026 06:00", "02/30/2026 (MM/DD/YYYY) is not a day on the calendar"),
        ("12/01/2026", "Add the time as well"),
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
        ("03/12/1954", date(1954, 3, 12)),
        ("3/12/1954", date(1954, 3, 12)),
    ],
)
def test_typed_dates(text, expected):
    assert parse_typed_date(text, TODAY) == expected


def test_a_british_site_reads_day_first_and_refuses_a_us_date_in_words(en_gb):
    assert conventions.site_locale() == en_gb
    assert parse_typed_date("12/03/1954", TODAY) == date(1954, 3, 12)
    assert parse_typed_date("1954-03-12", TODAY) == date(1954, 3, 12)
    assert parse_typed_datetime("21/11/2026 22:00", NOW) == local(2026, 11, 21, 22, 0)
    with pytest.raises(TypedTimeError) as info:
        parse_typed_date("03/25/2026", TODAY)
    assert str(info.value) == ("03/25/2026 is not DD/MM/YYYY (there is no month 25). Type 25/03/2026 or "
                               "2026-03-25.")


@pytest.mark.parametrize(
    ("text", "says"),
    [("13/03/1954", "there is no month 13"), ("12/03/54", "all four digits"), ("12-03-1954", "not a date"),
     ("1/2/3/2026", "Type it as MM/DD/YYYY"), ("1954-02-29", "not a day on the calendar"),
     ("March", "not a date"), ("", "Type a date")],
)
def test_bad_dates(text, says):
    with pytest.raises(TypedTimeError, match=says):
        parse_typed_date(text, TODAY)


def test_time_parts():
    assert parse_typed_time("0630") == (6, 30)
    assert parse_typed_time("12:00 am") == (0, 0)
    assert parse_typed_time("Noon") == (12, 0)
    assert parse_typed_time("midnight") == (0, 0)
    with pytest.raises(TypedTimeError):
        parse_typed_time("6:3")


def test_descriptions_name_the_day_and_the_month_in_words():
    assert describe_moment(local(2026, 11, 21, 6, 30), NOW) == "today 6:30 AM (Sat, Nov 21, 2026)"
    assert describe_moment(local(2026, 11, 20, 22, 0), NOW).startswith("yesterday 10:00 PM")
    assert describe_moment(local(2026, 11, 1, 9, 5), NOW) == "Sun, Nov 1, 2026, 9:05 AM"
    assert describe_date(date(1954, 3, 12), TODAY) == "Fri, Mar 12, 1954"
    assert describe_date(TODAY, TODAY) == "today (Sat, Nov 21, 2026)"


def test_midnight_is_said_to_start_the_day():
    assert describe_moment(parse_typed_datetime("midnight", NOW), NOW) == \
        "today 12:00 AM, midnight at the start of Sat, Nov 21, 2026"
    assert describe_moment(local(2026, 11, 2, 0, 0), NOW) == \
        "Mon, Nov 2, 2026, 12:00 AM, midnight at the start of that day"


def test_british_descriptions_use_the_24_hour_clock(en_gb):
    assert conventions.site_locale() == en_gb
    assert describe_moment(local(2026, 11, 21, 6, 30), NOW) == "today 06:30 (Sat, 21 Nov 2026)"
    assert describe_date(date(1954, 3, 12), TODAY) == "Fri, 12 Mar 1954"


def test_result_is_time_zone_aware():
    assert parse_typed_datetime("0630", NOW).tzinfo is not None
