"""Fields with fixed answers: confirm (a tick), yes/no, and choice (radio buttons, or a list for many options).

Keyboard: the first letter of an option picks it (Y and N for yes/no; typing again cycles through options
with the same letter), digits 1-9 pick by position, Delete clears, and a long list searches as you type
whole words, spaces included ("enox t" finds "Enoxaparin (therapeutic dose)"); Space alone opens it.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QComboBox, QRadioButton, QWidget

from checklist_app.ui import controls, theme
from checklist_app.ui.widgets.base import ItemWidget
from checklist_app.ui.widgets.flow_layout import FlowLayout

RADIO_LIMIT = 5  # more options than this become a drop-down list
CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
SEARCH_PAUSE = 1.0  # seconds without typing before a new search starts


class ConfirmWidget(ItemWidget):
    """A statement to confirm: ticked is True; unticked after a tick is False; never touched is None.

    Keys, as on the other fields with fixed answers: Y ticks, N unticks (a "no" that is recorded), Delete
    clears; Space toggles, as on any tick box."""

    def build(self) -> None:
        self.check_box = QCheckBox("Confirmed")
        self.accessible(self.check_box)
        self.check_box.toggled.connect(self._on_toggled)
        self.check_box.installEventFilter(self)
        self._touched = False
        self.editor_layout.addWidget(self.check_box)
        self.editor_layout.addStretch(1)

    def _on_toggled(self, _checked: bool) -> None:
        self._touched = True
        self._emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is not self.check_box or event.type() != QEvent.Type.KeyPress or not self.check_box.isEnabled():
            return False
        key, before = event.key(), self.value()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier  # Alt+N and the like are not answers
        if not plain or key not in (Qt.Key.Key_Y, Qt.Key.Key_N, *CLEAR_KEYS):
            return False
        self._set_loading(True)  # one answer for the key, said once below
        try:
            self.check_box.setChecked(key == Qt.Key.Key_Y)
            self._touched = key not in CLEAR_KEYS
        finally:
            self._set_loading(False)
        if self.value() != before:
            self._emit()
        return True

    def value(self) -> Any:
        if self.check_box.isChecked():
            return True
        return False if self._touched else None

    def set_value(self, value: Any) -> None:
        self._set_loading(True)
        self.check_box.setChecked(value is True)
        self._touched = value is not None
        self._set_loading(False)

    def focus_widgets(self) -> list[QWidget]:
        return [self.check_box]


class WrapRadio(QWidget):
    """A radio button whose text wraps (a long option must never be cut off at 125% scaling).

    The text is a label beside a text-less QRadioButton: clicking it picks the option, and the whole row
    is highlighted while the button has focus, so the focus is as visible as on a plain radio button.
    """

    def __init__(self, text: str, name: str) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.radio = QRadioButton()
        self.radio.setAccessibleName(name)
        self.text_label = controls.label(text)
        self.text_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.text_label.installEventFilter(self)
        self.radio.installEventFilter(self)
        layout = controls.hbox(self.radio, spacing=2, margins=0)
        layout.addWidget(self.text_label, 1)
        layout.setAlignment(self.radio, Qt.AlignmentFlag.AlignTop)
        self.setLayout(layout)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.text_label and event.type() == QEvent.Type.MouseButtonRelease and self.isEnabled():
            self.radio.click()
            self.radio.setFocus(Qt.FocusReason.MouseFocusReason)
        elif watched is self.radio and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            theme.set_role(self, "focus-row" if event.type() == QEvent.Type.FocusIn else "")
        return False


class RadioGroup(QWidget):
    """Exclusive radio buttons with letter and digit keys; ``on_change`` is a plain callback.

    Short options sit side by side and wrap onto a new line when narrow; long ones are listed one per
    row with wrapping text.
    """

    def __init__(self, options: list[tuple[Any, str]], name: str, on_change: Any) -> None:
        super().__init__()
        self.options = options
        self.on_change = on_change
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: list[QRadioButton] = []
        across = sum(len(text) for _, text in options) <= 48
        layout = FlowLayout(self, spacing=12) if across else controls.vbox(self, spacing=2)
        for index, (_value, text) in enumerate(options):
            if across:
                button = QRadioButton(text)
                button.setAccessibleName(f"{name}: {text}")
                layout.addWidget(button)
            else:
                row = WrapRadio(text, f"{name}: {text}")
                button = row.radio
                layout.addWidget(row)
            button.installEventFilter(self)
            self.group.addButton(button, index)
            self.buttons.append(button)
        self.group.idToggled.connect(self._on_id_toggled)

    def _on_id_toggled(self, _index: int, checked: bool) -> None:
        if checked:
            self.on_change()

    def value(self) -> Any:
        index = self.group.checkedId()
        return self.options[index][0] if index >= 0 else None

    def set_value(self, value: Any) -> None:
        index = next((i for i, (v, _) in enumerate(self.options) if v == value and value is not None), -1)
        self.group.blockSignals(True)
        if index < 0:
            self.group.setExclusive(False)
            for button in self.buttons:
                button.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.buttons[index].setChecked(True)
        self.group.blockSignals(False)

    def focus_target(self) -> QRadioButton:
        """The checked button, or the first: where Tab and Enter land."""
        return self.group.checkedButton() or self.buttons[0]  # type: ignore[return-value]

    def select(self, index: int) -> None:
        """Pick an option by position, as a click would."""
        self.buttons[index].setChecked(True)
        self.buttons[index].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.Type.KeyPress or not self.isEnabled():
            return False
        key, typed = event.key(), event.text().lower()
        if key in CLEAR_KEYS:
            self.set_value(None)
            self.on_change()
            return True
        if typed.isdigit() and 1 <= int(typed) <= len(self.options):
            self.select(int(typed) - 1)
            return True
        if typed.isalpha():
            starts = [i for i, (_, text) in enumerate(self.options) if text.lower().startswith(typed)]
            if starts:
                current = self.group.checkedId()
                later = [i for i in starts if i > current]
                self.select((later or starts)[0])
                return True
        return False


class _OptionsWidget(ItemWidget):
    """Shared by yes/no and choice: radio buttons, or a searchable list when there are many options."""

    def options(self) -> list[tuple[Any, str]]:
        raise NotImplementedError

    def aliases(self) -> list[tuple[str, ...]]:
        """Other words that find each option when typed (the form's ``aliases``: "bid" for "Twice a day")."""
        return [() for _ in self.options()]

    def build(self) -> None:
        options = self.options()
        self.radios: RadioGroup | None = None
        self.combo: QComboBox | None = None
        if len(options) <= RADIO_LIMIT:
            self.radios = RadioGroup(options, self.item.label, self._emit)
            self.editor_layout.addWidget(self.radios, 1)
        else:
            self.combo = QComboBox()
            self.accessible(self.combo)
            self.combo.addItem("Choose (type to search)...", None)
            for value, text in options:
                self.combo.addItem(text, value)
            self.combo.setMaxVisibleItems(14)
            # Size to a sensible width, not to the longest option, so rows line up and never clip.
            self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.combo.setMinimumContentsLength(18)
            self.combo.currentIndexChanged.connect(lambda _i: self._emit())
            self.combo.installEventFilter(self)
            self._search, self._typed_at = "", 0.0
            self.editor_layout.addWidget(self.combo, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is not self.combo or event.type() != QEvent.Type.KeyPress:
            return False
        if event.key() in CLEAR_KEYS:
            self.combo.setCurrentIndex(0)
            return True
        typed = event.text()
        plain_key = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if not typed or not typed.isprintable() or not plain_key:
            return False
        now = time.monotonic()
        if now - self._typed_at > SEARCH_PAUSE:
            self._search = ""
        if not self._search and typed == " ":
            return False  # Space on its own opens the list, as everywhere in Qt
        self._search += typed
        self._typed_at = now
        index = self._find(self._search)
        if index > 0:
            self.combo.setCurrentIndex(index)
        return True

    def _find(self, text: str) -> int:
        """Type-to-search: an exact alias first ("bid"), then whole labels, spaces included (prefix, then any
        word, then anywhere), then the start of an alias ("q1" finds "q12h")."""
        wanted = text.lower()
        labels = [self.combo.itemText(i).lower() for i in range(self.combo.count())]
        aliases = [()] + [tuple(a.lower().replace(" ", "") for a in names) for names in self.aliases()]
        squeezed = wanted.replace(" ", "")
        tokens = wanted.split()

        def words_start(label: str) -> bool:
            words = [w.strip("()/,.-\"'") for w in label.split()]
            return bool(tokens) and all(any(w.startswith(t) for w in words) for t in tokens)

        exact_alias = next((i for i in range(1, len(aliases)) if squeezed in aliases[i]), -1)
        if exact_alias > 0:
            return exact_alias
        for test in (lambda t: t.startswith(wanted), words_start, lambda t: wanted in t):
            found = next((i for i in range(1, len(labels)) if test(labels[i])), -1)
            if found > 0:
                return found
        if not squeezed:
            return -1
        return next((i for i in range(1, len(aliases)) if any(a.startswith(squeezed) for a in aliases[i])), -1)

    def value(self) -> Any:
        if self.radios is not None:
            return self.radios.value()
        return self.combo.currentData() if self.combo is not None else None

    def set_value(self, value: Any) -> None:
        self._set_loading(True)
        if self.radios is not None:
            self.radios.set_value(value)
        elif self.combo is not None:
            index = self.combo.findData(value) if value is not None else 0
            self.combo.setCurrentIndex(max(index, 0))
            # Typing searches what was typed within the last second; after a new value is shown (another
            # list entry in the same field), "Metf" must start a new search, not extend the "Apix" before it.
            self._search = ""
        self._set_loading(False)

    def focus_widgets(self) -> list[QWidget]:
        if self.radios is not None:
            return [self.radios.focus_target()]
        return [self.combo] if self.combo is not None else []

    def next_focus_after(self, widget: QWidget | None) -> QWidget | None:
        return None  # one answer: Enter always moves to the next item

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        (self.radios or self.combo).setEnabled(not read_only)  # type: ignore[union-attr]


class YesNoWidget(_OptionsWidget):
    """Yes or No (True/False)."""

    def options(self) -> list[tuple[Any, str]]:
        return [(True, "Yes"), (False, "No")]


class ChoiceWidget(_OptionsWidget):
    """Exactly one of the item's options."""

    def options(self) -> list[tuple[Any, str]]:
        return [(o.value, o.label) for o in self.item.options]

    def aliases(self) -> list[tuple[str, ...]]:
        return [o.aliases for o in self.item.options]
