"""One measurement of the unit manager's reports, run in a fresh process by ``run.py`` (``measure_reports``):
every report over the whole database (five years at 50,000 checklists), beside a bare COUNT(*) over the audit
trail timed in the same process. Prints one JSON line.

    .venv/bin/python benchmarks/reports_child.py DATA_DIR RUNS

"Every report" is what the ``report`` command and the Reports window compute: the figures per day, week and
month, per rule, physician, proceduralist and nurse (``build_report``, which reads the database once per
kind of fact), then the CSV files and the printable PDF made from them, each timed as a step.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def main() -> None:
    """Time the reports over the whole database ``runs`` times (the first includes the policies' loading)."""
    folder, runs = Path(sys.argv[1]), int(sys.argv[2])
    from checklist_app.pdf.unit_report import render_unit_report
    from checklist_app.storage import open_database
    from checklist_app.workflows import report_csv, reports

    db = open_database(data_dir=folder, create=False)
    with sqlite3.connect(f"file:{folder / 'checklist.sqlite3'}?mode=ro", uri=True) as bare:
        first_signed, last_signed = bare.execute(
            "SELECT min(signed_at), max(signed_at) FROM signed_versions").fetchone()
    # A day either side: the UTC dates stored may be the local day before or after.
    first_day = date.fromisoformat(first_signed[:10]) - timedelta(days=1)
    last_day = date.fromisoformat(last_signed[:10]) + timedelta(days=1)
    samples, steps, baseline, shown = [], [], [], {}
    out = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    for run in range(runs):
        t0 = time.perf_counter()
        report = reports.build_report(db, first_day, last_day, site="bench")
        t1 = time.perf_counter()
        report_csv.write_csv(report, out / f"csv-{run}")
        t2 = time.perf_counter()
        pdf = render_unit_report(report)
        t3 = time.perf_counter()
        samples.append((t3 - t0) * 1000)
        steps.append({"figures": (t1 - t0) * 1000, "csv": (t2 - t1) * 1000, "pdf": (t3 - t2) * 1000})
        with sqlite3.connect(f"file:{folder / 'checklist.sqlite3'}?mode=ro", uri=True) as bare:
            b0 = time.perf_counter()
            events = bare.execute("SELECT COUNT(*) FROM audit_events").fetchone()[0]
            baseline.append((time.perf_counter() - b0) * 1000)
        total = report.total
        shown = {"days": (last_day - first_day).days + 1, "signed": total.signed_cleared + total.signed_not_cleared,
                 "events": events, "pdf_bytes": len(pdf)}
    db.close()
    print(json.dumps({"samples": samples, "steps": steps, "baseline": baseline, **shown}))


if __name__ == "__main__":
    main()
