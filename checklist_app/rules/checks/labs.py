"""Checks on numbers: limits (INR, platelets, temperature, eGFR, level count), missing results, and
results too old for the procedure date.

Limits are compared in the item's canonical unit, so a creatinine typed in umol/L meets the same
threshold as one typed in mg/dL. The message shows the value as the nurse typed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pydantic import Field, model_validator

from checklist_app.domain.findings import Finding
from checklist_app.domain.items import DerivedItem, MeasurementItem, NumberItem
from checklist_app.domain.timeutil import local_date
from checklist_app.rules.context import Context
from checklist_app.rules.policy import Rule
from checklist_app.rules.registry import Params, check

# The comparison that FAILS, and how to say the requirement that passes.
_REQUIREMENT = {"above": "at most", "at_least": "below", "below": "at least", "at_most": "above"}


class LimitParams(Params):
    """Flag when the value is ``above``/``at_least``/``below``/``at_most`` the number given."""

    item: str
    above: float | None = None
    at_least: float | None = None
    below: float | None = None
    at_most: float | None = None
    action: str = Field(min_length=3)

    @model_validator(mode="after")
    def _one_comparison(self) -> LimitParams:
        given = [op for op in _REQUIREMENT if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of above, at_least, below, at_most")
        return self

    @property
    def op(self) -> str:
        """The failing comparison's name."""
        return next(op for op in _REQUIREMENT if getattr(self, op) is not None)

    @property
    def limit(self) -> float:
        """The number compared against, in the item's canonical unit."""
        return float(getattr(self, self.op))

    def fails(self, value: float) -> bool:
        """Whether ``value`` breaks the limit."""
        limit = self.limit
        return {"above": value > limit, "at_least": value >= limit,
                "below": value < limit, "at_most": value <= limit}[self.op]


def _unit(ctx: Context, item_id: str) -> str:
    item = ctx.item(item_id)
    if isinstance(item, MeasurementItem):
        return item.canonical_unit
    return item.unit if isinstance(item, NumberItem | DerivedItem) else ""


def describe_value(ctx: Context, item_id: str) -> str:
    """'Platelets 45 x10^9/L (taken 2026-11-19)': the value as typed, with its date."""
    item, value = ctx.item(item_id), ctx.value(item_id)
    if isinstance(item, MeasurementItem) and isinstance(value, dict):
        text = f"{item.label} {value['value']:g} {value['unit']}"
        if value["unit"] != item.canonical_unit:
            text += f" (= {ctx.number(item_id):g} {item.canonical_unit})"
        return text + (f", taken {value['date']}" if value.get("date") else "")
    number = ctx.number(item_id)
    unit = _unit(ctx, item_id)
    return f"{item.label} {number:g}{' ' + unit if unit else ''}"


@check("value_limit", LimitParams)
def value_limit(ctx: Context, rule: Rule, params: LimitParams) -> Iterator[Finding]:
    """Flag a number, measurement or derived value that breaks the policy's limit."""
    value = ctx.number(params.item)
    if value is None or not params.fails(value):
        return
    unit = _unit(ctx, params.item)
    requirement = f"{_REQUIREMENT[params.op]} {params.limit:g}{' ' + unit if unit else ''}"
    yield ctx.finding(rule, params.item, f"{describe_value(ctx, params.item)}: this policy requires {requirement}.",
                      params.action)


class MissingParams(Params):
    """The item whose absence is a finding (when visible and the rule's ``when`` holds)."""

    item: str
    action: str = Field(min_length=3)
    reason: str = ""


@check("value_missing", MissingParams)
def value_missing(ctx: Context, rule: Rule, params: MissingParams) -> Iterator[Finding]:
    """Flag a visible item with no value."""
    if params.item in ctx.visible and ctx.value(params.item) is None:
        reason = f" {params.reason}" if params.reason else ""
        yield ctx.finding(rule, params.item, f"No {ctx.item(params.item).label} recorded.{reason}", params.action)


class AgeParams(Params):
    """A dated result must be at most ``max_age_days`` old on the procedure date."""

    item: str
    max_age_days: int = Field(ge=0)
    action: str = Field(min_length=3)


def _procedure_day(ctx: Context) -> date:
    return local_date(ctx.start or ctx.now)


@check("result_age", AgeParams)
def result_age(ctx: Context, rule: Rule, params: AgeParams) -> Iterator[Finding]:
    """Flag a result taken more than ``max_age_days`` before the procedure date."""
    taken = ctx.taken_on(params.item)
    if taken is None:
        return
    age = (_procedure_day(ctx) - taken).days
    if age > params.max_age_days:
        yield ctx.finding(rule, params.item,
                          f"{ctx.item(params.item).label} is from {taken}, {age} days before the procedure; "
                          f"this policy accepts results up to {params.max_age_days} days old.", params.action)


class SameDayParams(Params):
    """A dated result that must be from the procedure day."""

    item: str
    action: str = Field(min_length=3)
    reason: str = ""


@check("result_same_day", SameDayParams)
def result_same_day(ctx: Context, rule: Rule, params: SameDayParams) -> Iterator[Finding]:
    """Flag a result not taken on the day of the procedure."""
    taken = ctx.taken_on(params.item)
    day = _procedure_day(ctx)
    if taken is not None and taken != day:
        reason = f" {params.reason}" if params.reason else ""
        yield ctx.finding(rule, params.item,
                          f"{ctx.item(params.item).label} is from {taken}, not the procedure day ({day}).{reason}",
                          params.action)
