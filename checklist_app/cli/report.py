"""The human-readable findings report printed by ``check``: hard stops first, each with what to do
and its source, then a one-line verdict."""

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
        if o.finding_key == f.key and status:
            lines += wrap.wrap(f"Overridden by {o.physician_id} at {o.at:%Y-%m-%d %H:%M}: {o.reason}")
    for a in record.acknowledgements:
        if a.finding_key == f.key and (status or f.is_hard_stop):
            lines += wrap.wrap(f"Acknowledged by {a.by} at {a.at:%Y-%m-%d %H:%M}: {a.note}")
    return lines


def human_report(form: FormDefinition, record: Any, result: Evaluation) -> str:
    """The report as text."""
    lines = [_banner(form, record.answer_values()),
             f"Policy {result.policy_id} v{result.policy_version}; form {result.form_id} v{result.form_version}; "
             f"evaluated {result.evaluated_at}", ""]
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
    if result.cleared:
        lines.append("Result: CLEARED - nothing stops the procedure"
                     + (f" ({len(result.unacknowledged_warnings)} warning(s) to acknowledge)."
                        if result.unacknowledged_warnings else "."))
    else:
        n = len(result.open_hard_stops)
        lines.append(f"Result: NOT CLEARED - {n} hard stop{'s' if n != 1 else ''} remain{'s' if n == 1 else ''}.")
    return "\n".join(lines)
