"""The audit trail: append-only events, each chained to the previous one by SHA-256.

Every event stores who (staff id), where (workstation), when (UTC), what (type and details) and the hash
of the event before it; its own hash covers all of that. Changing, deleting, inserting or reordering
any event therefore breaks a link that ``verify_audit`` finds, and the chain head (last number and hash,
updated with every append) reveals events cut off the end. Triggers also refuse UPDATE and DELETE outright
(and TRUNCATE on PostgreSQL, where the application role is not even granted them). The chain proves the
trail was not edited *through* the database; someone who can rewrite the whole file (or a superuser on
the server) can recompute it, which is why backups (kept elsewhere) matter.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, insert, select, update

from checklist_app.domain.canonical import canonical_json, sha256_hex
from checklist_app.storage import tables
from checklist_app.storage.attestations import unproven_anywhere
from checklist_app.storage.clock import utc_now_text
from checklist_app.storage.database import Database
from checklist_app.storage.migrations import GENESIS_HASH, GUARD_TRIGGERS, PG_GUARD_FUNCTION, PG_GUARD_TRIGGERS

EVENT_TYPES = frozenset({
    "created", "field_changed", "draft_discarded", "finding_acknowledged", "override", "signed",
    "amended", "document_attached", "printed", "exported", "login_failed", "account_locked", "unlocked",
    "staff_added", "pin_changed", "site_settings_changed",
    # Who opened a checklist for work, took it over from another workstation, or had typing set aside.
    "opened", "taken_over", "answers_set_aside", "set_aside_resolved",
    "pin_rehashed",  # a PIN hash renewed with stronger parameters as its owner signed in
    "imported",  # answers filled from the chart (source, resources, items filled) or a choice on a pull again
    # A physician's statement owned: by the physician's PIN or on their word, and withdrawn when unticked.
    "attestation_recorded", "attestation_withdrawn",
})


@dataclass(frozen=True)
class AuditEvent:
    """One event of the trail, as stored."""

    seq: int
    event_type: str
    record_id: str | None
    staff_id: str
    workstation: str
    occurred_at: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditReport:
    """What ``verify_audit`` found: the number of events, and each problem in words (none when intact)."""

    count: int
    problems: tuple[str, ...] = ()
    first_broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        """True when the chain is unbroken and the guards are in place."""
        return not self.problems


def event_hash(seq: int, event_type: str, record_id: str | None, staff_id: str, workstation: str,
               occurred_at: str, details: Any, prev_hash: str) -> str:
    """The SHA-256 of one event's canonical JSON, the previous event's hash included."""
    return sha256_hex({
        "seq": seq, "type": event_type, "record_id": record_id, "staff_id": staff_id,
        "workstation": workstation, "at": occurred_at, "details": details, "prev": prev_hash,
    })


def append_event(db: Database, conn: Connection, event_type: str, *, staff_id: str,
                 record_id: str | None = None, details: Mapping[str, Any] | None = None) -> AuditEvent:
    """Append one event inside the caller's write transaction (so it commits with the change it records)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown audit event type {event_type!r}")
    data = to_jsonable_python(dict(details or {}))
    # FOR UPDATE locks the head row on a server; SQLite's BEGIN IMMEDIATE already serialises writers.
    head = conn.execute(select(tables.chain_head).where(tables.chain_head.c.id == 1).with_for_update()).one()
    seq, prev = head.last_seq + 1, head.last_hash
    at = utc_now_text()
    digest = event_hash(seq, event_type, record_id, staff_id, db.workstation, at, data, prev)
    conn.execute(insert(tables.audit_events).values(
        seq=seq, event_type=event_type, record_id=record_id, staff_id=staff_id, workstation=db.workstation,
        occurred_at=at, details=canonical_json(data).decode(), prev_hash=prev, hash=digest,
    ))
    conn.execute(update(tables.chain_head).where(tables.chain_head.c.id == 1)
                 .values(last_seq=seq, last_hash=digest))
    return AuditEvent(seq, event_type, record_id, staff_id, db.workstation, at, data, prev, digest)


def log_event(db: Database, event_type: str, *, staff_id: str, record_id: str | None = None,
              details: Mapping[str, Any] | None = None) -> AuditEvent:
    """Append one event in its own transaction (printed, exported: actions with nothing else to store)."""
    with db.write() as conn:
        return append_event(db, conn, event_type, staff_id=staff_id, record_id=record_id, details=details)


def list_events(db: Database, record_id: str | None = None) -> list[AuditEvent]:
    """The events in order, all of them or those of one record."""
    query = select(tables.audit_events).order_by(tables.audit_events.c.seq)
    if record_id is not None:
        query = query.where(tables.audit_events.c.record_id == record_id)
    with db.read() as conn:
        return [_event(row) for row in conn.execute(query)]


def _event(row: Any) -> AuditEvent:
    return AuditEvent(row.seq, row.event_type, row.record_id, row.staff_id, row.workstation,
                      row.occurred_at, json.loads(row.details), row.prev_hash, row.hash)


def verify_audit(db: Database) -> AuditReport:
    """Walk the chain from the first event; report the first broken link, a cut-off end, missing guards."""
    problems: list[str] = []
    first_broken: int | None = None
    count, last_seq, last_hash = 0, 0, GENESIS_HASH
    with db.read() as conn:
        for row in conn.execute(select(tables.audit_events).order_by(tables.audit_events.c.seq)):
            count += 1
            if first_broken is None:
                problem = _link_problem(row, last_seq, last_hash)
                if problem:
                    problems.append(problem)
                    first_broken = row.seq
            last_seq, last_hash = row.seq, row.hash
        head = conn.execute(select(tables.chain_head).where(tables.chain_head.c.id == 1)).one_or_none()
        problems += _head_problems(head, last_seq, last_hash)
        problems += _missing_guards(conn)
        problems += unproven_anywhere(conn)
        from checklist_app.storage.staff_audit import staff_problems  # it imports staff, which imports this

        problems += staff_problems(conn)
    return AuditReport(count, tuple(problems), first_broken)


def _link_problem(row: Any, prev_seq: int, prev_hash: str) -> str | None:
    # Order of checks: a gap, then the link, then the event itself, so each kind of edit gets the most
    # telling sentence (a swapped pair breaks the link; an edited event breaks only its own hash).
    if row.seq != prev_seq + 1:
        return (f"event {prev_seq + 1} is missing (the next event is {row.seq}): "
                f"events were deleted from the trail")
    if row.prev_hash != prev_hash:
        return (f"event {row.seq} ({row.event_type}) does not follow event {prev_seq}: its link to the "
                f"previous event's hash does not match, so an event was deleted, inserted or moved")
    try:
        details = json.loads(row.details)
    except ValueError:
        details = None
    expected = event_hash(row.seq, row.event_type, row.record_id, row.staff_id, row.workstation,
                          row.occurred_at, details, row.prev_hash)
    if details is None or expected != row.hash:
        return (f"event {row.seq} ({row.event_type}) was changed after it was written: its contents no "
                f"longer match its hash")
    return None


def _head_problems(head: Any, last_seq: int, last_hash: str) -> list[str]:
    if head is None:
        return ["the chain head (the record of the last event written) has been deleted"]
    if head.last_seq > last_seq:
        missing = head.last_seq - last_seq
        return [f"the trail ends at event {last_seq} but {head.last_seq} events were written: "
                f"the last {missing} were deleted"]
    if head.last_seq < last_seq:
        return [f"events after {head.last_seq} were added outside the app (the chain head ends there)"]
    if head.last_hash != last_hash:
        return [f"event {last_seq} is not the event written last (its hash differs from the chain head)"]
    return []


def _missing_guards(conn: Connection) -> list[str]:
    if conn.dialect.name == "sqlite":
        triggers = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        expected, present, disabled = GUARD_TRIGGERS, {row[0] for row in triggers}, set()
    elif conn.dialect.name == "postgresql":
        # Our triggers on our tables, calling our function; tgenabled 'D' is ALTER TABLE ... DISABLE TRIGGER.
        rows = conn.exec_driver_sql(
            "SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND p.proname = %(function)s AND t.tgrelid::regclass::text = "
            "split_part(t.tgname, '_no_', 1)", {"function": PG_GUARD_FUNCTION}).all()
        expected = PG_GUARD_TRIGGERS
        present, disabled = {row[0] for row in rows}, {row[0] for row in rows if row[1] == "D"}
    else:
        return []
    return [f"the database guard '{name}' was removed, so the database was altered outside the app"
            for name in expected if name not in present] + [
        f"the database guard '{name}' was switched off, so the database could be altered outside the app"
        for name in expected if name in disabled]
