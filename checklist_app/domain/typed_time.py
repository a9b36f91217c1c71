"""Dates and times as a nurse types them: ``0630``, ``6:30 pm``, ``noon``, ``yesterday 22:00``, ``12/01/2026
08:30`` (en-US) or ``2026-12-01 08:30`` (always).

Qt-free and pure: every function takes the reference moment (``now``) or day (``today``) instead of reading
a clock, so the same text always gives the same answer in tests. A time without a day means the reference
day; the screen shows the resolved date beside the field (``describe_moment``), with the month by name, so
the nurse sees which day was understood. Anything not understood raises ``TypedTimeError`` whose message is
one sentence saying what to type instead, shown inline next to the field.

A date with slashes is read in the site locale's order only (``domain.conventions``: MM/DD/YYYY in the US,
DD/MM/YYYY in Britain), and only when it cannot be misread: a two-digit year, or a "month" above 12 in that
order, is refused in words naming the order and what to type. ISO ``2026-12-01`` and ``20261201`` are
understood everywhere. "Midnight" is 00:00 at the start of the day it is typed with, and the hint says so.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from checklist_app.domain import conventions
from checklist_app.domain.timeutil import aware

_EXAMPLE_DAY = date(2026, 11, 21)
_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_CLOCK_WORDS = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
_TIME = re.compile(
    r"^(?:(?P<hm>\d{1,2})[:.h](?P<mm>\d{2})|(?P<digits>\d{3,4})|(?P<hour>\d{1,2}))\s*(?P<ampm>am|pm|a|p)?$"
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d+)$")


class TypedTimeError(ValueError):
    """Typed text that is not a date or time we understand; the message says what to type."""


def date_placeholder() -> str:
    """'MM/DD/YYYY' (en-US) or 'DD/MM/YYYY' (en-GB): the empty date field's hint."""
    return conventions.date_order()


def datetime_placeholder() -> str:
    """The empty date-time field's hint, short enough to show whole in the narrowest field."""
    return "0630 or 6:30 pm" if conventions.twelve_hour() else "0630 or 22:00"


def examples() -> str:
    """Typed date-time examples in the site's order: '0630, 6:30 pm, noon, yesterday 22:00 or 11/21/2026 06:30'."""
    return f"0630, 6:30 pm, noon, yesterday 22:00 or {conventions.format_date(_EXAMPLE_DAY)} 06:30"


def date_examples() -> str:
    """Typed date examples: '11/21/2026, 2026-11-21, today or yesterday' (en-US)."""
    return f"{conventions.format_date(_EXAMPLE_DAY)}, {_EXAMPLE_DAY.isoformat()}, today or yesterday"


def parse_typed_date(text: str, today: date) -> date:
    """A calendar date from ``11/21/2026`` (the site's order), ``2026-11-21``, ``20261121``, ``today``,
    ``yesterday`` or ``tomorrow``."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise TypedTimeError(f"Type a date, for example {date_examples()}.")
    if cleaned in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[cleaned])
    if "/" in cleaned:
        return _slash_date(cleaned)
    match = _ISO_DATE.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if not match:
        raise TypedTimeError(f"'{text.strip()}' is not a date we understand. Type it as {date_examples()}.")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise TypedTimeError(f"{year:04d}-{month:02d}-{day:02d} is not a day on the calendar.") from None


def _slash_date(cleaned: str) -> date:
    order = conventions.date_order()
    match = _SLASH_DATE.match(cleaned)
    if not match:
        raise TypedTimeError(f"'{cleaned}' is not a date we understand. Type it as {order}, for example "
                             f"{conventions.format_date(_EXAMPLE_DAY)}, or as {_EXAMPLE_DAY.isoformat()}.")
    first, second, year_text = match.groups()
    if len(year_text) != 4:
        raise TypedTimeError(f"'{cleaned}': type the year with all four digits ({order}), for example "
                             f"{conventions.format_date(_EXAMPLE_DAY)}.")
    a, b, year = int(first), int(second), int(year_text)
    month, day = (a, b) if conventions.month_first() else (b, a)
    if month > 12:
        swapped = date(year, day, month) if day <= 12 and _is_day(year, day, month) else None
        advice = (f"Type {conventions.format_date(swapped)} or {swapped.isoformat()}." if swapped
                  else f"Type it as {order} or as YYYY-MM-DD.")
        raise TypedTimeError(f"{cleaned} is not {order} (there is no month {month}). {advice}")
    if not _is_day(year, month, day):
        raise TypedTimeError(f"{cleaned} ({order}) is not a day on the calendar.")
    return date(year, month, day)


def _is_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_typed_time(text: str) -> tuple[int, int]:
    """(hour, minute) from ``0630``, ``630``, ``6:30``, ``06.30``, ``6h30``, ``6:30 pm``, ``6pm``, ``noon``
    or ``midnight`` (00:00)."""
    cleaned = text.strip().lower().replace(" ", "")
    words = re.sub(r"^12(?=noon|midnight)", "", cleaned)  # "12 noon", "12 midnight"
    if words in _CLOCK_WORDS:
        return _CLOCK_WORDS[words]
    match = _TIME.match(cleaned)
    if not match:
        raise TypedTimeError(f"'{text.strip()}' is not a time we understand. Type a time such as {examples()}.")
    ampm = match["ampm"]
    if match["hm"] is not None:
        hour, minute = int(match["hm"]), int(match["mm"])
    elif match["digits"] is not None:
        digits = match["digits"]
        hour, minute = int(digits[:-2]), int(digits[-2:])
    else:
        if not ampm:  # "6" alone: six in the morning or six in the evening?
            raise TypedTimeError(f"'{text.strip()}' needs minutes too: type 0{match['hour']}00, "
                                 f"{match['hour']}:00 or {match['hour']}pm.")
        hour, minute = int(match["hour"]), 0
    if ampm:
        if not 1 <= hour <= 12:
            raise TypedTimeError(f"'{text.strip()}': with am or pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise TypedTimeError(f"{hour:02d}:{minute:02d} is not a time of day: hours go from 0 to 23 and minutes "
                             f"from 0 to 59.")
    return hour, minute


def _is_date_text(text: str) -> bool:
    return bool(text in _DAY_WORDS or _ISO_DATE.match(text) or _COMPACT_DATE.match(text) or "/" in text)


def parse_typed_datetime(text: str, now: datetime) -> datetime:
    """A time-zone-aware moment from typed text; a time alone is on the day of ``now`` (local time)."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise TypedTimeError(f"Type a date and time, for example {examples()}.")
    local_now = aware(now).astimezone()
    if cleaned == "now":
        return local_now.replace(second=0, microsecond=0)
    if "t" in cleaned and re.match(r"^\d{4}-\d{1,2}-\d{1,2}t", cleaned):
        cleaned = cleaned.replace("t", " ", 1)  # ISO 8601 "2026-11-21T06:30"
    cleaned = re.sub(r"\b12 (noon|midnight)\b", r"\1", cleaned)
    day_text, _, time_text = cleaned.partition(" ")
    if time_text in ("am", "pm", "a", "p"):  # "6:30 pm": one time, not a day and a time
        day_text, time_text = day_text + time_text, ""
    if not time_text:
        if _is_date_text(day_text):
            raise TypedTimeError(f"Add the time as well, for example '{day_text} 06:30'.")
        day, time_text = local_now.date(), day_text
    else:
        day = parse_typed_date(day_text, local_now.date())
    time_text = _strip_offset(time_text)
    hour, minute = parse_typed_time(time_text)
    return aware(datetime(day.year, day.month, day.day, hour, minute))


def _strip_offset(time_text: str) -> str:
    # "06:30:00" or "06:30:00+01:00" from a pasted ISO value: seconds and offsets are not typed by hand;
    # refuse an offset rather than silently reading the clock time in the wrong zone.
    if re.search(r"(z|[+-]\d{2}:?\d{2})$", time_text) and ":" in time_text:
        raise TypedTimeError("Type the local clock time without a time zone, for example 06:30.")
    seconds = re.match(r"^(\d{1,2}:\d{2}):\d{2}$", time_text)
    return seconds.group(1) if seconds else time_text


def describe_moment(moment: datetime, now: datetime) -> str:
    """'today 6:30 AM (Sat, Nov 21, 2026)' (en-US): the understood moment, the day named relative to
    ``now``; at 00:00 the hint says it is the midnight that starts that day."""
    local = aware(moment).astimezone()
    days = (local.date() - aware(now).astimezone().date()).days
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get(days)
    full = conventions.format_named_date(local.date())
    clock = conventions.format_time(local)
    if local.hour == 0 and local.minute == 0:
        head = f"{relative} {clock}" if relative else f"{full}, {clock}"
        return f"{head}, midnight at the start of {full if relative else 'that day'}"
    return f"{relative} {clock} ({full})" if relative else f"{full}, {clock}"


def describe_date(day: date, today: date) -> str:
    """'Fri, Mar 12, 1954' (en-US; with 'today' or 'yesterday' when it is one of those)."""
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get((day - today).days)
    full = conventions.format_named_date(day)
    return f"{relative} ({full})" if relative else full
