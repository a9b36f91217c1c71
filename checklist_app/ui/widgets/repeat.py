"""A list of entries with the same fields (medications, allergies): add, edit, remove, or answer "none".

Each entry's fields are made by the same widget factory as the rest of the form. Keyboard: Enter moves
through an entry's fields and, after the last one, to "Add entry" (Enter there adds the next one);
Tab leaves the list; Ctrl+Delete removes the entry being edited. The "none" tick box ("No known
allergies") is offered while the list is empty, so "none" is a recorded answer, never a blank.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QFormLayout, QFrame, QWidget

from checklist_app.ui import controls, theme
from checklist_app.ui.widgets.base import ItemWidget


class RepeatEntry(QFrame):
    """One entry: a numbered header with Remove, and a form of the entry's fields."""

    changed = Signal()
    edited = Signal()  # a field's text is being typed (not committed yet)
    remove_requested = Signal(object)

    def __init__(self, owner: RepeatWidget, number: int) -> None:
        super().__init__()
        from checklist_app.ui.widgets import create_item_widget  # the factory (this module is part of it)

        theme.set_role(self, "entry")
        self.owner = owner
        self.header = controls.label("", role="subtitle")
        self.remove_button = controls.button("Remove", lambda: self.remove_requested.emit(self))
        layout = controls.vbox(self, spacing=6, margins=10)
        header_row = controls.hbox(self.header, self.remove_button)
        header_row.setStretch(0, 1)
        layout.addLayout(header_row)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(theme.SPACING * 2)
        self.fields: dict[str, ItemWidget] = {}
        for sub in owner.item.fields:
            widget = create_item_widget(sub, clock=owner.clock, compact=True)
            widget.answer_changed.connect(self._on_field_changed)
            widget.answer_edited.connect(lambda _value: self.edited.emit())
            widget.advance_requested.connect(lambda w=widget: owner._after_field(self, w))
            form.addRow(controls.label(sub.label, role="item-label"), widget)
            self.fields[sub.id] = widget
        layout.addLayout(form)
        shortcut = QShortcut(QKeySequence("Ctrl+Delete"), self, lambda: self.remove_requested.emit(self))
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.set_number(number)

    def set_number(self, number: int) -> None:
        """Renumber after a removal; the header names the entry by its title field."""
        self.number = number
        title = ""
        title_id = self.owner.item.title_field
        if title_id and self.fields[title_id].value() is not None:
            sub = self.owner.item.field(title_id)
            value = self.fields[title_id].value()
            title = sub.option_label(value) if hasattr(sub, "option_label") else str(value)
        self.header.setText(f"{number}. {title or 'New entry'}")
        self.remove_button.setAccessibleName(f"Remove {self.owner.item.label} entry {number}")

    def _on_field_changed(self, _value: Any) -> None:
        self.set_number(self.number)
        self.changed.emit()

    def value(self) -> dict[str, Any]:
        """The entry's answered fields."""
        return {fid: w.value() for fid, w in self.fields.items() if w.value() is not None}

    def set_value(self, value: dict[str, Any]) -> None:
        """Show a saved entry."""
        for fid, widget in self.fields.items():
            widget.set_value(value.get(fid))
        self.set_number(self.number)

    def first_focus(self) -> QWidget | None:
        """The first field's editor."""
        return next((w.first_focus() for w in self.fields.values() if w.first_focus() is not None), None)

    def focus_widgets(self) -> list[QWidget]:
        """Every focusable part, fields first, Remove last."""
        parts = [p for w in self.fields.values() for p in w.focus_widgets()]
        return parts + [self.remove_button]


class RepeatWidget(ItemWidget):
    """The list item."""

    def build(self) -> None:
        self.entries: list[RepeatEntry] = []
        self.none_box: QCheckBox | None = None
        if self.item.none_label:
            self.none_box = QCheckBox(self.item.none_label)
            self.accessible(self.none_box, self.item.none_label)
            self.none_box.toggled.connect(self._on_none_toggled)
            self.editor_layout.addWidget(self.none_box)
            self.editor_layout.addStretch(1)
        self.entry_box = QWidget()
        self.entry_layout = controls.vbox(self.entry_box, spacing=theme.SPACING)
        self.add_button = controls.button("&Add entry", self.add_entry,
                                          name=f"Add an entry to {self.item.label}")
        hint = controls.label("Enter on Add entry adds one; Tab moves on when the list is complete.", role="help")
        box = self.layout()
        box.insertWidget(box.indexOf(self.problem), self.entry_box)
        add_row = controls.hbox(self.add_button, hint)
        add_row.setStretch(1, 1)
        box.insertLayout(box.indexOf(self.problem), add_row)

    def add_entry(self, value: dict[str, Any] | None = None, *, focus: bool = True) -> RepeatEntry:
        """Append an entry (focused, ready to type into) and return it."""
        entry = RepeatEntry(self, len(self.entries) + 1)
        entry.changed.connect(self._emit)
        entry.edited.connect(self._emit_edited)
        entry.remove_requested.connect(self.remove_entry)
        self.entry_layout.addWidget(entry)
        self.entries.append(entry)
        if value:
            entry.set_value(value)
        self._sync()
        if not self._loading:
            self._emit()
        if focus and entry.first_focus() is not None:
            entry.first_focus().setFocus(Qt.FocusReason.OtherFocusReason)
        return entry

    def remove_entry(self, entry: RepeatEntry) -> None:
        """Remove one entry and renumber the rest."""
        if entry not in self.entries or self._read_only:
            return
        index = self.entries.index(entry)
        self.entries.remove(entry)
        entry.setParent(None)
        entry.deleteLater()
        for number, other in enumerate(self.entries, start=1):
            other.set_number(number)
        self._sync()
        self._emit()
        target = self.entries[min(index, len(self.entries) - 1)].first_focus() if self.entries else self.add_button
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _sync(self) -> None:
        if self.none_box is not None:
            self.none_box.setVisible(not self.entries)
        self.add_button.setEnabled(not self._read_only and not (self.none_box and self.none_box.isChecked()))
        previous: QWidget | None = None
        for widget in self.focus_widgets(all_parts=True):  # keep Tab in screen order after adding
            if previous is not None:
                QWidget.setTabOrder(previous, widget)
            previous = widget

    def _on_none_toggled(self, _checked: bool) -> None:
        self._sync()
        self._emit()

    def _after_field(self, entry: RepeatEntry, field: ItemWidget) -> None:
        widgets = list(entry.fields.values())
        following = [w for w in widgets[widgets.index(field) + 1:] if w.first_focus() is not None]
        target = following[0].first_focus() if following else self.add_button
        target.setFocus(Qt.FocusReason.TabFocusReason)

    def commit(self) -> None:
        for entry in self.entries:
            for field in entry.fields.values():
                field.commit()

    def value(self) -> Any:
        if self.entries:
            return [entry.value() for entry in self.entries]
        if self.none_box is not None and self.none_box.isChecked():
            return []
        return None

    def set_value(self, value: Any) -> None:
        self._set_loading(True)
        for entry in list(self.entries):
            entry.setParent(None)
            entry.deleteLater()
        self.entries = []
        if self.none_box is not None:
            self.none_box.setChecked(value == [])
        for entry_value in value or []:
            self.add_entry(entry_value, focus=False)
        self._sync()
        self._set_loading(False)

    def focus_widgets(self, all_parts: bool = False) -> list[QWidget]:
        parts: list[QWidget] = []
        if self.none_box is not None and not self.entries:
            parts.append(self.none_box)
        for entry in self.entries:
            parts += entry.focus_widgets() if all_parts else [w for w in entry.focus_widgets()
                                                               if w is not entry.remove_button]
        return parts + [self.add_button]

    def next_focus_after(self, widget: QWidget | None) -> QWidget | None:
        if widget is self.none_box:
            return None if self.none_box.isChecked() else self.add_button
        return None

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for entry in self.entries:
            entry.remove_button.setEnabled(not read_only)
            for field in entry.fields.values():
                field.set_read_only(read_only)
        if self.none_box is not None:
            self.none_box.setEnabled(not read_only)
        self._sync()
