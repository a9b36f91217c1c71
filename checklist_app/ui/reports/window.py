"""The Reports window: the unit's figures for a range of days, read at a glance. The headline numbers on top,
then three tabs: Overview (checklists signed and deferred per day or week, why they were deferred, time to
sign), Rules (what stopped and warned most, every rule's counts) and People (overrides per physician, per
proceduralist, per nurse). "Save PDF..." writes the printable report, "Save CSV..." the spreadsheet files.

The figures come from ``workflows.reports`` (the same as the ``report`` command); the charts are the printed
report's own drawings (``chart_view``). The window never names a patient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from checklist_app.domain import conventions
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.unit_report import UnitReport
from checklist_app.pdf import report_charts
from checklist_app.pdf.unit_report import chart_granularity, minutes_text, percent, render_unit_report
from checklist_app.storage import Database
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.reports.chart_view import ChartView
from checklist_app.workflows import report_csv, reports

WINDOW_TITLE = "Unit reports"
# The printed report's drawings, made at sizes that, scaled to this window, give labels of a readable size:
# a chart across the window is drawn wide, two side by side narrow (points; 7-point labels become ~11 px).
WIDE, NARROW = 760, 380
WIDE_HEIGHT, NARROW_HEIGHT = 250, 200
MAX_COLUMN = 380  # pixels: a longer description is cut (the whole text is its tooltip)
PRIVACY = "No patient is named in this window or in what it saves."


def _month_before(day: date) -> tuple[date, date]:
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


class ReportsWindow(QMainWindow):
    """The unit's figures for the chosen days; ``show_range`` reads them again."""

    def __init__(self, db: Database, *, site: str, default_policy: str | None, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # its own window over the worklist, not a panel inside it
        self.db, self.site, self.today = db, site, today
        self.rules = reports.rule_catalogue(default_policy)
        self.report: UnitReport | None = None
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("reports_window")
        self._build()
        self.resize(1180, 860)
        self.show_range(*_month_before(today))
        self.tabs.setFocus()

    # --- layout -------------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.from_edit, self.to_edit = self._date_edit("From"), self._date_edit("To")
        from_label, to_label = QLabel("&From:"), QLabel("&To:")
        from_label.setBuddy(self.from_edit)
        to_label.setBuddy(self.to_edit)
        self.show_button = controls.button("&Show", self._on_show_clicked, role="primary")
        quick = [controls.button(text, lambda _=False, f=choose: self.show_range(*f()))
                 for text, choose in (("&Last month", lambda: _month_before(self.today)),
                                      ("This &month", lambda: (self.today.replace(day=1), self.today)),
                                      ("Last &12 months", lambda: (self.today - timedelta(days=364), self.today)))]
        self.pdf_button = controls.button("Save &PDF...", self._on_save_pdf)
        self.csv_button = controls.button("Save &CSV...", self._on_save_csv)
        self.title_label = controls.label("", role="title", wrap=False)
        self.figures = {key: self._figure() for key in ("started", "cleared", "not_cleared", "amended", "overrides",
                                                        "time")}
        self.note_label = controls.label("", role="help")
        self.tabs = QTabWidget()
        self.outcomes_chart, self.reasons_chart, self.time_chart = (
            ChartView("Checklists signed per period"), ChartView("Reasons for NOT CLEARED"),
            ChartView("Time to sign"))
        self.stops_chart = ChartView("Rules that stopped most")
        self.warnings_chart = ChartView("Rules that warned most")
        self.rules_table = self._table("Every rule")
        self.physicians_table = self._table("Overrides per physician")
        self.proceduralists_table = self._table("Per proceduralist")
        self.nurses_table = self._table("Per nurse")
        # Two charts side by side: drawn for a printed page, one chart across a wide window would fill the
        # screen with a few bars in 20-point type, and a manager should see deferrals and their reasons at once.
        self.tabs.addTab(self._page(self.outcomes_chart, (self.reasons_chart, self.time_chart)), "&Overview")
        self.tabs.addTab(self._page((self.stops_chart, self.warnings_chart),
                                    self._heading("Every rule that raised a finding"), self.rules_table), "&Rules")
        self.tabs.addTab(self._page(
            self._heading("Overrides per physician"), self.physicians_table, self._heading("Per proceduralist"),
            controls.label("Override rate: of the checklists stopped by a hard stop, the share cleared because a "
                           "physician overrode it; the rest were deferred.", role="help"),
            self.proceduralists_table, self._heading("Per nurse (who signed)"), self.nurses_table), "P&eople")
        central = QWidget()
        layout = controls.vbox(central, margins=12)
        layout.addLayout(controls.hbox(from_label, self.from_edit, to_label, self.to_edit, self.show_button, *quick,
                                       None, self.pdf_button, self.csv_button))
        layout.addWidget(self.title_label)
        cards = controls.hbox(*[frame for frame, _, _ in self.figures.values()])
        layout.addLayout(cards)
        layout.addWidget(self.note_label)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(name)
        return edit

    def _figure(self) -> tuple[QFrame, QLabel, QLabel]:
        """A card with a big number and what it counts."""
        frame = controls.card()
        box = controls.vbox(frame, margins=10, spacing=2)
        value, caption = controls.label("", role="title", wrap=False), controls.label("", role="help")
        box.addWidget(value)
        box.addWidget(caption)
        return frame, value, caption

    def _heading(self, text: str) -> QLabel:
        return controls.label(text, role="subtitle")

    def _table(self, name: str) -> QTableWidget:
        table = QTableWidget()
        table.setAccessibleName(name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the page scrolls, not each table
        return table

    def _page(self, *rows: QWidget | tuple[QWidget, ...]) -> QScrollArea:
        """A scrolling page of widgets, one per row; a tuple's widgets share a row."""
        page = QWidget()
        layout = QVBoxLayout(page)
        for row in rows:
            if isinstance(row, tuple):
                layout.addLayout(controls.hbox(*row, spacing=16))
            else:
                layout.addWidget(row)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    # --- content ------------------------------------------------------------------------------------------
    def show_range(self, first: date, last: date) -> None:
        """Read the figures for ``first`` to ``last`` (local dates, both included) and show them."""
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.setDate(QDate(day.year, day.month, day.day))
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # five years of a busy unit: about a second
        try:
            reports.check_range(first, last, ("From", "To"))
            report = reports.build_report(self.db, first, last, site=self.site, rules=self.rules)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.report = report
        self._show(report)

    def _on_show_clicked(self) -> None:
        first, last = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        self.show_range(first, last)

    def _show(self, report: UnitReport) -> None:
        total = report.total
        signed = total.signed_cleared + total.signed_not_cleared
        first, last = conventions.format_date(report.first_day), conventions.format_date(report.last_day)
        self.title_label.setText(f"{report.site or 'Unit'}: {first} to {last}")
        overrides = sum(p.overrides for p in report.physicians)
        timing = report.timing
        for key, value, caption in (
                ("started", f"{total.started:,}", "checklists started"),
                ("cleared", f"{total.signed_cleared:,}", "signed cleared"),
                ("not_cleared", f"{total.signed_not_cleared:,}",
                 f"signed NOT CLEARED ({percent(total.signed_not_cleared, signed)} of signed)"),
                ("amended", f"{total.amended:,}", "amended after signing"),
                ("overrides", f"{overrides:,}", "hard stops overridden"),
                ("time", minutes_text(timing.median_minutes),
                 f"median to sign; 90% within {minutes_text(timing.p90_minutes)}")):
            _, value_label, caption_label = self.figures[key]
            value_label.setText(value)
            caption_label.setText(caption)
        frame = self.figures["not_cleared"][0]
        theme.set_role(frame, "card-hard_stop" if total.signed_not_cleared else "card")  # the figure to look at
        frame.style().polish(frame)
        self.note_label.setText(" ".join((*report.notes, PRIVACY)))
        granularity = chart_granularity(report)
        rows = report.periods[granularity]
        descriptions = {r.rule_id: r.description for r in report.rules}
        self.outcomes_chart.set_drawing(
            report_charts.outcomes_chart(rows, granularity, WIDE, WIDE_HEIGHT),
            f"{total.signed_cleared} signed cleared, {total.signed_not_cleared} NOT CLEARED")
        self.reasons_chart.set_drawing(
            report_charts.reasons_chart(total.reasons, descriptions, NARROW, NARROW_HEIGHT),
            ", ".join(f"{rule} {count}" for rule, count in total.reasons) or "none")
        self.time_chart.set_drawing(report_charts.time_to_sign_chart(rows, granularity, NARROW, NARROW_HEIGHT),
                                    f"median {minutes_text(timing.median_minutes)}")
        self.stops_chart.set_drawing(report_charts.stops_chart(report.rules, NARROW, NARROW_HEIGHT))
        self.warnings_chart.set_drawing(report_charts.warnings_chart(report.rules, NARROW, NARROW_HEIGHT))
        hard = "hard_stop"
        _fill(self.rules_table, ("Rule", "What it checks", "Kind", "Checklists", "Overridden", "Override rate",
                                 "Deferred", "Acknowledgements"),
              [(r.rule_id, r.description, "hard stop" if r.severity == hard else "warning", r.checklists,
                r.overridden if r.severity == hard else "-", percent(r.overridden, r.checklists) if r.severity == hard
                else "-", r.deferred if r.severity == hard else "-", r.acknowledgements) for r in report.rules])
        _fill(self.physicians_table, ("Physician", "Overrides", "Checklists", "Share", "Rules overridden"),
              [(f"{p.name} ({p.staff_id})", p.overrides, p.checklists, f"{p.share:.0%}",
                ", ".join(f"{rule} {count}" for rule, count in p.top_rules)) for p in report.physicians])
        _fill(self.proceduralists_table, ("Proceduralist", "Checklists", "With a hard stop", "Overridden",
                                          "Override rate", "Deferred", "Median to sign", "90% signed within"),
              [(p.proceduralist, p.checklists, p.with_hard_stop, p.overridden, percent(p.overridden, p.with_hard_stop),
                p.deferred, minutes_text(p.timing.median_minutes), minutes_text(p.timing.p90_minutes))
               for p in report.proceduralists])
        _fill(self.nurses_table, ("Nurse", "Checklists signed", "NOT CLEARED", "Median to sign", "90% signed within"),
              [(f"{n.name} ({n.staff_id})", n.checklists, n.signed_not_cleared, minutes_text(n.timing.median_minutes),
                minutes_text(n.timing.p90_minutes)) for n in report.nurses])

    # --- saving -------------------------------------------------------------------------------------------
    @staticmethod
    def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
        """Where to save the PDF (a file dialog; tests replace it)."""
        chosen, _ = QFileDialog.getSaveFileName(parent, "Save the report as PDF", suggested, "PDF (*.pdf)")
        return Path(chosen) if chosen else None

    @staticmethod
    def ask_csv_folder(parent: QWidget) -> Path | None:
        """Which folder to save the CSV files in (a folder dialog; tests replace it)."""
        chosen = QFileDialog.getExistingDirectory(parent, "Save the report's CSV files in")
        return Path(chosen) if chosen else None

    def _on_save_pdf(self) -> None:
        if self.report is None:
            return
        report = self.report
        path = self.ask_pdf_path(self, f"unit-report-{report.first_day}-to-{report.last_day}.pdf")
        if path is not None:
            self._save(lambda: path.write_bytes(render_unit_report(report)), f"Saved {path}.")

    def _on_save_csv(self) -> None:
        if self.report is None:
            return
        report = self.report
        folder = self.ask_csv_folder(self)
        if folder is not None:
            self._save(lambda: report_csv.write_csv(report, folder), f"Saved the CSV files in {folder}.")

    def _save(self, write: Callable[[], object], done: str) -> None:
        try:
            write()
        except (ChecklistError, OSError) as exc:
            messages.show_error(self, exc)
            return
        self.statusBar().showMessage(done, 10_000)


def _fill(table: QTableWidget, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Put rows into a table: numbers right-aligned, every row visible (the page scrolls)."""
    table.clear()
    table.setColumnCount(len(header))
    table.setHorizontalHeaderLabels(list(header))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else str(value))
            item.setToolTip(item.text())
            if isinstance(value, int) or c > 0 and str(value).endswith(("%", "min", "-")):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for column in range(len(header)):
        table.setColumnWidth(column, min(table.columnWidth(column), MAX_COLUMN))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(False)  # a stretched last column puts its numbers far right
    height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(rows))) + 4
    table.setFixedHeight(max(height, table.horizontalHeader().height() + 30))
