"""An override or acknowledgement counts only with the audit event made when a person proved who they are:
one written into a stored draft behind the app's back is refused at signing and reported by verify-audit."""

from __future__ import annotations

import json

import pytest
from signed_helpers import signed_content
from storage_helpers import PINS, raw

from checklist_app.domain.errors import StorageError
from checklist_app.storage import (
    Database,
    acknowledge_finding,
    list_versions,
    load_draft,
    record_override,
    save_draft,
    sign,
    verify_audit,
)

KEY = "inr_high:inr@1a2b3c4d"
FORGED = {"finding_key": KEY, "physician_id": "md1", "at": "2026-12-03T07:00:00+00:00",
          "reason": "Reversed with vitamin K"}


def sign_as_nurse(db: Database, record: dict) -> object:
    return sign(db, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed and verified",
                content=signed_content(record), form_id="f", form_version="1")


def tamper_draft(db: Database, record: dict) -> None:
    """Write straight into the drafts table, as a script with the workstation's account could."""
    with raw(db) as conn:
        conn.execute("UPDATE drafts SET data = ?, audited_data = ? WHERE record_id = ?",
                     (json.dumps(record), json.dumps(record), "r1"))


def test_an_override_written_into_the_draft_behind_the_apps_back_is_refused_and_reported(staffed: Database) -> None:
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {"inr": 1.9}}, staff_id="rn1")
    forged = {"record_id": "r1", "answers": {"inr": 1.9}, "overrides": [FORGED]}
    tamper_draft(staffed, forged)
    report = verify_audit(staffed)
    assert not report.ok
    assert any("the draft of record r1: the override of finding inr_high:inr@1a2b3c4d attributed to md1 has no "
               "matching physician's override" in p for p in report.problems), report.problems
    with pytest.raises(StorageError, match=r"Refused: the override of finding inr_high:inr@1a2b3c4d attributed "
                                           r"to md1 has no matching physician's override"):
        sign_as_nurse(staffed, load_draft(staffed, "r1").data)
    assert list_versions(staffed, "r1") == []  # nothing signed
    assert load_draft(staffed, "r1") is not None


def test_overrides_and_acknowledgements_given_in_the_app_are_signed(staffed: Database) -> None:
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {"inr": 1.9}}, staff_id="rn1")
    override = record_override(staffed, "r1", KEY, "md1", PINS["md1"], "Reversed with vitamin K")
    ack = acknowledge_finding(staffed, "r1", "fasting:clear@99999999", "rn1", "Anaesthetist told")
    record = {"record_id": "r1", "answers": {"inr": 1.9},
              "overrides": [override.model_dump(mode="json")], "acknowledgements": [ack.model_dump(mode="json")]}
    version = sign_as_nurse(staffed, record)
    assert version.version_no == 1
    assert verify_audit(staffed).ok


@pytest.mark.parametrize("change", [
    {"reason": "Something else"},  # the reason the physician gave is not the one in the record
    {"physician_id": "it1"},  # someone else's name on it
    {"at": "2026-12-03T07:00:00+00:00"},  # a copy of the event with another time
    {"finding_key": "inr_high:inr@ffffffff"},  # moved to another finding (other values)
])
def test_an_override_changed_after_it_was_given_is_refused(staffed: Database, change: dict) -> None:
    override = record_override(staffed, "r1", KEY, "md1", PINS["md1"], "Reversed with vitamin K")
    changed = {**override.model_dump(mode="json"), **change}
    with pytest.raises(StorageError, match="Refused: the override of finding"):
        sign_as_nurse(staffed, {"record_id": "r1", "answers": {}, "overrides": [changed]})


def test_an_acknowledgement_nobody_made_and_an_evaluation_claiming_one_are_refused(staffed: Database) -> None:
    forged_ack = {"finding_key": "fasting:clear@99999999", "by": "rn1", "at": "2026-12-03T07:00:00+00:00",
                  "note": "told"}
    with pytest.raises(StorageError, match="the acknowledgement of finding fasting:clear@99999999"):
        sign_as_nurse(staffed, {"record_id": "r1", "answers": {}, "acknowledgements": [forged_ack]})
    content = signed_content({"record_id": "r1", "answers": {}})
    claimed = content.model_copy(update={"evaluation": content.evaluation.model_copy(
        update={"overridden": frozenset({KEY})})})
    with pytest.raises(StorageError, match=f"the evaluation counts finding {KEY} as overridden"):
        sign(staffed, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed and verified",
             content=claimed, form_id="f", form_version="1")


def test_verify_audit_reports_a_signed_version_whose_override_has_no_event(staffed: Database) -> None:
    override = record_override(staffed, "r1", KEY, "md1", PINS["md1"], "Reversed with vitamin K")
    sign_as_nurse(staffed, {"record_id": "r1", "answers": {}, "overrides": [override.model_dump(mode="json")]})
    assert verify_audit(staffed).ok
    with raw(staffed) as conn:  # the override event's reason rewritten (the chain breaks too)
        if staffed.path is None:
            conn.execute("ALTER TABLE audit_events DISABLE TRIGGER USER")
        else:
            conn.execute("DROP TRIGGER audit_events_no_update")
        conn.execute("UPDATE audit_events SET details = ? WHERE event_type = 'override'",
                     (json.dumps({"finding_key": KEY, "reason": "other"}),))
    problems = verify_audit(staffed).problems
    assert any(p.startswith("signed version 1 of record r1: the override of finding") for p in problems), problems
