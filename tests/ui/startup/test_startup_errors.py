"""Starting with a broken file says so on screen: a damaged site.yaml in the data folder is named with what
to fix (not an exit with status 1 and nothing shown), and a draft whose policy file is gone is
listed as "Policy unavailable" instead of taking the whole worklist down."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import NURSE, example_data, run_startup

from checklist_app import storage
from checklist_app.ui.worklist.window import WorklistWindow

GONE = "retired-2017"  # a policy id with no file in forms/policies/


def run_start(monkeypatch, tmp_path, on_start=None):
    """Run ``startup.start`` on ``tmp_path``; returns (status, error boxes shown)."""
    from checklist_app.ui.startup import opening as startup

    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown = []
    monkeypatch.setattr(startup, "critical", lambda title, text: shown.append((title, text)))
    if on_start is not None:
        QTimer.singleShot(0, on_start)
    status = run_startup()
    return status, shown


@pytest.mark.parametrize("content, problem", [
    ("facility_name: [unclosed\n", "not valid YAML"),
    ("idle_lock_minutes: lots\n", "idle_lock_minutes"),
])
def test_a_damaged_site_file_is_named_on_screen_with_what_to_do(qapp, tmp_path, monkeypatch, content, problem):
    site = tmp_path / "site.yaml"
    site.write_text(content)
    status, shown = run_start(monkeypatch, tmp_path)
    assert status == 1
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "The site settings file has a problem"
    assert str(site) in text and problem in text
    assert "move that file out of the data folder" in text and "start the app again" in text


def draft_under(data: dict, record_id: str, policy_id: str) -> dict:
    return {**data, "record_id": record_id, "policy_id": policy_id}


def test_a_draft_whose_policy_file_is_gone_does_not_stop_the_app(qapp, tmp_path, monkeypatch):
    from checklist_app.workflows.demo import demo_data
    from checklist_app.workflows.session import shipped_form

    data = demo_data(shipped_form(), date.today())
    db = storage.open_database(data_dir=tmp_path)
    try:
        storage.save_draft(db, "r-gone", draft_under(data, "r-gone", GONE), staff_id=NURSE)
        storage.save_draft(db, "r-fine", draft_under(data, "r-fine", "sir-2019"), staff_id=NURSE)
    finally:
        db.close()
    seen = {}

    def look_then_quit():
        worklist = next(w for w in QApplication.topLevelWidgets() if isinstance(w, WorklistWindow) and w.isVisible())
        seen["rows"] = sorted((r.record_id, r.status_text) for r in worklist.model.rows)
        QApplication.exit(0)

    status, shown = run_start(monkeypatch, tmp_path, look_then_quit)
    assert (status, shown) == (0, [])
    assert seen["rows"] == [("r-fine", "Ready to sign"), ("r-gone", "Policy unavailable")]


def test_opening_that_draft_names_the_missing_policy_file(qtbot, ctx):
    data = example_data(ctx, "clean")
    ctx.store.save_draft("r-gone", draft_under(data, "r-gone", GONE), NURSE)
    ctx.store.save_draft("r-fine", draft_under(data, "r-fine", "sir-2019"), NURSE)
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    worklist.show()
    rows = {r.record_id: r for r in worklist.model.rows}
    assert rows["r-gone"].status_text == "Policy unavailable" and rows["r-fine"].status_text == "Ready to sign"
    assert f"no policy '{GONE}' is installed" in rows["r-gone"].problem
    assert "installed: asra-2018 v2026.12-1, sir-2019 v2026.12-1" in rows["r-gone"].problem
    assert worklist.open_record("r-gone") is None
    box = worklist.findChild(QMessageBox, "message_box")
    assert box is not None and box.windowTitle() == "A form or policy file has a problem"
    assert f"no policy '{GONE}' is installed" in box.text() and "installed: asra-2018" in box.text()
    assert worklist.open_record("r-fine") is not None  # the others open as usual
