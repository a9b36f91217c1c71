"""Staff accounts: scrypt-hashed PINs, five wrong PINs lock, an admin unlocks, physicians override."""

from __future__ import annotations

from datetime import UTC

import pytest
from storage_helpers import PINS

from checklist_app.domain.errors import StorageError
from checklist_app.domain.record import Acknowledgement, Override
from checklist_app.storage import (
    AuthenticationError,
    Database,
    acknowledge_finding,
    get_staff,
    list_events,
    list_staff,
    pins,
    record_override,
    set_pin,
    tables,
    unlock_staff,
    verify_pin,
)
from checklist_app.storage.pins import PinPolicyError


def stored_hash(db: Database, staff_id: str) -> str:
    with db.read() as conn:
        return conn.execute(tables.staff.select().where(tables.staff.c.staff_id == staff_id)).one().pin_hash


def test_pins_are_hashed_with_scrypt_a_salt_per_account_and_the_parameters(staffed: Database) -> None:
    set_pin(staffed, "md1", PINS["rn1"], actor="os:test")  # same PIN, two accounts
    a, b = stored_hash(staffed, "rn1"), stored_hash(staffed, "md1")
    assert a.startswith("scrypt$") and PINS["rn1"] not in a
    scheme, n, r, p, salt, key = a.split("$")
    assert (int(r), int(p), len(bytes.fromhex(salt)), len(bytes.fromhex(key))) == (8, 1, 16, 32)
    assert a.split("$")[4] != b.split("$")[4] and a != b


def test_production_cost_is_memory_hard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real parameters, not the test speed-up
    stored = pins.hash_pin("2468")
    assert stored.split("$")[1:4] == [str(2**15), "8", "1"]  # 128 * n * r = 32 MiB per check
    assert pins.check_pin("2468", stored) and not pins.check_pin("2469", stored)


def test_a_weaker_hash_is_upgraded_at_the_next_correct_pin(staffed: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "SCRYPT_N", 2**11)
    verify_pin(staffed, "rn1", PINS["rn1"])
    assert stored_hash(staffed, "rn1").split("$")[1] == str(2**11)


def test_the_right_pin_returns_the_account(staffed: Database) -> None:
    member = verify_pin(staffed, "rn1", PINS["rn1"])
    assert (member.staff_id, member.display, member.role) == ("rn1", "Rita Nurse, RN", "nurse")


def test_pin_rules(staffed: Database) -> None:
    with pytest.raises(PinPolicyError, match="at least 4"):
        set_pin(staffed, "rn1", "123", actor="os:test")
    with pytest.raises(PinPolicyError, match="space"):
        set_pin(staffed, "rn1", " 1234", actor="os:test")
    with pytest.raises(StorageError, match="no staff account"):
        set_pin(staffed, "nobody", "1234", actor="os:test")


def test_five_wrong_pins_lock_the_account_until_an_admin_unlocks_it(staffed: Database) -> None:
    for attempt in range(1, 5):
        with pytest.raises(AuthenticationError, match=f"{5 - attempt} attempts left"):
            verify_pin(staffed, "rn1", "0000", record_id="r1")
    with pytest.raises(AuthenticationError, match="locked after 5 wrong PINs.*staff unlock rn1") as caught:
        verify_pin(staffed, "rn1", "0000")
    assert caught.value.locked
    with pytest.raises(AuthenticationError, match="locked"):
        verify_pin(staffed, "rn1", PINS["rn1"])  # even the right PIN, until unlocked
    assert get_staff(staffed, "rn1").locked

    kinds = [e.event_type for e in list_events(staffed) if e.staff_id == "rn1"]
    assert kinds == ["login_failed"] * 5 + ["account_locked", "login_failed"]
    assert [e.details["attempt"] for e in list_events(staffed, "r1")] == [1, 2, 3, 4]

    unlock_staff(staffed, "rn1", actor="it1")
    assert verify_pin(staffed, "rn1", PINS["rn1"]).failed_attempts == 0
    assert list_events(staffed)[-1].event_type == "unlocked"
    assert list_events(staffed)[-1].details == {"account": "rn1", "was_locked": True, "failed_attempts": 5}


def test_a_right_pin_resets_the_count(staffed: Database) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            verify_pin(staffed, "rn1", "0000")
    verify_pin(staffed, "rn1", PINS["rn1"])
    with pytest.raises(AuthenticationError, match="4 attempts left"):
        verify_pin(staffed, "rn1", "0000")


def test_an_unknown_id_gets_the_same_answer_and_is_audited(staffed: Database) -> None:
    with pytest.raises(AuthenticationError, match="^The staff ID or PIN is not correct.$"):
        verify_pin(staffed, "ghost", "1234")
    last = list_events(staffed)[-1]
    assert (last.event_type, last.staff_id, last.details["reason"]) == ("login_failed", "ghost",
                                                                       "unknown staff ID")


def test_list_staff_never_shows_hashes(staffed: Database) -> None:
    members = list_staff(staffed)
    assert [m.staff_id for m in members] == ["it1", "md1", "rn1"]
    assert not any("scrypt" in repr(m) for m in members)


def test_a_physician_overrides_with_their_own_pin_and_a_reason(staffed: Database) -> None:
    override = record_override(staffed, "r1", "inr_high", "md1", PINS["md1"], "Reversed with vitamin K")
    assert isinstance(override, Override)
    assert (override.physician_id, override.finding_key) == ("md1", "inr_high")
    event = list_events(staffed, "r1")[-1]
    assert (event.event_type, event.staff_id) == ("override", "md1")
    assert event.details == {"finding_key": "inr_high", "reason": "Reversed with vitamin K",
                             "at": override.at.astimezone(UTC).isoformat(timespec="microseconds")}


def test_an_override_is_refused_to_a_nurse_a_wrong_pin_and_a_locked_physician(staffed: Database) -> None:
    with pytest.raises(AuthenticationError, match="only a physician can override"):
        record_override(staffed, "r1", "inr_high", "rn1", PINS["rn1"], "I think it is fine")
    with pytest.raises(AuthenticationError, match="not correct"):
        record_override(staffed, "r1", "inr_high", "md1", "0000", "Reversed")
    with pytest.raises(StorageError, match="reason"):
        record_override(staffed, "r1", "inr_high", "md1", PINS["md1"], " ")
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            verify_pin(staffed, "md1", "0000")
    with pytest.raises(AuthenticationError, match="locked"):
        record_override(staffed, "r1", "inr_high", "md1", PINS["md1"], "Reversed")
    assert not [e for e in list_events(staffed, "r1") if e.event_type == "override"]


def test_an_acknowledgement_is_audited(staffed: Database) -> None:
    ack = acknowledge_finding(staffed, "r1", "allergy_contrast", "rn1", "Told Dr Doctor at 07:10")
    assert isinstance(ack, Acknowledgement) and ack.by == "rn1"
    event = list_events(staffed, "r1")[-1]
    assert (event.event_type, event.details["finding_key"]) == ("finding_acknowledged", "allergy_contrast")
    with pytest.raises(StorageError, match="note"):
        acknowledge_finding(staffed, "r1", "allergy_contrast", "rn1", "ok")
