"""What the chart's codes mean in this form: an index from (system, code) to the item or choice they fill.

Built from the form's ``codes`` (lab items, list choices) and the policy's medicine codes, so what matches is
exactly what the site's files say: a code in no file matches nothing and is reported, never guessed. One
RxNorm ingredient may stand for two choices (enoxaparin at a prophylactic or a therapeutic dose, heparin by
vein or under the skin); the import then names both and leaves the choice to the nurse.

``PATIENT_ONLY`` lists the answers only the patient can give (the time of the last dose, fasting, symptoms,
the wristband in front of the nurse): no import ever fills them, whatever a chart holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checklist_app.domain.codes import UCUM
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import ChoiceItem, MeasurementItem, NumberItem, RepeatItem, Unit
from checklist_app.rules.policy import PolicyDefinition

PATIENT_ONLY = frozenset({
    "wristband_scan", "identifiers_verified", "pain_score", "pain_attributed", "neuro_deficit",
    "neuro_deficit_details", "last_clear_liquid", "last_light_meal", "last_fatty_meal", "last_milk",
    "medications.last_dose", "glp1_gi_symptoms", "urinary_symptoms", "systemic_infection",
    "skin_infection_at_site", "pregnancy_status", "pregnancy_test_at", "pregnancy_determined_how",
    "escort_present", "driver_arranged", "temperature", "contrast_premedication",
})
# Units UCUM writes as a pure number: an annotation ("{INR}", "{ratio}") or "1" means "no unit".
DIMENSIONLESS = "1"


@dataclass(frozen=True)
class CodeIndex:
    """The form's (and policy's) codes, looked up by (system, code)."""

    items: dict[tuple[str, str], str] = field(default_factory=dict)  # lab and measurement items
    medicines: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # agent choices
    substances: dict[tuple[str, str], str] = field(default_factory=dict)  # allergy substance choices

    @classmethod
    def build(cls, form: FormDefinition, policy: PolicyDefinition | None) -> CodeIndex:
        """The index for a form and the policy in force (its medicines' RxNorm codes)."""
        items: dict[tuple[str, str], str] = {}
        for item in form.iter_items():
            if isinstance(item, MeasurementItem | NumberItem) and item.id not in PATIENT_ONLY:
                items.update({coding.key(): item.id for coding in item.codes})
        medicines: dict[tuple[str, str], list[str]] = {}
        agent = _choice_field(form, "medications", "agent")
        for option in agent.options if agent else ():
            for coding in option.codes:
                medicines.setdefault(coding.key(), []).append(option.value)
        for key, medicine in (policy.medicines.items() if policy else ()):
            for coding in medicine.codes:
                owners = medicines.setdefault(coding.key(), [])
                if key not in owners:
                    owners.append(key)
        substance = _choice_field(form, "allergies", "substance")
        substances = {coding.key(): option.value for option in (substance.options if substance else ())
                      for coding in option.codes}
        return cls(items, {k: tuple(v) for k, v in medicines.items()}, substances)


def _choice_field(form: FormDefinition, item_id: str, field_id: str) -> ChoiceItem | None:
    item = form.item(item_id) if form.has_item(item_id) else None
    sub = item.field(field_id) if isinstance(item, RepeatItem) else None
    return sub if isinstance(sub, ChoiceItem) else None


def form_unit(item: MeasurementItem, system: str | None, code: str | None, text: str | None) -> Unit | None:
    """The form's unit for a quantity's unit (UCUM code first, then its printed unit), or None."""
    if system == UCUM and code:
        for unit in item.units:
            if unit.ucum == code or (_dimensionless(code) and unit.ucum and _dimensionless(unit.ucum)):
                return unit
        return None
    wanted = (text or code or "").strip()
    return next((u for u in item.units if wanted and wanted in (u.unit, u.ucum)), None)


def _dimensionless(ucum: str) -> bool:
    return ucum == DIMENSIONLESS or (ucum.startswith("{") and ucum.endswith("}"))
