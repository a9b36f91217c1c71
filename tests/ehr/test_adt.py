"""Receiving HL7 v2 ADT^A04/A08 over a real MLLP socket (the app's listener, python-hl7's server; the
export side's MLLP client sends): a registration starts a draft with the demographics and AL1 allergies, each
with its source; an update fills the same draft; another date of birth for that MRN is refused with an AE
saying why and changes nothing; a message that is no ADT is rejected (AR)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from importing_helpers import FORM, INDEX

from checklist_app.ehr.apply import source_line
from checklist_app.ehr.hl7_import import AdtListener, read_adt, receive
from checklist_app.ehr.mllp import send
from checklist_app.storage import Database, list_events, load_draft
from checklist_app.workflows.checklist_state import ChecklistState

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def adt(event: str, control: str, born: str = "19540312", al1: str = "") -> str:
    return "\r".join(filter(None, [
        f"MSH|^~\\&|EPIC|HOSP|CHECKLIST_APP|CHECKLIST|20261130085500||ADT^{event}^ADT_A01|{control}|P|2.5",
        "EVN|" + event + "|20261130085500",
        f"PID|1||MRN-204811^^^HOSP^MR~998877^^^NHS^NH||Okafor^Grace^Adaeze||{born}|F",
        "PV1|1|O",
        al1,
    ]))


LATEX = "AL1|1|LA|111088007^Latex^SCT|MO|Contact dermatitis"
PENICILLIN = "AL1|2|DA|^Penicillin V^|SV|Anaphylaxis"


@pytest.fixture
def listener(db: Database):
    received: list[tuple[str, str]] = []

    def handle(text: str) -> tuple[str, str]:
        answer = receive(db, FORM, INDEX, text, policy_id="sir-2019", now=NOW)
        received.append(answer)
        return answer

    running = AdtListener(handle).start()
    running.received = received  # type: ignore[attr-defined]
    yield running
    running.stop()


def test_an_a04_starts_a_draft_an_a08_updates_it_another_birth_date_is_refused(db: Database, listener) -> None:
    first = send("127.0.0.1", listener.port, adt("A04", "MSG001", al1=LATEX), timeout=10)
    assert (first.code, first.control_id) == ("AA", "MSG001")
    data = load_draft(db, "adt-MRN-204811").data
    assert data["answers"]["patient_name"] == "Okafor, Grace Adaeze"
    assert (data["answers"]["date_of_birth"], data["answers"]["sex"]) == ("1954-03-12", "female")
    assert data["answers"]["allergies"] == [{"substance": "latex", "details": "Latex", "reaction": "Contact dermatitis",
                                             "severity": "moderate"}]
    state, _ = ChecklistState.from_data(FORM, data, fallback_staff="hl7-adt", now=NOW, policy_id="sir-2019")
    assert source_line(state, "allergies#latex") == "From the EHR: Latex, Contact dermatitis, 2026-11-30"
    assert data["sources"]["mrn"]["origin"] == "HL7 ADT^A04 from EPIC"

    update = send("127.0.0.1", listener.port, adt("A08", "MSG002", al1=PENICILLIN), timeout=10)
    assert update.code == "AA"
    allergies = load_draft(db, "adt-MRN-204811").data["answers"]["allergies"]
    assert [a["substance"] for a in allergies] == ["latex", "other"] and allergies[1]["details"] == "Penicillin V"

    before = load_draft(db, "adt-MRN-204811").data
    other = send("127.0.0.1", listener.port, adt("A08", "MSG003", born="19610704"), timeout=10)
    assert other.code == "AE" and "This is another patient" in other.text
    assert load_draft(db, "adt-MRN-204811").data == before
    sources = [e.details["source"] for e in list_events(db, "adt-MRN-204811") if e.event_type == "imported"]
    assert sources == ["HL7 ADT^A04 from EPIC", "HL7 ADT^A08 from EPIC"]


def test_a_message_that_is_no_adt_a04_or_a08_is_rejected(db: Database, listener) -> None:
    oru = adt("A04", "MSG009").replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01")
    answer = send("127.0.0.1", listener.port, oru, timeout=10)
    assert answer.code == "AR" and "ORU R01 is not ADT A04 or ADT A08" in answer.text


def test_an_allergy_coded_in_no_known_class_is_added_as_other_and_said() -> None:
    result = read_adt(adt("A04", "M1", al1=PENICILLIN), FORM, INDEX)
    [proposal] = [p for p in result.proposals if p.item_id == "allergies"]
    assert proposal.value["substance"] == "other" and proposal.value["severity"] == "severe"
    assert any("ADT M1 AL1[1] AL1-3" in line and "added as Other" in line for line in result.problem_lines())
