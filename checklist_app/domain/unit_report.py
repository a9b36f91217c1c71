"""The unit manager's report as plain data: what the CSV files, the printable PDF and the Reports window
all show, so the three can never disagree. Built by ``workflows.reports`` from the audit trail and the
signed versions; holds no patient identifier unless the report was asked for with patients.

Counting rules, said once here (the README repeats them for the manager):
- A checklist counts on the day of its *first* signature (its version 1): signed cleared, or signed NOT
  CLEARED (deferred). An amendment is counted on its own day under "amended" and changes neither count,
  so "deferred on the day" stays what happened on the day.
- The rule figures are over those first signatures: the rules the signed evaluation found, which hard stops a
  physician overrode, and which were left open (the coded reasons of a NOT CLEARED signature).
- Acknowledgements per rule are the acknowledgements recorded in the audit trail in the period (each one a
  nurse made, again after an answer changed included, and the "physician notified" notes of deferrals).
- Time to sign runs from the checklist's first answer (its first ``created`` or ``field_changed`` event) to
  its first signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Granularity = Literal["day", "week", "month"]


@dataclass(frozen=True)
class Timing:
    """Minutes from first answer to signature over ``count`` checklists (None when there were none)."""

    count: int = 0
    median_minutes: float | None = None
    p90_minutes: float | None = None


@dataclass(frozen=True)
class PeriodRow:
    """One day, week (Monday to Sunday) or calendar month of the range."""

    label: str  # "2026-11-21", "week of 2026-11-16", "2026-11"
    first_day: date
    last_day: date  # inside the report's range: a range starting mid-week gives a shorter first week
    started: int
    signed_cleared: int
    signed_not_cleared: int
    amended: int
    reasons: tuple[tuple[str, int], ...]  # the open hard stops' rule ids of the NOT CLEARED signatures, most first
    timing: Timing


@dataclass(frozen=True)
class RuleRow:
    """One policy rule over the checklists first signed in the range (see the module's counting rules)."""

    rule_id: str
    description: str  # the policy's fixed message, or the question the rule is about
    severity: str  # "hard_stop" or "warning"
    checklists: int  # first signatures in which the rule had a finding
    overridden: int  # hard stops: checklists where a physician overrode every finding of the rule
    deferred: int  # hard stops: NOT CLEARED checklists with this rule open (a coded reason)
    acknowledgements: int  # acknowledgements of this rule's findings recorded in the trail in the range

    @property
    def override_rate(self) -> float | None:
        """Overridden / stopped, for a hard stop that stopped at least one checklist."""
        if self.severity != "hard_stop" or not self.checklists:
            return None
        return self.overridden / self.checklists


@dataclass(frozen=True)
class PhysicianRow:
    """A physician's account and the overrides it gave that counted at signing."""

    staff_id: str
    name: str
    overrides: int  # hard-stop findings overridden
    checklists: int  # checklists with at least one of them
    share: float  # of all overrides in the range
    top_rules: tuple[tuple[str, int], ...]  # the rules overridden, most first


@dataclass(frozen=True)
class ProceduralistRow:
    """The checklists naming one proceduralist (the form's free-text answer, as typed)."""

    proceduralist: str
    checklists: int
    with_hard_stop: int  # checklists with at least one hard stop at signing
    overridden: int  # of those, cleared because a physician overrode every hard stop
    deferred: int  # of those, signed NOT CLEARED
    timing: Timing

    @property
    def override_rate(self) -> float | None:
        """Of the checklists stopped by a hard stop, the share cleared by an override."""
        return self.overridden / self.with_hard_stop if self.with_hard_stop else None


@dataclass(frozen=True)
class NurseRow:
    """The checklists one nurse signed (their first signature)."""

    staff_id: str
    name: str
    checklists: int
    signed_not_cleared: int
    timing: Timing


@dataclass(frozen=True)
class DeferredCase:
    """A NOT CLEARED checklist, with the patient: only in a report asked for with patients."""

    signed_at: datetime  # local time
    record_id: str
    patient_name: str
    mrn: str
    scheduled_start: str
    proceduralist: str
    reasons: tuple[str, ...]  # rule ids


@dataclass(frozen=True)
class UnitReport:
    """Every figure of the report for ``first_day`` to ``last_day`` (local dates, both included)."""

    first_day: date
    last_day: date
    made_at: datetime
    site: str
    periods: dict[Granularity, tuple[PeriodRow, ...]]
    rules: tuple[RuleRow, ...]  # hard stops first, then by checklists
    physicians: tuple[PhysicianRow, ...]
    proceduralists: tuple[ProceduralistRow, ...]
    nurses: tuple[NurseRow, ...]
    timing: Timing  # every checklist first signed in the range
    deferred_cases: tuple[DeferredCase, ...] | None = None  # None: patients not asked for
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> PeriodRow:
        """The whole range as one period."""
        rows = self.periods["month"]
        reasons: dict[str, int] = {}
        for row in rows:
            for rule_id, count in row.reasons:
                reasons[rule_id] = reasons.get(rule_id, 0) + count
        return PeriodRow(
            label="total", first_day=self.first_day, last_day=self.last_day,
            started=sum(r.started for r in rows), signed_cleared=sum(r.signed_cleared for r in rows),
            signed_not_cleared=sum(r.signed_not_cleared for r in rows), amended=sum(r.amended for r in rows),
            reasons=tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))), timing=self.timing)

    @property
    def with_patients(self) -> bool:
        """Whether the report names patients (asked for explicitly)."""
        return self.deferred_cases is not None

    def describe(self, rule_id: str) -> str:
        """The rule's description, or '' for a rule no longer in the policy."""
        return next((r.description for r in self.rules if r.rule_id == rule_id), "")
