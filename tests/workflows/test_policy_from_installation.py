"""The running app, like the commands, uses only installed policies: a draft whose ``policy_id`` was changed
behind the app's back to a file path is refused in words, and the worklist shows that row as unusable
instead of evaluating it with the file."""

from __future__ import annotations

from datetime import datetime

import pytest

from checklist_app.domain.timeutil import aware
from checklist_app.rules import PolicyChoiceError
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore
from checklist_app.workflows.worklist_rows import build_rows

NOW = aware(datetime(2026, 11, 21, 7, 15))


def test_a_draft_naming_a_policy_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    session = Session(store=ChecklistStore.open(tmp_path), clock=lambda: NOW)
    try:
        copy = tmp_path / "sir-2019.yaml"
        with pytest.raises(PolicyChoiceError, match=f"the checklist's policy_id: '{copy}' is a file path"):
            session.policy(str(copy))
        state, _ = ChecklistState.from_data(session.form, demo_data(session.form, NOW.date()), fallback_staff="rn.x",
                                            now=NOW, policy_id="sir-2019")
        session.store.save_draft(state.record_id, {**state.draft_data(), "policy_id": str(copy)}, "rn.x")
        (row,) = build_rows(session.store, session.form, session.policy, session.completeness_rules, NOW)
        assert row.status == "policy_unavailable" and "is a file path" in row.problem
    finally:
        session.close()
