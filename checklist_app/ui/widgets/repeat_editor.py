"""The one editor under a list's table: a form of the entry's fields, titled "Entry 3 of 200: Apixaban".

It is built once per list item, whatever the number of entries; the list loads the selected entry into it
(``load``, no signals) and hears each field's edits as ``field_changed`` / ``field_edited`` (field id,
value), and text a field could not read as ``field_unread`` (field id, text; '' once it reads), which it
keeps with the entry and hands back to ``load``. Its fields are made by the same factory as the rest of the
form, in their compact form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QWidget

from checklist_app.ui import controls, theme
from checklist_app.ui.widgets.base import Clock, ItemWidget


class EntryEditor(QFrame):
    """The fields of the entry being edited, with its title and a Remove button."""

    field_changed = Signal(str, object)  # field id, value committed (saved and audited)
    field_edited = Signal(str, object)  # field id, value as typed so far
    field_unread = Signal(str, str)  # field id, committed text that gave no answer ('' once it reads)
    field_finished = Signal(object)  # the field widget Enter was pressed on, at its last part
    remove_requested = Signal()

    def __init__(self, item: Any, clock: Clock) -> None:
        super().__init__()
        from checklist_app.ui.widgets import create_item_widget  # the factory (this module is part of it)

        theme.set_role(self, "entry")
        self.setObjectName(f"entry_editor_{item.id}")
        self.item = item
        self._loading = False
        self.header = controls.label("", role="subtitle", name=f"{item.label}: entry being edited")
        self.remove_button = controls.button("Remove", self.remove_requested.emit, tooltip="Ctrl+Delete",
                                             name=f"Remove this {item.label} entry")
        # Never a Tab stop: a space typed where a nurse thought a field was would press it. The keyboard
        # removes with Ctrl+Delete, from any field of the entry.
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        layout = controls.vbox(self, spacing=6, margins=10)
        header_row = controls.hbox(self.header, self.remove_button)
        header_row.setStretch(0, 1)
        layout.addLayout(header_row)
        self.form = form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(theme.SPACING * 2)
        self.fields: dict[str, ItemWidget] = {}
        for sub in item.fields:
            widget = create_item_widget(sub, clock=clock, compact=True)
            widget.answer_changed.connect(lambda value, fid=sub.id: self._relay(self.field_changed, fid, value))
            widget.answer_edited.connect(lambda value, fid=sub.id: self._relay(self.field_edited, fid, value))
            widget.unread_changed.connect(lambda text, fid=sub.id: self._relay(self.field_unread, fid, text))
            widget.advance_requested.connect(lambda w=widget: self.field_finished.emit(w))
            form.addRow(controls.label(sub.label, role="item-label"), widget)
            self.fields[sub.id] = widget
        layout.addLayout(form)
        self._entry: dict[str, Any] = {}  # the shown entry's answers, for fields shown only for some entries

    def _relay(self, signal: Signal, field_id: str, value: Any) -> None:
        if not self._loading:
            self._entry[field_id] = value
            self._show_fields()
            signal.emit(field_id, value)

    def _show_fields(self) -> None:
        """Show a field with a ``show_if`` only for entries it applies to (why aspirin is taken: on aspirin)."""
        for sub in self.item.fields:
            if sub.show_if is not None:
                self.form.setRowVisible(self.fields[sub.id], sub.show_if.holds(self._entry.get))

    def load(self, entry: dict[str, Any], unread: dict[str, str] | None = None) -> None:
        """Show an entry's answers, and the text typed for it that could not be read (by field id) with
        its message, in place of that field's answer (there is none); no signals."""
        self._loading = True
        self._entry = dict(entry)
        self._show_fields()
        try:
            for field_id, widget in self.fields.items():
                # set_value drops what the previous entry's text left (message, red border, unread text).
                widget.set_value(entry.get(field_id))
                if unread and field_id in unread:
                    widget.show_unread(unread[field_id])
        finally:
            self._loading = False

    def set_title(self, number: int, count: int, title: str) -> None:
        """'Entry 3 of 200: Apixaban' ('New entry' until its title field is answered)."""
        text = f"Entry {number} of {count}: {title or 'New entry'}"
        if self.header.text() != text:  # a new text re-lays out the editor: not on every key
            self.header.setText(text)
            self.header.setAccessibleName(text)

    def commit(self) -> None:
        """Take typed text in every field as its answer now."""
        for widget in self.fields.values():
            widget.commit()

    def first_focus(self) -> QWidget | None:
        """The first field's editor."""
        return next((w.first_focus() for w in self.fields.values() if w.first_focus() is not None), None)

    def following_field(self, field: ItemWidget) -> QWidget | None:
        """Where Enter goes after ``field``: the next field that takes focus, None after the last."""
        widgets = list(self.fields.values())
        later = [w.first_focus() for w in widgets[widgets.index(field) + 1:] if not w.isHidden()]
        return next((w for w in later if w is not None), None)

    def focus_widgets(self) -> list[QWidget]:
        """Every field's focusable parts, in order. The Remove button is not one of them: neither Enter nor
        Tab lands on it."""
        return [part for widget in self.fields.values() if not widget.isHidden() for part in widget.focus_widgets()]

    def set_read_only(self, read_only: bool) -> None:
        """A signed list is read here, not edited."""
        for widget in self.fields.values():
            widget.set_read_only(read_only)
        self.remove_button.setVisible(not read_only)
