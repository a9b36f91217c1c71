"""The site's settings and files in the shared database (storage.site_store): each save a new version with
its audit event in the same transaction; a save based on an older version, or racing another save, is
refused with who saved, never lost silently; site files are written once and the first writer wins."""

from __future__ import annotations

import threading

import pytest

from checklist_app.storage import list_events, site_store, verify_audit
from checklist_app.storage.site_store import (
    SiteFileError,
    SiteSettingsConflictError,
    add_files_once,
    latest_settings,
    read_files,
    save_settings,
)

A = {"facility_name": "Northside Spine Centre", "clinic_phone": "(555) 010-1111"}
B = {"facility_name": "Northside Spine Centre", "clinic_phone": "(555) 010-2222"}


def test_each_save_is_a_new_version_with_its_audit_event(staffed):
    assert latest_settings(staffed) is None
    first = save_settings(staffed, A, staff_id="it1", based_on=None, before={"facility_name": "Riverside"})
    second = save_settings(staffed, B, staff_id="it1", based_on=1, before=A)
    assert (first.version_no, second.version_no) == (1, 2)
    newest = latest_settings(staffed)
    assert newest.values == B and newest.saved_by == "it1" and newest.workstation == staffed.workstation
    events = [e for e in list_events(staffed) if e.event_type == "site_settings_changed"]
    assert [e.details for e in events] == [
        {"version": 1, "changes": {"facility_name": {"from": "Riverside", "to": "Northside Spine Centre"},
                                   "clinic_phone": {"from": None, "to": "(555) 010-1111"}}},
        {"version": 2, "changes": {"clinic_phone": {"from": "(555) 010-1111", "to": "(555) 010-2222"}}},
    ]
    assert all(e.staff_id == "it1" for e in events)
    assert verify_audit(staffed).ok


def test_a_save_based_on_an_older_version_is_refused_naming_who_saved(staffed):
    save_settings(staffed, A, staff_id="it1", based_on=None, before={})
    with pytest.raises(SiteSettingsConflictError, match=r"another administrator.*it1 at ws-test saved version 1"):
        save_settings(staffed, B, staff_id="it2", based_on=None, before={})  # opened before version 1 existed
    assert latest_settings(staffed).values == A
    assert len([e for e in list_events(staffed) if e.event_type == "site_settings_changed"]) == 1


def test_two_admins_saving_at_once_one_wins_and_the_other_is_told(staffed, backend, monkeypatch):
    """Both read "no version yet" inside their transactions before either inserts (on PostgreSQL, forced
    with a barrier; SQLite's BEGIN IMMEDIATE makes the second wait for the first, then see its version)."""
    real_latest = site_store._latest
    if backend == "postgresql":
        barrier = threading.Barrier(2, timeout=10)
        waited: set[int] = set()

        def latest_then_wait(conn):
            found = real_latest(conn)
            if threading.get_ident() not in waited:  # only the read inside the save, not the refusal's
                waited.add(threading.get_ident())
                barrier.wait()
            return found

        monkeypatch.setattr(site_store, "_latest", latest_then_wait)
    outcomes: dict[str, object] = {}

    def save(who: str, values: dict) -> None:
        try:
            outcomes[who] = save_settings(staffed, values, staff_id=who, based_on=None, before={}).version_no
        except SiteSettingsConflictError as exc:
            outcomes[who] = exc

    threads = [threading.Thread(target=save, args=("it1", A)), threading.Thread(target=save, args=("it2", B))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    monkeypatch.setattr(site_store, "_latest", real_latest)
    won = [who for who, result in outcomes.items() if result == 1]
    lost = [result for result in outcomes.values() if isinstance(result, SiteSettingsConflictError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert f"{won[0]} at ws-test saved version 1" in str(lost[0])
    assert latest_settings(staffed).saved_by == won[0]
    assert len([e for e in list_events(staffed) if e.event_type == "site_settings_changed"]) == 1
    assert verify_audit(staffed).ok


def test_site_files_are_written_once_and_the_first_writer_wins(db):
    first = add_files_once(db, {"seal.p12": b"first key", "root.pem": b"first root"}, created_by="os:a")
    second = add_files_once(db, {"seal.p12": b"second key", "root.pem": b"second root"}, created_by="os:b")
    assert first == second == {"seal.p12": b"first key", "root.pem": b"first root"}
    assert read_files(db, ("seal.p12", "missing")) == {"seal.p12": b"first key"}


def test_a_half_present_set_of_files_is_an_error_not_a_silent_mix(db):
    """A later file of the set taken (the primary key refuses it) while the first is absent: the insert is
    rolled back, and the missing file is named, rather than pairing one workstation's key with another's root."""
    add_files_once(db, {"root.pem": b"someone's root"}, created_by="os:a")
    with pytest.raises(SiteFileError, match="seal.p12"):
        add_files_once(db, {"seal.p12": b"my key", "root.pem": b"my root"}, created_by="os:b")
    assert read_files(db, ("seal.p12", "root.pem")) == {"root.pem": b"someone's root"}


@pytest.mark.sqlite_only
def test_a_site_file_changed_in_the_database_is_refused(db):
    import sqlite3

    add_files_once(db, {"seal.p12": b"key"}, created_by="os:a")
    raw = sqlite3.connect(db.path)
    raw.execute("UPDATE site_files SET content = ? WHERE name = 'seal.p12'", (b"other key",))
    raw.commit()
    raw.close()
    with pytest.raises(SiteFileError, match="changed after it was stored"):
        read_files(db, ("seal.p12",))
