"""The performance benchmark: every figure beside a baseline measured in the same run, with its budget.

    .venv/bin/python benchmarks/run.py [--json] [--repeat N] [--quick] [--only NAME ...]

Each measurement runs in fresh child processes (``children.py``), so one figure's caches and garbage do not
leak into the next. ``--repeat N`` (default 5) runs each cold-start pair N times (interleaved) and each other
measurement in N child processes; figures are medians over the runs, p50/p99 over all samples pooled.
``--quick`` is the smoke run: one repetition, a 500-checklist database, 50 medications, few samples; its
figures are not comparable with a full run. ``--json`` prints one JSON document instead of the table.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import common  # noqa: E402
import dataset  # noqa: E402

CHILDREN = HERE / "children.py"
CHILD_TIMEOUT = 600

# name -> (what, unit, budget kind, budget value). Kinds: "ratio" compares the figure with its baseline,
# "max" compares the figure itself with the limit.
BUDGETS: dict[str, tuple[str, str, str, float | None]] = {
    "cold_start": ("cold start to the first window painted (fresh install: empty worklist)", "ms", "ratio", 1.5),
    "cold_start_50k": ("cold start to the first window painted, 50,000 checklists (sign-in)", "ms", "ratio", 1.5),
    "keystroke_p50": ("keystroke to findings updated, 200 medications, p50", "ms", "max", None),
    "keystroke_p99": ("keystroke to findings updated, 200 medications, p99", "ms", "max", 16.0),
    "autosave_p50": ("autosave commit (save_draft), 200 medications, p50", "ms", "max", None),
    "autosave_p99": ("autosave commit (save_draft), 200 medications, p99", "ms", "max", 20.0),
    "sign_first": ("sign to both PDFs written and sealed, 200 medications, first", "ms", "max", 1000.0),
    "sign_warm": ("sign to both PDFs written and sealed, 200 medications, warm", "ms", "max", 300.0),
    "worklist_50k": ("worklist opening, 50,000 checklists, first in process", "ms", "max", 200.0),
    "worklist_50k_again": ("worklist opening again (same process)", "ms", "max", 200.0),
    "peak_memory": ("peak memory after completing a checklist, 200 medications", "MB", "max", 250.0),
    "reports_50k": ("every unit report over 50,000 checklists (figures, CSV, PDF)", "ms", "max", 2000.0),
}


class ChildFailed(RuntimeError):
    """A child process crashed or printed no result."""


def child(*args: Any, env: dict[str, str] | None = None, timeout: float = CHILD_TIMEOUT) -> dict[str, Any]:
    """Run one measurement in a fresh process and return its JSON result."""
    command = [sys.executable, str(CHILDREN), *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=HERE.parent,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})})
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        output = (result.stderr or result.stdout).strip().splitlines()
        fatal = [line for line in output if line.startswith("Fatal Python error")]
        raise ChildFailed(f"{args[0]} exited with {result.returncode}: {' | '.join(fatal or output[-3:])}")
    return json.loads(lines[-1])


def startup_pair(data_dir: Path, cache_dir: Path) -> tuple[float, float, float]:
    """One cold start of the app and one of the bare window, each from process start to first paint (ms),
    and the app's start to the moment it is live (everything opened behind the first window). ``cache_dir``:
    the app's user cache folder (its JSON copies of the YAML files; a new empty one for a fresh install)."""
    t0 = time.monotonic()
    started = child("startup-app", data_dir, timeout=120, env={"CHECKLIST_APP_CACHE_DIR": str(cache_dir)})
    app, live = started["painted_at"] - t0, started["live_at"] - t0
    t0 = time.monotonic()
    bare = child("startup-bare", timeout=60)["painted_at"] - t0
    return app * 1000, bare * 1000, live * 1000


# --- the measurements ---------------------------------------------------------------------------------

def measure_cold_start(repeat: int, work: Path) -> dict[str, Any]:
    """The app on a fresh data folder (first run: database made, demo patient added) and on later starts."""
    fresh_app, fresh_bare, again_app, fresh_live, again_live = [], [], [], [], []
    for n in range(repeat):
        folder, cache = work / f"start-{n}", work / f"cache-{n}"  # a new install: no data, no cache
        app, bare, live = startup_pair(folder, cache)
        fresh_app.append(app)
        fresh_bare.append(bare)
        fresh_live.append(live)
        app, _, live = startup_pair(folder, cache)
        again_app.append(app)
        again_live.append(live)
    bare_name = "bare QApplication + QMainWindow painted"
    return {"cold_start": figure(fresh_app, fresh_bare, bare_name),
            "cold_start_again": figure(again_app, fresh_bare, bare_name),
            "cold_start_live": figure(fresh_live, fresh_bare, bare_name),
            "cold_start_again_live": figure(again_live, fresh_bare, bare_name)}


def measure_cold_start_50k(repeat: int, folder: Path, work: Path) -> dict[str, Any]:
    """Start on a copy of the large database (a copy: start-up may write to it)."""
    target, cache = work / "start-50k", work / "cache-50k"
    shutil.copytree(folder, target)
    startup_pair(target, cache)  # not counted: an installation in use has its cache (and the file in page cache)
    apps, bares, lives = [], [], []
    for _ in range(repeat):
        app, bare, live = startup_pair(target, cache)
        apps.append(app)
        bares.append(bare)
        lives.append(live)
    return {"cold_start_50k": figure(apps, bares, "bare QApplication + QMainWindow painted"),
            "cold_start_50k_live": figure(lives, bares, "bare QApplication + QMainWindow painted")}


def measure_keystroke(repeat: int, keys: int, medications: int) -> dict[str, Any]:
    """Keys into the checklist window (p50/p99 over every key of every run) against a bare QLineEdit."""
    samples, bare, kinds, opens, guarded = [], [], {"text": [], "finding": []}, [], False
    for _ in range(repeat):
        result = child("keystroke-app", keys, medications)
        samples += result["samples"]
        for kind, values in result["by_kind"].items():
            kinds[kind] += values
        opens.append(result["open_ms"])
        guarded |= result["guarded"]
        bare += child("keystroke-bare", keys)["samples"]
    base = "bare QLineEdit textChanged -> QLabel, same keys"
    out = {"keystroke_p50": figure([common.percentile(samples, 50)], [common.percentile(bare, 50)], base),
           "keystroke_p99": figure([common.percentile(samples, 99)], [common.percentile(bare, 99)], base),
           "checklist_window_open": figure(opens, None, "")}
    out["keystroke_p99"]["samples"] = len(samples)
    out["keystroke_p99"]["by_kind_p99"] = {k: common.percentile(v, 99) for k, v in kinds.items()}
    out["keystroke_p50"]["by_kind_p50"] = {k: common.percentile(v, 50) for k, v in kinds.items()}
    out["_guarded"] = guarded
    return out


def measure_autosave(repeat: int, saves: int, medications: int) -> dict[str, Any]:
    """save_draft p50/p99 over every save of every run, against a bare sqlite3 INSERT."""
    samples, bare, size = [], [], 0
    for _ in range(repeat):
        result = child("autosave", saves, medications)
        samples += result["samples"]
        bare += result["baseline"]
        size = result["json_bytes"]
    base = f"bare sqlite3 INSERT of the same {size // 1024} KiB JSON, WAL + synchronous=FULL, committed"
    out = {"autosave_p50": figure([common.percentile(samples, 50)], [common.percentile(bare, 50)], base),
           "autosave_p99": figure([common.percentile(samples, 99)], [common.percentile(bare, 99)], base)}
    out["autosave_p99"]["samples"] = len(samples)
    return out


def measure_sign(repeat: int, medications: int) -> dict[str, Any]:
    """The first and the second sign-to-packet of a fresh process, against reportlab alone."""
    first, warm, first_base, warm_base, steps_first, steps_warm = [], [], [], [], [], []
    for _ in range(repeat):
        runs = child("sign", medications, 2)["runs"]
        first.append(runs[0]["total"])
        warm.append(runs[1]["total"])
        steps_first.append(runs[0]["steps"])
        steps_warm.append(runs[1]["steps"])
        base = child("sign-baseline", 2)
        first_base.append(base["runs"][0] + base["import_ms"])
        warm_base.append(base["runs"][1])
    out = {"sign_first": figure(first, first_base, "reportlab two-page document, fresh process incl. import"),
           "sign_warm": figure(warm, warm_base, "reportlab two-page document, warm")}
    out["sign_first"]["steps_ms"] = median_steps(steps_first)
    out["sign_warm"]["steps_ms"] = median_steps(steps_warm)
    small_first, small_warm, small_steps = [], [], []
    for _ in range(repeat):  # the everyday record (the clean example, 2 medications), for comparison
        runs = child("sign", 2, 2)["runs"]
        small_first.append(runs[0]["total"])
        small_warm.append(runs[1]["total"])
        small_steps.append(runs[1]["steps"])
    out["sign_first_small"] = figure(small_first, first_base, "reportlab two-page document, fresh process incl. import")
    out["sign_warm_small"] = figure(small_warm, warm_base, "reportlab two-page document, warm")
    out["sign_warm_small"]["steps_ms"] = median_steps(small_steps)
    return out


def measure_worklist(repeat: int, folder: Path, runs: int) -> dict[str, Any]:
    """The worklist opened on the large database (first in the process, then again), against a bare SELECT."""
    first, again, bare, rows, all_dates = [], [], [], 0, []
    for _ in range(repeat):
        result = child("worklist", folder, runs)
        first.append(result["samples"][0])
        again += result["samples"][1:]
        bare += result["baseline"]
        rows = result["rows"]
        all_dates.append(result["all_dates_ms"])
    base = f"bare SELECT of all {result['baseline_rows']:,} signed versions (record_id, signed_at)"
    out = {"worklist_50k": figure(first, bare, base), "worklist_50k_again": figure(again or first, bare, base),
           "worklist_all_dates": figure(all_dates, bare, base)}
    out["worklist_50k"]["rows_shown"] = rows
    out["worklist_all_dates"]["rows_shown"] = result["all_dates_rows"]
    return out


def measure_reports(repeat: int, folder: Path) -> dict[str, Any]:
    """The unit manager's reports over the whole database (reports_child.py), against a bare COUNT(*) over the
    audit trail in the same process; each child computes them twice (the first also loads the policies)."""
    values, baseline, steps = [], [], []
    for _ in range(repeat):
        result = subprocess.run([sys.executable, str(HERE / "reports_child.py"), str(folder), "2"], capture_output=True,
                                text=True, timeout=CHILD_TIMEOUT, cwd=HERE.parent)
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            raise ChildFailed(f"reports exited with {result.returncode}: {result.stderr.strip()[-300:]}")
        found = json.loads(lines[-1])
        values += found["samples"]
        baseline += found["baseline"]
        steps += found["steps"]
    out = {"reports_50k": figure(values, baseline, f"bare COUNT(*) of the {found['events']:,} audit events")}
    out["reports_50k"]["steps_ms"] = median_steps(steps)
    return out


def measure_memory(repeat: int, medications: int) -> dict[str, Any]:
    """ru_maxrss of a process that completed a checklist, against a bare Qt window's."""
    app, bare, guarded = [], [], False
    for _ in range(repeat):
        result = child("memory-app", medications)
        app.append(result["peak_bytes"] / 2**20)
        guarded |= result["guarded"]
        bare.append(child("memory-bare")["peak_bytes"] / 2**20)
    small = [child("memory-app", 2)["peak_bytes"] / 2**20 for _ in range(repeat)]  # the clean example
    return {"peak_memory": figure(app, bare, "bare QApplication + QMainWindow, ru_maxrss"),
            "peak_memory_small": figure(small, bare, "bare QApplication + QMainWindow, ru_maxrss"), "_guarded": guarded}


def measure_crash(medications: int) -> dict[str, Any]:
    """Whether the 200-medication window survives without the benchmark's None guard."""
    try:
        result = child("crash-check", medications, 40, env={"CHECKLIST_BENCH_NO_GUARD": "1"}, timeout=300)
        return {"survived": bool(result.get("survived")), "detail": "opened and typed 40 keys"}
    except ChildFailed as exc:
        return {"survived": False, "detail": str(exc)}


# --- figures, budgets, output ------------------------------------------------------------------------------

def figure(values: list[float], baseline: list[float] | None, baseline_what: str) -> dict[str, Any]:
    """Median of the runs beside the median of its baseline, and their ratio."""
    value = common.median(values)
    base = common.median(baseline) if baseline else None
    return {"value": value, "runs": values, "baseline": base, "baseline_runs": baseline or [],
            "baseline_what": baseline_what, "ratio": value / base if base else None}


def median_steps(steps: list[dict[str, float]]) -> dict[str, float]:
    """The median of each named step over the runs."""
    return {name: common.median([s[name] for s in steps]) for name in steps[0]}


def judge(figures: dict[str, Any]) -> None:
    """Attach the budget and pass/fail to every budgeted figure."""
    for name, (what, unit, kind, limit) in BUDGETS.items():
        fig = figures.get(name)
        if fig is None:
            continue
        fig.update(what=what, unit=unit, kind=kind, limit=limit)
        if limit is None:
            fig["budget"] = None
            fig["passed"] = None
            continue
        if kind == "ratio":
            fig["budget"] = f"<= {limit}x baseline"
            fig["passed"] = fig["ratio"] is not None and fig["ratio"] <= limit
        else:
            fig["budget"] = f"< {limit:g} {unit}"
            fig["passed"] = fig["value"] < limit
    info = {"cold_start_again": ("cold start, later starts (worklist with today's rows)", "ms"),
            "cold_start_live": ("cold start to the app live (fresh install)", "ms"),
            "cold_start_again_live": ("cold start to the app live, later starts", "ms"),
            "cold_start_50k_live": ("cold start to the app live, 50,000 checklists", "ms"),
            "sign_first_small": ("sign to packet, first, clean example (2 medications)", "ms"),
            "sign_warm_small": ("sign to packet, warm, clean example (2 medications)", "ms"),
            "peak_memory_small": ("peak memory, clean example (2 medications)", "MB"),
            "checklist_window_open": ("checklist window opening, 200 medications", "ms"),
            "worklist_all_dates": ("worklist 'All dates' on 50,000 checklists", "ms")}
    for name, (what, unit) in info.items():
        if name in figures:
            figures[name].update(what=what, unit=unit, budget=None, passed=None)


def fmt(value: float | None, unit: str) -> str:
    """A figure for the table."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"


def table(report: dict[str, Any]) -> str:
    """The report as a text table, with notes under it."""
    rows = [("figure", "value", "baseline", "ratio", "budget", "result")]
    for fig in report["figures"].values():
        if "what" not in fig:
            continue
        unit = fig["unit"]
        result = {True: "met", False: "NOT MET", None: ""}[fig.get("passed")]
        ratio = f"{fig['ratio']:.2f}x" if fig.get("ratio") else "-"
        rows.append((fig["what"], fmt(fig["value"], unit), fmt(fig["baseline"], unit), ratio, fig.get("budget") or "",
                     result))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) if i < 4 else cell.ljust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    env = report["environment"]
    head = (f"checklist_app benchmark ({'quick' if report['quick'] else 'full'}, repeat {report['repeat']}): "
            f"Python {env['python']}, PySide6 {env['pyside6']}, {env['cpus']} cores, {report['checklists']:,} "
            f"checklists, {report['medications']} medications")
    notes = [f"note: {n}" for n in report["notes"]]
    for name in ("sign_first", "sign_warm", "sign_warm_small", "reports_50k"):
        if name in report["figures"]:
            steps = report["figures"][name]["steps_ms"]
            notes.append(f"{name} steps (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in steps.items()))
    for name, key in (("keystroke_p99", "by_kind_p99"),):
        if name in report["figures"]:
            kinds = report["figures"][name][key]
            notes.append("keystroke p99 by kind (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in kinds.items()))
    return "\n".join([head, "", *lines, "", *notes])


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print the table (or the JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--repeat", type=int, default=None, help="runs per figure (default 5; 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 repetition, 500 checklists, few samples")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        choices=["cold_start", "keystroke", "autosave", "sign", "worklist", "memory", "crash",
                                 "reports"],
                        help="run only these measurements")
    options = parser.parse_args(argv)
    repeat = options.repeat or (1 if options.quick else 5)
    quick = options.quick
    checklists = 500 if quick else 50_000
    medications = 50 if quick else common.MEDICATIONS  # a smaller record keeps the smoke run short
    keys = 20 if quick else 100
    saves = 20 if quick else 200
    wanted = set(options.only or ["cold_start", "keystroke", "autosave", "sign", "worklist", "memory", "crash",
                                  "reports"])
    # The app's bytecode, as an installed app (and scripts/bootstrap.sh) has it: with PYTHONDONTWRITEBYTECODE
    # set, every start would otherwise compile the app's modules again (~20 ms of the cold start).
    compileall.compile_dir(str(HERE.parent / "checklist_app"), quiet=1)
    started = time.monotonic()
    report: dict[str, Any] = {"quick": quick, "repeat": repeat, "checklists": checklists, "medications": medications,
                              "environment": child("environment"), "figures": {}, "notes": []}
    figures = report["figures"]
    guarded = False

    def add(result: dict[str, Any]) -> None:
        nonlocal guarded
        guarded |= bool(result.pop("_guarded", False))
        figures.update(result)

    work = Path(tempfile.mkdtemp(prefix="checklist-bench-"))
    try:
        folder = None
        if wanted & {"worklist", "cold_start", "reports"}:
            folder, made = dataset.ensure(checklists)
            if made:
                report["notes"].append(f"made the {checklists:,}-checklist database in {folder}")
        if "cold_start" in wanted:
            add(measure_cold_start(repeat, work))
            add(measure_cold_start_50k(repeat, folder, work))
        if "keystroke" in wanted:
            add(measure_keystroke(repeat, keys, medications))
        if "autosave" in wanted:
            add(measure_autosave(repeat, saves, medications))
        if "sign" in wanted:
            add(measure_sign(repeat, medications))
        if "worklist" in wanted:
            add(measure_worklist(repeat, folder, 2 if quick else 3))
        if "memory" in wanted:
            add(measure_memory(repeat, medications))
        if "reports" in wanted:
            add(measure_reports(repeat, folder))
        if "crash" in wanted and not quick and report["environment"]["none_refs_lost_per_qt_call"] > 0:
            report["qt_none_leak_crash_check"] = measure_crash(medications)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    leak = report["environment"]["none_refs_lost_per_qt_call"]
    if leak > 0:
        crash = report.get("qt_none_leak_crash_check")
        verdict = ("" if crash is None else " The 200-medication window survived without the guard." if
                   crash["survived"] else f" Without the guard the 200-medication window CRASHED ({crash['detail']}).")
        report["notes"].append(
            f"PySide6 {report['environment']['pyside6']} on Python {report['environment']['python']} loses "
            f"{leak:g} reference to None per void Qt call; the app aborts ('Fatal Python error: none_dealloc') "
            f"once None's count reaches 0.{verdict}"
            f"{' GUI figures were measured with the guard (references added to None).' if guarded else ''}")
    judge(figures)
    for fig in figures.values():
        if "what" in fig:
            fig["what"] = fig["what"].replace("50,000", f"{checklists:,}")
    report["seconds"] = time.monotonic() - started
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        print(table(report))
        print(f"\n({report['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
