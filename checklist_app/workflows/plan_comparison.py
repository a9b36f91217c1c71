"""On the day: the day's checklist against the signed pre-admission plan for the same patient and day. No Qt.

Each difference is a warning naming the plan, beside the policy's own findings (which still decide whether
a hold is long enough): a dose taken later than the plan's last dose, a medicine the plan does not list, a
blood test the plan said to have drawn by a date that is still missing or too old. A warning is acknowledged
like any other (who was told), and is signed with the evaluation.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from checklist_app.domain import conventions
from checklist_app.domain.findings import Evaluation, Finding, finding_key
from checklist_app.domain.items import RepeatItem
from checklist_app.domain.plan_calendar import Calendar
from checklist_app.domain.plan_ids import is_plan
from checklist_app.domain.signed import SignedVersion
from checklist_app.domain.timeutil import aware
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.workflows.plan_calendar import CalendarError
from checklist_app.workflows.plan_records import (
    find_signed_plan,
    plan_answers,
    plan_calendar,
    signed_local,
    signer_text,
)
from checklist_app.workflows.session import Session

SOURCE_ID = "PLAN"
LATER_DOSE, NEW_MEDICINE, LAB_MISSING = "PLAN-01-later-dose", "PLAN-02-new-medicine", "PLAN-03-lab-missing"


def when(moment: datetime) -> str:
    """'Tue 12/08/2026 8:00 PM' in the site's conventions."""
    moment = aware(moment)
    return f"{conventions.format_weekday_date(moment.date())} {conventions.format_time(moment)}"


def plan_name(version: SignedVersion) -> str:
    """'plan signed Thu 12/03/2026 by J. Smith, RN'."""
    return f"plan signed {conventions.format_weekday_date(signed_local(version).date())} by {signer_text(version)}"


def compare(session: Session, policy: PolicyDefinition, plan: SignedVersion, answers: dict[str, Any]) -> list[Finding]:
    """The differences between the day's answers and the signed plan, as warnings naming the plan."""
    signed = _signed_plan(session, plan)
    if signed is None:
        return []
    planned, planned_answers = signed
    citation = f"Pre-admission plan {plan.record_id}, version {plan.version_no}, {plan_name(plan)}"
    out = _doses(planned, answers, plan, citation)
    out += _new_medicines(session, planned_answers, answers, plan, citation)
    out += _labs(policy, planned, answers, plan, citation)
    return out


# A signed plan never changes: its calendar and answers are worked out once per version (the day's checklist
# compares on every keystroke).
_SIGNED: dict[str, tuple[Calendar, dict[str, Any]] | None] = {}  # by the version's SHA-256
_SIGNED_KEPT = 32


def _signed_plan(session: Session, plan: SignedVersion) -> tuple[Calendar, dict[str, Any]] | None:
    if plan.sha256 not in _SIGNED:
        while len(_SIGNED) >= _SIGNED_KEPT:
            del _SIGNED[next(iter(_SIGNED))]
        try:
            calendar = plan_calendar(plan, session.form, session.policy(plan.policy_id), session.site)
            _SIGNED[plan.sha256] = (calendar, plan_answers(plan, session.form))
        except CalendarError:
            _SIGNED[plan.sha256] = None
    return _SIGNED[plan.sha256]


def _finding(rule_id: str, item_id: str, detail: str, message: str, action: str, citation: str) -> Finding:
    return Finding(key=finding_key(rule_id, item_id, detail, message), rule_id=rule_id, item_id=item_id,
                   severity="warning", message=message, action=action, source_id=SOURCE_ID, citation=citation)


def _doses(planned: Calendar, answers: dict[str, Any], plan: SignedVersion, citation: str) -> list[Finding]:
    out = []
    entries = [e for e in answers.get("medications") or [] if isinstance(e, dict)]
    for stop in planned.stops:
        if stop.last_dose is None:
            continue
        for n, entry in enumerate(entries):
            taken = entry.get("last_dose")
            if entry.get("agent") != stop.agent or not isinstance(taken, datetime):
                continue
            if aware(taken) > aware(stop.last_dose):
                message = (f"{stop.name}: last dose {when(taken)} is later than planned ({when(stop.last_dose)}, "
                           f"{plan_name(plan)}).")
                out.append(_finding(LATER_DOSE, "medications", f"{stop.agent}#{n + 1}", message,
                                    "Tell the proceduralist; the policy's hold for this medicine is checked "
                                    "above.", citation))
    return out


def _medicine_keys(answers: dict[str, Any]) -> set[tuple[str, str]]:
    return {(str(e.get("agent")), str(e.get("name") or "").strip().lower() if e.get("agent") == "other" else "")
            for e in answers.get("medications") or [] if isinstance(e, dict)}


def _agent_label(session: Session, agent: str) -> str:
    """'Clopidogrel': the form's word for a medicine choice (its value when the form has no such choice)."""
    form = session.form
    meds = form.item("medications") if form.has_item("medications") else None
    field = meds.field("agent") if isinstance(meds, RepeatItem) else None
    return (field.option_label(agent) if field is not None else None) or agent  # type: ignore[union-attr]


def _new_medicines(session: Session, planned: dict[str, Any], answers: dict[str, Any], plan: SignedVersion,
                   citation: str) -> list[Finding]:
    known = _medicine_keys(planned)
    out = []
    for n, entry in enumerate(e for e in answers.get("medications") or [] if isinstance(e, dict)):
        key = next(iter(_medicine_keys({"medications": [entry]})))
        if key in known:
            continue
        name = entry.get("name") or _agent_label(session, str(entry.get("agent")))
        message = f"{name}: not in the pre-admission plan ({plan_name(plan)})."
        out.append(_finding(NEW_MEDICINE, "medications", f"{key[0]}#{n + 1}", message,
                            "Ask when it was started and tell the proceduralist.", citation))
    return out


def _labs(policy: PolicyDefinition, planned: Calendar, answers: dict[str, Any], plan: SignedVersion,
          citation: str) -> list[Finding]:
    """Each blood test the plan asked for whose result on the day is missing or older than the policy's
    window (its ``result_age`` rule) before the day's scheduled start."""
    start = answers.get("scheduled_start")
    windows = {r.parsed.item: r.parsed.max_age_days for r in policy.rules if r.check == "result_age"}
    out = []
    for lab in planned.labs:
        value = answers.get(lab.item_id)
        taken = value.get("date") if isinstance(value, dict) else None
        days = windows.get(lab.item_id)
        if isinstance(taken, date) and (days is None or not isinstance(start, datetime)
                                        or (aware(start).date() - taken).days <= days):
            continue
        message = (f"{lab.label}: the plan asked for it to be drawn by {when(lab.by)}; no result recent enough "
                   f"is recorded ({plan_name(plan)}).")
        out.append(_finding(LAB_MISSING, lab.item_id, "", message, "Draw it now or ask the proceduralist.",
                            citation))
    return out


def with_plan(session: Session, record_id: str, answers: dict[str, Any], policy: PolicyDefinition,
              evaluation: Evaluation, acknowledged: set[str]) -> Evaluation:
    """``evaluation`` with the plan's findings added (none for a plan itself, or with no signed plan found);
    those the record acknowledges count as acknowledged."""
    if is_plan(record_id):
        return evaluation
    plan = find_signed_plan(session, answers)
    if plan is None:
        return evaluation
    known = {x.key for x in evaluation.findings}
    found = [f for f in compare(session, policy, plan, answers) if f.key not in known]
    if not found:
        return evaluation
    keys = {f.key for f in found}
    return evaluation.model_copy(update={"findings": evaluation.findings + tuple(found),
                                         "acknowledged": evaluation.acknowledged | (keys & acknowledged)})
