"""The benchmark still runs: ``benchmarks/run.py --quick --json`` produces every figure with its baseline.

Only that the figures exist is checked, never their values: timings belong to the benchmark, not to a test.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.gui, pytest.mark.pdf]

WITH_BASELINE = ["cold_start", "cold_start_again", "cold_start_50k", "keystroke_p50", "keystroke_p99",
                 "autosave_p50", "autosave_p99", "sign_first", "sign_warm", "sign_first_small", "sign_warm_small",
                 "worklist_50k", "worklist_50k_again", "worklist_all_dates", "peak_memory", "peak_memory_small"]
BUDGETED = ["cold_start", "cold_start_50k", "keystroke_p99", "autosave_p99", "sign_first", "sign_warm",
            "worklist_50k", "worklist_50k_again", "peak_memory"]


@pytest.mark.timeout(180)
def test_quick_benchmark_reports_every_figure_with_its_baseline_and_budget(tmp_path):
    env = {**os.environ, "CHECKLIST_BENCH_CACHE": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=170)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["quick"] is True and report["repeat"] == 1 and report["checklists"] == 500
    figures = report["figures"]
    for name in WITH_BASELINE:
        figure = figures[name]
        assert math.isfinite(figure["value"]) and figure["value"] > 0, name
        assert math.isfinite(figure["baseline"]) and figure["baseline"] > 0, name
        assert figure["ratio"] == pytest.approx(figure["value"] / figure["baseline"]), name
        assert figure["what"] and figure["unit"] in ("ms", "MB") and figure["baseline_what"], name
    for name in BUDGETED:
        assert figures[name]["budget"] and isinstance(figures[name]["passed"], bool), name
    assert figures["checklist_window_open"]["value"] > 0
    assert set(figures["sign_warm"]["steps_ms"]) == {"validate", "sign", "checklist_pdf", "discharge_pdf", "seal",
                                                     "store"}
    assert figures["worklist_50k"]["rows_shown"] > 0
    env_info = report["environment"]
    assert env_info["python"] and env_info["pyside6"] and env_info["cpus"]
