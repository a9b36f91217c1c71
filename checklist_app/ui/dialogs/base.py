"""What the dialogs share: a title and introduction, labelled fields with mnemonics, one inline problem
line (no second message box on top of a dialog), Cancel and a primary button, and the ``ask`` pattern.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QWidget

from checklist_app.ui import controls, theme
from checklist_app.ui.widgets.base import InlineMessage


class FormDialog(QDialog):
    """A dialog with a form; ``result_value`` is what ``ask`` returns after OK."""

    primary_text = "&OK"

    def __init__(self, parent: QWidget | None, title: str, intro: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)
        self.result_value: Any = None
        self.initial_focus: QWidget | None = None  # focused when shown (focus set before show is lost)
        self.outer = controls.vbox(self, spacing=theme.SPACING + 4, margins=theme.MARGIN + 8)
        heading = controls.label(title, role="title")
        self.outer.addWidget(heading)
        if intro:
            self.outer.addWidget(controls.label(intro, role="help"))
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(theme.SPACING + 2)
        self.outer.addLayout(self.form)
        self.problem = InlineMessage("problem", f"{title}: problem")
        self.outer.addWidget(self.problem)
        self.cancel_button = controls.button("Cancel", self.reject)
        self.primary_button = controls.button(self.primary_text, self.on_primary, role="primary")
        self.primary_button.setDefault(True)
        self.button_row = controls.hbox(None, self.cancel_button, self.primary_button)
        self.outer.addLayout(self.button_row)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self.initial_focus is not None:
            self.initial_focus.setFocus()
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to the height the contents need at the dialog's width: wrapped labels need more than its
        minimum size says (Qt does not apply height-for-width to windows), so without this a problem shown
        later (a wrong PIN) overlapped the text and buttons above it."""
        self.layout().activate()
        needed = self.layout().totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def add_field(self, text: str, widget: QWidget) -> QWidget:
        """A labelled row; '&' in ``text`` marks the Alt mnemonic that jumps to the field."""
        caption = QLabel(text)
        caption.setBuddy(widget)
        theme.set_role(caption, "item-label")
        if not widget.accessibleName():
            widget.setAccessibleName(controls.plain(text))
        self.form.addRow(caption, widget)
        return widget

    def show_problem(self, text: str) -> None:
        """Say inline what is wrong (or clear it with ''), the dialog growing to show it whole."""
        self.problem.show_message(text, "state-warning")
        if self.isVisible():
            self.fit_height()

    def on_primary(self) -> None:
        """Check the fields; set ``result_value`` and accept, or show the problem."""
        self.accept()

    @classmethod
    def ask(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the dialog modally; its result, or None when cancelled."""
        dialog = cls(*args, **kwargs)
        try:
            return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
