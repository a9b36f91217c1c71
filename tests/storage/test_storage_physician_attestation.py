"""A physician's statement (an item ``attested_by: physician``) is owned: the physician with their own PIN,
or a nurse recording it on the physician's word in those words; an attestation written into a draft behind
the app's back is refused at signing like a forged override."""

from __future__ import annotations

import pytest
from storage_helpers import PINS
from test_storage_attestations import sign_as_nurse, tamper_draft

from checklist_app.domain.errors import StorageError
from checklist_app.storage import Database, list_events, list_versions, load_draft, save_draft, verify_audit
from checklist_app.storage.clinical import attest_in_person, attest_on_word, physician_names, withdraw_attestation
from checklist_app.storage.staff import AuthenticationError

ITEM = "pain_attributed"


def test_a_physician_attests_with_their_own_pin(staffed: Database) -> None:
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {ITEM: True}}, staff_id="rn1")
    attestation = attest_in_person(staffed, "r1", ITEM, "md1", PINS["md1"])
    assert attestation.physician_id == "md1" and attestation.by == "md1"
    assert attestation.statement.startswith("Attested by ") and "own PIN" in attestation.statement
    event = [e for e in list_events(staffed) if e.event_type == "attestation_recorded"][-1]
    assert event.staff_id == "md1" and event.details["item_id"] == ITEM


def test_a_nurse_cannot_attest_as_a_physician_and_a_wrong_pin_is_refused(staffed: Database) -> None:
    with pytest.raises(AuthenticationError, match="physician"):
        attest_in_person(staffed, "r1", ITEM, "rn1", PINS["rn1"])
    with pytest.raises(AuthenticationError):
        attest_in_person(staffed, "r1", ITEM, "md1", "0000")
    assert not [e for e in list_events(staffed) if e.event_type == "attestation_recorded"]


def test_on_the_physicians_word_is_recorded_in_those_words(staffed: Database) -> None:
    attestation = attest_on_word(staffed, "r1", ITEM, "A. Mensah", "rn1", "Jane Doe, RN")
    assert attestation.statement == "Recorded by the nurse Jane Doe, RN on Dr A. Mensah's word"
    assert attestation.physician_id is None and attestation.by == "rn1"
    with pytest.raises(StorageError, match="Name the physician"):
        attest_on_word(staffed, "r1", ITEM, " D ", "rn1", "Jane Doe, RN")
    with pytest.raises(StorageError, match="not an active staff account"):
        attest_on_word(staffed, "r1", ITEM, "A. Mensah", "os:root", "workstation account root")


def test_attestations_given_in_the_app_are_signed_and_forged_ones_refused(staffed: Database) -> None:
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {ITEM: True}}, staff_id="rn1")
    real = attest_on_word(staffed, "r1", ITEM, "A. Mensah", "rn1", "Jane Doe, RN").model_dump(mode="json")
    forged = dict(real, statement="Attested by A. Mensah, MD (signed in with their own PIN)")
    tamper_draft(staffed, {"record_id": "r1", "answers": {ITEM: True}, "attestations": [forged]})
    assert any("attestation of item pain_attributed recorded by rn1 has no matching attestation" in p
               for p in verify_audit(staffed).problems)
    with pytest.raises(StorageError, match="attestation of item pain_attributed"):
        sign_as_nurse(staffed, load_draft(staffed, "r1").data)
    assert list_versions(staffed, "r1") == []
    version = sign_as_nurse(staffed, {"record_id": "r1", "answers": {ITEM: True}, "attestations": [real]})
    assert version.version_no == 1


def test_withdrawing_is_audited_and_physicians_are_listed(staffed: Database) -> None:
    attestation = attest_on_word(staffed, "r1", ITEM, "A. Mensah", "rn1", "Jane Doe, RN")
    withdraw_attestation(staffed, "r1", attestation, "rn1")
    assert [e.event_type for e in list_events(staffed)][-1] == "attestation_withdrawn"
    assert physician_names(staffed) == ["Mark Doctor, MD"]  # the physician only: not the nurse, not IT


def test_a_withdrawn_or_renamed_attestation_put_back_into_the_draft_is_refused(staffed: Database) -> None:
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {ITEM: True}}, staff_id="rn1")
    attestation = attest_on_word(staffed, "r1", ITEM, "A. Mensah", "rn1", "Jane Doe, RN")
    withdraw_attestation(staffed, "r1", attestation, "rn1")
    put_back = {"record_id": "r1", "answers": {ITEM: True}, "attestations": [attestation.model_dump(mode="json")]}
    with pytest.raises(StorageError, match="was withdrawn"):
        sign_as_nurse(staffed, put_back)
    again = attest_on_word(staffed, "r1", ITEM, "A. Mensah", "rn1", "Jane Doe, RN").model_dump(mode="json")
    renamed = dict(again, physician="B. Other", physician_id="md1")
    with pytest.raises(StorageError, match="no matching attestation"):
        sign_as_nurse(staffed, {"record_id": "r1", "answers": {ITEM: True}, "attestations": [renamed]})
    assert sign_as_nurse(staffed, {"record_id": "r1", "answers": {ITEM: True}, "attestations": [again]})


def test_an_attestation_withdrawn_after_signing_leaves_the_signed_version_sound(staffed: Database) -> None:
    """An amendment that unchecks the statement withdraws it from the amendment, not from the signed version."""
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {ITEM: True}}, staff_id="rn1")
    attestation = attest_on_word(staffed, "r1", ITEM, "A. Mensah", "rn1", "Jane Doe, RN")
    record = {"record_id": "r1", "answers": {ITEM: True}, "attestations": [attestation.model_dump(mode="json")]}
    sign_as_nurse(staffed, record)
    withdraw_attestation(staffed, "r1", attestation, "rn1")  # unchecked while amending
    assert not [p for p in verify_audit(staffed).problems if "attestation" in p]
