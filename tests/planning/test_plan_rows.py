"""A plan in the worklist says it is a plan, and whether it was signed: its findings are the call's to fix
before the day, so 'Hard stop' or 'Signed, NOT CLEARED' would mislead."""

from __future__ import annotations

from checklist_app.workflows.worklist_rows import WorklistRow


def _row(record_id: str, status: str, is_draft: bool) -> WorklistRow:
    return WorklistRow(record_id, "Reyes, Tomas", "MRN-300221", "Kyphoplasty", "L1", None, status, is_draft)


def test_a_plan_says_so():
    assert _row("plan-20261203-100000-abc123", "hard_stop", True).status_text == "Pre-admission plan: Draft"
    assert _row("plan-20261203-100000-abc123", "signed_not_cleared", False).status_text == \
        "Pre-admission plan: Signed"
    assert _row("chk-20261203-100000-abc123", "signed_not_cleared", False).status_text == "Signed, NOT CLEARED"
