"""Settings, Chart connection: how the site reaches the hospital's chart (FHIR server and its sign-in, the
HL7 v2 MLLP listener for sites without FHIR, TLS). A page beside the site page in the Settings dialog; what it
holds is saved with the other site settings (``SiteSettings.chart``), for every workstation when they share a
database.

Secrets are never shown and never stored in clear: a bearer token typed here, or the SMART client's private
key read from its PEM file, is sealed with the site secret (``ehr.chart_secrets``) when Save is pressed; the
field then stays empty, saying a secret is stored. A problem is shown beside the field it concerns.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from checklist_app.domain.chart_connection import ChartConnection
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.site import SiteSettings
from checklist_app.ui import controls, theme

AUTH_KINDS = {"bearer": "Bearer token", "smart": "SMART Backend Services (client credentials)"}
# The environment IT may set on one workstation; it comes before these settings there.
OVERRIDES = ("CHECKLIST_APP_FHIR_BASE_URL", "CHECKLIST_APP_FHIR_IMPORT_URL", "CHECKLIST_APP_FHIR_TOKEN_FILE",
             "CHECKLIST_APP_FHIR_SMART_CLIENT_ID", "CHECKLIST_APP_HL7_MLLP")


class ChartPage(QWidget):
    """The chart connection's fields; ``checked_value`` gives what to save, secrets sealed."""

    @classmethod
    def add_to(cls, dialog: Any, site: SiteSettings) -> ChartPage:
        """Put the dialog's own fields on a "Site" tab and this page on a "Chart connection" tab beside it."""
        page = cls(site.chart, dialog)
        index = next(n for n in range(dialog.outer.count()) if dialog.outer.itemAt(n).layout() is dialog.form)
        dialog.outer.removeItem(dialog.form)
        dialog.form.setParent(None)
        site_tab = QWidget()
        site_tab.setLayout(dialog.form)
        tabs = QTabWidget(dialog)
        # Mnemonics: the tab bar and Save are always visible, so no field on either tab shares their letters.
        tabs.addTab(site_tab, "Si&te")
        tabs.addTab(page, "Chart co&nnection")
        tabs.setAccessibleName("Settings pages")
        dialog.outer.insertWidget(index, tabs)
        dialog.tabs = tabs
        return page

    def __init__(self, chart: ChartConnection, dialog: Any) -> None:
        super().__init__()
        self.chart, self.dialog = chart, dialog
        self.new_key_pem = ""  # a private key read from its file, sealed at Save
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(theme.SPACING + 2)
        intro = controls.label("For IT: where signed checklists are sent and patient data is read from. Leave the "
                               "server and the MLLP host empty to exchange nothing with the chart. Secrets are "
                               "sealed with the site secret before they are stored, and never shown again.",
                               role="help")
        form.addRow(intro)
        overridden = [name for name in OVERRIDES if os.environ.get(name, "").strip()]
        if overridden:
            form.addRow(controls.label("On this workstation the environment overrides: " + ", ".join(overridden),
                                       role="help"))
        self.fields: dict[str, QWidget] = {}
        self.problems: dict[str, QLabel] = {}
        self.url_edit = QLineEdit(chart.fhir_base_url)
        self.url_edit.setPlaceholderText("https://ehr.example.org/fhir")
        self.auth_combo = QComboBox()
        for key, text in AUTH_KINDS.items():
            self.auth_combo.addItem(text, key)
        self.auth_combo.setCurrentIndex(list(AUTH_KINDS).index(chart.auth))
        self.token_edit = self._secret_edit(chart.bearer_token, "the token IT was given")
        self.client_edit = QLineEdit(chart.smart_client_id)
        self.token_url_edit = QLineEdit(chart.smart_token_url)
        self.token_url_edit.setPlaceholderText("https://ehr.example.org/oauth2/token")
        self.key_label = controls.label(self._key_text(), role="help")
        key_row = QWidget()
        key_row.setLayout(controls.hbox(self.key_label, controls.button("Choose PEM &file...", self._choose_key,
                                                                        name="Choose the SMART private key file")))
        self.kid_edit = QLineEdit(chart.smart_key_id)
        self.mllp_host_edit = QLineEdit(chart.mllp_host)
        self.mllp_host_edit.setPlaceholderText("engine.example.org (sites without FHIR)")
        self.mllp_port_spin = QSpinBox()
        self.mllp_port_spin.setRange(0, 65535)
        self.mllp_port_spin.setSpecialValueText("none")
        self.mllp_port_spin.setValue(chart.mllp_port)
        self.tls_check = QCheckBox("&Verify the servers' certificates")
        self.tls_check.setToolTip("Switch off only for a test server on this machine")
        self.tls_check.setChecked(chart.tls_verify)
        rows: list[tuple[str, str, QWidget, QWidget | None]] = [
            ("fhir_base_url", "FHIR server base &URL:", self.url_edit, None),
            ("auth", "Sign-&in:", self.auth_combo, None),
            ("bearer_token", "&Bearer token:", self.token_edit, None),
            ("smart_client_id", "SMART &client id:", self.client_edit, None),
            ("smart_token_url", "SMART t&oken URL:", self.token_url_edit, None),
            ("smart_key", "SMART private &key:", self.key_label, key_row),
            ("smart_key_id", "SMART key I&D (kid):", self.kid_edit, None),
            ("mllp_host", "HL7 v2 &MLLP host:", self.mllp_host_edit, None),
            ("mllp_port", "MLLP &port:", self.mllp_port_spin, None),
            ("tls_verify", "TLS:", self.tls_check, None),
        ]
        for name, text, widget, shown in rows:
            widget.setAccessibleName(controls.plain(text).rstrip(":"))
            problem = controls.label("", role="problem", name=f"{controls.plain(text)} problem")
            problem.setObjectName(f"chart_problem_{name}")
            problem.hide()
            box = QWidget()
            layout = controls.vbox(box, spacing=2)
            layout.addWidget(shown or widget)
            layout.addWidget(problem)
            caption = QLabel(text)
            caption.setBuddy(widget)
            theme.set_role(caption, "item-label")
            form.addRow(caption, box)
            self.fields[name] = widget
            self.problems[name] = problem
        self.auth_combo.currentIndexChanged.connect(self._show_auth)
        self._show_auth()

    def _secret_edit(self, sealed: str, wanted: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setPlaceholderText("stored, sealed: type a new one to replace it" if sealed else wanted)
        return edit

    def _key_text(self) -> str:
        if self.new_key_pem:
            return "A new key is read; it is sealed when you save."
        return "A key is stored, sealed." if self.chart.smart_key else "No key yet."

    def _show_auth(self) -> None:
        smart = self.auth_combo.currentData() == "smart"
        for name in ("smart_client_id", "smart_token_url", "smart_key", "smart_key_id"):
            self.fields[name].parentWidget().setEnabled(smart)
        self.fields["bearer_token"].parentWidget().setEnabled(not smart)

    def _choose_key(self) -> None:
        path = self.ask_key_file(self)
        if path is not None:
            self.read_key(path)

    @classmethod
    def ask_key_file(cls, parent: QWidget) -> Path | None:
        """The SMART client's private key file, or None."""
        name, _ = QFileDialog.getOpenFileName(parent, "Choose the SMART client's private key", "",
                                              "PEM private key (*.pem *.key)")
        return Path(name) if name else None

    def read_key(self, path: Path) -> None:
        """Hold the private key from ``path`` until Save seals it; a file that is no key says so beside it."""
        from cryptography.hazmat.primitives import serialization

        try:
            pem = path.read_bytes()
            serialization.load_pem_private_key(pem, password=None)
        except (OSError, ValueError, TypeError):
            self._say({"smart_key": f"{path.name} is not an unencrypted PEM private key (RSA, or EC P-384)."})
            return
        self.new_key_pem = pem.decode()
        self.key_label.setText(self._key_text())
        self._say({})

    def _say(self, problems: dict[str, str]) -> None:
        for name, label in self.problems.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        # Wrapped problem lines need height the dialog did not have when it was shown.
        layout = self.dialog.layout()
        self.dialog.resize(self.dialog.width(), max(self.dialog.height(), layout.totalHeightForWidth(
            self.dialog.width()), layout.totalSizeHint().height()))

    def checked_value(self) -> dict[str, Any] | None:
        """The connection to save (secrets sealed), or None with the problems shown beside their fields."""
        from checklist_app.ehr.chart_secrets import seal

        values: dict[str, Any] = {
            "fhir_base_url": self.url_edit.text().strip(), "auth": self.auth_combo.currentData(),
            "bearer_token": self.chart.bearer_token, "smart_client_id": self.client_edit.text().strip(),
            "smart_token_url": self.token_url_edit.text().strip(), "smart_key": self.chart.smart_key,
            "smart_key_id": self.kid_edit.text().strip(), "mllp_host": self.mllp_host_edit.text().strip(),
            "mllp_port": self.mllp_port_spin.value(), "tls_verify": self.tls_check.isChecked()}
        problems: dict[str, str] = {}
        for name, clear in (("bearer_token", self.token_edit.text().strip()), ("smart_key", self.new_key_pem)):
            if clear:
                try:
                    values[name] = seal(name, clear)
                except ChecklistError as exc:
                    problems[name] = str(exc)
        if not problems:
            try:
                ChartConnection.model_validate(values)
            except ValidationError as exc:
                problems = _field_problems(exc)
        self._say(problems)
        if problems:
            self.dialog.tabs.setCurrentWidget(self)
            self.dialog.show_problem("Correct the chart connection fields marked below.")
            self.fields[next(iter(problems))].setFocus()
            return None
        return values


def _field_problems(exc: ValidationError) -> dict[str, str]:
    """Field -> why, from the model's errors (a cross-field one names its field before a colon)."""
    problems: dict[str, str] = {}
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        name = str(error["loc"][0]) if error["loc"] else message.split(":", 1)[0]
        if name not in ChartConnection.model_fields:
            name = "fhir_base_url"
        problems.setdefault(name, message.split(": ", 1)[1] if message.startswith(f"{name}: ") else message)
    return {name: text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".") for name, text in problems.items()}
