"""The day view of readiness: a chosen day's scheduled cases, those not ready by the site's deadline first,
each with what it still lacks. Opens on the day whose deadline is today (tomorrow, or Monday on a Friday).

The rows are the worklist's own (``WorklistWindow.read_rows``: every unfinished draft, the latest signed
checklists, and the day's signed pre-admission plans however long ago they were signed), read again when the
day changes, when the worklist refreshes and on F5; a patient with a plan and the day's checklist is one case
(``workflows.readiness.cases_on``). A double-click or Enter opens it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QDateEdit, QDialog, QHeaderView, QTableWidget, QTableWidgetItem

from checklist_app.domain.conventions import date_order
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.plan_ids import is_plan
from checklist_app.domain.readiness import business_days_ahead
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.worklist.model import READY_LOOKS
from checklist_app.workflows.readiness import cases_on

if TYPE_CHECKING:
    from checklist_app.ui.worklist.window import WorklistWindow
    from checklist_app.workflows.worklist_rows import WorklistRow

TITLE = "Cases at risk"
HEADERS = ("Scheduled", "Patient", "MRN", "Record", "Readiness", "What is missing")
READINESS = HEADERS.index("Readiness")
STATE_WORDS = {"ready": "Ready", "not_ready": "Not ready", "deadline_passed": "Deadline passed",
               "no_start": "No scheduled start"}


class ReadinessDialog(QDialog):
    """One day's cases and their readiness; ``show_day`` moves to another day."""

    def __init__(self, worklist: WorklistWindow) -> None:
        super().__init__(worklist)
        self.worklist = worklist
        self.rows: list[WorklistRow] = []
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setObjectName("readiness_dialog")
        self.resize(1100, 600)
        layout = controls.vbox(self, spacing=theme.SPACING + 2, margins=theme.MARGIN + 8)
        layout.addWidget(controls.label(TITLE, role="title"))
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("ddd " + date_order().replace("DD", "dd").replace("YYYY", "yyyy"))
        self.day_edit.setAccessibleName("Procedure day")
        day_label = controls.label("Procedure &day:", wrap=False)
        day_label.setBuddy(self.day_edit)
        self.previous_button = controls.button("&Previous day", lambda: self._step(-1))
        self.next_button = controls.button("Ne&xt day", lambda: self._step(1))
        layout.addLayout(controls.hbox(day_label, self.day_edit, self.previous_button, self.next_button, None))
        self.summary = controls.label("", name="Summary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("readiness_table")
        self.table.setAccessibleName("Scheduled cases")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(len(HEADERS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)
        self.open_button = controls.button("&Open checklist", self.open_selected)
        layout.addLayout(controls.hbox(None, self.open_button, controls.button("Close", self.reject)))
        QShortcut(QKeySequence("F5"), self, self.reload)
        self.day_edit.dateChanged.connect(lambda _d: self.reload())
        self.show_day(self.default_day())

    def default_day(self) -> date:
        """The procedure day whose deadline is today (Monday on a Friday, with the default deadline)."""
        rules = self.worklist.readiness_rules
        ctx = self.worklist.ctx
        today = ctx.now().astimezone().date() if ctx is not None else date.today()
        return business_days_ahead(today, rules.business_days_before if rules else 1)

    @property
    def day(self) -> date:
        """The day shown."""
        return self.day_edit.date().toPython()

    def show_day(self, day: date) -> None:
        """List ``day``'s cases."""
        if self.day_edit.date().toPython() == day and self.rows:
            self.reload()
        else:
            self.day_edit.setDate(QDate(day.year, day.month, day.day))  # dateChanged reloads

    def _step(self, days: int) -> None:
        self.show_day(self.day + timedelta(days=days))

    def reload(self) -> None:
        """Read the cases again and fill the table."""
        if self.worklist.readiness_problem:
            self.summary.setText(f"Readiness cannot be worked out: {self.worklist.readiness_problem}")
            self.table.setRowCount(0)
            return
        try:
            self.rows = cases_on(self.worklist.read_rows(all_dates=True, plans_of=self.day), self.day)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return
        self.summary.setText(self._summary())
        self.table.setRowCount(len(self.rows))
        for n, row in enumerate(self.rows):
            self._fill(n, row)
        self.table.resizeRowsToContents()
        if self.rows:
            self.table.selectRow(0)
        self.open_button.setEnabled(bool(self.rows))

    def _summary(self) -> str:
        from checklist_app.domain.conventions import format_weekday_date

        day = format_weekday_date(self.day)
        if not self.rows:
            return f"{day}: no checklist is scheduled."
        counts = {state: 0 for state in STATE_WORDS}
        for row in self.rows:
            counts[row.readiness.state] += 1  # type: ignore[union-attr]
        parts = [f"{counts[s]} {STATE_WORDS[s].lower()}" for s in ("deadline_passed", "not_ready", "ready")
                 if counts[s]]
        deadline = self.rows[0].readiness.deadline_text()  # type: ignore[union-attr]
        return f"{day}: {len(self.rows)} case(s) scheduled - {', '.join(parts)}. Deadline {deadline}."

    def _fill(self, n: int, row: WorklistRow) -> None:
        from checklist_app.domain.conventions import format_time

        ready = row.readiness
        assert ready is not None and row.scheduled is not None  # cases_on keeps only those
        icon, ink, background = READY_LOOKS[ready.state]
        missing = "\n".join(ready.details) if ready.details else "-"
        # A plan's status already says so ('Pre-admission plan: Signed'); a checklist's says how far it is.
        record = row.status_text if is_plan(row.record_id) else f"Checklist: {row.status_text}"
        texts = (format_time(row.scheduled.astimezone()), row.patient, row.mrn, record, STATE_WORDS[ready.state],
                 missing)
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row.record_id)
            if column == READINESS:
                item.setIcon(theme.icon(icon))
                item.setForeground(QColor(ink))
                if background:
                    item.setBackground(QColor(background))
            self.table.setItem(n, column, item)

    def open_selected(self) -> None:
        """Open the selected case's checklist from the worklist."""
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self.worklist.open_record(self.table.item(selected[0].row(), 0).data(Qt.ItemDataRole.UserRole))
