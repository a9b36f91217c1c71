"""Date-time parsing and normalisation shared by the record, the rules and the UI.

Every date-time we keep is timezone-aware. A value typed or stored without an offset is taken to be
in the workstation's local time zone, which is how a nurse reads a clock.
"""

from __future__ import annotations

from datetime import date, datetime


def aware(value: datetime) -> datetime:
    """Return ``value`` with a time zone, assuming local time when it has none."""
    return value if value.tzinfo is not None else value.astimezone()


def parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 (``2026-11-21T06:30``, with or without seconds and offset); ValueError otherwise."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time (use YYYY-MM-DDTHH:MM)") from None
    return aware(parsed)


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` as written (its own offset; local time when it has none)."""
    return aware(moment).date()


def same_day(moment: datetime, reference: datetime) -> bool:
    """Whether ``moment`` falls on the calendar day of ``reference``, read on the reference's clock."""
    ref = aware(reference)
    return aware(moment).astimezone(ref.tzinfo).date() == ref.date()


def format_hours(hours: float) -> str:
    """'1 h 59 min', '2 days 3 h': how long, in words a nurse reads at a glance."""
    total_minutes = int(round(hours * 60))
    sign = "-" if total_minutes < 0 else ""
    total_minutes = abs(total_minutes)
    days, rest = divmod(total_minutes, 24 * 60)
    h, m = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day" + ("s" if days != 1 else ""))
    if h:
        parts.append(f"{h} h")
    if m or not parts:
        parts.append(f"{m} min")
    return sign + " ".join(parts)
