"""Required answers (REQ-01), and how overrides and acknowledgements act on findings."""

import pytest

REQ = "REQ-01-complete"


# --- Required items ------------------------------------------------------------------------------------


@pytest.mark.parametrize("item", ["patient_name", "proceduralist", "procedure_type", "consent_signed",
                                  "neuro_deficit", "weight_kg", "temperature", "imaging_modality",
                                  "antibiotic_prophylaxis", "preferred_language", "allergies", "medications",
                                  "last_clear_liquid", "ecg_done"])
def test_an_unanswered_visible_required_item_is_a_hard_stop(checklist, item):
    outcome = checklist(remove=[item])
    (finding,) = outcome.of(REQ)
    assert finding.severity == "hard_stop"
    assert finding.item_id == item
    assert finding.key.split("@")[0] == f"{REQ}:{item}"
    assert item in outcome.evaluation.missing_required
    assert not outcome.evaluation.cleared


@pytest.mark.parametrize("changes, hidden", [
    ({"sedation_type": "local_only"}, ["last_clear_liquid", "last_light_meal", "last_fatty_meal", "last_milk"]),
    ({"urinary_symptoms": False}, ["urinalysis"]),
    ({"sex": "male"}, ["pregnancy_status", "pregnancy_determined_how"]),
    ({"ecg_done": False, "cardiac_history": False, "date_of_birth": "1970-01-01"}, ["ecg_date", "ecg_result"]),
    ({"antibiotic_prophylaxis": "cefazolin"}, ["antibiotic_other"]),
])
def test_a_hidden_required_item_is_not_asked_for(checklist, changes, hidden):
    outcome = checklist(changes, remove=hidden)
    assert outcome.of(REQ) == [], outcome.summary()
    assert outcome.evaluation.missing_required == ()


def test_a_shown_conditional_item_is_required(checklist):
    outcome = checklist({"urinary_symptoms": True})
    assert [f.item_id for f in outcome.of(REQ)] == ["urinalysis"]
    outcome = checklist({"antibiotic_prophylaxis": "other"})
    assert [f.item_id for f in outcome.of(REQ)] == ["antibiotic_other"]


def test_required_fields_of_list_entries(checklist):
    outcome = checklist({"allergies": [{"substance": "latex"}]})
    (finding,) = outcome.of(REQ)
    assert finding.item_id == "allergies"
    assert finding.key.split("@")[0] == f"{REQ}:allergies:allergies[0].reaction"
    assert outcome.warnings == {"ALG-01-latex"}


def test_empty_list_answers_none(checklist):
    outcome = checklist({"allergies": [], "medications": []})
    assert outcome.findings == (), outcome.summary()


def test_each_missing_answer_is_its_own_stop(checklist):
    outcome = checklist(remove=["proceduralist", "pain_score", "site_marked"])
    assert {f.item_id for f in outcome.of(REQ)} == {"proceduralist", "pain_score", "site_marked"}


def test_a_required_item_stopped_by_its_own_rule_is_reported_once(checklist):
    outcome = checklist({"identifiers_verified": False})
    assert [f.rule_id for f in outcome.evaluation.hard_stops] == ["ID-01-identifiers"]


def test_overriding_one_stop_on_a_list_does_not_hide_another_missing_answer(checklist):
    # A cement allergy stops the procedure; a second allergy has no reaction recorded. Once the physician
    # overrides the cement allergy, the missing answer must still stop the procedure: an override of one
    # problem may never clear a different one.
    allergies = [{"substance": "bone_cement", "reaction": "anaphylaxis"}, {"substance": "latex"}]
    before = checklist({"allergies": allergies})
    assert "ALG-01-cement" in before.hard
    assert "allergies[1].reaction" in before.evaluation.missing_required
    after = checklist({"allergies": allergies}, overrides=["ALG-01-cement:allergies"])
    assert not after.evaluation.cleared, after.summary()
    assert [f.key.split("@")[0] for f in after.evaluation.open_hard_stops] == [f"{REQ}:allergies:allergies[1].reaction"]


def test_overriding_a_hold_does_not_hide_a_missing_dose_of_another_medicine(checklist):
    meds = [checklist.med("apixaban", checklist.before(24), "bid"),
            {"agent": "metformin", "frequency": "bid", "last_dose": checklist.before(12)}]  # no dose
    outcome = checklist({"medications": meds}, overrides=["MED-01-holds:medications:apixaban#1"])
    assert not outcome.evaluation.cleared, outcome.summary()
    assert [f.key.split("@")[0] for f in outcome.evaluation.open_hard_stops] == [
        f"{REQ}:medications:medications[1].dose"]


# --- Overrides and acknowledgements --------------------------------------------------------------------

FEVER = {"temperature": {"value": 38.2, "unit": "C"}}
FEVER_KEY = "INF-01-fever:temperature@9ce2cd1f"  # rule:item@fingerprint of "Temperature 38.2 C: ..."


def test_override_keyed_to_the_hard_stop_clears_it(checklist):
    outcome = checklist(FEVER, overrides=[FEVER_KEY])
    assert outcome.hard == {"INF-01-fever"}  # still listed, for the record and the PDF
    assert outcome.evaluation.overridden == frozenset({FEVER_KEY})
    assert outcome.evaluation.open_hard_stops == ()
    assert outcome.evaluation.cleared is True


def test_without_override_the_hard_stop_is_open(checklist):
    outcome = checklist(FEVER)
    assert outcome.evaluation.cleared is False
    assert [f.key for f in outcome.evaluation.open_hard_stops] == [FEVER_KEY]


def test_override_clears_only_its_own_hard_stop(checklist):
    outcome = checklist({**FEVER, "site_marked": "no"}, overrides=[FEVER_KEY])
    assert outcome.evaluation.cleared is False
    assert [f.rule_id for f in outcome.evaluation.open_hard_stops] == ["SITE-01"]


def test_override_of_a_warning_key_does_nothing(checklist):
    changes = {**FEVER, "antibiotic_prophylaxis": "none"}
    outcome = checklist(changes, overrides=["ABX-01-none:antibiotic_prophylaxis"])
    assert outcome.evaluation.overridden == frozenset()
    assert outcome.evaluation.cleared is False
    assert [f.rule_id for f in outcome.evaluation.unacknowledged_warnings] == ["ABX-01-none"]


def test_stale_override_key_is_ignored(checklist):
    outcome = checklist(overrides=[FEVER_KEY, "NO-SUCH-RULE:item"])
    assert outcome.findings == ()
    assert outcome.evaluation.overridden == frozenset()
    assert outcome.evaluation.cleared is True


def test_override_survives_an_unrelated_change(checklist):
    outcome = checklist({**FEVER, "pain_score": 9}, overrides=[FEVER_KEY])
    assert outcome.evaluation.cleared is True


def test_acknowledgement_of_a_warning(checklist):
    key = "ABX-01-none:antibiotic_prophylaxis"
    outcome = checklist({"antibiotic_prophylaxis": "none"}, acknowledgements=[key])
    assert {k.split("@")[0] for k in outcome.evaluation.acknowledged} == {key}
    assert outcome.evaluation.unacknowledged_warnings == ()
    assert outcome.evaluation.cleared is True


def test_acknowledging_a_hard_stop_does_not_clear_it(checklist):
    outcome = checklist(FEVER, acknowledgements=[FEVER_KEY])
    assert outcome.evaluation.acknowledged == frozenset()
    assert outcome.evaluation.cleared is False


def test_stale_acknowledgement_is_ignored(checklist):
    outcome = checklist(acknowledgements=["ABX-01-none:antibiotic_prophylaxis"])
    assert outcome.evaluation.acknowledged == frozenset()


def test_warnings_alone_do_not_stop_the_procedure(checklist):
    outcome = checklist({"antibiotic_prophylaxis": "none", "sleep_apnoea": True})
    assert outcome.hard == set() and outcome.warnings == {"ABX-01-none", "AIR-01-airway"}
    assert outcome.evaluation.cleared is True


def test_medicine_hold_keys_are_stable_across_unrelated_changes(checklist):
    meds = {"medications": [checklist.med("clopidogrel", checklist.before(24))]}
    key = "MED-01-holds:medications:clopidogrel#1"
    first = checklist(meds)
    second = checklist({**meds, "pain_score": 8, "proceduralist": "Dr. B"})
    assert [f.key for f in first.evaluation.hard_stops] == [f.key for f in second.evaluation.hard_stops]
    assert first.evaluation.hard_stops[0].key.split("@")[0] == key
    assert checklist(meds, overrides=[key]).evaluation.cleared is True


def test_hard_stops_come_before_warnings(checklist):
    outcome = checklist({"antibiotic_prophylaxis": "none", "sleep_apnoea": True, "site_marked": "no",
                         **FEVER})
    severities = [f.severity for f in outcome.findings]
    assert severities == sorted(severities, key=lambda s: s != "hard_stop")


def test_an_override_stops_applying_when_the_value_changes(checklist):
    """Overridden at 38.2 C; the temperature is then re-measured at 40.5 C: the physician must look again."""
    overridden = checklist(FEVER, overrides=[FEVER_KEY])
    assert overridden.evaluation.cleared
    data_key = overridden.record.overrides[0].finding_key
    hotter = checklist({"temperature": {"value": 40.5, "unit": "C"}}, overrides=[data_key])
    assert not hotter.evaluation.cleared and [f.rule_id for f in hotter.evaluation.open_hard_stops] == ["INF-01-fever"]


def test_an_override_does_not_move_to_another_entry_when_the_list_changes(checklist):
    """Two clopidogrel entries, the first overridden; deleting it must not hand its override to the second."""
    first = checklist.med("clopidogrel", checklist.before(96))
    second = checklist.med("clopidogrel", checklist.before(12))
    both = checklist({"medications": [first, second]})
    key_first = next(f.key for f in both.evaluation.open_hard_stops if "#1" in f.key)
    remaining = checklist({"medications": [second]}, overrides=[key_first])
    assert not remaining.evaluation.cleared
