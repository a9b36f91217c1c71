"""Whether a scheduled case is ready by the site's deadline, and what it still lacks. Pure: no clock of its own.

The deadline counts back business days (Monday to Friday) from the procedure day and sets the site's clock
time on that day, in the workstation's time zone (or ``tz``), so a change of daylight-saving time between the
deadline and the procedure moves nothing. Public holidays are not business-day exceptions here: the site
setting names no holiday list, so a deadline may fall on one.

What a case lacks is worked out from the rules engine's evaluation (``workflows.readiness``); this module
only turns it, the scheduled start and the moment asked about into a state and a line of text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from checklist_app.domain.timeutil import aware, format_hours

ReadinessState = Literal["ready", "not_ready", "deadline_passed", "no_start"]
# Worst first: the order the day view lists cases in.
STATE_ORDER: dict[str, int] = {"deadline_passed": 0, "not_ready": 1, "no_start": 2, "ready": 3}
BRIEF_ITEMS = 2  # what a column names of the things a case lacks; the rest is counted
WEEKEND = (5, 6)  # Saturday, Sunday (date.weekday())


def business_days_back(day: date, count: int) -> date:
    """The business day ``count`` business days before ``day`` (0: ``day`` itself, even on a weekend)."""
    while count > 0:
        day -= timedelta(days=1)
        if day.weekday() not in WEEKEND:
            count -= 1
    return day


def business_days_ahead(day: date, count: int) -> date:
    """The business day ``count`` business days after ``day`` (0: ``day`` itself): the procedure day whose
    deadline falls on ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() not in WEEKEND:
            count -= 1
    return day


def parse_clock(text: str) -> time:
    """'12:00' -> 12:00 (the site setting's format, already checked when the settings were loaded)."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def deadline_for(start: datetime, business_days_before: int, clock: str, tz: tzinfo | None = None) -> datetime:
    """When a case starting at ``start`` must be ready: ``clock`` on the business day ``business_days_before``
    business days before the procedure day, in ``tz`` (default: the workstation's zone). Never after the start
    itself (a same-day deadline later than the start is the start)."""
    local_start = aware(start).astimezone(tz)
    day = business_days_back(local_start.date(), business_days_before)
    naive = datetime.combine(day, parse_clock(clock))
    deadline = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return min(deadline, local_start)


@dataclass(frozen=True)
class Readiness:
    """One case's readiness at ``now``: ``missing`` names what it lacks, in words ('INR', 'Platelets out of
    date'); ``details`` says the same at length, one line each, for a tooltip or the day view."""

    scheduled: datetime | None
    deadline: datetime | None
    now: datetime
    missing: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    @property
    def state(self) -> ReadinessState:
        """ready, not_ready (deadline still ahead), deadline_passed, or no_start (no scheduled start)."""
        if self.scheduled is None or self.deadline is None:
            return "no_start"
        if not self.missing:
            return "ready"
        return "deadline_passed" if aware(self.now) >= self.deadline else "not_ready"

    def at(self, now: datetime) -> Readiness:
        """The same case seen at another moment (the worklist's clock moves on between reads)."""
        return replace(self, now=aware(now))

    def deadline_text(self, *, brief: bool = False) -> str:
        """'Fri 12/04/2026 12:00 PM (in 3 h)', '... (passed 1 min ago)'; '' without a deadline. ``brief``: for a
        column, 'Fri 12:00 PM' (the weekday alone when the deadline is within the coming week; no countdown)."""
        if self.deadline is None:
            return ""
        from checklist_app.domain.conventions import format_long_date, format_time, format_weekday_date  # Babel

        now = aware(self.now)
        day = format_weekday_date(self.deadline.date())
        if brief:
            if 0 <= (self.deadline.date() - now.astimezone(self.deadline.tzinfo).date()).days < 7:
                day = format_long_date(self.deadline.date(), pattern="EEE")
            return f"{day} {format_time(self.deadline)}"
        left = (self.deadline - now).total_seconds() / 3600
        when = "in " + format_hours(left) if left > 0 else "passed " + format_hours(-left) + " ago"
        return f"{day} {format_time(self.deadline)} ({when})"

    def text(self, *, brief: bool = False) -> str:
        """The status in one line: 'Ready', 'Not ready, due Fri 12/04/2026 12:00 PM (in 3 h): INR, Escort',
        'Not ready, deadline passed: INR', 'No scheduled start' (``brief``: as ``deadline_text``, and at most
        ``BRIEF_ITEMS`` things named: 'INR, Platelets and 3 more')."""
        state = self.state
        if state == "no_start":
            return "No scheduled start"
        if state == "ready":
            return "Ready"
        shown = self.missing[:BRIEF_ITEMS] if brief and len(self.missing) > BRIEF_ITEMS + 1 else self.missing
        lacking = ", ".join(shown) + (f" and {len(self.missing) - len(shown)} more" if shown != self.missing else "")
        if state == "deadline_passed":
            return f"Not ready, deadline passed: {lacking}"
        return f"Not ready, due {self.deadline_text(brief=brief)}: {lacking}"


def readiness(scheduled: datetime | None, business_days_before: int, clock: str, now: datetime, *,
              missing: tuple[str, ...] = (), details: tuple[str, ...] = (), tz: tzinfo | None = None) -> Readiness:
    """A case's readiness at ``now``, from its scheduled start, the site's deadline and what it lacks."""
    deadline = deadline_for(scheduled, business_days_before, clock, tz) if scheduled is not None else None
    return Readiness(scheduled, deadline, aware(now), missing, details)
