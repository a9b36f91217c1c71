"""The base of every generated field: label, help, the editor, and the inline messages under it.

Subclasses build their editor and implement ``value()``, ``set_value()`` and ``focus_widgets()``; this class
gives them the rest: ``answer_changed`` (emitted when the nurse changes the answer, never by
``set_value``; this is what is saved and audited), ``answer_edited`` (free text as it is being typed, for
the live findings and an unaudited save: it becomes an answer with Enter, leaving the field or a pause),
Enter to go on (to the next part of the same field, else ``advance_requested``), a "not understood"
message for typed text (``show_problem``, which also reports the text that gave no answer as
``unread_changed``, so a list that reuses one field for many entries can keep it with its entry and put it
back with ``show_unread``), and the finding the rules engine reports about this item. ``set_value`` shows
that answer and nothing else: no message or red border left over from text typed before (``clear_problem``).
A field knows nothing about the rules or about other items.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from checklist_app.ui import controls, theme
from checklist_app.ui.widgets.wrap_label import WrapLabel

Clock = Callable[[], datetime]
NO_BREAK_HYPHEN = "\u2011"
# A date or a date's format ('2026-12-01', 'YYYY-MM-DD', '2026-11'): a wrapped message never breaks inside one.
_DATE_LIKE = re.compile(r"\b(?:\d{4}|YYYY)-(?:\d{1,2}|MM)(?:-(?:\d{1,2}|DD))?(?:T(?:\d{2}|HH):(?:\d{2}|MM))?\b")
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class InlineMessage(QWidget):
    """An icon and a sentence under a field; hidden when empty. Never colour alone: the icon and the
    words ('Hard stop:', 'Not understood:') say what kind of message it is."""

    def __init__(self, role: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_label = QLabel()
        self.icon_label.setFixedWidth(22)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.text_label = controls.label("", role=role, name=name)
        layout = controls.hbox(self.icon_label, spacing=4)
        layout.addWidget(self.text_label, 1)
        self.setLayout(layout)
        self.setAccessibleName(name)
        self.hide()
        self._showing: tuple[str, str, str | None] = ("", "", None)

    def show_message(self, text: str, icon: str, role: str | None = None) -> None:
        """Show ``text`` with an icon; an empty text hides the message."""
        # Called on every keystroke: the same message again is left alone (a new pixmap repaints it).
        if text == self._showing[0] == "" or (text, icon, role) == self._showing:
            return
        self._showing = (text, icon, role)
        if not text:
            self.hide()
            return
        self.icon_label.setPixmap(theme.pixmap(icon, 18))
        if role:
            theme.set_role(self.text_label, role)
        self.text_label.setText(_DATE_LIKE.sub(lambda m: m.group().replace("-", NO_BREAK_HYPHEN), text))
        self.text_label.setAccessibleName(text)
        self.show()

    @property
    def text(self) -> str:
        """The sentence shown (empty when hidden), as it was given."""
        return self._showing[0] if not self.isHidden() else ""


class ItemWidget(QWidget):
    """One form item on screen."""

    answer_changed = Signal(object)  # the answer, committed: saved by autosave and recorded in the audit trail
    answer_edited = Signal(object)  # the answer as typed so far, not committed: live findings, unaudited save
    advance_requested = Signal()
    # Text committed that gave no answer ('yesterdy 2200', '500' out of range), or '' once what is typed reads
    # (or is cleared). Not an answer: the answer stays None, so the rules engine still sees the item missing.
    unread_changed = Signal(str)

    def __init__(self, item: Any, *, clock: Clock, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.clock = clock
        self.compact = compact
        self._loading = False
        self._read_only = False
        self._unread = ""  # the text behind the current problem that gave no answer
        self._flagged: list[QWidget] = []  # the parts marked (red border) by the current problem
        self.setObjectName(f"item_{item.id}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # so "highlight" can paint
        layout = controls.vbox(self, spacing=4)
        self.title_label: QLabel | None = None
        if not compact:
            self.title_label = WrapLabel(item.label, "item-label")
            layout.addWidget(self.title_label)
            # No "optional" marks: an item the form does not require can still be one the policy needs
            # (no INR is a hard stop), and "optional" next to it would invite skipping it.
            if item.help:
                self.help_label = WrapLabel(item.help, "help")
                layout.addWidget(self.help_label)
        self.editor_layout = QHBoxLayout()
        self.editor_layout.setSpacing(theme.SPACING)
        layout.addLayout(self.editor_layout)
        self.problem = InlineMessage("problem", f"{item.label}: problem")
        self.finding = InlineMessage("finding-warning", f"{item.label}: finding")
        layout.addWidget(self.problem)
        layout.addWidget(self.finding)
        self.build()
        if self.title_label is not None and self.first_focus() is not None:
            self.title_label.setBuddy(self.first_focus())

    # --- what subclasses provide ---------------------------------------------------------------------
    takes_answer = True

    def build(self) -> None:
        """Create the editor widgets in ``self.editor_layout``."""
        raise NotImplementedError

    def value(self) -> Any:
        """The current answer in its typed form, or None (unanswered, or typed text not understood)."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show this answer (None clears) and nothing else: a typed field calls ``clear_problem`` first.
        Emits nothing."""
        raise NotImplementedError

    def focus_widgets(self) -> list[QWidget]:
        """The parts of this field that take focus, in order (Tab and Enter follow it)."""
        return []

    def commit(self) -> None:
        """Take typed text as the answer now (fields that wait for Enter or leaving the field)."""

    def _put_text(self, text: str) -> None:
        """Type ``text`` back into the field's boxes as it was reported by ``unread_changed`` (fields that
        report unread text provide it)."""
        raise NotImplementedError(f"{type(self).__name__} reports no unread text")

    # --- shared behaviour ----------------------------------------------------------------------------
    def _emit(self) -> None:
        if not self._loading:
            self.answer_changed.emit(self.value())

    def _emit_edited(self) -> None:
        if not self._loading:
            self.answer_edited.emit(self.value())

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading

    def first_focus(self) -> QWidget | None:
        """Where focus goes when this field is reached."""
        return next((w for w in self.focus_widgets() if self._focusable(w)), None)

    def next_focus_after(self, widget: QWidget | None) -> QWidget | None:
        """The part after ``widget`` that Enter moves to, or None to leave this field."""
        chain = [w for w in self.focus_widgets() if self._focusable(w)]
        owner = next((w for w in chain if widget is w or (widget is not None and w.isAncestorOf(widget))), None)
        if owner is None:
            return None
        index = chain.index(owner)
        return chain[index + 1] if index + 1 < len(chain) else None

    @staticmethod
    def _focusable(widget: QWidget) -> bool:
        return widget.isEnabled() and not widget.isHidden() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in ENTER_KEYS and not self._read_only:
            self.commit()
            following = self.next_focus_after(QApplication.focusWidget())
            if following is not None:
                following.setFocus(Qt.FocusReason.TabFocusReason)
            else:
                self.advance_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def set_problem(self, text: str) -> None:
        """Show (or clear, with '') what is wrong with the typed text."""
        self.problem.show_message(text, "state-warning")

    def show_problem(self, text: str, *parts: QWidget, unread: str = "") -> None:
        """After a commit: say what is wrong with the typed text ('' when nothing is), mark ``parts`` (the
        boxes it is about) with a red border, and report ``unread``, the typed text that gave no answer."""
        self.set_problem(text)
        for part in self._flagged:
            if part not in parts:
                theme.set_flag(part, "problem", False)
        for part in parts:
            theme.set_flag(part, "problem", True)
        self._flagged = list(parts)
        # Reported again even when unchanged: the list may have dropped it meanwhile (the text was edited to
        # something readable, then back); keeping it is idempotent there.
        if (unread or unread != self._unread) and not self._loading:
            self.unread_changed.emit(unread)
        self._unread = unread

    def clear_problem(self) -> None:
        """Forget earlier typed text: no message, no red border, nothing unread; emits nothing. Every typed
        field's ``set_value`` starts with it, so a field reused for another entry carries nothing over."""
        self.set_problem("")
        for part in self._flagged:
            theme.set_flag(part, "problem", False)
        self._flagged, self._unread = [], ""

    def show_unread(self, text: str) -> None:
        """Put back ``text`` that ``unread_changed`` reported, with what is wrong with it, as when it was
        committed; emits nothing (the answer is unchanged: there is none)."""
        loading, self._loading = self._loading, True
        try:
            self._put_text(text)
            self.commit()
        finally:
            self._loading = loading

    def set_finding(self, severity: str | None, text: str) -> None:
        """Show the rules engine's finding about this item (severity 'hard_stop' or 'warning'), or clear it."""
        if not severity:
            self.finding.show_message("", "")
            return
        icon = "state-hard-stop" if severity == "hard_stop" else "state-warning"
        prefix = "Hard stop: " if severity == "hard_stop" else "Warning: "
        self.finding.show_message(prefix + text, icon, f"finding-{severity}")

    def set_read_only(self, read_only: bool) -> None:
        """Signed checklists are shown read-only."""
        self._read_only = read_only
        for widget in self.focus_widgets():
            if hasattr(widget, "setReadOnly"):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)

    def accessible(self, widget: QWidget, part: str = "") -> QWidget:
        """Name ``widget`` for screen readers after this item (and ``part``), with the help as description."""
        widget.setAccessibleName(f"{self.item.label}{': ' + part if part else ''}")
        if self.item.help:
            widget.setAccessibleDescription(self.item.help)
        return widget
