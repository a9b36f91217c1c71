"""Drafts: the current, unsigned state of a checklist, saved in one transaction per call.

A draft is whatever JSON the screen holds (``RecordEnvelope.to_json_data()``, or a raw answers dict
while it is half typed); it is not validated here, because a draft must be savable mid-word. An audited
save (the default) records what changed since the last audited save (``field_changed`` from A to B) in
the audit trail, in the same transaction. An unaudited save (``audit=False``) only writes the data: the
screen uses it for text still being typed, so a crash loses at most a second of typing while the trail
shows committed answers, never keystroke fragments. The draft keeps its last audited state beside the
data (``audited_data``) for the next audited save to diff against. A draft disappears when its record is
signed; those left are offered back by ``recoverable_drafts()``, with their newest (possibly unaudited) data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from checklist_app.domain.canonical import canonical_json
from checklist_app.domain.errors import DraftConflictError, StorageError
from checklist_app.storage import tables
from checklist_app.storage.audit import append_event
from checklist_app.storage.checkouts import local_time, refuse_if_held_elsewhere, staff_display
from checklist_app.storage.clock import from_text, utc_now_text
from checklist_app.storage.database import Database

RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
# Bookkeeping that changes on every save; logging it as a field change would only be noise.
NOT_AUDITED = frozenset({"updated_at", "updated_by"})
_ABSENT = object()
_NOTHING_AUDITED = canonical_json({}).decode()


@dataclass(frozen=True)
class Draft:
    """A saved draft: the data as saved, its revision, and who saved it where and when."""

    record_id: str
    form_id: str | None
    form_version: str | None
    base_version_id: int | None  # the signed version this draft amends, None for a new record
    data: dict[str, Any]
    revision: int
    saved_at: datetime  # aware, UTC
    saved_by: str
    workstation: str
    audited: bool = True  # False: ``data`` holds typing the audit trail has not recorded yet


def check_record_id(record_id: str) -> None:
    """Refuse an ID the record model would refuse (the database key must match the record's own)."""
    if not isinstance(record_id, str) or not RECORD_ID.match(record_id):
        raise ValueError(f"invalid record id {record_id!r}")


def save_draft(db: Database, record_id: str, data: Mapping[str, Any], *, staff_id: str,
               base_version_id: int | None = None, audit: bool = True, based_on: int | None = None,
               session_id: str | None = None) -> Draft:
    """Save the current state of a record as its draft, in one transaction; returns the stored draft.

    ``base_version_id`` is the signed version being amended (None for a never-signed record). A save
    that does not match the record's latest signed version is refused: someone signed it meanwhile.
    ``based_on``: the draft revision the data was built on (0: no draft existed); a save based on any
    other revision is refused, so a workstation never writes over answers committed elsewhere since it
    read them. ``session_id``: the running app saving; refused while another app holds the checklist
    open (checkouts.py). Both refusals are DraftConflictErrors naming who changed it, where and when.
    ``audit=False`` writes the data only (a new draft still gets its ``created`` event); ``audit=True``
    also records every field changed since the last audited save. Saving nothing new writes nothing.
    """
    check_record_id(record_id)
    plain = to_jsonable_python(dict(data))
    if plain.get("record_id", record_id) != record_id:
        raise ValueError("the data's record_id differs from the record being saved")
    text = canonical_json(plain).decode()
    with db.write() as conn:
        # FOR UPDATE (a no-op on SQLite, whose BEGIN IMMEDIATE already serialises writers): on a server two
        # saves based on the same revision would otherwise both pass the check below, and the second would
        # silently replace the first.
        existing = _row(conn, record_id, lock=True)
        latest = latest_version_id(conn, record_id)
        if base_version_id != latest:
            raise _signed_meanwhile(conn, record_id, base_version_id, latest)
        if session_id is not None:
            refuse_if_held_elsewhere(conn, record_id, session_id)
        if based_on is not None and (existing.revision if existing is not None else 0) != based_on:
            raise _changed_meanwhile(conn, record_id, existing)
        # NULL baseline: a row from before schema 3, whose data was audited when it was saved.
        baseline = _baseline(existing)
        if existing is not None and existing.data == text and (not audit or baseline == text):
            return _draft(existing)
        if existing is None:
            details = {"amends_version": base_version_id} if base_version_id is not None else {}
            append_event(db, conn, "created", staff_id=staff_id, record_id=record_id, details=details)
        if audit:
            for path, old, new in changed_fields(json.loads(baseline), plain):
                append_event(db, conn, "field_changed", staff_id=staff_id, record_id=record_id,
                             details={"field": path, "from": old, "to": new})
        values = {
            "form_id": _text(plain.get("form_id")), "form_version": _text(plain.get("form_version")),
            "base_version_id": base_version_id, "data": text, "saved_at": utc_now_text(),
            "saved_by": staff_id, "workstation": db.workstation,
            "revision": existing.revision + 1 if existing is not None else 1,
            "audited_data": text if audit else baseline,
        }
        if existing is None:
            try:
                with conn.begin_nested():  # a savepoint: a lost race for the new row leaves the rest intact
                    conn.execute(insert(tables.drafts).values(record_id=record_id, **values))
            except IntegrityError:
                if based_on is None:
                    raise
                raise _changed_meanwhile(conn, record_id, _row(conn, record_id)) from None
        else:
            conn.execute(update(tables.drafts).where(tables.drafts.c.record_id == record_id).values(**values))
        return _draft(_row(conn, record_id))


def refuse_stale(conn: Connection, record_id: str, *, based_on: int | None, session_id: str | None) -> None:
    """Inside a write (signing): refuse, as a save would, when another app holds the checklist or its draft
    is no longer revision ``based_on`` (None for either: not checked)."""
    if session_id is not None:
        refuse_if_held_elsewhere(conn, record_id, session_id)
    if based_on is not None:
        existing = _row(conn, record_id, lock=True)
        if (existing.revision if existing is not None else 0) != based_on:
            raise _changed_meanwhile(conn, record_id, existing)


def _baseline(row: Any) -> str:
    """The canonical JSON last audited for a draft row: nothing for a new draft, its data if never split."""
    if row is None:
        return _NOTHING_AUDITED
    return row.audited_data if row.audited_data is not None else row.data


def load_draft(db: Database, record_id: str) -> Draft | None:
    """The saved draft of one record, or None."""
    with db.read() as conn:
        row = _row(conn, record_id)
    return _draft(row) if row is not None else None


def recoverable_drafts(db: Database) -> list[Draft]:
    """Every unsigned draft, most recently saved first: what the worklist offers back at start."""
    query = select(tables.drafts).order_by(tables.drafts.c.saved_at.desc(), tables.drafts.c.record_id)
    with db.read() as conn:
        return [_draft(row) for row in conn.execute(query)]


def discard_draft(db: Database, record_id: str, *, staff_id: str, reason: str) -> None:
    """Delete an unsigned draft on purpose (recorded with the reason; its changes stay in the trail)."""
    if len(reason.strip()) < 3:
        raise StorageError("Give a reason for discarding the draft (at least 3 characters).")
    with db.write() as conn:
        if _row(conn, record_id) is None:
            raise StorageError("There is no draft to discard for this record.")
        conn.execute(delete(tables.drafts).where(tables.drafts.c.record_id == record_id))
        append_event(db, conn, "draft_discarded", staff_id=staff_id, record_id=record_id,
                     details={"reason": reason.strip()})


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every field that differs; answers are compared one by one.

    Example: ``{"answers": {"inr": 1.1}}`` then ``{"answers": {"inr": 1.3, "weight": 70}}`` gives
    ``[("answers.inr", 1.1, 1.3), ("answers.weight", None, 70)]``.
    """
    old, new = _flatten(before), _flatten(after)
    changes = []
    for path in sorted(old.keys() | new.keys()):
        a, b = old.get(path, _ABSENT), new.get(path, _ABSENT)
        if a != b:
            changes.append((path, None if a is _ABSENT else a, None if b is _ABSENT else b))
    return changes


def latest_version_id(conn: Connection, record_id: str) -> int | None:
    """The id of the record's newest signed version, or None if it was never signed."""
    v = tables.signed_versions.c
    newest = select(func.max(v.version_no)).where(v.record_id == record_id).scalar_subquery()
    query = select(v.version_id).where(v.record_id == record_id, v.version_no == newest)
    return conn.execute(query).scalar_one_or_none()


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in NOT_AUDITED:
            continue
        if key == "answers" and isinstance(value, Mapping):
            flat.update({f"answers.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def _signed_meanwhile(conn: Connection, record_id: str, given: int | None, latest: int | None) -> DraftConflictError:
    v = tables.signed_versions.c
    row = conn.execute(select(v.signer_id, v.workstation, v.signed_at).where(v.version_id == latest)).one_or_none()
    by, where, at = (row.signer_id, row.workstation, row.signed_at) if row is not None else (None, None, None)
    who = f" (by {staff_display(conn, by)} at {where}, {local_time(at)})" if row is not None else ""
    if given is None:
        text = (f"This checklist has been signed since it was opened{who}, so these changes were not saved "
                "into it. Open it again from the worklist to amend it.")
    else:
        text = (f"This amendment starts from a version that is no longer the latest: the record was signed "
                f"or amended meanwhile{who}. Open it again from the worklist.")
    return DraftConflictError(text, record_id=record_id, by=by, workstation=where, at=at, signed=True)


def _changed_meanwhile(conn: Connection, record_id: str, existing: Any) -> DraftConflictError:
    if existing is None:
        return DraftConflictError("This draft was discarded elsewhere since it was opened here, so these "
                                  "changes were not saved into it.", record_id=record_id)
    by = staff_display(conn, existing.saved_by)
    return DraftConflictError(
        f"This checklist was changed at {existing.workstation} by {by} ({local_time(existing.saved_at)}) since "
        f"it was read here, so these changes were not written over theirs.",
        record_id=record_id, by=existing.saved_by, workstation=existing.workstation, at=existing.saved_at)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _row(conn: Connection, record_id: str, *, lock: bool = False) -> Any:
    query = select(tables.drafts).where(tables.drafts.c.record_id == record_id)
    return conn.execute(query.with_for_update() if lock else query).one_or_none()


def _draft(row: Any) -> Draft:
    return Draft(row.record_id, row.form_id, row.form_version, row.base_version_id, json.loads(row.data),
                 row.revision, from_text(row.saved_at), row.saved_by, row.workstation, _baseline(row) == row.data)
