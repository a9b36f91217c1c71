"""Ask for a staff ID and PIN and check them at once (used before the site settings open)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import controls
from checklist_app.ui.dialogs.base import FormDialog


class CredentialsDialog(FormDialog):
    """``ask`` returns whatever ``verify(staff_id, pin)`` returned (a StaffMember), or None."""

    primary_text = "&Continue"

    def __init__(self, parent: QWidget | None, title: str, intro: str, verify: Callable[[str, str], Any]) -> None:
        super().__init__(parent, title, intro)
        self.verify = verify
        self.id_edit = controls.line_edit("Staff ID", max_length=64)
        self.pin_edit = controls.line_edit("PIN", password=True, max_length=128)
        self.add_field("Staff &ID:", self.id_edit)
        self.add_field("&PIN:", self.pin_edit)
        self.initial_focus = self.id_edit

    def on_primary(self) -> None:
        staff_id, pin = self.id_edit.text().strip(), self.pin_edit.text()
        if not staff_id or not pin:
            self.show_problem("Enter a staff ID and PIN.")
            return
        try:
            self.result_value = self.verify(staff_id, pin)
        except ChecklistError as exc:
            self.pin_edit.clear()
            self.show_problem(str(exc))
            self.pin_edit.setFocus()
            return
        self.accept()
