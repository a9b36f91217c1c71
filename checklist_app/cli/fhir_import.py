"""``fhir import FILE`` and ``fhir pull --mrn``: the import side of the chart exchange, into a saved draft.

Both fill the draft of ``--record-id`` (``--new`` starts one) with what the chart holds, each answer with its
source and date; print what was filled, what was not used and why, and every answer the chart would change,
side by side. A difference is settled with ``--take ITEM`` (the chart's value) or ``--keep ITEM`` (the
checklist's); the choice is kept with the chart's version, so it is not asked again until the chart changes.
Exit 0 when all is settled, 1 while differences wait for a choice, 2 when nothing was filled (another
patient, a file that is no Bundle, the server unreachable, the checklist open in an app).
The actor is the operating-system account (``os:<login>``), as for the staff commands.
"""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK


def register(actions: argparse._SubParsersAction) -> None:
    """Add the import actions to ``fhir``."""
    bundle = actions.add_parser(
        "import", help="fill a draft from a FHIR R4 Bundle file",
        description="Fill the draft of --record-id from a FHIR R4 Bundle (JSON): patient, labs with their dates, "
                    "medicines, allergies, the scheduled start. The time of the last dose, fasting and symptoms "
                    "are never filled. Another patient's Bundle is refused before anything is filled.")
    bundle.add_argument("file", type=Path, metavar="FILE")
    _common(bundle)
    bundle.set_defaults(handler=_import_file)

    pull = actions.add_parser(
        "pull", help="fill a draft from the FHIR server, by MRN",
        description="Fill the draft of --record-id from the FHIR server ($CHECKLIST_APP_FHIR_IMPORT_URL or "
                    "$CHECKLIST_APP_FHIR_BASE_URL) for the patient with this MRN (or the MRN scanned from the "
                    "wristband); run again on the morning of the procedure to see what changed.")
    who = pull.add_mutually_exclusive_group()
    who.add_argument("--mrn", help="the MRN to look for (default: the draft's)")
    who.add_argument("--wristband", metavar="SCAN", help="the text the scanner read from the wristband")
    _common(pull)
    pull.set_defaults(handler=_pull)

    adt = actions.add_parser(
        "adt-listen", help="receive HL7 v2 ADT^A04/A08 over MLLP into drafts",
        description="Listen for ADT^A04/A08 (demographics, AL1 allergies) over MLLP: each message fills the "
                    "unsigned drafts with its MRN (another date of birth is refused with an AE) or starts a "
                    "draft adt-<MRN>, in the database the app uses. Runs until interrupted or stopped (SIGTERM), "
                    "for example as a systemd service (scripts/checklist-adt-listener.service).")
    adt.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    adt.add_argument("--port", type=int, required=True,
                     help="the MLLP port the interface engine sends to (0: any free port, printed at start)")
    adt.set_defaults(handler=_adt_listen)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--record-id", required=True, metavar="ID", help="the checklist to fill")
    parser.add_argument("--new", action="store_true", help="start a draft with this id when there is none")
    parser.add_argument("--take", action="append", default=[], metavar="ITEM",
                        help="take the chart's value for this item where it differs (repeatable; 'all')")
    parser.add_argument("--keep", action="append", default=[], metavar="ITEM",
                        help="keep the checklist's value for this item where it differs (repeatable; 'all')")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")


def _import_file(args: argparse.Namespace) -> int:
    from checklist_app.ehr.fhir_import import read_bundle, read_bundle_file

    def read(context: dict[str, Any]) -> Any:
        return read_bundle(read_bundle_file(args.file), context["form"], context["index"],
                           origin=f"FHIR Bundle file {args.file.name}", mrn_system=context["mrn_system"],
                           today=context["now"].date())

    return _run(args, read)


def _pull(args: argparse.Namespace) -> int:
    from checklist_app.ehr.import_model import ImportRefused
    from checklist_app.ehr.pull import pull_patient, pull_source

    def read(context: dict[str, Any]) -> Any:
        source = pull_source()
        if source is None:
            raise ImportRefused("No FHIR server is set: an administrator sets it in Settings, Chart connection (or "
                                "IT sets CHECKLIST_APP_FHIR_IMPORT_URL or CHECKLIST_APP_FHIR_BASE_URL).")
        mrn = args.mrn or (args.wristband or "").strip() or context["draft_mrn"]
        if not mrn:
            raise ImportRefused("No MRN: give --mrn or --wristband, or fill the draft's MRN first.")
        return pull_patient(source, mrn, context["form"], context["index"], today=context["now"].date())

    return _run(args, read)


def _run(args: argparse.Namespace, read: Any) -> int:
    from checklist_app import storage
    from checklist_app.cli.fhir import use_site_chart
    from checklist_app.domain.errors import ChecklistError
    from checklist_app.ehr.codes import CodeIndex
    from checklist_app.ehr.export_config import systems
    from checklist_app.ehr.importing import import_into_draft
    from checklist_app.rules import load_form, load_policy_for
    from checklist_app.workflows.site_settings import site_for_command

    form, now = load_form(), datetime.now().astimezone()
    actor = f"os:{getpass.getuser()}"
    with storage.open_database(create=False) as db:
        use_site_chart(db)
        draft = storage.load_draft(db, args.record_id)
        policy_id = (draft.data.get("policy_id") if draft else None) or site_for_command().default_policy
        policy = load_policy_for(form, policy_id, field="the checklist's policy_id")
        context = {"form": form, "index": CodeIndex.build(form, policy), "mrn_system": systems().mrn, "now": now,
                   "draft_mrn": ((draft.data.get("answers") or {}).get("mrn") if draft else None)}
        try:
            result = read(context)
            first = import_into_draft(db, form, result, record_id=args.record_id, staff_id=actor, now=now,
                                      policy_id=policy_id, create=args.new, choices={})
            choices = _choices(args, [d.key for d in first.applied.differences])
            done = import_into_draft(db, form, result, record_id=args.record_id, staff_id=actor, now=now,
                                     policy_id=policy_id, choices=choices) if choices else first
        except ChecklistError as exc:
            print(f"error: {exc}")
            return EXIT_INVALID
    waiting = [d for d in done.applied.differences if d.key not in done.changed_by_choice
               and d.key not in (choices or {})]
    if args.json:
        print(json.dumps({"source": result.origin, "filled": first.applied.filled, "unchanged": first.applied.unchanged,
                          "differences": [{"item": d.key, "checklist": d.mine, "chart": d.theirs,
                                           "resource": d.proposal.source["resource"]} for d in waiting],
                          "took_new": sorted(k for k, v in choices.items() if v),
                          "kept_mine": sorted(k for k, v in choices.items() if not v),
                          "not_used": result.problem_lines()}, indent=2, default=str))
    else:
        _print(result, first, choices, waiting)
    return EXIT_NO if waiting else EXIT_OK


def _choices(args: argparse.Namespace, keys: list[str]) -> dict[str, bool]:
    chosen: dict[str, bool] = {}
    for names, take in ((args.keep, False), (args.take, True)):
        for name in names:
            for key in keys:
                if name == "all" or key == name or key.split("#", 1)[0] == name:
                    chosen[key] = take
    return chosen


def _print(result: Any, first: Any, choices: dict[str, bool], waiting: list[Any]) -> None:
    print(f"From {result.origin}" + (f", patient {result.patient.describe()}" if result.patient else ""))
    for key in first.applied.filled:
        proposal = next(p for p in result.proposals if p.key == key)
        when = f", {proposal.source['observed'][:10]}" if proposal.source.get("observed") else ""
        print(f"  filled    {key}: {proposal.source['text']}{when} ({proposal.source['resource']})")
    for key in first.applied.unchanged:
        print(f"  same      {key}")
    for key in first.applied.newer_here:
        print(f"  kept      {key}: the checklist's result is more recent than the chart's")
    for key in first.applied.kept_before:
        print(f"  kept      {key}: the checklist's answer, as chosen before for this version of the chart's")
    for key, take in sorted(choices.items()):
        print(f"  {'took new' if take else 'kept mine'} {key}")
    for difference in waiting:
        print(f"  differs   {difference.key}: checklist {json.dumps(difference.mine, default=str)} | chart "
              f"{json.dumps(difference.theirs, default=str)} ({difference.proposal.source['resource']}); "
              f"--take {difference.key} or --keep {difference.key}")
    for line in result.problem_lines():
        print(f"  not used  {line}")


def _adt_listen(args: argparse.Namespace) -> int:
    import signal
    import time

    from checklist_app import storage
    from checklist_app.ehr.codes import CodeIndex
    from checklist_app.ehr.hl7_import import AdtListener, receive
    from checklist_app.rules import load_form, load_policy_for
    from checklist_app.workflows.site_settings import site_for_command

    form = load_form()
    policy_id = site_for_command().default_policy
    index = CodeIndex.build(form, load_policy_for(form, policy_id, field="site setting default_policy"))
    with storage.open_database(create=False) as db:
        def handle(text: str) -> tuple[str, str]:
            code, why = receive(db, form, index, text, policy_id=policy_id, now=datetime.now().astimezone())
            print(f"{code} {why}", flush=True)
            return code, why

        def stop(_signum: int, _frame: Any) -> None:
            raise KeyboardInterrupt  # the service manager's stop (SIGTERM) ends it like Ctrl+C: cleanly

        signal.signal(signal.SIGTERM, stop)
        listener = AdtListener(handle, args.host, args.port).start()
        print(f"Listening for ADT^A04/A08 on {args.host}:{listener.port}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return EXIT_OK
        finally:
            listener.stop()
