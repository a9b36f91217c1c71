"""Signed pre-admission plans: the latest signed version of each plan record (record id ``plan-...``) for one
patient's MRN, newest first. The day's checklist looks its plan up here (``workflows.plan_records``).

Plans are ordinary signed versions (frozen, hashed, audited, never changed); only their record id marks them.
The MRN is matched in the signed JSON (canonical, so ``"mrn":"..."`` is written exactly so) and then checked
again on the parsed record by the caller.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from checklist_app.domain.plan_ids import PLAN_PREFIX
from checklist_app.domain.signed import SignedVersion
from checklist_app.storage import tables
from checklist_app.storage.database import Database
from checklist_app.storage.versions import get_version

MAX_PLANS = 50  # a patient's plans looked at, newest first


def signed_plans(db: Database, mrn: str) -> list[SignedVersion]:
    """The latest signed version of each plan naming ``mrn``, newest signature first."""
    v = tables.signed_versions
    later = v.alias("later")
    newer = select(later.c.version_id).where(later.c.record_id == v.c.record_id,
                                             later.c.version_no > v.c.version_no).exists()
    needle = f'"mrn":{json.dumps(mrn)}'
    query = (select(v.c.version_id).where(v.c.record_id.like(f"{PLAN_PREFIX}%"), ~newer,
                                          v.c.content_json.contains(needle, autoescape=True))
             .order_by(v.c.signed_at.desc(), v.c.version_id.desc()).limit(MAX_PLANS))
    with db.read() as conn:
        ids = list(conn.execute(query).scalars())
    return [get_version(db, version_id) for version_id in ids]
