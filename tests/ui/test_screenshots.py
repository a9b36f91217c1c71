"""``python -m checklist_app screenshots --out DIR`` renders every screen the README shows, offscreen, from
invented demo data in a throw-away folder (never the workstation's database)."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage

from checklist_app.rules import load_form


def test_screenshots_command_renders_every_screen(tmp_path):
    out = tmp_path / "shots"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # the command chooses offscreen
    result = subprocess.run([sys.executable, "-m", "checklist_app", "screenshots", "--out", str(out)],
                            capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    names = sorted(p.name for p in out.glob("*.png"))
    sections = [s.id for s in load_form().sections]
    expected = {"01-worklist.png", "03-findings-hard-stop.png", "04-review.png", "05-signing-dialog.png",
                "06-lock-screen.png"}
    # Every section but an optional one the shipped policy leaves off (coverage_us): not listed, not shown.
    optional = {s.id for s in load_form().sections if s.optional}
    expected |= {f"02-section-{n:02d}-{sid}.png" for n, sid in enumerate(sections, start=1) if sid not in optional}
    assert set(names) == expected
    worklist = QImage(str(out / "01-worklist.png"))
    assert (worklist.width(), worklist.height()) == (1366, 768)
    assert len(result.stdout.splitlines()) == len(expected)
    assert not list(tmp_path.glob("**/*.sqlite3"))  # the demo database was temporary


def test_screenshots_size_is_checked():
    result = subprocess.run([sys.executable, "-m", "checklist_app", "screenshots", "--out", "x", "--size", "big"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--size must look like 1366x768" in result.stdout
