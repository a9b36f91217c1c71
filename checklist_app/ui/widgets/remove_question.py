"""Ask before a filled list entry is removed: a medicine taken off the list takes its hold with it.

A focused Remove button is pressed by a space, and a nurse typing a date into what she thinks is a field
would remove the entry without a word. Keep is the default and the escape button, so a stray space or
Enter keeps the entry; removing needs Alt+R (or a click on Remove).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.ui import messages


class RemoveQuestion:
    """"Remove Apixaban from Medications?" with Remove and Keep (default)."""

    @classmethod
    def ask(cls, parent: QWidget | None, entry: str, listed_in: str) -> bool:
        """True: remove it. (Tests replace this classmethod.)"""
        return messages.ask_choice(
            parent, "Remove this entry?", f"Remove {entry} from {listed_in}?",
            "What the checklist says about it (a hold, a hard stop) goes with it.",
            act="&Remove", stay="&Keep", name="remove_question")
