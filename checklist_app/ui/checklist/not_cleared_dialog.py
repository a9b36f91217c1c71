"""Record that a hard stop stays open and the physician was told, so the checklist can be completed
as NOT CLEARED. The note goes into the record's acknowledgements (which never clear a hard stop)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from checklist_app.domain import conventions
from checklist_app.domain.findings import Finding
from checklist_app.domain.timeutil import aware
from checklist_app.ui import controls, messages
from checklist_app.ui.dialogs.base import FormDialog
from checklist_app.workflows.checklist_state import NOTIFIED_PREFIX

HOW = ("in person", "by phone", "by page", "by secure message")


class NotClearedDialog(FormDialog):
    """Returns the note ('Physician notified: Dr A. Mensah, by phone at 07:40. ...') from ``ask``."""

    primary_text = "&Record: not cleared"

    def __init__(self, parent: QWidget | None, finding: Finding, now: datetime) -> None:
        super().__init__(parent, "Not cleared: physician notified", messages.text("not_cleared.intro"))
        self.now = aware(now).astimezone()
        self.form.addRow(controls.label(f"Hard stop: {finding.message}", role="finding-hard_stop"))
        self.physician_edit = QLineEdit()
        self.physician_edit.setMaxLength(120)
        self.how_combo = QComboBox()
        self.how_combo.addItems(HOW)
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(1000)
        self.note_edit.setPlaceholderText("Optional: what was agreed")
        self.add_field("&Physician told:", self.physician_edit)
        self.add_field("&How:", self.how_combo)
        self.add_field("&Note:", self.note_edit)
        self.initial_focus = self.physician_edit

    def on_primary(self) -> None:
        who = self.physician_edit.text().strip()
        if len(who) < 2:
            self.show_problem("Name the physician who was told.")
            self.physician_edit.setFocus()
            return
        note = self.note_edit.text().strip()
        text = f"{NOTIFIED_PREFIX}{who}, {self.how_combo.currentText()} at {conventions.format_time(self.now)}."
        self.result_value = f"{text} {note}".strip()
        self.accept()
