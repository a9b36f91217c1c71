"""A physician overrides a hard stop with their own staff ID and PIN and a reason, checked at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.findings import Finding
from checklist_app.domain.record import Override
from checklist_app.ui import controls, messages
from checklist_app.ui.dialogs.base import FormDialog

Verify = Callable[[str, str, str], Override]


class OverrideDialog(FormDialog):
    """Returns the stored ``Override`` from ``ask``; wrong PINs are shown inline and may be retried."""

    primary_text = "&Override hard stop"

    def __init__(self, parent: QWidget | None, finding: Finding, verify: Verify, reasons: Sequence[str] = ()) -> None:
        super().__init__(parent, "Physician override", messages.text("override.intro"))
        self.verify = verify
        self.form.addRow(controls.label(f"Hard stop: {finding.message}", role="finding-hard_stop"))
        self.id_edit = controls.line_edit("Physician staff ID", max_length=64)
        self.pin_edit = controls.line_edit("Physician PIN", password=True, max_length=128)
        self.reason_edit = controls.line_edit("Reason for the override", max_length=2000,
                                              placeholder="Why it is safe to go ahead")
        self.add_field("Physician &ID:", self.id_edit)
        self.add_field("&PIN:", self.pin_edit)
        # The policy's named reasons for this hard stop (a documented drug level for a DOAC hold): picking one
        # writes it into the reason, which the physician may still add to.
        self.reason_choice: QComboBox | None = None
        if reasons:
            self.reason_choice = QComboBox()
            self.reason_choice.setAccessibleName("Named reason")
            self.reason_choice.addItems(["Type the reason below", *reasons])
            self.reason_choice.currentIndexChanged.connect(self._on_reason_choice_changed)
            self.add_field("Named r&eason:", self.reason_choice)
        self.add_field("&Reason:", self.reason_edit)
        self.initial_focus = self.id_edit

    def _on_reason_choice_changed(self, index: int) -> None:
        if index > 0 and self.reason_choice is not None:
            self.reason_edit.setText(self.reason_choice.itemText(index))

    def on_primary(self) -> None:
        staff_id, pin, reason = self.id_edit.text().strip(), self.pin_edit.text(), self.reason_edit.text().strip()
        if not staff_id or not pin:
            self.show_problem("Enter the physician's own staff ID and PIN.")
            return
        if len(reason) < 3:
            self.show_problem("Give the reason for the override (at least 3 characters).")
            self.reason_edit.setFocus()
            return
        try:
            self.result_value = self.verify(staff_id, pin, reason)
        except ChecklistError as exc:
            self.pin_edit.clear()
            self.show_problem(str(exc))
            self.pin_edit.setFocus()
            return
        self.accept()
