"""The audit anchor: what a signed PDF says about the audit trail at the moment it was signed.

Each PDF of a signed version carries, in its metadata (and the checklist also on paper), the signed
version's SHA-256 and the number and hash of the audit event that recorded the signing. That event's hash
covers every event before it, so rewriting the trail (even recomputing every hash) changes it, and the
PDFs already stored, exported or printed no longer match. ``verify-audit`` compares them.

The text is plain ASCII in the PDF's Keywords entry, which reportlab writes uncompressed and a seal's
incremental update keeps, so it is found in the file's bytes without a PDF parser:
``checklist-anchor/1 record=chk-1 version=2 sha256=<64 hex> event=812 event_hash=<64 hex>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "checklist-anchor/1"
_PATTERN = re.compile(
    rb"checklist-anchor/1 record=([A-Za-z0-9_.\-]{1,64}) version=(\d{1,9}) sha256=([0-9a-f]{64}) "
    rb"event=(\d{1,12}) event_hash=([0-9a-f]{64})")


@dataclass(frozen=True)
class AuditAnchor:
    """A signed version (record, number, SHA-256) and the audit event (number, hash) that recorded it."""

    record_id: str
    version_no: int
    sha256: str
    event_seq: int
    event_hash: str

    def text(self) -> str:
        """The anchor as written into a PDF."""
        return (f"{PREFIX} record={self.record_id} version={self.version_no} sha256={self.sha256} "
                f"event={self.event_seq} event_hash={self.event_hash}")


def anchors_in(pdf: bytes) -> list[AuditAnchor]:
    """Every anchor found in a PDF's bytes (one, normally; none in a PDF made before anchors existed)."""
    found = []
    for match in _PATTERN.finditer(pdf):
        record, version, sha, seq, event_hash = (group.decode("ascii") for group in match.groups())
        anchor = AuditAnchor(record, int(version), sha, int(seq), event_hash)
        if anchor not in found:
            found.append(anchor)
    return found
