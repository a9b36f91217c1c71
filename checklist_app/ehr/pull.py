"""Pulling a patient's data from the FHIR server by MRN (typed or scanned from the wristband). No Qt.

Settings: the site's chart connection (Settings, Chart connection: the base URL, a bearer token or a SMART
client whose private key is kept sealed with the site secret, TLS), which IT may override per workstation
with the environment, like the export's (``export_config``):

- ``CHECKLIST_APP_FHIR_IMPORT_URL``: the server to read from (default: ``CHECKLIST_APP_FHIR_BASE_URL``).
  A user, password or query in the URL is refused, and so is ``http://`` but for this machine. TLS is verified
  (``CHECKLIST_APP_FHIR_CA_FILE``) unless the settings switch it off and the server used is on this machine.
  The settings' bearer token or SMART client is used only with the settings' own URL, never sent to a server
  the environment names instead.
- Either a bearer token in the file named by ``CHECKLIST_APP_FHIR_TOKEN_FILE`` (read at each pull), or SMART
  Backend Services (client credentials with a signed JWT): ``CHECKLIST_APP_FHIR_SMART_CLIENT_ID``,
  ``CHECKLIST_APP_FHIR_SMART_KEY_FILE`` (the client's private key, PEM, RSA for RS384 or P-384 EC for ES384),
  ``CHECKLIST_APP_FHIR_SMART_TOKEN_URL`` (the server's token endpoint), ``CHECKLIST_APP_FHIR_SMART_KEY_ID``
  (the key's ``kid`` in the JWKS the server holds) and ``CHECKLIST_APP_FHIR_SMART_SCOPE`` (default
  ``system/*.read``). The access token is kept in memory for one pull only.

No secret is logged, stored, or put in an error message. The searches: ``Patient?identifier=<mrn system>|<mrn>``
(exactly one patient, else nothing is read), then per patient ``Observation`` (by the form's LOINC codes),
``AllergyIntolerance``, ``MedicationStatement``, ``MedicationRequest``, ``ServiceRequest`` and ``Procedure``, following
``next`` links up to ``MAX_PAGES`` pages each.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checklist_app.domain.chart_connection import ChartConnection, url_problem
from checklist_app.domain.codes import LOINC
from checklist_app.domain.form import FormDefinition
from checklist_app.ehr.codes import CodeIndex
from checklist_app.ehr.export_config import FHIR_CA_FILE_ENV, FHIR_TOKEN_FILE_ENV, ExportConfigError, systems
from checklist_app.ehr.import_model import ImportRefused, ImportResult
from checklist_app.storage.outbox import FHIR_BASE_URL_ENV, site_chart

IMPORT_URL_ENV = "CHECKLIST_APP_FHIR_IMPORT_URL"
SMART_CLIENT_ENV = "CHECKLIST_APP_FHIR_SMART_CLIENT_ID"
SMART_KEY_ENV = "CHECKLIST_APP_FHIR_SMART_KEY_FILE"
SMART_TOKEN_URL_ENV = "CHECKLIST_APP_FHIR_SMART_TOKEN_URL"
SMART_KID_ENV = "CHECKLIST_APP_FHIR_SMART_KEY_ID"
SMART_SCOPE_ENV = "CHECKLIST_APP_FHIR_SMART_SCOPE"
SEARCHES = ("AllergyIntolerance", "MedicationStatement", "MedicationRequest", "ServiceRequest", "Procedure")
MAX_PAGES = 10
TIMEOUT = 20.0


@dataclass(frozen=True)
class SmartClient:
    """SMART Backend Services client credentials: who we are, the key we sign with, where tokens come from."""

    client_id: str
    key_file: Path | None
    token_url: str
    key_id: str = ""
    scope: str = "system/*.read"
    sealed_key: str = ""  # the site settings' private key (PEM), sealed; used when no key file is named

    def key_pem(self) -> bytes:
        """The private key's PEM, read or opened now; ImportRefused when it cannot be."""
        if self.key_file is None:
            from checklist_app.ehr.chart_secrets import unseal

            return unseal("smart_key", self.sealed_key).encode()
        try:
            return self.key_file.read_bytes()
        except OSError:
            raise ImportRefused(f"The SMART key file named by {SMART_KEY_ENV} cannot be read.") from None


@dataclass(frozen=True)
class PullSource:
    """Where to pull from and how to prove who we are."""

    base_url: str
    token_file: Path | None = None
    smart: SmartClient | None = None
    ca_file: Path | None = None
    sealed_token: str = ""  # the site settings' bearer token, sealed
    tls_verify: bool = True

    def describe(self) -> str:
        """'FHIR https://ehr.example.org/fhir': the origin shown under each answer (no secret in it)."""
        return f"FHIR {self.base_url}"


def pull_source(chart: ChartConnection | None = None) -> PullSource | None:
    """The configured server (the environment first, then the site's chart connection), or None;
    ExportConfigError naming the variable or setting when it is set but unusable."""
    chart = chart if chart is not None else site_chart()
    url = (os.environ.get(IMPORT_URL_ENV, "") or os.environ.get(FHIR_BASE_URL_ENV, "")).strip()
    if url:
        problem = url_problem(url)
        if problem:
            raise ExportConfigError(f"{IMPORT_URL_ENV} {problem}.")
    else:
        url = chart.fhir_base_url
    if not url:
        return None
    token = os.environ.get(FHIR_TOKEN_FILE_ENV, "").strip()
    ca = os.environ.get(FHIR_CA_FILE_ENV, "").strip()
    smart = None
    if os.environ.get(SMART_CLIENT_ENV, "").strip():
        key, token_url = os.environ.get(SMART_KEY_ENV, "").strip(), os.environ.get(SMART_TOKEN_URL_ENV, "").strip()
        if not key or not token_url:
            raise ExportConfigError(f"SMART needs {SMART_KEY_ENV} and {SMART_TOKEN_URL_ENV} beside {SMART_CLIENT_ENV}.")
        smart = SmartClient(os.environ[SMART_CLIENT_ENV].strip(), Path(key), token_url,
                            os.environ.get(SMART_KID_ENV, "").strip(),
                            os.environ.get(SMART_SCOPE_ENV, "").strip() or "system/*.read")
    elif not token and chart.auth == "smart" and chart.smart_client_id and chart.secrets_for(url):
        smart = SmartClient(chart.smart_client_id, None, chart.smart_token_url, chart.smart_key_id,
                            sealed_key=chart.smart_key)
    used = (url, smart.token_url) if smart is not None else (url,)
    return PullSource(url.rstrip("/"), Path(token) if token else None, smart, Path(ca) if ca else None,
                      sealed_token=chart.bearer_token if chart.auth == "bearer" and chart.secrets_for(url) else "",
                      tls_verify=chart.tls_verify_for(*used))


def pull_patient(source: PullSource, mrn: str, form: FormDefinition, index: CodeIndex, *,
                 today: date) -> ImportResult:
    """Everything usable the server holds for the patient with this MRN; ImportRefused when it cannot say."""
    import httpx

    from checklist_app.ehr.fhir_import import read_resources, validated

    mrn = mrn.strip()
    if not mrn:
        raise ImportRefused("No MRN to look for: type it or scan the wristband first.")
    mrn_system = systems().mrn
    result = ImportResult(origin=source.describe())
    verify: Any = str(source.ca_file) if source.ca_file else source.tls_verify
    with httpx.Client(timeout=TIMEOUT, verify=verify, follow_redirects=False) as client:
        headers = {"Accept": "application/fhir+json", "Authorization": f"Bearer {_access_token(client, source)}"}
        patients = _search(client, source, headers, "Patient", {"identifier": f"{mrn_system}|{mrn}"})
        if len(patients) != 1:
            found = "no patient" if not patients else f"{len(patients)} patients"
            raise ImportRefused(f"{source.describe()} has {found} with MRN {mrn}. Nothing was filled.")
        patient_id = patients[0].get("id")
        resources = list(patients)
        codes = sorted({f"{s}|{c}" for (s, c) in index.items if s == LOINC})
        resources += _search(client, source, headers, "Observation", {"patient": patient_id, "code": ",".join(codes)})
        for kind in SEARCHES:
            resources += _search(client, source, headers, kind, {"patient": patient_id})
    checked = [r for n, r in enumerate(resources) if validated(r, f"result[{n}]", result) is not None]
    return read_resources(checked, form, index, result, mrn_system=mrn_system, today=today)


def _search(client: Any, source: PullSource, headers: dict[str, str], kind: str,
            params: dict[str, str]) -> list[dict[str, Any]]:
    import httpx

    found: list[dict[str, Any]] = []
    url: str | None = f"{source.base_url}/{kind}"
    query: dict[str, str] | None = params
    for _page in range(MAX_PAGES):
        if url is None:
            break
        try:
            reply = client.get(url, params=query, headers=headers)
        except httpx.TimeoutException:
            raise ImportRefused(f"{source.describe()} did not answer within {TIMEOUT:g} s. Nothing was filled.") \
                from None
        except httpx.TransportError as exc:
            raise ImportRefused(f"{source.describe()} cannot be reached ({type(exc).__name__}). Nothing was "
                                "filled.") from None
        if reply.status_code in (401, 403):
            raise ImportRefused(f"{source.describe()} refused this workstation's credentials (HTTP "
                                f"{reply.status_code}); IT must renew the token or the SMART client. Nothing was "
                                "filled.")
        if reply.status_code != 200:
            raise ImportRefused(f"{source.describe()} answered HTTP {reply.status_code} to the {kind} search. "
                                "Nothing was filled.")
        try:
            bundle = json.loads(reply.content)
            entries = bundle.get("entry") or []
        except (ValueError, AttributeError):
            raise ImportRefused(f"{source.describe()}: the {kind} search's answer is not a FHIR Bundle. Nothing "
                                "was filled.") from None
        found += [e["resource"] for e in entries if isinstance(e, dict) and isinstance(e.get("resource"), dict)
                  and e["resource"].get("resourceType") == kind]
        url = next((link.get("url") for link in bundle.get("link") or [] if link.get("relation") == "next"), None)
        query = None
    return found


def _access_token(client: Any, source: PullSource) -> str:
    if source.smart is not None:
        return _smart_token(client, source.smart)
    if source.token_file is None and source.sealed_token:
        from checklist_app.ehr.chart_secrets import unseal

        return unseal("bearer_token", source.sealed_token)
    if source.token_file is None:
        raise ImportRefused(f"No credentials for {source.describe()}: an administrator sets a bearer token or a "
                            f"SMART client in Settings, Chart connection (used only with the server set there); "
                            f"for a server the environment names, IT sets {FHIR_TOKEN_FILE_ENV}.")
    try:
        token = source.token_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImportRefused(f"The token file named by {FHIR_TOKEN_FILE_ENV} cannot be read ({exc.strerror}).") \
            from None
    if not token:
        raise ImportRefused(f"The token file named by {FHIR_TOKEN_FILE_ENV} is empty.")
    return token


def _smart_token(client: Any, smart: SmartClient) -> str:
    """An access token for SMART Backend Services: a JWT signed with our key, exchanged at the token URL."""
    import httpx

    assertion = client_assertion(smart, now=time.time())
    try:
        reply = client.post(smart.token_url, data={
            "grant_type": "client_credentials", "scope": smart.scope,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion})
    except httpx.TransportError as exc:
        raise ImportRefused(f"The SMART token endpoint cannot be reached ({type(exc).__name__}).") from None
    try:
        token = reply.json().get("access_token") if reply.status_code == 200 else None
    except ValueError:
        token = None
    if not isinstance(token, str) or not token:
        raise ImportRefused(f"The SMART token endpoint refused this workstation's client (HTTP {reply.status_code}); "
                            "IT must check the client id and its registered key.")
    return token


def client_assertion(smart: SmartClient, *, now: float) -> str:
    """The signed JWT of SMART Backend Services (RS384 for an RSA key, ES384 for a P-384 key), valid 5 min."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    try:
        key = serialization.load_pem_private_key(smart.key_pem(), password=None)
    except (ValueError, TypeError):
        raise ImportRefused("The SMART client's key cannot be read as an unencrypted PEM private key.") from None
    alg = "RS384" if isinstance(key, rsa.RSAPrivateKey) else "ES384"
    if alg == "ES384" and not (isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp384r1"):
        raise ImportRefused("The SMART key must be RSA (RS384) or EC P-384 (ES384).")
    header = {"alg": alg, "typ": "JWT", **({"kid": smart.key_id} if smart.key_id else {})}
    claims = {"iss": smart.client_id, "sub": smart.client_id, "aud": smart.token_url, "exp": int(now) + 300,
              "jti": str(uuid.uuid4())}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()
    if alg == "RS384":
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA384())  # type: ignore[union-attr,call-arg]
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA384())))  # type: ignore[union-attr,call-arg,arg-type]
        signature = r.to_bytes(48, "big") + s.to_bytes(48, "big")
    return f"{signing_input.decode()}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
