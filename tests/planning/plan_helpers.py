"""A pre-admission plan for the tests: a man on apixaban (CrCl about 45) and weekly semaglutide, called on
Thursday for a kyphoplasty five days later (imported by name: the tests folders are not packages)."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from checklist_app.domain.timeutil import parse_datetime

CALL_AT = parse_datetime("2026-12-03T10:00")
START = parse_datetime("2026-12-08T08:30")

PLAN_ANSWERS: dict[str, Any] = {
    "patient_name": "Reyes, Tomas",
    "date_of_birth": "1951-05-02",
    "sex": "male",
    "mrn": "MRN-300221",
    "procedure_type": "kyphoplasty",
    "levels": ["L1"],
    "scheduled_start": "2026-12-08T08:30",
    "proceduralist": "Dr. A. Mensah",
    "sedation_type": "moderate_sedation",
    "contrast_planned": False,
    "patient_setting": "outpatient",
    "allergies": [],
    "medications": [
        {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": "2026-12-03T08:00"},
        {"agent": "semaglutide", "dose": "1 mg", "frequency": "weekly", "last_dose": "2026-11-29T09:00"},
        {"agent": "metformin", "dose": "500 mg", "frequency": "bid", "last_dose": "2026-12-03T08:00"},
    ],
    "glp1_gi_symptoms": False,
    "glp1_escalation_phase": False,
    "bleeding_disorder_personal": False,
    "bleeding_disorder_family": False,
    "abnormal_bleeding_history": False,
    "liver_disease": False,
    "cardiac_history": False,
    "ecg_done": False,
    "imaging_modality": "mri_stir",
    "imaging_date": "2026-11-25",
    "imaging_levels": ["L1"],
    "escort_present": True,
    "driver_arranged": True,
    "weight_kg": 60,
    "creatinine": {"value": 1.2, "unit": "mg/dL", "date": "2026-11-30"},
    "preferred_language": "es",
    "interpreter_needed": True,
}


def plan_record(**answers: Any) -> dict[str, Any]:
    """The plan as a record file's data, with ``answers`` changed."""
    merged = deepcopy(PLAN_ANSWERS)
    merged.update(answers)
    return {"schema_version": 1, "record_id": "plan-test-1", "form_id": "vertebral_augmentation",
            "form_version": "1.0.0", "policy_id": "sir-2019", "created_by": "rn.smith",
            "created_at": "2026-12-03T10:00", "answers": merged}
