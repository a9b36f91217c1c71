"""Clock times and everyday words for the discharge sheet: when each held medicine may start again, until
when the sedation precautions last, and the treated vertebrae named as a patient would say them.

Only arithmetic and the template's words live here. The numbers are data: each medicine's restart hours
come from the policy (``restart_hours`` / ``restart_next_day`` in forms/policies/*.yaml, with the
medicine's source id), the hours of the sedation precautions and the planned length of the procedure from
the site's discharge defaults (forms/site.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from checklist_app.pdf.discharge_text import ClockText, DischargeTemplate, SpineText, fill

HALF_HOUR = timedelta(minutes=30)
NO_BREAK = "\u00a0"


def round_up_half_hour(moment: datetime) -> datetime:
    """The next half hour, never earlier than ``moment``: a time a tired reader takes in at a glance, and
    a medicine started a few minutes late rather than early (14:10 -> 14:30; 14:30 stays)."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    steps = -(-(moment - hour) // HALF_HOUR)  # ceiling division of timedeltas
    return hour + steps * HALF_HOUR


def format_time(clock: ClockText, moment: datetime) -> str:
    """'9:30 AM', '12:00 noon', 'las 9:30 a. m.', 'la 1:00 p. m.'; 24-hour clocks give '13:30'. The spaces
    are no-break spaces: a line never ends between '9:30' and 'AM'."""
    twelve_hour = clock.uses_twelve_hour()
    if moment.minute == 0 and moment.hour in (0, 12) and twelve_hour:
        text = clock.noon if moment.hour == 12 else clock.midnight
    else:
        hour, period = f"{moment.hour:02d}", ""  # 24-hour clocks write '08:30'
        if twelve_hour:
            hour, period = str((moment.hour % 12) or 12), clock.periods[0 if moment.hour < 12 else 1]
        pattern = clock.time_format_hour_one if hour in ("1", "01") else clock.time_format
        text = fill(pattern, {"hour": hour, "minute": f"{moment.minute:02d}", "period": period}, "clock.time_format")
    return text.strip().replace(" ", NO_BREAK)


def format_day_and_time(template: DischargeTemplate, moment: datetime) -> str:
    """'9:30 AM on Wednesday, December 2, 2026' / 'miércoles 2 de diciembre de 2026, a las 9:30 a. m.'."""
    return fill(template.clock.day_and_time, {"day": template.format_date(moment.date()),
                                              "time": format_time(template.clock, moment)}, "clock.day_and_time")


def join_words(items: list[str], and_word: str) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_word} {items[-1]}"


def level_words(spine: SpineText, level: str) -> str:
    """'L1' -> 'the first bone of your lower back (L1)'; a level the template cannot name stays as it is."""
    region, number = level[:1], level[1:]
    pattern = spine.regions.get(region)  # type: ignore[call-overload]
    if pattern is None or not number.isdigit() or not 1 <= int(number) <= len(spine.ordinals):
        return level
    return f"{fill(pattern, {'ordinal': spine.ordinals[int(number) - 1]}, 'spine.regions')} ({level})"


def capitalised(text: str) -> str:
    """The first letter in upper case, for a phrase standing on its own (a table cell)."""
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class RestartTime:
    """When one held medicine may start again: the day, and the clock time unless it is 'your usual time'."""

    day: str
    time: str | None


def restart_time(template: DischargeTemplate, medicine: Any, procedure_end: datetime | None) -> RestartTime | None:
    """The restart from the policy's ``restart_hours`` (counted from the planned end of the procedure and
    rounded up to the half hour) or ``restart_next_day``; None when the policy gives neither or the
    procedure's time is not known (the sheet then prints the policy's words)."""
    if procedure_end is None:
        return None
    hours = getattr(medicine, "restart_hours", None)
    if hours is not None:
        moment = round_up_half_hour(procedure_end + timedelta(hours=hours))
        return RestartTime(template.format_date(moment.date()), format_time(template.clock, moment))
    if getattr(medicine, "restart_next_day", False):
        return RestartTime(template.format_date(procedure_end.date() + timedelta(days=1)), None)
    return None


@dataclass(frozen=True)
class MedicineLine:
    """One medicine's sentence; whether it was held for the procedure, is an anticoagulant (the sheet then
    lists the signs of a stroke) and got a computed restart time (the sheet then says what it counts from)."""

    text: str
    held: bool
    anticoagulant: bool = False
    timed: bool = False


def medicine_lines(template: DischargeTemplate, entries: list[tuple[str, str, Any]],
                   procedure_end: datetime | None = None) -> list[MedicineLine]:
    """Sentences for (display name, agent, policy medicine or None) triples, in record order."""
    words = template.sections.medicines
    lines = []
    for name, _agent, medicine in entries:
        action = getattr(medicine, "action", None)
        restart = getattr(medicine, "restart", "") or ""
        anticoagulant = action == "hold" and getattr(medicine, "drug_class", None) == "anticoagulant"
        when = restart_time(template, medicine, procedure_end) if action == "hold" else None
        if when is not None:
            sentence = words.restart_at if when.time else words.restart_day
            text = fill(sentence, {"medicine": name, "restart_day": when.day, "restart_time": when.time or ""},
                        "medicines.restart_at")
            lines.append(MedicineLine(text, True, anticoagulant, timed=True))
        elif action == "hold" and restart:
            translated = restart if template.language == "en" else template.policy_phrases.get(restart)
            sentence = words.restart if translated is not None else words.untranslated
            text = fill(sentence, {"medicine": name, "restart": translated or restart}, "medicines.restart")
            lines.append(MedicineLine(text, True, anticoagulant))
        elif action == "continue":
            lines.append(MedicineLine(fill(words.keep, {"medicine": name}, "medicines.keep"), False))
        elif action in ("hold", "defer", "advise"):
            lines.append(MedicineLine(fill(words.ask, {"medicine": name}, "medicines.ask"), True, anticoagulant))
    return lines
