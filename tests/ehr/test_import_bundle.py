"""Importing FHIR R4 Bundles (no database): the shipped examples round-trip through the R4B models and fill the
expected answers with their source and dates; stale results stay stale for the rules; what only the patient
can say is never filled; another patient's Bundle fills nothing; and "pull again" shows each difference,
keeps the nurse's choice per chart version and never overwrites a typed answer without that choice."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from fhir.resources.R4B import get_fhir_model_class
from importing_helpers import EXAMPLES, FORM, NOW, POLICY, PROCEDURE_MORNING, example, fresh_state, read, resource
from test_r4_models import normalised

from checklist_app.domain.record import parse_record
from checklist_app.ehr.apply import apply_import, resolve, source_line
from checklist_app.ehr.codes import PATIENT_ONLY
from checklist_app.ehr.import_model import ImportRefused
from checklist_app.workflows.checklist_state import ChecklistState

NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("name", NAMES)
def test_the_example_bundles_are_r4_and_round_trip_through_the_r4b_models_without_loss(name: str) -> None:
    text = (EXAMPLES / f"{name}.json").read_text()
    original = json.loads(text, parse_float=Decimal)
    bundle = get_fhir_model_class("Bundle").model_validate_json(text)
    assert type(bundle).__module__.startswith("fhir.resources.R4B.")
    assert normalised(json.loads(bundle.model_dump_json(), parse_float=Decimal)) == normalised(original)
    kinds = {e.resource.__resource_type__ for e in bundle.entry}
    assert "Patient" in kinds
    if name.startswith("okafor"):  # MedicationStatement, the resource R5 changed most, is in the examples
        assert "MedicationStatement" in kinds


def test_the_apixaban_example_fills_labs_medicines_allergies_with_source_and_date() -> None:
    result = read(example("okafor-apixaban-recent"))
    state = fresh_state()
    applied = apply_import(state, result, "rn1", NOW)
    answers = state.to_data()["answers"]
    assert answers["inr"] == {"value": 1.1, "unit": "ratio", "date": "2026-11-28"}
    assert answers["platelets"] == {"value": 212.0, "unit": "x10^9/L", "date": "2026-11-28"}
    assert answers["creatinine"]["date"] == "2026-11-28" and answers["weight_kg"] == 68.0
    assert (answers["mrn"], answers["date_of_birth"], answers["sex"]) == ("MRN-204811", "1954-03-12", "female")
    assert answers["medications"] == [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid"},
                                      {"agent": "metformin", "dose": "500 mg", "frequency": "bid"}]
    [contrast] = answers["allergies"]
    assert contrast == {"substance": "other", "details": "Iodinated contrast media", "reaction": "Hives",
                        "severity": "moderate"}
    assert source_line(state, "inr") == "From the EHR: INR 1.1, 2026-11-28"
    assert state.sources["inr"]["resource"] == "Observation/inr-20261128"
    assert state.sources["medications#apixaban"]["resource"] == "MedicationStatement/ms-apixaban"
    assert "medications#apixaban" in applied.filled
    # The draft with its sources is a valid record (what signing validates), and reads back the same.
    parse_record(state.to_data(), FORM, NOW)
    again, dropped = ChecklistState.from_data(FORM, state.draft_data(), fallback_staff="rn1", now=NOW,
                                              policy_id="sir-2019")
    assert not dropped and again.sources == state.sources
    # Not used, each said with its resource and why: the statin (not recorded here), the uncoded allergy.
    lines = result.problem_lines()
    assert any(line.startswith("MedicationStatement/ms-atorvastatin medication: RxNorm 83367") for line in lines)
    assert any(line.startswith("AllergyIntolerance/alg-contrast code:") and "added as Other" in line for line in lines)


def test_what_only_the_patient_can_say_is_never_filled() -> None:
    bundle = example("okafor-apixaban-recent")
    # Even a chart that records a time of last dose and a temperature: the last dose is the patient's word,
    # the temperature is taken at the bedside today.
    statement = resource(bundle, "MedicationStatement/ms-apixaban")
    statement["effectiveDateTime"] = "2026-11-30T08:00:00Z"
    del statement["effectivePeriod"]
    bundle["entry"].append({"resource": {
        "resourceType": "Observation", "id": "temp1", "status": "final",
        "subject": {"reference": "Patient/pat-204811"}, "effectiveDateTime": "2026-11-30T07:00:00Z",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "valueQuantity": {"value": 38.9, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}}})
    state = fresh_state()
    apply_import(state, read(bundle), "rn1", NOW)
    answers = state.to_data()["answers"]
    assert not set(answers) & {p for p in PATIENT_ONLY if "." not in p}
    assert all("last_dose" not in entry for entry in answers["medications"])
    # The rules therefore still ask the nurse for the last apixaban dose.
    evaluation = state.evaluate(POLICY, PROCEDURE_MORNING)
    assert "medications" in evaluation.missing_required or any(
        f.item_id == "medications" for f in evaluation.findings)


def test_stale_results_stay_stale_the_window_counts_from_the_results_own_date() -> None:
    state = fresh_state()
    apply_import(state, read(example("okafor-warfarin-stale-labs")), "rn1", NOW)
    assert state.to_data()["answers"]["inr"]["date"] == "2026-09-10"
    rules = {f.rule_id for f in state.evaluate(POLICY, PROCEDURE_MORNING).findings}
    assert {"LAB-01-inr-age", "LAB-02-platelets-age", "LAB-01-inr-warfarin"} <= rules
    recent = fresh_state()
    apply_import(recent, read(example("okafor-apixaban-recent")), "rn1", NOW)
    assert "LAB-01-inr-age" not in {f.rule_id for f in recent.evaluate(POLICY, PROCEDURE_MORNING).findings}


@pytest.mark.parametrize(("answers", "words"), [
    ({"mrn": "MRN-204811"},
     "the chart's data is for MRN MRN-555123, born 1961-07-04, the checklist is for MRN MRN-204811"),
    ({"date_of_birth": "1954-03-12"}, "the checklist is for born 1954-03-12"),
])
def test_another_patients_bundle_is_refused_in_words_before_anything_is_filled(answers: dict, words: str) -> None:
    state = fresh_state(**{k: FORM_VALUE(k, v) for k, v in answers.items()})
    before = copy.deepcopy(state.to_data())
    with pytest.raises(ImportRefused, match="This is another patient") as refused:
        apply_import(state, read(example("lindqvist-other-patient")), "rn1", NOW)
    assert words in str(refused.value) and "Nothing was filled" in str(refused.value)
    assert state.to_data() == before and not state.sources


def FORM_VALUE(item_id: str, value: object) -> object:  # noqa: N802 (reads as the constant it builds)
    from checklist_app.workflows.answer_codec import to_typed

    return to_typed(FORM.item(item_id), value)


def test_a_bundle_with_two_patients_or_none_is_refused() -> None:
    two = example("okafor-apixaban-recent")
    two["entry"] += example("lindqvist-other-patient")["entry"][:1]
    with pytest.raises(ImportRefused, match="2 different patients"):
        read(two)
    none = example("okafor-apixaban-recent")
    none["entry"] = [e for e in none["entry"] if e["resource"]["resourceType"] != "Patient"]
    with pytest.raises(ImportRefused, match="names no patient"):
        apply_import(fresh_state(), read(none), "rn1", NOW)


def _changed_chart(inr: float, version: str, when: str = "2026-12-01T06:10:00Z") -> dict:
    bundle = example("okafor-apixaban-recent")
    obs = resource(bundle, "Observation/inr-20261128")
    obs["valueQuantity"]["value"] = inr
    obs["effectiveDateTime"] = when
    obs["meta"]["versionId"] = version
    statement = resource(bundle, "MedicationStatement/ms-apixaban")
    statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 2.5
    return bundle


def test_pull_again_shows_differences_keeps_the_nurses_choice_and_never_overwrites_without_it() -> None:
    state = fresh_state()
    apply_import(state, read(example("okafor-apixaban-recent")), "rn1", NOW)
    # The nurse types a newer INR from the ward's point-of-care meter and the last apixaban dose.
    state.set_answer("inr", FORM_VALUE("inr", {"value": 1.3, "unit": "ratio", "date": "2026-12-01"}))
    meds = state.to_data()["answers"]["medications"]
    meds[0]["last_dose"] = "2026-11-28T20:00"
    state.set_answer("medications", FORM_VALUE("medications", meds))
    assert source_line(state, "inr") == "Changed here; the EHR had INR 1.1 (2026-11-28)"

    morning = read(_changed_chart(1.2, "2"), today=PROCEDURE_MORNING.date())
    applied = apply_import(state, morning, "rn1", PROCEDURE_MORNING)
    by_key = {d.key: d for d in applied.differences}
    assert set(by_key) == {"inr", "medications#apixaban"}
    assert by_key["inr"].mine["value"] == 1.3 and by_key["inr"].theirs["value"] == 1.2
    apixaban = by_key["medications#apixaban"]
    assert apixaban.mine["dose"] == "5 mg" and apixaban.theirs["dose"] == "2.5 mg"
    assert state.to_data()["answers"]["inr"]["value"] == 1.3  # nothing changed before the choice

    resolve(state, applied.differences, {"inr": False, "medications#apixaban": True}, "rn1", PROCEDURE_MORNING)
    answers = state.to_data()["answers"]
    assert answers["inr"]["value"] == 1.3
    assert answers["medications"][0] == {"agent": "apixaban", "dose": "2.5 mg", "frequency": "bid",
                                         "last_dose": "2026-11-28T20:00:00Z"}  # the typed last dose stays
    assert state.import_choices["inr"]["choice"] == "kept_mine" and state.import_choices["inr"]["version"] == "2"

    # Reopened (from the saved draft) and pulled again: the same chart version is not asked again ...
    reopened, _ = ChecklistState.from_data(FORM, json.loads(json.dumps(state.draft_data())), fallback_staff="rn1",
                                           now=PROCEDURE_MORNING, policy_id="sir-2019")
    again = apply_import(reopened, read(_changed_chart(1.2, "2"), today=PROCEDURE_MORNING.date()), "rn1",
                         PROCEDURE_MORNING)
    assert [d.key for d in again.differences] == [] and again.kept_before == ["inr"]
    # ... a newer version of the chart's result is.
    newer = apply_import(reopened, read(_changed_chart(1.25, "3"), today=PROCEDURE_MORNING.date()), "rn1",
                         PROCEDURE_MORNING)
    assert [d.key for d in newer.differences] == ["inr"]
    resolve(reopened, newer.differences, {"inr": True}, "rn1", PROCEDURE_MORNING)
    assert reopened.to_data()["answers"]["inr"] == {"value": 1.25, "unit": "ratio", "date": "2026-12-01"}
    assert source_line(reopened, "inr") == "From the EHR: INR 1.25, 2026-12-01"


def test_an_older_chart_result_never_replaces_a_newer_one_in_the_checklist() -> None:
    state = fresh_state()
    apply_import(state, read(example("okafor-apixaban-recent")), "rn1", NOW)
    applied = apply_import(state, read(example("okafor-warfarin-stale-labs")), "rn1", NOW)
    assert {"inr", "platelets", "creatinine"} <= set(applied.newer_here)
    assert not applied.differences and state.to_data()["answers"]["inr"]["date"] == "2026-11-28"
