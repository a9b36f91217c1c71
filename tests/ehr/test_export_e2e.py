"""The whole path on a real SQLite file: the app's signing use case signs the clean example, keep_packet seals
and stores both PDFs, and the sender delivers them to the localhost FHIR server and the MLLP listener: the
documents that arrive are the sealed bytes as stored (their seals still verify), every answer's linkId is
in the Questionnaire that ``fhir questionnaire`` writes, ``fhir outbox`` says nothing is waiting, and the
worklist's row says where its export is."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import datetime

import pytest
from questionnaire_check import problems
from signing import ROOT

from checklist_app import storage
from checklist_app.domain.timeutil import aware
from checklist_app.ehr.sender import ChartSender
from checklist_app.pdf.seal import validate_sealed
from checklist_app.workflows import packet, signing
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore
from checklist_app.workflows.worklist_rows import build_rows

NOW = aware(datetime(2026, 11, 21, 7, 15))
NURSE, PIN = "rn.test", "1357"


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHECKLIST_APP_DATABASE_URL", raising=False)
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, NURSE, "Test Nurse", "RN", "nurse", PIN, actor="test")
    opened = Session(store=store, clock=lambda: NOW)
    opened.set_user(store.staff(NURSE))
    yield opened
    opened.close()


def link_ids(items) -> set[str]:
    found = set()
    for item in items or []:
        found.add(item["linkId"])
        found |= link_ids(item.get("item"))
        for answer in item.get("answer") or []:
            found |= link_ids(answer.get("item"))
    return found


@pytest.mark.pdf
def test_signing_in_the_app_exports_the_sealed_packet_to_fhir_and_hl7(session, fhir, mllp, tmp_path) -> None:
    data = demo_data(session.form, NOW.date(), "examples/clean.json")
    state, _ = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=NOW, policy_id="sir-2019")
    session.store.save_draft(state.record_id, state.draft_data(), NURSE)
    checklist = OpenChecklist(session, state)
    version = signing.sign(checklist, NURSE, PIN, signing.meaning_of(checklist)[0])
    packet.keep_packet(session, version, checklist.staff_name)
    db = session.store.db

    def worklist_chart() -> str:
        rows = build_rows(session.store, session.form, session.policy, session.completeness_rules, NOW,
                          all_dates=True)
        return next(row.chart for row in rows if row.record_id == version.record_id)

    assert worklist_chart() == "Waiting to be sent to the chart"
    outcomes = ChartSender.configured(db).send_due()
    assert worklist_chart() == "Sent to the chart"
    assert sorted((o.item.kind, o.delivered) for o in outcomes) == [("fhir-transaction", True), ("hl7-mdm", True)]
    stored = {kind: storage.get_pdf(db, version.version_id, kind) for kind in ("checklist", "discharge")}
    arrived = {d["content"][0]["attachment"]["title"].rsplit("-", 1)[1].removesuffix(".pdf"):
               base64.b64decode(d["content"][0]["attachment"]["data"]) for d in fhir.all("DocumentReference")}
    assert arrived == stored
    assert all(validate_sealed(pdf).valid for pdf in arrived.values())
    [message] = mllp.documents.values()
    assert base64.b64decode(str(message.segments("OBX")[0](5)(0)(5))) == stored["checklist"]

    out = tmp_path / "questionnaire.json"
    subprocess.run([sys.executable, "-m", "checklist_app", "fhir", "questionnaire", "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True, timeout=120)
    questionnaire = json.loads(out.read_text())
    [response] = fhir.all("QuestionnaireResponse")
    assert response["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    assert link_ids(response["item"]) <= link_ids(questionnaire["item"])
    assert problems(questionnaire, response) == []  # value types, options and their codes agree
    assert {"inr", "inr.date", "medications.agent", "allergies.substance"} <= link_ids(response["item"])

    waiting = subprocess.run([sys.executable, "-m", "checklist_app", "fhir", "outbox"], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert waiting.returncode == 0 and "Nothing waiting" in waiting.stdout
