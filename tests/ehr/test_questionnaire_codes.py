"""``fhir questionnaire`` carries the form's and the policy's clinical codes: LOINC on the lab items
(``item.code``), RxNorm on medicines and SNOMED CT on allergy substances (``option-code`` extensions on their
answerOptions); both the Questionnaire and the QuestionnaireResponse of a signed checklist are valid R4B
resources, and the response is consistent with the Questionnaire (linkIds, value types, options and their
codes, a "none" time said with data-absent-reason)."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B import get_fhir_model_class
from questionnaire_check import items_by_link_id, problems
from signing import sign_clean

from checklist_app.cli import main
from checklist_app.domain.codes import LOINC, RXNORM, SNOMED
from checklist_app.ehr.export_config import systems
from checklist_app.ehr.export_fhir import DATA_ABSENT_REASON, transaction_bundle
from checklist_app.ehr.questionnaire import option_code_url, questionnaire
from checklist_app.rules import load_form, load_policy_for
from checklist_app.storage import Database

FORM = load_form()
POLICY = load_policy_for(FORM, "sir-2019", field="test")


def _option(items: dict, link_id: str, code: str) -> dict:
    return next(o for o in items[link_id]["answerOption"] if o["valueCoding"]["code"] == code)


def _standard(option_or_answer: dict) -> set[tuple[str, str]]:
    return {(e["valueCoding"]["system"], e["valueCoding"]["code"]) for e in option_or_answer.get("extension") or []
            if e["url"] == option_code_url(systems())}


def test_the_questionnaire_command_puts_the_forms_and_policys_codes_on_its_items(tmp_path: Path, capsys) -> None:
    out = tmp_path / "questionnaire.json"
    assert main(["fhir", "questionnaire", "--out", str(out)]) == 0
    text = out.read_text()
    model = get_fhir_model_class("Questionnaire").model_validate_json(text)
    assert type(model).__module__.startswith("fhir.resources.R4B.")
    items = items_by_link_id(json.loads(text)["item"])
    assert {(c["system"], c["code"]) for c in items["inr"]["code"]} >= {(LOINC, "6301-6"), (LOINC, "34714-6")}
    assert (LOINC, "777-3") in {(c["system"], c["code"]) for c in items["platelets"]["code"]}
    for item in FORM.iter_items():  # every coded item of the form, with exactly its codes
        if getattr(item, "codes", ()) and item.id in items:
            assert [(c["system"], c["code"]) for c in items[item.id]["code"]] == [c.key() for c in item.codes]
    assert _standard(_option(items, "medications.agent", "apixaban")) == {(RXNORM, "1364430")}  # the policy's
    assert _standard(_option(items, "medications.agent", "metformin")) == {(RXNORM, "6809")}  # the form's
    assert _standard(_option(items, "allergies.substance", "latex")) == {(SNOMED, "111088007")}
    assert "code" not in items["patient_name"] and "extension" not in _option(items, "levels", "L1")


def test_the_signed_checklists_response_is_valid_and_consistent_with_the_questionnaire(db: Database) -> None:
    version, pdfs = sign_clean(db)
    bundle = transaction_bundle(version, pdfs, FORM, systems(), policy=POLICY)
    [response] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"]
    get_fhir_model_class("QuestionnaireResponse").model_validate(response)
    asked = questionnaire(FORM, systems(), POLICY)
    get_fhir_model_class("Questionnaire").model_validate(asked)
    assert problems(asked, response) == []
    answered = {}
    for entry in response["item"]:
        for item in entry["item"]:
            answered.setdefault(item["linkId"], []).append(item)
    [milk] = answered["last_milk"][0]["answer"]
    assert milk == {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "not-applicable"}]}
    agents = [sub["answer"][0] for entry in answered["medications"] for sub in entry["item"]
              if sub["linkId"] == "medications.agent"]
    assert [_standard(a) for a in agents] == [{(RXNORM, "1364430")}, {(RXNORM, "6809")}]


def test_the_checker_sees_an_inconsistent_response() -> None:
    asked = questionnaire(FORM, systems(), POLICY)
    response = {"item": [{"linkId": "inr", "answer": [{"valueString": "1.1"}]},
                         {"linkId": "no-such-item", "answer": [{"valueBoolean": True}]},
                         {"linkId": "procedure_type", "answer": [{"valueCoding": {
                             "system": "http://example.org", "code": "kyphoplasty"}}]}]}
    assert len(problems(asked, response)) == 3
