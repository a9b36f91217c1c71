"""Coverage documentation (US): an optional section the site's policy switches on, whose status line says
"Complete" or "Incomplete" and whose one warning lists what Medicare's coverage determinations expect and the
record does not yet show (clinical reference, section 9, CMS-LCD-VA). Never a stop."""

from __future__ import annotations

import pytest

from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.rules.policy import check_fits_form

DOCUMENTED = {
    "cov_fracture_age": "acute", "cov_nonsurgical_tried": True,
    "cov_nonsurgical_details": "Oxycodone and PT for 5 weeks; pain unchanged.", "cov_pain_course": "worsening",
    "cov_bone_density": True, "cov_osteoporosis_education": True,
}
STABLE = {"cov_pain_course": "stable", "cov_height_loss": False, "cov_kyphosis": False, "cov_rmdq_over_17": False}
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
    # The section's questions are required, so the nurse is also told they are not answered yet.
    assert {f.rule_id for f in outcome.evaluation.hard_stops} == {"REQ-01-complete"}


@pytest.mark.parametrize(("setting", "pain", "complete"), [
    ("outpatient", 4, False), ("outpatient", 5, True), ("inpatient", 7, False), ("inpatient", 8, True),
])
def test_pain_against_the_threshold_for_the_setting(us, setting, pain, complete):
    outcome = us({**DOCUMENTED, "patient_setting": setting, "pain_score": pain})
    assert ("pain score" not in _missing(outcome)) is complete, outcome.summary()


@pytest.mark.parametrize(("course", "findings", "complete"), [
    ("stable", ["cov_height_loss"], False),
    ("stable", ["cov_height_loss", "cov_rmdq_over_17"], True),
    ("stable", ["cov_kyphosis", "cov_rmdq_over_17", "cov_height_loss"], True),
    ("improving", [], False),
    ("worsening", [], True),
])
def test_worsening_pain_or_two_listed_findings(us, course, findings, complete):
    outcome = us({**DOCUMENTED, **STABLE, "cov_pain_course": course, **{i: True for i in findings}})
    assert ("worsening pain" not in _missing(outcome)) is complete
    assert outcome.of("REQ-01-complete") == [], outcome.summary()


def test_the_three_findings_are_asked_only_when_the_pain_is_not_worsening(us):
    asked = {"cov_height_loss", "cov_kyphosis", "cov_rmdq_over_17"}
    assert not asked & us(DOCUMENTED).evaluation.visible_items
    assert asked <= us({**DOCUMENTED, **STABLE}).evaluation.visible_items


@pytest.mark.parametrize(("modality", "edema", "complete"), [
    ("mri_stir", True, True), ("mri_stir", False, False), ("bone_scan", True, True), ("ct", False, True),
    ("xray", True, False),
])
def test_imaging_that_confirms_the_fracture(us, modality, edema, complete):
    outcome = us({**DOCUMENTED, "imaging_modality": modality, "edema_or_uptake": edema})
    assert ("imaging that confirms" not in _missing(outcome)) is complete


@pytest.mark.parametrize(("density", "education", "complete"), [
    (True, False, False), (False, True, False), (True, True, True),
])
def test_bone_density_referral_or_evaluation_and_education(us, density, education, complete):
    outcome = us({**DOCUMENTED, "cov_bone_density": density, "cov_osteoporosis_education": education})
    assert ("bone-density" not in _missing(outcome)) is complete


def test_management_tried_needs_what_was_tried(us):
    assert "non-surgical management" in _missing(us({**DOCUMENTED, "cov_nonsurgical_tried": False}))
    assert "non-surgical management" not in _missing(us(DOCUMENTED))


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
