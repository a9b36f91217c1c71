"""Several of a list of options (vertebral levels): typed as "L1, T12-L2", or ticked with the mouse.

Typing is the keyboard path (one field instead of 25 tab stops): values or labels separated by commas
or spaces, and ranges in form order ("T11-L1" is T11, T12, L1). The tick boxes below show the result and
serve the mouse; they stay out of the Tab order for that reason.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from checklist_app.ui.widgets.base import ItemWidget
from checklist_app.ui.widgets.flow_layout import FlowLayout


class MultiChoiceWidget(ItemWidget):
    """Any number of the item's options."""

    def build(self) -> None:
        self.edit = QLineEdit()
        self.accessible(self.edit, "type the options, e.g. L1, T12-L2")
        self.edit.setPlaceholderText("Type e.g. L1 or T12-L2, then Enter")
        self.edit.editingFinished.connect(self.commit)
        self.editor_layout.addWidget(self.edit, 1)
        self.boxes: dict[str, QCheckBox] = {}
        box_area = QWidget()
        flow = FlowLayout(box_area, spacing=4)
        for option in self.item.options:
            box = QCheckBox(option.label)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setAccessibleName(f"{self.item.label}: {option.label}")
            box.toggled.connect(self._on_box_toggled)
            flow.addWidget(box)
            self.boxes[option.value] = box
        self.layout().insertWidget(self.layout().indexOf(self.problem), box_area)
        self._value: list[str] | None = None

    def parse(self, text: str) -> list[str]:
        """The chosen values in form order; ValueError with a sentence when a part is not an option."""
        order = list(self.item.option_values())
        lookup = {v.lower(): v for v in order} | {o.label.lower(): o.value for o in self.item.options}
        chosen: set[str] = set()
        for part in [p for p in re.split(r"[,;\s]+", text.strip()) if p]:
            ends = part.split("-") if "-" in part.strip("-") else [part]
            if len(ends) == 2 and all(e.lower() in lookup for e in ends):
                first, last = sorted(order.index(lookup[e.lower()]) for e in ends)
                chosen.update(order[first:last + 1])
            elif part.lower() in lookup:
                chosen.add(lookup[part.lower()])
            else:
                raise ValueError(f"'{part}' is not one of the options ({order[0]} to {order[-1]}).")
        return [v for v in order if v in chosen]

    def commit(self) -> None:
        try:
            chosen = self.parse(self.edit.text())
        except ValueError as exc:
            self.show_problem(f"Not understood: {exc}", self.edit, unread=self.edit.text().strip())
            return
        self.show_problem("")
        self._apply(chosen or None, emit=True)

    def _on_box_toggled(self, _checked: bool) -> None:
        if self._loading:
            return
        chosen = [v for v, box in self.boxes.items() if box.isChecked()]
        self._apply(chosen or None, emit=True)

    def _apply(self, chosen: list[str] | None, *, emit: bool) -> None:
        self._set_loading(True)
        for value, box in self.boxes.items():
            box.setChecked(bool(chosen) and value in chosen)
        self.edit.setText(", ".join(chosen or []))
        self._set_loading(False)
        if chosen != self._value:
            self._value = chosen
            if emit:
                self._emit()

    def value(self) -> Any:
        return list(self._value) if self._value else None

    def set_value(self, value: Any) -> None:
        self.clear_problem()
        self._value = None
        self._apply(list(value) if value else None, emit=False)
        self._value = list(value) if value else None

    def _put_text(self, text: str) -> None:
        self.edit.setText(text)

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for box in self.boxes.values():
            box.setEnabled(not read_only)
