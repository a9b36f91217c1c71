"""The unit report as CSV files for spreadsheets, one file per table, each column documented in ``FILES``
(the README's table is this one). UTF-8 with a byte-order mark, which is how Excel recognises UTF-8;
numbers as numbers; any text a spreadsheet would take for a formula (a proceduralist typed as
``=HYPERLINK(...)``) is written with a leading apostrophe. No Qt.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.unit_report import PeriodRow, Timing, UnitReport
from checklist_app.workflows.reports import GRANULARITIES

_TIMING = [("signed_with_time",
            "checklists whose first answer is in the audit trail (the time figures are over these)"),
           ("median_minutes_to_sign", "median minutes from the first answer to the first signature"),
           ("p90_minutes_to_sign", "90th percentile of those minutes (nine in ten were signed within it)")]
_PERIOD = [("period", "the day (YYYY-MM-DD), week (named by its Monday) or month (YYYY-MM)"),
           ("first_day", "first day counted (the range's first day when the range starts mid-period)"),
           ("last_day", "last day counted"),
           ("started", "checklists started (created) in the period"),
           ("signed_cleared", "checklists first signed in the period with the patient cleared"),
           ("signed_not_cleared", "checklists first signed NOT CLEARED (deferred) in the period"),
           ("amended", "amendments signed in the period (not counted in the two columns before)"),
           ("not_cleared_reasons", "coded reasons of the NOT CLEARED signatures: rule id and count, most first"),
           *_TIMING]

# file name -> (what it holds, [(column, meaning)]). deferred_patients.csv is written only when asked for.
FILES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "summary.csv": ("the whole range in one row", [
        ("first_day", "first day of the range"), ("last_day", "last day of the range"),
        *[c for c in _PERIOD if c[0] not in ("period", "first_day", "last_day")],
        ("overrides", "hard stops overridden by a physician, counted at signing"),
        ("ready_by_deadline", "not available yet: what a past case had at its deadline is not recorded")]),
    **{f"periods_{g}.csv": (f"one row per {g}", _PERIOD) for g in GRANULARITIES},
    "rules.csv": ("one row per policy rule that raised a finding or was acknowledged", [
        ("rule_id", "the policy's rule id"), ("description", "what the rule checks"),
        ("severity", "hard_stop or warning"),
        ("checklists", "first signatures in which the rule had a finding"),
        ("overridden", "hard stops: checklists where a physician overrode it"),
        ("override_rate_percent", "hard stops: overridden / checklists x 100"),
        ("deferred", "hard stops: NOT CLEARED checklists with this rule open"),
        ("acknowledgements", "acknowledgements of its findings recorded in the audit trail in the range")]),
    "deferral_reasons.csv": ("the coded reasons of the NOT CLEARED signatures", [
        ("rule_id", "the open hard stop's rule id"), ("description", "what the rule checks"),
        ("not_cleared_checklists", "NOT CLEARED checklists with this rule open"),
        ("percent_of_not_cleared", "of all NOT CLEARED checklists (one with two open rules counts for both)")]),
    "physicians.csv": ("one row per physician account that overrode a hard stop", [
        ("staff_id", "the physician's account"), ("name", "the account's name"),
        ("overrides", "hard-stop findings overridden, counted at signing"),
        ("checklists", "checklists with at least one of them"),
        ("percent_of_overrides", "of all overrides in the range"),
        ("rules_overridden", "rule id and count, most first")]),
    "proceduralists.csv": ("one row per proceduralist named on the checklists", [
        ("proceduralist", "the form's proceduralist answer, as typed"),
        ("checklists", "checklists first signed in the range"),
        ("with_hard_stop", "of those, with at least one hard stop at signing"),
        ("overridden", "of those, cleared because a physician overrode every hard stop"),
        ("override_rate_percent", "overridden / with_hard_stop x 100"),
        ("not_cleared", "checklists signed NOT CLEARED"), *_TIMING]),
    "nurses.csv": ("one row per nurse who signed", [
        ("staff_id", "the nurse's account"), ("name", "the name signed with"),
        ("checklists", "checklists first signed in the range"),
        ("signed_not_cleared", "of those, signed NOT CLEARED"), *_TIMING]),
}
PATIENTS_FILE = "deferred_patients.csv"
PATIENT_COLUMNS = [("signed_at", "local date and time of the NOT CLEARED signature"),
                   ("record_id", "the checklist"), ("patient_name", "patient"), ("mrn", "medical record number"),
                   ("scheduled_start", "the procedure's scheduled start"), ("proceduralist", "as typed"),
                   ("reasons", "coded reasons (rule ids)")]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _counts(pairs: Iterable[tuple[str, int]]) -> str:
    return "; ".join(f"{key} {count}" for key, count in pairs)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _timing(timing: Timing) -> list[object]:
    return [timing.count, timing.median_minutes, timing.p90_minutes]


def _period(row: PeriodRow) -> list[object]:
    return [row.label, row.first_day.isoformat(), row.last_day.isoformat(), row.started, row.signed_cleared,
            row.signed_not_cleared, row.amended, _counts(row.reasons), *_timing(row.timing)]


def tables(report: UnitReport) -> dict[str, list[list[object]]]:
    """Each file's rows (without the header), by file name."""
    total = report.total
    not_cleared = total.signed_not_cleared
    found: dict[str, list[list[object]]] = {
        "summary.csv": [[*_period(total)[1:], sum(p.overrides for p in report.physicians), "not available yet"]],
        **{f"periods_{g}.csv": [_period(row) for row in report.periods[g]] for g in GRANULARITIES},
        "rules.csv": [[r.rule_id, r.description, r.severity, r.checklists, r.overridden if r.severity == "hard_stop"
                       else None, _rate(r.overridden, r.checklists) if r.severity == "hard_stop" else None,
                       r.deferred if r.severity == "hard_stop" else None, r.acknowledgements] for r in report.rules],
        "deferral_reasons.csv": [[rule_id, report.describe(rule_id), count, _rate(count, not_cleared)]
                                 for rule_id, count in total.reasons],
        "physicians.csv": [[p.staff_id, p.name, p.overrides, p.checklists, round(100 * p.share, 1),
                            _counts(p.top_rules)] for p in report.physicians],
        "proceduralists.csv": [[p.proceduralist, p.checklists, p.with_hard_stop, p.overridden,
                                _rate(p.overridden, p.with_hard_stop), p.deferred, *_timing(p.timing)]
                               for p in report.proceduralists],
        "nurses.csv": [[n.staff_id, n.name, n.checklists, n.signed_not_cleared, *_timing(n.timing)]
                       for n in report.nurses],
    }
    if report.deferred_cases is not None:
        found[PATIENTS_FILE] = [[f"{c.signed_at:%Y-%m-%d %H:%M}", c.record_id, c.patient_name, c.mrn,
                                 c.scheduled_start, c.proceduralist, " ".join(c.reasons)]
                                for c in report.deferred_cases]
    return found


def columns(name: str) -> Sequence[tuple[str, str]]:
    """The documented columns of one file."""
    return PATIENT_COLUMNS if name == PATIENTS_FILE else FILES[name][1]


def write_csv(report: UnitReport, folder: Path) -> list[Path]:
    """Write every table into ``folder`` (created if missing); returns the files written. Refuses (in words) a
    folder that cannot be written, rather than leaving half the files."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ChecklistError(f"--csv: cannot make the folder {folder} ({exc.strerror or exc})") from exc
    written = []
    for name, rows in tables(report).items():
        path = folder / name
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([column for column, _ in columns(name)])
                writer.writerows([[_cell(value) for value in row] for row in rows])
        except OSError as exc:
            raise ChecklistError(f"--csv: cannot write {path} ({exc.strerror or exc})") from exc
        written.append(path)
    return written
