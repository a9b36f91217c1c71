"""Site settings for the administrator: facility name and logo, phone numbers, default policy, idle-lock
minutes and printer. Saved to ``site.yaml`` in the data folder on a lone workstation, or as a new version in
the shared database for every workstation (see ``workflows.site_settings``); the app reads them at start
and after saving. The dialog says which, above the fields. Problems are shown beside the field they concern
(Picard's options); a save refused because another administrator saved meanwhile is shown at the top.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QLineEdit, QSpinBox, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.site import SiteSettings
from checklist_app.storage.staff import StaffMember, require_role
from checklist_app.ui import controls, messages
from checklist_app.ui.dialogs.base import FormDialog
from checklist_app.ui.settings.chart_page import ChartPage
from checklist_app.ui.settings.credentials_dialog import CredentialsDialog
from checklist_app.workflows.site_settings import (
    available_policies,
    field_problems,
    save_site_settings,
    settings_place,
    site_file,
)

if TYPE_CHECKING:
    from checklist_app.storage.database import Database
    from checklist_app.ui.context import AppContext


def printer_names() -> list[str]:
    """The printers this workstation knows ('' is the system default)."""
    from PySide6.QtPrintSupport import QPrinterInfo

    return [""] + sorted(QPrinterInfo.availablePrinterNames())


class SettingsDialog(FormDialog):
    """``ask`` returns the saved ``SiteSettings``."""

    primary_text = "&Save settings"

    def __init__(self, parent: QWidget | None, site: SiteSettings, data_dir: Path, db: Database | None = None,
                 admin: str = "") -> None:
        # Read once, when the dialog opens: a save is based on this version, and refused if another
        # administrator saved a newer one meanwhile.
        self.place = settings_place(data_dir, db)
        super().__init__(parent, "Site settings", self.place.description)
        self.data_dir, self.db, self.admin = data_dir, db, admin
        self.setMinimumWidth(680)
        self.fields: dict[str, QWidget] = {}
        self.problems: dict[str, QLabel] = {}
        self.logo_edit = QLineEdit(site.logo)
        logo_row = QWidget()
        logo_row.setLayout(controls.hbox(self.logo_edit, controls.button("C&hoose...", self._choose_logo,
                                                                       name="Choose a logo file")))
        self.policy_combo = QComboBox()
        self.policy_combo.addItems(available_policies())
        self.policy_combo.setCurrentText(site.default_policy)
        self.lock_spin = QSpinBox()
        self.lock_spin.setRange(1, 120)
        self.lock_spin.setSuffix(" minutes")
        self.lock_spin.setValue(site.idle_lock_minutes)
        self.printer_combo = QComboBox()
        self.printer_combo.setEditable(True)
        self.printer_combo.addItems(printer_names())
        self.printer_combo.setCurrentText(site.printer)
        rows: list[tuple[str, str, QWidget, QWidget | None]] = [
            ("facility_name", "&Facility name:", QLineEdit(site.facility_name), None),
            ("logo", "&Logo (PNG or JPEG):", self.logo_edit, logo_row),
            ("clinic_phone", "&Clinic phone:", QLineEdit(site.clinic_phone), None),
            ("after_hours_phone", "&After-hours phone:", QLineEdit(site.after_hours_phone), None),
            ("emergency_number", "&Emergency number:", QLineEdit(site.emergency_number), None),
            ("default_policy", "Default &policy:", self.policy_combo, None),
            ("idle_lock_minutes", "Lock when &idle after:", self.lock_spin, None),
            ("printer", "P&rinter (empty: system default):", self.printer_combo, None),
        ]
        for name, text, widget, shown in rows:
            widget.setAccessibleName(controls.plain(text).rstrip(":"))
            problem = controls.label("", role="problem", name=f"{controls.plain(text)} problem")
            problem.hide()
            box = QWidget()
            layout = controls.vbox(box, spacing=2)
            layout.addWidget(shown or widget)
            layout.addWidget(problem)
            caption = self.add_field(text, box)
            self.form.labelForField(caption).setBuddy(widget)
            self.fields[name] = widget
            self.problems[name] = problem
        self.chart_page = ChartPage.add_to(self, site)

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the facility logo", "", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo_edit.setText(path)

    def values(self) -> dict[str, Any]:
        """The values as typed."""
        out: dict[str, Any] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, QSpinBox):
                out[name] = widget.value()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentText().strip()
            else:
                out[name] = widget.text().strip()  # type: ignore[attr-defined]
        return out

    def on_primary(self) -> None:
        values = self.values()
        problems = field_problems(values)
        for name, label in self.problems.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        if problems:
            self.tabs.setCurrentIndex(0)
            self.show_problem("Correct the fields marked below.")
            self.fields[next(iter(problems))].setFocus()
            return
        chart = self.chart_page.checked_value()
        if chart is None:
            return
        values["chart"] = chart
        if not self.place.shared:  # on a shared database the logo's bytes are kept there instead
            values["logo"] = self._copy_logo(values["logo"])
        try:
            self.result_value = save_site_settings(self.data_dir, values, db=self.db, staff_id=self.admin,
                                                   based_on=self.place)
        except ChecklistError as exc:
            self.show_problem(str(exc))
            return
        self.accept()

    def _copy_logo(self, path: str) -> str:
        """Keep the logo in the data folder, so the settings never point at a file that moves away."""
        if not path:
            return ""
        source = Path(path)
        target = self.data_dir / f"site-logo{source.suffix.lower()}"
        if source.resolve() != target.resolve():
            shutil.copyfile(source, target)
        return str(target)


def open_settings(parent: QWidget, ctx: AppContext) -> SiteSettings | None:
    """Ask an administrator's ID and PIN, then show the settings; apply them when saved."""
    if not any(m.role == "admin" for m in ctx.store.active_staff()):
        messages.show_message(parent, "Site settings", messages.text("settings.no_admin"))
        return None

    def verify(staff_id: str, pin: str) -> StaffMember:
        member = ctx.store.verify(staff_id, pin, purpose="settings")
        require_role(member, ("admin",), "change the site settings")
        return member

    admin = CredentialsDialog.ask(parent, "Site settings", messages.text("settings.admin_only"), verify)
    if admin is None:
        return None
    saved = SettingsDialog.ask(parent, ctx.site, ctx.store.data_dir, ctx.store.db, admin.staff_id)
    if saved is not None:
        ctx.reload_site()
        ctx.send_to_chart()  # a chart connection set just now starts sending without a restart
        place = settings_place(ctx.store.data_dir, ctx.store.db)
        saved_to = (f"the shared database (version {place.version.version_no}), for every workstation"
                    if place.version is not None else site_file(ctx.store.data_dir))
        messages.show_message(parent, "Site settings", messages.text("settings.saved", path=saved_to))
    return saved
