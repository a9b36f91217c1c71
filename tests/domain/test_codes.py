"""Clinical codes in the form and the policies: each lab item has its LOINC codes and UCUM units, each
medicine the policies hold or advise on has RxNorm ingredient codes (kept by a variant that replaces the
medicine), a mistyped code is refused by its check digit or shape, only the four known systems are taken,
and no label or help text a nurse reads carries a code."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from checklist_app import resources
from checklist_app.domain.codes import LOINC, RXNORM, SNOMED, Coding, code_problem
from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import MeasurementItem, RepeatItem
from checklist_app.rules import load_form
from checklist_app.rules.policy import check_fits_form, load_policy

POLICIES = sorted(resources.policy_path("sir-2019").parent.glob("*.yaml"))
LAB_LOINC = {"inr": {"6301-6", "34714-6"}, "platelets": {"777-3", "26515-7"}, "hemoglobin": {"718-7"},
             "creatinine": {"2160-0"}, "fibrinogen": {"3255-7"}, "wbc": {"6690-2"}, "weight_kg": {"29463-7"}}


def test_every_lab_item_has_its_loinc_codes_and_every_unit_its_ucum() -> None:
    form = load_form()
    for item_id, expected in LAB_LOINC.items():
        codes = {c.code for c in form.item(item_id).codes if c.system == LOINC}
        assert expected <= codes, item_id
    for item in form.iter_items():
        if isinstance(item, MeasurementItem):
            assert item.codes, f"{item.id} has no LOINC code"
            assert all(u.ucum for u in item.units), f"{item.id} has a unit without UCUM"


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_every_medicine_held_or_advised_on_has_rxnorm_codes_and_a_variant_keeps_them(path: Path) -> None:
    policy = load_policy(path)
    expected_missing = {"other", "dalteparin", "cangrelor_gp2b3a"}  # no verified ingredient code (see README)
    for key, medicine in policy.medicines.items():
        if key in expected_missing:
            continue
        assert medicine.codes and all(c.system == RXNORM for c in medicine.codes), key
    base = load_policy(path.with_name("sir-2019.yaml"))
    for key, medicine in policy.medicines.items():
        assert {c.key() for c in medicine.codes} == {c.key() for c in base.medicines[key].codes}, key


def test_the_briefed_codes_are_where_they_belong() -> None:
    policy = load_policy(resources.policy_path("sir-2019"))
    given = {"apixaban": "1364430", "rivaroxaban": "1114195", "dabigatran": "1037042", "edoxaban": "1599538",
             "warfarin": "11289", "enoxaparin_therapeutic": "67108", "heparin_iv": "5224", "clopidogrel": "32968",
             "prasugrel": "613391", "ticagrelor": "1116632", "aspirin": "1191"}
    for key, code in given.items():
        assert code in {c.code for c in policy.medicines[key].codes}, key
    substances = load_form().item("allergies")
    assert isinstance(substances, RepeatItem)
    latex = next(o for o in substances.field("substance").options if o.value == "latex")  # type: ignore[union-attr]
    assert [(c.system, c.code) for c in latex.codes] == [(SNOMED, "111088007")]


@pytest.mark.parametrize(("system", "code", "problem"), [
    (LOINC, "6301-5", "wrong check digit"),          # one digit off
    (LOINC, "6301", "must be digits, a hyphen"),
    (SNOMED, "111088008", "wrong check digit"),
    (SNOMED, "111088027", "not a concept identifier"),  # partition 02: a description id
    (RXNORM, "apixaban", "RxCUI"),
    ("http://unitsofmeasure.org", "x10 9/L", "without spaces"),
])
def test_a_mistyped_code_is_refused_naming_why(system: str, code: str, problem: str) -> None:
    assert problem in (code_problem(system, code) or "")
    with pytest.raises(ValidationError, match=problem):
        Coding(system=system, code=code)  # type: ignore[arg-type]


def test_unknown_systems_and_misplaced_codes_are_refused() -> None:
    with pytest.raises(ValidationError, match="system"):
        Coding(system="http://hl7.org/fhir/sid/ndc", code="0003-0894-21")  # type: ignore[arg-type]
    data = load_form().model_dump(mode="json", exclude_defaults=True)
    labs = next(s for s in data["sections"] if s["id"] == "labs")
    inr = next(i for i in labs["items"] if i["id"] == "inr")
    inr["codes"] = [{"system": RXNORM, "code": "1364430"}]
    with pytest.raises(ValidationError, match="takes LOINC or SNOMED CT codes, not RxNorm"):
        FormDefinition.model_validate(data)
    inr["codes"] = [{"system": LOINC, "code": "6301-6"}, {"system": LOINC, "code": "6301-6"}]
    with pytest.raises(ValidationError, match="listed twice"):
        FormDefinition.model_validate(data)


def test_a_policy_code_that_is_another_choice_of_the_form_is_refused() -> None:
    form = load_form()
    policy = load_policy(resources.policy_path("sir-2019"))
    broken = copy.deepcopy(policy)
    # metformin's RxNorm code (the form's) given to aspirin: an imported metformin would be held as aspirin.
    aspirin = broken.medicines["aspirin"]
    broken.medicines["aspirin"] = aspirin.model_copy(update={"codes": (Coding(system=RXNORM, code="6809"),)})
    with pytest.raises(PolicyDefinitionError, match="form's code of 'metformin'"):
        check_fits_form(broken, form)


def test_no_code_is_in_what_a_nurse_reads() -> None:
    form = load_form()
    codes = {c.code for item in form.iter_items() for c in item.codes}
    text = " ".join(f"{item.label} {item.help}" for item in form.iter_items())
    assert not any(re.search(rf"\b{re.escape(code)}\b", text) for code in codes)
