"""Fasting intervals, counted back from the scheduled start.

Exact at the boundary: a clear liquid 2 h 00 min before the start meets a 2 h minimum; 1 h 59 min
does not. "none" (nothing since before midnight) counts from midnight on the start's day, so it meets
an 8 h minimum only for a start at 08:00 or later; earlier, the nurse is asked for the actual time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from pydantic import Field

from checklist_app.domain import conventions
from checklist_app.domain.findings import Finding
from checklist_app.domain.timeutil import aware, format_hours
from checklist_app.rules.context import Context
from checklist_app.rules.policy import Rule
from checklist_app.rules.registry import Params, check


class FastingParams(Params):
    """The intake-time item and the minimum interval before the start."""

    item: str
    min_hours: float = Field(gt=0)
    action: str = Field(min_length=3)


def _when(moment: datetime, start: datetime) -> str:
    moment, start = aware(moment), aware(start)
    return conventions.format_time(moment) if moment.date() == start.date() else conventions.format_datetime(moment)


@check("fasting_interval", FastingParams)
def fasting_interval(ctx: Context, rule: Rule, params: FastingParams) -> Iterator[Finding]:
    """Flag intake closer to the start than the policy's minimum."""
    taken, start = ctx.value(params.item), ctx.start
    if start is None or not (isinstance(taken, datetime) or taken == "none"):
        return
    required = timedelta(hours=params.min_hours)
    if taken == "none":  # "nothing since before midnight": the latest it can have been is midnight
        midnight = aware(start).replace(hour=0, minute=0, second=0, microsecond=0)
        if aware(start) - midnight >= required:
            return
        label = ctx.item(params.item).label.split(" (")[0]
        since = format_hours((aware(start) - midnight).total_seconds() / 3600)
        yield ctx.finding(
            rule, params.item,
            f"{label}: \"none since before midnight\" is only {since} before the {_when(start, start)} start; "
            f"this policy needs at least {format_hours(params.min_hours)}.",
            f"Ask the patient when it was and enter that time. {params.action}",
        )
        return
    gap = aware(start) - aware(taken)
    if gap >= required:
        return
    earliest = aware(taken) + required
    label = ctx.item(params.item).label.split(" (")[0]
    yield ctx.finding(
        rule, params.item,
        f"{label} at {_when(taken, start)} is {format_hours(gap.total_seconds() / 3600)} before the "
        f"{_when(start, start)} start; this policy needs at least {format_hours(params.min_hours)}.",
        f"Do not start before {_when(earliest, start)}. {params.action}",
    )


class OverfastParams(Params):
    """The clear-liquid time item, and how long before the start counts as fasting longer than needed."""

    item: str
    advise_after_hours: float = Field(gt=0, le=48)


def _shortest_fast(ctx: Context, item: str) -> float | None:
    """The policy's own minimum for this intake (its fasting_interval rule), for the clock time to advise."""
    hours = [rule.parsed.min_hours for rule in ctx.policy.rules
             if rule.check == "fasting_interval" and rule.parsed.item == item]
    return max(hours) if hours else None


@check("fasting_too_long", OverfastParams)
def fasting_too_long(ctx: Context, rule: Rule, params: OverfastParams) -> Iterator[Finding]:
    """Advise (never stop) when the last clear liquid was longer before the start than the policy's limit: the
    patient is thirsty and dry for no benefit, usually because "nothing after midnight" was said instead of a
    clock time. "None since before midnight" counts from midnight, the latest it can have been."""
    taken, start = ctx.value(params.item), ctx.start
    if start is None or not (isinstance(taken, datetime) or taken == "none"):
        return
    start = aware(start)
    last = start.replace(hour=0, minute=0, second=0, microsecond=0) if taken == "none" else aware(taken)
    gap = start - last
    if gap <= timedelta(hours=params.advise_after_hours):
        return
    label = ctx.item(params.item).label.split(" (")[0]
    since = format_hours(gap.total_seconds() / 3600)
    when = f"none since before midnight, at least {since}" if taken == "none" else f"at {_when(last, start)}, {since}"
    minimum = _shortest_fast(ctx, params.item)
    if minimum is None:
        action = "Give patients a clock time for clear liquids, not \"nothing after midnight\"."
    else:
        until = _when(start - timedelta(hours=minimum), start)
        action = (f"Clear liquids are allowed until {format_hours(minimum)} before the start ({until}): if the start "
                  "allows, ask the anesthesiologist whether the patient may drink now. Give patients a clock time "
                  f"(\"clear liquids are fine until {until}\"), not \"nothing after midnight\".")
    yield ctx.finding(rule, params.item, f"{label}: {when} before the {_when(start, start)} start; longer than the "
                      f"{format_hours(params.advise_after_hours)} this policy advises.", action)
