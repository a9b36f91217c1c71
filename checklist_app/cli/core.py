"""The core headless commands: ``check`` a record, print the record ``schema``, ``validate-form``.

``check`` exits 0 when nothing stops the procedure, 1 while hard stops remain (not overridden), and 2
when the record, form or policy is invalid; the reason is printed as plain sentences, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK
from checklist_app.cli.report import human_report
from checklist_app.domain.errors import ChecklistError, PolicyDefinitionError, RecordValidationError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.loading import read_data
from checklist_app.domain.record import parse_record, record_model
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.rules import evaluate, load_form, load_policy_for
from checklist_app.rules.policy import PolicyDefinition, check_fits_form, load_policy
from checklist_app.workflows.site_settings import site_for_command


def register(sub: argparse._SubParsersAction) -> None:
    """Add check, schema and validate-form."""
    p = sub.add_parser("check", help="evaluate a record against the clinical policy")
    p.add_argument("record", type=Path, help="a checklist record (JSON)")
    p.add_argument("--json", action="store_true", help="print findings as JSON for machines")
    p.add_argument("--policy", help="policy id (e.g. sir-2019) or file; default: the record's, else the site's")
    p.add_argument("--form", type=Path, help="form file (default: the shipped form)")
    p.add_argument("--now", type=moment, help="evaluate as of this ISO date-time (default: now)")
    p.set_defaults(handler=run_check)

    p = sub.add_parser("schema", help="print the JSON Schema of a checklist record (or of the form file)")
    p.add_argument("--form", type=Path, help="form file (default: the shipped form)")
    p.add_argument("--of", choices=["record", "form", "policy"], default="record",
                   help="record (default), the form file format, or the policy file format")
    p.set_defaults(handler=run_schema)

    p = sub.add_parser("validate-form", help="check a form or policy file; exit 2 with the first problem")
    p.add_argument("file", type=Path)
    p.add_argument("--form", type=Path, help="for a policy: the form it must fit (default: the shipped form)")
    p.set_defaults(handler=run_validate)


def moment(text: str) -> datetime:
    """argparse type for --now: an ISO date-time, or a usage error naming the format."""
    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def policy_for(form: FormDefinition, chosen: str | None, record: Any) -> Any:
    """The policy asked for, else the record's, else this site's default (the Settings dialog's choice; from
    the shared database when the site has one, which is then read only if needed)."""
    return load_policy_for(form, chosen or record.policy_id or site_for_command().default_policy)


def load_record_file(path: Path, form: FormDefinition, now: datetime) -> Any:
    """Read a record JSON file and validate it; errors name the file and field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ChecklistError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ChecklistError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return parse_record(data, form, now, source=str(path))


def run_check(args: argparse.Namespace) -> int:
    """Evaluate one record and print the findings."""
    now = args.now or datetime.now().astimezone()
    form = load_form(args.form)
    try:
        record = load_record_file(args.record, form, now)
    except RecordValidationError as exc:
        if args.json:
            print(json.dumps({"valid": False, "errors": [e.__dict__ for e in exc.errors]}, indent=2))
        else:
            print(exc, file=sys.stderr)
        return EXIT_INVALID
    policy = policy_for(form, args.policy, record)
    result = evaluate(form, record, policy, now)
    if args.json:
        out = result.model_dump(mode="json")
        out.update(valid=True, cleared=result.cleared, open_hard_stops=[f.key for f in result.open_hard_stops])
        out["visible_items"] = sorted(out["visible_items"])
        print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    else:
        print(human_report(form, record, result))
    return EXIT_OK if result.cleared else EXIT_NO


def run_schema(args: argparse.Namespace) -> int:
    """Print a JSON Schema."""
    if args.of == "form":
        schema = FormDefinition.model_json_schema()
    elif args.of == "policy":
        schema = PolicyDefinition.model_json_schema()
    else:
        schema = record_model(load_form(args.form)).model_json_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


def run_validate(args: argparse.Namespace) -> int:
    """Validate a form or a policy file (told apart by its keys)."""
    data = read_data(args.file, PolicyDefinitionError)
    if isinstance(data, dict) and ("rules" in data or "extends" in data):
        policy = load_policy(args.file)
        form = load_form(args.form)
        check_fits_form(policy, form, args.file)
        print(f"{args.file}: OK - policy {policy.id} v{policy.version}, {len(policy.rules)} rules, "
              f"{len(policy.medicines)} medicines; fits form {form.id} v{form.version}")
        return EXIT_OK
    form = load_form(args.file)
    count = sum(1 for _ in form.iter_items())
    print(f"{args.file}: OK - form {form.id} v{form.version}, {len(form.sections)} sections, {count} items")
    return EXIT_OK
