"""Start-up paints first (``run_gui``'s ``paint_first``): the worklist, or the sign-in screen, is on screen
before the database is opened with SQLAlchemy; the rest runs after that first paint. What is painted is
real, what needs the open app is disabled meanwhile, nothing done meanwhile is lost, and a failure in the
second step shows exactly what the one-step start shows."""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from ui_helpers import NURSE, PINS

from checklist_app import storage
from checklist_app.storage import paths
from checklist_app.ui.lock.idle_lock import LockScreen
from checklist_app.ui.startup import opening as startup
from checklist_app.ui.worklist.window import OPENING, OPENING_CHOSEN, WorklistWindow
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.store import OPEN_FILE

DEMO = "Okafor, Grace Adaeze"


def run(monkeypatch, data_dir, *, paint_first=True, while_opening=None, when_open=None):
    """Start the app on ``data_dir``; returns (status, error boxes shown, what was seen)."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(data_dir))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown, seen = [], {}
    monkeypatch.setattr(startup, "critical", lambda title, text: shown.append((title, text)))
    finish = startup.Opening.finish

    def observed_finish(opening):
        first = opening.first_window  # None in the one-step start
        seen["first"] = type(first).__name__
        seen["painted before opening"] = first is not None and first._painted and first.isVisible()
        seen["database before opening"] = paths.database_path(data_dir).exists()
        if while_opening is not None:
            while_opening(opening)  # what a nurse does with the first view
        finish(opening)
        if not opening.failed:
            QTimer.singleShot(0, lambda: (when_open and when_open(opening), QApplication.exit(0)))

    monkeypatch.setattr(startup.Opening, "finish", observed_finish)
    # Never hang the suite; stopped once the start returns: a QApplication.exit() outside the app's event loop
    # makes every later event loop (a later test's dialog) return at once.
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(3))
    guard.start(20_000)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        status = startup.start(argparse.Namespace(data_dir=None, paint_first=paint_first))
    finally:
        guard.stop()
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
    return status, shown, seen


def worklist_of(opening) -> WorklistWindow:
    assert opening.worklist is not None
    return opening.worklist


def test_a_fresh_install_paints_the_empty_worklist_then_makes_the_database_and_the_demo_patient(
        qapp, data_dir, monkeypatch):
    def while_opening(opening):
        worklist = worklist_of(opening)
        seen["opening"] = ([r.patient for r in worklist.model.rows], worklist.live, worklist.new_button.isEnabled(),
                           worklist.lock_button.isEnabled(), worklist.statusBar().currentMessage())

    def when_open(opening):
        worklist = worklist_of(opening)
        seen["open"] = ([(r.patient, r.status_text) for r in worklist.model.rows], worklist.live,
                        worklist.new_button.isEnabled(), worklist.statusBar().isVisible(), worklist.isVisible())

    seen = {}
    status, shown, first = run(monkeypatch, data_dir, while_opening=while_opening, when_open=when_open)
    assert (status, shown) == (0, [])
    assert first == {"first": "WorklistWindow", "painted before opening": True, "database before opening": False}
    assert seen["opening"] == ([], False, False, False, OPENING)
    assert seen["open"] == ([(DEMO, "Warnings")], True, True, False, True)
    assert paths.database_path(data_dir).exists() and (data_dir / "logs" / "app.log").exists()


def test_with_staff_the_sign_in_screen_comes_first_and_a_pin_typed_meanwhile_is_checked_when_open(
        qapp, staffed_dir, monkeypatch):
    db = storage.open_database(data_dir=staffed_dir)
    try:
        data = demo_data(startup_form(), __import__("datetime").date.today())
        storage.save_draft(db, data["record_id"], data, staff_id=NURSE)
    finally:
        db.close()
    seen = {}

    def while_opening(opening):
        screen = opening.screen
        seen["opening"] = (screen.isVisible(), opening.worklist, screen.unlock_button.isEnabled())
        screen.id_edit.setText(NURSE)
        screen.pin_edit.setText(PINS[NURSE])
        screen.pin_edit.returnPressed.emit()  # Enter before the app is open: checked as soon as it is
        seen["said"] = screen.opening_label.text()

    def when_open(opening):
        worklist = worklist_of(opening)
        seen["open"] = (opening.lock.locked, worklist.isVisible(), opening.ctx.user_id(),
                        [(r.patient, r.status_text) for r in worklist.model.rows])

    status, shown, first = run(monkeypatch, staffed_dir, while_opening=while_opening, when_open=when_open)
    assert (status, shown) == (0, [])
    assert first == {"first": "LockScreen", "painted before opening": True, "database before opening": True}
    assert seen["opening"] == (True, None, False)  # no patient read before someone signs in
    assert "checked as soon as it is open" in seen["said"]
    assert seen["open"] == (False, True, NURSE, [(DEMO, "Ready to sign")])


def startup_form():
    from checklist_app.workflows.session import shipped_form

    return shipped_form()


def test_a_patient_chosen_while_opening_opens_once_the_app_is_open(qapp, data_dir, monkeypatch):
    db = storage.open_database(data_dir=data_dir)
    try:
        data = demo_data(startup_form(), __import__("datetime").date.today())
        storage.save_draft(db, data["record_id"], data, staff_id=NURSE)
    finally:
        db.close()
    seen = {}

    def while_opening(opening):
        worklist = worklist_of(opening)
        worklist.search_edit.setText("MRN-204811")  # a wristband scan...
        worklist.search_edit.returnPressed.emit()  # ...and its Enter
        seen["opening"] = (list(worklist.open_windows), worklist.pending_open, worklist.statusBar().currentMessage())

    def when_open(opening):
        worklist = worklist_of(opening)
        seen["open"] = list(worklist.open_windows)

    status, shown, _ = run(monkeypatch, data_dir, while_opening=while_opening, when_open=when_open)
    assert (status, shown) == (0, [])
    assert seen == {"opening": ([], "demo-clean", OPENING_CHOSEN), "open": ["demo-clean"]}


def test_a_checklist_left_open_by_a_crash_is_offered_back(qapp, data_dir, monkeypatch):
    db = storage.open_database(data_dir=data_dir)
    try:
        data = demo_data(startup_form(), __import__("datetime").date.today())
        storage.save_draft(db, "r-died", {**data, "record_id": "r-died"}, staff_id=NURSE)
    finally:
        db.close()
    (data_dir / OPEN_FILE).write_text(json.dumps({"r-died": 999_999_999}))  # no such process
    seen = {}
    status, _, _ = run(monkeypatch, data_dir, when_open=lambda o: seen.update(
        notice=not worklist_of(o).notice.isHidden(), text=worklist_of(o).notice_label.text()))
    assert status == 0 and seen["notice"] and DEMO in seen["text"]


def damage(data_dir, how: str) -> None:
    db = storage.open_database(data_dir=data_dir)
    db.close()
    path = paths.database_path(data_dir)
    if how == "corrupt":
        data = bytearray(path.read_bytes())
        data[100:] = b"\xff" * (len(data) - 100)
        path.write_bytes(bytes(data))
    elif how == "newer":
        with sqlite3.connect(path) as conn:
            conn.execute("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')")
        conn.close()
    elif how == "site":
        (data_dir / "site.yaml").write_text("facility_name: [unclosed\n")


@pytest.mark.parametrize("how", ["corrupt", "newer", "site"])
def test_a_failure_after_the_first_paint_shows_what_the_one_step_start_shows(qapp, tmp_path, monkeypatch, how):
    results = {}
    for paint_first in (False, True):
        folder = tmp_path / f"paint-first-{paint_first}"
        folder.mkdir()
        damage(folder, how)
        before = paths.database_path(folder).read_bytes()
        status, shown, _ = run(monkeypatch, folder, paint_first=paint_first)
        assert paths.database_path(folder).read_bytes() == before  # a damaged file is left as it was
        results[paint_first] = (status, [(title, text.replace(str(folder), "DIR")) for title, text in shown])
        assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()
                    and isinstance(w, WorklistWindow | LockScreen)]
    assert results[True] == results[False]
    status, shown = results[True]
    assert status == 1 and len(shown) == 1
    title = shown[0][0]
    assert title == {"corrupt": "The checklist database is damaged", "site": "The site settings file has a problem",
                     "newer": "The checklist could not be saved or read"}[how]


def test_while_opening_the_worklist_shows_the_real_rows_with_actions_disabled(qtbot):
    from checklist_app.workflows.first_view import FirstView
    from checklist_app.workflows.worklist_rows import WorklistRow

    row = WorklistRow("r-1", "Haddad, Samira", "MRN-318204", "Vertebroplasty", "L1", None, "checking", True)
    window = WorklistWindow(first_view=FirstView([row], has_staff=False, facility_name="Riverside"))
    qtbot.addWidget(window)
    window.show()
    assert not window.live and window.facility_label.text() == "Riverside"
    assert [c.isEnabled() for c in (window.new_button, window.open_button, window.settings_button,
                                    window.lock_button, window.scope_combo)] == [False] * 5
    assert window.model.index(0, 5).data() == "Checking..."
    window.refresh()  # F5 while opening: nothing to refresh from yet, the rows stay
    qtbot.keyClick(window.search_edit, Qt.Key.Key_H)
    assert window.proxy.rowCount() == 1  # searching works on what is shown
    assert window.new_checklist() is None and window.open_record("r-1") is None
    assert window.close()  # nothing typed yet: closing while opening is allowed


def test_a_first_window_the_system_never_paints_still_opens(qapp, data_dir, monkeypatch):
    from checklist_app.workflows.first_view import FirstView

    def show_unpainted(opening, view: FirstView) -> None:  # as when minimised: made, never exposed
        opening.worklist = WorklistWindow(first_view=view)

    monkeypatch.setattr(startup.Opening, "_show", show_unpainted)
    monkeypatch.setattr(startup, "FINISH_ANYWAY_MS", 50)
    seen = {}
    status, shown, first = run(monkeypatch, data_dir, when_open=lambda o: seen.update(
        live=worklist_of(o).live, rows=[r.patient for r in worklist_of(o).model.rows]))
    assert (status, shown) == (0, [])
    assert first["painted before opening"] is False
    assert seen == {"live": True, "rows": [DEMO]}


def test_an_unexpected_failure_of_the_first_view_falls_back_to_the_one_step_start(qapp, data_dir, monkeypatch,
                                                                                   caplog):
    def broken(opening, data_dir):
        raise KeyError("a bug in the fast path")

    monkeypatch.setattr(startup.Opening, "show_first_view", broken)
    seen_open = {}

    def when_open(opening):
        worklist = worklist_of(opening)
        seen_open["rows"] = [r.patient for r in worklist.model.rows]
        seen_open["live"] = worklist.live

    with caplog.at_level(logging.ERROR):
        status, shown, seen = run(monkeypatch, data_dir, when_open=when_open)
    assert (status, shown) == (0, [])
    assert seen["first"] == "NoneType"  # nothing from the failed step 1 left on screen: the one-step start ran
    assert seen_open == {"rows": [DEMO], "live": True}
    assert "unexpected KeyError" in caplog.text and "a bug in the fast path" not in caplog.text


def test_the_idle_lock_stops_watching_when_the_app_ends(qapp, data_dir, monkeypatch):
    # A lock left sweeping the windows after its app ended would keep touching windows Qt deletes.
    locks = {}

    def when_open(opening):
        locks["lock"] = opening.lock
        locks["watching"] = opening.lock is not None and opening.lock.sweep.isActive()

    status, shown, _first = run(monkeypatch, data_dir, when_open=when_open)
    assert (status, shown) == (0, [])
    assert locks["watching"], "the lock watches the windows while the app runs"
    assert locks["lock"]._detached and not locks["lock"].sweep.isActive() and not locks["lock"].timer.isActive()
