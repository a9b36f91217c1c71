"""The audit event of each signature (``signed``, ``amended``) names the software that made it: version (from
pyproject.toml) and build, as ``checklist_app.version.describe`` gives them and the PDF footer prints them."""

from __future__ import annotations

import tomllib
from pathlib import Path

from signed_helpers import signed_content
from storage_helpers import PINS

from checklist_app.storage import Database, amend, list_events, save_draft, sign, verify_audit
from checklist_app.version import describe

ROOT = Path(__file__).resolve().parents[2]


def test_signed_and_amended_events_carry_the_software_version(staffed: Database) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    content = signed_content({"record_id": "r1", "answers": {"inr": 1.1}})
    save_draft(staffed, "r1", content.record, staff_id="rn1")
    first = sign(staffed, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed and verified",
                 content=content, form_id="vertebral_augmentation", form_version="1.0")
    amend(staffed, "r1", replaces_version_id=first.version_id, reason="INR re-tested", signer_id="md1",
          pin=PINS["md1"], meaning="Amended and verified", content=content, form_id="vertebral_augmentation",
          form_version="1.0")
    events = {e.event_type: e for e in list_events(staffed, "r1") if e.event_type in ("signed", "amended")}
    assert set(events) == {"signed", "amended"}
    for event in events.values():
        assert event.details["software"] == describe()
        assert event.details["software"].startswith(f"checklist_app {version} (build ")
    assert verify_audit(staffed).ok  # the field is part of the chained, hashed event
