"""The outbox of exports to the chart: queued in the signing transaction, claimed by one sender at a time,
failures kept with since-when, deliveries audited; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from signed_helpers import signed_content
from storage_helpers import PINS, raw

from checklist_app.domain.errors import StorageError
from checklist_app.storage import Database, list_events, list_versions, open_database, outbox, sign, verify_audit
from checklist_app.storage.migrations import LATEST_VERSION

CONTENT = signed_content({"record_id": "r1", "answers": {"inr": 1.1}})
LEASE = timedelta(minutes=2)


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, "http://127.0.0.1:9/fhir")
    monkeypatch.setenv(outbox.HL7_MLLP_ENV, "127.0.0.1:9")


def sign_r1(db: Database, record_id: str = "r1") -> object:
    return sign(db, record_id, signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed and verified",
                content=CONTENT, form_id="vertebral_augmentation", form_version="1.0")


def test_signing_queues_each_configured_export_with_stable_identifiers(staffed: Database, configured: None) -> None:
    version = sign_r1(staffed)
    queued = outbox.items(staffed)
    assert [(i.kind, i.version_id, i.record_id, i.attempts) for i in queued] == [
        (outbox.FHIR, version.version_id, "r1", 0), (outbox.HL7, version.version_id, "r1", 0)]
    fhir, hl7 = queued
    assert fhir.payload == {"version_id": version.version_id, "record_id": "r1", "version_no": 1,
                            "sha256": version.sha256, "documents": ["checklist", "discharge"]}
    assert fhir.identifier == outbox.stable_uuid(version.sha256, "bundle") and fhir.identifier.startswith("urn:uuid:")
    assert hl7.identifier == outbox.identifier_for(outbox.HL7, version.sha256) and len(hl7.identifier) <= 20
    assert fhir.created_at == version.signed_at == fhir.next_attempt_at  # due at once
    assert outbox.chart_texts(staffed, {"r1": version.version_id}) == {"r1": "Waiting to be sent to the chart"}


def test_a_signed_pre_admission_plan_is_not_sent_to_the_chart(staffed: Database, configured: None) -> None:
    sign_r1(staffed, "plan-r1")  # a plan is not the completed checklist the chart expects
    assert outbox.items(staffed) == []
    sign_r1(staffed)
    assert [i.record_id for i in outbox.items(staffed)] == ["r1", "r1"]


def test_nothing_is_queued_when_no_destination_is_configured(staffed: Database,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(outbox.FHIR_BASE_URL_ENV, raising=False)
    monkeypatch.setenv(outbox.HL7_MLLP_ENV, "  ")
    version = sign_r1(staffed)
    assert outbox.items(staffed) == []
    assert outbox.chart_texts(staffed, {"r1": version.version_id}) == {}


def test_the_export_and_the_signature_commit_together(staffed: Database, configured: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = outbox.queue_signed

    def queue_then_fail(conn, **kwargs):  # the rows are written, then the transaction fails
        assert real(conn, **kwargs)
        raise StorageError("the disk filled up just then")

    monkeypatch.setattr(outbox, "queue_signed", queue_then_fail)
    with pytest.raises(StorageError, match="disk filled"):
        sign_r1(staffed)
    assert list_versions(staffed, "r1") == [] and outbox.items(staffed) == []  # neither, not one of the two
    monkeypatch.setattr(outbox, "queue_signed", real)
    sign_r1(staffed)
    with pytest.raises(StorageError, match="already signed"):  # a refused signature queues nothing
        sign_r1(staffed)
    assert len(outbox.items(staffed)) == 2


def test_one_sender_at_a_time_and_a_dead_senders_row_is_taken_after_its_lease(staffed: Database,
                                                                             configured: None) -> None:
    version = sign_r1(staffed)
    now = version.signed_at + timedelta(seconds=1)
    first = outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=now)
    assert first is not None and first.kind == outbox.FHIR
    assert outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=now) is None  # held by the first sender
    assert outbox.claim(staffed, (), lease=LEASE, now=now) is None
    # The first sender died mid-send: after its lease anyone may take the row again.
    again = outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=now + LEASE + timedelta(seconds=1))
    assert again is not None and again.outbox_id == first.outbox_id


def test_failures_keep_since_when_and_a_delivery_is_audited_once(staffed: Database, configured: None) -> None:
    version = sign_r1(staffed)
    start = version.signed_at + timedelta(seconds=1)
    item = outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=start)
    outbox.failed(staffed, item, error="unreachable: connection refused", retry_at=start + timedelta(seconds=10),
                  now=start)
    assert outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=start + timedelta(seconds=5)) is None  # backoff
    item = outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=start + timedelta(seconds=11))
    outbox.failed(staffed, item, error="unreachable: timed out", retry_at=start + timedelta(seconds=40),
                  now=start + timedelta(seconds=11))
    [stored] = outbox.items(staffed, version_id=version.version_id, pending_only=True)[:1]
    assert (stored.attempts, stored.failing_since, stored.last_error) == (2, start, "unreachable: timed out")
    local = start.astimezone()
    stamp = f"{local:%H:%M}" if local.date() == datetime.now(UTC).astimezone().date() else f"{local:%Y-%m-%d %H:%M}"
    assert outbox.chart_texts(staffed, {"r1": version.version_id}) == {
        "r1": f"Waiting: server unreachable since {stamp}"}

    item = outbox.claim(staffed, (outbox.FHIR,), lease=LEASE, now=start + timedelta(seconds=41))
    assert outbox.delivered(staffed, item, destination="FHIR http://127.0.0.1:9/fhir", response={"status": "200"})
    assert not outbox.delivered(staffed, item, destination="FHIR http://127.0.0.1:9/fhir", response={})
    [done] = [i for i in outbox.items(staffed) if i.kind == outbox.FHIR]
    assert done.delivered_at is not None and done.last_error is None and done.delivered_response == {"status": "200"}
    exported = [e for e in list_events(staffed, "r1") if e.event_type == "exported"]
    assert [(e.staff_id, e.details["kind"], e.details["attempts"]) for e in exported] == [
        (outbox.SENDER_ID, outbox.FHIR, 3)]
    assert verify_audit(staffed).ok
    # The HL7 export is still waiting, so the checklist is not yet all in the chart.
    assert outbox.chart_texts(staffed, {"r1": version.version_id}) == {"r1": "Waiting to be sent to the chart"}
    hl7 = outbox.claim(staffed, (outbox.HL7,), lease=LEASE, now=start + timedelta(seconds=42))
    outbox.delivered(staffed, hl7, destination="HL7 v2 127.0.0.1:9", response={"ack": "AA"})
    assert outbox.chart_texts(staffed, {"r1": version.version_id}) == {"r1": "Sent to the chart"}


def test_a_deferred_row_counts_no_attempt(staffed: Database, configured: None) -> None:
    version = sign_r1(staffed)
    now = version.signed_at + timedelta(seconds=1)
    item = outbox.claim(staffed, (outbox.HL7,), lease=LEASE, now=now)
    outbox.defer(staffed, item, until=now + timedelta(seconds=5))
    assert outbox.claim(staffed, (outbox.HL7,), lease=LEASE, now=now + timedelta(seconds=4)) is None
    later = outbox.claim(staffed, (outbox.HL7,), lease=LEASE, now=now + timedelta(seconds=5))
    assert later is not None and later.attempts == 0 and later.failing_since is None


def test_the_application_role_cannot_delete_the_outbox(staffed: Database, configured: None, backend: str) -> None:
    sign_r1(staffed)
    if backend != "postgresql":
        pytest.skip("grants exist only on a server")
    with pytest.raises(StorageError), staffed.write() as conn:
        conn.exec_driver_sql("DELETE FROM outbox")
    assert len(outbox.items(staffed)) == 2


@pytest.mark.sqlite_only
def test_a_database_from_before_schema_6_gets_the_outbox(data_dir: Path, configured: None) -> None:
    with open_database(data_dir=data_dir) as db, raw(db) as conn:
        conn.execute("DROP TABLE outbox")
        conn.execute("DELETE FROM schema_version WHERE version >= 6")
    with open_database(data_dir=data_dir) as db:
        with raw(db) as conn:
            assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == LATEST_VERSION == 6
        from checklist_app.storage import add_staff
        add_staff(db, "rn1", "Rita Nurse", "RN", "nurse", PINS["rn1"], actor="os:test")
        sign_r1(db)
        assert len(outbox.items(db)) == 2
