"""Where the signed checklists go: the FHIR server and the HL7 v2 listener.

An administrator sets them in Settings, Chart connection (``SiteSettings.chart``, kept in the shared site
settings; the bearer token sealed with the site secret, ``chart_secrets``). IT may override any of them per
workstation (or in a system-wide profile) with the environment, which comes first:

- ``CHECKLIST_APP_FHIR_BASE_URL``: the FHIR R4 server's base (``https://ehr.example.org/fhir``); signing
  then queues a transaction Bundle. ``CHECKLIST_APP_FHIR_TOKEN_FILE``: a file holding a bearer token (read
  at each send; never logged, never stored in the database). ``CHECKLIST_APP_FHIR_CA_FILE``: the CA
  bundle that signed the server's certificate when it is not in the system's store (TLS is verified unless the
  settings switch it off and the server used is on this machine; ``http://`` only for this machine). The
  settings' sealed bearer token goes only to the settings' own URL, never to a server named here instead.
- ``CHECKLIST_APP_HL7_MLLP``: ``host:port`` of the interface engine's MLLP listener; signing then queues
  an MDM^T02. ``CHECKLIST_APP_HL7_RECEIVER``: its application and facility (``EHR^HOSP``, MSH-5/MSH-6).
- ``CHECKLIST_APP_FHIR_SYSTEM_BASE``: the base of the identifier systems and the Questionnaire's canonical
  URL (default ``http://checklist-app.invalid/fhir``, a name that never resolves, until the site gives its
  own); ``CHECKLIST_APP_FHIR_MRN_SYSTEM``: the hospital's MRN identifier system (default under that base).

Queueing reads the same two switches (``storage.outbox.configured_kinds``); this module adds what only a
sender needs. Nothing here imports a FHIR or HL7 library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from checklist_app.domain.chart_connection import ChartConnection, url_problem
from checklist_app.domain.errors import ChecklistError
from checklist_app.storage.outbox import FHIR_BASE_URL_ENV, HL7_MLLP_ENV, site_chart

FHIR_TOKEN_FILE_ENV = "CHECKLIST_APP_FHIR_TOKEN_FILE"
FHIR_CA_FILE_ENV = "CHECKLIST_APP_FHIR_CA_FILE"
HL7_RECEIVER_ENV = "CHECKLIST_APP_HL7_RECEIVER"
SYSTEM_BASE_ENV = "CHECKLIST_APP_FHIR_SYSTEM_BASE"
MRN_SYSTEM_ENV = "CHECKLIST_APP_FHIR_MRN_SYSTEM"
DEFAULT_SYSTEM_BASE = "http://checklist-app.invalid/fhir"
TIMEOUT_SECONDS = 30.0


class ExportConfigError(ChecklistError):
    """A destination is set but cannot be used as written; the message names the variable and the fix."""


@dataclass(frozen=True)
class Systems:
    """The identifier systems and canonical base the exported resources use."""

    base: str
    mrn: str

    @property
    def staff(self) -> str:
        """The system of the app's staff ids (the signer as a Practitioner identifier)."""
        return f"{self.base}/sid/staff"

    def questionnaire_url(self, form_id: str) -> str:
        """The canonical URL of a form's Questionnaire."""
        return f"{self.base}/Questionnaire/{form_id}"


@dataclass(frozen=True)
class FhirDestination:
    """A FHIR server to send transaction Bundles to."""

    base_url: str
    token_file: Path | None = None
    ca_file: Path | None = None
    timeout: float = TIMEOUT_SECONDS
    sealed_token: str = ""  # the site settings' bearer token, sealed; opened only when sending
    tls_verify: bool = True

    def describe(self) -> str:
        """Where, in words (for the audit trail and messages): the base URL, which carries no secret."""
        return f"FHIR {self.base_url}"

    def token(self) -> str | None:
        """The bearer token, read now from its file (so a renewed token is used without a restart), else the
        site settings' sealed one, opened now."""
        if self.token_file is None:
            return _unsealed("bearer_token", self.sealed_token) if self.sealed_token else None
        try:
            token = self.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ExportConfigError(f"The FHIR token file named by {FHIR_TOKEN_FILE_ENV} cannot be read "
                                    f"({exc.strerror}); check the path and that this account may read it.") from None
        if not token:
            raise ExportConfigError(f"The FHIR token file named by {FHIR_TOKEN_FILE_ENV} is empty.")
        return token


@dataclass(frozen=True)
class MllpDestination:
    """An HL7 v2 interface engine's MLLP listener."""

    host: str
    port: int
    receiver: tuple[str, str] = ("EHR", "HOSPITAL")
    timeout: float = TIMEOUT_SECONDS
    sender: tuple[str, str] = field(default=("CHECKLIST_APP", "CHECKLIST"))

    def describe(self) -> str:
        """Where, in words."""
        return f"HL7 v2 MLLP {self.host}:{self.port}"


def systems() -> Systems:
    """The identifier systems in force on this workstation."""
    base = (os.environ.get(SYSTEM_BASE_ENV, "").strip() or DEFAULT_SYSTEM_BASE).rstrip("/")
    return Systems(base=base, mrn=os.environ.get(MRN_SYSTEM_ENV, "").strip() or f"{base}/sid/mrn")


def fhir_destination(chart: ChartConnection | None = None) -> FhirDestination | None:
    """The FHIR server configured here (the environment first, then the site's chart connection), or None;
    ExportConfigError when it is set but unusable."""
    chart = chart if chart is not None else site_chart()
    url = os.environ.get(FHIR_BASE_URL_ENV, "").strip()
    if url:
        problem = url_problem(url)
        if problem:
            raise ExportConfigError(f"{FHIR_BASE_URL_ENV} {problem}.")
    else:
        url = chart.fhir_base_url
    if not url:
        return None
    token_file = os.environ.get(FHIR_TOKEN_FILE_ENV, "").strip()
    ca_file = os.environ.get(FHIR_CA_FILE_ENV, "").strip()
    return FhirDestination(base_url=url.rstrip("/"), token_file=Path(token_file) if token_file else None,
                           ca_file=Path(ca_file) if ca_file else None,
                           sealed_token=chart.bearer_token if chart.auth == "bearer" and chart.secrets_for(url) else "",
                           tls_verify=chart.tls_verify_for(url))


def mllp_destination(chart: ChartConnection | None = None) -> MllpDestination | None:
    """The MLLP listener configured here (the environment first, then the site's chart connection), or None;
    ExportConfigError when it is set but unusable."""
    chart = chart if chart is not None else site_chart()
    text = os.environ.get(HL7_MLLP_ENV, "").strip()
    if not text and chart.mllp_host:
        text = f"{chart.mllp_host}:{chart.mllp_port}"
    if not text:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ExportConfigError(f"{HL7_MLLP_ENV} must be host:port, for example engine.example.org:2575.")
    receiver = os.environ.get(HL7_RECEIVER_ENV, "").strip()
    app, _, facility = receiver.partition("^")
    return MllpDestination(host=host.strip("[]"), port=int(port),
                           receiver=(app or "EHR", facility or "HOSPITAL"))


def _unsealed(field: str, sealed: str) -> str:
    from checklist_app.ehr.chart_secrets import ChartSecretError, unseal

    try:
        return unseal(field, sealed)
    except ChartSecretError as exc:
        raise ExportConfigError(str(exc)) from None
