"""Bad input (issue 13, part 6): each case starts from the shipped apixaban Bundle, damages one thing, and
shows that the import names the resource and field it could not use and why, still fills everything else,
and loses nothing the nurse typed (a typed INR stays when the chart's INR cannot be used)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from importing_helpers import FORM, NOW, example, fresh_state, read, resource

from checklist_app.ehr.apply import apply_import
from checklist_app.ehr.fhir_import import read_bundle_file
from checklist_app.ehr.import_model import ImportRefused
from checklist_app.workflows.answer_codec import to_typed

INR = "Observation/inr-20261128"


def inr_as_percent(bundle: dict) -> None:
    """'%' is not a unit the form takes for INR (it takes {INR})"""
    quantity = resource(bundle, INR)["valueQuantity"]
    quantity.update({"value": 110, "unit": "%", "code": "%"})


def unknown_code(bundle: dict) -> None:
    """LOINC 5902-2 is not a result this checklist takes"""
    resource(bundle, INR)["code"]["coding"] = [{"system": "http://loinc.org", "code": "5902-2", "display": "PT"}]


def no_date(bundle: dict) -> None:
    """has no date: a INR result without the date the sample was taken cannot be checked"""
    del resource(bundle, INR)["effectiveDateTime"]


def a_year_only(bundle: dict) -> None:
    """has no date: a INR result without the date"""
    resource(bundle, INR)["effectiveDateTime"] = "2026"


def out_of_range(bundle: dict) -> None:
    """is outside what the form takes for INR (0.5 to 15 ratio)"""
    resource(bundle, INR)["valueQuantity"]["value"] = 45


def conflicting(bundle: dict) -> None:
    """conflicts with another result taken at the same time"""
    twin = dict(resource(bundle, INR), id="inr-twin", valueQuantity={
        "value": 1.6, "unit": "{INR}", "system": "http://unitsofmeasure.org", "code": "{INR}"})
    bundle["entry"].append({"resource": twin})


def not_final(bundle: dict) -> None:
    """is 'preliminary': only final results are used"""
    resource(bundle, INR)["status"] = "preliminary"


def not_r4(bundle: dict) -> None:
    """valueQuantity.value: not valid FHIR R4"""
    resource(bundle, INR)["valueQuantity"]["value"] = "one point one"


def other_subject(bundle: dict) -> None:
    """is about 'Patient/pat-555123', not this patient"""
    resource(bundle, INR)["subject"]["reference"] = "Patient/pat-555123"


def future(bundle: dict) -> None:
    """in the future; not used"""
    resource(bundle, INR)["effectiveDateTime"] = "2027-01-05T07:00:00Z"


@pytest.mark.parametrize("damage", [inr_as_percent, unknown_code, no_date, a_year_only, out_of_range, conflicting,
                                    not_final, not_r4, other_subject, future], ids=lambda f: f.__name__)
def test_a_damaged_result_is_named_with_why_the_rest_is_filled_and_the_typed_inr_is_kept(
        damage: Callable[[dict], None]) -> None:
    bundle = example("okafor-apixaban-recent")
    damage(bundle)
    result = read(bundle)
    lines = result.problem_lines()
    expected = damage.__doc__ or ""
    assert any(expected in line for line in lines), lines
    assert any(line.startswith(("Observation/inr-", "entry[")) for line in lines if expected in line)
    typed = to_typed(FORM.item("inr"), {"value": 1.4, "unit": "ratio", "date": "2026-11-29"})
    state = fresh_state(inr=typed)
    applied = apply_import(state, result, "rn1", NOW)
    assert state.answers["inr"] == typed and "inr" not in applied.filled and "inr" not in state.sources
    answers = state.to_data()["answers"]
    assert answers["platelets"]["value"] == 212.0 and answers["medications"][0]["agent"] == "apixaban"


def test_the_same_result_twice_is_used_once_and_the_copy_named() -> None:
    bundle = example("okafor-apixaban-recent")
    bundle["entry"].append({"resource": dict(resource(bundle, INR), id="inr-copy")})
    result = read(bundle)
    assert [p.value["value"] for p in result.proposals if p.key == "inr"] == [1.1]
    assert any(line.startswith("Observation/inr-") and "the same result as" in line for line in result.problem_lines())


def test_an_older_result_is_not_used_and_says_which_one_is() -> None:
    bundle = example("okafor-apixaban-recent")
    older = dict(resource(bundle, INR), id="inr-old", effectiveDateTime="2026-10-01T07:00:00Z")
    bundle["entry"].append({"resource": older})
    lines = read(bundle).problem_lines()
    assert "Observation/inr-old: older than Observation/inr-20261128 (2026-11-28), which is used" in lines


def test_an_unknown_medicine_code_and_an_ambiguous_one_are_said_and_nothing_is_guessed() -> None:
    bundle = example("okafor-apixaban-recent")
    statement = resource(bundle, "MedicationStatement/ms-apixaban")
    statement["medicationCodeableConcept"] = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                          "code": "67108", "display": "enoxaparin"}]}
    result = read(bundle)
    [entry] = [p for p in result.proposals if p.key.startswith("medications#?")]
    assert "agent" not in entry.value and entry.value["name"] == "enoxaparin"
    assert any("could be Enoxaparin (prophylactic dose) or Enoxaparin (therapeutic dose)" in line
               for line in result.problem_lines())


def test_a_file_that_is_not_json_or_not_a_bundle_is_refused_naming_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Bundle",\n "entry": [\n  {"resource": }\n ]}\n')
    with pytest.raises(ImportRefused, match=r"broken.json line 3: .*Nothing was filled"):
        read_bundle_file(broken)
    with pytest.raises(ImportRefused, match="not a FHIR Bundle \\(resourceType 'Patient'\\)"):
        read({"resourceType": "Patient", "id": "x"})


def test_an_entry_without_a_resource_and_a_type_not_read_are_named() -> None:
    bundle = example("okafor-apixaban-recent")
    bundle["entry"] += [{"fullUrl": "urn:uuid:1"}, {"resource": {"resourceType": "Encounter", "id": "e1",
                                                                  "status": "planned", "class": {"code": "AMB"}}}]
    lines = read(bundle).problem_lines()
    assert f"entry[{len(bundle['entry']) - 2}] resource: no resource in this entry" in lines
    assert "Encounter/e1: a 'Encounter' is not read by this checklist" in lines


def test_a_contrast_allergy_coded_in_snomed_ct_is_the_contrast_class_with_the_charts_words() -> None:
    from importing_helpers import NOW, example, fresh_state, read, resource

    from checklist_app.ehr.apply import apply_import

    bundle = example("okafor-apixaban-recent")
    allergy = resource(bundle, "AllergyIntolerance/alg-contrast")
    allergy["code"] = {"coding": [{"system": "http://snomed.info/sct", "code": "293637006",
                                   "display": "Contrast media allergy"}], "text": "Iodinated contrast media"}
    state = fresh_state()
    result = read(bundle)
    apply_import(state, result, "rn1", NOW)
    [contrast] = state.to_data()["answers"]["allergies"]
    assert (contrast["substance"], contrast["details"]) == ("iodinated_contrast", "Iodinated contrast media")
    assert not any(line.startswith("AllergyIntolerance/alg-contrast") for line in result.problem_lines())
