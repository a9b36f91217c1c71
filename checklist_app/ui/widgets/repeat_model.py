"""The master of a list item (medications, allergies): a read-only table model, one column per field, and
the table that shows it.

Each row is the entry as a plain dict of its answered fields (what ``RepeatWidget.value()`` returns). A
row is never changed in place: an edit replaces the row's dict, so a list handed out earlier (the answer
the window already holds) keeps its old entries and a changed answer still compares unequal. Cells show
the answer in words: option labels, times as "today 06:30" or "Thu 19 Nov 08:00", empty when unanswered.

Text typed into a field that could not be read ('yesterdy 2200') is kept per entry and field in
``unread``, beside the rows and never in them (it is not an answer: the entry lacks that field, so the rules
still see it missing). Its cell shows it ('⚠ Not understood: yesterdy 2200', in red), so the nurse sees
which entry needs attention without opening each one; the editor puts it back in the field when the entry
is selected again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from checklist_app.domain import conventions
from checklist_app.domain.timeutil import aware
from checklist_app.ui import theme
from checklist_app.ui.widgets.base import Clock

Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole)
_CELL_ROLES = (*_TEXT_ROLES, Qt.ItemDataRole.ForegroundRole)  # the colour only for unread text
_STOP = QColor(theme.STOP)


def _moment_text(moment: datetime, now: datetime) -> str:
    local, today = aware(moment).astimezone(), aware(now).astimezone().date()
    relative = {0: "today", -1: "yesterday", 1: "tomorrow"}.get((local.date() - today).days)
    if relative:
        return f"{relative} {conventions.format_time(local)}"
    return f"{conventions.format_weekday_date(local.date())} {conventions.format_time(local)}"


def display_text(sub: Any, value: Any, now: datetime) -> str:
    """One field's answer in words, as the table shows it ('' when unanswered)."""
    if value is None:
        return ""
    kind = sub.kind
    if kind == "choice":
        return sub.option_label(value)
    if kind == "multi_choice":
        return ", ".join(sub.option_label(v) for v in value)
    if kind in ("confirm", "yes_no"):
        return "Yes" if value else "No"
    if kind == "datetime":
        if value == "none":
            return getattr(sub, "none_label", None) or "None"
        return _moment_text(value, now) if isinstance(value, datetime) else str(value)
    if kind == "date":
        return conventions.format_date(value) if isinstance(value, date) else str(value)
    if kind == "measurement" and isinstance(value, dict):
        return f"{value.get('value', ''):g} {value.get('unit', '')}".strip()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _answered(row: dict[str, Any]) -> dict[str, Any]:
    return {field_id: value for field_id, value in row.items() if value is not None}


class EntryTableModel(QAbstractTableModel):
    """The entries of one list item; cells are read-only (the entry editor under the table edits)."""

    def __init__(self, item: Any, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.clock = clock
        self.fields = list(item.fields)
        self.rows: list[dict[str, Any]] = []
        self.unread: dict[tuple[int, str], str] = {}  # (row, field id): typed text that gave no answer
        self._columns = {sub.id: column for column, sub in enumerate(self.fields)}
        self.headings: dict[int, str] = {}  # column: its heading broken into lines to fit (set by the table)

    # --- changes: each tells the views exactly what changed, so a 200-row list repaints one row ---------
    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Replace every row at once (a saved answer shown)."""
        self.beginResetModel()
        self.rows = [_answered(row) for row in rows]
        self.unread = {}  # text typed for the entries shown before is not about these
        self.endResetModel()

    def append(self, row: dict[str, Any]) -> int:
        """Add a row at the end; returns its index."""
        index = len(self.rows)
        self.beginInsertRows(QModelIndex(), index, index)
        self.rows.append(_answered(row))
        self.endInsertRows()
        return index

    def remove(self, index: int) -> None:
        """Remove one row."""
        self.beginRemoveRows(QModelIndex(), index, index)
        del self.rows[index]
        # The rows after it move up one: their unread text moves with them; the removed row's goes.
        self.unread = {(row - (row > index), field_id): text for (row, field_id), text in self.unread.items()
                       if row != index}
        self.endRemoveRows()

    def set_field(self, index: int, field_id: str, value: Any) -> bool:
        """One field of one row (None clears it); True when it changed. Replaces that row's dict."""
        row = self.rows[index]
        if row.get(field_id) == value:  # rows never hold None: an unanswered field is left out
            return False
        changed = {k: v for k, v in row.items() if k != field_id}
        if value is not None:
            changed[field_id] = value
            self.unread.pop((index, field_id), None)  # a readable answer replaces the unreadable text
        self.rows[index] = changed
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(self.fields) - 1), list(_CELL_ROLES))
        return True

    def set_unread(self, index: int, field_id: str, text: str) -> None:
        """Keep the text typed into one field of one row that could not be read ('' forgets it)."""
        key = (index, field_id)
        if self.unread.get(key, "") == text:
            return
        if text:
            self.unread[key] = text
        else:
            del self.unread[key]
        cell = self.index(index, self._columns[field_id])
        self.dataChanged.emit(cell, cell, list(_CELL_ROLES))

    def unread_in(self, index: int) -> dict[str, str]:
        """One row's unread text by field id."""
        return {field_id: text for (row, field_id), text in self.unread.items() if row == index}

    def clear_unread(self) -> None:
        """Forget all unread text (a signed list shows what was recorded, nothing else)."""
        if self.unread:
            self.unread = {}
            if self.rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.fields) - 1),
                                      list(_CELL_ROLES))

    # --- reading -----------------------------------------------------------------------------------------
    def answered_fields(self) -> set[str]:
        """The fields some entry answers."""
        return {field_id for row in self.rows for field_id in row}

    def set_headings(self, headings: dict[int, str]) -> None:
        """Show these headings (broken into lines) in place of the fields' labels."""
        if headings != self.headings:
            self.headings = headings
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.fields) - 1)

    def title(self, index: int) -> str:
        """The entry's name by its title field ('Apixaban'), or '' while that field is empty. An 'Other'
        is named by what was typed for it too ('Other (Remedy 001)'): 'Other' alone names nothing."""
        title_id = self.item.title_field
        if not title_id or not 0 <= index < len(self.rows):
            return ""
        row = self.rows[index]
        title = display_text(self.item.field(title_id), row.get(title_id), self.clock())
        if row.get(title_id) == "other":
            typed = next((row[sub.id] for sub in self.fields if sub.kind == "text" and row.get(sub.id)), None)
            title = f"{title} ({typed})" if typed else title
        return title

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(self.fields)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return str(section + 1)  # entries are numbered from 1, as the editor's title says
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headings.get(section, self.fields[section].label)
        if role in _TEXT_ROLES:
            return self.fields[section].label
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)  # over the cells' text
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in _CELL_ROLES:
            return None
        sub = self.fields[index.column()]
        unread = self.unread.get((index.row(), sub.id)) if self.unread else None
        if unread is not None:
            return self._unread_data(sub, unread, role)
        if role not in _TEXT_ROLES:
            return None
        text = display_text(sub, self.rows[index.row()].get(sub.id), self.clock())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{sub.label}: {text or 'not answered'}"
        return text or None

    @staticmethod
    def _unread_data(sub: Any, text: str, role: int) -> Any:
        # Marked by a sign and words, not by colour alone; red as the field's own "not understood" message.
        if role == Qt.ItemDataRole.ForegroundRole:
            return _STOP
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{sub.label}: not understood: {text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Not understood: '{text}'. Select the entry to correct it."
        return f"⚠ Not understood: {text}"  # the words first: a narrow column cuts the end

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # read-only: no ItemIsEditable


class EntryTable(QTableView):
    """The entries, one per row; columns sized from the form (never by measuring rows, so 200 rows cost
    nothing more): a time column keeps the width of a time, and the others share what is left. The columns
    fit the table's width (no sideways scrolling, whose bar hid the only row); a column no entry answers is
    left out unless its field is required (dose intensity, asked for one medicine, takes no room on the
    others), and a heading too wide for its column is broken into lines, never cut."""

    def __init__(self, model: EntryTableModel, rows_shown: int) -> None:
        super().__init__()
        self.setModel(model)
        self.entries = model
        self.rows_shown = rows_shown
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab goes on to the editor, not from cell to cell
        self.setWordWrap(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)  # headings are broken into lines to fit, never cut
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._natural = [self._natural_width(sub) for sub in model.fields]
        self._optional = [not (getattr(sub, "required", False) or sub.id == model.item.title_field)
                          for sub in model.fields]
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
            signal.connect(self._show_answered_columns)
        self._show_answered_columns()

    def _natural_width(self, sub: Any) -> tuple[int, int]:
        """(least, wished) width of a field's column, from what its answers look like; never narrower than
        the heading's longest word."""
        metrics = self.fontMetrics()
        longest_word = max(metrics.horizontalAdvance(word) for word in sub.label.split()) + _PADDING
        heading = min(metrics.horizontalAdvance(sub.label), metrics.horizontalAdvance("0") * 14)
        if sub.kind in ("datetime", "date"):
            # As the cells show it, in the site's conventions: a Wednesday in December of another year is wide.
            sample = datetime(2025, 12, 31, 12, 30)
            text = _moment_text(sample, datetime(2026, 6, 1)) if sub.kind == "datetime" else \
                conventions.format_date(sample.date())
            width = metrics.horizontalAdvance(text) + _PADDING
            return max(width, longest_word), max(width, longest_word)
        if hasattr(sub, "options"):
            longest = max((metrics.horizontalAdvance(o.label) for o in sub.options), default=0)
            width = min(longest, metrics.horizontalAdvance("0") * 22)
        else:
            width = metrics.horizontalAdvance("0") * 14
        wished = max(width, heading) + _PADDING
        return max(min(wished, metrics.horizontalAdvance("0") * 8 + _PADDING), longest_word), wished

    def fit_height(self, count: int) -> None:
        """As tall as ``count`` rows, at most ``rows_shown`` (then it scrolls)."""
        shown = min(max(count, 1), self.rows_shown)
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + self.frameWidth() * 2
                            + shown * self.verticalHeader().defaultSectionSize())

    def _show_answered_columns(self, *_args: Any) -> None:
        answered = self.entries.answered_fields()
        changed = False
        for column, sub in enumerate(self.entries.fields):
            hidden = self._optional[column] and sub.id not in answered
            if hidden != self.isColumnHidden(column):
                self.setColumnHidden(column, hidden)
                changed = True
        if changed:
            self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        shown = [column for column in range(len(self._natural)) if not self.isColumnHidden(column)]
        if not shown:
            return
        available = self.viewport().width()
        least = sum(self._natural[c][0] for c in shown)
        wished = sum(self._natural[c][1] for c in shown)
        share = 1.0 if wished <= available else max(0.0, (available - least) / max(wished - least, 1))
        header = self.horizontalHeader()
        widths = {}
        for column in shown:
            low, high = self._natural[column]
            widths[column] = int(low + (high - low) * share) if share < 1 else int(high * available / max(wished, 1))
        for column in shown[:-1]:
            header.resizeSection(column, widths[column])
        sizes = {c: header.sectionSize(c) for c in shown[:-1]}
        sizes[shown[-1]] = available - sum(sizes.values())  # what the stretched last column gets
        headings = {c: _broken(self.entries.fields[c].label, sizes[c] - _PADDING, self.fontMetrics()) for c in shown}
        if headings != self.entries.headings:
            self.entries.set_headings(headings)
            self.fit_height(self.entries.rowCount())  # a heading on two lines makes the header taller


_PADDING = 24  # a cell's or heading's margins around its text


def _broken(text: str, width: int, metrics: QFontMetrics) -> str:
    """``text`` with line breaks between words so that each line fits ``width`` (a word longer stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)
