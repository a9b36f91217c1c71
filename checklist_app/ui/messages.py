"""The one place errors are shown (the wording itself is data: ``workflows.messages``).

``text`` and ``error_texts`` are imported here so every screen reads wording and shows errors through one
module. ``show_error`` (Anki's ``show_exception``) turns any exception into a dialog: our own
``ChecklistError`` subclasses are written for people, so their text is shown with a title and advice from
the YAML; anything else gets a generic apology while the traceback goes to the log file. A nurse never sees
a raw ``ValidationError``. The dialog opens without blocking (``open()``), so the excepthook and tests never
sit in a nested loop.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.workflows.messages import LOG_FILE, error_texts, text

if TYPE_CHECKING:  # imported where a box is shown: its Python enums cost ~2 ms before the first paint
    from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)

__all__ = ["LOG_FILE", "ask_choice", "ask_one_of", "error_texts", "log_unexpected", "show_error", "show_message",
           "text"]


def log_unexpected(exc: BaseException) -> None:
    """Log an unexpected error: its type and where it happened, never its text.

    The text of an exception can quote what was typed (pydantic puts the input in its messages), and
    the log file must not collect patient data; file, line and function say where to look.
    """
    frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))
    log.error("unexpected %s\n%s", type(exc).__name__, frames)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show ``exc`` to the user (non-blocking); unexpected errors are logged first. Returns the box."""
    if not isinstance(exc, ChecklistError):
        log_unexpected(exc)
    from PySide6.QtWidgets import QMessageBox

    title, what, advice = error_texts(exc)
    icon = QMessageBox.Icon.Warning if isinstance(exc, ChecklistError) else QMessageBox.Icon.Critical
    return show_message(parent, title, what, advice, icon=icon)


def show_message(parent: QWidget | None, title: str, body: str, detail: str = "", *,
                 icon: QMessageBox.Icon | None = None) -> QMessageBox:
    """A plain message box, opened without blocking; deleted when closed."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information if icon is None else icon, title, body,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("message_box")
    box.setAccessibleName(title)
    box.setInformativeText(detail)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def ask_one_of(parent: QWidget | None, title: str, body: str, detail: str, choices: list[str], *, name: str,
               default: int, escape: int) -> int:
    """A question with several buttons (left to right as given), waiting for the answer: the index chosen
    (``escape``'s when the box is closed with Esc)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, body, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    box.setAccessibleName(title)
    box.setInformativeText(detail)
    role = QMessageBox.ButtonRole.ActionRole
    buttons = [box.addButton(text, QMessageBox.ButtonRole.RejectRole if i == escape else role)
               for i, text in enumerate(choices)]
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[escape])
    try:
        box.exec()
        clicked = box.clickedButton()
        return buttons.index(clicked) if clicked in buttons else escape
    finally:
        box.deleteLater()


def ask_choice(parent: QWidget | None, title: str, body: str, detail: str, *, act: str, stay: str, name: str,
               act_is_default: bool = False, icon: QMessageBox.Icon | None = None) -> bool:
    """A question with two buttons, waiting for the answer: True when ``act`` was chosen. ``stay`` is the
    escape button, and the default unless ``act_is_default``."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question if icon is None else icon, title, body,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    box.setAccessibleName(title)
    box.setInformativeText(detail)
    yes = box.addButton(act, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(stay, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes if act_is_default else no)
    box.setEscapeButton(no)
    try:
        box.exec()
        return box.clickedButton() is yes
    finally:
        box.deleteLater()
