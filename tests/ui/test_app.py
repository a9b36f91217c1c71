"""Starting the app: one line instead of Qt's plugin abort when there is no display, the friendly error
for anything unexpected, and errors shown with their title and advice from messages.yaml."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from ui_helpers import run_startup

from checklist_app.domain.errors import StorageError
from checklist_app.ui import messages

NO_DISPLAY = """
import sys
from checklist_app.ui.app import run_gui
status = run_gui([])
assert not any(m.startswith("PySide6") for m in sys.modules), "Qt was imported"
sys.exit(status)
"""


def test_no_display_says_so_in_one_line_and_names_the_headless_commands():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-c", NO_DISPLAY], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and not result.stderr
    assert "No display" in lines[0] and "python -m checklist_app check|render|validate-form|staff" in lines[0]


def test_main_entry_point_with_gui_flag_reaches_run_gui():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "checklist_app"], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 2 and "No display" in result.stdout


def test_known_errors_show_their_own_words_with_title_and_advice(qtbot):
    box = messages.show_error(None, StorageError("The disk is full, so nothing was written."))
    qtbot.addWidget(box)
    assert box.windowTitle() == "The checklist could not be saved or read"
    assert box.text() == "The disk is full, so nothing was written."
    assert "Your answers stay on the screen" in box.informativeText()


def test_unexpected_errors_get_an_apology_and_a_log_entry_without_their_text(qtbot, caplog):
    try:
        raise ValueError("Okafor, Grace Adaeze MRN-204811")  # could be anything a nurse typed
    except ValueError as exc:
        error = exc
    with caplog.at_level(logging.ERROR):
        box = messages.show_error(None, error)
    qtbot.addWidget(box)
    assert box.windowTitle() == "Something went wrong"
    assert "Okafor" not in box.text() + box.informativeText()
    assert "unexpected ValueError" in caplog.text and "Okafor" not in caplog.text
    assert "test_app.py" in caplog.text  # where it happened is logged


def test_excepthook_shows_the_error(qtbot, monkeypatch):
    from checklist_app.ui.startup import opening as startup

    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, exc: shown.append(exc))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    startup.install_excepthook()
    error = RuntimeError("boom")
    sys.excepthook(RuntimeError, error, None)
    assert shown == [error]


def test_every_message_id_used_in_the_code_exists():
    import re
    from pathlib import Path

    import checklist_app.ui as ui

    used = set()
    for path in Path(ui.__file__).parent.rglob("*.py"):
        used |= set(re.findall(r'messages\.text\(\s*f?"([a-z_.{}]+)"', path.read_text()))
    for message_id in sorted(used):
        if "{" in message_id:
            continue
        messages.text(message_id)
    for state in ("optional", "not_started", "in_progress", "complete", "warning", "hard_stop", "not_needed", "draft",
                  "warnings", "ready", "signed", "signed_not_cleared", "printed"):
        messages.text(f"states.{state}")


def test_launch_opens_the_worklist_with_the_demo_patient_on_a_fresh_install(qapp, tmp_path, monkeypatch):

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from checklist_app.ui.worklist.window import WorklistWindow

    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen = {}

    def look_then_quit():
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        seen["windows"] = [type(w).__name__ for w in shown]
        seen["rows"] = [r.patient for w in shown if isinstance(w, WorklistWindow) for r in w.model.rows]
        QApplication.exit(0)  # not quit(): that would also close every window, other tests' too

    QTimer.singleShot(0, look_then_quit)
    status = run_startup()
    assert status == 0
    assert seen == {"windows": ["WorklistWindow"], "rows": ["Okafor, Grace Adaeze"]}
    assert (tmp_path / "logs" / "app.log").exists()
