"""The patient's calendar for the days before the procedure, as moments and names only (no wording).

Worked out by ``workflows.plan_calendar`` from the plan's answers, the policy and the site settings; printed
by ``pdf.calendar`` in the patient's language. Every moment here is time-zone aware, on the clock of the
scheduled start. Nothing here knows a number of hours: those came from the policy and the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

# What the calendar says about one medicine the patient takes.
MedicineAdvice = Literal["stop", "keep", "ask"]


@dataclass(frozen=True)
class MedicineStop:
    """One medicine on the calendar.

    ``advice`` "stop": ``last_dose`` is the last dose to take before the procedure (on the patient's own
    schedule, counted from the dose they last took), or, when the schedule is not regular, the moment after
    which no dose may be taken (``deadline_only``). ``already_taken``: that last dose is the one the patient
    reported, so every later dose before the procedure is skipped, the first being ``first_skipped``.
    ``too_late``: the dose the patient already took is closer to the start than the policy allows (the
    call's own findings say what to do). The restart is a moment (``restart_at``), a day at the usual time
    (``restart_day``), or neither (ask).
    """

    agent: str
    name: str
    dose: str
    advice: MedicineAdvice
    source_id: str = ""
    hold_hours: float | None = None
    last_dose: datetime | None = None
    deadline_only: bool = False
    already_taken: bool = False
    first_skipped: datetime | None = None
    too_late: bool = False
    restart_at: datetime | None = None
    restart_day: date | None = None
    anticoagulant: bool = False


@dataclass(frozen=True)
class Fasting:
    """Food until ``food_until``; clear liquids until ``clear_until`` (drinking them until then is advised);
    from ``liquid_diet_from``, liquids only (a GLP-1 medicine at higher risk, when the policy says so)."""

    food_until: datetime
    clear_until: datetime
    liquid_diet_from: datetime | None = None


@dataclass(frozen=True)
class LabDraw:
    """A blood test to have drawn by ``by`` (the site's readiness deadline), and not before ``not_before`` (a
    result older than the policy's window is too old on the day; None when that day is already past)."""

    item_id: str
    label: str
    not_before: date | None
    by: datetime


@dataclass(frozen=True)
class Calendar:
    """Everything the patient's calendar prints, for one plan."""

    patient_name: str
    procedure: str
    start: datetime
    procedure_end: datetime
    medicines: tuple[MedicineStop, ...]
    fasting: Fasting | None
    labs: tuple[LabDraw, ...]
    ready_by: datetime
    sedation: bool
    facility_name: str
    clinic_phone: str
    after_hours_phone: str
    emergency_number: str
    arrive_at: datetime | None = None  # when the patient is asked to arrive (site's arrival_minutes_before)

    @property
    def stops(self) -> tuple[MedicineStop, ...]:
        """The medicines to stop, in the order the plan lists them."""
        return tuple(m for m in self.medicines if m.advice == "stop")

    def days(self) -> list[date]:
        """Every day from the first dated step to the day after the procedure, in order (the calendar's rows)."""
        moments: list[date] = [self.start.date()]
        for m in self.stops:
            moments += [d.date() for d in (m.last_dose, m.first_skipped, m.restart_at) if d is not None]
            if m.restart_day is not None:
                moments.append(m.restart_day)
        if self.fasting is not None:
            moments += [self.fasting.food_until.date(), self.fasting.clear_until.date()]
            if self.fasting.liquid_diet_from is not None:
                moments.append(self.fasting.liquid_diet_from.date())
        return sorted(set(moments))
