"""Whom the chart connection trusts: TLS verification switched off in the settings applies only to a server on
this machine, even when a workstation's environment names another; the settings' sealed bearer token goes
only to the settings' own server; ``http://`` is refused for any host but this machine, in words naming the
field or variable. Real sockets: a FHIR server on localhost, and an HTTPS server with a certificate nobody
signed on this machine's network address."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path

import fhir_server
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from importing_helpers import FORM, INDEX, NOW, example

from checklist_app.domain.chart_connection import ChartConnection, url_problem
from checklist_app.ehr import chart_secrets, export_config, pull
from checklist_app.ehr.import_model import ImportRefused
from checklist_app.pdf import certificates
from checklist_app.storage import outbox

SECRET = "the-site-secret-for-these-tests-0123456789"
TOKEN = "bearer-settings-token-for-its-own-server"
MRN = "MRN-204811"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(certificates.SITE_SECRET_FILE_ENV, raising=False)
    monkeypatch.setenv(certificates.SITE_SECRET_ENV, SECRET)
    for name in (outbox.FHIR_BASE_URL_ENV, outbox.HL7_MLLP_ENV, pull.IMPORT_URL_ENV, export_config.FHIR_TOKEN_FILE_ENV,
                 export_config.FHIR_CA_FILE_ENV, pull.SMART_CLIENT_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(export_config.MRN_SYSTEM_ENV, "http://hospital.example.org/mrn")
    yield
    outbox.use_site_chart(ChartConnection())


# --- http only for this machine -------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://ehr.example.org/fhir", "http://10.1.2.3:8080/fhir", "http://[fd00::2]/fhir"])
def test_http_is_refused_for_a_server_elsewhere_naming_the_field_or_variable(environment, url, monkeypatch):
    assert "https://" in url_problem(url)
    with pytest.raises(ValueError, match="fhir_base_url") as refused:
        ChartConnection(fhir_base_url=url)
    assert "must start with https://" in str(refused.value)
    with pytest.raises(ValueError, match="smart_token_url"):
        ChartConnection(fhir_base_url="https://ehr.example.org/fhir", auth="smart", smart_client_id="c",
                        smart_token_url=url.replace("/fhir", "/token"))
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, url)
    with pytest.raises(export_config.ExportConfigError, match=f"{outbox.FHIR_BASE_URL_ENV} must start with https://"):
        export_config.fhir_destination()
    monkeypatch.setenv(pull.IMPORT_URL_ENV, url)
    with pytest.raises(export_config.ExportConfigError, match=f"{pull.IMPORT_URL_ENV} must start with https://"):
        pull.pull_source()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/fhir", "http://127.9.9.9/fhir", "http://localhost/fhir",
                                 "http://[::1]:8080/fhir", "https://ehr.example.org/fhir"])
def test_http_to_this_machine_and_https_anywhere_are_accepted(environment, url):
    assert url_problem(url) is None
    assert ChartConnection(fhir_base_url=url).fhir_base_url == url


# --- TLS verification off only for this machine -----------------------------------------------------------

@pytest.mark.parametrize("settings_url", ["", "http://127.0.0.1:9/fhir"])
def test_tls_off_in_the_settings_is_not_applied_to_a_server_the_environment_names_elsewhere(
        environment, settings_url, monkeypatch):
    outbox.use_site_chart(ChartConnection(fhir_base_url=settings_url, tls_verify=False))
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, "https://ehr.example.org/fhir")
    assert export_config.fhir_destination().tls_verify is True
    assert pull.pull_source().tls_verify is True
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, "https://localhost:8443/fhir")  # a test server here: as set
    assert export_config.fhir_destination().tls_verify is False and pull.pull_source().tls_verify is False


def _network_address() -> str | None:
    """This machine's address on its network (not loopback), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if ip_address(address).is_loopback or address == "0.0.0.0" else address


@contextmanager
def _https_server_nobody_signed(address: str, folder: Path) -> Iterator[tuple[str, list[str]]]:
    """An HTTPS server on ``address`` with a self-signed certificate; yields its FHIR base and the paths asked."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, address)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ip_address(address))]), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            asked.append(self.path)
            body = b'{"resourceType": "Bundle", "type": "searchset", "entry": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer((address, 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://{address}:{httpd.server_address[1]}/fhir", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_pull_from_a_server_elsewhere_checks_its_certificate_though_the_settings_switched_tls_off(
        environment, monkeypatch, tmp_path):
    address = _network_address()
    if address is None:
        pytest.skip("this machine has no network address other than loopback")
    outbox.use_site_chart(ChartConnection(tls_verify=False))  # accepted: no URL in the settings
    (tmp_path / "token").write_text("env-token\n")
    monkeypatch.setenv(export_config.FHIR_TOKEN_FILE_ENV, str(tmp_path / "token"))
    with _https_server_nobody_signed(address, tmp_path) as (url, asked):
        monkeypatch.setenv(pull.IMPORT_URL_ENV, url)
        with pytest.raises(ImportRefused, match="cannot be reached"):
            pull.pull_patient(pull.pull_source(), MRN, FORM, INDEX, today=NOW.date())
        assert asked == []  # refused at the handshake: no search, no token, went to a server nobody vouched for


# --- the settings' token only to the settings' server -----------------------------------------------------

def test_the_settings_token_goes_only_to_the_settings_server(environment, monkeypatch, tmp_path):
    with fhir_server.running() as own, fhir_server.running() as named:
        for server in (own, named):
            server.load(example("okafor-apixaban-recent"))
        outbox.use_site_chart(ChartConnection(fhir_base_url=own.url,
                                              bearer_token=chart_secrets.seal("bearer_token", TOKEN)))
        result = pull.pull_patient(pull.pull_source(), MRN, FORM, INDEX, today=NOW.date())
        assert result.patient is not None and set(own.authorizations) == {f"Bearer {TOKEN}"}
        assert export_config.fhir_destination().token() == TOKEN
        # A workstation's environment names another server: the settings' token is not sent there.
        monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, named.url)
        assert export_config.fhir_destination().token() is None
        with pytest.raises(ImportRefused, match=export_config.FHIR_TOKEN_FILE_ENV):
            pull.pull_patient(pull.pull_source(), MRN, FORM, INDEX, today=NOW.date())
        assert named.authorizations == [] and named.requests == []
        # ... it brings its own token instead.
        (tmp_path / "token").write_text("the-workstation-token\n")
        monkeypatch.setenv(export_config.FHIR_TOKEN_FILE_ENV, str(tmp_path / "token"))
        pull.pull_patient(pull.pull_source(), MRN, FORM, INDEX, today=NOW.date())
        assert set(named.authorizations) == {"Bearer the-workstation-token"}
        assert TOKEN not in repr(named.authorizations)
        # The environment naming the settings' own server keeps its token.
        monkeypatch.delenv(export_config.FHIR_TOKEN_FILE_ENV)
        monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, own.url + "/")
        assert export_config.fhir_destination().token() == TOKEN


def test_the_settings_smart_client_is_used_only_with_the_settings_server(environment, monkeypatch):
    key = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    outbox.use_site_chart(ChartConnection(fhir_base_url="https://ehr.example.org/fhir", auth="smart",
                                          smart_client_id="checklist-app", smart_token_url="https://ehr.example.org/token",
                                          smart_key=chart_secrets.seal("smart_key", key)))
    assert pull.pull_source().smart.client_id == "checklist-app"
    monkeypatch.setenv(pull.IMPORT_URL_ENV, "https://test-ehr.example.org/fhir")
    assert pull.pull_source().smart is None  # its access token would be sent to the other server
