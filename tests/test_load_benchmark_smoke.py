"""The load benchmark still runs: ``benchmarks/load.py --quick --json`` (8 workstation processes on a throwaway
PostgreSQL server for ~10 s) produces every figure, and loses or overwrites no committed answer.

Timings are not checked (they belong to the benchmark); the loss check is, because it is a correctness
property. Skipped like the PostgreSQL storage tests when the server binaries or psycopg are missing (an
error under CI).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pg_cluster import _unavailable, find_bindir

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow]

FIGURES = ["autosave_p50", "autosave_p99", "bare_p50", "bare_p99", "autosave_vs_bare_p99", "propagation_p50",
           "propagation_p99", "enter_to_worklist_p99", "parent_marker_p99", "refresh_p50", "refresh_p99", "stamp_p99",
           "worklist_50k", "worklist_50k_warm", "worklist_50k_all"]
BUDGETED = ["lost", "overwritten", "autosave_p99", "propagation_p99", "worklist_50k", "worklist_50k_warm"]


@pytest.mark.timeout(150)
def test_quick_load_benchmark_reports_every_figure_and_loses_nothing(tmp_path):
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the driver psycopg is not installed (pip install -e '.[test,postgresql]')")
    if find_bindir() is None:
        _unavailable("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    env = {**os.environ, "CHECKLIST_BENCH_CACHE": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "benchmarks/load.py", "--quick", "--json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=140)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["quick"] is True and report["stations"] == 8
    assert report["server"]["fsync"] == "on" and report["server"]["synchronous_commit"] == "on"
    figures = report["figures"]
    for name in FIGURES:
        figure = figures[name]
        assert math.isfinite(figure["value"]) and figure["value"] > 0, name
        assert math.isfinite(figure["baseline"]) and figure["baseline"] > 0, name
        assert figure["what"] and figure["baseline_what"] and figure["samples"] != 0, name
    # Reprints and signings are few in 4 s of one station alone: their value must exist, their baseline may not.
    assert math.isfinite(figures["reprint_p50"]["value"]) and figures["reprint_p50"]["baseline_what"]
    assert "sign_p50" in figures and figures["sign_p50"]["baseline_what"]
    for name in BUDGETED:
        assert figures[name]["budget"] and isinstance(figures[name]["passed"], bool), name
    checks = report["checks"]
    assert checks["intents"] > 0 and checks["events_checked"] > 0
    assert checks["lost"] == [] and checks["overwritten"] == [], (checks["lost"], checks["overwritten"])
    assert figures["lost"]["value"] == 0 and figures["overwritten"]["value"] == 0
    assert report["propagation"]["markers"] > 0 and report["propagation"]["seen"] > 0
    assert set(report["errors_by_station"]) == {f"BAY-{n}" for n in range(9)}
    assert report["activity_total"]["keystrokes"] > 0 and report["activity_total"]["commits"] > 0
