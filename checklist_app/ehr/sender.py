"""Delivering the outbox to the chart: retries with exponential backoff, across restarts, exactly once. No Qt.

``ChartSender.send_due`` is one pass: it claims each due export (``storage.outbox.claim``, a lease so no
other workstation sends it meanwhile), builds the message from the signed version and its sealed PDFs,
sends it, and records the outcome in the database: delivered (with the server's answer and an ``exported``
audit event), failed (the error in words; the next try 10 s, 20 s, 40 s ... up to an hour later), or not
ready (the PDFs are sealed and stored just after the signing transaction: a fresh export waits up to
``DOCUMENTS_WAIT`` for them). ``start`` runs passes on a thread until ``stop``; ``python -m checklist_app fhir
send [--watch]`` runs the same passes from a command line.

Exactly once: the state lives in the outbox table, so a restarted app (or another workstation) carries on
where this one stopped; a send whose answer was lost (timeout, dropped connection, a crash before the
delivery was recorded) is sent again after its lease, and the receiver recognises the repeat: FHIR by the
conditional creates on the stable identifiers (``export_fhir.py``), HL7 v2 by the unchanged control id.
Callbacks (``on_result``) run on the sender's thread; a Qt screen re-emits them as signals.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from checklist_app import storage
from checklist_app.domain.errors import ChecklistError, StorageError
from checklist_app.ehr import export_config
from checklist_app.ehr.export_config import ExportConfigError, FhirDestination, MllpDestination
from checklist_app.storage import outbox
from checklist_app.storage.clock import utc_now
from checklist_app.storage.outbox import OutboxItem

if TYPE_CHECKING:
    from checklist_app.domain.form import FormDefinition

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # longer than a send may take (connect + write + answer, each bounded)
DOCUMENTS_WAIT = timedelta(minutes=2)  # how long a fresh export waits for its sealed PDFs
DOCUMENTS_POLL = timedelta(seconds=3)
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(hours=1)


def default_backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 10 s doubling to at most an hour, less up to a fifth at
    random so workstations that failed together do not all retry in the same second."""
    wait = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return wait * random.uniform(0.8, 1.0)  # noqa: S311 (spreading retries, not a secret)


class SendError(Exception):
    """One attempt failed; the text starts with its kind (unreachable, server error, refused, configuration,
    no documents) and names no patient."""


@dataclass(frozen=True)
class Outcome:
    """What one attempt did with one export."""

    item: OutboxItem
    delivered: bool = False
    deferred: bool = False
    error: str | None = None
    retry_at: datetime | None = None


class ChartSender:
    """Sends the due exports of the kinds configured here; state in the database only."""

    def __init__(self, db: storage.Database, *, fhir: FhirDestination | None = None,
                 mllp: MllpDestination | None = None, form: FormDefinition | None = None,
                 clock: Callable[[], datetime] = utc_now, backoff: Callable[[int], timedelta] = default_backoff,
                 on_result: Callable[[Outcome], None] | None = None, interval: float = 5.0) -> None:
        self.db, self.fhir, self.mllp = db, fhir, mllp
        self.clock, self.backoff, self.on_result, self.interval = clock, backoff, on_result, interval
        self._form = form
        self.follows_settings = False  # set by ``configured``: destinations re-read before each pass
        self._settings_read: tuple[Any, Any] = (fhir, mllp)  # what the settings said when last read
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def configured(cls, db: storage.Database, **kwargs: Any) -> ChartSender:
        """A sender for the destinations configured here: the site's chart connection, the environment first
        (ExportConfigError if one is set wrongly). It re-reads them before each pass, so an administrator's
        change in Settings is followed without a restart."""
        sender = cls(db, fhir=export_config.fhir_destination(), mllp=export_config.mllp_destination(), **kwargs)
        sender.follows_settings = True
        return sender

    def _follow_settings(self) -> None:
        if not self.follows_settings:
            return
        try:
            now = (export_config.fhir_destination(), export_config.mllp_destination())
            if now != self._settings_read:  # changed since: take the new destinations
                self.fhir, self.mllp = self._settings_read = now
        except ExportConfigError as exc:  # keep sending where it did; the exports wait, the log says why
            log.warning("the chart connection's new settings cannot be used: %s", exc)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of export this sender delivers."""
        return tuple(kind for kind, where in ((outbox.FHIR, self.fhir), (outbox.HL7, self.mllp)) if where)

    def send_due(self) -> list[Outcome]:
        """One pass: every export due now, each tried once. Returns what happened to each."""
        self._follow_settings()
        outcomes: list[Outcome] = []
        seen: set[int] = set()
        while True:
            item = outbox.claim(self.db, self.kinds, lease=LEASE, now=self.clock())
            if item is None or item.outbox_id in seen:
                return outcomes
            seen.add(item.outbox_id)
            outcome = self.send_one(item)
            outcomes.append(outcome)
            if self.on_result is not None:
                self.on_result(outcome)

    def send_one(self, item: OutboxItem) -> Outcome:
        """Build, send and record one claimed export."""
        now = self.clock()
        try:
            version = storage.get_version(self.db, item.version_id)
            pdfs = {kind: pdf for kind in outbox.DOCUMENTS
                    if kind in version.documents and (pdf := storage.get_pdf(self.db, version.version_id, kind))}
            if len(pdfs) < len(outbox.DOCUMENTS) and now - item.created_at < DOCUMENTS_WAIT:
                outbox.defer(self.db, item, until=now + DOCUMENTS_POLL)
                return Outcome(item, deferred=True)
            if item.kind == outbox.FHIR:
                destination, response = self._send_fhir(item, version, pdfs)
            else:
                destination, response = self._send_hl7(item, version, pdfs)
        except SendError as exc:
            retry_at = now + self.backoff(item.attempts + 1)
            outbox.failed(self.db, item, error=str(exc), retry_at=retry_at, now=now)
            log.warning("export %s of version %s not delivered: %s", item.kind, item.version_id, exc)
            return Outcome(item, error=str(exc), retry_at=retry_at)
        outbox.delivered(self.db, item, destination=destination, response=response, now=self.clock())
        return Outcome(item, delivered=True)

    def form(self) -> FormDefinition:
        """The installed form (item texts and order for the QuestionnaireResponse), loaded once."""
        if self._form is None:
            from checklist_app.rules import load_form

            self._form = load_form()
        return self._form

    def policy(self, version: Any) -> Any:
        """The signed version's policy (its medicines' codes travel with the answers), or None when it is not
        installed here: the answers are sent without those codes rather than not at all."""
        from checklist_app.domain.errors import ChecklistError
        from checklist_app.rules import load_policy_for

        policy_id = version.content.record.get("policy_id")
        try:
            return load_policy_for(self.form(), policy_id, field="the signed checklist's policy_id") if policy_id \
                else None
        except ChecklistError:
            return None

    def _send_fhir(self, item: OutboxItem, version: Any, pdfs: dict[str, bytes]) -> tuple[str, dict[str, Any]]:
        from checklist_app.ehr.export_fhir import bundle_bytes, transaction_bundle
        from checklist_app.ehr.fhir_client import post_transaction

        assert self.fhir is not None  # claimed only for the kinds configured
        replaced = (storage.get_version(self.db, version.replaces_version_id).sha256
                    if version.replaces_version_id is not None else None)
        try:
            body = bundle_bytes(transaction_bundle(version, pdfs, self.form(), export_config.systems(),
                                                   replaced_sha256=replaced, policy=self.policy(version)))
        except ValueError as exc:  # the R4B models refused what was built (pydantic's error is a ValueError)
            raise SendError(f"configuration: the Bundle could not be built ({type(exc).__name__}); tell IT, "
                            f"quoting version {version.version_id}") from None
        try:
            response = post_transaction(self.fhir, body)
        except ExportConfigError as exc:
            raise SendError(f"configuration: {exc}") from None
        return self.fhir.describe(), {**response, "sent_sha256": hashlib.sha256(body).hexdigest(),
                                      "documents": sorted(pdfs)}

    def _send_hl7(self, item: OutboxItem, version: Any, pdfs: dict[str, bytes]) -> tuple[str, dict[str, Any]]:
        from checklist_app.ehr.export_hl7 import mdm_t02
        from checklist_app.ehr.mllp import MllpError, send

        assert self.mllp is not None
        if "checklist" not in pdfs:
            raise SendError("no documents: no sealed checklist PDF was stored at signing, and an MDM^T02 carries "
                            "one; print or save the packet from the app, and tell IT")
        message = mdm_t02(version, pdfs["checklist"], item.identifier, self.mllp)
        try:
            ack = send(self.mllp.host, self.mllp.port, message, timeout=self.mllp.timeout)
        except MllpError as exc:
            raise SendError(str(exc)) from None
        if not ack.accepted:
            raise SendError(f"refused: the receiver answered {ack.code} ({ack.text[:200]})")
        if ack.control_id != item.identifier:
            raise SendError(f"refused: the ACK is for message {ack.control_id[:20]}, not {item.identifier}")
        return self.mllp.describe(), {"ack": ack.code, "control_id": ack.control_id,
                                      "sent_sha256": hashlib.sha256(message.encode()).hexdigest()}

    # --- running in the background -----------------------------------------------------------------------

    def start(self) -> None:
        """Send due exports every ``interval`` seconds on a daemon thread until ``stop``."""
        self._thread = threading.Thread(target=self.run, name="checklist-chart-sender", daemon=True)
        self._thread.start()

    def run(self) -> None:
        """Passes until ``stop`` (the thread's body; ``fhir send --watch`` calls it directly)."""
        while not self._stop.is_set():
            try:
                self.send_due()
            except (StorageError, ChecklistError) as exc:  # the database is away for now: try again later
                log.warning("sending to the chart paused: %s", exc)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        """Stop after the current send, waiting for it at most 5 s."""
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            # Not waiting out a slow server: a send cut off here is retried after its lease, by anyone.
            self._thread.join(timeout=5)
