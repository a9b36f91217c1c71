"""Pregnancy screening where the policy requires it: a recent negative test, or documented inability.

The age band that needs screening is a policy number (UNCONFIRMED in the reference), so the policy
passes it in; a positive status is a plain ``condition`` rule and is not handled here.
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


class PregnancyTestParams(Params):
    """Which answers settle it, where the test time is, and how recent it must be."""

    item: str
    test_time_item: str
    max_hours_before_start: float = Field(gt=0)
    settled_without_test: tuple[str, ...] = ()
    # Statuses other rules speak for (positive, declined, an unclear result): this check stays quiet.
    handled_elsewhere: tuple[str, ...] = ("positive", "refused")
    test_type_item: str | None = None  # urine or serum, named in the message when recorded
    action: str = Field(min_length=3)


@check("pregnancy_test", PregnancyTestParams)
def pregnancy_test(ctx: Context, rule: Rule, params: PregnancyTestParams) -> Iterator[Finding]:
    """Flag a required test that is missing or older than the window before the start."""
    status = ctx.value(params.item)
    if status is None or status in params.settled_without_test or status in params.handled_elsewhere:
        return  # unanswered: completeness says so; the others have their own rules
    window = format_hours(params.max_hours_before_start)
    tested = ctx.value(params.test_time_item)
    if status != "test_negative" or not isinstance(tested, datetime):
        # A negative test without its time is about the time item (reported once, not again as unanswered).
        timed = status == "test_negative"
        yield ctx.finding(rule, params.test_time_item if timed else params.item,
                          f"A pregnancy test within {window} before the procedure is required for this patient; "
                          + ("the time of the negative test is not recorded." if timed else "none is recorded."),
                          params.action)
        return
    start = ctx.start
    if start is not None and aware(start) - aware(tested) > timedelta(hours=params.max_hours_before_start):
        kind = ctx.value(params.test_type_item) if params.test_type_item else None
        what = ctx.item(params.test_type_item).option_label(kind).lower() + " " if kind else ""  # type: ignore
        yield ctx.finding(rule, params.test_time_item,
                          f"The negative {what}pregnancy test ({conventions.format_datetime(tested)}) is more than "
                          f"{window} before the scheduled start.", params.action)
