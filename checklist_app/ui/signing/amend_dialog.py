"""Ask why a signed checklist is being amended. The reason is kept with the amendment's draft, signed with
the new version (``storage.amend``), recorded in the audit trail and shown in the worklist's window."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from checklist_app.ui import controls
from checklist_app.ui.dialogs.base import FormDialog

MIN_REASON = 3  # storage.amend refuses shorter reasons
INTRO = ("The signed version stays exactly as it is. Your changes become a new version that replaces it: it "
         "is checked again, must be signed again with a PIN, and keeps this reason.")


class AmendDialog(FormDialog):
    """Returns the reason (str) from ``ask``."""

    primary_text = "&Amend"

    def __init__(self, parent: QWidget | None, signed_text: str) -> None:
        super().__init__(parent, "Amend a signed checklist", INTRO)
        self.form.addRow(controls.label(signed_text, role="help"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(500)
        self.reason_edit.setPlaceholderText("e.g. INR repeated this morning; weight re-measured")
        self.add_field("&Reason:", self.reason_edit)
        self.initial_focus = self.reason_edit

    def on_primary(self) -> None:
        reason = self.reason_edit.text().strip()
        if len(reason) < MIN_REASON:
            self.show_problem(f"Say why the checklist is amended (at least {MIN_REASON} characters).")
            self.reason_edit.setFocus()
            return
        self.result_value = reason
        self.accept()
