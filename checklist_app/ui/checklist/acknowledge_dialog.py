"""Acknowledge a warning with a short note (who was told, what was agreed); the note is recorded."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from checklist_app.domain.findings import Finding
from checklist_app.ui import controls
from checklist_app.ui.dialogs.base import FormDialog

MIN_NOTE = 3


class AcknowledgeDialog(FormDialog):
    """Returns the note (str) from ``ask``."""

    primary_text = "&Acknowledge"

    def __init__(self, parent: QWidget | None, finding: Finding, who: str) -> None:
        super().__init__(parent, "Acknowledge a warning", f"The note is kept with the checklist, printed, and "
                                                          f"recorded in the audit trail as made by {who}.")
        self.form.addRow(controls.label(finding.message, role="finding-warning"))
        self.form.addRow(controls.label(f"What to do: {finding.action}"))
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(2000)
        self.note_edit.setPlaceholderText("e.g. Dr Mensah informed, will review before sedation")
        self.add_field("&Note:", self.note_edit)
        self.initial_focus = self.note_edit

    def on_primary(self) -> None:
        note = self.note_edit.text().strip()
        if len(note) < MIN_NOTE:
            self.show_problem(f"Write a short note (at least {MIN_NOTE} characters): who was told, or why it is fine.")
            self.note_edit.setFocus()
            return
        self.result_value = note
        self.accept()
