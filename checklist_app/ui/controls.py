"""Small constructors for the controls every screen uses, so each gets an accessible name and our look.

Screen readers announce ``accessibleName``; a control built here always has one. Buttons are
``autoDefault`` so that Enter presses the focused button everywhere (not only inside dialogs), which is
what "Enter moves on" relies on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from checklist_app.ui import theme


def plain(text: str) -> str:
    """A label without its mnemonic ampersand: '&Next section' -> 'Next section'."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")


def button(text: str, on_click: Callable[[], object] | None = None, *, name: str | None = None,
           role: str | None = None, tooltip: str = "", shortcut: str | QKeySequence | None = None,
           icon: str | None = None) -> QPushButton:
    """A push button with a mnemonic in ``text`` ('&Next'), an accessible name, and Enter to press it."""
    widget = QPushButton(text)
    widget.setAccessibleName(name or plain(text))
    widget.setAutoDefault(True)
    if role:
        theme.set_role(widget, role)
    if icon:
        widget.setIcon(theme.icon(icon))
    if shortcut is not None:
        widget.setShortcut(QKeySequence(shortcut))
    hint = tooltip or ""
    if shortcut is not None:
        keys = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        hint = f"{hint} ({keys})" if hint else keys
    if hint:
        widget.setToolTip(hint)
    if on_click is not None:
        widget.clicked.connect(lambda _checked=False: on_click())
    return widget


def label(text: str = "", role: str | None = None, *, wrap: bool = True, selectable: bool = False,
          name: str | None = None) -> QLabel:
    """A text label (plain text, wrapping by default) with an optional style role."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    if role:
        theme.set_role(widget, role)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    widget.setAccessibleName(name or text)
    return widget


def line_edit(name: str, *, placeholder: str = "", password: bool = False, max_length: int = 0) -> QLineEdit:
    """A single-line field with an accessible name."""
    widget = QLineEdit()
    widget.setAccessibleName(name)
    if placeholder:
        widget.setPlaceholderText(placeholder)
    if password:
        widget.setEchoMode(QLineEdit.EchoMode.Password)
    if max_length:
        widget.setMaxLength(max_length)
    return widget


def card(role: str = "card") -> QFrame:
    """A framed white box (the look of findings and list entries)."""
    frame = QFrame()
    theme.set_role(frame, role)
    return frame


def hbox(*widgets: QWidget | None, spacing: int = theme.SPACING, margins: int = 0) -> QHBoxLayout:
    """A horizontal layout; ``None`` in ``widgets`` adds a stretch."""
    layout = QHBoxLayout()
    layout.setSpacing(spacing)
    layout.setContentsMargins(margins, margins, margins, margins)
    for widget in widgets:
        if widget is None:
            layout.addStretch(1)
        else:
            layout.addWidget(widget)
    return layout


def vbox(parent: QWidget | None = None, *, spacing: int = theme.SPACING, margins: int = 0) -> QVBoxLayout:
    """A vertical layout with our spacing."""
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    layout.setSpacing(spacing)
    layout.setContentsMargins(margins, margins, margins, margins)
    return layout


def show_shortcuts(parent: QWidget) -> None:
    """F1: the keyboard shortcuts, from messages.yaml (non-blocking), and the app's version and build: the
    app's About box (it has no menu bar to hold another)."""
    from checklist_app.ui import messages
    from checklist_app.version import describe

    box = messages.show_message(parent, messages.text("help.title"), messages.text("help.shortcuts"),
                                messages.text("help.about", version=describe()))
    box.setObjectName("shortcuts_help")


def fit_to_screen(window: QWidget) -> None:
    """Maximised on a laptop-sized screen (1366x768 and the like), else a comfortable 1280x800."""
    screen = window.screen().availableGeometry() if window.screen() is not None else None
    if screen is not None and (screen.width() <= 1440 or screen.height() <= 900):
        window.resize(screen.size())
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        window.resize(1280, 800)
