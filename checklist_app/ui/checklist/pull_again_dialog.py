"""The side-by-side of a pull again: each answer the chart would change, what the checklist holds and what the
EHR holds now (with its date), and per answer "Keep mine" (the default) or "Take the new value"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QButtonGroup, QDialog, QDialogButtonBox, QGridLayout, QRadioButton, QWidget

from checklist_app.ui import controls, theme


class PullAgainDialog(QDialog):
    """The answers the chart would change, side by side: keep mine or take the new value, one by one."""

    def __init__(self, differences: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The EHR has different values")
        self.setObjectName("pull_again_dialog")
        layout = controls.vbox(self, spacing=theme.SPACING, margins=theme.MARGIN)
        layout.addWidget(controls.label("Nothing changes unless you choose \"Take the new value\". Your choice "
                                        "is kept until the EHR changes again.", role="help"))
        grid = QGridLayout()
        for column, title in enumerate(("Question", "In this checklist", "In the EHR now", "")):
            grid.addWidget(controls.label(title, wrap=False), 0, column)
        self.groups: dict[str, QButtonGroup] = {}
        for row, difference in enumerate(differences, start=1):
            source = difference.proposal.source
            when = f" ({source['observed'][:10]})" if source.get("observed") else ""
            grid.addWidget(controls.label(difference.label), row, 0)
            grid.addWidget(controls.label(_value_text(difference.mine)), row, 1)
            grid.addWidget(controls.label(f"{source.get('text', '')}{when}"), row, 2)
            keep, take = QRadioButton("Keep mine"), QRadioButton("Take the new value")
            keep.setChecked(True)
            group = QButtonGroup(self)
            group.addButton(keep, 0)
            group.addButton(take, 1)
            self.groups[difference.key] = group
            grid.addLayout(controls.hbox(keep, take), row, 3)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choices(self) -> dict[str, bool]:
        """Per difference: True for 'take the new value'."""
        return {key: group.checkedId() == 1 for key, group in self.groups.items()}


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value.values())
    return str(value)
