"""Typed fields: free text (one line or several), barcode-scan fields, and numbers with a unit.

A scan field takes its answer when Enter arrives (a scanner types the code and Enter) or focus leaves;
partial codes never reach the rules engine, so a half-typed MRN cannot flash a wristband mismatch. It
selects its text on focus, so a second scan replaces the first. Free text is reported as it is typed
(``answer_edited``: the findings follow every key, and the window saves it unaudited, so a crash loses at
most a second of typing), but becomes the answer recorded in the audit trail (``answer_changed``) only
when it is committed: Enter (Ctrl+Enter in a notes field), leaving the field, or a pause in typing of
``PAUSE_COMMIT_MS``, so the trail shows 'Okafor, Grace' once rather than 'Okaf', 'Okafor, ' and so on.
Numbers are taken on Enter or when leaving the field, and refused inline with the allowed range.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from checklist_app.domain import conventions
from checklist_app.ui import theme
from checklist_app.ui.widgets.base import ENTER_KEYS, ItemWidget


class MultilineEdit(QPlainTextEdit):
    """Several lines; Tab leaves the field and Ctrl+Enter moves on (plain Enter starts a new line)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Enter starts a new line; Ctrl+Enter or Tab goes on")
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in ENTER_KEYS and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.ignore()  # handled by the item: move on
            return
        super().keyPressEvent(event)


class TextWidget(ItemWidget):
    """Free text, or a scanned code when the item says ``scan: true``."""

    PAUSE_COMMIT_MS = 3000  # typing that stops this long is committed (saved and audited) as it stands

    def build(self) -> None:
        self.scan = bool(self.item.scan)
        self.pattern = re.compile(self.item.pattern) if self.item.pattern else None
        self._pause = QTimer(self, singleShot=True, interval=self.PAUSE_COMMIT_MS, timeout=self.commit)
        if self.item.multiline:
            self.edit: QLineEdit | QPlainTextEdit = MultilineEdit()
            self.edit.textChanged.connect(self._on_typed)
            self.edit.installEventFilter(self)  # leaving the field commits (a plain text edit has no editingFinished)
        else:
            self.edit = QLineEdit()
            self.edit.setMaxLength(self.item.max_length)
            if self.scan:
                self.edit.setPlaceholderText("Scan, or type and press Enter")
                self.edit.addAction(theme.icon("scan"), QLineEdit.ActionPosition.LeadingPosition)
                self.edit.installEventFilter(self)
            else:
                self.edit.textChanged.connect(self._on_typed)
            self.edit.editingFinished.connect(self.commit)  # Enter or leaving the field
        self.accessible(self.edit)
        self._committed: str | None = None
        self.editor_layout.addWidget(self.edit, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.edit and event.type() == QEvent.Type.FocusIn and self.scan:
            QTimer.singleShot(0, self.edit, self.edit.selectAll)  # after Qt places the cursor
        elif watched is self.edit and event.type() == QEvent.Type.FocusOut and isinstance(self.edit, QPlainTextEdit):
            self.commit()
        return False

    def _text(self) -> str:
        raw = self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit) else self.edit.text()
        return raw.strip()

    def _valid(self, text: str) -> bool:
        return not (self.pattern and text and not self.pattern.fullmatch(text))

    def _on_typed(self) -> None:
        if self.problem.text and self._valid(self._text()):
            self.set_problem("")
        if self._loading or self._read_only:
            return
        self._pause.start()  # restarted by every key: fires once typing stops
        self._emit_edited()

    def _check(self) -> None:
        text = self._text()
        if self._valid(text):
            self.show_problem("")
        else:
            self.show_problem(f"Not accepted: '{text}'. Allowed: {self.item.allowed_text()}.", self.edit, unread=text)

    def commit(self) -> None:
        """Take the typed text as the answer (saved, audited) if it differs from the last one taken."""
        self._pause.stop()
        if self._read_only:
            return
        text = self._text()
        self._check()
        if text != (self._committed or ""):
            self._committed = text
            self._emit()

    def value(self) -> Any:
        text = self._committed if self.scan else self._text()
        if not text or not self._valid(text):
            return None
        return text[: self.item.max_length]

    def set_value(self, value: Any) -> None:
        self.clear_problem()
        self._set_loading(True)
        text = "" if value is None else str(value)
        self._put_text(text)
        self._committed = text
        self._set_loading(False)

    def _put_text(self, text: str) -> None:
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]


_NUMBER_AND_UNIT = re.compile(r"^\s*([-+]?[\d.,]+)\s*([^\d\s.,][^\d]*)?$")


def parse_number(text: str) -> float:
    """A number typed with a point or a comma as the decimal mark ('68,5'); ValueError otherwise."""
    cleaned = text.strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError(text)
    return float(cleaned)


class NumberWidget(ItemWidget):
    """A number within the item's range, with its unit shown beside it."""

    def build(self) -> None:
        self.edit = QLineEdit()
        self.accessible(self.edit, self.item.unit)
        self.edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 14 + 24)
        self.edit.editingFinished.connect(self.commit)
        self.unit_label = QLabel(self.item.unit)
        # Other units the value may be typed in ("165 lb" for a weight in kg): converted, and the stored value
        # shown beside the field so the nurse sees what was kept.
        self.other_units = conventions.other_units(self.item.unit)
        if self.other_units:
            self.edit.setPlaceholderText(" or ".join((self.item.unit, *self.other_units)))
        self.converted = QLabel("")
        theme.set_role(self.converted, "preview")
        self.editor_layout.addWidget(self.edit)
        self.editor_layout.addWidget(self.unit_label)
        self.editor_layout.addWidget(self.converted)
        self.editor_layout.addStretch(1)
        self._value: float | None = None

    def _parse(self) -> tuple[float | None, str]:
        text = self.edit.text().strip()
        self._show_converted("")
        if not text:
            return None, ""
        match = _NUMBER_AND_UNIT.match(text) if self.other_units else None
        typed_unit = match.group(2) if match else None
        try:
            number = parse_number(match.group(1) if match else text)
        except ValueError:
            return None, f"'{text}' is not a number. Allowed: {self.item.allowed_text()}."
        if typed_unit:
            converted = conventions.convert_typed(number, typed_unit, self.item.unit)
            if converted is None:
                units = " or ".join((self.item.unit, *self.other_units))
                return None, f"'{typed_unit}' is not a unit for this value; type it in {units}."
            if converted != number:
                number = round(converted, self.item.decimals)
                self._show_converted(f"= {number:.{self.item.decimals}f} {self.item.unit}")
        if not self.item.min <= number <= self.item.max:
            shown = f"{text} ({number:g} {self.item.unit})" if self.converted.text() else text
            return None, f"{shown} is out of range. Allowed: {self.item.allowed_text()}."
        if self.item.decimals == 0 and number != int(number):
            return None, "Type a whole number."
        return round(number, self.item.decimals), ""

    def _show_converted(self, text: str) -> None:
        # "165 lb = 74.8 kg": the unit label ("kg") would sit between the typed pounds and what was kept.
        self.converted.setText(text)
        self.unit_label.setVisible(not text)

    def commit(self) -> None:
        number, problem = self._parse()
        if problem:
            self.show_problem(problem, self.edit, unread=self.edit.text().strip())
        else:
            self.show_problem("")
        if number != self._value:
            self._value = number
            self._emit()

    def value(self) -> Any:
        if self._value is None:
            return None
        return int(self._value) if self.item.decimals == 0 else self._value

    def set_value(self, value: Any) -> None:
        self.clear_problem()
        self._value = float(value) if isinstance(value, int | float) else None
        text = "" if self._value is None else f"{self._value:.{self.item.decimals}f}"
        self.edit.setText(text)
        self._show_converted("")

    def _put_text(self, text: str) -> None:
        self.edit.setText(text)

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]

