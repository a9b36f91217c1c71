"""The pre-admission plan, headless: the patient's calendar as a PDF from a plan's record file, or the one kept
with a signed plan.

    python -m checklist_app plan calendar plan.json --lang es --large-print -o calendar.pdf [--now ISO]
    python -m checklist_app plan calendar --record-id plan-20261203-... -o calendar.pdf

A record file carries no signature, so its calendar prints as a draft; a signed plan's calendar is the one
made and kept when it was signed (written again is an "exported" event in the audit trail).
"""

from __future__ import annotations

import argparse
import getpass
from datetime import datetime
from pathlib import Path

from checklist_app.cli import EXIT_OK
from checklist_app.cli.core import load_record_file, moment, policy_for
from checklist_app.cli.render import _write
from checklist_app.domain import conventions
from checklist_app.domain.errors import ChecklistError
from checklist_app.rules import load_form
from checklist_app.storage.paths import data_dir
from checklist_app.workflows.site_seal import command_database
from checklist_app.workflows.site_settings import load_effective_site


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``plan calendar``."""
    plan = sub.add_parser("plan", help="the pre-admission plan: the patient's calendar")
    commands = plan.add_subparsers(dest="plan_command", metavar="COMMAND", required=True)
    p = commands.add_parser("calendar", help="write the patient's calendar (PDF) for a plan")
    p.add_argument("record", type=Path, nargs="?", help="a plan's record file (JSON), printed as a draft")
    p.add_argument("--record-id", metavar="ID", help="a signed plan in the database: its calendar as kept")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="PDF", help="the PDF file to write")
    p.add_argument("--lang", choices=["en", "es"], help="the calendar's language (default: the plan's)")
    p.add_argument("--large-print", action="store_true", default=None, help="16 pt large print")
    p.add_argument("--now", type=moment, help="the moment of the call, ISO date-time (default: now)")
    p.add_argument("--policy", help="policy id (default: the record's, else the site's)")
    p.add_argument("--force", action="store_true", help="replace the PDF if it exists")
    p.add_argument("--reproducible", action="store_true", help="byte-identical output for the same input")
    p.set_defaults(handler=run_calendar)


def run_calendar(args: argparse.Namespace) -> int:
    """Write one plan's calendar."""
    from checklist_app.workflows.plan_calendar import build_calendar
    from checklist_app.workflows.plan_records import calendar_pdf

    if (args.record is None) == (args.record_id is None):
        raise ChecklistError("plan calendar needs either a plan's record file or --record-id ID, not both")
    if args.record_id is not None:
        return _signed(args)
    with command_database() as db:
        now = args.now or datetime.now().astimezone()
        site = load_effective_site(data_dir(), db)
        conventions.set_site_locale(site.locale)  # before the form: its wording and the calendar's dates
        form = load_form()
        record = load_record_file(args.record, form, now)
        policy = policy_for(form, args.policy, record, site_default=site.default_policy)
        answers = record.answer_values()
        pdf = calendar_pdf(build_calendar(form, policy, site, answers, now), answers, language=args.lang,
                           large_print=args.large_print, invariant=args.reproducible)
    _write(args.out, pdf, args.force)
    print(f"wrote {args.out} (draft: not signed)")
    return EXIT_OK


def _os_account() -> str:
    """Who wrote the file, as the trail names a command's user: os:<login>."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def _signed(args: argparse.Namespace) -> int:
    from checklist_app import storage
    from checklist_app.domain.plan_ids import is_plan
    from checklist_app.workflows.plan_records import CALENDAR_KIND

    given = [flag for name, flag in (("lang", "--lang"), ("large_print", "--large-print"), ("now", "--now"),
                                     ("policy", "--policy"), ("reproducible", "--reproducible"))
             if getattr(args, name) not in (None, False)]
    if given:
        raise ChecklistError(f"{', '.join(given)} cannot be used with --record-id: a signed plan's calendar is the "
                             "one made when it was signed")
    if not is_plan(args.record_id):
        raise ChecklistError(f"--record-id {args.record_id}: not a pre-admission plan (their ids start 'plan-')")
    db = storage.open_database(data_dir=data_dir(), create=False)
    try:
        versions = storage.list_versions(db, args.record_id)
        if not versions:
            raise ChecklistError(f"--record-id {args.record_id}: no signed plan with this id in the database")
        pdf = storage.get_pdf(db, versions[-1].version_id, CALENDAR_KIND)
        if pdf is None:
            raise ChecklistError(f"--record-id {args.record_id}: no calendar is kept with this plan")
        _write(args.out, pdf, args.force)
        storage.record_exported(db, args.record_id, versions[-1].version_id, staff_id=_os_account(),
                                kind=CALENDAR_KIND, file_name=args.out.name)
    finally:
        db.close()
    print(f"wrote {args.out} (signed plan, version {versions[-1].version_no})")
    return EXIT_OK
