"""MDM^T02 over MLLP to a real listener (python-hl7's asyncio server) on localhost, on SQLite and PostgreSQL:
the message parses with the v2 library, OBX-5 decodes to exactly the stored PDF, a resend after a lost ACK
carries the same control id, and a rejection is kept in words."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import hl7
import pytest
from signing import sign_clean

from checklist_app.ehr.export_hl7 import escape
from checklist_app.ehr.mllp import MllpError, parse_ack
from checklist_app.ehr.sender import ChartSender
from checklist_app.storage import Database, get_pdf, outbox


def test_the_mdm_t02_parses_and_carries_exactly_the_stored_pdf(db: Database, mllp) -> None:
    version, pdfs = sign_clean(db)
    [outcome] = ChartSender.configured(db).send_due()
    assert outcome.delivered, outcome.error
    [message] = mllp.documents.values()
    assert isinstance(message, hl7.Message)
    assert str(message.segment("MSH")(9)) == "MDM^T02^MDM_T02"
    assert str(message.segment("MSH")(10)) == outbox.identifier_for(outbox.HL7, version.sha256)
    assert str(message.segment("PID")(3)(0)(0)) == "MRN-204811"
    assert str(message.segment("PID")(5)) == "Okafor^Grace Adaeze"
    txa = message.segment("TXA")
    assert (str(txa(12)), str(txa(17))) == (outbox.identifier_for(outbox.HL7, version.sha256), "AU")
    obx = message.segments("OBX")[0]
    assert str(obx(2)) == "ED" and str(obx(3)(0)(0)) == "11503-0"
    # OBX-5 (ED): source ^ type ^ subtype ^ encoding ^ data
    value = obx(5)(0)
    assert [str(value(i)) for i in (2, 3, 4)] == ["AP", "PDF", "Base64"]
    decoded = base64.b64decode(str(value(5)))
    assert decoded == pdfs["checklist"] == get_pdf(db, version.version_id, "checklist")
    assert str(message.segments("OBX")[1](5)) == hashlib.sha256(decoded).hexdigest()
    assert outbox.items(db)[0].delivered_response["ack"] == "AA"


def test_a_lost_ack_is_resent_with_the_same_control_id_and_a_rejection_is_kept(db: Database, mllp) -> None:
    version, _ = sign_clean(db)
    clock_now = version.signed_at + timedelta(seconds=1)
    sender = ChartSender.configured(db, clock=lambda: clock_now, backoff=lambda n: timedelta(seconds=10))
    mllp.drop_next = 1
    [lost] = sender.send_due()
    assert lost.error == "unreachable: the connection was closed before an ACK arrived"
    assert outbox.chart_texts(db, {version.record_id: version.version_id})[version.record_id].startswith(
        "Waiting: server unreachable since")
    mllp.ack_code = "AE"
    clock_now += timedelta(seconds=10)
    [refused] = sender.send_due()
    assert refused.error.startswith("refused: the receiver answered AE")
    mllp.ack_code = "AA"
    clock_now += timedelta(seconds=10)
    [sent] = sender.send_due()
    assert sent.delivered
    control_ids = {str(m.segment("MSH")(10)) for m in mllp.messages}
    assert len(mllp.messages) == 3 and control_ids == {outbox.identifier_for(outbox.HL7, version.sha256)}
    # The engine took the first copy (its ACK was lost) and recognised both resends as that same document.
    assert (len(mllp.documents), mllp.duplicates) == (1, 2)


def test_without_a_sealed_pdf_no_mdm_is_sent_and_the_worklist_says_why(db: Database, mllp) -> None:
    version, _ = sign_clean(db, documents=())
    late = version.signed_at + timedelta(minutes=5)
    [outcome] = ChartSender.configured(db, clock=lambda: late).send_due()
    assert outcome.error.startswith("no documents") and mllp.messages == []
    text = outbox.chart_texts(db, {version.record_id: version.version_id})[version.record_id]
    assert text.startswith("Waiting: no sealed PDF stored since")


def test_text_is_escaped_and_an_answer_that_is_no_ack_is_refused() -> None:
    assert escape("a|b^c&d~e\\f\ng") == "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g"
    with pytest.raises(MllpError, match="not an HL7 ACK"):
        parse_ack(b"HTTP/1.1 200 OK\r\n")
