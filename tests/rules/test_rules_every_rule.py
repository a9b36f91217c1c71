"""Every rule of the shipped policy fires, alone and with its own severity, from one minimal change.

The table must name every rule id in the policy, so a rule added to the policy without a test fails here.
Each trigger is the smallest change to the clean record that should give that rule's finding and nothing
else (besides findings the change necessarily brings, listed as ``also``).
"""

from __future__ import annotations

import pytest

from checklist_app.rules import load_form, load_policy_for


def _triggers(cl):
    """rule id -> (changes, removed items, expected severity, other rule ids that must come with it)."""
    allergy = {"substance": "iodinated_contrast", "reaction": "hives"}
    return {
        "ID-01-identifiers": ({"identifiers_verified": False}, [], "hard_stop", set()),
        "ID-02-wristband": ({"wristband_scan": "MRN-999999"}, [], "hard_stop", set()),
        "CONS-01-unsigned": ({"consent_signed": False}, [], "hard_stop", set()),
        "CONS-01-levels": ({"consent_levels": ["L2"]}, [], "hard_stop", set()),
        "SITE-01": ({"site_marked": "no"}, [], "hard_stop", set()),
        "PROC-01-levels": ({"levels": ["S1"], "consent_levels": ["S1"], "imaging_levels": ["S1"]}, [], "warning",
                           set()),
        "PROC-02-count": ({"levels": L4, "consent_levels": L4, "imaging_levels": L4}, [], "warning", set()),
        "CLIN-01-pain": ({"pain_score": 4}, [], "warning", set()),
        "CLIN-01-attestation": ({"pain_attributed": False}, [], "warning", set()),
        "CLIN-02-neuro": ({"neuro_deficit": True}, [], "warning", set()),
        "IMG-01-none": ({"imaging_modality": "none"}, [], "hard_stop", set()),
        "IMG-01-level": ({"imaging_levels": ["T12"]}, [], "hard_stop", set()),
        "IMG-01-acuity": ({"imaging_modality": "xray"}, [], "warning", set()),
        "IMG-02-anatomy": ({"retropulsion": True}, [], "warning", set()),
        "INF-01-fever": ({"temperature": {"value": 38.0, "unit": "C"}}, [], "hard_stop", set()),
        "INF-01-active": ({"systemic_infection": True}, [], "hard_stop", set()),
        "INF-02-urine": ({"urinary_symptoms": True, "urinalysis": "abnormal"}, [], "warning", set()),
        "PREG-01-positive": ({"pregnancy_status": "positive"}, [], "hard_stop", set()),
        "PREG-01-test": ({"date_of_birth": "1990-05-05", "pregnancy_status": "attested_not_pregnant"}, [],
                         "hard_stop", set()),
        "PREG-01-inconclusive": ({"pregnancy_status": "test_inconclusive"}, [], "hard_stop", set()),
        "PREG-01-refused": ({"pregnancy_status": "refused"}, [], "warning", set()),
        "ALG-01-cement": ({"allergies": [{"substance": "bone_cement", "reaction": "rash"}]}, [], "hard_stop", set()),
        "ALG-01-contrast": ({"allergies": [allergy], "contrast_premedication": "completed"}, [], "warning", set()),
        "ALG-02-premedication": ({"allergies": [allergy], "contrast_premedication": "incomplete",
                                  "contrast_planned": True}, [], "warning", {"ALG-01-contrast"}),
        "ALG-01-anaesthetic": ({"allergies": [{"substance": "local_anaesthetic", "reaction": "rash"}]}, [],
                               "warning", set()),
        "ALG-01-latex": ({"allergies": [{"substance": "latex", "reaction": "rash"}]}, [], "warning", set()),
        "ABX-01-none": ({"antibiotic_prophylaxis": "none"}, [], "warning", set()),
        "ABX-02-allergy": ({"allergies": [{"substance": "beta_lactam", "reaction": "rash"}]}, [], "warning", set()),
        "MED-01-holds": ({"medications": [cl.med("clopidogrel", cl.before(24 * 4))]}, [], "hard_stop", set()),
        "MED-02-bridging": ({"medications": [cl.med("warfarin", cl.before(24 * 6))], "thrombotic_risk_high": True},
                            [], "warning", {"LAB-01-inr-warfarin"}),
        "MED-03-glp1-symptoms": ({"medications": [cl.med("semaglutide", cl.before(24 * 8), "weekly")],
                                  "glp1_gi_symptoms": True, **GLP1_SETTLED}, [], "hard_stop", set()),
        "MED-03-glp1-hold": ({"medications": [cl.med("semaglutide", cl.before(24 * 5), "weekly")],
                              "glp1_gi_symptoms": False, **GLP1_SETTLED}, [], "warning", set()),
        "MED-03-glp1-risk": ({"medications": [cl.med("semaglutide", cl.before(24 * 3), "weekly")],
                              "glp1_gi_symptoms": False, **GLP1_SETTLED, "glp1_anesthesia_informed": False}, [],
                             "warning", set()),
        "MED-04-metformin": ({"medications": [cl.med("metformin", cl.before(12), "bid")], "contrast_planned": True,
                              "creatinine": cl.lab(2.5, "mg/dL")}, [], "warning", {"LAB-04-egfr"}),
        "MED-04-insulin": ({"medications": [cl.med("insulin", cl.before(12))], "insulin_instructions": False}, [],
                           "warning", set()),
        "BLEED-01": ({"bleeding_disorder_family": True}, [], "warning", set()),
        "LAB-01-inr-missing": ({}, ["inr"], "hard_stop", set()),
        "LAB-01-inr": ({"inr": cl.lab(1.9, "ratio")}, [], "hard_stop", set()),
        "LAB-01-inr-range": ({"inr": cl.lab(1.6, "ratio")}, [], "warning", set()),
        "LAB-01-inr-age": ({"inr": cl.lab(1.1, "ratio", "2026-10-01")}, [], "warning", set()),
        "LAB-01-inr-warfarin": ({"medications": [cl.med("warfarin", cl.before(24 * 6))],
                                 "thrombotic_risk_high": False}, [], "warning", set()),
        "LAB-02-platelets-missing": ({}, ["platelets"], "hard_stop", set()),
        "LAB-02-platelets": ({"platelets": cl.lab(49, "x10^9/L")}, [], "hard_stop", set()),
        "LAB-02-platelets-age": ({"platelets": cl.lab(212, "x10^9/L", "2026-10-01")}, [], "warning", set()),
        "LAB-03-hemoglobin-missing": ({}, ["hemoglobin"], "warning", set()),
        "LAB-04-creatinine-missing": ({"medications": [cl.med("edoxaban", cl.before(24 * 5))]}, ["creatinine"],
                                      "hard_stop", set()),
        "LAB-04-creatinine-age": ({"creatinine": cl.lab(0.9, "mg/dL", "2026-10-01")}, [], "warning", set()),
        "LAB-04-egfr": ({"creatinine": cl.lab(2.5, "mg/dL"), "medications": []}, [], "warning", set()),
        "LAB-05-liver-inr": ({"liver_disease": True, "fibrinogen": cl.lab(200, "mg/dL"),
                              "inr": cl.lab(2.5, "ratio")}, [], "hard_stop", set()),
        "LAB-05-liver-platelets": ({"liver_disease": True, "fibrinogen": cl.lab(200, "mg/dL"),
                                    "platelets": cl.lab(30, "x10^9/L")}, [], "hard_stop", set()),
        "LAB-05-liver-fibrinogen": ({"liver_disease": True, "fibrinogen": cl.lab(100, "mg/dL")}, [], "hard_stop",
                                    set()),
        "LAB-05-fibrinogen-missing": ({"liver_disease": True}, [], "warning", set()),
        "LAB-06-wbc": ({"wbc": cl.lab(14, "x10^9/L"), "wbc_abnormal": True}, [], "warning", set()),
        "ECG-01-required": ({"ecg_done": False}, [], "warning", set()),
        "ECG-01-abnormal": ({"ecg_result": "abnormal"}, [], "warning", set()),
        "NPO-01-clear": ({"last_clear_liquid": cl.before(1, 59)}, [], "hard_stop", set()),
        "NPO-01-light": ({"last_light_meal": cl.before(5, 59)}, [], "hard_stop", set()),
        "NPO-01-fatty": ({"last_fatty_meal": cl.before(7, 59)}, [], "hard_stop", set()),
        "NPO-01-milk": ({"last_milk": cl.before(5, 59)}, [], "hard_stop", set()),
        "NPO-02-overfast": ({"last_clear_liquid": cl.before(8, 1)}, [], "warning", set()),
        "COV-01-documentation": ({**COVERAGE_DOCUMENTED, "cov_osteoporosis_education": False}, [], "warning",
                                 set()),
        "AIR-01-airway": ({"difficult_airway": True}, [], "warning", set()),
        "AIR-01-prone": ({"can_lie_prone": False}, [], "warning", set()),
        "AIR-02-lungs": ({"severe_lung_disease": True}, [], "warning", set()),
        "ESC-01-escort": ({"driver_arranged": False}, [], "hard_stop", set()),
        "DC-01-teaching": ({"emergency_signs_reviewed": False}, [], "hard_stop", set()),
        "REQ-01-complete": ({}, ["proceduralist"], "hard_stop", set()),
    }


L4 = ["T11", "T12", "L1", "L2"]
# GLP-1 questions answered so that nothing but the one change can flag.
GLP1_SETTLED = {"glp1_escalation_phase": False, "glp1_liquid_diet": "followed", "glp1_anesthesia_informed": True}
# The coverage section complete for the clean patient (outpatient, pain 7, MRI with edema, one level).
COVERAGE_DOCUMENTED = {
    "cov_fracture_age": "acute", "cov_nonsurgical_tried": True,
    "cov_nonsurgical_details": "Paracetamol and a brace for 4 weeks; pain unchanged.", "cov_pain_course": "worsening",
    "cov_bone_density": True, "cov_osteoporosis_education": True,
}
# Rules that only run where the site's policy chooses so: evaluated with that choice.
POLICY_CHOICES = {"MED-03-glp1-hold": {"glp1_approach": "asa-2023"},
                  "COV-01-documentation": {"sections_on": ("coverage_us",)}}
_POLICY_RULES = [rule.id for rule in load_policy_for(load_form()).rules]


def test_the_table_names_every_rule_of_the_policy(checklist, policy):
    assert sorted(_triggers(checklist)) == sorted(r.id for r in policy.rules)


@pytest.mark.parametrize("rule_id", _POLICY_RULES)
def test_each_rule_fires_alone_with_its_severity(checklist, checklist_with, policy, rule_id):
    changes, removed, severity, also = _triggers(checklist)[rule_id]
    chosen = checklist_with(**POLICY_CHOICES[rule_id]) if rule_id in POLICY_CHOICES else checklist
    outcome = chosen(changes, remove=removed)
    assert outcome.severity(rule_id) == severity, outcome.summary()
    assert {f.rule_id for f in outcome.findings} == {rule_id} | also, outcome.summary()
    (finding,) = outcome.of(rule_id)
    rule = next(r for r in policy.rules if r.id == rule_id)
    assert finding.source_id.split(":")[0] in policy.sources
    assert finding.citation == policy.sources[finding.source_id.split(":")[0]].citation
    assert finding.message.strip() and finding.action.strip()
    assert finding.key.startswith(f"{rule_id}:{finding.item_id}")
    if rule.unconfirmed or policy.sources[rule.source].confidence == "UNCONFIRMED":
        assert finding.unconfirmed


def test_every_rule_and_medicine_names_a_listed_source(policy):
    # Every rule and medicine names a source that exists; hold medicines all come from the SIR 2019 table.
    for rule in policy.rules:
        assert rule.source in policy.sources
    for key, medicine in policy.medicines.items():
        assert medicine.source == "SIR2019-HOLDS", key
