"""The reports figure of the benchmark still runs: ``benchmarks/run.py --quick --only reports`` gives it with its
baseline, its budget and its steps. Timings are never checked here: they belong to the benchmark."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.pdf]


@pytest.mark.timeout(180)
def test_quick_benchmark_gives_the_reports_figure(tmp_path):
    env = {**os.environ, "CHECKLIST_BENCH_CACHE": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--json", "--only", "reports"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=170)
    assert result.returncode == 0, result.stderr[-2000:]
    figure = json.loads(result.stdout)["figures"]["reports_50k"]
    assert math.isfinite(figure["value"]) and figure["value"] > 0
    assert math.isfinite(figure["baseline"]) and figure["baseline"] > 0 and "COUNT(*)" in figure["baseline_what"]
    assert figure["what"] == "every unit report over 500 checklists (figures, CSV, PDF)"
    assert figure["budget"] == "< 2000 ms" and isinstance(figure["passed"], bool)
    assert set(figure["steps_ms"]) == {"figures", "csv", "pdf"}
