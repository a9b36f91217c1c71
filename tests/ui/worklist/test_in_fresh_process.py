"""The tests that depend on background threads reaching the windows (the board watcher, autosave's refusals,
the chart sender) run in a fresh pytest process of their own.

Why: in the full suite's single long process, updates from worker threads stopped reaching the windows after
some 1,500 earlier tests (the worker's callback ran; neither a queued signal nor a GUI-thread timer delivered
it), while every subset tried, and the app itself, behave. The cause is not found yet (see the session note);
until it is, these tests keep proving the behaviour in a process like the app's rather than being dropped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "isolated"


@pytest.mark.parametrize("module", ["two_workstations.py", "worklist_chart.py"])
def test_in_a_fresh_process(module):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / module)],
                            capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[3])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
