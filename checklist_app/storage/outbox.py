"""The outbox of exports to the hospital's chart: queued with the signature, delivered later, never lost.

``queue_signed`` runs inside the transaction that signs a version (``versions._freeze``): one row per
configured destination (a FHIR server, an HL7 v2 MLLP listener: the site settings' chart connection, which
the running app hands over with ``use_site_chart``, or ``CHECKLIST_APP_FHIR_BASE_URL`` and
``CHECKLIST_APP_HL7_MLLP`` where IT sets them on a workstation), so the export commits with the signature or
not at all, and nothing is queued where nothing is configured. The row says what to send (the version and its
SHA-256), not the message: the message is built at send time from the signed version and its sealed PDFs,
which the database never lets change, so every retry sends the same resources with the same identifiers, and
the PDFs, sealed just after the signing transaction, are not stored twice.

A sender (``ehr/sender.py``) takes one due row at a time with ``claim``: an UPDATE that moves
``next_attempt_at`` forward by a lease only if the row is still due, so two workstations never send the same
row at once and a sender that dies mid-send is retried by anyone after the lease. It then records the
outcome: ``delivered`` (with the server's answer and an ``exported`` audit event, in one transaction),
``failed`` (the next try after an exponential backoff, the error in words, and since when it has been
failing) or ``defer`` (not ready yet: the PDFs are still being sealed). No Qt, no message formats here.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from checklist_app.domain.canonical import canonical_json
from checklist_app.domain.chart_connection import ChartConnection
from checklist_app.storage import tables
from checklist_app.storage.audit import append_event
from checklist_app.storage.clock import from_text, to_text, utc_now
from checklist_app.storage.database import Database

FHIR_BASE_URL_ENV = "CHECKLIST_APP_FHIR_BASE_URL"
HL7_MLLP_ENV = "CHECKLIST_APP_HL7_MLLP"
FHIR, HL7 = "fhir-transaction", "hl7-mdm"
KINDS = (FHIR, HL7)
DOCUMENTS = ("checklist", "discharge")  # what each export carries: the packet's sealed PDFs
# Who the audit trail names for a delivery: no person sends it, the app's sender does.
SENDER_ID = "chart-export"
# A namespace for the export's stable identifiers: uuid5(namespace, "<version SHA-256>/<what>") is the same
# on every workstation and every retry, and differs for every version and resource.
ID_NAMESPACE = uuid.UUID("6f1c8a52-3d0e-5b7a-9c44-2a9e51d07b13")


_SITE_CHART: list[ChartConnection] = [ChartConnection()]  # the site settings' chart connection in force


def use_site_chart(chart: ChartConnection) -> None:
    """From now on in this process, the site settings' chart connection (the session sets it when it reads
    the site settings, and again after an administrator saved them)."""
    _SITE_CHART[0] = chart


def site_chart() -> ChartConnection:
    """The site settings' chart connection in force in this process (empty until a session set one)."""
    return _SITE_CHART[0]


def configured_kinds() -> tuple[str, ...]:
    """The exports this workstation queues at signing: FHIR when a base URL is set, HL7 v2 when an MLLP
    listener is set (in the environment, or in the site's chart connection); none by default."""
    chart = site_chart()
    return tuple(kind for kind, env, site in ((FHIR, FHIR_BASE_URL_ENV, chart.fhir_base_url),
                                              (HL7, HL7_MLLP_ENV, chart.mllp_host))
                 if os.environ.get(env, "").strip() or site)


def stable_uuid(sha256: str, what: str) -> str:
    """``urn:uuid:...`` for one resource of one signed version (``what``: 'bundle', 'questionnaire-response',
    'document/checklist', ...)."""
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{sha256}/{what}')}"


def identifier_for(kind: str, sha256: str) -> str:
    """The export's identifier: the Bundle's urn:uuid for FHIR; for HL7 v2 a message control id (MSH-10 is at
    most 20 characters in v2.5, hence hex digits of the version's SHA-256)."""
    return stable_uuid(sha256, "bundle") if kind == FHIR else f"CKL{sha256[:17].upper()}"


def queue_signed(conn: Connection, *, version_id: int, record_id: str, version_no: int, sha256: str,
                 signed_at: str) -> list[str]:
    """Inside the signing transaction: queue the configured exports of a new version; returns their kinds."""
    kinds = configured_kinds()
    payload = canonical_json({"version_id": version_id, "record_id": record_id, "version_no": version_no,
                              "sha256": sha256, "documents": list(DOCUMENTS)}).decode()
    for kind in kinds:
        conn.execute(insert(tables.outbox).values(
            record_id=record_id, version_id=version_id, kind=kind, payload=payload,
            identifier=identifier_for(kind, sha256), created_at=signed_at, attempts=0, next_attempt_at=signed_at))
    return list(kinds)


@dataclass(frozen=True)
class OutboxItem:
    """One queued export, as stored."""

    outbox_id: int
    record_id: str
    version_id: int
    kind: str
    payload: dict[str, Any]
    identifier: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    failing_since: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    delivered_response: dict[str, Any] | None

    @property
    def sha256(self) -> str:
        """The SHA-256 of the signed version this export carries."""
        return str(self.payload["sha256"])


def _item(row: Any) -> OutboxItem:
    return OutboxItem(
        outbox_id=row.outbox_id, record_id=row.record_id, version_id=row.version_id, kind=row.kind,
        payload=json.loads(row.payload), identifier=row.identifier, created_at=from_text(row.created_at),
        attempts=row.attempts, next_attempt_at=from_text(row.next_attempt_at),
        failing_since=from_text(row.failing_since) if row.failing_since else None, last_error=row.last_error,
        delivered_at=from_text(row.delivered_at) if row.delivered_at else None,
        delivered_response=json.loads(row.delivered_response) if row.delivered_response else None)


def claim(db: Database, kinds: tuple[str, ...], *, lease: timedelta, now: datetime | None = None) -> OutboxItem | None:
    """Take the next due export of ``kinds`` (oldest first) for ``lease``; None when nothing is due.

    The conditional UPDATE is the claim: of two senders reading the same due row, only the one whose UPDATE
    still finds it due gets it; the other looks again.
    """
    if not kinds:
        return None
    o = tables.outbox
    moment = now or utc_now()
    due = and_(o.c.delivered_at.is_(None), o.c.kind.in_(kinds), o.c.next_attempt_at <= to_text(moment))
    for _ in range(5):  # another sender took the row we saw: look again, a few times
        with db.write() as conn:
            row = conn.execute(select(o).where(due).order_by(o.c.next_attempt_at, o.c.outbox_id).limit(1)).first()
            if row is None:
                return None
            taken = conn.execute(update(o).where(o.c.outbox_id == row.outbox_id, due)
                                 .values(next_attempt_at=to_text(moment + lease)))
            if taken.rowcount == 1:
                return _item(row)
    return None


def delivered(db: Database, item: OutboxItem, *, destination: str, response: dict[str, Any],
              now: datetime | None = None) -> bool:
    """Record a delivery, with an ``exported`` audit event in the same transaction; False if the row had
    already been recorded as delivered (a sender whose lease ran out while another delivered it)."""
    o = tables.outbox
    with db.write() as conn:
        done = conn.execute(update(o).where(o.c.outbox_id == item.outbox_id, o.c.delivered_at.is_(None)).values(
            delivered_at=to_text(now or utc_now()), delivered_response=canonical_json(response).decode(),
            last_error=None, failing_since=None))
        if done.rowcount != 1:
            return False
        append_event(db, conn, "exported", staff_id=SENDER_ID, record_id=item.record_id, details={
            "version_id": item.version_id, "kind": item.kind, "destination": destination,
            "identifier": item.identifier, "attempts": item.attempts + 1})
    return True


def failed(db: Database, item: OutboxItem, *, error: str, retry_at: datetime, now: datetime | None = None) -> None:
    """Record a failed attempt: the error in words, when to try again, and since when it has been failing."""
    o = tables.outbox
    moment = to_text(now or utc_now())
    with db.write() as conn:
        conn.execute(update(o).where(o.c.outbox_id == item.outbox_id, o.c.delivered_at.is_(None)).values(
            attempts=o.c.attempts + 1, last_error=error[:1000], next_attempt_at=to_text(retry_at),
            failing_since=func.coalesce(o.c.failing_since, moment)))


def defer(db: Database, item: OutboxItem, *, until: datetime) -> None:
    """Not ready to send yet (the sealed PDFs are still being stored): try again at ``until``, no attempt
    counted."""
    o = tables.outbox
    with db.write() as conn:
        conn.execute(update(o).where(o.c.outbox_id == item.outbox_id, o.c.delivered_at.is_(None))
                     .values(next_attempt_at=to_text(until)))


def items(db: Database, *, pending_only: bool = False, version_id: int | None = None) -> list[OutboxItem]:
    """Queued exports, oldest first: all, those not yet delivered, or one version's."""
    o = tables.outbox
    query = select(o).order_by(o.c.outbox_id)
    if pending_only:
        query = query.where(o.c.delivered_at.is_(None))
    if version_id is not None:
        query = query.where(o.c.version_id == version_id)
    with db.read() as conn:
        return [_item(row) for row in conn.execute(query)]


def chart_texts(db: Database, versions: dict[str, int]) -> dict[str, str]:
    """What the worklist says about each record's export (record_id -> words), for the given record_id ->
    latest version_id, in one query; records with nothing queued are left out."""
    if not versions:
        return {}
    o = tables.outbox
    query = select(o.c.version_id, o.c.kind, o.c.delivered_at, o.c.failing_since, o.c.last_error, o.c.attempts)
    wanted = list(versions.values())
    by_version: dict[int, list[Any]] = {}
    with db.read() as conn:
        for start in range(0, len(wanted), 500):  # bounded IN lists
            chunk = wanted[start:start + 500]
            for row in conn.execute(query.where(o.c.version_id.in_(chunk))):
                by_version.setdefault(row.version_id, []).append(row)
    return {record_id: chart_text(by_version[version_id]) for record_id, version_id in versions.items()
            if version_id in by_version}


def chart_text(rows: list[Any]) -> str:
    """One version's exports in words: 'Sent to the chart', or what it is waiting for and since when."""
    waiting = [row for row in rows if row.delivered_at is None]
    if not waiting:
        return "Sent to the chart"
    failing = [row for row in waiting if row.failing_since]
    if not failing:
        return "Waiting to be sent to the chart"
    first = min(failing, key=lambda row: row.failing_since)
    since = from_text(first.failing_since).astimezone()
    stamp = f"{since:%H:%M}" if since.date() == utc_now().astimezone().date() else f"{since:%Y-%m-%d %H:%M}"
    return f"Waiting: {reason_words(first.last_error)} since {stamp}"


def reason_words(error: str | None) -> str:
    """The short reason the worklist gives, from the stored error (which starts with its kind)."""
    text = error or ""
    for prefix, words in (("unreachable", "server unreachable"), ("refused", "not accepted by the chart"),
                          ("server error", "chart server error"), ("no documents", "no sealed PDF stored"),
                          ("configuration", "export settings need IT")):
        if text.startswith(prefix):
            return words
    return "not sent yet"
