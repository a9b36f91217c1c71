"""The human-readable findings report printed by ``check``: hard stops first, each with what to do
and its source, then the overrides and acknowledgements the record file claims (never counted: see
``cli.core.evaluate_file``), then a one-line verdict."""

from __future__ import annotations

import textwrap
from typing import Any

from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.form import FormDefinition


def _banner(form: FormDefinition, answers: dict[str, Any]) -> str:
    name = answers.get("patient_name", "(no name)")
    mrn = answers.get("mrn", "-")
    proc = answers.get("procedure_type", "-")
    levels = ", ".join(answers.get("levels") or []) or "-"
    start = answers.get("scheduled_start")
    when = f"{start:%Y-%m-%d %H:%M}" if hasattr(start, "strftime") else "-"
    return f"Patient: {name}   MRN {mrn}   {proc} {levels}   start {when}"


def _finding_block(form: FormDefinition, f: Finding, status: str, record: Any) -> list[str]:
    where = f.item_id
    if form.has_item(f.item_id):
        where = f"{form.section_of(f.item_id).title} > {form.item(f.item_id).label}"
    tag = "HARD STOP" if f.is_hard_stop else "WARNING"
    if f.is_hard_stop and not f.overridable:
        tag += ", cannot be overridden"
    lines = [f"  [{tag}{status}] {where}"]
    wrap = textwrap.TextWrapper(width=100, initial_indent="      ", subsequent_indent="      ")
    lines += wrap.wrap(f.message)
    lines += wrap.wrap("To do: " + f.action)
    source = f"Source: {f.source_id}" + (" (UNCONFIRMED default - check local policy)" if f.unconfirmed else "")
    lines += wrap.wrap(source)
    for o in record.overrides:
        if o.finding_key == f.key:
            lines += wrap.wrap(f"{_claimed(status)}Overridden by {o.physician_id} at {o.at:%Y-%m-%d %H:%M}: "
                               f"{o.reason}")
    for a in record.acknowledgements:
        if a.finding_key == f.key:
            lines += wrap.wrap(f"{_claimed(status)}Acknowledged by {a.by} at {a.at:%Y-%m-%d %H:%M}: {a.note}")
    return lines


def _claimed(status: str) -> str:
    """What precedes an override or acknowledgement the evaluation did not count: one from the record file."""
    return "" if status else f"{UNVERIFIED.capitalize()} (not counted): "


UNVERIFIED = "recorded in the file, not verified"


def _claims(record: Any, result: Evaluation) -> list[str]:
    """The file's overrides and acknowledgements the evaluation did not count, each said to be unverified."""
    raised = {f.key for f in result.findings}
    claims = [(o.finding_key, f"override by {o.physician_id} at {o.at:%Y-%m-%d %H:%M}: {o.reason}")
              for o in record.overrides if o.finding_key not in result.overridden]
    claims += [(a.finding_key, f"acknowledgement by {a.by} at {a.at:%Y-%m-%d %H:%M}: {a.note}")
               for a in record.acknowledgements if a.finding_key not in result.acknowledged]
    if not claims:
        return []
    wrap = textwrap.TextWrapper(width=100, initial_indent="  - ", subsequent_indent="    ")
    lines = [f"OVERRIDES AND ACKNOWLEDGEMENTS {UNVERIFIED.upper()} ({len(claims)})"]
    lines += textwrap.wrap("A record file is a claim, not a signature: overrides and acknowledgements count only when "
                       "given in the app by the staff member with their PIN. These are listed, not counted.",
                           width=100, initial_indent="  ", subsequent_indent="  ")
    for key, text in claims:
        lines += wrap.wrap(f"{key}: {text}" + ("" if key in raised else " (no such finding now)"))
    return [*lines, ""]


def human_report(form: FormDefinition, record: Any, result: Evaluation) -> str:
    """The report as text."""
    lines = [_banner(form, record.answer_values()),
             f"Policy {result.policy_id} v{result.policy_version} (SHA-256 {result.policy_sha256 or 'not recorded'}); "
             f"form {result.form_id} v{result.form_version}; evaluated {result.evaluated_at}", ""]
    for title, group in (("HARD STOPS", result.hard_stops), ("WARNINGS", result.warnings)):
        if not group:
            continue
        lines.append(f"{title} ({len(group)})")
        for f in group:
            status = ""
            if f.key in result.overridden:
                status = ", overridden"
            elif f.key in result.acknowledged:
                status = ", acknowledged"
            lines += _finding_block(form, f, status, record)
        lines.append("")
    if not result.findings:
        lines += ["No findings.", ""]
    lines += _claims(record, result)
    if result.cleared:
        lines.append("Result: CLEARED - nothing stops the procedure"
                     + (f" ({len(result.unacknowledged_warnings)} warning(s) to acknowledge)."
                        if result.unacknowledged_warnings else "."))
    else:
        n = len(result.open_hard_stops)
        claimed = {o.finding_key for o in record.overrides} & {f.key for f in result.open_hard_stops}
        lines.append(f"Result: NOT CLEARED - {n} hard stop{'s' if n != 1 else ''} remain{'s' if n == 1 else ''}"
                     + (f" ({len(claimed)} with an override {UNVERIFIED})." if claimed else "."))
    return "\n".join(lines)
