"""Privacy: nothing patient-identifying reaches Python logging, even when saving fails."""

from __future__ import annotations

import logging

import pytest
from signed_helpers import signed_content
from storage_helpers import PINS, held_lock

from checklist_app.domain.errors import StorageError
from checklist_app.storage import (
    Autosaver,
    Database,
    acknowledge_finding,
    load_draft,
    save_draft,
    sign,
    verify_audit,
)

PATIENT = "Zebediah Quux-Patient"
MRN = "MRN90817"


def test_no_patient_data_in_logs_on_success_or_failure(staffed: Database,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    data = {"answers": {"patient_name": PATIENT, "mrn": MRN, "note": f"{PATIENT} allergic to iodine"}}
    save_draft(staffed, "r1", data, staff_id="rn1")
    acknowledge_finding(staffed, "r1", "allergy", "rn1", f"Told Dr X about {PATIENT}")
    saver = Autosaver(staffed, quiet=0.02, max_delay=0.05, retry_interval=0.05)
    with held_lock(staffed):
        saver.update("r1", {"answers": {**data["answers"], "mrn": MRN + "0"}}, staff_id="rn1")
        with pytest.raises(StorageError) as caught:
            saver.flush()
    saver.close()
    sign(staffed, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed",
         content=signed_content(load_draft(staffed, "r1").data), form_id="f", form_version="1")
    assert verify_audit(staffed).ok
    assert "autosave failed" in caplog.text  # logging did happen...
    for secret in (PATIENT, MRN, PINS["rn1"]):  # ...without the patient or the PIN
        assert secret not in caplog.text
        assert secret not in str(caught.value)
