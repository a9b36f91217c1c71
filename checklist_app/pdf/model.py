"""What the PDF layer is given: a record with its evaluation, policy, site and (when signed) signature.

The storage and UI layers build a ``SignedPacket`` and call ``render_checklist(packet)`` and
``render_discharge(packet)``; nothing here reads a database or a clock. The policy is taken by shape
(``id``, ``version``, ``medicines``) because ``pdf`` sits beside ``rules`` and may not import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from checklist_app import resources
from checklist_app.domain import conventions
from checklist_app.domain.anchor import AuditAnchor
from checklist_app.domain.canonical import sha256_hex
from checklist_app.domain.errors import PdfRenderError
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.record import RecordEnvelope
from checklist_app.domain.site import SiteSettings, load_site

# What the signature means, printed in words beside it (21 CFR 11.50 asks for the meaning).
DEFAULT_MEANING = (
    "I have checked this patient's pre-procedure checklist and confirm that the answers above are "
    "complete and correct to the best of my knowledge."
)


class PolicyLike(Protocol):
    """The part of a clinical policy the PDFs read (rules.policy.PolicyDefinition fits)."""

    id: Any
    version: str
    medicines: Mapping[str, Any]


@dataclass(frozen=True)
class Signature:
    """Who signed, when (time-zone aware), what the signature means, and the drawn signature if any."""

    signer_id: str
    name: str
    credentials: str
    signed_at: datetime
    meaning: str = DEFAULT_MEANING
    drawn_png: bytes | None = None

    def __post_init__(self) -> None:
        if self.signed_at.tzinfo is None or self.signed_at.utcoffset() is None:
            raise PdfRenderError(
                f"The signing time {conventions.format_datetime(self.signed_at)} has no time zone; a signed checklist "
                "must say exactly when it was signed."
            )


@dataclass(frozen=True)
class SignedPacket:
    """One record ready to print: unsigned (a draft) when ``signature`` is None.

    ``sha256`` is the fingerprint of the signed version's JSON data as storage keeps it; when omitted
    it is computed from ``record`` the same way (``canonical.sha256_hex(record.to_json_data())``).
    ``staff`` maps staff ids to display names ("A. Mensah, MD") for overrides and acknowledgements.
    """

    record: RecordEnvelope
    form: FormDefinition
    evaluation: Evaluation
    policy: PolicyLike
    signature: Signature | None = None
    record_version: int | None = None
    sha256: str | None = None
    site: SiteSettings | None = None
    staff: Mapping[str, str] = field(default_factory=dict)
    amends: tuple[int, str] | None = None  # (the version number this one replaces, the reason given)
    anchor: AuditAnchor | None = None  # the audit event that recorded the signing (domain/anchor.py)
    # True for a record read from a file (``render``): its overrides and acknowledgements are claims nobody
    # proved (no PIN, no database), so they print as "recorded in the file, not verified" and the
    # evaluation given was made without them. False: they come from the app, with the signed version.
    claims_unverified: bool = False

    def __post_init__(self) -> None:
        if self.record.form_id != self.form.id or self.evaluation.form_id != self.form.id:
            raise PdfRenderError(f"record {self.record.record_id} is not for form {self.form.id}")
        if self.claims_unverified and (self.signed or self.evaluation.overridden or self.evaluation.acknowledged):
            # A file's claims must not clear anything nor sit under a signature: refuse rather than print it.
            raise PdfRenderError(f"record {self.record.record_id}: unverified overrides or acknowledgements "
                                 "cannot be counted in the evaluation or signed")
        if self.sha256 is not None and (len(self.sha256) != 64 or not _is_hex(self.sha256)):
            raise PdfRenderError(f"sha256 must be 64 hex digits, got {self.sha256!r}")

    @property
    def signed(self) -> bool:
        """Whether this packet carries a signature (otherwise it prints as a draft)."""
        return self.signature is not None

    @cached_property
    def answers(self) -> dict[str, Any]:
        """The record's answers as plain values."""
        return self.record.answer_values()

    @cached_property
    def fingerprint(self) -> str:
        """The SHA-256 printed in every footer."""
        return self.sha256 or sha256_hex(self.record.to_json_data())

    @cached_property
    def site_settings(self) -> SiteSettings:
        """The site settings given, else the shipped forms/site.yaml."""
        return self.site or load_site(resources.form_path("site.yaml"))

    def visible_answer(self, item_id: str) -> Any:
        """The answer to a visible item, or None when hidden or unanswered."""
        if item_id not in self.evaluation.visible_items:
            return None
        if item_id in self.evaluation.derived:
            return self.evaluation.derived[item_id]
        return self.answers.get(item_id)

    def staff_name(self, staff_id: str) -> str:
        """'A. Mensah, MD (md.mensah)' when the name is known, else the id."""
        name = self.staff.get(staff_id)
        return f"{name} ({staff_id})" if name else staff_id


def _is_hex(text: str) -> bool:
    try:
        int(text, 16)
    except ValueError:
        return False
    return True
