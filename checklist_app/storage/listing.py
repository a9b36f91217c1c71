"""Listings over the stored checklists that the worklist and start-up need: which signed versions were
printed, and whether the database holds any checklist at all. Read-only. No Qt.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Protocol

from sqlalchemy import select

from checklist_app.storage import tables
from checklist_app.storage.database import Database


class VersionRef(Protocol):
    """What identifies a signed version here (``SignedVersion`` has both)."""

    @property
    def record_id(self) -> str: ...  # noqa: D102

    @property
    def version_id(self) -> int: ...  # noqa: D102


def printed_versions(db: Database, versions: Collection[VersionRef]) -> set[int]:
    """The ids of those of these signed versions that were printed (an amendment is not printed until it
    is printed itself, whatever happened to the version it replaces)."""
    if not versions:
        return set()
    e = tables.audit_events.c
    query = select(e.details).where(e.event_type == "printed", e.record_id.in_({v.record_id for v in versions}))
    with db.read() as conn:
        found = {json.loads(details).get("version_id") for details in conn.execute(query).scalars()}
    return {v.version_id for v in versions} & found


def has_checklists(db: Database) -> bool:
    """Whether the database holds any draft or signed checklist."""
    with db.read() as conn:
        for table in (tables.drafts, tables.signed_versions):
            if conn.execute(select(table.c.record_id).limit(1)).first() is not None:
                return True
    return False
