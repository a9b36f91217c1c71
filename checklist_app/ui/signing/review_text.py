"""The review page's content as HTML: each visible section, each answer in words, each finding under
its item with what was done about it. No Qt; the answers are worded by ``domain.answer_text``, so the
screen and the printed checklist say the same thing.
"""

from __future__ import annotations

from html import escape
from typing import Any

from checklist_app.domain.answer_text import format_answer, repeat_rows
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import InfoItem, RepeatItem
from checklist_app.ui import messages
from checklist_app.workflows.section_state import Overview

STOP, WARN, OK, MUTED = "#b3121f", "#7a4f00", "#1e6b34", "#4b5563"


def _answer_html(item: Any, value: Any) -> str:
    if isinstance(item, RepeatItem) and value:
        header, rows = repeat_rows(item, value)
        head = "".join(f"<th align='left'>{escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table cellspacing='0' cellpadding='3' border='1'><tr>{head}</tr>{body}</table>"
    return escape(format_answer(item, value))


def review_html(form: FormDefinition, answers: dict[str, Any], evaluation: Evaluation, view: Overview,
                statuses: dict[str, tuple[str, str]]) -> str:
    """Every visible answer and every finding, grouped by section."""
    by_item: dict[str, list[Any]] = {}
    for finding in evaluation.findings:
        by_item.setdefault(finding.item_id, []).append(finding)
    status = messages.text(f"states.{view.status}")
    overridden = sum(1 for f in evaluation.hard_stops if statuses.get(f.key, ("open",))[0] == "overridden")
    acknowledged = sum(1 for f in evaluation.warnings if f.key in statuses)
    parts = [f"<h2>Checklist status: {escape(status)}</h2>",
             f"<p>{_counted(len(evaluation.hard_stops), 'hard stop')}"
             + (f" ({overridden} overridden by a physician)" if overridden else "")
             + f", {_counted(len(evaluation.warnings), 'warning')}"
             + (f" ({acknowledged} acknowledged)" if acknowledged else "")
             + f", {_counted(len(view.missing), 'required answer')} missing.</p>"]
    for section in form.sections:
        if view.sections.get(section.id) == "not_needed":
            continue
        state = messages.text(f"states.{view.sections.get(section.id, 'not_started')}")
        parts.append(f"<h3>{escape(section.title)} <span style='color:{MUTED}'>({escape(state)})</span></h3>")
        parts.append("<table width='100%' cellspacing='0' cellpadding='4'>")
        for item in section.items:
            if item.id not in evaluation.visible_items or isinstance(item, InfoItem):
                continue
            value = evaluation.derived.get(item.id, answers.get(item.id))
            if value is None:
                shown = (f"<b style='color:{STOP}'>NOT ANSWERED</b>" if item.id in view.missing
                         else f"<span style='color:{MUTED}'>(not answered)</span>")
            else:
                shown = _answer_html(item, value)
            parts.append(f"<tr><td width='45%' valign='top'>{escape(item.label)}</td><td valign='top'>{shown}"
                         f"{_findings_html(by_item.get(item.id, []), statuses)}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts)


def _findings_html(findings: list[Any], statuses: dict[str, tuple[str, str]]) -> str:
    out = []
    for finding in findings:
        colour = STOP if finding.is_hard_stop else WARN
        label = "HARD STOP" if finding.is_hard_stop else "WARNING"
        kind, text = statuses.get(finding.key, ("open", ""))
        done = f"<br><span style='color:{OK}'>{escape(text)}</span>" if text else ""
        unconfirmed = " <i>(UNCONFIRMED source)</i>" if finding.unconfirmed else ""
        out.append(f"<p style='color:{colour}'><b>{label}:</b> {escape(finding.message)}<br>"
                   f"<span style='color:#111827'>What to do: {escape(finding.action)}</span><br>"
                   f"<span style='color:{MUTED}'>Source: {escape(finding.source_id)}{unconfirmed}</span>{done}</p>")
    return "".join(out)


def _counted(count: int, noun: str) -> str:
    """'1 hard stop', '2 warnings', '0 required answers'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
