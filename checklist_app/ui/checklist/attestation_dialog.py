"""Who stands behind a statement that is a physician's to make ("Physician attests the pain comes from the
fracture to be treated"): the physician signs in here with their own ID and PIN, or the nurse records it on
the physician's word, naming the physician. Either way the checklist prints who, in those words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QButtonGroup, QComboBox, QRadioButton, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.record import Attestation
from checklist_app.ui import controls
from checklist_app.ui.checklist.finding_actions import someone_acts
from checklist_app.ui.dialogs.base import FormDialog
from checklist_app.workflows.open_checklist import OpenChecklist

InPerson = Callable[[str, str], Attestation]  # (physician ID, PIN) -> the stored attestation
OnWord = Callable[[str], Attestation]  # (physician's name) -> the stored attestation


class AttestationDialog(FormDialog):
    """``ask`` returns the stored ``Attestation``, or None when cancelled (the box is then left unticked)."""

    primary_text = "&Record attestation"

    def __init__(self, parent: QWidget | None, statement: str, *, nurse: str, physicians: list[str],
                 accounts: bool, in_person: InPerson, on_word: OnWord) -> None:
        super().__init__(parent, "Physician's attestation",
                         f"\u201c{statement}\u201d is the physician's statement to make. Say who makes it.")
        self.in_person, self.on_word = in_person, on_word
        self.setMinimumWidth(600)
        self.here = QRadioButton("The physician is &here: they sign in with their own ID and PIN")
        self.word = QRadioButton("On the physician's &word: I record it and name the physician")
        self.word.setToolTip(f"Recorded by {nurse}, in those words, on the checklist.")
        group = QButtonGroup(self)
        for choice in (self.here, self.word):
            group.addButton(choice)
            self.form.addRow(choice)
        self.id_edit = controls.line_edit("Physician staff ID", max_length=64)
        self.pin_edit = controls.line_edit("Physician PIN", password=True, max_length=128)
        self.add_field("Physician &ID:", self.id_edit)
        self.add_field("&PIN:", self.pin_edit)
        self.name_edit = QComboBox()
        self.name_edit.setEditable(True)
        self.name_edit.addItems(physicians)
        self.name_edit.setCurrentIndex(-1)
        self.name_edit.lineEdit().setPlaceholderText("The physician's name, e.g. A. Mensah")
        self.name_edit.lineEdit().setMaxLength(120)
        self.add_field("Physician's &name:", self.name_edit)
        if not accounts:
            # Nobody can sign in: only the nurse's record is possible, and whose account records it is said.
            self.here.setEnabled(False)
            self.here.setToolTip("No staff accounts exist on this system yet, so no physician can sign in.")
            self.outer.insertWidget(2, controls.label(
                "No staff accounts exist yet: this is recorded under the workstation's account.", role="help"))
        group.buttonToggled.connect(self._follow_choice)
        (self.here if accounts else self.word).setChecked(True)
        self._follow_choice()

    def _follow_choice(self, *_args: object) -> None:
        here = self.here.isChecked()
        for widget in (self.id_edit, self.pin_edit):
            self.form.setRowVisible(widget, here)
        self.form.setRowVisible(self.name_edit, not here)
        self.initial_focus = self.id_edit if here else self.name_edit
        if self.isVisible():
            self.initial_focus.setFocus()
        self.show_problem("")

    def show_problem(self, text: str) -> None:
        super().show_problem(text)
        needed = self.layout().totalHeightForWidth(self.width())  # a wrapped problem line needs room
        if needed > self.height():
            self.resize(self.width(), needed)

    def on_primary(self) -> None:
        try:
            if self.here.isChecked():
                staff_id, pin = self.id_edit.text().strip(), self.pin_edit.text()
                if not staff_id or not pin:
                    self.show_problem("Enter the physician's own staff ID and PIN.")
                    return
                self.result_value = self.in_person(staff_id, pin)
            else:
                name = self.name_edit.currentText().strip()
                if len(name) < 3:
                    self.show_problem("Type the physician's name (at least 3 characters), for example A. Mensah.")
                    self.name_edit.setFocus()
                    return
                self.result_value = self.on_word(name)
        except ChecklistError as exc:
            self.pin_edit.clear()
            self.show_problem(str(exc))
            (self.pin_edit if self.here.isChecked() else self.name_edit).setFocus()
            return
        self.accept()


def attest(parent: QWidget, checklist: OpenChecklist, item_id: str) -> bool:
    """Ask who attests the ticked statement ``item_id`` and record it; False when cancelled or refused."""
    session = checklist.session
    accounts = bool(session.store.active_staff())
    nurse = session.user_display() if session.user is not None or not accounts else "you (asked to sign in)"

    def on_word(name: str) -> Attestation:
        if not someone_acts(parent, checklist):
            raise ChecklistError("Nobody signed in, so nothing was recorded. Sign in with your own ID and PIN.")
        return checklist.attest_on_word(item_id, name)

    dialog_result = AttestationDialog.ask(
        parent, session.form.item(item_id).label, nurse=nurse, physicians=session.store.physician_names(),
        accounts=accounts, in_person=lambda staff_id, pin: checklist.attest_in_person(item_id, staff_id, pin),
        on_word=on_word)
    return dialog_result is not None
