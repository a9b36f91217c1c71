"""Closing never throws unsaved answers away: when the last save fails (a full disk), the checklist window
stays open and says so, and the app refuses to quit, asking "Try again" or "Keep open"."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import NURSE, example_data, run_startup

from checklist_app import storage
from checklist_app.domain.errors import StorageError
from checklist_app.storage import autosave
from checklist_app.ui.unsaved import UnsavedQuestion
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows.store import OPEN_FILE

DISK_FULL = "The disk is full, so nothing was written."
REAL_SAVE = autosave.save_draft


def refuse(*_args, **_kwargs):
    raise StorageError(DISK_FULL)


def weight_field(window):
    page = window.pages[[s.id for s in window.ctx.form.sections].index("labs")]
    return page.items["weight_kg"]


def type_weight(window, text: str) -> None:
    field = weight_field(window)
    field.edit.setText(text)
    field.commit()


def refuse_os(*_args, **_kwargs):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failure, said", [(refuse, DISK_FULL), (refuse_os, "Saving failed unexpectedly (OSError)")])
def test_a_checklist_whose_last_answers_cannot_be_saved_stays_open_and_says_so(qtbot, ctx, open_example,
                                                                              monkeypatch, failure, said):
    window = open_example("clean")
    monkeypatch.setattr(autosave, "save_draft", failure)  # the disk is full from now on
    type_weight(window, "71")
    assert ctx.autosaver.has_unsaved
    assert not window.close()
    assert window.isVisible()
    box = window.findChild(QMessageBox, "message_box")
    assert box is not None and box.windowTitle() == "Your answers are NOT saved yet"
    assert said in box.text()
    assert "stays open" in box.informativeText() and "Free space on the disk" in box.informativeText()
    assert "call IT" in box.informativeText()
    assert ctx.store.load_draft("demo-clean").data["answers"]["weight_kg"] != 71
    assert "demo-clean" in (ctx.store.data_dir / OPEN_FILE).read_text()  # still open: a crash is still caught
    monkeypatch.setattr(autosave, "save_draft", REAL_SAVE)  # space freed
    assert window.close()
    assert ctx.store.load_draft("demo-clean").data["answers"]["weight_kg"] == 71
    assert not ctx.autosaver.has_unsaved


def test_the_worklist_does_not_quit_while_answers_are_unsaved(qtbot, ctx, monkeypatch):
    data = example_data(ctx, "clean")
    ctx.store.save_draft(data["record_id"], data, NURSE)
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    worklist.show()
    checklist = worklist.open_record("demo-clean")
    monkeypatch.setattr(autosave, "save_draft", refuse)
    type_weight(checklist, "71")
    asked = []

    def ask(cls, parent, error):
        asked.append(str(error))
        return len(asked) < 2  # "Try again" once (still full), then "Keep open"

    monkeypatch.setattr(UnsavedQuestion, "ask", classmethod(ask))
    assert not worklist.close()
    assert asked == [DISK_FULL, DISK_FULL]
    assert worklist.isVisible() and checklist.isVisible()
    assert ctx.autosaver.has_unsaved
    monkeypatch.setattr(autosave, "save_draft", REAL_SAVE)
    asked.clear()
    assert worklist.close()
    assert asked == [] and not checklist.isVisible()
    assert ctx.store.load_draft("demo-clean").data["answers"]["weight_kg"] == 71


def test_the_app_asks_instead_of_quitting_over_unsaved_answers(qapp, tmp_path, monkeypatch):

    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen = {"asked": 0}

    def change_then_quit():
        worklist = next(w for w in QApplication.topLevelWidgets() if isinstance(w, WorklistWindow) and w.isVisible())
        checklist = worklist.open_record(worklist.model.rows[0].record_id)
        monkeypatch.setattr(autosave, "save_draft", refuse)
        type_weight(checklist, "71")
        QApplication.exit(0)  # the app is asked to quit (not quit(): that closes other tests' windows too)

    def ask(cls, parent, error):
        seen["asked"] += 1
        seen["error"] = str(error)
        monkeypatch.setattr(autosave, "save_draft", REAL_SAVE)  # IT frees space while the app stays open
        QTimer.singleShot(0, lambda: QApplication.exit(0))  # ...and later the app is quit again
        return False  # "Keep open"

    monkeypatch.setattr(UnsavedQuestion, "ask", classmethod(ask))
    QTimer.singleShot(0, change_then_quit)
    status = run_startup()
    assert status == 0
    assert seen == {"asked": 1, "error": DISK_FULL}
    db = storage.open_database(data_dir=tmp_path)
    try:
        assert storage.load_draft(db, "demo-clean").data["answers"]["weight_kg"] == 71
    finally:
        db.close()
