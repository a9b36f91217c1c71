"""The form as a FHIR R4 Questionnaire (SDC), and the mapping of each item kind to a Questionnaire item type.

One place says how each kind of form item is asked in FHIR, so the Questionnaire (``fhir questionnaire``)
and the QuestionnaireResponse of every signed checklist (``export_fhir.py``) cannot drift apart: linkId is
the item's id (a repeat's fields are ``<list>.<field>``, a section is ``section.<id>``), a measurement is
a quantity in its canonical unit with its date as a nested item (``<id>.date``), a multiple choice repeats,
a repeat is a repeating group, information text is ``display``, a derived value (age, CrCl) is read-only.
Option values are codes of a code system named after the item, so a receiving system matches codes, not
labels.

The clinical codes the form and the policy carry (``domain/codes.py``) travel too: an item's LOINC codes (the
labs, weight, temperature) are its ``item.code``; an option's RxNorm or SNOMED CT codes (a medicine's
ingredients, from the form and the policy in force; an allergy's substance) ride with its coding as
``option-code`` extensions, in the Questionnaire's ``answerOption`` and, identically, on each answer of the
QuestionnaireResponse (``standard_codings`` is the one source of both).
"""

from __future__ import annotations

from typing import Any

from checklist_app.domain.codes import Coding
from checklist_app.domain.form import FormDefinition
from checklist_app.ehr.export_config import Systems
from checklist_app.rules.policy import PolicyDefinition

# The repeat field whose options the policy's medicine table also codes (by the option's value).
POLICY_CODED = "medications.agent"

# Item kind -> Questionnaire.item.type (R4). Each kind of domain/items.py must be here (a test checks).
ITEM_TYPES = {
    "confirm": "boolean", "yes_no": "boolean", "choice": "choice", "multi_choice": "choice", "number": "decimal",
    "measurement": "quantity", "date": "date", "datetime": "dateTime", "text": "string", "repeat": "group",
    "derived": "decimal", "info": "display",
}
SDC_QUESTIONNAIRE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
UCUM = "http://unitsofmeasure.org"
# The form's units written as UCUM where they differ from it; others travel as the unit's text only.
UCUM_CODES = {"ratio": "{ratio}", "x10^9/L": "10*9/L", "x10^3/uL": "10*3/uL", "C": "Cel", "F": "[degF]",
              "kg": "kg", "g/dL": "g/dL", "g/L": "g/L", "mg/dL": "mg/dL", "umol/L": "umol/L", "mL/min": "mL/min",
              "mL/min/1.73m2": "mL/min/{1.73_m2}", "years": "a", "weeks": "wk", "h": "h", "lb": "[lb_av]", "%": "%"}


def option_system(systems: Systems, form_id: str, item_id: str) -> str:
    """The code system of one item's options."""
    return f"{systems.base}/CodeSystem/{form_id}/{item_id}"


def option_code_url(systems: Systems) -> str:
    """The extension that carries an option's standard code (RxNorm, SNOMED CT) beside the form's own."""
    return f"{systems.base}/StructureDefinition/option-code"


def codings(codes: tuple[Coding, ...]) -> list[dict[str, Any]]:
    """Codes as FHIR Codings."""
    return [{"system": c.system, "code": c.code, **({"display": c.display} if c.display else {})} for c in codes]


def standard_codings(item: Any, link_id: str, value: str, policy: PolicyDefinition | None,
                     systems: Systems) -> list[dict[str, Any]]:
    """The ``option-code`` extensions of one option: its codes in the form, then the policy's for a medicine."""
    option = next((o for o in getattr(item, "options", ()) if o.value == value), None)
    found = list(option.codes) if option is not None else []
    medicine = policy.medicines.get(value) if policy is not None and link_id == POLICY_CODED else None
    found += [c for c in (medicine.codes if medicine else ()) if c.key() not in {f.key() for f in found}]
    return [{"url": option_code_url(systems), "valueCoding": coding} for coding in codings(tuple(found))]


def section_link_id(section_id: str) -> str:
    """A section's linkId: prefixed, because a section may share its id with one of its items (the
    medications section holds the medications list) and linkIds must be unique."""
    return f"section.{section_id}"


def questionnaire(form: FormDefinition, systems: Systems, policy: PolicyDefinition | None = None) -> dict[str, Any]:
    """The form as a Questionnaire resource (JSON-ready dict; ``validated`` checks it with the R4B model), with
    the codes of the form and of ``policy`` (the site's, for its medicines)."""
    return {
        "resourceType": "Questionnaire",
        "id": form.id.replace("_", "-"),
        "meta": {"profile": [SDC_QUESTIONNAIRE]},
        "url": systems.questionnaire_url(form.id),
        "version": form.version,
        "name": "".join(part.capitalize() for part in form.id.split("_")),
        "title": form.title,
        "status": "active",
        "subjectType": ["Patient"],
        "language": form.locale,
        "item": [_section(form, section, systems, policy) for section in form.sections],
    }


def _section(form: FormDefinition, section: Any, systems: Systems, policy: PolicyDefinition | None) -> dict[str, Any]:
    link_id = section_link_id(section.id)
    entry: dict[str, Any] = {"linkId": link_id, "text": section.title, "type": "group",
                             "item": [_item(form.id, item, systems, item.id, policy) for item in section.items]}
    if section.help:
        entry["item"].insert(0, {"linkId": f"{link_id}.help", "text": section.help, "type": "display"})
    return entry


def _item(form_id: str, item: Any, systems: Systems, link_id: str, policy: PolicyDefinition | None) -> dict[str, Any]:
    kind = item.kind
    entry: dict[str, Any] = {"linkId": link_id, "text": item.label, "type": ITEM_TYPES[kind]}
    if getattr(item, "codes", ()):
        entry["code"] = codings(item.codes)
    if kind == "info":
        return entry
    if item.required:
        entry["required"] = True
    if kind in ("choice", "multi_choice"):
        system = option_system(systems, form_id, link_id)
        entry["answerOption"] = [
            {"valueCoding": {"system": system, "code": o.value, "display": o.label},
             **({"extension": ext} if (ext := standard_codings(item, link_id, o.value, policy, systems)) else {})}
            for o in item.options]
        entry["repeats"] = kind == "multi_choice"
    elif kind == "number" and item.decimals == 0:
        entry["type"] = "integer"
    elif kind == "text" and item.multiline:
        entry["type"] = "text"
    if kind == "text":
        entry["maxLength"] = item.max_length
    if kind == "derived":
        entry["readOnly"] = True
    if kind == "measurement" and item.dated:
        entry["item"] = [{"linkId": f"{link_id}.date", "text": f"Date of {item.label}", "type": "date"}]
    if kind == "repeat":
        entry["repeats"] = True
        entry["item"] = [_item(form_id, sub, systems, f"{link_id}.{sub.id}", policy) for sub in item.fields]
    return entry


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` checked by the FHIR R4B model of its type and dumped back as the model writes it."""
    import json

    from fhir.resources.R4B import get_fhir_model_class

    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return json.loads(model.model_dump_json())


def questionnaire_json(form: FormDefinition, systems: Systems, policy: PolicyDefinition | None = None) -> str:
    """The form's Questionnaire as indented JSON, validated with the R4B model."""
    import json

    return json.dumps(validated(questionnaire(form, systems, policy)), indent=2, ensure_ascii=False) + "\n"
