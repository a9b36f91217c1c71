"""A signed checklist as one typed model: who signed, what they signed, and the version that froze it.

``SignedContent`` is what the signer saw and signed: the validated record (answers to hidden questions
left out), the evaluation at that moment, whether the patient was cleared, and the drawn signature.
``SignedVersion`` is how storage keeps it: numbered, timed (an aware datetime), with the signer as they
were at that moment, the form and policy versions, and the SHA-256 of ``payload``, the exact JSON the
hash was computed over. Storage, the use cases, the screens and the PDFs all read these models; none of
them reads the stored JSON by string keys.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from checklist_app.domain import conventions
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.record import RecordEnvelope, parse_record


class Signer(BaseModel):
    """The signer as their account read when signing (a later rename does not change a signature). Keys a
    newer app adds are ignored, as ``SignedContent``'s are."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    staff_id: str
    name: str
    credentials: str = ""
    role: str = ""


class SignedContent(BaseModel):
    """What a signature covers (besides who, when and its meaning, which the version holds).

    Read leniently, because what is stored is whatever the app that signed it wrote, and the exact bytes
    stay in the version's ``payload`` under its hash: keys a newer app adds are ignored here, findings this
    version of the evaluation model cannot read leave ``evaluation`` None (the packet then says so), and a
    version that does not say whether the patient was cleared is never shown as cleared.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    record: dict[str, Any] = {}  # the record's JSON data (``RecordEnvelope.to_json_data()``); read with ``parsed``
    evaluation: Evaluation | None = None
    cleared: bool = False
    drawn_signature_png: str | None = None  # base64, as stored

    @field_validator("evaluation", mode="wrap")
    @classmethod
    def _readable_or_none(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Evaluation | None:
        try:
            return handler(value)
        except ValidationError:
            return None

    @classmethod
    def of(cls, record: RecordEnvelope, evaluation: Evaluation, drawn_png: bytes | None = None) -> SignedContent:
        """The content for a validated record and the evaluation it is signed with."""
        drawn = base64.b64encode(drawn_png).decode("ascii") if drawn_png else None
        return cls(record=record.to_json_data(), evaluation=evaluation, cleared=evaluation.cleared,
                   drawn_signature_png=drawn)

    @property
    def drawn_png(self) -> bytes | None:
        """The drawn signature as PNG bytes, or None when none was drawn."""
        return base64.b64decode(self.drawn_signature_png) if self.drawn_signature_png else None

    def parsed(self, form: FormDefinition, at: datetime) -> RecordEnvelope:
        """The signed record validated against ``form`` as of ``at`` (the signing time)."""
        return parse_record(self.record, form, at)

    def to_json_data(self) -> dict[str, Any]:
        """The content as storage hashes it (plain JSON types)."""
        return self.model_dump(mode="json")


class SignedVersion(BaseModel):
    """One signed version as frozen; ``payload`` is exactly what ``sha256`` was computed over."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version_id: int
    record_id: str
    version_no: int
    replaces_version_id: int | None
    amendment_reason: str | None
    signer: Signer
    meaning: str
    signed_at: AwareDatetime
    workstation: str
    form_id: str
    form_version: str
    policy_id: str | None
    policy_version: str | None
    content: SignedContent
    sha256: str
    payload: dict[str, Any]
    documents: tuple[str, ...] = ()  # kinds of attached PDFs, e.g. ("checklist", "discharge")

    @property
    def is_amendment(self) -> bool:
        """Whether this version replaces an earlier one."""
        return self.replaces_version_id is not None

    @property
    def cleared(self) -> bool:
        """Whether the patient was cleared when this version was signed."""
        return self.content.cleared

    def signed_text(self) -> str:
        """'Version 1, signed by Test Nurse at 2026-11-21 07:20.' (local time)."""
        return (f"Version {self.version_no}, signed by {self.signer.name or self.signer.staff_id} at "
                f"{conventions.format_datetime(self.signed_at.astimezone())}.")
