"""GLP-1 receptor agonists, under the guidance the policy selects (``glp1.approach``, rules/guidance.py).

``asa-2023``: every patient holds the drug (a daily agent not on the procedure day, a weekly one for the
weekly window); ``glp1_hold`` flags a dose inside the window. ``ms-2024``: most patients continue it, so nobody
is flagged for taking it; ``glp1_risk`` flags a patient at higher aspiration risk (dose escalation, weekly
dosing, stomach symptoms today, another cause of slow stomach emptying) until the anesthesia team has been
told and the liquid diet was kept. Stomach symptoms today are a plain ``condition`` rule under both.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from checklist_app.domain import conventions
from checklist_app.domain.findings import Finding
from checklist_app.domain.timeutil import aware, format_hours, same_day
from checklist_app.rules.context import Context
from checklist_app.rules.guidance import Glp1Guidance, Glp1RiskFactor
from checklist_app.rules.policy import Rule
from checklist_app.rules.registry import Params, check

DAILY = ("daily", "bid", "tid")  # the form's regular schedules shorter than a week; anything else counts as weekly


def _fmt(moment: datetime) -> str:
    return conventions.format_datetime(aware(moment))


def glp1_entries(ctx: Context, item: str, guidance: Glp1Guidance) -> list[tuple[int, dict[str, Any]]]:
    """(index, entry) of each GLP-1 agonist on the medication list."""
    return [(n, e) for n, e in enumerate(ctx.value(item) or []) if isinstance(e, dict) and e.get("agent") in
            guidance.agents]


def is_weekly(entry: dict[str, Any]) -> bool:
    """Weekly dosing, or a schedule not recorded as daily (then the longer window and the higher risk apply)."""
    return entry.get("frequency") not in DAILY


class Glp1HoldParams(Params):
    """The medication list, and what to tell the nurse."""

    item: str
    action: str = Field(min_length=3)


@check("glp1_hold", Glp1HoldParams)
def glp1_hold(ctx: Context, rule: Rule, params: Glp1HoldParams) -> Iterator[Finding]:
    """Under asa-2023: flag a daily GLP-1 dose on the procedure day, or a weekly dose inside the weekly window."""
    guidance, start = ctx.policy.glp1, ctx.start
    if guidance is None or guidance.approach != "asa-2023" or start is None:
        return
    weekly_hours = guidance.hold_windows.weekly_hours
    source = guidance.hold_windows.source
    for n, entry in glp1_entries(ctx, params.item, guidance):
        agent, last = entry["agent"], entry.get("last_dose")
        if not isinstance(last, datetime):
            continue
        label = ctx.item(params.item).field("agent").option_label(agent)  # type: ignore[union-attr]
        if is_weekly(entry):
            if aware(start) - aware(last) < timedelta(hours=weekly_hours):
                yield ctx.finding(rule, params.item, f"{label}: last dose {_fmt(last)}, within "
                                  f"{format_hours(weekly_hours)} of the start.", params.action,
                                  detail=f"{agent}#{n + 1}", source=source, source_detail="weekly")
        elif same_day(last, start):
            yield ctx.finding(rule, params.item, f"{label}: a dose was taken on the day of the procedure "
                              f"({_fmt(last)}).", params.action, detail=f"{agent}#{n + 1}", source=source,
                              source_detail="daily")


class Glp1RiskParams(Params):
    """The items that tell the risk, and the ones that say what was done about it."""

    item: str
    escalation_item: str
    symptoms_item: str
    delayed_emptying_item: str
    liquid_diet_item: str
    liquid_diet_followed: str = Field(min_length=1)  # the option of liquid_diet_item that means "kept to it"
    anesthesia_item: str


_REASONS: dict[Glp1RiskFactor, str] = {
    "dose_escalation": "dose still being increased",
    "weekly_dosing": "weekly dosing",
    "gi_symptoms": "stomach symptoms today",
    "delayed_gastric_emptying": "another cause of slow stomach emptying",
}


def higher_risk_reasons(ctx: Context, params: Glp1RiskParams, guidance: Glp1Guidance) -> list[str]:
    """Why this patient counts as higher risk under the risk-based guidance (empty: not higher risk).
    Only the factors the policy lists count."""
    entries = glp1_entries(ctx, params.item, guidance)
    if not entries:
        return []
    present: dict[Glp1RiskFactor, bool] = {
        "dose_escalation": ctx.value(params.escalation_item) is True,
        "weekly_dosing": any(is_weekly(e) for _, e in entries),
        "gi_symptoms": ctx.value(params.symptoms_item) is True,
        "delayed_gastric_emptying": ctx.value(params.delayed_emptying_item) is True,
    }
    return [_REASONS[f] for f in guidance.risk_based.higher_risk_when if present[f]]


@check("glp1_risk", Glp1RiskParams)
def glp1_risk(ctx: Context, rule: Rule, params: Glp1RiskParams) -> Iterator[Finding]:
    """Under ms-2024: a higher-risk patient whose anesthesia team has not been told, or who did not keep to the
    liquid diet, gets one warning naming the reasons and what is still to do. Nobody is told to stop the drug."""
    guidance = ctx.policy.glp1
    if guidance is None or guidance.approach != "ms-2024":
        return
    reasons = higher_risk_reasons(ctx, params, guidance)
    if not reasons:
        return
    hours = f"{guidance.risk_based.liquid_diet_hours:g} hours"
    diet, told = ctx.value(params.liquid_diet_item), ctx.value(params.anesthesia_item)
    open_points, actions = [], []
    if told is not True:
        open_points.append("the anesthesia team has not been told")
        actions.append("Tell the anesthesiologist (a gastric ultrasound before sedation is an option).")
    if diet != params.liquid_diet_followed:
        said = ctx.item(params.liquid_diet_item).option_label(diet).lower() if diet else "not recorded"  # type: ignore[union-attr]
        open_points.append(f"liquid-only diet for the {hours} before the procedure: {said}")
        actions.append(f"Higher-risk patients keep to a liquid-only diet for {hours} before; tell the "
                       "anesthesiologist, who decides whether to go ahead.")
    if not open_points:
        return
    names = sorted({ctx.item(params.item).field("agent").option_label(e["agent"])  # type: ignore[union-attr]
                    for _, e in glp1_entries(ctx, params.item, guidance)})
    yield ctx.finding(rule, params.liquid_diet_item if told is True else params.anesthesia_item,
                      f"{', '.join(names)}: higher aspiration risk ({'; '.join(reasons)}); "
                      f"{'; '.join(open_points)}.", " ".join(actions), source=guidance.risk_based.source,
                      source_detail="higher-risk")
