"""Items the nurse reads but never types: derived values (age, CrCl, eGFR, number of levels) and text.

A derived value is worked out by the rules engine on every change and shown here read-only; until its
inputs are answered the field says which answers it is waiting for.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from checklist_app.ui.widgets.base import ItemWidget
from checklist_app.ui.widgets.wrap_label import WrapLabel


class DerivedWidget(ItemWidget):
    """A computed value, read-only (``set_value`` is called by the page after each evaluation)."""

    takes_answer = False

    def build(self) -> None:
        self.display = QLineEdit()
        self.display.setReadOnly(True)
        self.display.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.accessible(self.display, "calculated")
        self.editor_layout.addWidget(self.display, 1)
        # What it waits for goes under the box, wrapped: in the one-line box a list of answers was cut off.
        self.waiting_label = WrapLabel("", "help")
        self.layout().insertWidget(self.layout().indexOf(self.problem), self.waiting_label)
        self.waiting_for: list[str] = []
        self._value: Any = None
        self.set_value(None)

    def set_inputs(self, labels: list[str]) -> None:
        """The labels of the answers this value is calculated from (named while they are missing)."""
        self.waiting_for = labels
        self.set_value(self._value)

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        self.waiting_label.setVisible(value is None)
        if value is None:
            inputs = self.waiting_for
            needs = (", ".join(inputs[:-1]) + " and " + inputs[-1]) if len(inputs) > 1 else \
                (inputs[0] if inputs else "the answers it is calculated from")
            self.display.setText("Not calculated yet")
            self.waiting_label.setText(f"Calculated from {needs}, once they are all answered.")
            return
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        self.display.setText(f"{shown} {self.item.unit}".strip())
        self.display.setCursorPosition(0)

    def focus_widgets(self) -> list[QWidget]:
        return []

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only


class InfoWidget(ItemWidget):
    """Information for the nurse; holds no answer."""

    takes_answer = False

    def build(self) -> None:
        pass

    def value(self) -> Any:
        return None

    def set_value(self, value: Any) -> None:
        pass

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
