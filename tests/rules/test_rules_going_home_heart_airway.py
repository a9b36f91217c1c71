"""Escort and driver, discharge teaching, ECG, airway and positioning, bleeding history, insulin."""

import pytest

# --- Escort and driver --------------------------------------------------------------------------------


@pytest.mark.parametrize("sedation", ["moderate_sedation", "mac", "general"])
@pytest.mark.parametrize("escort, driver", [(False, True), (True, False), (False, False)])
def test_no_escort_or_driver_with_sedation_is_a_hard_stop(checklist, sedation, escort, driver):
    outcome = checklist({"sedation_type": sedation, "escort_present": escort, "driver_arranged": driver})
    assert outcome.hard == {"ESC-01-escort"}, outcome.summary()


@pytest.mark.parametrize("escort, driver", [(False, True), (True, False), (False, False)])
def test_no_escort_with_local_anaesthetic_only_is_not_a_stop(checklist, escort, driver):
    outcome = checklist({"sedation_type": "local_only", "escort_present": escort, "driver_arranged": driver})
    assert outcome.findings == (), outcome.summary()


# --- Discharge teaching -------------------------------------------------------------------------------

TEACHING = ["teach_back_done", "written_copy_given", "emergency_signs_reviewed"]


@pytest.mark.parametrize("item", TEACHING)
@pytest.mark.parametrize("how", ["unticked", "unanswered"])
def test_each_part_of_discharge_teaching_is_needed(checklist, item, how):
    outcome = checklist({item: False}) if how == "unticked" else checklist(remove=[item])
    assert outcome.hard == {"DC-01-teaching"}, outcome.summary()
    assert len(outcome.evaluation.hard_stops) == 1


# --- ECG ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dob, age, cardiac, warns", [
    ("1961-12-01", 65, False, False),
    ("1960-12-02", 65, False, False),  # turns 66 the day after the procedure
    ("1960-12-01", 66, False, True),
    ("1980-01-01", 46, True, True),
    ("1980-01-01", 46, False, False),
])
def test_ecg_is_required_over_65_or_with_heart_disease(checklist, dob, age, cardiac, warns):
    outcome = checklist({"date_of_birth": dob, "cardiac_history": cardiac, "ecg_done": False,
                         "pregnancy_status": "cannot_be_pregnant"})
    assert outcome.derived["age_years"] == age
    assert outcome.hard == set()
    assert outcome.warnings == ({"ECG-01-required"} if warns else set()), outcome.summary()


def test_ecg_done_satisfies_the_requirement(checklist):
    outcome = checklist({"cardiac_history": True})  # clean: 72, ECG done and normal
    assert outcome.findings == ()


def test_abnormal_ecg_warns(checklist):
    assert checklist({"ecg_result": "abnormal"}).warnings == {"ECG-01-abnormal"}


# --- Airway, positioning, lungs ------------------------------------------------------------------------


@pytest.mark.parametrize("changes, rule", [
    ({"difficult_airway": True}, "AIR-01-airway"),
    ({"sleep_apnoea": True}, "AIR-01-airway"),
    ({"aspiration_risk": True}, "AIR-01-airway"),
    ({"can_lie_prone": False}, "AIR-01-prone"),
    ({"severe_lung_disease": True}, "AIR-02-lungs"),
])
def test_airway_and_positioning_warnings(checklist, changes, rule):
    outcome = checklist(changes)
    assert outcome.hard == set()
    assert outcome.warnings == {rule}


# --- Bleeding history, insulin -------------------------------------------------------------------------


@pytest.mark.parametrize("item", ["bleeding_disorder_personal", "bleeding_disorder_family",
                                  "abnormal_bleeding_history"])
def test_bleeding_history_warns(checklist, item):
    outcome = checklist({item: True})
    assert outcome.hard == set()
    assert outcome.warnings == {"BLEED-01"}


@pytest.mark.parametrize("instructions, warns", [(False, True), (True, False)])
def test_insulin_without_fasting_instructions_warns(checklist, instructions, warns):
    outcome = checklist({"medications": [checklist.med("insulin", checklist.before(10))],
                         "insulin_instructions": instructions})
    assert outcome.warnings == ({"MED-04-insulin"} if warns else set())
