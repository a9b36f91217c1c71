"""Coverage documentation (US): an optional section the site's policy switches on, whose status line says
"Complete" or "Incomplete" and whose one warning lists what Medicare's coverage determinations expect and the
record does not yet show (clinical reference, section 9, CMS-LCD-VA). Never a stop."""

from __future__ import annotations

import pytest

from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.rules.policy import check_fits_form

DOCUMENTED = {
    "cov_fracture_age": "acute", "cov_nonsurgical_tried": ["analgesics", "physical_therapy"],
    "cov_nonsurgical_details": "Oxycodone and PT for 5 weeks; pain unchanged.", "cov_pain_course": "worsening",
    "cov_bone_health": ["bmd_referral", "osteoporosis_education"],
}
RULE = "COV-01-documentation"


@pytest.fixture(scope="module")
def us(checklist_with):
    return checklist_with(sections_on=("coverage_us",))


def _missing(outcome):
    found = outcome.of(RULE)
    assert all(f.severity == "warning" for f in found)
    return found[0].message if found else ""


def test_off_by_default_nothing_is_shown_or_checked(checklist):
    outcome = checklist(DOCUMENTED)
    assert not {"cov_fracture_age", "cov_status"} & outcome.evaluation.visible_items
    assert "cov_status" not in outcome.derived and outcome.of(RULE) == []


def test_switched_on_and_complete(us):
    outcome = us(DOCUMENTED)
    assert outcome.derived["cov_status"] == "Complete"
    assert outcome.findings == (), outcome.summary()


def test_switched_on_and_empty_lists_what_is_missing_but_never_stops(us):
    outcome = us()
    assert outcome.derived["cov_status"].startswith("Incomplete: 4 items missing")
    message = _missing(outcome)
    for words in ("acute or subacute", "non-surgical management", "worsening pain", "bone-density referral"):
        assert words in message
    assert "imaging" not in message and "pain score" not in message  # the clean record shows those
    (finding,) = outcome.of(RULE)
    assert finding.source_id == "CMS-LCD-VA" and "L34228" in finding.citation
    assert finding.item_id == "cov_status"
    assert {f.rule_id for f in outcome.evaluation.hard_stops} == {"REQ-01-complete"}  # only the required age


@pytest.mark.parametrize(("setting", "pain", "complete"), [
    ("outpatient", 4, False), ("outpatient", 5, True), ("inpatient", 7, False), ("inpatient", 8, True),
])
def test_pain_against_the_threshold_for_the_setting(us, setting, pain, complete):
    outcome = us({**DOCUMENTED, "patient_setting": setting, "pain_score": pain})
    assert ("pain score" not in _missing(outcome)) is complete, outcome.summary()


@pytest.mark.parametrize(("course", "findings", "complete"), [
    ("stable", ["height_loss_over_25"], False),
    ("stable", ["height_loss_over_25", "rmdq_over_17"], True),
    ("improving", [], False),
    ("worsening", [], True),
])
def test_worsening_pain_or_two_listed_findings(us, course, findings, complete):
    outcome = us({**DOCUMENTED, "cov_pain_course": course, "cov_deformity": findings})
    assert ("worsening pain" not in _missing(outcome)) is complete


@pytest.mark.parametrize(("modality", "edema", "complete"), [
    ("mri_stir", True, True), ("mri_stir", False, False), ("bone_scan", True, True), ("ct", False, True),
    ("xray", True, False),
])
def test_imaging_that_confirms_the_fracture(us, modality, edema, complete):
    outcome = us({**DOCUMENTED, "imaging_modality": modality, "edema_or_uptake": edema})
    assert ("imaging that confirms" not in _missing(outcome)) is complete


@pytest.mark.parametrize(("bone", "complete"), [
    (["bmd_referral"], False), (["osteoporosis_education"], False),
    (["osteoporosis_evaluation", "osteoporosis_education"], True), (["bmd_referral", "osteoporosis_education"], True),
])
def test_bone_density_referral_or_evaluation_and_education(us, bone, complete):
    assert ("bone-density" not in _missing(us({**DOCUMENTED, "cov_bone_health": bone}))) is complete


@pytest.mark.parametrize(("levels", "complete"), [(["T12", "L1", "L2"], True), (["T11", "T12", "L1", "L2"], False)])
def test_at_most_three_levels(us, levels, complete):
    outcome = us({**DOCUMENTED, "levels": levels, "consent_levels": levels, "imaging_levels": levels})
    assert ("at most 3 levels" not in _missing(outcome)) is complete
    assert outcome.derived["cov_status"] == ("Complete" if complete else "Incomplete: 1 item missing (see the finding)")


@pytest.mark.parametrize(("age", "complete"), [("acute", True), ("subacute", True), ("chronic", False)])
def test_fracture_age(us, age, complete):
    assert ("acute or subacute" not in _missing(us({**DOCUMENTED, "cov_fracture_age": age}))) is complete


def test_a_policy_may_only_switch_on_an_optional_section(form, policy):
    with pytest.raises(PolicyDefinitionError, match="'medications' is not an optional section.*coverage_us"):
        check_fits_form(policy.model_copy(update={"sections_on": ("medications",)}), form)
