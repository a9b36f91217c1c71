"""A lab value or vital sign: the value, its unit, and (for dated results) the day the sample was taken.

The value field also takes the unit typed after the number ("100.6 F", "54 umol/L"), so Enter-Enter is
enough at the desk; the unit list stays reachable with Tab. The answer exists only when it is complete
and within the range of its unit: a dated lab needs its date, and the field says so inline.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from checklist_app.domain import conventions
from checklist_app.domain.timeutil import aware
from checklist_app.domain.typed_time import TypedTimeError, date_examples, describe_date, parse_typed_date
from checklist_app.ui import controls
from checklist_app.ui.widgets.base import ItemWidget
from checklist_app.ui.widgets.text_number import parse_number

_VALUE_AND_UNIT = re.compile(r"^\s*([-+]?[\d.,]+)\s*(\S.*)?$")
SHOWN = {"C": "°C", "F": "°F"}  # stored as the form's unit, shown as people write it
TAKEN = " taken "  # between the value and the date in the typed text (the word shown between their boxes)


class MeasurementWidget(ItemWidget):
    """Value + unit (+ date)."""

    def build(self) -> None:
        self.value_edit = QLineEdit()
        self.accessible(self.value_edit, "value")
        self.value_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 12 + 24)
        self.value_edit.editingFinished.connect(self.commit)
        self.unit_combo = QComboBox()
        self.accessible(self.unit_combo, "unit")
        # The site's usual unit first (en-US: °F), so a bare "98.4" is read in it.
        self.units = [self.item.unit_spec(u) for u in conventions.site_units_first([u.unit for u in self.item.units])]
        for unit in self.units:
            self.unit_combo.addItem(SHOWN.get(unit.unit, unit.unit), unit.unit)
        self.unit_combo.currentIndexChanged.connect(lambda _i: self.commit())
        self.editor_layout.addWidget(self.value_edit)
        self.editor_layout.addWidget(self.unit_combo)
        self.date_edit: QLineEdit | None = None
        if self.item.dated:
            self.date_edit = QLineEdit()
            self.accessible(self.date_edit, "date taken")
            self.date_edit.setPlaceholderText("date taken")
            self.date_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 14 + 24)
            self.date_edit.editingFinished.connect(self.commit)
            self.editor_layout.addWidget(controls.label("taken", wrap=False))
            self.editor_layout.addWidget(self.date_edit)
        self.preview = controls.label("", role="preview", name=f"{self.item.label}: date understood as")
        self.preview.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 9)  # not one word a line
        self.editor_layout.addWidget(self.preview, 1)
        self._value: dict[str, Any] | None = None

    def _today(self) -> date:
        return aware(self.clock()).astimezone().date()

    def _read(self) -> tuple[dict[str, Any] | None, str, bool]:
        """(answer or None, problem, whether the date part is the problem)."""
        text = self.value_edit.text().strip()
        taken: date | None = None
        date_problem = ""
        if self.date_edit is not None and self.date_edit.text().strip():
            try:
                taken = parse_typed_date(self.date_edit.text(), self._today())
                if taken > self._today():
                    date_problem = f"The date taken ({conventions.format_date(taken)}) is in the future."
                    taken = None
            except TypedTimeError as exc:
                date_problem = f"Date taken not understood: {exc}"
        self.preview.setText(f"= {describe_date(taken, self._today())}" if taken else "")
        if not text:
            return None, date_problem, bool(date_problem)
        match = _VALUE_AND_UNIT.match(text)
        try:
            number = parse_number(match.group(1)) if match else None
        except ValueError:
            number = None
        if number is None:
            return None, f"'{text}' is not a number. Allowed: {self.item.allowed_text()}.", False
        if match and match.group(2):
            typed_unit = match.group(2).strip().lstrip("°")
            index = next((i for i, u in enumerate(self.units) if u.unit.lower() == typed_unit.lower()), -1)
            if index < 0:
                units = ", ".join(u.unit for u in self.item.units)
                return None, f"'{typed_unit}' is not a unit for this value; use {units}.", False
            self.unit_combo.blockSignals(True)
            self.unit_combo.setCurrentIndex(index)
            self.unit_combo.blockSignals(False)
            self.value_edit.setText(match.group(1))
        spec = self.units[self.unit_combo.currentIndex()]
        if not spec.min <= number <= spec.max:
            return None, f"{number:g} {spec.unit} is out of range. Allowed: {self.item.allowed_text()}.", False
        if date_problem:
            return None, date_problem, True
        if self.date_edit is not None and taken is None:
            return None, f"Add the date the sample was taken ({date_examples()}).", True
        answer: dict[str, Any] = {"value": number, "unit": spec.unit}
        if taken is not None:
            answer["date"] = taken
        return answer, "", False

    def commit(self) -> None:
        answer, problem, date_part = self._read()
        if problem:
            part = self.date_edit if date_part and self.date_edit is not None else self.value_edit
            self.show_problem(problem, part, unread=self._typed_text())
        else:
            self.show_problem("")
        if answer != self._value:
            self._value = answer
            self._emit()

    def value(self) -> Any:
        return self._value

    def _typed_text(self) -> str:
        """What is typed, as one line: '54 umol/L taken yestrday' (the unit added to a bare number, as the
        unit list shows it); ``_put_text`` reads it back."""
        text = self.value_edit.text().strip()
        if text and not any(c.isalpha() for c in text):
            text = f"{text} {self.unit_combo.currentData()}"
        typed_date = self.date_edit.text().strip() if self.date_edit is not None else ""
        return f"{text}{TAKEN}{typed_date}" if typed_date else text

    def _put_text(self, text: str) -> None:
        value_text, _taken, typed_date = text.partition(TAKEN)
        self.value_edit.setText(value_text)
        if self.date_edit is not None:
            self.date_edit.setText(typed_date)

    def set_value(self, value: Any) -> None:
        self.clear_problem()
        self._set_loading(True)
        self._value = value if isinstance(value, dict) else None
        self.value_edit.setText(f"{value['value']:g}" if self._value else "")
        index = self.unit_combo.findData(value.get("unit")) if self._value else 0
        self.unit_combo.setCurrentIndex(max(index, 0))
        if self.date_edit is not None:
            taken = value.get("date") if self._value else None
            self.date_edit.setText(conventions.format_date(taken) if isinstance(taken, date) else "")
            self.preview.setText(f"= {describe_date(taken, self._today())}" if isinstance(taken, date) else "")
        self._set_loading(False)

    def focus_widgets(self) -> list[QWidget]:
        return [self.value_edit, self.unit_combo] + ([self.date_edit] if self.date_edit is not None else [])

    def next_focus_after(self, widget: QWidget | None) -> QWidget | None:
        if widget is self.value_edit:
            if not self.value_edit.text().strip():
                return None  # left empty on purpose: go on
            return self.date_edit  # the unit is on Tab; Enter goes to the date (or on, when undated)
        if widget is self.unit_combo:
            return self.date_edit
        return None
