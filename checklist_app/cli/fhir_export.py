"""``fhir questionnaire``, ``fhir send [--watch]`` and ``fhir outbox``: the export side of the chart exchange.

``questionnaire`` writes the installed form as a FHIR R4 Questionnaire (JSON). ``send`` makes one pass over
the outbox (what signing queued and is due now) with this workstation's destinations, or keeps passing with
``--watch`` (a service on a machine that is always on, when no app stays open); exit 1 when something
could not be delivered this time (it stays queued and is retried). ``outbox`` lists what has not reached
the chart yet, by checklist id and version, never by patient.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checklist_app.cli import EXIT_NO, EXIT_OK


def register(actions: argparse._SubParsersAction) -> None:
    """Add the export actions to ``fhir``."""
    questionnaire = actions.add_parser(
        "questionnaire", help="write the form as a FHIR R4 Questionnaire (JSON)",
        description="Write the installed form as a FHIR R4 (SDC) Questionnaire, the definition the exported "
                    "QuestionnaireResponses point at. Its canonical URL starts with $CHECKLIST_APP_FHIR_SYSTEM_BASE.")
    questionnaire.add_argument("--out", type=Path, metavar="FILE", help="write here (default: standard output)")
    questionnaire.set_defaults(handler=_questionnaire)

    send = actions.add_parser(
        "send", help="send the signed checklists waiting in the outbox to the chart",
        description="Deliver what signing queued for the chart ($CHECKLIST_APP_FHIR_BASE_URL, "
                    "$CHECKLIST_APP_HL7_MLLP): one pass over what is due, or --watch to keep going. Exit 1 when "
                    "something could not be delivered this time; it stays queued and is retried later.")
    send.add_argument("--watch", action="store_true", help="keep sending until interrupted")
    send.add_argument("--interval", type=float, default=5.0, metavar="SECONDS",
                      help="with --watch: how often to look for due exports (default 5)")
    send.set_defaults(handler=_send)

    waiting = actions.add_parser(
        "outbox", help="list what has not reached the chart yet",
        description="List the exports not yet delivered (checklist id, version, kind, tries, since when, why); "
                    "--all includes the delivered ones. Exit 1 when something is waiting.")
    waiting.add_argument("--all", action="store_true", help="also list the delivered exports")
    waiting.set_defaults(handler=_outbox)


def _questionnaire(args: argparse.Namespace) -> int:
    from checklist_app.ehr.export_config import systems
    from checklist_app.ehr.questionnaire import questionnaire_json
    from checklist_app.rules import load_form, load_policy_for
    from checklist_app.workflows.site_settings import site_for_command

    form = load_form()
    policy = load_policy_for(form, site_for_command().default_policy, field="site setting default_policy")
    text = questionnaire_json(form, systems(), policy)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _send(args: argparse.Namespace) -> int:
    from checklist_app.cli.fhir import use_site_chart
    from checklist_app.ehr.sender import ChartSender, Outcome
    from checklist_app.storage import open_database

    def report(outcome: Outcome) -> None:
        item = outcome.item
        what = f"{item.record_id} version id {item.version_id} ({item.kind})"
        if outcome.delivered:
            print(f"Sent {what}")
        elif outcome.error:
            print(f"Not sent {what}: {outcome.error}; next try at {outcome.retry_at:%Y-%m-%d %H:%M:%S %Z}")

    with open_database(create=False) as db:
        use_site_chart(db)
        sender = ChartSender.configured(db, on_result=report, interval=args.interval)
        if not sender.kinds:
            print("Nothing to send to: an administrator sets the chart connection in Settings (or IT sets "
                  "CHECKLIST_APP_FHIR_BASE_URL or CHECKLIST_APP_HL7_MLLP).", file=sys.stderr)
            return EXIT_NO
        if args.watch:
            try:
                sender.run()
            except KeyboardInterrupt:
                return EXIT_OK
        outcomes = sender.send_due()
    return EXIT_NO if any(o.error for o in outcomes) else EXIT_OK


def _outbox(args: argparse.Namespace) -> int:
    from checklist_app.storage import open_database, outbox

    with open_database(create=False) as db:
        rows = outbox.items(db, pending_only=not args.all)
    waiting = 0
    for item in rows:
        if item.delivered_at is not None:
            state = f"delivered {item.delivered_at.astimezone():%Y-%m-%d %H:%M}"
        else:
            waiting += 1
            since = f" since {item.failing_since.astimezone():%Y-%m-%d %H:%M}" if item.failing_since else ""
            why = f": {item.last_error}" if item.last_error else ""
            state = f"waiting{since}, {item.attempts} tries{why}"
        print(f"{item.record_id} v{item.payload.get('version_no', '?')} {item.kind}: {state}")
    print(f"{waiting} waiting" if waiting else "Nothing waiting: every signed checklist queued has reached the chart.")
    return EXIT_NO if waiting else EXIT_OK
