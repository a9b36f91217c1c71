"""How this site reaches the hospital's chart: the FHIR server (base URL, bearer token or SMART Backend Services
client), the HL7 v2 MLLP listener for sites without FHIR, and TLS. Part of the site settings an administrator
edits (``SiteSettings.chart``). Only stdlib and pydantic.

Secrets (the bearer token, the SMART client's private key) are held only *sealed*: encrypted with a key derived
from the site secret (``ehr.chart_secrets``), written ``sealed:v1:...``. The model refuses anything else in
those fields, so a token typed in clear can never reach the database or a settings file.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SEALED_PREFIX = "sealed:v1:"
LOCAL_HOSTS = ("localhost",)


def _is_local(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host in LOCAL_HOSTS


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` names this very machine (127.0.0.0/8, ::1, localhost)."""
    return _is_local(urlsplit(url).hostname or "")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a FHIR base or token URL (None when it can)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return "the port in the URL must be a number from 1 to 65535"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL, for example https://ehr.example.org/fhir"
    if parts.username or parts.password or parts.query or parts.fragment:
        return "must not carry a user, password, query or fragment (a secret in a URL ends up in logs)"
    if port == 0:
        return "the port in the URL must be a number from 1 to 65535"
    if parts.scheme == "http" and not _is_local(parts.hostname):
        # A token and patient data go over this connection: in clear only to a test server on this machine.
        return ("must start with https:// (http:// is only for a test server on this machine: localhost, "
                "127.0.0.1 or ::1)")
    return None


class ChartConnection(BaseModel):
    """The site's connection to the chart; empty (the default) means nothing is exchanged."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fhir_base_url: str = Field(default="", max_length=300)
    auth: Literal["bearer", "smart"] = "bearer"
    bearer_token: str = Field(default="", max_length=20000)  # sealed
    smart_client_id: str = Field(default="", max_length=200)
    smart_token_url: str = Field(default="", max_length=300)
    smart_key: str = Field(default="", max_length=20000)  # sealed PEM private key
    smart_key_id: str = Field(default="", max_length=200)
    mllp_host: str = Field(default="", max_length=253, pattern=r"^[A-Za-z0-9.\-:\[\]]*$")
    mllp_port: int = Field(default=0, ge=0, le=65535)
    # Off only for a test server on this very machine: a hospital's EHR is always reached with TLS verified.
    tls_verify: bool = True

    @field_validator("fhir_base_url", "smart_token_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        problem = url_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value.rstrip("/")

    @field_validator("bearer_token", "smart_key")
    @classmethod
    def _sealed(cls, value: str) -> str:
        if value and not value.startswith(SEALED_PREFIX):
            raise ValueError("a secret is stored only sealed with the site secret, never in clear")
        return value

    @model_validator(mode="after")
    def _complete(self) -> ChartConnection:
        if self.mllp_host and not self.mllp_port:
            raise ValueError("mllp_port: give the MLLP listener's port, a number from 1 to 65535")
        if self.mllp_port and not self.mllp_host:
            raise ValueError("mllp_host: give the MLLP listener's host name beside its port")
        if self.fhir_base_url and self.auth == "smart" and not (self.smart_client_id and self.smart_token_url):
            raise ValueError("smart_client_id: SMART needs the client id and the token URL")
        if not self.tls_verify and not all(is_loopback_url(u) for u in (self.fhir_base_url, self.smart_token_url)
                                           if u):
            raise ValueError("tls_verify: switch TLS verification off only for a test server on this machine")
        return self

    def tls_verify_for(self, *urls: str) -> bool:
        """Whether to verify TLS when reaching ``urls``, the URLs actually used (the environment may name
        others than these settings): always, unless switched off here and every one is on this machine."""
        return self.tls_verify or not all(is_loopback_url(u) for u in urls)

    def secrets_for(self, url: str) -> bool:
        """Whether this connection's bearer token or SMART client may be used with ``url``: only with its own
        server, never with one the environment names instead (an override brings its own credentials)."""
        return bool(self.fhir_base_url) and url.rstrip("/") == self.fhir_base_url
