"""What a scheduled case still lacks by the site's readiness deadline, worked out by the rules engine. No Qt.

The items that make a case ready are ``forms/planning.yaml``'s ``ready_requires``. One is lacking when the
form shows it and it is unanswered (or a required field of one of its entries is), when it is a dated result
that the policy finds too old for the scheduled start (the engine's ``result_age`` rule, evaluated at the
scheduled start: this module knows no threshold), or when the policy raises a hard stop on it that no
physician has overridden. A result the policy wants from the procedure day itself (``result_same_day``) is
not lacking the day before: it can only be drawn on the day.

A signed day's checklist is ready when it was signed cleared. A pre-admission plan (a record of the same form,
id ``plan-...``, signed days ahead) is rated on its answers like a draft: signing a plan does not clear the
patient. A patient with both a plan and the day's checklist for the same day is one case in the day view,
rated on the record that lacks less (what the plan settled is settled, though the day's checklist may not
have been filled in yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from checklist_app.domain.plan_ids import is_plan
from checklist_app.domain.readiness import STATE_ORDER, Readiness, readiness
from checklist_app.domain.timeutil import aware

if TYPE_CHECKING:  # pydantic models: loaded with the storage layer, after the first paint
    from checklist_app.domain.findings import Evaluation
    from checklist_app.domain.form import FormDefinition
    from checklist_app.domain.planning import PlanningScope
    from checklist_app.domain.site import SiteSettings
    from checklist_app.rules.policy import PolicyDefinition

# Rules that judge a dated result's age against the scheduled start: a result they flag is out of date.
AGE_CHECKS = frozenset({"result_age"})
# Short names for the worklist's column, where the form's label is a whole sentence.
SHORT_NAMES = {"escort_present": "Escort", "imaging_modality": "Imaging", "imaging_date": "Imaging date",
               "creatinine": "Creatinine"}


@dataclass(frozen=True)
class ReadinessRules:
    """What makes a case ready and by when: the planning scope's items and the site's deadline."""

    requires: tuple[str, ...]
    business_days_before: int
    clock: str


def rules_for(site: SiteSettings, form: FormDefinition, path: Path | None = None) -> ReadinessRules:
    """The readiness rules of this site for ``form`` (``path``: the planning scope, default the shipped one).
    PlanningScopeError when the file is malformed or names items the form lacks."""
    from checklist_app import resources
    from checklist_app.domain.planning import load_planning_scope

    scope_path = path or resources.form_path("planning.yaml")
    scope: PlanningScope = load_planning_scope(scope_path)
    scope.check_against({item.id for item in form.iter_items()}, scope_path)
    setting = site.readiness_deadline
    requires = scope.ready_requires if scope.form == form.id else ()
    return ReadinessRules(requires, setting.business_days_before, setting.time)


def short_name(form: FormDefinition, item_id: str) -> str:
    """The item's name in a column: its short name, else the form's label."""
    return SHORT_NAMES.get(item_id) or form.item(item_id).label


def lacking(form: FormDefinition, policy: PolicyDefinition, answers: dict[str, Any], evaluation: Evaluation,
            requires: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(short names, one line of detail each) of the required items this evaluation finds lacking."""
    checks = {rule.id: rule.check for rule in policy.rules}
    incomplete = {path.split("[", 1)[0] for path in evaluation.missing_required}
    names: list[str] = []
    details: list[str] = []
    for item_id in requires:
        if item_id not in evaluation.visible_items:
            continue
        name = short_name(form, item_id)
        if answers.get(item_id) is None:
            names.append(name)
            details.append(f"{form.item(item_id).label}: not recorded.")
            continue
        if item_id in incomplete:
            names.append(f"{name} (incomplete)")
            details.append(f"{form.item(item_id).label}: an entry is not complete.")
            continue
        findings = [f for f in evaluation.findings if f.item_id == item_id]
        stops = [f for f in findings if f.is_hard_stop and f.key not in evaluation.overridden]
        old = [f for f in findings if checks.get(f.rule_id) in AGE_CHECKS]
        if stops:
            names.append(f"{name} (hard stop)")
            details += [f"{f.message} {f.action}" for f in stops]
        elif old:
            names.append(f"{name} (out of date)")
            details += [f"{f.message} {f.action}" for f in old]
    return tuple(names), tuple(details)


def case_readiness(form: FormDefinition, policy: PolicyDefinition, answers: dict[str, Any], rules: ReadinessRules,
                   now: datetime, *, acknowledged: frozenset[str] = frozenset(),
                   overridden: frozenset[str] = frozenset(), evaluation: Evaluation | None = None) -> Readiness:
    """A case's readiness at ``now``: its answers evaluated at the scheduled start, against the deadline.

    ``evaluation``: the caller's evaluation of these same answers, overrides and policy, made at any moment
    (the worklist's, for the row's status). The engine reads its clock only where there is no scheduled start
    (a lab's day, an age), and a case without a start is never evaluated here, so any evaluation of a case
    with a start is its evaluation at the start; a test keeps that true for every shipped example."""
    from checklist_app.rules import evaluate_answers

    start = scheduled_start(answers)
    if start is None:
        return readiness(None, rules.business_days_before, rules.clock, now)
    if evaluation is None:
        evaluation = evaluate_answers(form, answers, policy, start, acknowledged=acknowledged, overridden=overridden)
    names, details = lacking(form, policy, answers, evaluation, rules.requires)
    return readiness(start, rules.business_days_before, rules.clock, now, missing=names, details=details)


def plan_readiness(form: FormDefinition, policy: PolicyDefinition, version_sha256: str, record: dict[str, Any],
                   rules: ReadinessRules, now: datetime) -> Readiness:
    """A signed plan's readiness, from its record's JSON (answers as saved, and the overrides it holds).

    A signed version never changes: what it lacks is worked out once per version (by its SHA-256, which names
    its content whatever database it came from), form, policy and rules, and only the clock is applied again
    (the worklist asks on every refresh)."""
    key = (version_sha256, form.id, form.version, policy.id, policy.content_sha256, rules)
    known = _PLANS_RATED.get(key)
    if known is None:
        from checklist_app.workflows.answer_codec import answers_from_json

        answers, _dropped = answers_from_json(form, record.get("answers") or {})  # a dropped answer is lacking
        overridden = frozenset(str(o.get("finding_key")) for o in record.get("overrides") or ()
                               if isinstance(o, dict))
        known = case_readiness(form, policy, answers, rules, now, overridden=overridden)
        while len(_PLANS_RATED) >= PLANS_KEPT:
            del _PLANS_RATED[next(iter(_PLANS_RATED))]
        _PLANS_RATED[key] = known
    return known.at(now)


PLANS_KEPT = 2000  # signed plans whose readiness is remembered (the worklist lists at most 500 signed)
_PLANS_RATED: dict[tuple[Any, ...], Readiness] = {}


def signed_readiness(scheduled: datetime | None, cleared: bool, rules: ReadinessRules, now: datetime) -> Readiness:
    """A signed checklist's: ready when it was signed cleared, otherwise not (it was signed NOT CLEARED)."""
    lacks = () if cleared else ("signed NOT CLEARED",)
    why = () if cleared else ("The checklist was signed NOT CLEARED: a hard stop stands.",)
    return readiness(scheduled, rules.business_days_before, rules.clock, now, missing=lacks, details=why)


class Case(Protocol):
    """A worklist row as far as the day view needs it."""

    @property
    def record_id(self) -> str: ...  # noqa: D102

    @property
    def mrn(self) -> str: ...  # noqa: D102

    @property
    def scheduled(self) -> datetime | None: ...  # noqa: D102

    @property
    def readiness(self) -> Readiness | None: ...  # noqa: D102

    @property
    def patient(self) -> str: ...  # noqa: D102


C = TypeVar("C", bound=Case)


def cases_on(rows: Iterable[C], day: date, tz: tzinfo | None = None) -> list[C]:
    """The cases scheduled on ``day`` (in ``tz``, default the workstation's zone), those at risk first
    (deadline passed, then not ready), each group by scheduled time. Rows without a readiness (not rated) are
    left out. A plan and a day's checklist of the same MRN are one case, shown by the one lacking less (the
    day's checklist when they lack as much); of several plans of one MRN, the one lacking least."""
    found = [row for row in rows if row.scheduled is not None and row.readiness is not None
             and row.scheduled.astimezone(tz).date() == day]
    cases = [row for row in found if not is_plan(row.record_id)]
    plans: dict[str, C] = {}
    for row in found:
        key = _mrn_key(row)
        if is_plan(row.record_id) and (key not in plans or _lacking(row) < _lacking(plans[key])):
            plans[key] = row
    for key, plan in plans.items():
        same = [n for n, row in enumerate(cases) if _mrn_key(row) == key]
        if not same:
            cases.append(plan)
            continue
        best = min(same, key=lambda n: _lacking(cases[n]))
        if _lacking(plan) < _lacking(cases[best]):
            cases[best] = plan
    return sorted(cases, key=lambda r: (STATE_ORDER[r.readiness.state], r.scheduled, r.patient))  # type: ignore[union-attr]


def _mrn_key(row: Case) -> str:
    return "".join(row.mrn.lower().split()) or f"record:{row.record_id}"


def _lacking(row: Case) -> int:
    return len(row.readiness.missing)  # type: ignore[union-attr]


def scheduled_start(answers: dict[str, Any]) -> datetime | None:
    """The decoded answers' scheduled start, made time-zone aware; None when not answered."""
    value = answers.get("scheduled_start")
    return aware(value) if isinstance(value, datetime) else None
