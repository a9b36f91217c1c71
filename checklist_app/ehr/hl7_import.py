"""Receiving HL7 v2 ADT^A04 (register) and ADT^A08 (update) for sites without FHIR: demographics (PID) and
allergies (AL1) into checklist drafts, read with python-hl7. No Qt.

``read_adt`` turns one message into an ``ImportResult`` like a FHIR Bundle's: PID-3 (the identifier typed MR),
PID-5 name, PID-7 date of birth, PID-8 sex; each AL1 an allergy, its code (AL1-3, coding system SCT or RXNORM)
matched to the form's substance classes, else "Other" with the words, AL1-4 severity, AL1-5 reaction.
``receive`` applies a message to every unsigned draft with that MRN (another date of birth is refused, as for
FHIR) or starts one (``adt-<MRN>``) when there is none, and answers the ACK: AA, AE with why, AR for a message
that is no ADT^A04/A08. ``AdtListener`` is the MLLP listener on a configurable port.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from checklist_app import storage
from checklist_app.domain import limits
from checklist_app.domain.codes import RXNORM, SNOMED
from checklist_app.domain.form import FormDefinition
from checklist_app.ehr.codes import CodeIndex
from checklist_app.ehr.fhir_import import demographics
from checklist_app.ehr.import_model import ImportRefused, ImportResult, PatientFacts, Proposal
from checklist_app.ehr.importing import import_into_draft

CODING_SYSTEMS = {"SCT": SNOMED, "SNM": SNOMED, "SNOMEDCT": SNOMED, "RXNORM": RXNORM, "RXN": RXNORM}
SEVERITIES = {"MI": "mild", "MO": "moderate", "SV": "severe"}
EVENTS = ("A04", "A08")
MAX_MESSAGE = 1 << 20


def read_adt(text: str, form: FormDefinition, index: CodeIndex) -> ImportResult:
    """Everything usable in one ADT^A04/A08; ImportRefused for a message that is not one."""
    import hl7

    try:
        message = hl7.parse(text.replace("\r\n", "\r").replace("\n", "\r"))
        kind = (_get(message, "MSH", 1, 9, 1, 1), _get(message, "MSH", 1, 9, 1, 2))
        message.segment("PID")
    except (KeyError, IndexError, ValueError, hl7.ParseException):
        raise ImportRefused("not an HL7 v2 ADT message with MSH and PID segments") from None
    if kind[0] != "ADT" or kind[1] not in EVENTS:
        raise ImportRefused(f"{kind[0]} {kind[1]} is not ADT A04 or ADT A08")
    sender = _get(message, "MSH", 1, 3, 1, 1) or "unknown sender"
    result = ImportResult(origin=f"HL7 ADT^{kind[1]} from {limits.printable(sender, 60)}")
    ref = f"ADT {_get(message, 'MSH', 1, 10)}"
    result.resources = [ref]
    result.patient = _patient(message, ref)
    demographics(result.patient, form, result)
    stamp = _get(message, "MSH", 1, 7)[:8]
    count = len(message.segments("AL1")) if "\rAL1|" in "\r" + str(message) else 0
    for n in range(1, count + 1):
        _allergy(message, n, f"{ref} AL1[{n}]", index, result, stamp)
    return result


def _get(message: Any, segment: str, number: int, field: int, repeat: int = 1, component: int = 1) -> str:
    """One value by its 1-based place (python-hl7's extract_field); '' where the message has none."""
    try:
        return str(message.extract_field(segment, number, field, repeat, component) or "").strip()
    except (IndexError, KeyError):
        return ""


def _patient(message: Any, ref: str) -> PatientFacts:
    mrn = None
    for repeat in range(1, 11):
        value, kind = _get(message, "PID", 1, 3, repeat, 1), _get(message, "PID", 1, 3, repeat, 5)
        if value and kind == "MR":
            mrn = value
            break
    born_text = _get(message, "PID", 1, 7)[:8]
    try:
        born = datetime.strptime(born_text, "%Y%m%d").date() if len(born_text) == 8 else None
    except ValueError:
        born = None
    sex = {"F": "female", "M": "male"}.get(_get(message, "PID", 1, 8))
    return PatientFacts(resource=ref, mrn=mrn, family=_get(message, "PID", 1, 5, 1, 1),
                        given=" ".join(x for x in (_get(message, "PID", 1, 5, 1, 2), _get(message, "PID", 1, 5, 1, 3))
                                       if x), birth_date=born, sex=sex)


def _allergy(message: Any, n: int, ref: str, index: CodeIndex, result: ImportResult, stamp: str) -> None:
    code, words, system = (_get(message, "AL1", n, 3, 1, c) for c in (1, 2, 3))
    substance = index.substances.get((CODING_SYSTEMS.get(system.upper().replace(" ", ""), ""), code))
    if substance is None and not words:
        result.problem(ref, "AL1-3", "names no substance; not added")
        return
    entry: dict[str, Any] = {"substance": substance or "other"}
    if words:
        entry["details"] = limits.clip(words, 200)
    if substance is None:
        result.problem(ref, "AL1-3", f"{limits.printable(system or 'no coding system')} {limits.printable(code)} "
                                     f"({limits.printable(words)}) is none of the form's substance classes: added as "
                                     "Other; choose the class if one fits")
    reaction = _get(message, "AL1", n, 5)
    if reaction:
        entry["reaction"] = limits.clip(reaction, 200)
    severity = _get(message, "AL1", n, 4)
    if severity in SEVERITIES:
        entry["severity"] = SEVERITIES[severity]
    key = f"allergies#{entry['substance']}" + (f":{words.lower()[:60]}" if substance is None else "")
    observed = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" if len(stamp) == 8 and stamp.isdigit() else ""
    text = ", ".join(x for x in (words or entry["substance"], reaction) if x)
    result.proposals.append(Proposal(key, "allergies", entry, {
        "origin": result.origin, "resource": ref, "version": "", "observed": observed, "text": text, "value": entry}))


def receive(db: storage.Database, form: FormDefinition, index: CodeIndex, text: str, *, policy_id: str,
            now: datetime, staff_id: str = "hl7-adt") -> tuple[str, str]:
    """Apply one message to the drafts of its patient (or a new one); the ACK code and its text."""
    try:
        result = read_adt(text, form, index)
    except ImportRefused as exc:
        return "AR", str(exc)
    mrn = result.patient.mrn if result.patient else None
    if not mrn:
        return "AE", "PID-3 holds no MRN (an identifier typed MR); nothing was filled"
    targets = [d.record_id for d in storage.recoverable_drafts(db)
               if str((d.data.get("answers") or {}).get("mrn", "")).upper() == mrn.upper()]
    new = not targets
    if new:
        targets = [_new_id(mrn)]
    refused = []
    for record_id in targets:
        try:
            import_into_draft(db, form, result, record_id=record_id, staff_id=staff_id, now=now, policy_id=policy_id,
                              create=new)
        except ImportRefused as exc:
            refused.append(f"{record_id}: {exc}")
    if refused:
        return "AE", limits.clip("; ".join(refused), 400)
    return "AA", f"{'started' if new else 'updated'} {', '.join(targets)}"


def _new_id(mrn: str) -> str:
    """'adt-MRN-204811': a record id (checked when the draft is saved) naming where the draft came from."""
    return "adt-" + "".join(c if c.isalnum() or c in "-_." else "-" for c in mrn)[:50]


def ack(text: str, code: str, why: str) -> str:
    """The ACK of a received message (python-hl7's, with MSA-3 saying why)."""
    import hl7

    try:
        message = hl7.parse(text.replace("\r\n", "\r").replace("\n", "\r"))
        answer = str(message.create_ack(ack_code=code, application="CHECKLIST_APP", facility="CHECKLIST"))
    except (KeyError, IndexError, ValueError, hl7.ParseException):
        stamp = datetime.now().strftime("%Y%m%d%H%M%S")
        answer = f"MSH|^~\\&|CHECKLIST_APP|CHECKLIST|||{stamp}||ACK|{stamp}|P|2.5\rMSA|{code}|"
    safe = why.replace("|", "/").replace("^", "/").replace("~", "-").replace("\\", "/").replace("&", "+")
    return answer.rstrip("\r") + f"|{limits.clip(safe, 200)}"


class AdtListener:
    """An MLLP listener (python-hl7's asyncio server) that passes each message to ``handle`` and sends its ACK."""

    def __init__(self, handle: Callable[[str], tuple[str, str]], host: str = "127.0.0.1", port: int = 0) -> None:
        self.handle, self.host, self.port = handle, host, port
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="adt-listener")

    def _run(self) -> None:
        from hl7.mllp import start_hl7_server

        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            start_hl7_server(self._client, self.host, self.port, limit=MAX_MESSAGE, encoding="utf-8"))
        self.port = self.server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _client(self, reader: Any, writer: Any) -> None:
        import hl7

        try:
            while not reader.at_eof():
                message = await reader.readmessage()
                text = str(message)
                code, why = await self.loop.run_in_executor(None, self.handle, text)
                writer.writemessage(hl7.parse(ack(text, code, why)))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def start(self) -> AdtListener:
        """Listen (in a thread) until ``stop``; ``port`` is then the one bound."""
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        """Close the listener and its thread."""
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

