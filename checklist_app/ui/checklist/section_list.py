"""The list of sections down the left of the checklist window, each with its state as icon and words.

"Complete", "Warning", "Hard stop", "In progress", "Not started" and "Not needed" are written out under
each title, so the state never depends on seeing colour. Sections the answers make unnecessary (fasting
under local anaesthetic only) stay listed, dimmed, and are skipped by next/previous.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from checklist_app.domain.form import FormDefinition
from checklist_app.ui import messages, theme
from checklist_app.workflows.section_state import STATE_ICONS, SectionState


class SectionList(QListWidget):
    """One row per section; choosing a row opens that section."""

    section_chosen = Signal(int)

    def __init__(self, form: FormDefinition, parent: QWidget | None = None, *,
                 switched_off: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.form = form
        # Optional sections this site's policy does not switch on are not listed at all (nor numbered).
        self._numbers: dict[str, int] = {}
        for section in form.sections:
            if section.id not in switched_off:
                self._numbers[section.id] = len(self._numbers) + 1
        self.setObjectName("section_list")
        self.setAccessibleName("Sections of the checklist")
        self.setIconSize(QSize(22, 22))
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setItemDelegate(_RowDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)  # rows measured again when the list is resized
        self.states: dict[str, SectionState] = {}
        self._shown: list[SectionState] = []  # the state each row shows, by row
        for section in form.sections:
            row = QListWidgetItem(f"{self._numbers.get(section.id, 0)}. {section.title}")
            row.setData(Qt.ItemDataRole.UserRole, section.id)
            self.addItem(row)
            row.setHidden(section.id in switched_off)
        self.currentRowChanged.connect(self._on_row_changed)

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.section_chosen.emit(row)

    def set_states(self, states: dict[str, SectionState]) -> None:
        """Show each section's state (icon + text); called after every evaluation."""
        if states == self.states:
            return
        self.states = dict(states)
        for row, section in enumerate(self.form.sections):
            state = states.get(section.id, "not_started")
            if row < len(self._shown) and self._shown[row] == state:
                continue  # each changed row makes the list lay out its rows again; a keystroke changes one or two
            self._shown[row:row + 1] = [state]
            words = messages.text(f"states.{state}")
            item = self.item(row)
            item.setText(f"{self._numbers.get(section.id, 0)}. {section.title}\n{words}")
            item.setIcon(theme.icon(STATE_ICONS[state]))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{section.title}: {words}")
            item.setToolTip(f"{section.title}: {words}")
            needed = state != "not_needed"
            flags = item.flags()
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if needed else flags & ~Qt.ItemFlag.ItemIsEnabled)

    def dataChanged(self, top_left: QModelIndex | QPersistentModelIndex,  # noqa: N802 (Qt override)
                    bottom_right: QModelIndex | QPersistentModelIndex, roles: list[int] | None = None) -> None:
        """One row changed: repaint that row, unless its height changed too.

        QListView answers any change of a row's data by laying every row out again and repainting the whole
        list (its rows could have changed height); a keystroke that changes one section's state would pay for
        painting all of them. A new state usually keeps the row's height, and then the item view's own
        handling (that row's repaint and the accessibility notice) is enough; otherwise the full one."""
        roles = list(roles or [])
        if top_left == bottom_right and top_left.isValid() and self._keeps_height(top_left.row()):
            QAbstractItemView.dataChanged(self, top_left, bottom_right, roles)
            return
        super().dataChanged(top_left, bottom_right, roles)

    def _keeps_height(self, row: int) -> bool:
        """Whether the row's text still takes the height it was laid out with. The laid-out height is the
        distance to the next row (the last row has none: it always takes the full path); visualRect's height
        is worked out from the row's current text."""
        if not 0 <= row < self.count() - 1:
            return False
        here, below = (self.visualRect(self.model().index(r, 0)) for r in (row, row + 1))
        return below.top() - here.top() - self.spacing() == here.height()

    def select(self, row: int) -> None:
        """Select a row without re-emitting ``section_chosen``."""
        self.blockSignals(True)
        self.setCurrentRow(row)
        self.blockSignals(False)

    def needed_rows(self) -> list[int]:
        """Rows of sections that apply (not 'not needed')."""
        return [row for row, s in enumerate(self.form.sections) if self.states.get(s.id) != "not_needed"]


class _RowDelegate(QStyledItemDelegate):
    """Rows measured at the width they are painted at. Qt measured a row with no width to wrap at, so a title
    a few pixels too wide for the list kept one line and its state line ('15. Antibiotic prophylaxis'
    without 'Complete') was cut off; measured at the list's width, it wraps and the row grows."""

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 (Qt override)
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self.parent().viewport().width()
        measured = QStyleOptionViewItem(option)
        # The style sheet's padding narrows the text when painted, but not when measured: measured without it.
        measured.rect = QRect(0, 0, width - 2 * theme.LIST_ITEM_PADDING_X, max(option.rect.height(), 1))
        return QSize(width, super().sizeHint(measured, index).height())
