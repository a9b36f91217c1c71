"""Answers set aside at another workstation, side by side with the checklist's: keep mine or use theirs, one
answer at a time. Nothing changes until "Use the checked answers"; "Decide later" keeps them set aside."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from checklist_app.storage.checkouts import SetAside, local_time
from checklist_app.ui import controls, theme
from checklist_app.ui.dialogs.base import FormDialog
from checklist_app.workflows.sharing import Difference


class SetAsideDialog(FormDialog):
    """``chosen()``: the differences whose set-aside answer is to be used."""

    primary_text = "&Use the checked answers"

    def __init__(self, parent: QWidget | None, kept: SetAside, differences: list[Difference]) -> None:
        at = local_time(kept.set_aside_at.isoformat())
        super().__init__(parent, "Answers set aside", f"{kept.staff_name} typed these at {kept.workstation} "
                                                      f"(set aside {at}) but they could not be saved into the "
                                                      f"checklist, which had changed. Check an answer to use it "
                                                      f"instead of the one in the checklist now.")
        self.setMinimumWidth(720)
        self.cancel_button.setText("Decide &later")
        self.differences = differences
        self.boxes: list[QCheckBox] = []
        if not differences:
            self.form.addRow(controls.label("They match the checklist as it is now: nothing to choose."))
            self.primary_button.setText("&Done")
            return
        grid = QGridLayout()
        grid.setHorizontalSpacing(theme.SPACING * 2)
        for column, heading in enumerate(("Question", "In the checklist now", f"Set aside at {kept.workstation}")):
            grid.addWidget(controls.label(heading, role="item-label"), 0, column)
        for row, difference in enumerate(differences, start=1):
            grid.addWidget(controls.label(difference.label), row, 0)
            grid.addWidget(controls.label(difference.now_text or "(not answered)", selectable=True), row, 1)
            box = QCheckBox(difference.set_aside_text or "(not answered)")
            box.setAccessibleName(f"Use the set-aside answer for {difference.label}: "
                                  f"{difference.set_aside_text or 'not answered'}")
            grid.addWidget(box, row, 2)
            self.boxes.append(box)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.form.addRow(grid)
        self.initial_focus = self.boxes[0]

    def chosen(self) -> list[Difference]:
        """The differences ticked: their set-aside answers go into the checklist."""
        return [d for d, box in zip(self.differences, self.boxes, strict=True) if box.isChecked()]
