"""The chart connection is a site setting an administrator edits (Settings, Chart connection), kept in the shared
site settings on SQLite and PostgreSQL: the bearer token and the SMART key are sealed with the site secret, so
no table row holds them in clear and no log line shows them; another workstation reads the settings and pulls
with the token; signing queues for the destinations set there; a bad URL or port is refused beside the field
that holds it; without the site secret no secret is stored; the environment still overrides for IT."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import fhir_server
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from importing_helpers import FORM, INDEX, NOW, example
from PySide6.QtCore import Qt
from signing import sign_clean
from sqlalchemy import select

from checklist_app.domain.chart_connection import ChartConnection
from checklist_app.ehr import chart_secrets, export_config, pull
from checklist_app.ehr.chart_secrets import ChartSecretError
from checklist_app.ehr.sender import ChartSender
from checklist_app.pdf import certificates
from checklist_app.storage import Database, outbox, tables
from checklist_app.storage.site_store import latest_settings
from checklist_app.ui.settings.dialog import SettingsDialog
from checklist_app.workflows.site_settings import load_effective_site

# The offscreen platform's one harmless message when a dialog is sized (as tests/ui/conftest.py explains).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support ")
SECRET = "the-site-secret-for-these-tests-0123456789"
TOKEN = "bearer-Zq8xW-never-stored-in-clear"


@pytest.fixture
def site_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(certificates.SITE_SECRET_FILE_ENV, raising=False)
    monkeypatch.setenv(certificates.SITE_SECRET_ENV, SECRET)
    for name in (outbox.FHIR_BASE_URL_ENV, outbox.HL7_MLLP_ENV, pull.IMPORT_URL_ENV, export_config.FHIR_TOKEN_FILE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(export_config.MRN_SYSTEM_ENV, "http://hospital.example.org/mrn")
    yield
    outbox.use_site_chart(ChartConnection())


def _dialog(qtbot: Any, db: Database, workstation: Path) -> SettingsDialog:
    dialog = SettingsDialog(None, load_effective_site(workstation, db), workstation, db, "md1")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _everything_stored(db: Database) -> str:
    with db.read() as conn:
        return "\n".join(repr(row) for table in tables.metadata.sorted_tables
                         for row in conn.execute(select(table)).all())


def _pem() -> str:
    key = ec.generate_private_key(ec.SECP384R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_the_connection_is_a_shared_site_setting_with_its_secrets_sealed(qtbot, db, tmp_path, site_secret, caplog):
    caplog.set_level(logging.DEBUG)
    pem = _pem()
    (tmp_path / "client.pem").write_text(pem)
    with fhir_server.running() as server:
        server.load(example("okafor-apixaban-recent"))
        dialog = _dialog(qtbot, db, tmp_path / "bay1")  # its database is elsewhere: shared
        page = dialog.chart_page
        page.url_edit.setText(server.url)
        page.token_edit.setText(TOKEN)
        page.read_key(tmp_path / "client.pem")  # kept for a later switch to SMART, sealed too
        page.mllp_host_edit.setText("engine.example.org")
        page.mllp_port_spin.setValue(2575)
        page.tls_check.setChecked(False)  # a test server on this machine
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        assert dialog.result_value is not None, dialog.problem.text_label.text()
        stored = _everything_stored(db)
        assert "site_settings_changed" in stored or latest_settings(db) is not None
        pem_body = pem.splitlines()[1]
        assert TOKEN not in stored and pem_body not in stored and "sealed:v1:" in stored
        # Another workstation reads the same settings, and pulls with the token it opens.
        chart = load_effective_site(tmp_path / "bay2", db).chart
        assert chart.fhir_base_url == server.url and chart.bearer_token.startswith("sealed:v1:")
        assert (chart.mllp_host, chart.mllp_port) == ("engine.example.org", 2575)
        outbox.use_site_chart(chart)
        assert outbox.configured_kinds() == (outbox.FHIR, outbox.HL7)  # signing now queues both
        source = pull.pull_source()
        result = pull.pull_patient(source, "MRN-204811", FORM, INDEX, today=NOW.date())
        assert result.patient is not None and result.patient.mrn == "MRN-204811"
        assert set(server.authorizations) == {f"Bearer {TOKEN}"}
        assert export_config.fhir_destination().token() == TOKEN
        # A checklist signed now is queued for the site's destinations and sent with the sealed token.
        version, _pdfs = sign_clean(db)
        assert {i.kind for i in outbox.items(db, version_id=version.version_id)} == {outbox.FHIR, outbox.HL7}
        sent = ChartSender(db, fhir=export_config.fhir_destination()).send_due()
        assert [o.delivered for o in sent] == [True] and server.post_authorizations == [f"Bearer {TOKEN}"]
        assert export_config.mllp_destination().describe() == "HL7 v2 MLLP engine.example.org:2575"
        assert pull.SmartClient("c", None, "https://x/token", sealed_key=chart.smart_key).key_pem().decode() == pem
    assert TOKEN not in caplog.text and pem_body not in caplog.text


@pytest.mark.parametrize(("field", "value", "words"), [
    ("fhir_base_url", "https://ehr.example.org:99999/fhir", "The port in the URL must be a number from 1 to 65535"),
    ("fhir_base_url", "https://it:pw@ehr.example.org/fhir", "Must not carry a user, password"),
    ("fhir_base_url", "ehr.example.org/fhir", "Must be an http(s) URL"),
    ("smart_token_url", "ftp://ehr.example.org/token", "Must be an http(s) URL"),
    ("mllp_port", "engine.example.org", "Give the MLLP listener's port"),
    ("tls_verify", "https://ehr.example.org/fhir", "Switch TLS verification off only for a test server"),
])
def test_a_bad_url_or_port_is_refused_beside_its_field_and_nothing_is_saved(qtbot, db, tmp_path, site_secret,
                                                                            field, value, words):
    dialog = _dialog(qtbot, db, tmp_path / "bay1")
    page = dialog.chart_page
    if field == "smart_token_url":
        page.url_edit.setText("https://ehr.example.org/fhir")
        page.auth_combo.setCurrentIndex(1)
        page.client_edit.setText("checklist-app")
        page.token_url_edit.setText(value)
    elif field == "mllp_port":
        page.mllp_host_edit.setText(value)
    elif field == "tls_verify":
        page.url_edit.setText(value)
        page.tls_check.setChecked(False)
    else:
        page.url_edit.setText(value)
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value is None and latest_settings(db) is None
    assert page.problems[field].isVisible() and page.problems[field].text().startswith(words)
    assert dialog.tabs.currentWidget() is page and "chart connection" in dialog.problem.text_label.text()
    qtbot.wait(50)
    shown = page.problems[field]
    assert shown.height() >= shown.heightForWidth(shown.width())  # the whole sentence, not cut off


def test_each_mnemonic_on_the_chart_page_is_unique_among_what_is_visible_with_it(qtbot, db, tmp_path, site_secret):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    dialog = _dialog(qtbot, db, tmp_path / "bay1")
    dialog.tabs.setCurrentWidget(dialog.chart_page)
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
             if w.isVisible() and "&" in w.text()]
    texts += [dialog.tabs.tabText(n) for n in range(dialog.tabs.count())]
    letters = [t[t.index("&") + 1].lower() for t in texts]
    assert len(letters) == len(set(letters)), sorted(zip(letters, texts, strict=True))


def test_without_the_site_secret_no_secret_is_stored(qtbot, db, tmp_path, site_secret, monkeypatch):
    monkeypatch.delenv(certificates.SITE_SECRET_ENV)
    dialog = _dialog(qtbot, db, tmp_path / "bay1")
    dialog.chart_page.url_edit.setText("https://ehr.example.org/fhir")
    dialog.chart_page.token_edit.setText(TOKEN)
    qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
    assert dialog.result_value is None and latest_settings(db) is None
    said = dialog.chart_page.problems["bearer_token"].text()
    assert "cannot be kept sealed" in said and certificates.SITE_SECRET_FILE_ENV in said and TOKEN not in said


def test_a_clear_secret_is_refused_by_the_model_and_another_sites_secret_does_not_open(site_secret, monkeypatch):
    with pytest.raises(ValueError, match="stored only sealed"):
        ChartConnection(fhir_base_url="https://ehr.example.org/fhir", bearer_token=TOKEN)
    sealed = chart_secrets.seal("bearer_token", TOKEN)
    with pytest.raises(ChartSecretError, match="does not open"):
        chart_secrets.unseal("smart_key", sealed)  # bound to its field
    monkeypatch.setenv(certificates.SITE_SECRET_ENV, "another-site-secret-0123456789")
    with pytest.raises(ChartSecretError, match="does not open") as refused:
        chart_secrets.unseal("bearer_token", sealed)
    assert TOKEN not in str(refused.value)


def test_the_environment_overrides_the_site_setting_for_it(site_secret, monkeypatch):
    outbox.use_site_chart(ChartConnection(fhir_base_url="https://ehr.example.org/fhir",
                                          bearer_token=chart_secrets.seal("bearer_token", TOKEN)))
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, "https://test-ehr.example.org/fhir")
    assert export_config.fhir_destination().base_url == "https://test-ehr.example.org/fhir"
    assert pull.pull_source().base_url == "https://test-ehr.example.org/fhir"
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, "https://ehr.example.org:0/fhir")
    with pytest.raises(export_config.ExportConfigError, match=outbox.FHIR_BASE_URL_ENV):
        export_config.fhir_destination()


def test_saving_a_chart_connection_in_the_running_app_starts_sending(qtbot, tmp_path, site_secret, monkeypatch):
    from checklist_app.storage import add_staff
    from checklist_app.ui.context import AppContext
    from checklist_app.ui.settings import dialog as settings_dialog
    from checklist_app.workflows.site_settings import save_site_settings
    from checklist_app.workflows.store import ChecklistStore

    folder = tmp_path / "data"
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(folder))
    monkeypatch.delenv("CHECKLIST_APP_DATABASE_URL", raising=False)
    store = ChecklistStore.open(folder)
    add_staff(store.db, "admin1", "Ada Admin", "IT", "admin", "2468", actor="test")
    ctx = AppContext(store)
    try:
        ctx.send_to_chart()
        assert ctx._chart_sender is None  # nothing to send to yet
        admin = store.staff("admin1")
        monkeypatch.setattr(settings_dialog.CredentialsDialog, "ask", classmethod(lambda cls, *a, **k: admin))
        monkeypatch.setattr(settings_dialog.SettingsDialog, "ask", classmethod(
            lambda cls, parent, site, data_dir, db, staff_id: save_site_settings(
                data_dir, {"chart": {"fhir_base_url": "http://127.0.0.1:9/fhir"}}, db=db, staff_id=staff_id)))
        monkeypatch.setattr(settings_dialog.messages, "show_message", lambda *a, **k: None)
        assert settings_dialog.open_settings(None, ctx) is not None
        assert ctx.site.chart.fhir_base_url == "http://127.0.0.1:9/fhir"
        assert ctx._chart_sender is not None and ctx._chart_sender.kinds == (outbox.FHIR,)
    finally:
        ctx.close()


def test_a_running_sender_follows_a_changed_connection(db, site_secret) -> None:
    with fhir_server.running() as first, fhir_server.running() as second:
        outbox.use_site_chart(ChartConnection(fhir_base_url=first.url))
        sender = ChartSender.configured(db)
        sign_clean(db, "first-one")
        assert [o.delivered for o in sender.send_due()] == [True] and first.creates
        outbox.use_site_chart(ChartConnection(fhir_base_url=second.url))  # the administrator moved it
        sign_clean(db, "second-one")
        assert [o.delivered for o in sender.send_due()] == [True] and second.creates["QuestionnaireResponse"] == 1
        assert first.creates["QuestionnaireResponse"] == 1
