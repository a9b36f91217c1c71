"""The core headless commands: ``check`` a record, print the record ``schema``, ``validate-form``.

``check`` exits 0 when nothing stops the procedure, 1 while hard stops remain, and 2 when the record,
form or policy is invalid or names a policy this site has not installed; the reason is printed as plain
sentences, never a traceback.

A record file is a claim, not a signature: anyone can type ``"physician_id": "dr.nobody"`` into one. So the
overrides and acknowledgements in a file are listed as "recorded in the file, not verified" and the verdict
is reached without them (``evaluate_file``): a hard stop stays a hard stop until a physician overrides it in
the app, with their PIN, where it is kept in the database with the signed version.
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
from checklist_app.domain.errors import PolicyDefinitionError, RecordValidationError
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.loading import read_data
from checklist_app.domain.record import parse_record, read_record_file, record_model
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.rules import evaluate_answers, load_form, load_policy_file, load_policy_for
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.workflows.site_settings import site_for_command


def register(sub: argparse._SubParsersAction) -> None:
    """Add check, schema and validate-form."""
    p = sub.add_parser("check", help="evaluate a record against the clinical policy")
    p.add_argument("record", type=Path, help="a checklist record (JSON)")
    p.add_argument("--json", action="store_true", help="print findings as JSON for machines")
    p.add_argument("--policy", help="an installed policy's id (e.g. sir-2019); default: the record's, else the site's")
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


def policy_for(form: FormDefinition, chosen: str | None, record: Any, site_default: str | None = None) -> Any:
    """The installed policy asked for with ``--policy``, else the record's (``policy_id``, and its
    ``policy_version`` when the record gives one), else this site's default (the Settings dialog's choice;
    from the shared database when the site has one, which is then read only if needed). Anything but an
    installed policy's id is refused, naming where it was written (``rules.installed``)."""
    if chosen is not None:
        version = record.policy_version if chosen == record.policy_id else None
        return load_policy_for(form, chosen, version=version, field="--policy",
                               version_field="record policy_version")
    if record.policy_id is not None:
        return load_policy_for(form, record.policy_id, version=record.policy_version, field="record policy_id",
                               version_field="record policy_version")
    default = site_default or site_for_command().default_policy
    return load_policy_for(form, default, field="site setting default_policy")


def evaluate_file(form: FormDefinition, record: Any, policy: Any, now: datetime) -> Evaluation:
    """Evaluate a record read from a file with its overrides and acknowledgements left out: in a file they
    are unverified claims (nobody proved who they are), so they never clear a hard stop or acknowledge a
    warning. The report and the PDF still show them, as "recorded in the file, not verified"."""
    return evaluate_answers(form, record.answer_values(), policy, now)


def unverified_claims(record: Any, evaluation: Evaluation) -> list[dict[str, Any]]:
    """The file's overrides and acknowledgements as data (``check --json``), each marked unverified."""
    raised = {f.key for f in evaluation.findings}
    claims = [{"kind": "override", "finding_key": o.finding_key, "by": o.physician_id, "at": o.at.isoformat(),
               "text": o.reason} for o in record.overrides]
    claims += [{"kind": "acknowledgement", "finding_key": a.finding_key, "by": a.by, "at": a.at.isoformat(),
                "text": a.note} for a in record.acknowledgements]
    for claim in claims:
        claim.update(verified=False, counted=False, finding_raised=claim["finding_key"] in raised,
                     status="recorded in the file, not verified")
    return claims


def load_record_file(path: Path, form: FormDefinition, now: datetime) -> Any:
    """Read a record JSON file and validate it; errors name the file and field (``domain.record``)."""
    return parse_record(read_record_file(path), form, now, source=str(path))


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
    result = evaluate_file(form, record, policy, now)
    if args.json:
        out = result.model_dump(mode="json")
        out.update(valid=True, cleared=result.cleared, open_hard_stops=[f.key for f in result.open_hard_stops],
                   unverified_claims=unverified_claims(record, result))
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
        form = load_form(args.form)
        policy = load_policy_file(form, args.file)
        # The hash is what a signed checklist's footer prints: an admin can match a PDF to a policy file.
        print(f"{args.file}: OK - policy {policy.id} v{policy.version}, {len(policy.rules)} rules, "
              f"{len(policy.medicines)} medicines; fits form {form.id} v{form.version}; "
              f"SHA-256 {policy.content_sha256}")
        return EXIT_OK
    form = load_form(args.file)
    count = sum(1 for _ in form.iter_items())
    print(f"{args.file}: OK - form {form.id} v{form.version}, {len(form.sections)} sections, {count} items")
    return EXIT_OK
