"""The unit manager's report: the reads of ``storage.reports`` turned into the figures of
``domain.unit_report.UnitReport`` (per day, week and month; per rule, physician, proceduralist and nurse).
The CSV files, the printable PDF and the Reports window all start here. No Qt.

Days are the unit's local days (the workstation's time zone, daylight saving included): a checklist signed
at 00:30 local time belongs to that day, whatever its UTC date. Weeks run Monday to Sunday and are named by
their Monday; a week or month cut by the range counts only the days inside it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.unit_report import (
    DeferredCase,
    Granularity,
    NurseRow,
    PeriodRow,
    PhysicianRow,
    ProceduralistRow,
    RuleRow,
    Timing,
    UnitReport,
)
from checklist_app.storage import Database
from checklist_app.storage import reports as reads
from checklist_app.storage.reports import SignedFact

GRANULARITIES: tuple[Granularity, ...] = ("day", "week", "month")
NOT_RECORDED = "(not recorded)"  # a NOT CLEARED version whose evaluation cannot be read; a blank proceduralist
# Readiness is worked out for cases still ahead (the worklist's Ready column, "Cases at risk"); what a case had
# at its deadline is not kept (drafts are overwritten; the audit trail has only audited saves), so it is not counted.
READINESS_NOTE = ("Ready by the site's deadline: not available yet (the worklist shows each coming case's readiness, "
                  "but what a past case had at its deadline is not recorded).")
MAX_DAYS = 20 * 366  # a typing slip (year 2206) would otherwise make a million empty days

# How a check's finding reads when its rule has no fixed message ("INR: above the limit").
CHECK_WORDS = {
    "value_limit": "outside the limit", "value_missing": "no result", "result_age": "result too old",
    "result_same_day": "not from the procedure day", "fasting_interval": "fasting time too short",
    "medicine_holds": "medicine not held long enough", "glp1_hold": "GLP-1 medicine not held",
    "levels_confirmed": "levels not confirmed", "levels_in_range": "levels outside the usual range",
    "codes_match": "does not match the MRN", "pregnancy_test": "no pregnancy test result",
    "required_items": "required answers missing",
}


class ReportRangeError(ChecklistError):
    """A report range that cannot be reported: the sentence names the field."""


@dataclass(frozen=True)
class RuleInfo:
    """What the installed policies say about a rule id."""

    severity: str
    description: str


def local_start(day: date) -> datetime:
    """Local midnight at the start of ``day`` (aware; the offset of that date, so DST is right)."""
    return datetime.combine(day, time()).astimezone()


def check_range(first_day: date, last_day: date, fields: tuple[str, str] = ("--from", "--to")) -> None:
    """Refuse a range the report cannot cover, naming the field (the command's options, or the window's
    labels)."""
    first_field, last_field = fields
    if last_day < first_day:
        raise ReportRangeError(f"{last_field}: {last_day} is before {first_field} ({first_day}); give the last day of "
                               "the range, on or after the first")
    if (last_day - first_day).days >= MAX_DAYS:
        raise ReportRangeError(f"{first_field}/{last_field}: {first_day} to {last_day} is more than 20 years; give a "
                               "shorter range")


def build_report(db: Database, first_day: date, last_day: date, *, with_patients: bool = False, site: str = "",
                 rules: dict[str, RuleInfo] | None = None, now: datetime | None = None) -> UnitReport:
    """The report for ``first_day`` to ``last_day`` (local dates, both included). ``rules``: what the policies say
    about each rule id (default: the installed policies, ``rule_catalogue()``)."""
    check_range(first_day, last_day)
    start, end = local_start(first_day), local_start(last_day + timedelta(days=1))
    return compile_report(
        first_day, last_day, reads.signed_facts(db, start, end, with_patients=with_patients),
        reads.started_times(db, start, end), reads.acknowledgements(db, start, end), names=reads.staff_names(db),
        rules=rule_catalogue() if rules is None else rules, with_patients=with_patients, site=site, now=now)


def compile_report(first_day: date, last_day: date, facts: Sequence[SignedFact], started: Sequence[datetime],
                   acks: Sequence[tuple[datetime, str]], *, names: dict[str, str], rules: dict[str, RuleInfo],
                   with_patients: bool = False, site: str = "", now: datetime | None = None) -> UnitReport:
    """The figures from what storage read for the range (``build_report``; tests give the facts directly)."""
    firsts = [f for f in facts if not f.amendment]
    minutes = {f.version_id: _minutes(f) for f in firsts}  # once: days, weeks, months and people all use them
    days = _days(first_day, last_day, zip(_local_days(f.signed_at for f in firsts), firsts, strict=True), minutes,
                 _local_days(f.signed_at for f in facts if f.amendment), _local_days(started))
    periods = {g: _periods(g, days) for g in GRANULARITIES}
    return UnitReport(
        first_day=first_day, last_day=last_day, made_at=(now or datetime.now()).astimezone(), site=site,
        periods=periods, rules=_rules(firsts, acks, rules), physicians=_physicians(firsts, names),
        proceduralists=_proceduralists(firsts, minutes), nurses=_nurses(firsts, minutes),
        timing=timing(minutes.values()),
        deferred_cases=_deferred_cases(firsts) if with_patients else None, notes=(READINESS_NOTE,))


# --- periods -------------------------------------------------------------------------------------------------

def period_start(granularity: Granularity, day: date) -> date:
    """The first day of the day, week (Monday) or month holding ``day``."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _label(granularity: Granularity, first: date) -> str:
    if granularity == "week":
        return f"week of {first.isoformat()}"
    if granularity == "month":
        return f"{first:%Y-%m}"
    return first.isoformat()


@dataclass
class _Tally:
    started: int = 0
    cleared: int = 0
    not_cleared: int = 0
    amended: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    minutes: list[float] = field(default_factory=list)


def _days(first_day: date, last_day: date, firsts: Iterable[tuple[date, SignedFact]], minutes: dict[int, float | None],
          amended: Sequence[date], started: Sequence[date]) -> dict[date, _Tally]:
    """Every day of the range (the quiet ones too: a chart with gaps would hide them) with its counts; weeks
    and months are added up from these, so each checklist is looked at once."""
    days = {first_day + timedelta(days=n): _Tally() for n in range((last_day - first_day).days + 1)}
    for day in started:
        days[day].started += 1
    for day in amended:
        days[day].amended += 1
    for day, fact in firsts:
        row = days[day]
        if fact.cleared:
            row.cleared += 1
        else:
            row.not_cleared += 1
            row.reasons.update(deferral_reasons(fact))
        taken = minutes[fact.version_id]
        if taken is not None:
            row.minutes.append(taken)
    return days


def _periods(granularity: Granularity, days: dict[date, _Tally]) -> tuple[PeriodRow, ...]:
    tallies: dict[date, _Tally] = {}
    spans: dict[date, list[date]] = {}  # the range's first and last day inside each period
    for day, counts in days.items():
        first = period_start(granularity, day)
        total = tallies.setdefault(first, _Tally())
        spans.setdefault(first, [day, day])[1] = day
        total.started += counts.started
        total.cleared += counts.cleared
        total.not_cleared += counts.not_cleared
        total.amended += counts.amended
        total.reasons.update(counts.reasons)
        total.minutes += counts.minutes
    return tuple(
        PeriodRow(label=_label(granularity, first), first_day=spans[first][0], last_day=spans[first][1],
                  started=t.started, signed_cleared=t.cleared,
                  signed_not_cleared=t.not_cleared, amended=t.amended, reasons=_most_first(t.reasons),
                  timing=timing(t.minutes))
        for first, t in tallies.items())


def _local_days(moments: Iterable[datetime]) -> list[date]:
    """Each moment's local date. ``astimezone()`` asks the C library for the offset on every call (50,000
    calls: 0.1 s), so the offset is asked once per UTC hour: zones change their offset on the hour."""
    offsets: dict[datetime, timedelta | None] = {}
    found = []
    for moment in moments:
        hour = moment.replace(minute=0, second=0, microsecond=0)
        offset = offsets.get(hour)
        if offset is None:
            offset = offsets[hour] = hour.astimezone().utcoffset()
        found.append((moment + offset).date() if offset is not None else moment.astimezone().date())
    return found


def _most_first(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def deferral_reasons(fact: SignedFact) -> list[str]:
    """The coded reasons of a NOT CLEARED signature: the rule ids of its hard stops nobody overrode."""
    open_rules = sorted({f.rule_id for f in fact.findings
                         if f.severity == "hard_stop" and f.key not in fact.overridden})
    return open_rules or [NOT_RECORDED]


# --- time to sign --------------------------------------------------------------------------------------------

def _minutes(fact: SignedFact) -> float | None:
    """Minutes from the first answer to the signature; None when the trail has no first answer (or a clock
    put it after the signature)."""
    if fact.first_answer_at is None or fact.first_answer_at > fact.signed_at:
        return None
    return (fact.signed_at - fact.first_answer_at).total_seconds() / 60


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile with linear interpolation between the closest ranks (the spreadsheet's
    PERCENTILE.INC, so a manager's own check agrees): of 10, 20, 30, 40 the median is 25 and the 90th
    percentile 37."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def timing(minutes: Iterable[float | None]) -> Timing:
    """Median and 90th percentile of the known durations."""
    known = [m for m in minutes if m is not None]
    if not known:
        return Timing()
    return Timing(count=len(known), median_minutes=percentile(known, 0.5), p90_minutes=percentile(known, 0.9))


# --- rules and people ----------------------------------------------------------------------------------------

def rule_of_key(key: str) -> str:
    """The rule id in a finding key (``LAB-01-inr:inr@1a2b3c4d`` -> ``LAB-01-inr``; ``domain.findings``)."""
    return key.split("@", 1)[0].split(":", 1)[0]


def _rules(firsts: Sequence[SignedFact], acks: Sequence[tuple[datetime, str]],
           catalogue: dict[str, RuleInfo]) -> tuple[RuleRow, ...]:
    checklists: Counter[str] = Counter()
    overridden: Counter[str] = Counter()
    deferred: Counter[str] = Counter()
    severity: dict[str, str] = {}
    for fact in firsts:
        by_rule: dict[str, list[Any]] = defaultdict(list)
        for finding in fact.findings:
            by_rule[finding.rule_id].append(finding)
        for rule_id, findings in by_rule.items():
            checklists[rule_id] += 1
            stops = [f for f in findings if f.severity == "hard_stop"]
            severity[rule_id] = "hard_stop" if stops or severity.get(rule_id) == "hard_stop" else "warning"
            if not stops:
                continue
            if all(f.key in fact.overridden for f in stops):
                overridden[rule_id] += 1
            elif not fact.cleared:
                deferred[rule_id] += 1
    acknowledged = Counter(rule_of_key(key) for _, key in acks)
    rows = []
    for rule_id in set(checklists) | set(acknowledged):
        info = catalogue.get(rule_id)
        rows.append(RuleRow(
            rule_id=rule_id, description=info.description if info else "",
            severity=severity.get(rule_id) or (info.severity if info else "warning"),
            checklists=checklists[rule_id], overridden=overridden[rule_id], deferred=deferred[rule_id],
            acknowledgements=acknowledged[rule_id]))
    return tuple(sorted(rows, key=lambda r: (r.severity != "hard_stop", -r.checklists, -r.acknowledgements, r.rule_id)))


def _physicians(firsts: Sequence[SignedFact], names: dict[str, str]) -> tuple[PhysicianRow, ...]:
    overrides: Counter[str] = Counter()
    checklists: dict[str, set[str]] = defaultdict(set)
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    for fact in firsts:
        for key, physician in fact.overrides:
            if key in fact.overridden and physician:  # only overrides that counted in the signed evaluation
                overrides[physician] += 1
                checklists[physician].add(fact.record_id)
                rules[physician][rule_of_key(key)] += 1
    total = sum(overrides.values())
    rows = [PhysicianRow(staff_id=pid, name=names.get(pid, pid), overrides=count, checklists=len(checklists[pid]),
                         share=count / total, top_rules=_most_first(rules[pid]))
            for pid, count in overrides.items()]
    return tuple(sorted(rows, key=lambda r: (-r.overrides, r.staff_id)))


def _group_by(facts: Iterable[SignedFact], key: Callable[[SignedFact], str]) -> dict[str, list[SignedFact]]:
    groups: dict[str, list[SignedFact]] = defaultdict(list)
    for fact in facts:
        groups[key(fact)].append(fact)
    return groups


def _proceduralists(firsts: Sequence[SignedFact], minutes: dict[int, float | None]) -> tuple[ProceduralistRow, ...]:
    rows = []
    for name, facts in _group_by(firsts, lambda f: f.proceduralist or NOT_RECORDED).items():
        stopped = [f for f in facts if any(x.severity == "hard_stop" for x in f.findings)]
        rows.append(ProceduralistRow(
            proceduralist=name, checklists=len(facts), with_hard_stop=len(stopped),
            overridden=sum(1 for f in stopped if f.cleared), deferred=sum(1 for f in facts if not f.cleared),
            timing=timing(minutes[f.version_id] for f in facts)))
    return tuple(sorted(rows, key=lambda r: (-r.checklists, r.proceduralist)))


def _nurses(firsts: Sequence[SignedFact], minutes: dict[int, float | None]) -> tuple[NurseRow, ...]:
    rows = []
    for staff_id, facts in _group_by((f for f in firsts if f.signer_role == "nurse"), lambda f: f.signer_id).items():
        rows.append(NurseRow(staff_id=staff_id, name=facts[-1].signer_name, checklists=len(facts),
                             signed_not_cleared=sum(1 for f in facts if not f.cleared),
                             timing=timing(minutes[f.version_id] for f in facts)))
    return tuple(sorted(rows, key=lambda r: (-r.checklists, r.staff_id)))


def _deferred_cases(firsts: Sequence[SignedFact]) -> tuple[DeferredCase, ...]:
    cases = []
    for fact in firsts:
        if fact.cleared:
            continue
        name, mrn, scheduled = fact.patient or ("", "", "")
        cases.append(DeferredCase(signed_at=fact.signed_at.astimezone(), record_id=fact.record_id, patient_name=name,
                                  mrn=mrn, scheduled_start=scheduled, proceduralist=fact.proceduralist,
                                  reasons=tuple(deferral_reasons(fact))))
    return tuple(cases)


# --- what the policies say -----------------------------------------------------------------------------------

def rule_catalogue(first_policy: str | None = None) -> dict[str, RuleInfo]:
    """Each rule id of the installed policies with its severity and a short description (the site's default
    policy, ``first_policy``, wins where two policies share an id). A policy file that cannot be read is
    left out: the report still counts its rules, by id."""
    from checklist_app.domain.errors import DefinitionError
    from checklist_app.rules import load_form, load_policy_for
    from checklist_app.rules.installed import installed_ids

    form = load_form()
    ids = installed_ids()
    if first_policy in ids:
        ids.remove(first_policy)
        ids.insert(0, first_policy)
    catalogue: dict[str, RuleInfo] = {}
    for policy_id in ids:
        try:
            policy = load_policy_for(form, policy_id)
        except DefinitionError:  # a damaged or unfitting file: its rules are shown by id only
            continue
        for rule in policy.rules:
            if rule.id in catalogue:
                continue
            message = rule.params.get("message")
            item = rule.params.get("item")
            if isinstance(message, str) and message:
                description = message
            else:
                label = form.item(item).label.split(" (")[0] if isinstance(item, str) and form.has_item(item) else ""
                words = CHECK_WORDS.get(rule.check, rule.check.replace("_", " "))
                description = f"{label}: {words}" if label else words.capitalize()
            catalogue[rule.id] = RuleInfo(severity=rule.severity, description=description)
    return catalogue
