"""Date and date-time fields typed the way nurses write them (``0630``, ``yesterday 22:00``).

The text is read by ``domain.typed_time`` when Enter is pressed or the field is left; beside it the
field says which day and time it understood ("today 6:30 AM (Sat, Nov 21, 2026)"), or, inline, what it did
not understand and what to type instead. A date-time item with a ``none_label`` also offers that answer
("None since before midnight") as a tick box; typing ``none`` ticks it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from checklist_app.domain import conventions
from checklist_app.domain.timeutil import aware
from checklist_app.domain.typed_time import (
    TypedTimeError,
    date_placeholder,
    datetime_placeholder,
    describe_date,
    describe_moment,
    parse_typed_date,
    parse_typed_datetime,
)
from checklist_app.ui import controls
from checklist_app.ui.widgets.base import ItemWidget


class _TypedWidget(ItemWidget):
    """A line edit whose text is parsed on commit, with the understood value shown beside it."""

    def placeholder(self) -> str:
        """The empty field's hint, in the site's conventions."""
        return ""

    def build(self) -> None:
        self.edit = QLineEdit()
        self.accessible(self.edit)
        self.edit.setPlaceholderText(self.placeholder())
        # Room for the hint and for the widest answer as shown or typed, in the site's conventions.
        late = datetime(2026, 12, 31, 22, 30)
        widest = max((f"yesterday {conventions.format_time(late)}", self.as_text(late), self.placeholder()),
                     key=self.fontMetrics().horizontalAdvance)
        self.edit.setMinimumWidth(self.fontMetrics().horizontalAdvance(widest) + 40)  # the hint shown whole
        self.edit.setMaximumWidth(max(self.fontMetrics().horizontalAdvance("0") * 26 + 30, self.edit.minimumWidth()))
        self.edit.editingFinished.connect(self.commit)
        self.preview = controls.label("", role="preview", name=f"{self.item.label}: understood as")
        self.preview.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 12)  # not one word a line
        self.editor_layout.addWidget(self.edit)
        self.editor_layout.addWidget(self.preview, 1)
        self._value: Any = None

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def describe(self, value: Any) -> str:
        raise NotImplementedError

    def commit(self) -> None:
        text = self.edit.text().strip()
        problem = ""
        value: Any = None
        if text:
            try:
                value = self.parse(text)
            except TypedTimeError as exc:
                problem = f"Not understood: {exc}"
        if problem:
            self.show_problem(problem, self.edit, unread=text)
        else:
            self.show_problem("")
        self._show(value)
        if value != self._value:
            self._value = value
            self._emit()

    def _show(self, value: Any) -> None:
        text = f"= {self.describe(value)}" if value is not None else ""
        self.preview.setText(text)
        self.preview.setAccessibleName(f"{self.item.label}: understood as {text[2:]}" if text else "")

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self.clear_problem()
        self._value = value
        self.edit.setText(self.as_text(value) if value is not None else "")
        self._show(value)

    def _put_text(self, text: str) -> None:
        self.edit.setText(text)

    def as_text(self, value: Any) -> str:
        raise NotImplementedError

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit]


class DateWidget(_TypedWidget):
    """A calendar date; refuses a future date when the item says ``not_future``."""

    def placeholder(self) -> str:
        """'MM/DD/YYYY' (en-US)."""
        return date_placeholder()

    def parse(self, text: str) -> date:
        today = aware(self.clock()).astimezone().date()
        day = parse_typed_date(text, today)
        if self.item.not_future and day > today:
            raise TypedTimeError(f"{conventions.format_date(day)} is in the future; this date cannot be after today.")
        return day

    def describe(self, value: Any) -> str:
        return describe_date(value, aware(self.clock()).astimezone().date())

    def as_text(self, value: Any) -> str:
        return conventions.format_date(value)


class DateTimeWidget(_TypedWidget):
    """A date and time; optionally 'none' (the item's ``none_label``)."""

    def placeholder(self) -> str:
        """'0630 or 6:30 pm' (en-US)."""
        return datetime_placeholder()

    def build(self) -> None:
        super().build()
        self.none_box: QCheckBox | None = None
        if self.item.none_label:
            self.none_box = QCheckBox(self.item.none_label)
            self.accessible(self.none_box, self.item.none_label)
            self.none_box.toggled.connect(self._on_none_toggled)
            self.none_box.installEventFilter(self)
            self.layout().insertWidget(self.layout().indexOf(self.problem), self.none_box)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """A time typed while the "none" box has the focus (Enter on an empty time moves there) goes into the
        time field, giving up "none", instead of being lost on a tick box that ignores it."""
        if watched is not self.none_box or event.type() != QEvent.Type.KeyPress or not self.none_box.isEnabled():
            return False
        text = event.text()
        commanded = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if not text or not text.isprintable() or text.isspace() or commanded:
            return False
        self.none_box.setChecked(False)
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edit.insert(text)
        return True

    def _on_none_toggled(self, checked: bool) -> None:
        self.edit.setEnabled(not checked)
        if checked:
            self.edit.clear()
            self.show_problem("")  # the typed text is given up for "none"
            self._show(None)
        new = "none" if checked else None
        if new != self._value:
            self._value = new
            self._emit()

    def commit(self) -> None:
        if self.none_box is not None and self.edit.text().strip().lower() == "none":
            self.none_box.setChecked(True)
            return
        if self.none_box is not None and self.none_box.isChecked():
            return
        super().commit()

    def parse(self, text: str) -> datetime:
        return parse_typed_datetime(text, self.clock())

    def describe(self, value: Any) -> str:
        return describe_moment(value, self.clock()) if isinstance(value, datetime) else ""

    def as_text(self, value: Any) -> str:
        return conventions.format_datetime(aware(value).astimezone()) if isinstance(value, datetime) else ""

    def set_value(self, value: Any) -> None:
        self._set_loading(True)
        if self.none_box is not None:
            self.none_box.setChecked(value == "none")
        self.edit.setEnabled(value != "none")
        super().set_value(value if value != "none" else None)
        self._value = value
        self._set_loading(False)

    def focus_widgets(self) -> list[QWidget]:
        return [self.edit] + ([self.none_box] if self.none_box is not None else [])

    def next_focus_after(self, widget: QWidget | None) -> QWidget | None:
        if widget is self.edit and self._value is not None:
            return None  # answered: Enter goes straight to the next item
        return super().next_focus_after(widget)
