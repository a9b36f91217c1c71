"""Unaudited saves: typing reaches the draft at once but the audit trail only gets committed values.

``save_draft(..., audit=False)`` writes the data only; the next audited save records every field from the
last audited value to the new one. The autosaver ORs the flag of coalesced updates, and schema 3 adds the
audited baseline to databases made before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from storage_helpers import raw

from checklist_app.storage import Autosaver, Database, list_events, load_draft, open_database, save_draft
from checklist_app.storage.migrations import LATEST_VERSION


def field_changes(db: Database, record_id: str = "r1") -> list[tuple]:
    return [(e.details["field"], e.details["from"], e.details["to"])
            for e in list_events(db, record_id) if e.event_type == "field_changed"]


def test_unaudited_saves_write_data_only_and_the_next_audited_save_records_from_the_last_audited(
        db: Database) -> None:
    save_draft(db, "r1", {"answers": {"name": "Ann"}}, staff_id="rn1")
    assert field_changes(db) == [("answers.name", None, "Ann")]
    for fragment in ("Ok", "Okaf", "Okafor"):
        saved = save_draft(db, "r1", {"answers": {"name": fragment}}, staff_id="rn1", audit=False)
        assert load_draft(db, "r1").data == {"answers": {"name": fragment}}  # on disk at once
        assert not saved.audited
    assert field_changes(db) == [("answers.name", None, "Ann")]  # no keystroke fragments
    saved = save_draft(db, "r1", {"answers": {"name": "Okafor, Grace"}}, staff_id="rn1")
    assert saved.audited and saved.data == {"answers": {"name": "Okafor, Grace"}}
    assert field_changes(db)[1:] == [("answers.name", "Ann", "Okafor, Grace")]


def test_an_audited_save_of_data_already_saved_unaudited_still_records_it(db: Database) -> None:
    # Recovery: the draft holds typing saved unaudited before a crash; committing it as it stands
    # (same data) must still put it in the trail, once.
    save_draft(db, "r1", {"answers": {"note": "a"}}, staff_id="rn1")
    save_draft(db, "r1", {"answers": {"note": "ab"}}, staff_id="rn1", audit=False)
    assert load_draft(db, "r1").data == {"answers": {"note": "ab"}}  # what recovery gives back
    revision = save_draft(db, "r1", {"answers": {"note": "ab"}}, staff_id="rn2").revision
    assert field_changes(db)[1:] == [("answers.note", "a", "ab")]
    assert save_draft(db, "r1", {"answers": {"note": "ab"}}, staff_id="rn2").revision == revision  # nothing new
    assert len(field_changes(db)) == 2


def test_a_new_draft_saved_unaudited_is_created_and_audited_later_from_nothing(db: Database) -> None:
    save_draft(db, "r1", {"answers": {"note": "hal"}}, staff_id="rn1", audit=False)
    assert [e.event_type for e in list_events(db, "r1")] == ["created"]
    save_draft(db, "r1", {"answers": {"note": "half"}}, staff_id="rn1")
    assert field_changes(db) == [("answers.note", None, "half")]


def test_the_autosaver_audits_the_last_committed_state_never_typing_after_it(db: Database) -> None:
    saver = Autosaver(db, quiet=1.0, max_delay=1.0)  # everything below coalesces into one flush
    save_draft(db, "r1", {"answers": {"a": "x"}}, staff_id="rn1")
    saver.update("r1", {"answers": {"a": "x1"}}, staff_id="rn1", audit=False)
    saver.update("r1", {"answers": {"a": "x12"}}, staff_id="rn1")  # committed
    saver.update("r1", {"answers": {"a": "x12", "b": "Ok"}}, staff_id="rn1", audit=False)  # next field
    saver.flush()
    assert load_draft(db, "r1").data == {"answers": {"a": "x12", "b": "Ok"}}
    assert field_changes(db)[1:] == [("answers.a", "x", "x12")]  # the OR: audited, but not the "Ok"
    saver.update("r1", {"answers": {"a": "x12", "b": "Okafor"}}, staff_id="rn1", audit=False)
    saver.close()
    assert len(field_changes(db)) == 2
    assert not load_draft(db, "r1").audited


@pytest.mark.sqlite_only
def test_a_database_from_before_schema_3_is_upgraded_and_its_drafts_count_as_audited(data_dir: Path) -> None:
    with open_database(data_dir=data_dir) as db:
        save_draft(db, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1")
        with raw(db) as conn:  # make it a schema 2 database, as an app before schema 3 left it
            conn.execute("ALTER TABLE drafts DROP COLUMN audited_data")
            conn.execute("DELETE FROM schema_version WHERE version >= 3")
    with open_database(data_dir=data_dir) as db:
        with raw(db) as conn:
            assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == LATEST_VERSION
            assert conn.execute("SELECT audited_data FROM drafts").fetchone()[0] is None
        assert load_draft(db, "r1").audited
        save_draft(db, "r1", {"answers": {"inr": 1.2}}, staff_id="rn1", audit=False)
        save_draft(db, "r1", {"answers": {"inr": 1.3}}, staff_id="rn1")
        assert field_changes(db) == [("answers.inr", None, 1.1), ("answers.inr", 1.1, 1.3)]
