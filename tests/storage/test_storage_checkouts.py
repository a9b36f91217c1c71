"""Several apps on one database: saves based on a stale revision are refused, a checklist open elsewhere is
named and may be taken over (audited), refused answers are set aside and offered back, and the board's stamp
moves with every change another workstation should see."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from signed_helpers import signed_content
from storage_helpers import PINS

from checklist_app.domain.errors import DraftConflictError
from checklist_app.storage import Autosaver, Database, StorageError, list_events, load_draft, save_draft, sign, tables
from checklist_app.storage import checkouts as co
from checklist_app.storage.clock import to_text, utc_now


def events(db: Database, kind: str) -> list:
    return [e for e in list_events(db, "r1") if e.event_type == kind]


def test_a_save_based_on_a_stale_revision_is_refused_and_names_who_saved(staffed: Database) -> None:
    first = save_draft(staffed, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1", based_on=0)
    save_draft(staffed, "r1", {"answers": {"inr": 1.1, "weight": 70}}, staff_id="md1", based_on=first.revision)
    with pytest.raises(DraftConflictError, match="changed at ws-test by Mark Doctor, MD") as caught:
        save_draft(staffed, "r1", {"answers": {"inr": 1.4}}, staff_id="rn1", based_on=first.revision)
    assert caught.value.by == "md1" and not caught.value.signed
    assert load_draft(staffed, "r1").data == {"answers": {"inr": 1.1, "weight": 70}}  # nothing overwritten


def test_a_new_draft_based_on_nothing_is_refused_when_one_was_made_meanwhile(staffed: Database) -> None:
    save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1", based_on=0)
    with pytest.raises(DraftConflictError):
        save_draft(staffed, "r1", {"answers": {"b": 2}}, staff_id="md1", based_on=0)


def test_a_save_into_a_discarded_draft_is_refused(staffed: Database) -> None:
    draft = save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1")
    from checklist_app.storage import discard_draft

    discard_draft(staffed, "r1", staff_id="rn1", reason="wrong patient")
    with pytest.raises(DraftConflictError, match="discarded"):
        save_draft(staffed, "r1", {"answers": {"a": 2}}, staff_id="rn1", based_on=draft.revision)
    assert load_draft(staffed, "r1") is None


def test_a_checklist_open_elsewhere_is_named_and_taking_it_over_is_audited(staffed: Database) -> None:
    assert co.claim(staffed, "r1", session_id="bay1", staff_id="rn1") is None
    held = co.claim(staffed, "r1", session_id="bay2", staff_id="md1")
    assert held is not None and held.staff_name == "Rita Nurse, RN" and held.workstation == "ws-test"
    assert held.describe().startswith("Open at ws-test by Rita Nurse, RN since ")
    assert co.claim(staffed, "r1", session_id="bay1", staff_id="rn1") is None  # its holder again: fine
    previous = co.take_over(staffed, "r1", session_id="bay2", staff_id="md1")
    assert previous is not None and previous.session_id == "bay1"
    (event,) = events(staffed, "taken_over")
    assert event.staff_id == "md1" and event.details["from_staff"] == "rn1"
    assert [e.staff_id for e in events(staffed, "opened")] == ["rn1"]
    assert co.heartbeat(staffed, "bay1") == set()  # bay 1 learns it no longer holds it
    assert co.heartbeat(staffed, "bay2") == {"r1"}


def test_the_taken_over_app_cannot_save_into_the_checklist(staffed: Database) -> None:
    save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1", session_id="bay1")
    co.claim(staffed, "r1", session_id="bay1", staff_id="rn1")
    co.take_over(staffed, "r1", session_id="bay2", staff_id="md1")
    with pytest.raises(DraftConflictError, match="taken over at ws-test by Mark Doctor, MD"):
        save_draft(staffed, "r1", {"answers": {"a": 2}}, staff_id="rn1", session_id="bay1")
    save_draft(staffed, "r1", {"answers": {"a": 3}}, staff_id="md1", session_id="bay2")
    assert load_draft(staffed, "r1").data == {"answers": {"a": 3}}


def test_a_holder_not_heard_from_for_a_while_can_be_replaced_without_taking_over(staffed: Database) -> None:
    co.claim(staffed, "r1", session_id="crashed", staff_id="rn1")
    long_ago = to_text(utc_now() - co.STALE_AFTER - timedelta(seconds=1))
    with staffed.write() as conn:
        conn.execute(tables.checkouts.update().values(seen_at=long_ago))
    assert co.holder(staffed, "r1") is None and co.holders(staffed) == {}
    assert co.claim(staffed, "r1", session_id="bay2", staff_id="md1") is None
    assert events(staffed, "opened")[-1].details == {"after_stale": "ws-test"}
    with pytest.raises(DraftConflictError):  # the app that went quiet comes back: it no longer holds it
        save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1", session_id="crashed")
    assert co.holders(staffed)["r1"].session_id == "bay2"


def test_release_leaves_a_row_taken_over_meanwhile(staffed: Database) -> None:
    co.claim(staffed, "r1", session_id="bay1", staff_id="rn1")
    co.take_over(staffed, "r1", session_id="bay2", staff_id="md1")
    co.release(staffed, "r1", session_id="bay1")
    assert co.holder(staffed, "r1").session_id == "bay2"
    co.release(staffed, "r1", session_id="bay2")
    assert co.holder(staffed, "r1") is None


def test_the_board_stamp_moves_with_changes_others_should_see_and_not_with_typing(staffed: Database) -> None:
    stamps = [co.board_stamp(staffed)]
    save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1")  # created + answer committed
    stamps.append(co.board_stamp(staffed))
    save_draft(staffed, "r1", {"answers": {"a": 1, "b": "typ"}}, staff_id="rn1", audit=False)  # typing
    stamps.append(co.board_stamp(staffed))
    co.claim(staffed, "r1", session_id="bay1", staff_id="rn1")
    stamps.append(co.board_stamp(staffed))
    co.heartbeat(staffed, "bay1")
    stamps.append(co.board_stamp(staffed))
    co.release(staffed, "r1", session_id="bay1")
    stamps.append(co.board_stamp(staffed))
    assert stamps[0] != stamps[1] and stamps[1] == stamps[2] and stamps[2] != stamps[3]
    assert stamps[3] == stamps[4] and stamps[4] != stamps[5]


def test_autosave_sets_refused_answers_aside_and_reports_the_conflict(staffed: Database) -> None:
    conflicts: list[DraftConflictError] = []
    reported = threading.Event()

    def on_error(exc: StorageError) -> None:
        if isinstance(exc, DraftConflictError):
            conflicts.append(exc)
            reported.set()

    draft = save_draft(staffed, "r1", {"answers": {"a": 1}}, staff_id="rn1")
    bay1 = Autosaver(staffed, on_error=on_error, session_id="bay1")
    bay1.track("r1", draft.revision)
    bay1.update("r1", {"answers": {"a": 1, "b": "mine"}}, staff_id="rn1")
    bay1.flush()
    assert bay1.revision("r1") == draft.revision + 1
    save_draft(staffed, "r1", {"answers": {"a": 1, "b": "mine", "c": "theirs"}}, staff_id="md1")  # elsewhere
    bay1.update("r1", {"answers": {"a": 1, "b": "mine", "d": "typed here"}}, staff_id="rn1")
    with pytest.raises(DraftConflictError):
        bay1.flush()
    assert reported.wait(2) and conflicts[0].by == "md1"
    assert not bay1.has_unsaved and bay1.error is None  # not retried over and over: it is kept elsewhere
    assert load_draft(staffed, "r1").data["answers"] == {"a": 1, "b": "mine", "c": "theirs"}
    (kept,) = co.open_set_asides(staffed, "r1")
    assert kept.data["answers"]["d"] == "typed here" and kept.staff_name == "Rita Nurse, RN"
    assert kept.based_on_revision == draft.revision + 1
    assert events(staffed, "answers_set_aside")[0].details["set_aside_id"] == kept.set_aside_id
    co.resolve_set_aside(staffed, kept.set_aside_id, staff_id="md1", taken=["d"])
    assert co.open_set_asides(staffed, "r1") == []
    assert events(staffed, "set_aside_resolved")[0].details == {"set_aside_id": kept.set_aside_id, "taken": ["d"]}
    with pytest.raises(StorageError, match="already gone through"):
        co.resolve_set_aside(staffed, kept.set_aside_id, staff_id="md1", taken=[])
    # Typed on after the refusal: still never written over the newer answers, still kept.
    bay1.update("r1", {"answers": {"a": 1, "b": "mine", "d": "typed here", "e": "more"}}, staff_id="rn1")
    with pytest.raises(DraftConflictError):
        bay1.flush()
    assert load_draft(staffed, "r1").data["answers"] == {"a": 1, "b": "mine", "c": "theirs"}
    assert co.open_set_asides(staffed, "r1")[-1].data["answers"]["e"] == "more"
    bay1.close()


def test_signing_is_refused_when_the_draft_changed_or_was_taken_over_since_the_signer_saw_it(staffed: Database) -> None:
    record = {"record_id": "r1", "answers": {"inr": 1.1}}
    seen = save_draft(staffed, "r1", record, staff_id="rn1", based_on=0, session_id="bay1")
    co.claim(staffed, "r1", session_id="bay1", staff_id="rn1")
    args = dict(signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed and verified",
                content=signed_content(record), form_id="f", form_version="1")
    co.take_over(staffed, "r1", session_id="bay2", staff_id="md1")
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {"inr": 1.1, "note": "bay 2"}}, staff_id="md1",
               based_on=seen.revision, session_id="bay2")
    with pytest.raises(DraftConflictError, match="taken over at ws-test by Mark Doctor, MD"):
        sign(staffed, "r1", based_on=seen.revision, session_id="bay1", **args)
    with pytest.raises(DraftConflictError, match="changed at ws-test by Mark Doctor, MD"):
        sign(staffed, "r1", based_on=seen.revision, session_id="bay2", **args)  # bay 2 saw an older revision
    assert load_draft(staffed, "r1").data["answers"]["note"] == "bay 2"  # nothing signed, nothing lost
    version = sign(staffed, "r1", based_on=seen.revision + 1, session_id="bay2", **args)
    assert version.version_no == 1


def test_autosave_after_signing_elsewhere_sets_the_typing_aside_and_makes_no_new_draft(staffed: Database) -> None:
    draft = save_draft(staffed, "r1", {"record_id": "r1", "answers": {"inr": 1.1}}, staff_id="rn1")
    bay1 = Autosaver(staffed, session_id="bay1")
    bay1.track("r1", draft.revision)
    sign(staffed, "r1", signer_id="md1", pin=PINS["md1"], meaning="Checklist completed and verified",
         content=signed_content({"record_id": "r1", "answers": {"inr": 1.1}}), form_id="f", form_version="1")
    bay1.update("r1", {"record_id": "r1", "answers": {"inr": 1.1, "note": "late"}}, staff_id="rn1")
    with pytest.raises(DraftConflictError, match="signed since it was opened") as caught:
        bay1.flush()
    assert caught.value.signed and caught.value.by == "md1"
    assert load_draft(staffed, "r1") is None
    assert co.open_set_asides(staffed, "r1")[0].data["answers"]["note"] == "late"
    bay1.close()
