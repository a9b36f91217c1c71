"""The worklist table model: patient, MRN, procedure, levels, scheduled time and status (icon + words)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from checklist_app.ui import theme
from checklist_app.workflows.worklist_rows import WorklistRow

COLUMNS = ("Patient", "MRN", "Procedure", "Level(s)", "Scheduled", "Status", "Chart", "Open at")
STATUS_COLUMN = COLUMNS.index("Status")
# The icons of the statuses a row can have: those of section_state.STATE_ICONS (a test keeps them equal),
# repeated here because importing section_state loads the pydantic form models, which the first paint
# of the worklist does without.
ROW_ICONS = {
    "draft": "draft", "warnings": "state-warning", "hard_stop": "state-hard-stop", "ready": "state-complete",
    "signed": "signed", "signed_not_cleared": "state-hard-stop", "printed": "printed",
    "policy_unavailable": "state-missing", "checking": "draft",
}
Index = QModelIndex | QPersistentModelIndex


class WorklistModel(QAbstractTableModel):
    """Rows built by ``worklist_rows.build_rows``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[WorklistRow] = []
        self.today: datetime | None = None

    def set_rows(self, rows: list[WorklistRow], now: datetime) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = list(rows)
        self.today = now
        self.endResetModel()

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
            return f"today {local:%H:%M}"
        return f"{local:%Y-%m-%d %H:%M}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        texts = (row.patient, row.mrn, row.procedure, row.levels, self._scheduled(row), row.status_text, row.chart,
                 row.open_at)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return texts[column]
        if role == Qt.ItemDataRole.DecorationRole and column == STATUS_COLUMN:
            return theme.icon(ROW_ICONS.get(row.status, "draft"))
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
