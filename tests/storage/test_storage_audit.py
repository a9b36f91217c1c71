"""The audit trail: a hash chain in which a changed, deleted or reordered event is found."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from storage_helpers import DRIVER_ERRORS, PgRaw, drop_guards, raw

from checklist_app.storage import Database, list_events, log_event, save_draft, verify_audit
from checklist_app.storage.audit import event_hash
from checklist_app.storage.migrations import GENESIS_HASH


@pytest.fixture
def trail(staffed: Database) -> Database:
    """A trail of staff_added x3, then created/field_changed/printed events for two records."""
    save_draft(staffed, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1")
    save_draft(staffed, "r1", {"answers": {"inr": 1.3}}, staff_id="rn1")
    save_draft(staffed, "r2", {"answers": {"weight": 70}}, staff_id="rn1")
    log_event(staffed, "printed", staff_id="rn1", record_id="r1", details={"version_id": 1})
    assert verify_audit(staffed).ok
    return staffed


def tamper(db: Database) -> Any:
    conn = raw(db)
    drop_guards(conn, "audit_events")
    return conn


def test_an_intact_chain_is_ok_and_linked_from_genesis(trail: Database) -> None:
    events = list_events(trail)
    report = verify_audit(trail)
    assert (report.ok, report.count, report.problems) == (True, len(events), ())
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


def test_the_trail_refuses_update_and_delete(trail: Database) -> None:
    # Even to a connection around the app (on PostgreSQL: the superuser, for whom grants do not count).
    with raw(trail) as conn:
        for sql in ("UPDATE audit_events SET staff_id = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(DRIVER_ERRORS, match="append-only"):
                conn.execute(sql)
    assert verify_audit(trail).ok


def test_a_changed_event_is_found(trail: Database) -> None:
    with tamper(trail) as conn:
        conn.execute("""UPDATE audit_events SET details = '{"field":"answers.inr","from":1.1,"to":0.9}'
                        WHERE seq = 5""")
    report = verify_audit(trail)
    assert not report.ok and report.first_broken_seq == 5
    assert report.problems[0] == ("event 5 (field_changed) was changed after it was written: its contents "
                                  "no longer match its hash")


def test_a_changed_staff_id_or_time_is_found(trail: Database) -> None:
    with tamper(trail) as conn:
        conn.execute("UPDATE audit_events SET occurred_at = '2020-01-01T00:00:00.000000+00:00' WHERE seq = 2")
    assert verify_audit(trail).first_broken_seq == 2


def test_a_deleted_event_is_found(trail: Database) -> None:
    with tamper(trail) as conn:
        conn.execute("DELETE FROM audit_events WHERE seq = 4")
    report = verify_audit(trail)
    assert report.first_broken_seq == 5
    assert report.problems[0].startswith("event 4 is missing (the next event is 5)")


def test_a_deleted_and_renumbered_event_is_found(trail: Database) -> None:
    with tamper(trail) as conn:
        conn.execute("DELETE FROM audit_events WHERE seq = 4")
        conn.execute("UPDATE audit_events SET seq = seq - 1 WHERE seq > 4")
    report = verify_audit(trail)
    assert report.first_broken_seq == 4
    assert "does not follow event 3" in report.problems[0]


def test_reordered_events_are_found(trail: Database) -> None:
    with tamper(trail) as conn:
        columns = "event_type, record_id, staff_id, workstation, occurred_at, details, prev_hash, hash"
        a = conn.execute(f"SELECT {columns} FROM audit_events WHERE seq = 5").fetchone()
        b = conn.execute(f"SELECT {columns} FROM audit_events WHERE seq = 6").fetchone()
        assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
        conn.execute(f"UPDATE audit_events SET {assignments} WHERE seq = 5", b)
        conn.execute(f"UPDATE audit_events SET {assignments} WHERE seq = 6", a)
    report = verify_audit(trail)
    assert report.first_broken_seq == 5
    assert "event 5 (field_changed) does not follow event 4" in report.problems[0]


def test_events_cut_off_the_end_are_found(trail: Database) -> None:
    last = verify_audit(trail).count
    with tamper(trail) as conn:
        conn.execute("DELETE FROM audit_events WHERE seq >= ?", (last - 1,))
    report = verify_audit(trail)
    assert report.first_broken_seq is None
    assert report.problems[0] == (f"the trail ends at event {last - 2} but {last} events were written: "
                                  f"the last 2 were deleted")


def test_a_removed_guard_is_reported(trail: Database) -> None:
    with raw(trail) as conn:
        conn.execute("DROP TRIGGER audit_events_no_delete" + (" ON audit_events" if isinstance(conn, PgRaw) else ""))
    assert verify_audit(trail).problems == (
        "the database guard 'audit_events_no_delete' was removed, so the database was altered outside the app",)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.integers(), st.text(max_size=8)),
                       max_size=4),
       st.sampled_from(["seq", "type", "record", "staff", "station", "at", "details", "prev"]))
def test_every_part_of_an_event_is_covered_by_its_hash(details: dict, part: str) -> None:
    args = dict(seq=7, event_type="field_changed", record_id="r1", staff_id="rn1", workstation="ws",
                occurred_at="2026-11-21T08:00:00.000000+00:00", details=details, prev_hash="a" * 64)
    key = {"seq": "seq", "type": "event_type", "record": "record_id", "staff": "staff_id",
           "station": "workstation", "at": "occurred_at", "details": "details", "prev": "prev_hash"}[part]
    changed = dict(args)
    changed[key] = 8 if key == "seq" else ({**details, "_x": 1} if key == "details" else f"{args[key]}x")
    assert event_hash(**args) != event_hash(**changed)
