"""General-purpose checks: a condition that flags, identity scans, and level agreement.

``condition`` covers most yes/no policy rules (bleeding history, infection, escort...) with the
message written in the policy itself, so a site can reword it without code.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from checklist_app.domain.findings import Finding
from checklist_app.rules.context import Context
from checklist_app.rules.policy import Rule
from checklist_app.rules.registry import Params, check


class ConditionParams(Params):
    """The item the finding points at, and what to tell the nurse."""

    item: str
    message: str = Field(min_length=3)
    action: str = Field(min_length=3)


@check("condition", ConditionParams)
def condition(ctx: Context, rule: Rule, params: ConditionParams) -> Iterator[Finding]:
    """Flag whenever the rule's ``when`` holds (the engine has already tested it)."""
    yield ctx.finding(rule, params.item, params.message, params.action)


class MatchParams(Params):
    """Two text items that must be the same code (e.g. MRN typed and MRN scanned from the wristband)."""

    item: str
    expected_item: str


def _normalise(code: object) -> str:
    return "".join(str(code).split()).upper()


@check("codes_match", MatchParams)
def codes_match(ctx: Context, rule: Rule, params: MatchParams) -> Iterator[Finding]:
    """Flag when both are answered and differ (ignoring case and spaces a scanner may add)."""
    scanned, expected = ctx.value(params.item), ctx.value(params.expected_item)
    if scanned is None or expected is None or _normalise(scanned) == _normalise(expected):
        return
    yield ctx.finding(
        rule, params.item,
        f"{ctx.item(params.item).label} reads '{scanned}', but the {ctx.item(params.expected_item).label} "
        f"is '{expected}'. This may be the wrong patient or the wrong wristband.",
        "Stop. Re-check the patient's identity with two identifiers and replace the wristband if it is wrong.",
    )


class LevelsParams(Params):
    """``item`` lists the planned levels; ``confirmed_item`` must include each of them."""

    item: str
    confirmed_item: str
    what: str = Field(min_length=3)
    action: str = Field(min_length=3)


@check("levels_confirmed", LevelsParams)
def levels_confirmed(ctx: Context, rule: Rule, params: LevelsParams) -> Iterator[Finding]:
    """Flag planned levels that the imaging (or the consent) does not show."""
    planned, confirmed = ctx.value(params.item), ctx.value(params.confirmed_item)
    if not planned or confirmed is None:
        return
    missing = [lvl for lvl in planned if lvl not in confirmed]
    if missing:
        yield ctx.finding(
            rule, params.confirmed_item,
            f"Planned level(s) {', '.join(missing)} not shown by the {params.what} "
            f"({', '.join(confirmed) or 'none'}).",
            params.action,
        )


class LevelRangeParams(Params):
    """The usual levels; others are flagged."""

    item: str
    usual: tuple[str, ...] = Field(min_length=1)
    action: str = Field(min_length=3)


@check("levels_in_range", LevelRangeParams)
def levels_in_range(ctx: Context, rule: Rule, params: LevelRangeParams) -> Iterator[Finding]:
    """Flag any planned level outside the usual range."""
    planned = ctx.value(params.item) or []
    outside = [lvl for lvl in planned if lvl not in params.usual]
    if outside:
        yield ctx.finding(
            rule, params.item,
            f"Level(s) {', '.join(outside)} are outside the usual range {params.usual[0]}-{params.usual[-1]}.",
            params.action,
        )
