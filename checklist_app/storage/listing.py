"""Listings over the stored checklists that the worklist and start-up need: which signed versions were
printed, whether the database holds any checklist at all, and the signed pre-admission plans of a procedure
day (for the day view of readiness, however long ago they were signed). Read-only. No Qt.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import or_, select

from checklist_app.domain.plan_ids import PLAN_PREFIX
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.storage import tables
from checklist_app.storage.database import Database

if TYPE_CHECKING:
    from checklist_app.domain.signed import SignedVersion

MAX_DAY_PLANS = 500  # plans of one procedure day read at most (a unit does a few dozen cases a day)


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


def plans_scheduled_on(db: Database, day: date, tz: tzinfo | None = None) -> list[SignedVersion]:
    """The latest signed version of each pre-admission plan whose scheduled start falls on ``day`` in ``tz``
    (default: the workstation's zone), soonest first.

    Plans are the records whose id starts ``plan-`` (a range on the indexed id); the start is matched in the
    signed JSON (canonical: ``"scheduled_start":"2026-12-04T...`` exactly so) on the dates it can be written
    with in any offset (the day before, the day, the day after), then read on the parsed answers."""
    from checklist_app.storage.versions import get_version  # the signed-record models: not for start-up's listing

    v = tables.signed_versions
    later = v.alias("later")
    newer = select(later.c.version_id).where(later.c.record_id == v.c.record_id,
                                             later.c.version_no > v.c.version_no).exists()
    written = [f'%"scheduled_start":"{(day + timedelta(days=n)).isoformat()}T%' for n in (-1, 0, 1)]
    end = PLAN_PREFIX[:-1] + chr(ord(PLAN_PREFIX[-1]) + 1)  # "plan." sorts right after every "plan-..."
    query = (select(v.c.version_id).where(v.c.record_id >= PLAN_PREFIX, v.c.record_id < end, ~newer,
                                          or_(*(v.c.content_json.like(w) for w in written)))
             .order_by(v.c.version_id).limit(MAX_DAY_PLANS))
    with db.read() as conn:
        ids = list(conn.execute(query).scalars())
    found = []
    for version in (get_version(db, version_id) for version_id in ids):
        start = version.content.record.get("answers", {}).get("scheduled_start")
        try:
            moment = parse_datetime(start) if isinstance(start, str) else None
        except ValueError:
            continue
        if moment is not None and moment.astimezone(tz).date() == day:
            found.append((moment, version))
    return [version for _, version in sorted(found, key=lambda pair: pair[0])]
