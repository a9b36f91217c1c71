"""The signing path with no window: open, answer, override, sign, seal and keep the packet, amend, through
``checklist_app.workflows`` alone, on a real SQLite file. One test runs in a fresh process to show that
nothing on that path imports Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from checklist_app import storage
from checklist_app.domain.errors import IncompleteChecklistError, NotReadyToSignError
from checklist_app.domain.signed import SignedVersion
from checklist_app.domain.timeutil import aware
from checklist_app.pdf.seal import validate_sealed
from checklist_app.storage import AuthenticationError
from checklist_app.workflows import packet, signing
from checklist_app.workflows.amending import start_amendment
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

ROOT = Path(__file__).resolve().parents[2]
NOW = aware(datetime(2026, 11, 21, 7, 15))
NURSE, PHYSICIAN = "rn.test", "md.test"
PINS = {NURSE: "1357", PHYSICIAN: "2468"}


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))  # the seal certificate lives in the data folder
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, NURSE, "Test Nurse", "RN", "nurse", PINS[NURSE], actor="test")
    storage.add_staff(store.db, PHYSICIAN, "Test Physician", "MD", "physician", PINS[PHYSICIAN], actor="test")
    opened = Session(store=store, clock=lambda: NOW)
    opened.set_user(store.staff(NURSE))
    yield opened
    opened.close()


def open_example(session: Session, name: str) -> OpenChecklist:
    data = demo_data(session.form, NOW.date(), f"examples/{name}.json")
    state, dropped = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=NOW,
                                              policy_id="sir-2019")
    assert not dropped
    session.store.save_draft(state.record_id, state.draft_data(), NURSE)
    return OpenChecklist(session, state)


def test_a_clean_checklist_is_signed_sealed_and_kept_without_a_window(session):
    checklist = open_example(session, "clean")
    assert signing.blocked_reason(checklist) == ""
    meaning, not_cleared = signing.meaning_of(checklist)
    assert not not_cleared
    version = signing.sign(checklist, NURSE, PINS[NURSE], meaning)
    assert isinstance(version, SignedVersion) and version.cleared and version.signer.name == "Test Nurse"
    assert version.signed_at.utcoffset() is not None and version.meaning == meaning
    signing.settle_signed(checklist, version)
    assert session.store.load_draft(checklist.record_id) is None  # signing removed the draft
    packet.keep_packet(session, version, checklist.staff_name)
    documents = packet.packet_documents(session, session.store.latest_version(checklist.record_id),
                                        checklist.staff_name)
    assert documents.remade == () and [name for name, _ in documents.documents] == [
        "demo-clean-checklist.pdf", "demo-clean-discharge.pdf"]
    for _, pdf in documents.documents:
        check = validate_sealed(pdf)
        assert check.valid, check.problem
    assert storage.verify_audit(session.store.db).ok


def test_a_hard_stop_blocks_signing_until_a_physician_overrides_it(session):
    checklist = open_example(session, "hard-inr")
    stop = checklist.evaluation.open_hard_stops[0]
    assert signing.blocked_reason(checklist)
    with pytest.raises(AuthenticationError):
        checklist.override(stop.key, NURSE, PINS[NURSE], "a nurse cannot override")
    assert checklist.state.overrides == []
    checklist.override(stop.key, PHYSICIAN, PINS[PHYSICIAN], "INR re-checked by the lab, 1.3 at 06:50")
    checklist.refresh()
    for warning in checklist.evaluation.unacknowledged_warnings:
        checklist.acknowledge(warning.key, "Dr Physician informed")
    checklist.refresh()
    assert checklist.statuses[stop.key][0] == "overridden"
    assert signing.blocked_reason(checklist) == ""
    meaning, not_cleared = signing.meaning_of(checklist)
    assert not not_cleared
    # The nurse signs what she checked; going ahead despite the hard stop is the physician's call, named.
    assert "cleared for the procedure" not in meaning
    assert meaning.endswith("1 hard stop was overridden by Test Physician, MD, whose decision and reason are "
                            "recorded with each.")
    version = signing.sign(checklist, NURSE, PINS[NURSE], meaning)
    assert version.cleared and stop.key in version.content.evaluation.overridden and version.meaning == meaning
    events = [e.event_type for e in storage.list_events(session.store.db, record_id=checklist.record_id)]
    assert "override" in " ".join(events) and "signed" in events


def test_a_hard_stop_left_open_is_signed_not_cleared(session):
    checklist = open_example(session, "hard-inr")
    for finding in checklist.evaluation.findings:
        note = "Physician notified: Dr B, by phone at 07:10." if finding.is_hard_stop else "Told Dr B"
        checklist.acknowledge(finding.key, note)
    checklist.refresh()
    assert signing.blocked_reason(checklist) == ""
    meaning, not_cleared = signing.meaning_of(checklist)
    assert not_cleared and "NOT" in meaning.upper()
    version = signing.sign(checklist, NURSE, PINS[NURSE], meaning)
    assert not version.cleared and not version.content.cleared


def test_an_incomplete_checklist_is_refused(session):
    checklist = open_example(session, "hard-incomplete")
    assert signing.blocked_reason(checklist)
    with pytest.raises(IncompleteChecklistError):
        signing.sign(checklist, NURSE, PINS[NURSE], "Checklist completed and verified")


def test_an_amendment_is_a_new_version_signed_again(session):
    checklist = open_example(session, "clean")
    first = signing.sign(checklist, NURSE, PINS[NURSE], signing.meaning_of(checklist)[0])
    amendment = start_amendment(session, first, "Weight re-measured")
    assert amendment.dropped == [] and amendment.state.base_version_id == first.version_id
    amended = OpenChecklist(session, amendment.state)
    amended.state.set_answer("weight_kg", 71)
    meaning, _ = signing.meaning_of(amended)
    assert "amendment" in meaning and "Weight re-measured" in meaning
    second = signing.sign(amended, NURSE, PINS[NURSE], meaning)
    assert (second.version_no, second.replaces_version_id, second.amendment_reason) == (
        2, first.version_id, "Weight re-measured")
    assert second.content.record["answers"]["weight_kg"] == 71


HEADLESS = textwrap.dedent("""
    import os, sys, tempfile
    from datetime import datetime
    folder = tempfile.mkdtemp()
    os.environ["CHECKLIST_APP_DATA_DIR"] = folder
    from checklist_app import storage
    from checklist_app.domain.timeutil import aware
    from checklist_app.pdf.seal import validate_sealed
    from checklist_app.workflows import packet, signing
    from checklist_app.workflows.checklist_state import ChecklistState
    from checklist_app.workflows.demo import demo_data
    from checklist_app.workflows.open_checklist import OpenChecklist
    from checklist_app.workflows.session import Session
    from checklist_app.workflows.store import ChecklistStore
    now = aware(datetime(2026, 11, 21, 7, 15))
    store = ChecklistStore.open(folder)
    storage.add_staff(store.db, "rn.test", "Test Nurse", "RN", "nurse", "1357", actor="test")
    session = Session(store=store, clock=lambda: now)
    state, _ = ChecklistState.from_data(session.form, demo_data(session.form, now.date()), fallback_staff="rn.test",
                                        now=now, policy_id="sir-2019")
    checklist = OpenChecklist(session, state)
    version = signing.sign(checklist, "rn.test", "1357", signing.meaning_of(checklist)[0])
    packet.keep_packet(session, version, checklist.staff_name)
    pdf = store.pdf(version.version_id, "checklist")
    session.close()
    qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
    print("valid" if validate_sealed(pdf).valid else "NOT valid", qt)
""")


def test_signing_and_sealing_need_no_qt():
    result = subprocess.run([sys.executable, "-c", HEADLESS], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "valid []"


def test_signing_refuses_a_checklist_that_is_not_ready(session):
    checklist = open_example(session, "hard-inr")  # a hard stop nobody dealt with
    assert signing.blocked_reason(checklist)
    with pytest.raises(NotReadyToSignError, match="hard stop"):
        signing.sign(checklist, NURSE, PINS[NURSE], signing.meaning_of(checklist)[0])
    assert session.store.latest_version(checklist.record_id) is None


def test_signing_refuses_a_meaning_other_than_the_one_the_checklist_has(session):
    checklist = open_example(session, "hard-inr")
    for finding in checklist.evaluation.findings:  # the hard stop left open, the physician told: NOT cleared
        checklist.acknowledge(finding.key, "Physician notified: Dr B, by phone at 07:10.")
    checklist.refresh()
    cleared_wording = signing.meaning_of(open_example(session, "clean"))[0]
    with pytest.raises(NotReadyToSignError, match="changed since the review"):
        signing.sign(checklist, NURSE, PINS[NURSE], cleared_wording)
    assert session.store.latest_version(checklist.record_id) is None
