"""The patient banner across the top of the checklist window: who this is and what is planned.

It stays on top whatever section is open: name, date of birth and age, MRN, procedure and levels, the
scheduled start, an allergy badge, and the checklist's overall status (icon and words). It is filled
from the answers after every change, so a corrected MRN shows at once. It never goes into a window
title, where the taskbar and screen-sharing would show it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from checklist_app.domain import conventions
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.timeutil import aware
from checklist_app.domain.typed_time import describe_moment
from checklist_app.ui import controls, messages, theme
from checklist_app.workflows.section_state import STATE_ICONS

STATUS_ROLES = {"hard_stop": "badge-stop", "signed_not_cleared": "badge-stop", "warnings": "badge-warn",
                "ready": "badge-ok", "signed": "badge-ok", "printed": "badge-ok", "draft": "badge-neutral"}


class PatientBanner(QFrame):
    """Name, DOB, MRN, procedure and level, start time, allergies and status."""

    def __init__(self, form: FormDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.setObjectName("patient_banner")
        theme.set_role(self, "banner")
        self.setAccessibleName("Patient banner")
        grid = QGridLayout(self)
        grid.setContentsMargins(theme.MARGIN + 4, 10, theme.MARGIN + 4, 10)
        grid.setHorizontalSpacing(theme.SPACING * 3)
        grid.setVerticalSpacing(4)
        self.name_label = controls.label("", role="banner-name", selectable=True)
        self.details_label = controls.label("", selectable=True)
        self.procedure_label = controls.label("", selectable=True)
        self.allergy_icon = QLabel()
        self.allergy_label = controls.label("", wrap=True)
        self.status_icon = QLabel()
        self.status_label = controls.label("", wrap=False)
        self._icons: dict[int, str] = {}  # id(icon label) -> the icon it shows
        grid.addWidget(self.name_label, 0, 0)
        grid.addWidget(self.details_label, 1, 0)
        grid.addWidget(self.procedure_label, 0, 1, 2, 1)
        # The icon beside its badge (a stretch after them, not between), named like the badge: on its own, far
        # from the words, it read as an unexplained sign by the scheduled time.
        allergy = controls.hbox(self.allergy_icon, self.allergy_label, None, spacing=6)
        grid.addLayout(allergy, 0, 2, 2, 1)
        status = controls.hbox(self.status_icon, self.status_label, None, spacing=6)
        grid.addLayout(status, 0, 3, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 3)
        grid.setColumnMinimumWidth(3, self._widest_typing_status() + 22 + 6)

    def _widest_typing_status(self) -> int:
        # Typing flips the status between these; if each flip changed the status column's width, it would
        # move every other label of the banner by a pixel, so all of them would be laid out and painted again
        # on a keystroke. The column keeps the room of the widest (signed states may widen it, once).
        widths = []
        for status in ("draft", "warnings", "hard_stop", "ready"):
            self.status_label.setText(messages.text(f"states.{status}"))
        if self.status_icon.toolTip() != self.status_label.text():
            self.status_icon.setToolTip(self.status_label.text())
            self.status_icon.setAccessibleName(self.status_label.text())
            theme.set_role(self.status_label, STATUS_ROLES[status])
            widths.append(self.status_label.sizeHint().width())
        return max(widths)

    def _label(self, item_id: str, value: Any) -> str:
        if value is None or not self.form.has_item(item_id):
            return ""
        item = self.form.item(item_id)
        if hasattr(item, "option_label"):
            if isinstance(value, list):
                return ", ".join(item.option_label(v) for v in value)
            return item.option_label(value)
        return str(value)

    def update_from(self, answers: dict[str, Any], status: str, now: datetime) -> None:
        """Refresh from the current answers and overall status."""
        name = answers.get("patient_name") or "New patient (name not entered yet)"
        self.name_label.setText(str(name))
        born = answers.get("date_of_birth")
        today = aware(now).astimezone().date()
        if isinstance(born, date):
            years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            dob = f"DOB\u00a0{conventions.format_date(born)}\u00a0({years}\u00a0y)"
        else:
            dob = "DOB\u00a0-"
        # No-break spaces: a narrow banner wraps between the two identifiers, never inside one.
        self.details_label.setText(f"{dob}    MRN\u00a0{answers.get('mrn') or '-'}")
        procedure = self._label("procedure_type", answers.get("procedure_type")) or "Procedure -"
        levels = ", ".join(answers.get("levels") or []) or "-"
        start = answers.get("scheduled_start")
        when = describe_moment(start, now) if isinstance(start, datetime) else "-"
        self.procedure_label.setText(f"{procedure}, level {levels}\nScheduled {when}")
        self._update_allergies(answers.get("allergies"))
        self._set_icon(self.status_icon, STATE_ICONS.get(status, "draft"))
        self.status_label.setText(messages.text(f"states.{status}"))
        if self.status_icon.toolTip() != self.status_label.text():
            self.status_icon.setToolTip(self.status_label.text())
            self.status_icon.setAccessibleName(self.status_label.text())
        theme.set_role(self.status_label, STATUS_ROLES.get(status, "badge-neutral"))
        description = " ".join([self.name_label.text(), dob, self.procedure_label.text(), self.allergy_label.text(),
                                self.status_label.text()])
        if description != self.accessibleDescription():
            self.setAccessibleDescription(description)

    def _set_icon(self, label: QLabel, name: str) -> None:
        # Called on every keystroke; a new pixmap repaints the label even when it is the same icon (setText
        # and set_role already do nothing when nothing changed).
        if self._icons.get(id(label)) != name:
            self._icons[id(label)] = name
            label.setPixmap(theme.pixmap(name, 22))

    def _update_allergies(self, allergies: Any) -> None:
        if allergies is None:
            text, role, icon = "Allergies not recorded", "badge-warn", "state-warning"
        elif not allergies:
            text, role, icon = "No known allergies", "badge-neutral", "state-complete"
        else:
            names = [self._label_in_list(entry) for entry in allergies]
            text, role, icon = "ALLERGIES: " + "; ".join(names), "badge-stop", "allergy"
        self.allergy_label.setText(text)
        if self.allergy_label.accessibleName() != text:
            self.allergy_label.setAccessibleName(text)
            self.allergy_icon.setAccessibleName(text)
            self.allergy_icon.setToolTip(text)
        theme.set_role(self.allergy_label, role)
        self._set_icon(self.allergy_icon, icon)

    def _label_in_list(self, entry: dict[str, Any]) -> str:
        item = self.form.item("allergies")
        substance = entry.get("substance")
        field = item.field("substance") if hasattr(item, "field") else None
        text = field.option_label(substance) if field is not None and substance else "?"
        if entry.get("details"):
            text += f" ({entry['details']})"
        return text
