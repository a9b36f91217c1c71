"""The plan as signed, for the care team: the page after the patient's calendar in the plan's own PDF.

In English whatever the calendar's language (staff read it), at the calendar's print size: who signed the plan
and under which policy, each medicine with the policy's hold and its source, the last dose and restart
planned, fasting, blood tests, and the findings the call left to fix before the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable, PageBreak, Paragraph

from checklist_app.domain import conventions
from checklist_app.domain.findings import Finding
from checklist_app.domain.plan_calendar import Calendar, MedicineStop
from checklist_app.pdf.fonts import markup
from checklist_app.pdf.tables import grid

ADVICE_WORDS = {"stop": "Hold", "keep": "Keep taking", "ask": "Ask the proceduralist"}


@dataclass(frozen=True)
class PlanSummary:
    """What the care team's page says besides the calendar."""

    record_id: str
    version_no: int
    signer: str
    signed_at: datetime
    policy: str  # 'sir-2019 2026.12-1'
    mrn: str
    findings: tuple[Finding, ...] = ()


def _when(moment: datetime | None) -> str:
    return conventions.format_datetime(moment) if moment is not None else ""


def _hold(stop: MedicineStop) -> str:
    if stop.advice != "stop":
        return ""
    hours = f"{stop.hold_hours:g} h" if stop.hold_hours is not None else "not on the procedure day"
    return f"{hours} ({stop.source_id})" if stop.source_id else hours


def _last(stop: MedicineStop) -> str:
    if stop.advice != "stop" or stop.last_dose is None:
        return ""
    if stop.too_late:
        return f"TOO LATE: taken {_when(stop.last_dose)}"
    if stop.deadline_only:
        return f"none after {_when(stop.last_dose)}"
    taken = " (already taken)" if stop.already_taken else ""
    return f"{_when(stop.last_dose)}{taken}"


def _restart(stop: MedicineStop) -> str:
    if stop.restart_at is not None:
        return _when(stop.restart_at)
    if stop.restart_day is not None:
        return f"{conventions.format_weekday_date(stop.restart_day)}, usual time"
    return "ask the proceduralist" if stop.advice == "stop" else ""


def summary_flowables(calendar: Calendar, summary: PlanSummary, style: dict, width: float) -> list[Flowable]:
    """A new page: the plan as signed, for the care team."""
    body, bold = style["body"], style["bold"]

    def cell(text: str, strong: bool = False) -> Paragraph:
        return Paragraph(markup(text), bold if strong else body)

    flow: list[Flowable] = [PageBreak(), Paragraph("For the care team: the pre-admission plan as signed", style["h2"])]
    facts = [("Plan", f"{summary.record_id}, version {summary.version_no}"),
             ("Signed", f"{summary.signer}, {_when(summary.signed_at)}"), ("Policy", summary.policy),
             ("Patient", f"{calendar.patient_name} (MRN {summary.mrn})"),
             ("Scheduled start", _when(calendar.start)), ("Ready by (site deadline)", _when(calendar.ready_by))]
    flow.append(grid([[cell(a), cell(b, True)] for a, b in facts], [width * 0.3, width * 0.7], zebra=False))
    rows = [[cell(h, True) for h in ("Medicine", "Plan", "Hold (source)", "Last dose", "Restart")]]
    rows += [[cell(f"{m.name} {m.dose}".strip()), cell(ADVICE_WORDS[m.advice]), cell(_hold(m)), cell(_last(m)),
              cell(_restart(m))] for m in calendar.medicines]
    flow += [Paragraph("Medicines", style["h3"]),
             grid(rows, [width * f for f in (0.2, 0.12, 0.26, 0.22, 0.2)], header=True)]
    lines = []
    if calendar.fasting is not None:
        f = calendar.fasting
        lines.append(f"Food until {_when(f.food_until)}; clear liquids until {_when(f.clear_until)}.")
        if f.liquid_diet_from is not None:
            lines.append(f"GLP-1 at higher aspiration risk: liquids only from {_when(f.liquid_diet_from)}.")
    else:
        lines.append("No fasting asked: no sedation planned.")
    lines += [f"{lab.label}: to be drawn by {_when(lab.by)}." for lab in calendar.labs]
    flow.append(Paragraph("Fasting and blood tests", style["h3"]))
    flow += [Paragraph(markup(line), body) for line in lines]
    flow.append(Paragraph("Findings at the call (to be fixed before the day; checked again then)", style["h3"]))
    if summary.findings:
        found = [[cell("Hard stop" if f.is_hard_stop else "Warning", True), cell(f"{f.message} {f.action}"),
                  cell(f.source_id)] for f in summary.findings]
        flow.append(grid(found, [width * 0.15, width * 0.65, width * 0.2]))
    else:
        flow.append(Paragraph("None.", body))
    return flow
