"""``plan calendar`` from the command line: bad input is one clear message and exit 2, never a traceback; a
signed plan's calendar is written as kept, and that is in the audit trail."""

from __future__ import annotations

import json

from plan_helpers import CALL_AT, plan_record
from pypdf import PdfReader

from checklist_app import storage
from checklist_app.cli import main
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.plan_records import CALENDAR_KIND, new_plan, sign_plan
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore


def _record(tmp_path, **answers):
    data = plan_record(**answers)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_no_scheduled_start_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path / "data"))
    record = _record(tmp_path)
    data = json.loads((tmp_path / "plan.json").read_text())
    del data["answers"]["scheduled_start"]
    (tmp_path / "plan.json").write_text(json.dumps(data))
    assert main(["plan", "calendar", record, "-o", str(tmp_path / "c.pdf"), "--now", CALL_AT.isoformat()]) == 2
    err = capsys.readouterr().err
    assert "Scheduled start" in err and "Traceback" not in err
    assert not (tmp_path / "c.pdf").exists()


def test_an_existing_file_is_not_replaced_unasked(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path / "data"))
    record, out = _record(tmp_path), tmp_path / "c.pdf"
    out.write_bytes(b"mine")
    assert main(["plan", "calendar", record, "-o", str(out), "--now", CALL_AT.isoformat()]) == 2
    assert out.read_bytes() == b"mine" and "--force" in capsys.readouterr().err
    assert main(["plan", "calendar", record, "-o", str(out), "--now", CALL_AT.isoformat(), "--force"]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_record_and_record_id_are_one_or_the_other(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path / "data"))
    assert main(["plan", "calendar", "-o", str(tmp_path / "c.pdf")]) == 2
    assert main(["plan", "calendar", "--record-id", "chk-1", "-o", str(tmp_path / "c.pdf")]) == 2
    assert "not a pre-admission plan" in capsys.readouterr().err


def test_a_signed_plans_calendar_is_written_as_kept(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, "rn.smith", "J. Smith", "RN", "nurse", "1357", actor="test")
    session = Session(store=store, clock=lambda: CALL_AT)
    state = new_plan(session)
    filled, _ = ChecklistState.from_data(session.form, {**plan_record(), "record_id": state.record_id},
                                         fallback_staff="rn.smith", now=CALL_AT, policy_id="sir-2019")
    store.save_draft(state.record_id, filled.draft_data(), "rn.smith")
    session.autosaver.forget(state.record_id)
    version = sign_plan(session, filled, "rn.smith", "1357")
    kept = store.pdf(version.version_id, CALENDAR_KIND)
    session.close()
    out = tmp_path / "kept.pdf"
    assert main(["plan", "calendar", "--record-id", version.record_id, "--lang", "es", "-o", str(out)]) == 2
    assert main(["plan", "calendar", "--record-id", version.record_id, "-o", str(out)]) == 0
    assert out.read_bytes() == kept
    db = storage.open_database(data_dir=tmp_path)
    try:
        exported = [e for e in storage.list_events(db)
                    if e.event_type == "exported" and e.record_id == version.record_id]
        assert exported and exported[0].details["kind"] == CALENDAR_KIND
    finally:
        db.close()


def test_a_british_site_gets_its_clock_and_dates(tmp_path, monkeypatch):
    from checklist_app.cli import plan as plan_command
    from checklist_app.domain import conventions

    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path / "data"))
    real = plan_command.load_effective_site
    monkeypatch.setattr(plan_command, "load_effective_site",
                        lambda *a, **kw: real(*a, **kw).model_copy(update={"locale": "en-GB"}))
    out = tmp_path / "c.pdf"
    try:
        assert main(["plan", "calendar", _record(tmp_path), "--lang", "en", "-o", str(out),
                     "--now", CALL_AT.isoformat()]) == 0
    finally:
        conventions.set_site_locale("en-US")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Tuesday 8 December" in text and "08:30" in text and " AM" not in text
