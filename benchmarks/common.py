"""What the benchmark's child processes share: the fixed clock, the 200-medication record, statistics, and
the guard against the PySide6 6.12.0 reference-count bug.

Kept free of Qt at import time: the memory and start-up children import Qt themselves, when they need it.
"""

from __future__ import annotations

import copy
import ctypes
import json
import math
import os
import statistics
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

# Where generated databases are kept between runs (git-ignored); the smoke test points it at a temporary folder.
CACHE = Path(os.environ.get("CHECKLIST_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
MEDICATIONS = 200
RECORD_ID = "bench-200-meds"


def now() -> datetime:
    """The benchmark's fixed moment (the UI tests' 07:15 on the procedure day)."""
    from checklist_app.domain.timeutil import aware

    return aware(datetime(2026, 11, 21, 7, 15))


def medications(count: int = MEDICATIONS) -> list[dict[str, Any]]:
    """``count`` medication entries, as in tests/pdf/test_pagination.py (every field answered)."""
    return [{"agent": "other", "name": f"Remedy {n:03d} extended-release tablet with a long name",
             "dose": f"{n} mg", "frequency": "daily", "last_dose": "2026-11-20T08:00"}
            for n in range(1, count + 1)]


def record_data(form: Any, record_id: str = RECORD_ID, count: int = MEDICATIONS) -> dict[str, Any]:
    """The clean example moved to the benchmark's day, with ``count`` medications: a draft as the app saves it.

    The two clinical medications of the example (apixaban, metformin) are kept at the top of the list, so the
    record still exercises the hold table; the rest are the generic 'other' entries.
    """
    from checklist_app.workflows.demo import demo_data

    data = demo_data(form, now().date())
    data = copy.deepcopy(data)
    data["record_id"] = record_id
    data["answers"]["medications"] = list(data["answers"]["medications"]) + medications(count - 2)
    return data


# --- statistics ---------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100), nearest rank: p99 of 100 samples is the 99th smallest, never interpolated."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    """The median (NaN for no values)."""
    return statistics.median(values) if values else math.nan


def emit(result: dict[str, Any]) -> None:
    """A child's answer: one JSON line on stdout, the last line it prints."""
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


# --- the PySide6 6.12.0 None reference leak -------------------------------------------------------------

LEAK_PROBE_CALLS = 200


def none_leak_per_call() -> float:
    """How many references to None one void Qt call loses (0 when the binding is sound).

    PySide6 6.12.0 (abi3 wheel) returns None from every void method without a new reference; on CPython 3.12+
    None is immortal and that is harmless, on 3.11 each call takes one reference off None, and the process
    aborts with "Fatal Python error: none_dealloc" once the count reaches zero (a window with 200
    medications gets there while it opens).
    """
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(LEAK_PROBE_CALLS):
        probe.setObjectName("probe")
    return (before - sys.getrefcount(None)) / LEAK_PROBE_CALLS


GUARD_REFERENCES = 1 << 40


def guard_none() -> bool:
    """Add references to None (no memory is used) when Qt leaks them, so a long run cannot abort.

    Only the benchmark does this, and it reports that it did: the app itself still has the bug.
    """
    if os.environ.get("CHECKLIST_BENCH_NO_GUARD") or sys.version_info >= (3, 12):
        return False
    if none_leak_per_call() <= 0:
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += GUARD_REFERENCES
    return True
