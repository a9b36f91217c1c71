"""Never close over unsaved answers: what the windows and the app do when the last save fails.

Autosave keeps every change in memory until it is written, and retries every second. Closing is the one
moment that memory would be thrown away, so:

- a checklist window whose own answers are still unsaved after a final flush stays open and says so
  (``show_not_saved``, a non-blocking message: the nurse can go on working, or free space and close again);
- the app does not quit while the autosaver holds anything unsaved (``settle``): it asks "Try again" or
  "Keep open" through ``UnsavedQuestion.ask``, a classmethod that tests replace; there is no "quit anyway".

Its texts are kept here beside the two boxes that show them (tests read them by name).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from checklist_app.domain.errors import StorageError
from checklist_app.ui import messages

if TYPE_CHECKING:
    from checklist_app.workflows.session import Session

log = logging.getLogger(__name__)

NOT_SAVED_TITLE = "Your answers are NOT saved yet"
NOT_SAVED_BODY = "The last changes to this checklist could not be written to the database: {reason}"
NOT_SAVED_ADVICE = (
    "This window stays open so that nothing is lost: your answers stay on screen and the app keeps trying "
    "to save them every second. Free space on the disk (or ask IT to), then close the window again. If "
    "it keeps happening, call IT before closing or switching off anything.")
QUIT_TITLE = "Answers not saved yet"
QUIT_BODY = "Some answers could not be written to the database: {reason}\n\nIf the app closed now, they would be lost."
QUIT_ADVICE = ("Free space on the disk or call IT, then choose Try again. Keep open leaves the app running with "
               "the answers on screen.")
TRY_AGAIN = "&Try again"
KEEP_OPEN = "&Keep open"


def show_not_saved(parent: QWidget, error: BaseException) -> QMessageBox:
    """Say (without blocking) that a checklist's answers are not saved yet and what to do."""
    return messages.show_message(parent, NOT_SAVED_TITLE, NOT_SAVED_BODY.format(reason=_reason(error)),
                                 NOT_SAVED_ADVICE, icon=QMessageBox.Icon.Warning)


class UnsavedQuestion:
    """"Try again" or "Keep open" when quitting would lose unsaved answers."""

    @classmethod
    def ask(cls, parent: QWidget | None, error: BaseException) -> bool:
        """True: try saving again; False: keep the app open. (Tests replace this classmethod.)"""
        return messages.ask_choice(parent, QUIT_TITLE, QUIT_BODY.format(reason=_reason(error)), QUIT_ADVICE,
                                   act=TRY_AGAIN, stay=KEEP_OPEN, name="unsaved_question", act_is_default=True,
                                   icon=QMessageBox.Icon.Warning)


def settle(ctx: Session, parent: QWidget | None) -> bool:
    """Save everything now; True when nothing is left unsaved, False when the user chose to keep the app open.

    While a save fails, asks ``UnsavedQuestion.ask`` again after each "Try again".
    """
    while ctx.has_unsaved:
        try:
            ctx.autosaver.flush()
        except StorageError as exc:
            log.warning("unsaved answers at quit: %s", exc.__class__.__name__)
            if not UnsavedQuestion.ask(parent, exc):
                return False
    return True


def _reason(error: BaseException) -> str:
    return str(error) if isinstance(error, StorageError) else "an unexpected problem (see the log file)"
