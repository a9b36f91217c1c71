"""Fever and infection, pregnancy, allergies and contrast premedication, GLP-1 agonists."""

import pytest

# --- Fever and infection -----------------------------------------------------------------------------


@pytest.mark.parametrize("value, unit, stops", [
    (38.0, "C", True), (37.9, "C", False), (37.99, "C", False), (38.1, "C", True), (36.8, "C", False),
    (100.4, "F", True), (100.3, "F", False), (100.6, "F", True), (98.6, "F", False),
])
def test_temperature_38_c_or_100_4_f_is_a_hard_stop(checklist, value, unit, stops):
    outcome = checklist({"temperature": {"value": value, "unit": unit}})
    assert outcome.hard == ({"INF-01-fever"} if stops else set()), outcome.summary()
    if stops:
        (finding,) = outcome.of("INF-01-fever")
        assert finding.item_id == "temperature"
        assert f"{value:g} {unit}" in finding.message  # shown as typed


@pytest.mark.parametrize("item", ["systemic_infection", "osteomyelitis_discitis", "skin_infection_at_site"])
def test_active_infection_is_a_hard_stop(checklist, item):
    outcome = checklist({item: True})
    assert outcome.hard == {"INF-01-active"}


def test_abnormal_urinalysis_with_symptoms_warns(checklist):
    assert checklist({"urinary_symptoms": True, "urinalysis": "abnormal"}).warnings == {"INF-02-urine"}
    assert checklist({"urinary_symptoms": True, "urinalysis": "normal"}).findings == ()


def test_hidden_urinalysis_answer_is_ignored(checklist):
    # A stale "abnormal" left behind after the symptoms were answered "no" must not flag.
    outcome = checklist({"urinary_symptoms": False, "urinalysis": "abnormal"})
    assert outcome.findings == (), outcome.summary()


# --- Pregnancy ----------------------------------------------------------------------------------------
# The clean start is 2026-12-01; a birthday on that day makes the patient that age at the procedure.

YOUNG_WOMAN = {"sex": "female", "date_of_birth": "1990-05-05", "pregnancy_determined_how": "Urine hCG",
               "pregnancy_test_type": "urine"}


def test_positive_pregnancy_is_a_hard_stop(checklist):
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "positive"})
    assert outcome.hard == {"PREG-01-positive"}, outcome.summary()


def test_positive_pregnancy_is_a_stop_at_any_age(checklist):
    outcome = checklist({"pregnancy_status": "positive"})  # the clean patient is 72
    assert outcome.hard == {"PREG-01-positive"}


@pytest.mark.parametrize("hours, minutes, stops", [(72, 0, False), (72, 1, True), (71, 59, False), (1, 0, False),
                                                   (96, 0, True)])
def test_negative_test_must_be_within_72_h(checklist, hours, minutes, stops):
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "test_negative",
                         "pregnancy_test_at": checklist.before(hours, minutes)})
    assert outcome.hard == ({"PREG-01-test"} if stops else set()), outcome.summary()
    if stops:
        assert outcome.of("PREG-01-test")[0].item_id == "pregnancy_test_at"


@pytest.mark.parametrize("dob, age, required", [
    ("2015-12-01", 11, False),
    ("2014-12-02", 11, False),  # turns 12 the day after the procedure
    ("2014-12-01", 12, True),
    ("1990-05-05", 36, True),
    ("1971-12-01", 55, True),
    ("1970-12-02", 55, True),  # turns 56 the day after the procedure
    ("1970-12-01", 56, False),
])
def test_test_is_required_for_women_aged_12_to_55(checklist, dob, age, required):
    outcome = checklist({"sex": "female", "date_of_birth": dob, "pregnancy_status": "attested_not_pregnant",
                         "pregnancy_determined_how": "Patient statement"})
    assert outcome.derived["age_years"] == age
    assert ("PREG-01-test" in outcome.hard) is required, outcome.summary()
    if required:
        assert outcome.of("PREG-01-test")[0].unconfirmed  # the age band is a site default


def test_negative_test_without_its_time_is_one_hard_stop_on_the_time(checklist):
    # The missing test time is one problem: the pregnancy rule reports it, the completeness rule does not
    # repeat it.
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "test_negative"})
    assert [(f.rule_id, f.item_id) for f in outcome.evaluation.hard_stops] == [("PREG-01-test", "pregnancy_test_at")]
    assert outcome.evaluation.missing_required == ("pregnancy_test_at",)


def test_cannot_be_pregnant_needs_no_test(checklist):
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "cannot_be_pregnant"})
    assert outcome.findings == (), outcome.summary()


def test_men_are_not_asked(checklist):
    outcome = checklist({"sex": "male", "date_of_birth": "1990-05-05", "pregnancy_status": "positive"})
    assert "pregnancy_status" not in outcome.evaluation.visible_items
    assert not {"PREG-01-positive", "PREG-01-test"} & outcome.hard


def test_declined_test_is_a_warning(checklist):
    outcome = checklist({**YOUNG_WOMAN, "pregnancy_status": "refused"})
    assert outcome.hard == set(), outcome.summary()
    assert outcome.warnings == {"PREG-01-refused"}


def test_unanswered_pregnancy_status_is_a_missing_answer(checklist):
    outcome = checklist(YOUNG_WOMAN, remove=["pregnancy_status"])
    assert outcome.hard == {"REQ-01-complete"}
    assert [f.item_id for f in outcome.of("REQ-01-complete")] == ["pregnancy_status"]


# --- Allergies and contrast --------------------------------------------------------------------------


def _allergy(substance, reaction="rash"):
    return {"substance": substance, "reaction": reaction}


def test_cement_allergy_is_a_hard_stop(checklist):
    outcome = checklist({"allergies": [_allergy("bone_cement")]})
    assert outcome.hard == {"ALG-01-cement"}


def test_contrast_allergy_warns_and_asks_about_premedication(checklist):
    outcome = checklist({"allergies": [_allergy("iodinated_contrast", "hives")],
                         "contrast_premedication": "not_ordered"})
    assert outcome.hard == set()
    assert outcome.warnings == {"ALG-01-contrast"}


@pytest.mark.parametrize("contrast, status, warns", [
    (True, "incomplete", True), (True, "not_started", True), (True, "completed", False),
    (True, "not_ordered", False), (False, "incomplete", False),
])
def test_incomplete_premedication_with_contrast_planned_warns(checklist, contrast, status, warns):
    outcome = checklist({"allergies": [_allergy("iodinated_contrast", "hives")], "contrast_planned": contrast,
                         "contrast_premedication": status})
    assert outcome.warnings == {"ALG-01-contrast"} | ({"ALG-02-premedication"} if warns else set())


def test_shellfish_or_iodine_allergy_alone_gives_nothing(checklist):
    outcome = checklist({"allergies": [_allergy("shellfish_iodine")], "contrast_planned": True})
    assert outcome.findings == ()


@pytest.mark.parametrize("substance, rule", [
    ("local_anaesthetic", "ALG-01-anaesthetic"), ("sedative_anaesthetic", "ALG-01-anaesthetic"),
    ("latex", "ALG-01-latex"),
])
def test_anaesthetic_and_latex_allergies_warn(checklist, substance, rule):
    outcome = checklist({"allergies": [_allergy(substance)]})
    assert outcome.hard == set()
    assert outcome.warnings == {rule}


@pytest.mark.parametrize("antibiotic, warns", [("cefazolin", True), ("cefuroxime", True), ("clindamycin", False)])
def test_cephalosporin_for_a_beta_lactam_allergy_warns(checklist, antibiotic, warns):
    outcome = checklist({"allergies": [_allergy("beta_lactam")], "antibiotic_prophylaxis": antibiotic})
    assert outcome.warnings == ({"ABX-02-allergy"} if warns else set())


def test_no_antibiotic_ordered_warns(checklist):
    assert checklist({"antibiotic_prophylaxis": "none"}).warnings == {"ABX-01-none"}


# --- GLP-1 agonists under the ASA 2023 hold windows (glp1.approach asa-2023; the 2024 risk-based approach,
# the shipped default, is tested in test_rules_guidance_2024.py) ------------------------------------------


def _glp1(checklist, agent, frequency, last, symptoms=False):
    # The anesthesia team told and the liquid diet kept: only the hold window or the symptoms can flag.
    return checklist({"medications": [checklist.med(agent, last, frequency)], "glp1_gi_symptoms": symptoms,
                      "glp1_escalation_phase": False, "glp1_liquid_diet": "followed",
                      "glp1_anesthesia_informed": True})


@pytest.fixture
def asa_checklist(checklist_with):
    return checklist_with(glp1_approach="asa-2023")


@pytest.mark.parametrize("agent", ["semaglutide", "dulaglutide", "tirzepatide", "liraglutide", "exenatide"])
@pytest.mark.parametrize("approach", ["asa-2023", "ms-2024"])
def test_gi_symptoms_on_a_glp1_is_a_hard_stop(checklist_with, agent, approach):
    outcome = _glp1(checklist_with(glp1_approach=approach), agent, "weekly", checklist_with().before(24 * 10),
                    symptoms=True)
    assert outcome.hard == {"MED-03-glp1-symptoms"}
    assert outcome.warnings == set()


@pytest.mark.parametrize("hours, minutes, warns", [(168, 0, False), (167, 59, True), (168, 1, False), (120, 0, True)])
@pytest.mark.parametrize("agent", ["semaglutide", "dulaglutide", "tirzepatide"])
def test_weekly_dose_inside_168_h_warns(asa_checklist, agent, hours, minutes, warns):
    checklist = asa_checklist
    outcome = _glp1(checklist, agent, "weekly", checklist.before(hours, minutes))
    assert outcome.hard == set()
    assert outcome.warnings == ({"MED-03-glp1-hold"} if warns else set()), outcome.summary()


@pytest.mark.parametrize("frequency", ["other", "as_needed"])
def test_unknown_glp1_schedule_gets_the_weekly_window(asa_checklist, frequency):
    """Weekly semaglutide recorded as 'other' (or as needed) two days ago is inside the weekly window."""
    checklist = asa_checklist
    outcome = _glp1(checklist, "semaglutide", frequency, checklist.before(48))
    assert outcome.warnings == {"MED-03-glp1-hold"}, outcome.summary()


@pytest.mark.parametrize("last, warns", [
    ("2026-12-01T06:00", True),   # the morning of the procedure
    ("2026-12-01T00:00", True),   # just after midnight
    ("2026-11-30T23:59", False),  # the evening before
    ("2026-11-30T08:30", False),
])
@pytest.mark.parametrize("agent", ["liraglutide", "exenatide"])
def test_daily_dose_on_the_procedure_day_warns(asa_checklist, agent, last, warns):
    checklist = asa_checklist
    outcome = _glp1(checklist, agent, "daily", last)
    assert outcome.hard == set()
    assert outcome.warnings == ({"MED-03-glp1-hold"} if warns else set()), outcome.summary()


def test_symptom_question_is_hidden_without_a_glp1(checklist):
    outcome = checklist({"glp1_gi_symptoms": True})
    assert outcome.findings == ()
