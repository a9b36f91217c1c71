"""Reading a FHIR R4 Bundle (a file, or the answers of a server's searches) into proposed answers.

Each entry is validated on its own with fhir.resources' R4B models, so one malformed resource is reported
(by type/id and field) and skipped while the others are used. What is read:

- *Patient*: the MRN (the identifier of ``CHECKLIST_APP_FHIR_MRN_SYSTEM``, or one typed ``MR``), name, date of
  birth, sex. It must be the only patient; every other resource must be about it.
- *Observation* (final, amended or corrected): matched to a lab item by LOINC code (the form's ``codes``);
  the value must be in a unit the form takes for that item (by UCUM code), inside its range, and dated
  (``effective[x]``): the sample's date fills the item's date, so the policy's window applies to the
  result's own date. Several results for one item: the newest is used; two different values at the same
  newest time are a conflict and neither is used.
- *MedicationStatement* / *MedicationRequest* (active): matched to a medicine by RxNorm ingredient code (of
  the medication, or of a referenced Medication's ingredients); dose and how often when the dosage says so.
  The time of the last dose is the patient's to say and is never filled.
- *AllergyIntolerance* (not inactive, resolved or refuted): the substance class by code, else "Other" with
  the chart's words; reaction and severity.
- *ServiceRequest* (active) or *Procedure* (in preparation), one: the procedure, its levels and the scheduled
  start (``fhir_order``).

Nothing here touches a checklist: ``apply`` does, after ``import_model.refuse_other_patient``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from checklist_app.domain import limits
from checklist_app.domain.codes import UCUM
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import MeasurementItem, NumberItem
from checklist_app.domain.timeutil import local_date, parse_datetime
from checklist_app.ehr.codes import PATIENT_ONLY, CodeIndex, form_unit
from checklist_app.ehr.fhir_clinical import TAKEN_STATUSES, allergy, codes_text, medication, source
from checklist_app.ehr.fhir_order import ORDER_STATUSES, planned_procedure
from checklist_app.ehr.import_model import ImportRefused, ImportResult, PatientFacts, Proposal

USED_TYPES = ("Patient", "Observation", "MedicationStatement", "MedicationRequest", "AllergyIntolerance",
              "ServiceRequest", "Procedure", "Medication")
RESULT_STATUSES = ("final", "amended", "corrected")
MR_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"


def read_bundle_file(path: Path) -> Any:
    """The JSON in a Bundle file; ImportRefused naming the file and line when it is not readable JSON."""
    try:
        return limits.parse_json(limits.read_text(path))
    except FileNotFoundError:
        raise ImportRefused(f"{path}: file not found. Nothing was filled.") from None
    except limits.InputError as exc:
        where = f" line {exc.line}" if exc.line is not None else ""
        raise ImportRefused(f"{path}{where}: {exc.problem}; not a FHIR Bundle. Nothing was filled.") from None
    except (OSError, ValueError) as exc:
        raise ImportRefused(f"{path}: cannot be read ({exc}). Nothing was filled.") from None


def read_bundle(data: Any, form: FormDefinition, index: CodeIndex, *, origin: str, mrn_system: str,
                today: date) -> ImportResult:
    """Everything usable in a Bundle's JSON; ImportRefused when it is not a Bundle at all."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise ImportRefused(f"{origin}: this is not a FHIR Bundle (resourceType {limits.shown(kind)}). "
                            "Nothing was filled.")
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise ImportRefused(f"{origin}: Bundle.entry must be a list. Nothing was filled.")
    result = ImportResult(origin=origin)
    resources = []
    for n, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            result.problem(f"entry[{n}]", "resource", "no resource in this entry")
            continue
        checked = validated(resource, f"entry[{n}]", result)
        if checked is not None:
            resources.append(checked)
    return read_resources(resources, form, index, result, mrn_system=mrn_system, today=today)


def validated(resource: dict[str, Any], where: str, result: ImportResult) -> dict[str, Any] | None:
    """The resource when the R4B model takes it and this checklist reads its type; else None, with why noted."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    kind = resource.get("resourceType")
    ref = f"{kind}/{resource.get('id')}" if isinstance(kind, str) and resource.get("id") else where
    if kind not in USED_TYPES:
        result.problem(ref, "", f"a {limits.shown(kind)} is not read by this checklist")
        return None
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        field_name = ".".join(str(p) for p in first["loc"] if p != "__root__") or "(resource)"
        result.problem(ref, field_name, f"not valid FHIR R4 ({limits.clip(first['msg'], 160)}); not used")
        return None
    except (ValueError, TypeError) as exc:
        result.problem(ref, "", f"not valid FHIR R4 ({limits.clip(str(exc), 160)}); not used")
        return None
    return resource


def read_resources(resources: list[dict[str, Any]], form: FormDefinition, index: CodeIndex,
                   result: ImportResult, *, mrn_system: str, today: date) -> ImportResult:
    """Read validated resources (a Bundle's, or a server's search results) into ``result``."""
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    result.resources = [f"{r['resourceType']}/{r.get('id', '?')}" for r in resources]
    distinct = {_patient(p, mrn_system, result).mrn or p.get("id") for p in patients}
    if len(distinct) > 1:
        raise ImportRefused(f"{result.origin} holds {len(distinct)} different patients; an import is for one "
                            "patient. Nothing was filled.")
    if not patients:
        return result
    patient = result.patient = _patient(patients[0], mrn_system, result)
    demographics(patient, form, result)
    own = {f"Patient/{p.get('id')}" for p in patients}
    medication_index = {f"Medication/{r.get('id')}": r for r in resources if r["resourceType"] == "Medication"}
    labs: dict[str, list[tuple[datetime, Any, dict[str, Any]]]] = {}
    for resource in resources:
        kind, ref = resource["resourceType"], f"{resource['resourceType']}/{resource.get('id', '?')}"
        if kind in ("Patient", "Medication"):
            continue
        subject = (resource.get("subject") or resource.get("patient") or {}).get("reference")
        if subject not in own:
            result.problem(ref, "subject", f"is about {limits.shown(subject)}, not this patient ({patient.resource}); "
                                           "not used")
            continue
        if kind == "Observation":
            _observation(resource, ref, form, index, result, labs, today)
        elif kind in TAKEN_STATUSES:
            medication(resource, ref, form, index, result, medication_index)
        elif kind == "AllergyIntolerance":
            allergy(resource, ref, form, index, result)
        elif kind in ORDER_STATUSES:
            planned_procedure(resource, ref, form, result)
    _newest_results(labs, result)
    result.proposals = [p for p in result.proposals if p.item_id not in PATIENT_ONLY]
    return result


# --- Patient -------------------------------------------------------------------------------------------

def _patient(resource: dict[str, Any], mrn_system: str, result: ImportResult) -> PatientFacts:
    ref = f"Patient/{resource.get('id', '?')}"
    idents = resource.get("identifier") or []
    mrn = next((i.get("value") for i in idents if i.get("system") == mrn_system), None)
    if mrn is None:
        mrn = next((i.get("value") for i in idents
                    if any(c.get("code") == "MR" and c.get("system") == MR_TYPE
                           for c in (i.get("type") or {}).get("coding") or [])), None)
    names = resource.get("name") or []
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    born = resource.get("birthDate")
    try:
        birth = date.fromisoformat(born) if isinstance(born, str) and len(born) == 10 else None
    except ValueError:
        birth = None
    gender = resource.get("gender")
    return PatientFacts(resource=ref, mrn=mrn, family=name.get("family") or "",
                        given=" ".join(name.get("given") or []), birth_date=birth,
                        sex=gender if gender in ("female", "male") else None)


def demographics(patient: PatientFacts, form: FormDefinition, result: ImportResult) -> None:
    """Propose the name, date of birth, sex and MRN (FHIR Patient and HL7 PID alike)."""
    resource = {"meta": {}}
    ref = patient.resource
    facts = []
    if patient.family or patient.given:
        facts.append(("patient_name", ", ".join(p for p in (patient.family, patient.given) if p), "name"))
    if patient.birth_date:
        facts.append(("date_of_birth", patient.birth_date.isoformat(), "date of birth"))
    if patient.sex:
        facts.append(("sex", patient.sex, "sex"))
    if patient.mrn:
        facts.append(("mrn", patient.mrn, "MRN"))
    for item_id, value, what in facts:
        if form.has_item(item_id):
            result.proposals.append(Proposal(item_id, item_id, value, source(
                result, resource, ref, "", f"{what} {value}", value)))
    if patient.sex is None and form.has_item("sex"):
        result.problem(ref, "gender", "is not female or male, which the kidney formulas need; ask the patient")


# --- Observation ---------------------------------------------------------------------------------------

def _observation(resource: dict[str, Any], ref: str, form: FormDefinition, index: CodeIndex,
                 result: ImportResult, labs: dict[str, list[tuple[datetime, Any, dict[str, Any]]]],
                 today: date) -> None:
    codings = (resource.get("code") or {}).get("coding") or []
    targets = {index.items[k] for k in ((c.get("system"), c.get("code")) for c in codings) if k in index.items}
    if not targets:
        result.problem(ref, "code", f"{codes_text(codings)} is not a result this checklist takes")
        return
    if len(targets) > 1:
        result.problem(ref, "code", f"matches several questions ({', '.join(sorted(targets))}); not used")
        return
    item = form.item(targets.pop())
    if resource.get("status") not in RESULT_STATUSES:
        result.problem(ref, "status", f"is '{resource.get('status')}': only final results are used")
        return
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict) or not isinstance(quantity.get("value"), int | float):
        result.problem(ref, "value[x]", "holds no number with a unit (valueQuantity); not used")
        return
    when = _effective(resource)
    if when is None:
        result.problem(ref, "effective[x]", f"has no date: a {item.label} result without the date the sample was "
                                            "taken cannot be checked against the policy's window; not used")
        return
    number = float(quantity["value"])
    if isinstance(item, MeasurementItem):
        unit = form_unit(item, quantity.get("system"), quantity.get("code"), quantity.get("unit"))
        if unit is None:
            given = quantity.get("code") or quantity.get("unit") or "no unit"
            takes = ", ".join(u.ucum or u.unit for u in item.units)
            result.problem(ref, "valueQuantity.code", f"{limits.shown(given)} is not a unit the form takes for "
                                                      f"{item.label} (it takes {takes}); not used")
            return
        low, high, unit_name = unit.min, unit.max, unit.unit
        value: Any = {"value": number, "unit": unit.unit}
        if item.dated:
            value["date"] = local_date(when).isoformat()
        shown_unit = "" if unit.unit == "ratio" else f" {unit.unit}"
    elif isinstance(item, NumberItem):
        given = quantity.get("code") if quantity.get("system") == UCUM else quantity.get("unit")
        if given != item.unit:
            result.problem(ref, "valueQuantity.code", f"{limits.shown(given)} is not {item.unit}, the unit the form "
                                                      f"takes for {item.label}; not used")
            return
        low, high, unit_name, value, shown_unit = item.min, item.max, item.unit, number, f" {item.unit}"
    else:
        return
    if not low <= number <= high:
        result.problem(ref, "valueQuantity.value", f"{number:g} {unit_name} is outside what the form takes for "
                                                   f"{item.label} ({low:g} to {high:g} {unit_name}); not used")
        return
    if local_date(when) > today:
        result.problem(ref, "effective[x]", f"is dated {local_date(when)}, in the future; not used")
        return
    observed = local_date(when).isoformat()
    text = f"{item.label} {number:g}{shown_unit}"
    labs.setdefault(item.id, []).append((when, value, source(result, resource, ref, observed, text, value)))


def _effective(resource: dict[str, Any]) -> datetime | None:
    text = resource.get("effectiveDateTime") or resource.get("effectiveInstant") or \
        (resource.get("effectivePeriod") or {}).get("start")
    if not isinstance(text, str) or len(text) < 10:
        return None  # a year or a month is not a sample date
    try:
        return parse_datetime(text if "T" in text else text + "T00:00")
    except ValueError:
        return None


def _newest_results(labs: dict[str, list[tuple[datetime, Any, dict[str, Any]]]], result: ImportResult) -> None:
    for item_id, found in labs.items():
        found.sort(key=lambda f: f[0], reverse=True)
        newest = [f for f in found if f[0] == found[0][0]]
        if len({repr(f[1]) for f in newest}) > 1:
            listed = ", ".join(f"{f[2]['resource']} ({f[2]['text']})" for f in newest)
            for f in newest:
                result.problem(f[2]["resource"], "valueQuantity", f"conflicts with another result taken at the same "
                                                                  f"time ({listed}); neither is used: ask the lab")
            continue
        chosen = found[0]
        result.proposals.append(Proposal(item_id, item_id, chosen[1], chosen[2]))
        for other in found[1:]:
            why = "the same result as" if repr(other[1]) == repr(chosen[1]) and other[0] == chosen[0] else \
                "older than"
            result.problem(other[2]["resource"], "", f"{why} {chosen[2]['resource']} ({chosen[2]['observed']}), "
                                                     "which is used")
