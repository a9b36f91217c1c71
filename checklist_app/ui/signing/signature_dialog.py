"""The signing dialog: who signs (staff ID and PIN, checked now), what the signature means in words,
and an optional drawn signature. ``ask`` returns the stored ``SignedVersion`` or None.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QWidget

from checklist_app import storage
from checklist_app.domain.errors import ChecklistError, NotReadyToSignError
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.dialogs.base import FormDialog
from checklist_app.ui.signing.signature_pad import SignaturePad

Sign = Callable[[str, str, bytes | None], storage.SignedVersion]


class SignatureDialog(FormDialog):
    """Sign a checklist."""

    primary_text = "&Sign checklist"

    def __init__(self, parent: QWidget | None, *, signer_id: str, meaning: str, sign: Sign,
                 not_cleared: bool = False) -> None:
        super().__init__(parent, "Sign the checklist")
        self.sign = sign
        self.meaning = meaning
        self.setMinimumWidth(600)
        box = QFrame()
        theme.set_role(box, "card-hard_stop" if not_cleared else "card")
        inner = controls.vbox(box, spacing=4, margins=10)
        inner.addWidget(controls.label("What your signature means", role="item-label"))
        self.meaning_label = controls.label(meaning, selectable=True, name="Meaning of the signature")
        inner.addWidget(self.meaning_label)
        self.form.addRow(box)
        self.form.addRow(controls.label(messages.text("sign.statement"), role="help"))
        self.id_edit = controls.line_edit("Signer staff ID", max_length=64)
        self.id_edit.setText(signer_id)
        self.pin_edit = controls.line_edit("Signer PIN", password=True, max_length=128)
        self.add_field("Staff &ID:", self.id_edit)
        self.add_field("&PIN:", self.pin_edit)
        self.pad = SignaturePad()
        self.clear_button = controls.button("C&lear drawing", self.pad.clear)
        pad_box = QWidget()
        pad_layout = controls.vbox(pad_box, spacing=4)
        pad_layout.addWidget(self.pad)
        pad_layout.addLayout(controls.hbox(self.clear_button, None))
        self.form.addRow(controls.label("Drawn signature:", role="item-label"), pad_box)
        self.initial_focus = self.pin_edit if signer_id else self.id_edit

    def on_primary(self) -> None:
        staff_id, pin = self.id_edit.text().strip(), self.pin_edit.text()
        if not staff_id or not pin:
            self.show_problem("Enter your staff ID and PIN to sign.")
            (self.pin_edit if staff_id else self.id_edit).setFocus()
            return
        try:
            self.result_value = self.sign(staff_id, pin, self.pad.to_png())
        except NotReadyToSignError as exc:  # signing again cannot help: back to the checklist, and why
            self.reject()
            messages.show_error(self.parentWidget(), exc)
            return
        except ChecklistError as exc:
            self.pin_edit.clear()
            self.show_problem(str(exc))
            self.pin_edit.setFocus()
            return
        self.accept()
