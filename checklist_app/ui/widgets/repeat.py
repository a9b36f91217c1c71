"""A list of entries with the same fields (medications, allergies): a table of the entries and one editor.

Master-detail, as medication-reconciliation screens do it, so that a 200-medication list costs the same
widgets as a 2-medication one: the table (``EntryTableModel``, read-only, one row per entry, one column per
field) shows every entry; the one ``EntryEditor`` under it edits the selected entry. Selecting a row (click,
arrow keys) loads that entry into the editor; an edit there changes that one row.

Keyboard: arrow keys in the table pick an entry and Enter (or Tab) goes into the editor; Enter moves
through the editor's fields and, after the last one, to "Add entry" (Enter there adds an entry, selects it
and puts focus in its first field, or goes back to an entry left blank instead of adding a second one).
Tab and Shift+Tab go table, fields, "Add entry" and out of the list, worked out from what is on screen
each time (``focusNextPrevChild``): a choice's radio buttons or a field shown later cannot slip after
"Add entry", so Tab from there always leaves the list. The Remove button is never a Tab stop: a nurse who
Shift+Tabs back from "Add entry" and types a date lands in a field, not on Remove. Ctrl+Delete (or a click
on Remove) removes the entry being edited, after asking when anything was entered in it
(``RemoveQuestion``, Keep by default). An entry with nothing entered is no answer: ``value()`` leaves it
out, and Tab out of the list drops it. The "none" tick box ("No known allergies") is offered while the
list is empty, so "none" is a recorded answer, never a blank. Signed: the table and the (read-only) editor
are shown, Add and Remove are not, nor text that could not be read.

Text typed into a field that could not be read stays with its entry (the model's ``unread``): shown,
marked, in its cell, and back in the field with its message when the entry is selected again; removing an
entry before it moves it along. It is not an answer: ``value()`` leaves that field out.

API (besides ``ItemWidget``'s): ``entry_count()``, ``current_entry()`` (index or None),
``select_entry(i)`` (loads entry i, returns the editor), ``add_entry(value=None, focus=True)`` (returns the
editor), ``remove_entry(i=None)`` (default: the entry being edited); ``editor.fields[field_id]`` are the
field widgets, ``table`` and ``model`` the master. ``value()`` is None (unanswered), ``[]`` ("none"
ticked) or the entries with anything entered, as dicts of their answered fields.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QCheckBox, QWidget

from checklist_app.ui import controls
from checklist_app.ui.widgets.base import ItemWidget
from checklist_app.ui.widgets.remove_question import RemoveQuestion
from checklist_app.ui.widgets.repeat_editor import EntryEditor
from checklist_app.ui.widgets.repeat_model import EntryTable, EntryTableModel

ROWS_SHOWN = 6  # the table grows to this many rows, then scrolls: never a 200-row wall on the page


class RepeatWidget(ItemWidget):
    """The list item."""

    def build(self) -> None:
        self.none_box: QCheckBox | None = None
        if self.item.none_label:
            self.none_box = QCheckBox(self.item.none_label)
            self.accessible(self.none_box, self.item.none_label)
            self.none_box.toggled.connect(self._on_none_toggled)
            self.editor_layout.addWidget(self.none_box)
            self.editor_layout.addStretch(1)
        self.model = EntryTableModel(self.item, self.clock, parent=self)  # owned by Qt: lives as long as the list
        self.table = self._make_table()
        self.editor = EntryEditor(self.item, self.clock)
        self.editor.field_changed.connect(self._on_field_changed)
        self.editor.field_edited.connect(self._on_field_edited)
        self.editor.field_unread.connect(self._on_field_unread)
        self.editor.field_finished.connect(self._after_field)
        self.editor.remove_requested.connect(self.remove_entry)
        self.add_button = controls.button("&Add entry", self.add_entry, name=f"Add an entry to {self.item.label}")
        self.hint = controls.label("Enter on Add entry adds one; Ctrl+Delete removes the entry shown; Tab moves on "
                                   "when the list is complete.", role="help")
        box = self.layout()
        box.insertWidget(box.indexOf(self.problem), self.table)
        box.insertWidget(box.indexOf(self.problem), self.editor)
        add_row = controls.hbox(self.add_button, self.hint)
        add_row.setStretch(1, 1)
        box.insertLayout(box.indexOf(self.problem), add_row)
        shortcut = QShortcut(QKeySequence("Ctrl+Delete"), self, self.remove_entry)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._current: int | None = None
        self._sync()

    def _make_table(self) -> EntryTable:
        table = EntryTable(self.model, ROWS_SHOWN)
        table.setObjectName(f"entries_{self.item.id}")
        self.accessible(table, "entries")
        self._following_table = True
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        table.doubleClicked.connect(self._edit_entry)  # (Enter on the table: see next_focus_after)
        return table

    def _edit_entry(self, index: QModelIndex) -> None:
        self.select_entry(index.row())
        target = self.editor.first_focus() if not self._read_only else None
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the entries -------------------------------------------------------------------------------------
    def entry_count(self) -> int:
        """How many entries the list has."""
        return len(self.model.rows)

    def current_entry(self) -> int | None:
        """The index of the entry in the editor, or None when the list is empty."""
        return self._current

    def select_entry(self, index: int) -> EntryEditor:
        """Select entry ``index`` (from 0) and load it into the editor, which is returned."""
        self.table.selectionModel().setCurrentIndex(
            self.model.index(index, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(self.model.index(index, 0))
        self._show_entry(index)  # in case it already was the current row
        return self.editor

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._following_table:
            self._show_entry(current.row())

    def _show_entry(self, index: int) -> None:
        if index == self._current or not 0 <= index < self.entry_count():
            return
        if self._current is not None and not self._read_only:
            self.editor.commit()  # text still being typed belongs to the entry it was typed in
        self._current = index
        self.editor.load(self.model.rows[index], self.model.unread_in(index))
        self._update_title()

    def add_entry(self, value: dict[str, Any] | None = None, *, focus: bool = True) -> EntryEditor:
        """Append an entry, select it (focus in its first field) and return the editor. An empty entry is not
        added after one left blank: that one is selected again (a space typed on "Add entry" adds no blanks)."""
        count = self.entry_count()
        if not value and count and not self.model.rows[count - 1] and not self.model.unread_in(count - 1):
            self.select_entry(count - 1)
            target = self.editor.first_focus()
            if focus and target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.editor
        index = self.model.append(value or {})
        self._sync()
        self.select_entry(index)
        if value and not self._loading:
            self._emit()  # a blank entry is no answer: nothing changed yet
        target = self.editor.first_focus()
        if focus and target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.editor

    def remove_entry(self, index: int | None = None) -> None:
        """Remove entry ``index`` (default: the one being edited); the next one takes its place."""
        index = self._current if index is None else index
        if self._read_only or index is None or not 0 <= index < self.entry_count():
            return
        if (self.model.rows[index] or self.model.unread_in(index)) and not self._loading:
            name = self.model.title(index) or f"entry {index + 1}"
            if not RemoveQuestion.ask(self, name, self.item.label):
                return
        if index != self._current:
            self.commit()  # text typed into the entry being edited stays with it
        self._current = None  # the editor's entry is being removed or reloaded: nothing to commit into it
        self._following_table = False  # Qt moves the table's current row while removing: chosen below
        try:
            self.model.remove(index)
        finally:
            self._following_table = True
        self._sync()
        if self.entry_count():
            self.select_entry(min(index, self.entry_count() - 1))
        self._emit()
        target = self.table if self.entry_count() else self.add_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_field_changed(self, field_id: str, value: Any) -> None:
        if self._current is None:
            return
        if self.model.set_field(self._current, field_id, value):
            self._field_updated(field_id)
        self._emit()  # even when typing already put the value in the row: committing it is what is audited

    def _on_field_edited(self, field_id: str, value: Any) -> None:
        if self._current is not None and self.model.set_field(self._current, field_id, value):
            self._field_updated(field_id)
            self._emit_edited()

    def _on_field_unread(self, field_id: str, text: str) -> None:
        if self._current is not None:
            self.model.set_unread(self._current, field_id, text)

    def _field_updated(self, field_id: str) -> None:
        if field_id == self.item.title_field or self.model.rows[self._current].get(self.item.title_field) == "other":
            self._update_title()  # set_title changes the label only when its text changes

    def _update_title(self) -> None:
        if self._current is not None:
            self.editor.set_title(self._current + 1, self.entry_count(), self.model.title(self._current))

    def _after_field(self, field: ItemWidget) -> None:
        target = self.editor.following_field(field) or self.add_button
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def _sync(self) -> None:
        """Show what fits the number of entries: the table and editor, or the "none" tick box."""
        count = self.entry_count()
        if self.none_box is not None:
            self.none_box.setVisible(not count)
        self.table.setVisible(bool(count))
        self.editor.setVisible(bool(count))
        if not count:
            self._current = None
        self.table.fit_height(count)
        none_ticked = self.none_box is not None and self.none_box.isChecked()
        self.add_button.setVisible(not self._read_only)
        self.hint.setVisible(not self._read_only)
        self.add_button.setEnabled(not self._read_only and not none_ticked)
        self._update_title()

    def _on_none_toggled(self, _checked: bool) -> None:
        self._sync()
        self._emit()

    # --- ItemWidget --------------------------------------------------------------------------------------
    def commit(self) -> None:
        if self._current is not None and not self._read_only:
            self.editor.commit()

    def value(self) -> Any:
        entries = [row for row in self.model.rows if row]  # a new list each time; rows are never changed in place
        if entries:
            return entries
        if not self.model.rows and self.none_box is not None and self.none_box.isChecked():
            return []
        return None

    def set_value(self, value: Any) -> None:
        self._set_loading(True)
        try:
            self._current = None
            self.model.set_rows(value or [])
            if self.none_box is not None:
                self.none_box.setChecked(value == [])
            self._sync()
            if self.entry_count():
                self.select_entry(0)
        finally:
            self._set_loading(False)

    def focus_widgets(self) -> list[QWidget]:
        parts: list[QWidget] = []
        if self.none_box is not None and not self.entry_count():
            parts.append(self.none_box)
        if self.entry_count():
            parts += [self.table, *self.editor.focus_widgets()]
        return parts + ([self.add_button] if not self._read_only else [])

    def next_focus_after(self, widget: QWidget | None) -> QWidget | None:
        if widget is self.none_box:
            return None if self.none_box.isChecked() else self.add_button
        if widget is self.table and self.entry_count():
            return self.editor.first_focus() if not self._read_only else None
        return None

    # --- Tab and Shift+Tab ----------------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt override: Tab in any part of the list)
        stops = [w for w in self.focus_widgets() if _tab_stop(w)]
        around = self._stops_around(QApplication.focusWidget(), stops)
        if around is None:
            return super().focusNextPrevChild(forward)
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target_index = around[1] if forward else around[0]
        if 0 <= target_index < len(stops):
            stops[target_index].setFocus(reason)
            return True
        target = self._outside(forward)
        if target is None:
            return super().focusNextPrevChild(forward)
        self._drop_blank_entries()
        target.setFocus(reason)
        return True

    def _stops_around(self, focus: QWidget | None, stops: list[QWidget]) -> tuple[int, int] | None:
        """The indices in ``stops`` before and after the focused widget, or None when it is not in the list."""
        if focus is None or not self.isAncestorOf(focus):
            return None
        for index, stop in enumerate(stops):
            if stop is focus or stop.isAncestorOf(focus):
                return index - 1, index + 1
        # Focus elsewhere in a field (a radio button other than the Tab stop) or in the editor's header
        # (Remove, after a click): placed by the field holding it, else just before "Add entry".
        holder = next((field for field in self.editor.fields.values() if field.isAncestorOf(focus)), None)
        own = [i for i, stop in enumerate(stops) if holder is not None and holder.isAncestorOf(stop)]
        if own:
            return own[0] - 1, own[-1] + 1
        add = stops.index(self.add_button) if self.add_button in stops else len(stops)
        return add - 1, add

    def _outside(self, forward: bool) -> QWidget | None:
        """The first Tab stop after (or before) the list in the window's focus chain."""
        widget = self.nextInFocusChain() if forward else self.previousInFocusChain()
        while widget is not None and widget is not self:
            if not self.isAncestorOf(widget) and _tab_stop(widget) and widget.window() is self.window():
                return widget
            widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
        return None

    def _drop_blank_entries(self) -> None:
        """Leaving the list: entries with nothing entered (Add entry pressed, nothing typed) go; they were
        never part of the answer, so nothing is lost and nothing is audited."""
        blank = [i for i, row in enumerate(self.model.rows) if not row and not self.model.unread_in(i)]
        if not blank or self._read_only:
            return
        kept = self._current if self._current not in blank else None
        self._current = None  # nothing typed into a blank entry is left to commit once it is gone
        self._following_table = False
        try:
            for index in reversed(blank):
                self.model.remove(index)
        finally:
            self._following_table = True
        self._sync()
        if self.entry_count():
            shift = sum(1 for i in blank if kept is not None and i < kept)
            self.select_entry(kept - shift if kept is not None else self.entry_count() - 1)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.editor.set_read_only(read_only)
        if self.none_box is not None:
            self.none_box.setEnabled(not read_only)
        if read_only:
            # Signed: the list shows what was recorded. Text that could not be read never was; shown it would
            # look like part of the signed record.
            self.model.clear_unread()
            if self._current is not None:
                self.editor.load(self.model.rows[self._current])
        self._sync()



def _tab_stop(widget: QWidget) -> bool:
    """Whether Tab may land on ``widget`` now (as Qt decides it: an unchecked radio button of a group is not)."""
    return (widget.isVisible() and widget.isEnabled() and widget.focusProxy() is None
            and bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value))
