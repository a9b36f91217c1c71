"""Dates and times as a nurse types them: ``0630``, ``6:30``, ``yesterday 22:00``, ``2026-11-21 06:30``.

Qt-free and pure: every function takes the reference moment (``now``) or day (``today``) instead of reading
a clock, so the same text always gives the same answer in tests. A time without a day means the reference
day; the screen shows the resolved date beside the field (``describe_moment``) so the nurse sees which day
was understood. Anything not understood raises ``TypedTimeError`` whose message is one sentence saying what
to type instead, shown inline next to the field.

Day/month/year with slashes (``01/12/2026``) is refused on purpose: read in the US and in Europe it names
two different days, and a fasting time on the wrong day is a patient-safety error.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from checklist_app.domain.timeutil import aware

EXAMPLES = "0630, 6:30, yesterday 22:00, today 0700 or 2026-11-21 06:30"
DATE_EXAMPLES = "2026-11-21, 20261121, today or yesterday"

_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_TIME = re.compile(
    r"^(?:(?P<hm>\d{1,2})[:.h](?P<mm>\d{2})|(?P<digits>\d{3,4})|(?P<hour>\d{1,2}))\s*(?P<ampm>am|pm|a|p)?$"
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class TypedTimeError(ValueError):
    """Typed text that is not a date or time we understand; the message says what to type."""


def parse_typed_date(text: str, today: date) -> date:
    """A calendar date from ``2026-11-21``, ``20261121``, ``today``, ``yesterday`` or ``tomorrow``."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise TypedTimeError(f"Type a date, for example {DATE_EXAMPLES}.")
    if cleaned in _DAY_WORDS:
        return today + timedelta(days=_DAY_WORDS[cleaned])
    if "/" in cleaned:
        raise TypedTimeError("Write the date as YYYY-MM-DD (for example 2026-11-21) so that day and month "
                             "cannot be mixed up.")
    match = _ISO_DATE.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if not match:
        raise TypedTimeError(f"'{text.strip()}' is not a date we understand. Type it as {DATE_EXAMPLES}.")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise TypedTimeError(f"{year:04d}-{month:02d}-{day:02d} is not a day on the calendar.") from None


def parse_typed_time(text: str) -> tuple[int, int]:
    """(hour, minute) from ``0630``, ``630``, ``6:30``, ``06.30``, ``6h30``, ``6:30 pm`` or ``6pm``."""
    cleaned = text.strip().lower().replace(" ", "")
    match = _TIME.match(cleaned)
    if not match:
        raise TypedTimeError(f"'{text.strip()}' is not a time we understand. Type a time such as {EXAMPLES}.")
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


def parse_typed_datetime(text: str, now: datetime) -> datetime:
    """A time-zone-aware moment from typed text; a time alone is on the day of ``now`` (local time)."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise TypedTimeError(f"Type a date and time, for example {EXAMPLES}.")
    local_now = aware(now).astimezone()
    if cleaned == "now":
        return local_now.replace(second=0, microsecond=0)
    if "t" in cleaned and re.match(r"^\d{4}-\d{1,2}-\d{1,2}t", cleaned):
        cleaned = cleaned.replace("t", " ", 1)  # ISO 8601 "2026-11-21T06:30"
    day_text, _, time_text = cleaned.partition(" ")
    if time_text in ("am", "pm", "a", "p"):  # "6:30 pm": one time, not a day and a time
        day_text, time_text = day_text + time_text, ""
    if not time_text:
        if day_text in _DAY_WORDS or _ISO_DATE.match(day_text) or _COMPACT_DATE.match(day_text):
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
    """'today 06:30 (Sat 21 Nov 2026)': the understood moment, with the day named relative to ``now``."""
    local = aware(moment).astimezone()
    days = (local.date() - aware(now).astimezone().date()).days
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get(days)
    full = f"{local:%a} {local.day} {local:%b %Y}"
    return f"{relative} {local:%H:%M} ({full})" if relative else f"{full}, {local:%H:%M}"


def describe_date(day: date, today: date) -> str:
    """'Thu 12 Mar 1954' (with 'today' or 'yesterday' when it is one of those)."""
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get((day - today).days)
    full = f"{day:%a} {day.day} {day:%b %Y}"
    return f"{relative} ({full})" if relative else full
