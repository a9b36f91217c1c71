"""Who has a checklist open, where and since when; taking one over; answers set aside; the board's stamp.

Several workstations (or two app windows on one SQLite file) share the checklists. A running app has a
``session_id``; opening a draft for work *claims* it (one ``checkouts`` row per record). While another
live app holds it, the others are told who has it ("Open at BAY-2 by Jane Doe, RN since 08:12") and may
read it, or *take it over*, which is audited. Drafts refuse saves from any app but the holder (drafts.py),
so a taken-over workstation's unsaved typing cannot land on top: the caller sets it aside here instead,
and whoever holds the checklist next is offered it back, answer by answer.

A holder refreshes ``seen_at`` every ``HEARTBEAT_SECONDS`` while it runs; a row not seen for
``STALE_AFTER`` belongs to an app that stopped without closing (a crash, a pulled cable) and may be
claimed without taking it over.

``board_stamp`` is what workstations poll to notice changes made elsewhere: the audit chain's head moves
with every audited change (created, committed answers, signed, printed, opened, taken over) and the
checkouts table with every open and close; reading both is two primary-key-sized queries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from checklist_app.domain import conventions
from checklist_app.domain.canonical import canonical_json
from checklist_app.domain.errors import DraftConflictError, StorageError
from checklist_app.storage import tables
from checklist_app.storage.audit import append_event
from checklist_app.storage.clock import from_text, to_text, utc_now, utc_now_text
from checklist_app.storage.database import Database

HEARTBEAT_SECONDS = 20.0
STALE_AFTER = timedelta(seconds=90)


@dataclass(frozen=True)
class Holder:
    """An app holding a checklist open: who, where, since when, and when it was last heard from."""

    record_id: str
    session_id: str
    staff_id: str
    staff_name: str  # 'Jane Doe, RN', or the staff ID when it is no account (os:login)
    workstation: str
    opened_at: datetime
    seen_at: datetime

    def describe(self) -> str:
        """'Open at BAY-2 by Jane Doe, RN since 08:12'."""
        return f"Open at {self.workstation} by {self.staff_name} since {local_time(to_text(self.opened_at))}"


@dataclass(frozen=True)
class SetAside:
    """Answers an app had not saved when the checklist changed under it, kept to be offered back."""

    set_aside_id: int
    record_id: str
    data: dict[str, Any]
    based_on_revision: int | None
    staff_id: str
    staff_name: str
    workstation: str
    set_aside_at: datetime


def staff_display(conn: Connection, staff_id: str | None) -> str:
    """'Jane Doe, RN' for a staff account; the ID itself otherwise (os:login, a removed account)."""
    if staff_id is None:
        return "someone"
    c = tables.staff.c
    row = conn.execute(select(c.name, c.credentials).where(c.staff_id == staff_id)).one_or_none()
    return f"{row.name}, {row.credentials}" if row is not None else staff_id


def local_time(text: str | None) -> str:
    """A stored UTC time as this computer's local clock time: '08:12', or '2 Dec 08:12' if not today."""
    if not text:
        return "an unknown time"
    moment = from_text(text).astimezone()
    if moment.date() == datetime.now().astimezone().date():
        return conventions.format_time(moment)
    return f"{conventions.format_day_month(moment.date())} {conventions.format_time(moment)}"


def _fresh(row: Any, now: datetime) -> bool:
    return from_text(row.seen_at) > now - STALE_AFTER


def _holder(conn: Connection, row: Any) -> Holder:
    return Holder(row.record_id, row.session_id, row.staff_id, staff_display(conn, row.staff_id), row.workstation,
                  from_text(row.opened_at), from_text(row.seen_at))


def _row(conn: Connection, record_id: str, *, lock: bool = False) -> Any:
    query = select(tables.checkouts).where(tables.checkouts.c.record_id == record_id)
    return conn.execute(query.with_for_update() if lock else query).one_or_none()


def refuse_if_held_elsewhere(conn: Connection, record_id: str, session_id: str) -> None:
    """Inside a write: a DraftConflictError when another live app holds the checklist (it was taken over)."""
    row = _row(conn, record_id)
    if row is None or row.session_id == session_id or not _fresh(row, utc_now()):
        return
    holder = _holder(conn, row)
    raise DraftConflictError(
        f"This checklist was taken over at {holder.workstation} by {holder.staff_name} "
        f"({local_time(row.opened_at)}), so these changes were not saved into it.",
        record_id=record_id, by=row.staff_id, workstation=row.workstation, at=row.opened_at)


def claim(db: Database, record_id: str, *, session_id: str, staff_id: str) -> Holder | None:
    """Hold a checklist open for work: None when this app now holds it, else the live app that does."""
    now = utc_now()
    with db.write() as conn:
        row = _row(conn, record_id, lock=True)
        if row is not None and row.session_id != session_id and _fresh(row, now):
            return _holder(conn, row)
        if not _put(db, conn, record_id, session_id, staff_id, now, replace=row is not None):
            return _holder(conn, _row(conn, record_id))  # another app claimed it this very moment
        if row is None or row.session_id != session_id:
            details = {"after_stale": row.workstation} if row is not None else {}
            append_event(db, conn, "opened", staff_id=staff_id, record_id=record_id, details=details)
    return None


def take_over(db: Database, record_id: str, *, session_id: str, staff_id: str) -> Holder | None:
    """Hold a checklist another app has open (audited); returns who had it (None if nobody did by now).

    The other app is refused its next save (its unsaved answers are then set aside, not lost) and notices
    at once through the board (``board_stamp``)."""
    now = utc_now()
    with db.write() as conn:
        row = _row(conn, record_id, lock=True)
        if row is None and not _put(db, conn, record_id, session_id, staff_id, now, replace=False):
            row = _row(conn, record_id, lock=True)  # claimed by another app this very moment: take it from it
        previous = _holder(conn, row) if row is not None and row.session_id != session_id else None
        if row is not None:
            _put(db, conn, record_id, session_id, staff_id, now, replace=True)
        if previous is not None:
            append_event(db, conn, "taken_over", staff_id=staff_id, record_id=record_id, details={
                "from_staff": previous.staff_id, "from_workstation": previous.workstation,
                "open_since": to_text(previous.opened_at)})
        elif row is None:
            append_event(db, conn, "opened", staff_id=staff_id, record_id=record_id)
    return previous


def _put(db: Database, conn: Connection, record_id: str, session_id: str, staff_id: str, now: datetime, *,
         replace: bool) -> bool:
    """Write this app's hold; False when a new row lost the race to another app's (on a server)."""
    values = {"session_id": session_id, "staff_id": staff_id, "workstation": db.workstation,
              "opened_at": to_text(now), "seen_at": to_text(now)}
    if replace:
        conn.execute(update(tables.checkouts).where(tables.checkouts.c.record_id == record_id).values(**values))
        return True
    try:
        with conn.begin_nested():
            conn.execute(insert(tables.checkouts).values(record_id=record_id, **values))
    except IntegrityError:
        return False
    return True


def release(db: Database, record_id: str, *, session_id: str) -> None:
    """Close a checklist this app holds (a row another app took over meanwhile is left alone)."""
    c = tables.checkouts.c
    with db.write() as conn:
        conn.execute(delete(tables.checkouts).where(c.record_id == record_id, c.session_id == session_id))


def heartbeat(db: Database, session_id: str) -> set[str]:
    """Say this app is still running; returns the records it still holds (one taken over is missing)."""
    c = tables.checkouts.c
    with db.write() as conn:
        conn.execute(update(tables.checkouts).where(c.session_id == session_id).values(seen_at=utc_now_text()))
        return set(conn.execute(select(c.record_id).where(c.session_id == session_id)).scalars())


def holder(db: Database, record_id: str) -> Holder | None:
    """The live app holding a checklist open, or None."""
    with db.read() as conn:
        row = _row(conn, record_id)
        return _holder(conn, row) if row is not None and _fresh(row, utc_now()) else None


def holders(db: Database) -> dict[str, Holder]:
    """Every checklist held open by a live app, by record id (for the worklist's "open at" column)."""
    now = utc_now()
    with db.read() as conn:
        names: dict[str, str] = {}
        found = {}
        for row in conn.execute(select(tables.checkouts)):
            if not _fresh(row, now):
                continue
            if row.staff_id not in names:
                names[row.staff_id] = staff_display(conn, row.staff_id)
            found[row.record_id] = Holder(row.record_id, row.session_id, row.staff_id, names[row.staff_id],
                                          row.workstation, from_text(row.opened_at), from_text(row.seen_at))
        return found


def board_stamp(db: Database) -> tuple[Any, ...]:
    """A value that changes whenever a change made anywhere could change the worklist."""
    c = tables.checkouts.c
    with db.read() as conn:
        head = conn.execute(select(tables.chain_head.c.last_seq).where(tables.chain_head.c.id == 1)).scalar()
        opened = conn.execute(select(func.count(), func.max(c.opened_at))).one()
    return (head, opened[0], opened[1])


# --- answers set aside --------------------------------------------------------------------------------------
def set_aside(db: Database, record_id: str, data: dict[str, Any], *, based_on: int | None, staff_id: str) -> int:
    """Keep answers that could not be saved into the checklist (audited); returns the set-aside id."""
    with db.write() as conn:
        new_id = conn.execute(insert(tables.set_aside).values(
            record_id=record_id, data=canonical_json(data).decode(), based_on_revision=based_on,
            staff_id=staff_id, workstation=db.workstation, set_aside_at=utc_now_text(),
        ).returning(tables.set_aside.c.set_aside_id)).scalar_one()
        append_event(db, conn, "answers_set_aside", staff_id=staff_id, record_id=record_id,
                     details={"set_aside_id": new_id, "based_on_revision": based_on})
    return int(new_id)


def open_set_asides(db: Database, record_id: str) -> list[SetAside]:
    """Answers set aside for a checklist and not yet gone through, oldest first."""
    c = tables.set_aside.c
    query = (select(tables.set_aside).where(c.record_id == record_id, c.resolved_at.is_(None))
             .order_by(c.set_aside_id))
    with db.read() as conn:
        return [SetAside(row.set_aside_id, row.record_id, json.loads(row.data), row.based_on_revision, row.staff_id,
                         staff_display(conn, row.staff_id), row.workstation, from_text(row.set_aside_at))
                for row in conn.execute(query)]


def resolve_set_aside(db: Database, set_aside_id: int, *, staff_id: str, taken: list[str]) -> None:
    """Record that someone went through set-aside answers; ``taken``: the fields whose value they used."""
    c = tables.set_aside.c
    with db.write() as conn:
        row = conn.execute(select(c.record_id, c.resolved_at).where(c.set_aside_id == set_aside_id)).one_or_none()
        if row is None or row.resolved_at is not None:
            raise StorageError("Those set-aside answers were already gone through (perhaps at another "
                               "workstation); nothing was changed.")
        conn.execute(update(tables.set_aside).where(c.set_aside_id == set_aside_id)
                     .values(resolved_at=utc_now_text(), resolved_by=staff_id))
        append_event(db, conn, "set_aside_resolved", staff_id=staff_id, record_id=row.record_id,
                     details={"set_aside_id": set_aside_id, "taken": sorted(taken)})
