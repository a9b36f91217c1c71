"""The unit report's charts as reportlab drawings: the printable report places them on its pages and the
Reports window shows the very same drawings on screen (``ui.reports.chart_view``), so paper and screen
cannot disagree. reportlab's own bar and line charts: nothing to install beyond reportlab.

Each function takes the report's figures and a size in points and returns a ``Drawing`` with its title,
legend and axis labels inside it. Colours follow the checklist: red stops, amber overrides, green cleared.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from checklist_app.domain import conventions
from checklist_app.domain.unit_report import Granularity, PeriodRow, RuleRow
from checklist_app.pdf import fonts
from checklist_app.pdf.layout import INK, MUTED, OK_GREEN, STOP_RED

OVERRIDE_AMBER = colors.HexColor("#e0a000")  # brighter than the text amber: a bar must read at a glance
WARN_BLUE = colors.HexColor("#4a6fa5")
P90_GREY = colors.HexColor("#8a8a8a")
GRID = colors.HexColor("#dddddd")
TITLE_SIZE, LABEL_SIZE = 10, 7
TOP, BOTTOM, LEFT, RIGHT = 40, 30, 34, 8  # room for the title and legend, the axis labels
VALUE_LABELS = 14  # below a horizontal bar chart: its value axis labels, inside the drawing
MAX_LABELS = 16  # more category labels than this overlap on a page-wide chart: every n-th is shown
MAX_BARS = 8  # the rules charts show the eight largest; the tables list them all
LABEL_CHARACTERS = 52
NICE_STEPS = (1, 2, 5, 10, 15, 20, 25, 30, 50, 60, 100, 120, 200, 250, 500, 1000, 2000, 5000, 10000)


def _set(widget: Any, **properties: Any) -> None:
    """Set a reportlab widget's properties: its ``draw()`` reads them, and they are checked as they are set
    (a misspelt property raises), which is what reportlab's own examples do one attribute at a time."""
    for name, value in properties.items():
        setattr(widget, name, value)


def _drawing(width: float, height: float, title: str) -> Drawing:
    fonts.register_fonts()
    drawing = Drawing(width, height)
    drawing.add(String(0, height - TITLE_SIZE - 2, title, fontName=fonts.SANS_BOLD, fontSize=TITLE_SIZE,
                       fillColor=INK))
    return drawing


def _legend(drawing: Drawing, entries: Sequence[tuple[colors.Color, str]]) -> None:
    """The legend on its own line under the title, from the left (beside the title it would run into a long
    title on a narrow chart)."""
    legend = Legend()
    _set(legend, x=0, y=drawing.height - TITLE_SIZE - 7, alignment="right", columnMaximum=1, deltax=0, dx=7, dy=7,
         fontName=fonts.SANS, fontSize=LABEL_SIZE, colorNamePairs=list(entries), boxAnchor="nw")
    drawing.add(legend)


def _empty(drawing: Drawing, text: str) -> Drawing:
    drawing.add(String(drawing.width / 2, drawing.height / 2, text, fontName=fonts.SANS, fontSize=LABEL_SIZE + 2,
                       fillColor=MUTED, textAnchor="middle"))
    return drawing


def category_labels(rows: Sequence[PeriodRow], granularity: Granularity) -> list[str]:
    """Short axis labels ('21' for a day, '16 Nov' for a week, 'Nov 26' for a month), every n-th kept when
    there are more than fit."""
    if granularity == "day":
        labels = [f"{r.first_day.day}" if len(rows) <= 31 else conventions.format_day_month(r.first_day) for r in rows]
    elif granularity == "week":
        labels = [f"{r.first_day.day} {r.first_day:%b}" for r in rows]
    else:
        labels = [conventions.format_month(r.first_day) for r in rows]
    step = max(1, -(-len(labels) // MAX_LABELS))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _value_axis(axis: Any, top: float) -> None:
    """A value axis from 0 in at most six round steps (1, 2, 5, 10, 15... never half a checklist or minute)."""
    top = max(top, 1)
    step = next(s for s in NICE_STEPS if top / s <= 6) if top <= 6 * NICE_STEPS[-1] else math.ceil(top / 6)
    _set(axis, valueMin=0, valueMax=step * math.ceil(top * 1.05 / step), valueStep=step, labelTextFormat="%d",
         gridStrokeColor=GRID, visibleGrid=True, strokeColor=MUTED)
    _set(axis.labels, fontName=fonts.SANS, fontSize=LABEL_SIZE)


def outcomes_chart(rows: Sequence[PeriodRow], granularity: Granularity, width: float, height: float) -> Drawing:
    """Signed cleared and signed NOT CLEARED per period, stacked (the height is every checklist signed)."""
    drawing = _drawing(width, height, f"Checklists signed by {granularity}: cleared and NOT CLEARED (deferred)")
    _legend(drawing, [(OK_GREEN, "cleared"), (STOP_RED, "NOT CLEARED")])
    if not rows:
        return _empty(drawing, "No days in the range.")
    chart = VerticalBarChart()
    chart.x, chart.y = LEFT, BOTTOM
    chart.width, chart.height = width - LEFT - RIGHT, height - TOP - BOTTOM
    chart.data = [[r.signed_cleared for r in rows], [r.signed_not_cleared for r in rows]]
    _set(chart.categoryAxis, style="stacked", categoryNames=category_labels(rows, granularity), strokeColor=MUTED)
    _set(chart.categoryAxis.labels, fontName=fonts.SANS, fontSize=LABEL_SIZE, angle=0, boxAnchor="n")
    _set(chart, barSpacing=0, groupSpacing=1.5 if len(rows) > 40 else 3)
    _value_axis(chart.valueAxis, max((r.signed_cleared + r.signed_not_cleared for r in rows), default=0))
    _set(chart.bars, strokeColor=None)
    _set(chart.bars[0], fillColor=OK_GREEN)
    _set(chart.bars[1], fillColor=STOP_RED)
    drawing.add(chart)
    return drawing


def time_to_sign_chart(rows: Sequence[PeriodRow], granularity: Granularity, width: float,
                       height: float) -> Drawing:
    """Median and 90th percentile of the minutes from first answer to signature, per period (gaps where
    nothing was signed)."""
    drawing = _drawing(width, height, f"Minutes from first answer to signature, by {granularity}")
    _legend(drawing, [(INK, "median"), (P90_GREY, "90th percentile")])
    medians = [r.timing.median_minutes for r in rows]
    p90s = [r.timing.p90_minutes for r in rows]
    known = [v for v in p90s if v is not None]
    if not known:
        return _empty(drawing, "No checklist signed in the range.")
    chart = HorizontalLineChart()
    chart.x, chart.y = LEFT, BOTTOM
    chart.width, chart.height = width - LEFT - RIGHT, height - TOP - BOTTOM
    chart.data = [medians, p90s]
    _set(chart, joinedLines=1)
    _set(chart.categoryAxis, categoryNames=category_labels(rows, granularity), strokeColor=MUTED)
    _set(chart.categoryAxis.labels, fontName=fonts.SANS, fontSize=LABEL_SIZE, boxAnchor="n")
    _value_axis(chart.valueAxis, max(known))
    _set(chart.lines[0], strokeColor=INK, strokeWidth=1.6)
    _set(chart.lines[1], strokeColor=P90_GREY, strokeWidth=1.2, strokeDashArray=(3, 2))
    drawing.add(chart)
    return drawing


def short_label(rule_id: str, description: str, width: float) -> str:
    """A bar's label: the rule's id and its description, cut to leave the bars half of ``width``."""
    most = min(LABEL_CHARACTERS, int(width / 2 / (LABEL_SIZE * 0.55)))  # ~0.55 em per character of DejaVu Sans
    text = f"{rule_id}  {description}" if description else rule_id
    return text if len(text) <= most else text[:most - 3].rstrip() + "..."


def _rule_bars(drawing: Drawing, labels: list[str], series: list[list[int]], fills: list[colors.Color]) -> Drawing:
    label_width = max(fonts.string_width(label, LABEL_SIZE) for label in labels) + 6
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, VALUE_LABELS
    chart.width = drawing.width - label_width - RIGHT - 10
    chart.height = drawing.height - TOP - VALUE_LABELS
    chart.data = series
    # reverseDirection: the largest at the top, as it is read.
    _set(chart.categoryAxis, categoryNames=labels, reverseDirection=1, style="stacked", strokeColor=MUTED)
    _set(chart.categoryAxis.labels, fontName=fonts.SANS, fontSize=LABEL_SIZE, boxAnchor="e", dx=-3)
    _value_axis(chart.valueAxis, max(sum(values) for values in zip(*series, strict=True)))
    _set(chart.bars, strokeColor=None)
    for index, fill in enumerate(fills):
        _set(chart.bars[index], fillColor=fill)
    _set(chart, barLabelFormat=None)
    drawing.add(chart)
    return drawing


def stops_chart(rules: Sequence[RuleRow], width: float, height: float) -> Drawing:
    """The hard stops that stopped most checklists, each split into overridden by a physician and left
    open (deferred)."""
    drawing = _drawing(width, height, "Rules that stopped most checklists (hard stops)")
    _legend(drawing, [(OVERRIDE_AMBER, "overridden"), (STOP_RED, "deferred")])
    top = [r for r in rules if r.severity == "hard_stop" and r.checklists][:MAX_BARS]
    if not top:
        return _empty(drawing, "No hard stop in the checklists signed in the range.")
    return _rule_bars(drawing, [short_label(r.rule_id, r.description, width) for r in top],
                      [[r.overridden for r in top], [r.checklists - r.overridden for r in top]],
                      [OVERRIDE_AMBER, STOP_RED])


def warnings_chart(rules: Sequence[RuleRow], width: float, height: float) -> Drawing:
    """The warnings found in most checklists."""
    drawing = _drawing(width, height, "Rules that warned most")
    _legend(drawing, [(WARN_BLUE, "checklists with the warning")])
    top = sorted((r for r in rules if r.severity == "warning" and r.checklists), key=lambda r: -r.checklists)[:MAX_BARS]
    if not top:
        return _empty(drawing, "No warning in the checklists signed in the range.")
    return _rule_bars(drawing, [short_label(r.rule_id, r.description, width) for r in top],
                      [[r.checklists for r in top]], [WARN_BLUE])


def reasons_chart(reasons: Sequence[tuple[str, int]], describe: dict[str, str], width: float,
                  height: float) -> Drawing:
    """The coded reasons of the NOT CLEARED signatures (a checklist with two open rules counts for both)."""
    drawing = _drawing(width, height, "Why signed NOT CLEARED: the open hard stops")
    _legend(drawing, [(STOP_RED, "NOT CLEARED checklists")])
    top = list(reasons)[:MAX_BARS]
    if not top:
        return _empty(drawing, "No checklist signed NOT CLEARED in the range.")
    return _rule_bars(drawing, [short_label(rule_id, describe.get(rule_id, ""), width) for rule_id, _ in top],
                      [[count for _, count in top]], [STOP_RED])
