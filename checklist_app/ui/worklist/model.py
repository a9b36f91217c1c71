"""The worklist table model: patient, MRN, procedure, levels, scheduled time, status (icon + words) and
readiness by the site's deadline (icon, words and colour)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from checklist_app.domain import conventions
from checklist_app.domain.readiness import Readiness
from checklist_app.ui import theme
from checklist_app.workflows import messages
from checklist_app.workflows.worklist_rows import WorklistRow

COLUMNS = ("Patient", "MRN", "Procedure", "Level(s)", "Scheduled", "Status", "Ready", "Chart", "Open at")
STATUS_COLUMN = COLUMNS.index("Status")
READY_COLUMN = COLUMNS.index("Ready")
# The icons of the statuses a row can have: those of section_state.STATE_ICONS (a test keeps them equal),
# repeated here because importing section_state loads the pydantic form models, which the first paint
# of the worklist does without.
ROW_ICONS = {
    "draft": "draft", "warnings": "state-warning", "hard_stop": "state-hard-stop", "ready": "state-complete",
    "signed": "signed", "signed_not_cleared": "state-hard-stop", "printed": "printed",
    "policy_unavailable": "state-missing", "checking": "draft",
}
# Readiness by the deadline: icon, text colour and background, repeating the words in the cell.
READY_LOOKS = {
    "ready": ("state-complete", theme.OK, theme.OK_BG),
    "not_ready": ("state-warning", theme.WARN, theme.WARN_BG),
    "deadline_passed": ("state-hard-stop", theme.STOP, theme.STOP_BG),
    "no_start": ("state-missing", theme.MUTED, None),
}
Index = QModelIndex | QPersistentModelIndex


class WorklistModel(QAbstractTableModel):
    """Rows built by ``worklist_rows.build_rows``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[WorklistRow] = []
        self.today: datetime | None = None
        # Each row's cell texts and readiness at ``today``, worked out once: Qt asks data() for every role of
        # every cell on each paint, and of every row when it sizes a column to its contents.
        self._texts: dict[int, tuple[str, ...]] = {}
        self._ready: dict[int, Readiness | None] = {}

    def set_rows(self, rows: list[WorklistRow], now: datetime) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = list(rows)
        self.today = now
        self._texts.clear()
        self._ready.clear()
        self.endResetModel()

    def set_now(self, now: datetime) -> None:
        """Move the readiness column's clock on (a deadline still ahead becomes 'deadline passed')."""
        self.today = now
        self._texts.clear()
        self._ready.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0, READY_COLUMN), self.index(len(self.rows) - 1, READY_COLUMN))

    def readiness(self, n: int) -> Readiness | None:
        """Row ``n``'s readiness at the model's clock (None for a row not rated yet)."""
        if n not in self._ready:
            found = self.rows[n].readiness
            self._ready[n] = found.at(self.today) if found is not None and self.today is not None else found
        return self._ready[n]

    def _texts_of(self, n: int) -> tuple[str, ...]:
        texts = self._texts.get(n)
        if texts is None:
            row, ready = self.rows[n], self.readiness(n)
            if ready is not None:
                ready_text = ready.text(brief=True)
            else:
                ready_text = messages.text("states.checking") if row.status == "checking" else ""
            texts = self._texts[n] = (row.patient, row.mrn, row.procedure, row.levels, self._scheduled(row),
                                      row.status_text, ready_text, row.chart, row.open_at)
        return texts

    def _ready_data(self, n: int, role: int) -> Any:
        ready = self.readiness(n)
        if ready is None:
            return None
        icon, ink, background = READY_LOOKS[ready.state]
        if role == Qt.ItemDataRole.DecorationRole:
            return theme.icon(icon)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(ink)
        if role == Qt.ItemDataRole.BackgroundRole and background:
            return QColor(background)
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _scheduled(self, row: WorklistRow) -> str:
        if row.scheduled is None:
            return "-"
        local = row.scheduled.astimezone()
        if self.today is not None and local.date() == self.today.astimezone().date():
            return f"today {conventions.format_time(local)}"
        return conventions.format_datetime(local)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        n, column = index.row(), index.column()
        row = self.rows[n]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._texts_of(n)[column]
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS_COLUMN:
            return theme.icon(ROW_ICONS.get(row.status, "draft"))
        if column == READY_COLUMN and role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole,
                                               Qt.ItemDataRole.BackgroundRole):
            return self._ready_data(n, role)
        if role == Qt.ItemDataRole.ToolTipRole and column == READY_COLUMN and (ready := self.readiness(n)):
            return "\n".join((ready.text(), *ready.details))
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            opened = f"\nOpen at {row.open_at}" if row.open_at and row.open_at != "Here" else ""
            chart = f"\n{row.chart}" if row.chart else ""
            return f"{row.patient} - {row.status_text}{chart}{opened}" + (f"\n{row.problem}" if row.problem else "")
        return None


class WorklistFilter(QSortFilterProxyModel):
    """Search by name or MRN (what a scanner types from a wristband)."""

    def __init__(self) -> None:
        super().__init__()
        self.query = ""

    def set_query(self, query: str) -> None:
        """Filter on ``query``."""
        self.beginFilterChange()
        self.query = query
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, _source_parent: Index) -> bool:  # noqa: N802 (Qt override)
        model = self.sourceModel()
        row = model.rows[source_row] if isinstance(model, WorklistModel) else None
        return row is None or row.matches(self.query)
