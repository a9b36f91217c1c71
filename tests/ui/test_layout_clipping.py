"""Nothing cut off on a 1280x800 screen at 100% and at 125% scaling: the checklist window at every section
(lists with entries, findings, dates, calculated values waiting for their inputs), the review before
signing, the override dialog after an error and the signing dialog after a wrong PIN. Each scale runs
tests/ui/layout_probe.py in a process of its own (Qt reads QT_SCALE_FACTOR once); see its docstring for what
counts as cut off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("layout_probe.py")


@pytest.mark.parametrize("scale", ["1", "1.25"], ids=["100%", "125%"])
def test_no_text_is_cut_off_at_1280x800(scale, tmp_path):
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": "offscreen",
           "CHECKLIST_APP_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, str(PROBE)], capture_output=True, text=True, env=env, timeout=180,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    checked, *problems = result.stdout.strip().splitlines()
    assert checked == "checked 60 screens"
    assert problems == []
