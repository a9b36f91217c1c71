"""Which records are pre-admission plans: their record id starts ``plan-`` (a plan is a record of the same form,
signed and kept like any checklist; ``workflows.plan_records``). Standard library only, so the worklist's
first view can tell a plan from a checklist before anything else is loaded."""

from __future__ import annotations

PLAN_PREFIX = "plan-"


def is_plan(record_id: str) -> bool:
    """Whether a record id is a pre-admission plan's."""
    return record_id.startswith(PLAN_PREFIX)
