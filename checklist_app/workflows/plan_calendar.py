"""The patient's calendar from a pre-admission plan: when to take the last dose of each medicine to hold and
when to start again, fasting by the clock, blood tests to have drawn by a date, whom to call. No Qt, no clock.

Every number comes from data:
- each medicine's hold from the policy's table (``medicines``: the row CrCl picks, and the dosing frequency
  turned into hours exactly as the day's ``medicine_holds`` check counts it); when a row gives a range
  (``warn_doses``/``warn_hours``), the calendar plans for its long end, so the day has nothing to ask about it;
- its restart from ``restart_hours`` / ``restart_next_day``, counted from the planned end (the start plus the
  site's ``procedure_minutes``) and rounded up to the half hour, as the discharge sheet does;
- GLP-1 agonists from the policy's ``glp1`` guidance: under asa-2023 held for its windows; under ms-2024 kept
  (nobody is told to stop), with a liquid diet for a patient at higher risk, judged as the day's
  ``glp1_risk`` check judges it;
- fasting from the ``fasting_interval`` rules (the shortest interval is for clear liquids, the longest for all
  food), rounded down to the half hour;
- the blood tests from the ``result_age`` rules, to be drawn by the site's readiness deadline.

The last dose is on the patient's own schedule: counted on from the dose they last took, in steps of the
dosing interval, the latest that is still the policy's hours before the start. A medicine taken on no
regular schedule gets a moment after which no dose may be taken.

Hours are real elapsed hours (a 72 h hold is 72 h even across a change to or from daylight saving time);
every moment is then read on the workstation's local clock, which is the clock on the patient's wall.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta
from typing import Any

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import RepeatItem
from checklist_app.domain.plan_calendar import Calendar, Fasting, LabDraw, MedicineStop
from checklist_app.domain.readiness import deadline_for
from checklist_app.domain.site import SiteSettings
from checklist_app.domain.timeutil import aware
from checklist_app.pdf.discharge_times import round_up_half_hour
from checklist_app.rules.checks.medicines import DOSE_INTERVAL_HOURS, _choose_row, _row_hours
from checklist_app.rules.context import Context
from checklist_app.rules.policy import Medicine, PolicyDefinition

HALF_HOUR = timedelta(minutes=30)


class CalendarError(ChecklistError):
    """The plan lacks what the calendar is counted from (the scheduled start)."""


def local(moment: datetime) -> datetime:
    """``moment`` on the local wall clock. Aware arithmetic keeps the offset it started from, so a time
    counted back across a daylight-saving change would otherwise read an hour off the patient's clock."""
    return aware(moment).astimezone()


def round_down_half_hour(moment: datetime) -> datetime:
    """The half hour at or before ``moment``: a fasting time is never later than the policy allows."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour + ((moment - hour) // HALF_HOUR) * HALF_HOUR


def build_calendar(form: FormDefinition, policy: PolicyDefinition, site: SiteSettings, answers: dict[str, Any],
                   now: datetime) -> Calendar:
    """The calendar for a plan's answers; CalendarError when the scheduled start is not recorded."""
    ctx = Context.build(form, policy, answers, now)
    start = ctx.start
    if start is None:
        raise CalendarError("Scheduled start: not recorded. The calendar counts every time back from it; "
                            "enter the date and time of the procedure.")
    start = local(start)
    end = local(start + timedelta(minutes=site.discharge_defaults.procedure_minutes))
    # The deadline's clock time is in the local zone on its own day, not at the start's offset.
    ready_by = deadline_for(start, site.readiness_deadline.business_days_before, site.readiness_deadline.time)
    medicines = tuple(_medicines(ctx, policy, start, end))
    return Calendar(
        patient_name=str(ctx.value("patient_name") or "") if form.has_item("patient_name") else "",
        procedure=str(ctx.value("procedure_type") or "") if form.has_item("procedure_type") else "",
        start=start, procedure_end=end, medicines=medicines,
        fasting=_fasting(ctx, policy, start),
        labs=tuple(_labs(ctx, policy, start, ready_by)), ready_by=ready_by,
        sedation=_sedation(ctx),
        facility_name=site.facility_name, clinic_phone=site.clinic_phone,
        after_hours_phone=site.after_hours_phone, emergency_number=site.emergency_number,
        arrive_at=local(start - timedelta(minutes=site.arrival_minutes_before)) if site.arrival_minutes_before
        else None,
    )


def _sedation(ctx: Context) -> bool:
    if not ctx.form.has_item("sedation_type"):
        return True
    return ctx.value("sedation_type") not in ("local_only",)


def _entries(ctx: Context) -> tuple[RepeatItem | None, list[dict[str, Any]]]:
    if not ctx.form.has_item("medications"):
        return None, []
    item = ctx.form.item("medications")
    entries = [e for e in ctx.value("medications") or [] if isinstance(e, dict)]
    return (item if isinstance(item, RepeatItem) else None), entries


def _name(item: RepeatItem | None, entry: dict[str, Any], medicine: Medicine | None) -> str:
    """The policy's name, with the label's name when the entry gives one ('NSAID (ibuprofen)'); for Other,
    the label's name alone."""
    if entry.get("agent") == "other" and entry.get("name"):
        return str(entry["name"])
    if medicine is not None:
        return f"{medicine.name} ({entry['name']})" if entry.get("name") else medicine.name
    agent = item.field("agent") if item is not None else None
    label = agent.option_label(entry.get("agent")) if agent is not None else None  # type: ignore[union-attr]
    return str(label or entry.get("agent") or "")


def _medicines(ctx: Context, policy: PolicyDefinition, start: datetime, end: datetime) -> list[MedicineStop]:
    item, entries = _entries(ctx)
    glp1 = _glp1_guidance(policy)
    crcl = ctx.number("crcl") if ctx.form.has_item("crcl") else None
    out = []
    for entry in entries:
        agent = str(entry.get("agent") or "")
        medicine = policy.medicines.get(agent)
        if medicine is not None and hasattr(medicine, "for_entry"):
            medicine = medicine.for_entry(entry)[0]  # the variant the entry records (dose intensity, reason)
        name, dose = _name(item, entry, medicine), str(entry.get("dose") or "")
        if glp1 is not None and agent in glp1.agents:
            out.append(_glp1(ctx, agent, name, dose, entry, start, glp1))
        elif medicine is not None and medicine.action == "hold":
            row, _ = _choose_row(medicine, crcl)
            hours = max(h for h in (_row_hours(row, entry.get("frequency"))[0],
                                    _row_hours(row, entry.get("frequency"), warn=True)[0]) if h is not None)
            out.append(_stop(agent, name, dose, entry, local(start - timedelta(hours=hours)), hours, medicine, end,
                             strictly_before=False))
        elif medicine is not None and medicine.action == "continue":
            out.append(MedicineStop(agent, name, dose, "keep", source_id=medicine.source))
        elif medicine is not None:
            out.append(MedicineStop(agent, name, dose, "ask", source_id=medicine.source))
        else:
            out.append(MedicineStop(agent, name, dose, "keep"))
    return out


def _glp1_guidance(policy: PolicyDefinition) -> Any:
    """The policy's GLP-1 guidance (``glp1``: asa-2023 hold windows or the ms-2024 risk-based approach)."""
    return getattr(policy, "glp1", None)


def glp1_higher_risk(ctx: Context, policy: PolicyDefinition) -> list[str]:
    """Under ms-2024, why this patient counts as higher aspiration risk (empty: not higher risk, or asa-2023),
    as the day's ``glp1_risk`` check judges it, with that rule's items."""
    guidance = _glp1_guidance(policy)
    if guidance is None or guidance.approach != "ms-2024":
        return []
    from checklist_app.rules.checks.glp1 import higher_risk_reasons

    rule = next((r for r in policy.rules if r.check == "glp1_risk"), None)
    return higher_risk_reasons(ctx, rule.parsed, guidance) if rule is not None else []


def _glp1(ctx: Context, agent: str, name: str, dose: str, entry: dict[str, Any], start: datetime,
          guidance: Any) -> MedicineStop:
    """Under asa-2023 the drug is held: a daily dose not on the procedure day, a weekly one (or one of unknown
    frequency) the policy's weekly hours before the start. Under ms-2024 it is kept (nobody is told to stop);
    a higher-risk patient gets the liquid diet instead (``_fasting``)."""
    if guidance.approach == "ms-2024":
        return MedicineStop(agent, name, dose, "keep", source_id=guidance.risk_based.source)
    source = guidance.hold_windows.source
    if entry.get("frequency") in ("daily", "bid", "tid"):
        midnight = local(datetime.combine(start.date(), time()))
        return _stop(agent, name, dose, entry, midnight, None, None, None, strictly_before=True, source=source)
    hours = guidance.hold_windows.weekly_hours
    return _stop(agent, name, dose, entry, local(start - timedelta(hours=hours)), hours, None, None,
                 strictly_before=False, source=source)


def _stop(agent: str, name: str, dose: str, entry: dict[str, Any], latest: datetime, hours: float | None,
          medicine: Medicine | None, end: datetime | None, *, strictly_before: bool, source: str = "") -> MedicineStop:
    """The last dose at or before ``latest`` (before it, when ``strictly_before``) on the patient's schedule."""
    interval = DOSE_INTERVAL_HOURS.get(entry.get("frequency"))
    taken = entry.get("last_dose")
    restart_at = restart_day = None
    if medicine is not None and end is not None:
        if medicine.restart_hours is not None:
            restart_at = round_up_half_hour(local(end + timedelta(hours=medicine.restart_hours)))
        elif medicine.restart_next_day:
            restart_day = end.date() + timedelta(days=1)
    common = {"source_id": source or (medicine.source if medicine else ""), "hold_hours": hours,
              "restart_at": restart_at, "restart_day": restart_day,
              "anticoagulant": medicine is not None and medicine.drug_class == "anticoagulant"}
    if interval is None or not isinstance(taken, datetime):
        deadline = local(latest - timedelta(minutes=1)) if strictly_before else latest
        return MedicineStop(agent, name, dose, "stop", last_dose=deadline, deadline_only=True, **common)
    taken, step = local(taken), timedelta(hours=interval)
    if taken > latest or (strictly_before and taken == latest):
        return MedicineStop(agent, name, dose, "stop", last_dose=taken, already_taken=True, too_late=True,
                            first_skipped=local(taken + step), **common)
    steps = math.floor((latest - taken) / step)
    last = taken + steps * step
    if strictly_before and last == latest:
        last -= step
    last = local(max(last, taken))
    return MedicineStop(agent, name, dose, "stop", last_dose=last, already_taken=last == taken,
                        first_skipped=local(last + step), **common)


def _fasting(ctx: Context, policy: PolicyDefinition, start: datetime) -> Fasting | None:
    """From the policy's fasting rules whose item the form asks for this patient (sedation planned)."""
    hours = [rule.parsed.min_hours for rule in policy.rules
             if rule.check == "fasting_interval" and rule.parsed.item in ctx.visible]
    if not hours:
        return None
    food, clear = max(hours), min(hours)
    liquid_from = None
    if glp1_higher_risk(ctx, policy):
        diet = _glp1_guidance(policy).risk_based.liquid_diet_hours
        liquid_from = round_down_half_hour(local(start - timedelta(hours=diet)))
    return Fasting(food_until=round_down_half_hour(local(start - timedelta(hours=food))),
                   clear_until=round_down_half_hour(local(start - timedelta(hours=clear))),
                   liquid_diet_from=liquid_from)


def _labs(ctx: Context, policy: PolicyDefinition, start: datetime, ready_by: datetime) -> list[LabDraw]:
    """Each dated result the policy ages (``result_age``) that the plan does not have recent enough."""
    draws: dict[str, LabDraw] = {}
    for rule in policy.rules:
        if rule.check != "result_age" or (rule.when is not None and not rule.when.holds(ctx.resolve_condition)):
            continue
        item_id, days = rule.parsed.item, rule.parsed.max_age_days
        if item_id not in ctx.visible or item_id in draws:
            continue
        not_before = start.date() - timedelta(days=days)
        taken = ctx.taken_on(item_id)
        if taken is not None and taken >= not_before:
            continue
        opens = not_before if not_before > ctx.now.date() else None
        draws[item_id] = LabDraw(item_id, ctx.item(item_id).label, opens, ready_by)
    return list(draws.values())
