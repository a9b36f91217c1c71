"""``report``: the unit manager's figures for a range of days, as a short summary on screen, CSV files for
spreadsheets (``--csv DIR``) and the printable report (``--pdf FILE``). No patient is named unless
``--with-patients`` is given. (``cli/report.py`` is something else: the findings text that ``check`` prints.)
"""

from __future__ import annotations

import argparse
import re
from datetime import date, timedelta
from pathlib import Path

from checklist_app.domain import conventions
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.unit_report import UnitReport

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTH_FORMAT = re.compile(r"(\d{4})-(\d{2})")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report``."""
    parser = subparsers.add_parser(
        "report", help="the unit manager's report: checklists, deferrals and their reasons, overrides, times",
        description="Figures per day, week and month from the audit trail and the signed checklists, for the "
                    "days FROM to TO (both included; local dates). Without --from/--to/--month: last calendar "
                    "month. No patient identifiers unless --with-patients.")
    parser.add_argument("--from", dest="first", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--month", metavar="YYYY-MM", help="one calendar month (instead of --from/--to)")
    parser.add_argument("--csv", metavar="DIR", type=Path, help="write one CSV file per table into DIR")
    parser.add_argument("--pdf", metavar="FILE", type=Path, help="write the printable report")
    parser.add_argument("--with-patients", action="store_true",
                        help="also list the NOT CLEARED checklists with patient name and MRN (off by default)")
    parser.set_defaults(handler=_report)


def _day(text: str, field: str) -> date:
    try:
        if not DATE_FORMAT.fullmatch(text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ChecklistError(f"{field}: '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-11-01") from None


def report_range(first: str | None, last: str | None, month: str | None, today: date) -> tuple[date, date]:
    """The days asked for, or the sentence (naming the option) why they cannot be."""
    if month is not None:
        if first is not None or last is not None:
            raise ChecklistError("--month: give either --month or --from/--to, not both")
        found = MONTH_FORMAT.fullmatch(month.strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise ChecklistError(f"--month: '{month}' is not a month; use YYYY-MM, e.g. 2026-11")
        start = date(int(found.group(1)), int(found.group(2)), 1)
        return start, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if first is None and last is None:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if first is None:
        raise ChecklistError("--from: missing; give the first day of the range (YYYY-MM-DD) with --to")
    return _day(first, "--from"), (_day(last, "--to") if last is not None else today)


def _report(args: argparse.Namespace) -> int:
    from checklist_app.pdf.unit_report import render_unit_report
    from checklist_app.storage import open_database, paths
    from checklist_app.workflows import report_csv, reports
    from checklist_app.workflows.site_settings import load_effective_site

    first, last = report_range(args.first, args.last, args.month, date.today())
    reports.check_range(first, last)
    if args.pdf is not None and args.pdf.is_dir():
        raise ChecklistError(f"--pdf: {args.pdf} is a folder; give a file name, e.g. {args.pdf / 'unit-report.pdf'}")
    with open_database(create=False) as db:
        site = load_effective_site(paths.data_dir(), db)
        conventions.set_site_locale(site.locale)  # the PDF's dates as the site writes them
        report = reports.build_report(db, first, last, with_patients=args.with_patients, site=site.facility_name,
                                      rules=reports.rule_catalogue(site.default_policy))
    print(summary_text(report))
    if args.csv is not None:
        written = report_csv.write_csv(report, args.csv.expanduser())
        print(f"Wrote {len(written)} CSV files to {args.csv}{' (one names patients)' if args.with_patients else ''}")
    if args.pdf is not None:
        target = args.pdf.expanduser()
        try:
            target.write_bytes(render_unit_report(report))
        except OSError as exc:
            raise ChecklistError(f"--pdf: cannot write {target} ({exc.strerror or exc})") from exc
        print(f"Wrote {target}{' (it names patients)' if args.with_patients else ''}")
    return 0


def summary_text(report: UnitReport) -> str:
    """The few lines printed on screen: the range's totals and its most common coded reasons."""
    from checklist_app.pdf.unit_report import minutes_text, percent

    total = report.total
    signed = total.signed_cleared + total.signed_not_cleared
    lines = [
        f"Unit report {report.first_day} to {report.last_day}{' (' + report.site + ')' if report.site else ''}",
        f"  started {total.started}, signed cleared {total.signed_cleared}, signed NOT CLEARED "
        f"{total.signed_not_cleared} ({percent(total.signed_not_cleared, signed)}), amended {total.amended}",
        f"  first answer to signature: median {minutes_text(total.timing.median_minutes)}, "
        f"90% within {minutes_text(total.timing.p90_minutes)}",
    ]
    if total.reasons:
        lines.append("  NOT CLEARED because of: " + ", ".join(f"{rule} {count}" for rule, count in total.reasons[:5]))
    lines += [f"  {note}" for note in report.notes]
    return "\n".join(lines)
