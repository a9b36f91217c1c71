"""PySide6 6.12.0 loses a reference to None per void Qt call; on Python 3.11 that aborts the app.

The first test proves the bug is real here (a child process without the guard dies with none_dealloc),
the second that the app's guard keeps a child alive through far more calls than it would survive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

CALLS = 60_000  # a child starts with a few thousand references to None: well past that

CHILD = textwrap.dedent(f"""
    import sys
    {{guard}}
    from PySide6.QtWidgets import QApplication, QLineEdit
    app = QApplication([])
    edit = QLineEdit()
    for _ in range({CALLS}):
        edit.setText("x")
    print("alive", sys.getrefcount(None) > 0)
""")


def _run(guard: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", CHILD.format(guard=guard)], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_lose_none_references_without_the_guard():
    import PySide6

    result = _run("")
    if result.returncode == 0:
        pytest.skip(f"PySide6 {PySide6.__version__} does not lose references to None")
    assert "none_dealloc" in result.stderr


def test_the_ui_package_guards_against_it():
    result = _run("import checklist_app.ui")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "alive True" in result.stdout
