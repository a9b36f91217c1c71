"""The FHIR models are R4 (fhir.resources' R4B package, never its default R5): real R4 JSON, written by hand
from the R4 spec's structure (a MedicationStatement, and a Bundle with a Patient, an AllergyIntolerance, an
Observation and a MedicationStatement), round-trips through them without losing anything; and the app's own
Questionnaire and exported resources are valid R4."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from checklist_app.domain.items import ITEM_KINDS
from checklist_app.ehr.export_config import systems
from checklist_app.ehr.questionnaire import ITEM_TYPES, questionnaire
from checklist_app.rules import load_form

DATA = Path(__file__).parent / "data" / "r4"


def normalised(value: Any) -> Any:
    """The same data with every date-time as the instant it names (the models write '+00:00' as 'Z' and
    milliseconds as microseconds: the same instant) and numbers as Decimals compared by value."""
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10:11] == "T":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


@pytest.mark.parametrize("name", ["medicationstatement.json", "bundle.json"])
def test_r4_json_round_trips_through_the_r4b_models_without_loss(name: str) -> None:
    text = (DATA / name).read_text()
    original = json.loads(text, parse_float=Decimal)
    model = get_fhir_model_class(original["resourceType"]).model_validate_json(text)
    assert type(model).__module__.startswith("fhir.resources.R4B.")
    again = json.loads(model.model_dump_json(), parse_float=Decimal)
    assert normalised(again) == normalised(original)


def test_an_r5_only_element_is_refused_by_the_r4_models() -> None:
    # R5 renamed MedicationStatement.medicationCodeableConcept to medication (a CodeableReference): an R5
    # resource must not pass as R4.
    r5 = {"resourceType": "MedicationStatement", "status": "recorded", "subject": {"reference": "Patient/p"},
          "medication": {"concept": {"text": "apixaban"}}}
    with pytest.raises(ValueError, match="medication"):
        get_fhir_model_class("MedicationStatement").model_validate(r5)


def test_every_item_kind_has_a_questionnaire_type_and_the_form_is_a_valid_questionnaire() -> None:
    assert set(ITEM_TYPES) == set(ITEM_KINDS)
    form = load_form()
    resource = questionnaire(form, systems())
    model = get_fhir_model_class("Questionnaire").model_validate(resource)
    link_ids: list[str] = []

    def walk(items: Any) -> None:
        for item in items or []:
            link_ids.append(item.linkId)
            walk(item.item)

    walk(model.item)
    assert len(link_ids) == len(set(link_ids))  # linkIds are unique, as R4 requires
    assert {item.id for item in form.iter_items()} <= set(link_ids)
