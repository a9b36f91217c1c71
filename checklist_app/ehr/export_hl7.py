"""A signed version as an HL7 v2.5 MDM^T02 (original document notification and content), for sites whose
chart takes documents over an interface engine rather than FHIR.

The message carries the sealed checklist PDF exactly as stored at signing, base64 in OBX-5 (data type ED:
``^AP^PDF^Base64^<data>``), with the patient (PID, MRN and name), the document (TXA: type, completion status
"authenticated", the signer and time, TXA-12 the unique document number) and the SHA-256 of the PDF in a
second OBX for a receiver to check. Every field is derived from the immutable signed version: MSH-7 is the
signing time and MSH-10 (the control id) comes from the version's SHA-256, so a resend after a lost ACK is
the same message with the same control id, which interface engines use to discard duplicates.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any

from checklist_app.domain.signed import SignedVersion
from checklist_app.ehr.export_config import MllpDestination

SEGMENT_END = "\r"
ENCODING = "^~\\&"
LOINC_CHECKLIST = ("11503-0", "Medical records", "LN")


def escape(text: Any) -> str:
    """Text with HL7's delimiters written as escape sequences (``|`` -> ``\\F\\``, ...), line breaks as
    ``\\.br\\``."""
    out = str(text).replace("\\", "\\E\\").replace("|", "\\F\\").replace("^", "\\S\\").replace("&", "\\T\\")
    return out.replace("~", "\\R\\").replace("\r\n", "\\.br\\").replace("\n", "\\.br\\").replace("\r", "\\.br\\")


def hl7_time(moment: datetime) -> str:
    """An aware moment as HL7 TS with its offset: ``20261121071500+0100``."""
    return moment.strftime("%Y%m%d%H%M%S%z")


def _name(full: Any) -> str:
    family, _, given = str(full or "").partition(",")
    return f"{escape(family.strip())}^{escape(given.strip())}"


def mdm_t02(version: SignedVersion, pdf: bytes, control_id: str, destination: MllpDestination) -> str:
    """The MDM^T02 message for the checklist PDF of ``version`` (segments separated by CR)."""
    answers = version.content.record.get("answers") or {}
    when = hl7_time(version.signed_at)
    signer = version.signer
    # XCN: id ^ family ^ given ^ middle ^ suffix ^ prefix ^ degree (the credentials)
    person = f"{escape(signer.staff_id)}^{_name(signer.name)}^^^^{escape(signer.credentials)}"
    sex = {"female": "F", "male": "M"}.get(str(answers.get("sex")), "U")
    birth = str(answers.get("date_of_birth") or "").replace("-", "")
    code, display, system = LOINC_CHECKLIST
    segments = [
        "|".join(["MSH", ENCODING, *map(escape, destination.sender), *map(escape, destination.receiver), when, "",
                  "MDM^T02^MDM_T02", escape(control_id), "P", "2.5", "", "", "AL", "NE", "", "UNICODE UTF-8"]),
        f"EVN|T02|{when}",
        f"PID|1||{escape(answers.get('mrn') or '')}^^^^MR||{_name(answers.get('patient_name'))}||{birth}|{sex}",
        "PV1|1|O",
        # TXA-2 type, -3 presentation (AP: application data), -4 activity time, -5 the signer, -6 origination
        # time, -12 unique document number, -17 completion status (AU: authenticated), -22 who authenticated
        # and when (PPN: the time is component 15).
        "|".join(["TXA", "1", "CN^Pre-procedure checklist", "AP", when, person, when, "", "", "", "", "",
                  escape(control_id), "", "", "", "", "AU", "", "", "", "", f"{person}^^^^^^^^{when}"]),
        "|".join(["OBX", "1", "ED", f"{code}^{display}^{system}", "1",
                  f"^AP^PDF^Base64^{base64.b64encode(pdf).decode('ascii')}", "", "", "", "", "", "F", "", "",
                  when]),
        "|".join(["OBX", "2", "ST", "SHA256^SHA-256 of the document^L", "1", hashlib.sha256(pdf).hexdigest(), "", "",
                  "", "", "", "F"]),
    ]
    return SEGMENT_END.join(segments) + SEGMENT_END
