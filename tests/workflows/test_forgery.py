"""The attacks of a script with the workstation's account, on a real SQLite file with real signing and sealed
PDFs: an override forged into the stored draft, the audit trail rewritten with every hash recomputed, staff
accounts edited, a signed amendment or a stored PDF deleted. Each is refused at signing or reported by
verify-audit with what changed and where."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime

import pytest

from checklist_app import storage
from checklist_app.cli import main as cli_main
from checklist_app.domain.anchor import anchors_in
from checklist_app.domain.errors import StorageError
from checklist_app.domain.timeutil import aware
from checklist_app.storage.audit import GUARD_TRIGGERS, event_hash
from checklist_app.storage.migrations import GUARDED_TABLES
from checklist_app.workflows import packet, signing
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.opening import load_checklist
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

NOW = aware(datetime(2026, 11, 21, 7, 15))
NURSE, PHYSICIAN, ADMIN = "rn.test", "md.test", "it.test"
PINS = {NURSE: "1357", PHYSICIAN: "2468", ADMIN: "9753"}


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHECKLIST_APP_DATABASE_URL", raising=False)
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, NURSE, "Test Nurse", "RN", "nurse", PINS[NURSE], actor="test")
    storage.add_staff(store.db, PHYSICIAN, "Test Physician", "MD", "physician", PINS[PHYSICIAN], actor="test")
    storage.add_staff(store.db, ADMIN, "Test Admin", "IT", "admin", PINS[ADMIN], actor="test")
    opened = Session(store=store, clock=lambda: NOW)
    opened.set_user(store.staff(NURSE))
    yield opened
    opened.close()


def open_example(session: Session, name: str) -> OpenChecklist:
    data = demo_data(session.form, NOW.date(), f"examples/{name}.json")
    state, _ = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=NOW, policy_id="sir-2019")
    session.store.save_draft(state.record_id, state.draft_data(), NURSE)
    return OpenChecklist(session, state)


def sign_clean(session: Session) -> storage.SignedVersion:
    checklist = open_example(session, "clean")
    version = signing.sign(checklist, NURSE, PINS[NURSE], signing.meaning_of(checklist)[0])
    signing.settle_signed(checklist, version)
    packet.keep_packet(session, version, checklist.staff_name)
    return version


def problems(session: Session) -> list[str]:
    db = session.store.db
    return list(storage.verify_audit(db).problems) + storage.verify_versions(db)[1]


def tamper(session: Session, *statements: tuple[str, tuple]) -> None:
    """Raw SQL on the file with the guards dropped, as someone with the account and sqlite3 would."""
    conn = sqlite3.connect(session.store.db.path, isolation_level=None)
    try:
        for name in GUARD_TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql, params in statements:
            conn.execute(sql, params)
    finally:
        conn.close()


def rewrite_chain(session: Session, seq: int, details: dict) -> None:
    """The careful forger: change one event, then recompute every later hash and the chain head."""
    conn = sqlite3.connect(session.store.db.path, isolation_level=None)
    try:
        for name in GUARD_TRIGGERS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        rows = conn.execute("SELECT seq, event_type, record_id, staff_id, workstation, occurred_at, details, "
                            "prev_hash FROM audit_events ORDER BY seq").fetchall()
        prev = None
        for row in rows:
            number, kind, record, staff, where, at, text, prev_hash = row
            data = details if number == seq else json.loads(text)
            prev_hash = prev if prev is not None else prev_hash
            digest = event_hash(number, kind, record, staff, where, at, data, prev_hash)
            conn.execute("UPDATE audit_events SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (json.dumps(data), prev_hash, digest, number))
            prev = digest
        conn.execute("UPDATE chain_head SET last_seq = ?, last_hash = ?", (rows[-1][0], prev))
        for table, message in GUARDED_TABLES.items():  # and puts the guards back, as they were
            for op in ("update", "delete"):
                conn.execute(f"CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table} "
                             f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    finally:
        conn.close()


def test_an_override_forged_into_the_stored_draft_is_refused_at_signing_and_reported(session):
    checklist = open_example(session, "hard-inr")
    stop = checklist.evaluation.open_hard_stops[0]
    forged = dict(checklist.state.draft_data())
    forged["overrides"] = [{"finding_key": stop.key, "physician_id": PHYSICIAN, "at": NOW.isoformat(),
                            "reason": "INR re-checked, 1.3"}]
    tamper(session, ("UPDATE drafts SET data = ?, audited_data = ? WHERE record_id = ?",
                     (json.dumps(forged), json.dumps(forged), checklist.record_id)))
    loaded = load_checklist(session, checklist.record_id)
    reopened = OpenChecklist(session, loaded.state)
    for warning in reopened.evaluation.unacknowledged_warnings:
        reopened.acknowledge(warning.key, "Dr Physician informed")
    reopened.refresh()
    assert signing.blocked_reason(reopened) == ""  # on screen it looks overridden
    with pytest.raises(StorageError, match=f"Refused: the override of finding {stop.key} attributed to md.test"):
        signing.sign(reopened, NURSE, PINS[NURSE], signing.meaning_of(reopened)[0])
    assert session.store.latest_version(checklist.record_id) is None
    assert any("has no matching physician's override" in p for p in problems(session))


def test_a_trail_rewritten_with_every_hash_recomputed_no_longer_matches_the_pdfs(session, tmp_path):
    version = sign_clean(session)
    pdf = session.store.pdf(version.version_id, "checklist")
    (anchor,) = anchors_in(pdf)
    assert (anchor.record_id, anchor.version_no, anchor.sha256) == (version.record_id, 1, version.sha256)
    exported = tmp_path / "exported"
    exported.mkdir()
    (exported / "checklist.pdf").write_bytes(pdf)
    assert problems(session) == []
    assert cli_main(["--data-dir", str(tmp_path), "verify-audit", "--pdfs", str(exported)]) == 0
    # Rewrite an event before the signing (the record's 'created' event), recomputing the whole chain.
    created = next(e for e in storage.list_events(session.store.db, version.record_id) if e.event_type == "created")
    rewrite_chain(session, created.seq, {"note": "rewritten"})
    assert storage.verify_audit(session.store.db).ok  # the chain alone is consistent again
    found = problems(session)
    assert any(f"audit event {anchor.event_seq} is not the event it recorded" in p for p in found), found
    assert cli_main(["--data-dir", str(tmp_path), "verify-audit", "--pdfs", str(exported)]) == 1


def test_staff_accounts_edited_behind_the_apps_back_are_reported(session):
    db = session.store.db
    storage.add_staff(db, "rn.two", "Second Nurse", "RN", "nurse", "8642", actor="test")
    assert problems(session) == []
    other_hash = tamper_value(session, "SELECT pin_hash FROM staff WHERE staff_id = ?", (PHYSICIAN,))
    tamper(session,
           ("UPDATE staff SET role = 'physician' WHERE staff_id = ?", (NURSE,)),  # a nurse made physician
           ("UPDATE staff SET pin_hash = ? WHERE staff_id = ?", (other_hash, "rn.two")))  # a PIN swapped
    for _ in range(5):  # locked by wrong PINs, then the lock cleared in the table
        with pytest.raises(storage.AuthenticationError):
            storage.verify_pin(db, ADMIN, "0000")
    tamper(session, ("UPDATE staff SET locked_at = NULL, failed_attempts = 0 WHERE staff_id = ?", (ADMIN,)))
    found = problems(session)
    assert any(p.startswith(f"staff account {NURSE}: its role changed outside the app") for p in found), found
    assert any(p.startswith("staff account rn.two: its PIN was replaced outside the app") for p in found), found
    assert any(p.startswith(f"staff account {ADMIN} was locked after wrong PINs and unlocked outside") for p in found)


def tamper_value(session: Session, sql: str, params: tuple) -> str:
    conn = sqlite3.connect(session.store.db.path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def test_a_deleted_stored_pdf_or_signed_version_that_the_trail_lists_is_reported(session, tmp_path):
    version = sign_clean(session)
    shutil.copy(session.store.db.path, tmp_path / "before.sqlite3")
    tamper(session, ("DELETE FROM version_documents WHERE version_id = ? AND kind = 'discharge'",
                     (version.version_id,)))
    found = problems(session)
    assert any(f"the discharge PDF of signed version {version.version_id} was recorded in the audit trail but "
               f"is missing" in p for p in found), found
    tamper(session, ("DELETE FROM version_documents WHERE version_id = ?", (version.version_id,)),
           ("DELETE FROM signed_versions WHERE version_id = ?", (version.version_id,)))
    found = problems(session)
    assert any(f"signed version {version.version_id} was recorded in the audit trail but is missing" in p
               for p in found), found


def test_a_signed_version_column_changed_to_agree_with_nothing_is_reported(session):
    version = sign_clean(session)
    tamper(session, ("UPDATE signed_versions SET policy_version = '1999.1', workstation = 'elsewhere' "
                     "WHERE version_id = ?", (version.version_id,)))
    found = problems(session)
    assert any("its workstation, policy version disagree(s) with the signed content" in p for p in found), found


def test_a_swapped_weak_pin_hash_is_not_renewed_into_a_clean_one_by_signing_in(session, monkeypatch):
    from checklist_app.storage import pins

    db = session.store.db
    monkeypatch.setattr(pins, "SCRYPT_N", 2**4)
    weak = pins.hash_pin("0000")  # a forger's own PIN, cheap to make
    monkeypatch.undo()
    tamper(session, ("UPDATE staff SET pin_hash = ? WHERE staff_id = ?", (weak, PHYSICIAN)))
    storage.verify_pin(db, PHYSICIAN, "0000")  # would renew a merely old hash with today's cost
    assert tamper_value(session, "SELECT pin_hash FROM staff WHERE staff_id = ?", (PHYSICIAN,)) == weak
    replaced = f"staff account {PHYSICIAN}: its PIN was replaced outside the app"
    assert any(p.startswith(replaced) for p in problems(session))


def test_an_acknowledgement_in_the_name_of_no_account_is_refused_once_accounts_exist(session):
    with pytest.raises(StorageError, match="'dr.nobody' is not an active staff account"):
        storage.acknowledge_finding(session.store.db, "r1", "AIR-01@00000000", "dr.nobody", "told")
    with pytest.raises(StorageError, match="'os:root' is not an active staff account"):
        storage.acknowledge_finding(session.store.db, "r1", "AIR-01@00000000", "os:root", "told")
    assert storage.acknowledge_finding(session.store.db, "r1", "AIR-01@00000000", NURSE, "told").by == NURSE
