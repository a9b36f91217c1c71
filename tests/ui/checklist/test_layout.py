"""Looks like a tool people trust: readable base font, an accessible name on every control, no patient
data in window titles, and nothing clipped at 1366x768, at 100% and at 125% scaling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from ui_helpers import clipped, unnamed_controls

from checklist_app.ui import theme
from checklist_app.ui.worklist.window import WorklistWindow

HERE = Path(__file__).parents[1]  # tests/ui, where ui_helpers lives


def test_base_font_is_at_least_11_points(qapp, ctx):
    assert QApplication.font().pointSizeF() >= theme.BASE_POINT_SIZE >= 11


def test_every_control_has_an_accessible_name(qtbot, ctx, open_example):
    window = open_example("clean")  # lists with entries, every kind of field
    assert unnamed_controls(window) == []
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    assert unnamed_controls(worklist) == []


def test_nothing_is_clipped_at_1366x768(qtbot, open_example):
    window = open_example("warnings-only")
    for index in range(len(window.pages)):
        window.show_section(index, focus=False)
        QApplication.processEvents()  # let the layouts settle
        assert clipped(window) == [], window.ctx.form.sections[index].id


SCALED = """
import sys
sys.path.insert(0, {here!r})
from PySide6.QtWidgets import QApplication
app = QApplication([])
from checklist_app.ui import theme
theme.apply_theme(app)
from ui_helpers import clipped
from checklist_app.ui.screenshots.render import render_screenshots  # noqa: F401 (same imports as the app)
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.ui.checklist.window import ChecklistWindow
from checklist_app.ui.context import AppContext
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.store import ChecklistStore
from pathlib import Path
import tempfile
ctx = AppContext(ChecklistStore.open(Path(tempfile.mkdtemp())))
problems = []
for example in ("warnings-only", "hard-wristband-mismatch", "hard-anticoagulant-hold"):
    data = demo_data(ctx.form, ctx.now().date(), f"examples/{{example}}.json")
    data["record_id"] = example
    state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff="t", now=ctx.now(), policy_id="sir-2019")
    window = ChecklistWindow(ctx, state)
    window.resize(round(1366 / 1.25), round(768 / 1.25))
    window.show()
    for index in range(len(window.pages)):
        window.show_section(index, focus=False)
        for _ in range(3):
            app.processEvents()
        problems += [f"{{example}} {{ctx.form.sections[index].id}}: {{p}}" for p in clipped(window)]
    window.close()
    window.deleteLater()
print(app.devicePixelRatio())
print("\\n".join(problems))
app.sendPostedEvents(None, 52)
ctx.close()
"""


def test_nothing_is_clipped_at_125_percent_scaling():
    env = {**os.environ, "QT_SCALE_FACTOR": "1.25", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", SCALED.format(here=str(HERE))], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "1.25"
    assert lines[1:] == []
