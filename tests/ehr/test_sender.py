"""Delivering the outbox to a real FHIR server on localhost, on SQLite and PostgreSQL: delivered once,
retried with backoff while the server is down or failing, exactly once across a lost answer, a crash and a
restart in a new process, and what the worklist says meanwhile."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import fhir_server
import httpx
import pytest
from signing import ROOT, sign_clean

from checklist_app.ehr import sender as sender_module
from checklist_app.ehr.export_config import FhirDestination
from checklist_app.ehr.sender import ChartSender
from checklist_app.storage import Database, get_pdf, list_events, outbox, verify_audit, versions
from checklist_app.storage.clock import to_text

EXPECTED_CREATES = {"QuestionnaireResponse": 1, "DocumentReference": 2, "Provenance": 1}


class Clock:
    """A clock the test moves: backoff and leases are minutes long."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def doubling(attempts: int) -> timedelta:
    return timedelta(seconds=10 * 2 ** (attempts - 1))


def chart(db: Database, version) -> str:
    return outbox.chart_texts(db, {version.record_id: version.version_id}).get(version.record_id, "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_signed_checklist_reaches_the_server_once_with_its_pdfs(db: Database, fhir) -> None:
    version, pdfs = sign_clean(db)
    assert chart(db, version) == "Waiting to be sent to the chart"
    outcomes = ChartSender.configured(db).send_due()
    assert [(o.delivered, o.error) for o in outcomes] == [(True, None)]
    assert dict(fhir.creates) == EXPECTED_CREATES
    documents = {d["type"]["coding"][1]["code"]: d for d in fhir.all("DocumentReference")}
    for kind, code in (("checklist", "pre-procedure-checklist"), ("discharge", "discharge-instructions")):
        attachment = documents[code]["content"][0]["attachment"]
        assert base64.b64decode(attachment["data"]) == pdfs[kind] == get_pdf(db, version.version_id, kind)
        assert base64.b64decode(attachment["hash"]) == hashlib.sha1(pdfs[kind]).digest()  # noqa: S324
    [provenance] = fhir.all("Provenance")
    [response] = fhir.all("QuestionnaireResponse")
    # The server resolved the Bundle's urn:uuid references to its own ids.
    assert {t["reference"] for t in provenance["target"]} == {f"QuestionnaireResponse/{response['id']}", *(
        f"DocumentReference/{d['id']}" for d in documents.values())}
    assert chart(db, version) == "Sent to the chart"
    [event] = [e for e in list_events(db, version.record_id) if e.event_type == "exported"]
    assert event.details["destination"] == f"FHIR {fhir.url}" and event.staff_id == outbox.SENDER_ID
    assert verify_audit(db).ok
    assert ChartSender.configured(db).send_due() == []  # nothing left to send
    # The same Bundle posted again, as a retry whose answer was lost would: the server creates nothing.
    again = httpx.post(fhir.url + "/", content=fhir.bodies[0], headers={"Content-Type": "application/fhir+json"})
    assert again.status_code == 200
    assert [e["response"]["status"] for e in again.json()["entry"]] == ["200 OK"] * 4
    assert dict(fhir.creates) == EXPECTED_CREATES and len(fhir.all("Provenance")) == 1


def test_a_server_that_is_down_is_retried_with_backoff_and_the_worklist_says_since_when(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, f"http://127.0.0.1:{port}/fhir")
    version, _ = sign_clean(db)
    clock = Clock(version.signed_at + timedelta(seconds=1))
    sender = ChartSender.configured(db, clock=clock, backoff=doubling)
    [first] = sender.send_due()
    assert first.error.startswith("unreachable") and first.retry_at == clock.now + timedelta(seconds=10)
    failed_at = clock.now.astimezone()
    stamp = f"{failed_at:%H:%M}" if failed_at.date() == datetime.now().astimezone().date() else (
        f"{failed_at:%Y-%m-%d %H:%M}")
    assert chart(db, version) == f"Waiting: server unreachable since {stamp}"
    clock.advance(seconds=9)
    assert sender.send_due() == []  # not before its backoff
    clock.advance(seconds=1)
    [second] = sender.send_due()
    assert second.retry_at == clock.now + timedelta(seconds=20)  # doubled
    [stored] = outbox.items(db, pending_only=True)
    assert (stored.attempts, stored.failing_since) == (2, failed_at)
    assert chart(db, version) == f"Waiting: server unreachable since {stamp}"  # since the first failure
    with fhir_server.running(port) as server:
        clock.advance(seconds=20)
        [third] = sender.send_due()
        assert third.delivered and dict(server.creates) == EXPECTED_CREATES
    assert chart(db, version) == "Sent to the chart"
    [done] = outbox.items(db)
    assert done.attempts == 2 and done.delivered_response["status"] == 200


def test_server_errors_slowness_and_refusals_are_kept_in_words_and_retried(db: Database, fhir,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    version, _ = sign_clean(db)
    clock = Clock(version.signed_at + timedelta(seconds=1))
    sender = ChartSender.configured(db, clock=clock, backoff=doubling)
    fhir.fail_next = [500, 400]
    [error] = sender.send_due()
    assert error.error.startswith("server error: HTTP 500 (error exception: told to answer 500)")
    assert chart(db, version).startswith("Waiting: chart server error since")
    clock.advance(seconds=10)
    [refused] = sender.send_due()
    assert refused.error.startswith("refused: HTTP 400")
    assert chart(db, version).startswith("Waiting: not accepted by the chart since")
    sender.fhir = FhirDestination(base_url=fhir.url, timeout=0.3)
    fhir.delay = 1.0
    clock.advance(seconds=20)
    [slow] = sender.send_due()
    assert slow.error == f"unreachable: no answer from {fhir.url} within 0.3 s"
    fhir.delay = 0
    clock.advance(seconds=40)
    [ok] = sender.send_due()
    assert ok.delivered
    # The slow request was still processed by the server after the client gave up; the retry found it.
    assert dict(fhir.creates) == EXPECTED_CREATES


def test_a_lost_answer_a_crash_and_a_restart_in_a_new_process_deliver_exactly_once(
        db: Database, fhir, monkeypatch: pytest.MonkeyPatch) -> None:
    # Signed ten minutes ago, so the first sender's failures and its lease are over by the time the new
    # process (with the real clock) starts: as if the app had been started again that much later.
    past = datetime.now(UTC) - timedelta(minutes=10)
    with monkeypatch.context() as patched:
        patched.setattr(versions, "utc_now_text", lambda: to_text(past))
        version, _ = sign_clean(db)
        second, _ = sign_clean(db, "demo-second")
    clock = Clock(past + timedelta(seconds=1))
    fhir.drop_next = ["after", "after"]  # both committed by the server, neither answer arrives
    outcomes = ChartSender.configured(db, clock=clock, backoff=doubling).send_due()
    assert [o.error for o in outcomes] == ["unreachable: " + f"{fhir.url}: RemoteProtocolError"] * 2
    assert fhir.creates["QuestionnaireResponse"] == 2  # the server has both
    # A sender claims the first export and dies before sending or recording anything.
    clock.advance(seconds=10)
    claimed = outbox.claim(db, (outbox.FHIR,), lease=sender_module.LEASE, now=clock.now)
    assert claimed is not None
    # The app is started again: a new process, with a real clock, long after (stored times are in the past).
    result = subprocess.run([sys.executable, "-m", "checklist_app", "fhir", "send"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outbox.items(db, pending_only=True) == []
    assert {"QuestionnaireResponse": 2, "DocumentReference": 4, "Provenance": 2} == dict(fhir.creates)
    assert len(fhir.all("QuestionnaireResponse")) == 2 and fhir.updates.total() == 0
    assert chart(db, version) == chart(db, second) == "Sent to the chart"
    exported = [e for e in list_events(db) if e.event_type == "exported"]
    assert sorted(e.record_id for e in exported) == ["demo-clean", "demo-second"]  # each recorded once


def test_an_export_waits_for_its_sealed_pdfs_then_goes_without_those_never_stored(db: Database, fhir) -> None:
    version, _ = sign_clean(db, documents=())
    clock = Clock(version.signed_at + timedelta(seconds=1))
    sender = ChartSender.configured(db, clock=clock, backoff=doubling)
    [waiting] = sender.send_due()
    assert waiting.deferred and fhir.requests == []
    [item] = outbox.items(db)
    assert item.attempts == 0 and item.failing_since is None
    clock.advance(seconds=sender_module.DOCUMENTS_WAIT.total_seconds())
    [sent] = sender.send_due()
    assert sent.delivered
    assert dict(fhir.creates) == {"QuestionnaireResponse": 1, "Provenance": 1}
    assert outbox.items(db)[0].delivered_response["documents"] == []


def test_an_amendment_is_a_new_document_that_replaces_the_first(db: Database, fhir) -> None:
    first, _ = sign_clean(db)
    ChartSender.configured(db).send_due()
    amended, _ = sign_clean(db, replaces=first)
    ChartSender.configured(db).send_due()
    assert fhir.creates["DocumentReference"] == 4
    [response] = [r for r in fhir.all("QuestionnaireResponse") if r["status"] == "amended"]
    newer = [d for d in fhir.all("DocumentReference") if d.get("relatesTo")]
    assert len(newer) == 2 and all(d["relatesTo"][0]["code"] == "replaces" for d in newer)
    replaced = {d["relatesTo"][0]["target"]["identifier"]["value"] for d in newer}
    assert replaced == {d["masterIdentifier"]["value"] for d in fhir.all("DocumentReference") if d not in newer}
    assert response["questionnaire"].endswith("|1.0.0")


def test_the_server_refuses_what_the_r4b_models_refuse(fhir) -> None:
    bad = {"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": {
        "resourceType": "QuestionnaireResponse", "status": "completed", "colour": "blue"},
        "request": {"method": "POST", "url": "QuestionnaireResponse"}}]}
    answer = httpx.post(fhir.url + "/", content=json.dumps(bad), headers={"Content-Type": "application/fhir+json"})
    assert answer.status_code == 400
    assert answer.json()["resourceType"] == "OperationOutcome" and "colour" in answer.json()["issue"][0]["diagnostics"]
    assert fhir.creates.total() == 0
