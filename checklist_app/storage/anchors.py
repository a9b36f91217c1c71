"""Audit anchors (domain/anchor.py) on the storage side: the anchor of a signed version, and the check of
an anchor (from a stored PDF, see integrity.py, or a folder of exported ones) against the trail as it is now."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from checklist_app.domain.anchor import AuditAnchor, anchors_in
from checklist_app.domain.errors import StorageError
from checklist_app.storage import tables
from checklist_app.storage.database import Database

SIGNING = ("signed", "amended")


def signing_anchor(db: Database, version_id: int) -> AuditAnchor | None:
    """The anchor to print in a signed version's PDFs: its SHA-256 and the event that recorded the signing."""
    v, e = tables.signed_versions.c, tables.audit_events.c
    with db.read() as conn:
        version = conn.execute(select(v.record_id, v.version_no, v.content_sha256)
                               .where(v.version_id == version_id)).one_or_none()
        if version is None:
            return None
        for row in conn.execute(select(e.seq, e.hash, e.details).where(
                e.record_id == version.record_id, e.event_type.in_(SIGNING)).order_by(e.seq)):
            if _details(row.details).get("version_id") == version_id:
                return AuditAnchor(version.record_id, version.version_no, version.content_sha256, row.seq, row.hash)
    return None


def pdf_file_problems(db: Database, folder: Path) -> tuple[int, list[str]]:
    """(anchors checked, problems) over the PDFs in a folder (exported copies, or a print queue's output)."""
    if not folder.is_dir():
        raise StorageError(f"{folder} is not a folder; give the folder holding the exported or printed PDFs.")
    checked, problems = 0, []
    with db.read() as conn:
        for path in sorted(folder.rglob("*.pdf")):
            try:
                data = path.read_bytes()
            except OSError as exc:
                problems.append(f"{path}: cannot be read ({exc.strerror})")
                continue
            for anchor in anchors_in(data):
                checked += 1
                problem = anchor_problem(conn, anchor)
                if problem:
                    problems.append(f"{path.name}: {problem}")
    return checked, problems


def anchor_problem(conn: Connection, anchor: AuditAnchor) -> str | None:
    """Why the trail and signed versions as they are now disagree with ``anchor`` (None: they agree)."""
    e, v = tables.audit_events.c, tables.signed_versions.c
    event = conn.execute(select(e.event_type, e.record_id, e.hash, e.details).where(e.seq == anchor.event_seq)
                         ).one_or_none()
    label = f"signed version {anchor.version_no} of record {anchor.record_id}"
    if event is None:
        return (f"it names audit event {anchor.event_seq}, which is no longer in the trail: events were removed "
                f"or the trail was replaced")
    if event.hash != anchor.event_hash:
        return (f"audit event {anchor.event_seq} is not the event it recorded when {label} was signed (its hash "
                f"differs): the trail was rewritten after this PDF was made")
    details = _details(event.details)
    if event.event_type not in SIGNING or event.record_id != anchor.record_id or details.get("sha256") != anchor.sha256:
        return f"audit event {anchor.event_seq} does not record the signing of {label}"
    row = conn.execute(select(v.content_sha256).where(v.record_id == anchor.record_id,
                                                      v.version_no == anchor.version_no)).one_or_none()
    if row is None:
        return f"{label} is no longer in the database, though the trail recorded its signing"
    if row.content_sha256 != anchor.sha256:
        return f"{label} in the database is not the one this PDF was made from (its SHA-256 differs)"
    return None


def _details(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
