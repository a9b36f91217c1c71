"""The signed pre-admission plans of one procedure day, on SQLite and PostgreSQL, however long ago they were
signed: the day's "Cases at risk" view lists them. The start is read on the unit's clock whatever offset it
was written with; only a plan's latest version counts, and a day's checklist is not a plan."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from storage_helpers import PINS

from checklist_app.domain.signed import SignedContent
from checklist_app.storage import Database, amend, save_draft, sign
from checklist_app.storage.listing import plans_scheduled_on

NY = ZoneInfo("America/New_York")
FRIDAY = date(2026, 12, 4)


def signed(db: Database, record_id: str, start: str) -> object:
    answers = {"patient_name": f"Patient {record_id}", "mrn": f"MRN-{record_id}", "scheduled_start": start}
    save_draft(db, record_id, {"record_id": record_id, "answers": answers}, staff_id="rn1")
    content = SignedContent(record={"record_id": record_id, "answers": answers}, evaluation=None, cleared=False)
    return sign(db, record_id, signer_id="rn1", pin=PINS["rn1"], meaning="Plan made with the patient",
                content=content, form_id="f", form_version="1")


def test_the_plans_of_a_procedure_day(staffed):
    signed(staffed, "plan-a", "2026-12-04T08:30:00-05:00")
    signed(staffed, "plan-utc", "2026-12-05T02:00:00Z")  # 21:00 on Friday in New York: written as Saturday
    signed(staffed, "plan-saturday", "2026-12-05T08:30:00-05:00")
    signed(staffed, "plan-early", "2026-12-04T04:30:00Z")  # 23:30 on Thursday in New York
    signed(staffed, "r-day", "2026-12-04T09:00:00-05:00")  # the day's checklist: not a plan
    moved = signed(staffed, "plan-moved", "2026-12-04T10:00:00-05:00")
    later = {"scheduled_start": "2026-12-11T10:00:00-05:00"}
    content = SignedContent(record={"record_id": "plan-moved", "answers": later}, evaluation=None, cleared=False)
    amend(staffed, "plan-moved", replaces_version_id=moved.version_id, reason="Moved a week", signer_id="rn1",
          pin=PINS["rn1"], meaning="Plan made with the patient", content=content, form_id="f", form_version="1")
    found = plans_scheduled_on(staffed, FRIDAY, NY)
    assert [v.record_id for v in found] == ["plan-a", "plan-utc"]
    assert [v.record_id for v in plans_scheduled_on(staffed, date(2026, 12, 3), NY)] == ["plan-early"]
    assert [v.record_id for v in plans_scheduled_on(staffed, date(2026, 12, 11), NY)] == ["plan-moved"]
    assert plans_scheduled_on(staffed, date(2026, 12, 7), NY) == []
