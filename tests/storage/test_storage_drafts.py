"""Drafts: saved in one transaction per call, half-typed data accepted, field changes in the trail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from signed_helpers import signed_content
from storage_helpers import PINS

from checklist_app.domain.errors import StorageError
from checklist_app.domain.record import RecordEnvelope
from checklist_app.storage import (
    Database,
    discard_draft,
    list_events,
    load_draft,
    recoverable_drafts,
    save_draft,
    sign,
)
from checklist_app.storage.drafts import changed_fields


def envelope_data(**answers: object) -> dict:
    envelope = RecordEnvelope(record_id="r1", form_id="vertebral_augmentation", form_version="1.0",
                              created_by="rn1", created_at=datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    return {**envelope.to_json_data(), "answers": dict(answers)}


def test_a_record_envelope_round_trips(db: Database) -> None:
    data = envelope_data(inr=1.1, patient_name="Ann Example")
    saved = save_draft(db, "r1", data, staff_id="rn1")
    assert (saved.revision, saved.form_id, saved.form_version) == (1, "vertebral_augmentation", "1.0")
    assert saved.saved_by == "rn1" and saved.workstation == "ws-test"
    assert load_draft(db, "r1").data == data


def test_a_half_typed_draft_is_saved_as_it_is(db: Database) -> None:
    half = {"answers": {"inr": "1.", "weight_kg": "", "last_dose": "2026-11-2"}}
    assert save_draft(db, "r1", half, staff_id="rn1").data == half


def test_python_values_are_stored_as_json(db: Database) -> None:
    moment = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
    saved = save_draft(db, "r1", {"answers": {"last_dose": moment, "sites": ("T12", "L1")}}, staff_id="rn1")
    assert saved.data == {"answers": {"last_dose": "2026-11-21T06:30:00Z", "sites": ["T12", "L1"]}}


def test_each_change_is_a_new_revision_and_unchanged_data_writes_nothing(db: Database) -> None:
    assert save_draft(db, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1").revision == 1
    assert save_draft(db, "r1", {"answers": {"inr": 1.3}}, staff_id="rn1").revision == 2
    events = len(list_events(db))
    assert save_draft(db, "r1", {"answers": {"inr": 1.3}}, staff_id="rn1").revision == 2
    assert len(list_events(db)) == events


def test_creation_and_each_field_change_are_audited_with_old_and_new_values(db: Database) -> None:
    save_draft(db, "r1", envelope_data(inr=1.1), staff_id="rn1")
    save_draft(db, "r1", {**envelope_data(inr=1.4, weight_kg=70), "updated_at": "ignored"}, staff_id="rn2")
    events = [(e.event_type, e.staff_id, e.details) for e in list_events(db, "r1")]
    assert events[0] == ("created", "rn1", {})
    changes = [d for kind, _, d in events if kind == "field_changed"]
    assert {"field": "answers.inr", "from": 1.1, "to": 1.4} in changes
    assert {"field": "answers.weight_kg", "from": None, "to": 70} in changes
    assert not any(c["field"] == "updated_at" for c in changes)
    assert all(e.workstation == "ws-test" for e in list_events(db, "r1"))


def test_changed_fields_compares_answers_one_by_one() -> None:
    assert changed_fields({"answers": {"inr": 1.1}}, {"answers": {"inr": 1.3, "weight": 70}}) == [
        ("answers.inr", 1.1, 1.3), ("answers.weight", None, 70)]
    assert changed_fields({"acknowledgements": []}, {"acknowledgements": [{"k": 1}]}) == [
        ("acknowledgements", [], [{"k": 1}])]


def test_recoverable_drafts_lists_the_unsigned_ones(staffed: Database) -> None:
    save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1")
    save_draft(staffed, "r2", {"answers": {"a": 2}}, staff_id="rn1")
    sign(staffed, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed",
         content=signed_content({"answers": {"a": 1}}), form_id="f", form_version="1")
    assert [d.record_id for d in recoverable_drafts(staffed)] == ["r2"]


def test_a_draft_cannot_overwrite_a_record_signed_meanwhile(staffed: Database) -> None:
    save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1")
    signed = sign(staffed, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed",
                  content=signed_content({"answers": {"a": 1}}), form_id="f", form_version="1")
    with pytest.raises(StorageError, match="signed since it was opened"):
        save_draft(staffed, "r1", {"answers": {"a": 2}}, staff_id="rn1")
    amending = save_draft(staffed, "r1", {"answers": {"a": 2}}, staff_id="rn1",
                          base_version_id=signed.version_id)
    assert amending.base_version_id == signed.version_id
    assert recoverable_drafts(staffed)[0].base_version_id == signed.version_id


def test_a_record_id_in_the_data_must_match(db: Database) -> None:
    with pytest.raises(ValueError, match="record_id differs"):
        save_draft(db, "r2", envelope_data(), staff_id="rn1")
    with pytest.raises(ValueError, match="invalid record id"):
        save_draft(db, "../etc", {}, staff_id="rn1")


def test_discarding_a_draft_needs_a_reason_and_is_audited(db: Database) -> None:
    save_draft(db, "r1", {"answers": {"a": 1}}, staff_id="rn1")
    with pytest.raises(StorageError, match="reason"):
        discard_draft(db, "r1", staff_id="rn1", reason="")
    discard_draft(db, "r1", staff_id="rn1", reason="patient cancelled")
    assert load_draft(db, "r1") is None
    assert list_events(db, "r1")[-1].details == {"reason": "patient cancelled"}
