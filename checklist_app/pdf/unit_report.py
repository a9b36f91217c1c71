"""The printable unit report (usually one month): a summary, the charts of ``report_charts``, and the tables a
unit manager takes to the quality meeting. Built on the shared renderer skeleton (``layout``).

The report names no patient unless it was made with patients (``UnitReport.with_patients``); then every
page says so in its header and the deferred checklists are listed at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, Paragraph, Spacer

from checklist_app.domain import conventions
from checklist_app.domain.unit_report import Granularity, Timing, UnitReport
from checklist_app.pdf import fonts, report_charts
from checklist_app.pdf.layout import MUTED, RULE, STOP_RED, DocumentRenderer
from checklist_app.pdf.tables import fit, grid

CHART_HEIGHT = 150  # points: three charts and their headings fit on a Letter page
RULE_CHART_HEIGHT = 130
PATIENTS_WARNING = "CONTAINS PATIENT IDENTIFIERS - keep and dispose of as a patient record"


def chart_granularity(report: UnitReport) -> Granularity:
    """Days for a month (or up to two), weeks for up to a year, months beyond: about 5 to 60 bars."""
    days = (report.last_day - report.first_day).days + 1
    return "day" if days <= 62 else "week" if days <= 366 else "month"


def minutes_text(value: float | None) -> str:
    """'42 min', '3 h 05 min', '-' when unknown."""
    if value is None:
        return "-"
    total = round(value)
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"


def percent(part: int, whole: int) -> str:
    """'12%' (one decimal between 0 and 10%), '-' of nothing."""
    if not whole:
        return "-"
    value = 100 * part / whole
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


class UnitReportRenderer(DocumentRenderer):
    """The unit report as a PDF: ``UnitReportRenderer(report).render()``."""

    top_margin = 24 * mm
    bottom_margin = 20 * mm
    base_size = 9
    title = "Unit report"

    def __init__(self, report: UnitReport, *, invariant: bool = False) -> None:
        self.report = report
        self.granularity = chart_granularity(report)
        super().__init__(invariant=invariant)

    # --- page furniture ---------------------------------------------------------------------------------
    def draw_header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """The site and the range on every page; the patient warning when the report names patients."""
        width, height = self.page_size
        left, right = self.left_margin, width - self.right_margin
        canv.setFillColor(MUTED)
        fonts.draw_string(canv, left, height - 12 * mm, f"{self.report.site or 'Unit'} - unit report", 9, bold=True,
                          max_width=(right - left) / 2)
        fonts.draw_string(canv, right, height - 12 * mm, self._range_text(), 9, anchor="right")
        if self.report.with_patients:
            canv.setFillColor(STOP_RED)
            fonts.draw_string(canv, left, height - 17 * mm, PATIENTS_WARNING, 8.5, bold=True)
        canv.setStrokeColor(RULE)
        canv.line(left, height - 14 * mm, right, height - 14 * mm)

    def draw_footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """When it was made, and the software line."""
        canv.setFillColor(MUTED)
        made = f"Made {conventions.format_datetime(self.report.made_at)} from the audit trail and the signed checklists"
        fonts.draw_string(canv, self.left_margin, 8 * mm, made, 7.5)
        self.draw_software(canv, 4 * mm)

    def _range_text(self) -> str:
        first, last = self.report.first_day, self.report.last_day
        return f"{conventions.format_date(first)} to {conventions.format_date(last)}"

    # --- story ---------------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        """Summary, charts, then the tables."""
        report, style = self.report, self.style
        width = self.frame_width
        rows = report.periods[self.granularity]
        descriptions = {r.rule_id: r.description for r in report.rules}
        story: list[Flowable] = [
            Paragraph(fonts.markup(f"Unit report: {self._range_text()}"), style["h1"]),
            *self._summary(),
            Spacer(1, 4 * mm),
            report_charts.outcomes_chart(rows, self.granularity, width, CHART_HEIGHT),
            Spacer(1, 4 * mm),
            report_charts.reasons_chart(report.total.reasons, descriptions, width, RULE_CHART_HEIGHT),
            Spacer(1, 4 * mm),
            report_charts.time_to_sign_chart(rows, self.granularity, width, CHART_HEIGHT),
            Paragraph("Rules", style["h2"]),
            report_charts.stops_chart(report.rules, width, RULE_CHART_HEIGHT),
            Spacer(1, 3 * mm),
            report_charts.warnings_chart(report.rules, width, RULE_CHART_HEIGHT),
            *self._rules_table(),
            *self._physicians(),
            *self._proceduralists(),
            *self._nurses(),
            *self._periods_table(),
        ]
        if report.deferred_cases is not None:
            story += self._patients()
        return story

    def _table(self, header: Sequence[str], rows: Sequence[Sequence[object]], fractions: Sequence[float],
               empty: str) -> list[Flowable]:
        if not rows:
            return [Paragraph(fonts.markup(empty), self.style["muted"])]
        widths = [self.frame_width * f for f in fractions]
        small = self.style["small"]
        head = ParagraphStyle("head", parent=small, fontName=fonts.SANS_BOLD)
        cells = [[fit(text, head if r == 0 else small, w) for text, w in zip(row, widths, strict=True)]
                 for r, row in enumerate([header, *rows])]
        return [grid(cells, widths, header=True)]

    def _summary(self) -> list[Flowable]:
        total, timing = self.report.total, self.report.timing
        signed = total.signed_cleared + total.signed_not_cleared
        overrides = sum(p.overrides for p in self.report.physicians)
        rows = [
            ("Checklists started", f"{total.started:,}"),
            ("Signed cleared", f"{total.signed_cleared:,}"),
            ("Signed NOT CLEARED (deferred)",
             f"{total.signed_not_cleared:,} ({percent(total.signed_not_cleared, signed)} of those signed)"),
            ("Amended after signing", f"{total.amended:,}"),
            ("Hard stops overridden by a physician", f"{overrides:,}"),
            ("First answer to signature", _timing_text(timing)),
            *((note.split(": ", 1)[0], note.split(": ", 1)[1]) for note in self.report.notes if ": " in note),
        ]
        return [Paragraph("Summary", self.style["h2"]),
                *self._table(("Figure", "Value"), rows, (0.42, 0.58), "")]

    def _rules_table(self) -> list[Flowable]:
        rows = [(r.rule_id, r.description, "hard stop" if r.severity == "hard_stop" else "warning", r.checklists,
                 r.overridden if r.severity == "hard_stop" else "-",
                 percent(r.overridden, r.checklists) if r.severity == "hard_stop" else "-",
                 r.deferred if r.severity == "hard_stop" else "-", r.acknowledgements)
                for r in self.report.rules]
        # Narrow number columns: headers break where a hyphen and a space allow, never inside a word.
        header = ("Rule", "What it checks", "Kind", "Check- lists", "Over- ridden", "Override rate", "Deferred",
                  "Acknow- ledged")
        return [Paragraph("Every rule that raised a finding", self.style["h3"]),
                *self._table(header, rows, (0.16, 0.26, 0.08, 0.1, 0.1, 0.1, 0.1, 0.1),
                             "No rule raised a finding in the checklists signed in the range.")]

    def _physicians(self) -> list[Flowable]:
        rows = [(f"{p.name} ({p.staff_id})", p.overrides, p.checklists, f"{p.share:.0%}",
                 ", ".join(f"{rule} {count}" for rule, count in p.top_rules[:4]))
                for p in self.report.physicians]
        return [Paragraph("Overrides per physician", self.style["h2"]),
                *self._table(("Physician", "Over- rides", "Check- lists", "Share", "Rules overridden (most first)"),
                             rows, (0.28, 0.1, 0.1, 0.08, 0.44),
                             "No override counted in the checklists signed in the range.")]

    def _proceduralists(self) -> list[Flowable]:
        rows = [(p.proceduralist, p.checklists, p.with_hard_stop, p.overridden, percent(p.overridden, p.with_hard_stop),
                 p.deferred, minutes_text(p.timing.median_minutes), minutes_text(p.timing.p90_minutes))
                for p in self.report.proceduralists]
        header = ("Proceduralist", "Check- lists", "With a hard stop", "Over- ridden", "Override rate", "Deferred",
                  "Median to sign", "90% signed within")
        note = Paragraph("Override rate: of the checklists stopped by a hard stop, the share cleared because a "
                         "physician overrode it; the rest were deferred.", self.style["muted"])
        return [Paragraph("Per proceduralist", self.style["h2"]), note,
                *self._table(header, rows, (0.22, 0.1, 0.11, 0.1, 0.1, 0.09, 0.14, 0.14),
                             "No checklist signed in the range.")]

    def _nurses(self) -> list[Flowable]:
        rows = [(f"{n.name} ({n.staff_id})", n.checklists, n.signed_not_cleared, minutes_text(n.timing.median_minutes),
                 minutes_text(n.timing.p90_minutes)) for n in self.report.nurses]
        return [Paragraph("Per nurse (signer)", self.style["h2"]),
                *self._table(("Nurse", "Checklists signed", "NOT CLEARED", "Median to sign", "90% signed within"),
                             rows, (0.36, 0.16, 0.16, 0.16, 0.16), "No checklist signed by a nurse in the range.")]

    def _periods_table(self) -> list[Flowable]:
        day = self.granularity == "day"
        rows = [(conventions.format_weekday_date(r.first_day) if day else r.label, r.started, r.signed_cleared,
                 r.signed_not_cleared,
                 r.amended, ", ".join(f"{rule} {count}" for rule, count in r.reasons),
                 minutes_text(r.timing.median_minutes))
                for r in self.report.periods[self.granularity]]
        header = ("Period", "Started", "Cleared", "NOT CLEARED", "Amended", "Coded reasons", "Median to sign")
        return [KeepTogether([Paragraph(f"Per {self.granularity}", self.style["h2"])]),
                *self._table(header, rows, (0.15, 0.09, 0.09, 0.11, 0.1, 0.32, 0.14), "")]

    def _patients(self) -> list[Flowable]:
        cases = self.report.deferred_cases or ()
        rows = [(conventions.format_datetime(c.signed_at), c.patient_name, c.mrn, c.proceduralist, ", ".join(c.reasons))
                for c in cases]
        return [Paragraph("Checklists signed NOT CLEARED, with the patients", self.style["h2"]),
                *self._table(("Signed", "Patient", "MRN", "Proceduralist", "Coded reasons"), rows,
                             (0.16, 0.24, 0.14, 0.18, 0.28), "No checklist signed NOT CLEARED in the range.")]


def _timing_text(timing: Timing) -> str:
    if not timing.count:
        return "no checklist signed"
    return (f"median {minutes_text(timing.median_minutes)}, 90% within {minutes_text(timing.p90_minutes)} "
            f"(over {timing.count:,} checklists)")


def render_unit_report(report: UnitReport, *, invariant: bool = False) -> bytes:
    """The report as PDF bytes."""
    return UnitReportRenderer(report, invariant=invariant).render()
