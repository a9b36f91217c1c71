"""The version and build at start-up: the first line of each log file (a new file, and one a rotation
starts), a line for every later start, the About box (F1, which also lists the shortcuts), and
``--exit-when-open``, which starts the real app, waits until it is open and exits by itself (or prints why it
cannot open, instead of waiting on an error box nobody will close)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import press

from checklist_app.version import describe


def start(data_dir, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CHECKLIST_APP_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "checklist_app", "--gui", "--data-dir", str(data_dir),
                           "--exit-when-open", *extra], capture_output=True, text=True, env=env, timeout=120)


def log_lines(data_dir, name: str = "app.log") -> list[str]:
    return (data_dir / "logs" / name).read_text(encoding="utf-8").splitlines()


def test_exit_when_open_starts_the_app_and_logs_the_version_first(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "checklist.sqlite3").is_file()  # it really opened: the database was made
    lines = log_lines(tmp_path)
    assert lines[0].endswith(f" INFO checklist_app: {describe()} started")
    assert any("demo patient added" in line for line in lines)
    again = start(tmp_path)
    assert again.returncode == 0, again.stderr
    later = log_lines(tmp_path)
    assert later[0] == lines[0] and later[-2].endswith(f"{describe()} started")
    assert sum(describe() in line for line in later) == 2


def test_exit_when_open_prints_why_it_cannot_open(tmp_path):
    (tmp_path / "site.yaml").write_text("facility_name: [unclosed\n")
    result = start(tmp_path)
    assert result.returncode == 1
    assert "The site settings file has a problem" in result.stderr and "site.yaml" in result.stderr


def test_every_log_file_begins_with_the_version(tmp_path):
    from checklist_app.ui.startup.opening import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    path = setup_logging(tmp_path)
    handler = next(h for h in root.handlers if h not in before)
    try:
        logging.getLogger("checklist_app.test").info("something happened")
        handler.doRollover()
        logging.getLogger("checklist_app.test").info("something else")
    finally:
        root.removeHandler(handler)
        handler.close()
    old, new = log_lines(tmp_path, "app.log.1"), log_lines(tmp_path)
    assert old[0].endswith(f"{describe()} started") and old[1].endswith("something happened")
    assert new[0].endswith(f"{describe()} (continued from the previous log file)")
    assert new[1].endswith("something else") and path == tmp_path / "logs" / "app.log"


def test_the_about_box_gives_version_and_build(qtbot, ctx):
    from checklist_app.ui.worklist.window import WorklistWindow

    window = WorklistWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    press(qtbot, Qt.Key.Key_F1)
    box = window.findChild(QMessageBox, "shortcuts_help")
    assert box is not None and "Ctrl+N" in box.text()
    assert describe() in box.informativeText()
    box.close()
