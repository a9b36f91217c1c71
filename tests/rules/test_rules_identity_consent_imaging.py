"""Identity (two identifiers, wristband), consent, site marking, imaging, and the planned levels."""

import pytest

# --- Identity -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("scan", ["MRN-204811", "mrn-204811", "Mrn-204811", "  MRN-204811  ", "mrn-204811 "])
def test_wristband_matching_ignores_case_and_spaces(checklist, scan):
    outcome = checklist({"wristband_scan": scan})
    assert outcome.findings == (), outcome.summary()


@pytest.mark.parametrize("scan", ["MRN-204812", "MRN204811", "MRN-2048110", "0204811"])
def test_wristband_mismatch_is_a_hard_stop(checklist, scan):
    outcome = checklist({"wristband_scan": scan})
    assert outcome.hard == {"ID-02-wristband"}, outcome.summary()
    (finding,) = outcome.of("ID-02-wristband")
    assert finding.item_id == "wristband_scan"
    assert scan in finding.message and "MRN-204811" in finding.message


def test_unscanned_wristband_is_a_missing_answer_not_a_mismatch(checklist):
    outcome = checklist(remove=["wristband_scan"])
    assert outcome.hard == {"REQ-01-complete"}
    assert [f.item_id for f in outcome.of("REQ-01-complete")] == ["wristband_scan"]


@pytest.mark.parametrize("verified", [False, None], ids=["unticked", "unanswered"])
def test_two_identifiers_not_confirmed_is_one_hard_stop(checklist, verified):
    outcome = checklist({"identifiers_verified": False}) if verified is False else \
        checklist(remove=["identifiers_verified"])
    assert outcome.hard == {"ID-01-identifiers"}, outcome.summary()
    assert len(outcome.evaluation.hard_stops) == 1  # the completeness rule does not repeat it
    assert outcome.evaluation.missing_required == ("identifiers_verified",)


# --- Consent and site --------------------------------------------------------------------------------


def test_unsigned_consent_is_a_hard_stop(checklist):
    outcome = checklist({"consent_signed": False})
    assert outcome.hard == {"CONS-01-unsigned"}, outcome.summary()
    # The consent date and levels are hidden when it is unsigned: no extra findings about them.
    assert "consent_levels" not in outcome.evaluation.visible_items


@pytest.mark.parametrize("planned, consent, stops", [
    (["L1"], ["L1"], False),
    (["L1"], ["L2"], True),
    (["L1", "L2"], ["L1"], True),
    (["L1"], ["L1", "L2"], False),
    (["T12", "L1"], ["L1", "T12"], False),
])
def test_consent_must_name_every_planned_level(checklist, planned, consent, stops):
    outcome = checklist({"levels": planned, "consent_levels": consent, "imaging_levels": planned})
    assert outcome.hard == ({"CONS-01-levels"} if stops else set()), outcome.summary()
    if stops:
        (finding,) = outcome.of("CONS-01-levels")
        assert finding.item_id == "consent_levels"


@pytest.mark.parametrize("marked, stops", [("yes", False), ("not_applicable", False), ("no", True)])
def test_site_not_marked_is_a_hard_stop(checklist, marked, stops):
    outcome = checklist({"site_marked": marked})
    assert outcome.hard == ({"SITE-01"} if stops else set())


# --- Imaging ------------------------------------------------------------------------------------------


def test_no_imaging_is_a_hard_stop_and_nothing_else(checklist):
    outcome = checklist({"imaging_modality": "none"})
    assert outcome.hard == {"IMG-01-none"}, outcome.summary()
    assert outcome.warnings == set()


@pytest.mark.parametrize("planned, imaged, stops", [
    (["L1"], ["L1"], False),
    (["L1"], ["T12"], True),
    (["L1", "L2"], ["L1"], True),
    (["L1"], ["T12", "L1"], False),
])
def test_imaging_level_mismatch_is_a_hard_stop(checklist, planned, imaged, stops):
    outcome = checklist({"levels": planned, "consent_levels": planned, "imaging_levels": imaged})
    assert outcome.hard == ({"IMG-01-level"} if stops else set()), outcome.summary()
    if stops:
        assert outcome.of("IMG-01-level")[0].item_id == "imaging_levels"


@pytest.mark.parametrize("modality, edema, warns", [
    ("mri_stir", True, False), ("bone_scan", True, False), ("ct", True, False),
    ("xray", True, True), ("mri_stir", False, True), ("bone_scan", False, True),
])
def test_x_ray_only_or_no_oedema_warns(checklist, modality, edema, warns):
    outcome = checklist({"imaging_modality": modality, "edema_or_uptake": edema})
    assert outcome.hard == set()
    assert outcome.warnings == ({"IMG-01-acuity"} if warns else set()), outcome.summary()


@pytest.mark.parametrize("item", ["retropulsion", "posterior_wall_break", "severe_collapse"])
def test_retropulsion_wall_break_or_collapse_warns(checklist, item):
    outcome = checklist({item: True})
    assert outcome.hard == set()
    assert outcome.warnings == {"IMG-02-anatomy"}


# --- Levels -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("levels, warns", [
    (["L1"], False), (["L1", "L2"], False), (["T12", "L1", "L2"], False), (["T11", "T12", "L1", "L2"], True),
    (["T9", "T10", "T11", "T12", "L1"], True),
])
def test_more_than_three_levels_warns(checklist, levels, warns):
    outcome = checklist({"levels": levels, "consent_levels": levels, "imaging_levels": levels})
    assert outcome.derived["level_count"] == len(levels)
    assert outcome.hard == set()
    assert outcome.warnings == ({"PROC-02-count"} if warns else set()), outcome.summary()


@pytest.mark.parametrize("level, warns", [
    ("T1", False), ("L5", False), ("T7", False), ("C7", True), ("C1", True), ("S1", True),
])
def test_level_outside_t1_to_l5_warns(checklist, level, warns):
    levels = [level]
    outcome = checklist({"levels": levels, "consent_levels": levels, "imaging_levels": levels})
    assert outcome.hard == set()
    assert outcome.warnings == ({"PROC-01-levels"} if warns else set()), outcome.summary()
    if warns:
        assert level in outcome.of("PROC-01-levels")[0].message


# --- Clinical picture ---------------------------------------------------------------------------------


@pytest.mark.parametrize("setting, pain, warns", [
    ("outpatient", 5, False), ("outpatient", 4, True), ("outpatient", 0, True), ("inpatient", 2, False),
])
def test_low_pain_in_an_outpatient_warns(checklist, setting, pain, warns):
    outcome = checklist({"patient_setting": setting, "pain_score": pain})
    assert outcome.warnings == ({"CLIN-01-pain"} if warns else set()), outcome.summary()


def test_missing_pain_attestation_warns(checklist):
    assert checklist({"pain_attributed": False}).warnings == {"CLIN-01-attestation"}
    assert checklist(remove=["pain_attributed"]).warnings == {"CLIN-01-attestation"}


def test_new_neurological_deficit_warns(checklist):
    outcome = checklist({"neuro_deficit": True, "neuro_deficit_details": "Left foot weakness"})
    assert outcome.hard == set()
    assert outcome.warnings == {"CLIN-02-neuro"}
