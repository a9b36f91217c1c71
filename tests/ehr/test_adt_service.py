"""The ADT^A04/A08 listener as IT runs it, a service: the real command (``fhir adt-listen``) in its own process
with the app's environment, a real MLLP socket, and the database the app itself opens (SQLite file or
PostgreSQL): the registration arrives as a draft the worklist shows, with its sources and an 'imported'
audit event; SIGTERM (what systemd sends to stop it) ends it cleanly with status 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime

import pytest
from signing import ROOT
from test_adt import LATEX, adt

from checklist_app.domain.timeutil import aware
from checklist_app.ehr.mllp import send
from checklist_app.storage import Database, list_events, paths
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore
from checklist_app.workflows.worklist_rows import build_rows

NOW = aware(datetime(2026, 11, 30, 9, 0))


@pytest.fixture
def service(db: Database):
    process = subprocess.Popen([sys.executable, "-m", "checklist_app", "fhir", "adt-listen", "--port", "0"],
                               cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("Listening for ADT^A04/A08 on 127.0.0.1:"), line + process.stderr.read()
        process.port = int(line.rsplit(":", 1)[1])  # type: ignore[attr-defined]
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_the_listener_service_writes_into_the_apps_database_audited_and_stops_on_sigterm(db: Database,
                                                                                         service) -> None:
    answer = send("127.0.0.1", service.port, adt("A04", "SVC001", al1=LATEX), timeout=20)
    assert answer.code == "AA", answer.text
    # The app, opening its own database as it does at start, sees the new draft in the worklist.
    session = Session(store=ChecklistStore.open(paths.data_dir()), clock=lambda: NOW)
    try:
        rows = build_rows(session.store, session.form, session.policy, session.completeness_rules, NOW,
                          all_dates=True)
        assert "adt-MRN-204811" in {row.record_id for row in rows}
        draft = session.store.load_draft("adt-MRN-204811")
        assert draft.data["answers"]["patient_name"] == "Okafor, Grace Adaeze"
        assert draft.data["sources"]["allergies#latex"]["origin"] == "HL7 ADT^A04 from EPIC"
        [event] = [e for e in list_events(session.store.db, "adt-MRN-204811") if e.event_type == "imported"]
        assert event.details["source"] == "HL7 ADT^A04 from EPIC" and "allergies#latex" in event.details["filled"]
    finally:
        session.close()
    service.send_signal(signal.SIGTERM)
    assert service.wait(20) == 0
    assert "AA" in service.stdout.read()
