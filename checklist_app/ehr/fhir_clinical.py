"""Reading the chart's medicines and allergies (MedicationStatement, MedicationRequest, AllergyIntolerance)
into proposed answers; ``fhir_order`` reads the procedure's order, ``fhir_import`` the Bundle and the rest.

A medicine is matched by RxNorm ingredient code (of the medication, or of a referenced Medication's
ingredients) to the form's medicine choices; one code standing for two choices adds the entry without the
choice and says so. An allergy is matched by code to a substance class, else added as "Other" with the
chart's words. The time of the last dose is never filled.
"""

from __future__ import annotations

from typing import Any

from checklist_app.domain import limits
from checklist_app.domain.codes import SYSTEM_NAMES
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import RepeatItem
from checklist_app.ehr.codes import CodeIndex
from checklist_app.ehr.import_model import ImportResult, Proposal

TAKEN_STATUSES = {"MedicationStatement": ("active", "intended"), "MedicationRequest": ("active", "on-hold")}
FREQUENCIES = {(1, 1, "d"): "daily", (2, 1, "d"): "bid", (1, 12, "h"): "bid", (3, 1, "d"): "tid",
               (1, 8, "h"): "tid", (1, 1, "wk"): "weekly", (1, 7, "d"): "weekly"}


def source(result: ImportResult, resource: dict[str, Any], ref: str, observed: str, text: str,
           value: Any) -> dict[str, Any]:
    """The provenance of one proposed answer (domain.sources.AnswerSource without who and when)."""
    meta = resource.get("meta") or {}
    return {"origin": result.origin, "resource": ref, "version": str(meta.get("versionId") or meta.get("lastUpdated")
                                                                      or "")[:80],
            "observed": observed, "text": limits.clip(text, 200), "value": value}


def medication(resource: dict[str, Any], ref: str, form: FormDefinition, index: CodeIndex, result: ImportResult,
                medications: dict[str, dict[str, Any]]) -> None:
    """Propose a medicines entry for a MedicationStatement or MedicationRequest taken now."""
    kind = resource["resourceType"]
    if resource.get("status") not in TAKEN_STATUSES[kind]:
        result.problem(ref, "status", f"is '{resource.get('status')}': not a medicine taken now; not added")
        return
    concept = resource.get("medicationCodeableConcept")
    if concept is None:
        target = (resource.get("medicationReference") or {}).get("reference")
        medication = medications.get(target or "")
        if medication is None:
            result.problem(ref, "medicationReference", f"points at {limits.shown(target)}, not in what was read; "
                                                       "not added")
            return
        concept = medication.get("code") or {}
        codings = list(concept.get("coding") or [])
        for ingredient in medication.get("ingredient") or []:
            codings += (ingredient.get("itemCodeableConcept") or {}).get("coding") or []
    else:
        codings = list(concept.get("coding") or [])
    choices: list[str] = []
    for coding in codings:
        for choice in index.medicines.get((coding.get("system"), coding.get("code")), ()):
            if choice not in choices:
                choices.append(choice)
    words = concept.get("text") or next((c.get("display") for c in codings if c.get("display")), "") or ""
    if not choices:
        result.problem(ref, "medication", f"{codes_text(codings)} ({limits.printable(words)}) is not a medicine this "
                                          "checklist records by code; not added: check it with the patient")
        return
    agent_item = form.item("medications")
    assert isinstance(agent_item, RepeatItem)
    dosage = (resource.get("dosage") or resource.get("dosageInstruction") or [{}])[0]
    entry: dict[str, Any] = {}
    if len(choices) == 1:
        entry["agent"] = choices[0]
        key = f"medications#{choices[0]}"
    else:
        entry["name"] = limits.clip(words or choices[0], 120)
        key = f"medications#?{'/'.join(choices)}"
        labels = " or ".join(agent_item.field("agent").option_label(c) for c in choices)  # type: ignore[union-attr]
        result.problem(ref, "medication", f"could be {labels}: added without the medicine chosen; choose it")
    dose = _dose(dosage)
    if dose:
        entry["dose"] = dose
    frequency = _frequency(dosage)
    if frequency:
        entry["frequency"] = frequency
    when = resource.get("dateAsserted") or resource.get("authoredOn") or resource.get("effectiveDateTime") or \
        (resource.get("effectivePeriod") or {}).get("start") or ""
    text = ", ".join(x for x in (words, dose) if x)
    if any(p.key == key for p in result.proposals):
        result.problem(ref, "", f"the same medicine as another entry ({text}); used once")
        return
    result.proposals.append(Proposal(key, "medications", entry, source(result, resource, ref, str(when)[:40],
                                                                        text, entry)))


def _dose(dosage: dict[str, Any]) -> str:
    for rate in dosage.get("doseAndRate") or []:
        quantity = rate.get("doseQuantity") or {}
        if isinstance(quantity.get("value"), int | float):
            unit = quantity.get("unit") or quantity.get("code") or ""
            return limits.clip(f"{quantity['value']:g} {unit}".strip(), 60)
    return limits.clip(dosage.get("text") or "", 60)


def _frequency(dosage: dict[str, Any]) -> str | None:
    if dosage.get("asNeededBoolean"):
        return "as_needed"
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    key = (repeat.get("frequency"), repeat.get("period"), repeat.get("periodUnit"))
    return FREQUENCIES.get(key)  # type: ignore[arg-type]


def allergy(resource: dict[str, Any], ref: str, form: FormDefinition, index: CodeIndex, result: ImportResult) -> None:
    """Propose an allergies entry for a current AllergyIntolerance."""
    status = _code_of(resource.get("clinicalStatus"))
    verified = _code_of(resource.get("verificationStatus"))
    if status in ("inactive", "resolved") or verified in ("refuted", "entered-in-error"):
        result.problem(ref, "clinicalStatus", f"is {status or verified}: not a current allergy; not added")
        return
    concept = resource.get("code") or {}
    codings = concept.get("coding") or []
    words = concept.get("text") or next((c.get("display") for c in codings if c.get("display")), "") or ""
    substance = next((index.substances[k] for k in ((c.get("system"), c.get("code")) for c in codings)
                      if k in index.substances), None)
    if substance is None and not words:
        result.problem(ref, "code", "names no substance; not added")
        return
    entry: dict[str, Any] = {"substance": substance or "other"}
    if substance is None:
        entry["details"] = limits.clip(words, 200)
        result.problem(ref, "code", f"{codes_text(codings)} ({limits.printable(words)}) is none of the form's "
                                    "substance classes: added as Other; choose the class if one fits")
    elif words:
        entry["details"] = limits.clip(words, 200)
    reaction = (resource.get("reaction") or [{}])[0]
    manifestation = (reaction.get("manifestation") or [{}])[0]
    said = manifestation.get("text") or next((c.get("display") for c in manifestation.get("coding") or []), "")
    if said:
        entry["reaction"] = limits.clip(said, 200)
    if reaction.get("severity") in ("mild", "moderate", "severe"):
        entry["severity"] = reaction["severity"]
    key = f"allergies#{entry['substance']}" + (f":{entry.get('details', '').lower()[:60]}" if substance is None else "")
    text = ", ".join(x for x in (words or entry["substance"], entry.get("reaction", "")) if x)
    when = resource.get("recordedDate") or resource.get("onsetDateTime") or ""
    if any(p.key == key for p in result.proposals):
        result.problem(ref, "", f"the same allergy as another entry ({text}); used once")
        return
    provenance = source(result, resource, ref, str(when)[:40], text, entry)
    result.proposals.append(Proposal(key, "allergies", entry, provenance))


def _code_of(concept: Any) -> str | None:
    codings = (concept or {}).get("coding") or []
    return codings[0].get("code") if codings else None


def codes_text(codings: list[dict[str, Any]]) -> str:
    """'RxNorm 83367, LOINC 6301-6': the first codes of a concept, for a message."""
    if not codings:
        return "no code"
    shown = [f"{SYSTEM_NAMES.get(c.get('system'), limits.printable(str(c.get('system')), 40))} "
             f"{limits.printable(str(c.get('code')), 30)}" for c in codings[:3]]
    return ", ".join(shown)

