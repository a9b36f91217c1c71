"""A signed version as a FHIR R4 transaction Bundle: QuestionnaireResponse, a DocumentReference per sealed
PDF, and a Provenance for the signer and time. Only ``fhir.resources.R4B`` models are used (R4B is R4's
wire format for these resources; the package's default is R5).

Every resource has an identity derived from the signed version's SHA-256 (``outbox.stable_uuid``), so the
Bundle built on any retry, on any workstation, is the same:

- fullUrl ``urn:uuid:...`` for each entry, which Provenance and DocumentReference point at;
- QuestionnaireResponse.identifier and DocumentReference.masterIdentifier carry that urn:uuid, and each
  is a conditional create (``ifNoneExist: identifier=urn:ietf:rfc:3986|urn:uuid:...``): a server that
  already has it answers 200 with the one it has instead of creating another;
- Provenance has no identifier in R4, so it is written with ``PUT Provenance/<id from the SHA-256>``
  (update as create): a repeat rewrites the same content rather than adding a second one.

The patient and the signer are logical references (MRN and staff id identifiers, with display names): the
app knows no server ids, and the receiving system matches identifiers. The PDFs are the sealed bytes as
stored at signing, base64 in ``attachment.data``; ``attachment.hash`` is their SHA-1 (FHIR R4 says SHA-1
there) and the SHA-256 is an identifier (``ni:///sha-256;...``, RFC 6920) that verify-seal users recognise.
Document type: LOINC 11503-0 "Medical records" for the checklist (LOINC has no code for a pre-procedure
checklist; the site's own code travels beside it) and 8653-8 "Hospital Discharge instructions" for the
discharge sheet.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from checklist_app.domain.form import FormDefinition
from checklist_app.domain.signed import SignedVersion
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.ehr.export_config import Systems
from checklist_app.ehr.questionnaire import (
    ITEM_TYPES,
    UCUM,
    UCUM_CODES,
    option_system,
    section_link_id,
    standard_codings,
)
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.storage.outbox import stable_uuid

URI = "urn:ietf:rfc:3986"
LOINC = "http://loinc.org"
SDC_RESPONSE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
DOCUMENT_TYPES = {  # kind -> (LOINC code, display, the site's own code)
    "checklist": ("11503-0", "Medical records", "pre-procedure-checklist"),
    "discharge": ("8653-8", "Hospital Discharge instructions", "discharge-instructions"),
}
TITLES = {"checklist": "Pre-procedure checklist", "discharge": "Discharge instructions"}


def instant(text_or_moment: Any) -> str:
    """An aware moment as FHIR wants it: seconds always, an offset always."""
    moment = parse_datetime(text_or_moment) if isinstance(text_or_moment, str) else text_or_moment
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def transaction_bundle(version: SignedVersion, pdfs: Mapping[str, bytes], form: FormDefinition, systems: Systems,
                       *, replaced_sha256: str | None = None, policy: PolicyDefinition | None = None) -> dict[str, Any]:
    """The transaction Bundle for ``version`` with the given sealed PDFs (kind -> bytes), as JSON-ready data
    validated by the R4B models. ``replaced_sha256``: the SHA-256 of the version an amendment replaces."""
    sha = version.sha256
    answers = version.content.record.get("answers") or {}
    patient = _patient(answers, systems)
    signer = {"identifier": {"system": systems.staff, "value": version.signer.staff_id},
              "display": _signer_name(version)}
    response_url = stable_uuid(sha, "questionnaire-response")
    response = questionnaire_response(version, form, systems, patient, signer, policy)
    entries = [_entry(response_url, response, "QuestionnaireResponse")]
    document_urls = []
    for kind in (k for k in DOCUMENT_TYPES if k in pdfs):
        url = stable_uuid(sha, f"document/{kind}")
        replaced = stable_uuid(replaced_sha256, f"document/{kind}") if replaced_sha256 else None
        document = document_reference(version, kind, pdfs[kind], url, systems, patient, signer, response_url,
                                      replaced)
        entries.append(_entry(url, document, "DocumentReference"))
        document_urls.append(url)
    provenance_url = stable_uuid(sha, "provenance")
    entries.append({"fullUrl": provenance_url, "resource": provenance(version, provenance_url, signer,
                                                                        [response_url, *document_urls]),
                    "request": {"method": "PUT", "url": f"Provenance/{_resource_id(provenance_url)}"}})
    bundle = {"resourceType": "Bundle", "identifier": {"system": URI, "value": stable_uuid(sha, "bundle")},
              "type": "transaction", "timestamp": instant(version.signed_at), "entry": entries}
    return _validated_bundle(bundle)


def bundle_bytes(bundle: Mapping[str, Any]) -> bytes:
    """The bytes sent: compact JSON (the same for the same Bundle)."""
    return json.dumps(bundle, separators=(",", ":"), ensure_ascii=False).encode()


def _entry(full_url: str, resource: dict[str, Any], resource_type: str) -> dict[str, Any]:
    identifier = resource.get("identifier") if resource_type == "QuestionnaireResponse" else resource[
        "masterIdentifier"]
    return {"fullUrl": full_url, "resource": resource,
            "request": {"method": "POST", "url": resource_type,
                        "ifNoneExist": f"identifier={identifier['system']}|{identifier['value']}"}}


def _resource_id(urn: str) -> str:
    return urn.removeprefix("urn:uuid:")


def _patient(answers: Mapping[str, Any], systems: Systems) -> dict[str, Any]:
    reference: dict[str, Any] = {"type": "Patient"}
    if answers.get("mrn"):
        reference["identifier"] = {"system": systems.mrn, "value": str(answers["mrn"])}
    if answers.get("patient_name"):
        reference["display"] = str(answers["patient_name"])
    return reference


def _signer_name(version: SignedVersion) -> str:
    signer = version.signer
    name = signer.name or signer.staff_id
    return f"{name}, {signer.credentials}" if signer.credentials else name


def questionnaire_response(version: SignedVersion, form: FormDefinition, systems: Systems,
                           patient: Mapping[str, Any], signer: Mapping[str, Any],
                           policy: PolicyDefinition | None = None) -> dict[str, Any]:
    """The signed answers, item by item in form order (hidden items and unanswered ones left out); a chosen
    option carries the same standard codes as in the Questionnaire (``policy``: the version's)."""
    answers = version.content.record.get("answers") or {}
    evaluation = version.content.evaluation
    visible = evaluation.visible_items if evaluation is not None else frozenset(answers)
    derived = evaluation.derived if evaluation is not None else {}
    sections = []
    for section in form.sections:
        items = []
        for item in section.items:
            if item.id not in visible or item.kind == "info":
                continue
            value = derived.get(item.id) if item.kind == "derived" else answers.get(item.id)
            entry = _answered(form.id, item, value, systems, item.id, policy)
            if entry is not None:
                items.append(entry)
        if items:
            sections.append({"linkId": section_link_id(section.id), "text": section.title, "item": items})
    return {
        "resourceType": "QuestionnaireResponse",
        "meta": {"profile": [SDC_RESPONSE]},
        "identifier": {"system": URI, "value": stable_uuid(version.sha256, "questionnaire-response")},
        "questionnaire": f"{systems.questionnaire_url(form.id)}|{version.form_version}",
        "status": "amended" if version.is_amendment else "completed",
        "subject": dict(patient),
        "authored": instant(version.signed_at),
        "author": {**signer, "type": "Practitioner"},
        "item": sections,
    }


def _answered(form_id: str, item: Any, value: Any, systems: Systems, link_id: str,
              policy: PolicyDefinition | None = None) -> dict[str, Any] | None:
    """One item with its answer(s), or None when it has none to give."""
    if value is None or value == "" or value == []:
        return None
    entry: dict[str, Any] = {"linkId": link_id, "text": item.label}
    if item.kind == "repeat":
        # A repeating group is one item per entry in R4 (answers belong to questions, not groups).
        return {"_entries": [
            {"linkId": link_id, "text": item.label, "item": [
                sub for field in item.fields
                if (sub := _answered(form_id, field, row.get(field.id), systems, f"{link_id}.{field.id}", policy))]}
            for row in value if isinstance(row, dict)]}
    answers = _values(form_id, item, value, systems, link_id, policy)
    if not answers:
        return None
    entry["answer"] = answers
    return entry


def _values(form_id: str, item: Any, value: Any, systems: Systems, link_id: str,
            policy: PolicyDefinition | None) -> list[dict[str, Any]]:
    kind = ITEM_TYPES[item.kind]
    if item.kind in ("choice", "multi_choice"):
        system = option_system(systems, form_id, link_id)
        chosen = value if isinstance(value, list) else [value]
        return [{"valueCoding": {"system": system, "code": str(v), "display": item.option_label(str(v))},
                 **({"extension": ext} if (ext := standard_codings(item, link_id, str(v), policy, systems)) else {})}
                for v in chosen]
    if kind == "boolean":
        return [{"valueBoolean": bool(value)}]
    if item.kind == "measurement" and isinstance(value, dict) and value.get("value") is not None:
        unit = str(value.get("unit") or item.canonical_unit)
        quantity: dict[str, Any] = {"value": value["value"], "unit": unit}
        if unit in UCUM_CODES:
            quantity.update(system=UCUM, code=UCUM_CODES[unit])
        answer: dict[str, Any] = {"valueQuantity": quantity}
        if value.get("date"):
            answer["item"] = [{"linkId": f"{link_id}.date", "answer": [{"valueDate": str(value["date"])}]}]
        return [answer]
    if item.kind in ("number", "derived") and isinstance(value, int | float) and not isinstance(value, bool):
        if item.kind == "number" and item.decimals == 0 and float(value).is_integer():
            return [{"valueInteger": int(value)}]
        return [{"valueDecimal": value}]
    if item.kind == "date":
        return [{"valueDate": str(value)}]
    if item.kind == "datetime":
        if value == "none":  # "none" (e.g. no milk since yesterday) is an answer, not a missing one
            # The item is a dateTime in the Questionnaire: no time to give, said by the standard extension.
            return [{"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "not-applicable"}]}]
        return [{"valueDateTime": instant(str(value))}]
    if item.kind == "text":
        return [{"valueString": str(value)}]
    return []


def _flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expand the repeat placeholders into one item per entry."""
    flat: list[dict[str, Any]] = []
    for entry in items:
        if "_entries" in entry:
            flat += [{**e, "item": _flatten(e["item"])} for e in entry["_entries"] if e["item"]]
        else:
            if "item" in entry:
                entry = {**entry, "item": _flatten(entry["item"])}
            flat.append(entry)
    return flat


def document_reference(version: SignedVersion, kind: str, pdf: bytes, url: str, systems: Systems,
                       patient: Mapping[str, Any], signer: Mapping[str, Any], response_url: str,
                       replaced_url: str | None) -> dict[str, Any]:
    """One sealed PDF as a DocumentReference."""
    loinc, display, site_code = DOCUMENT_TYPES[kind]
    sha256 = hashlib.sha256(pdf).digest()
    document: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "masterIdentifier": {"system": URI, "value": url},
        "identifier": [{"system": URI, "value": "ni:///sha-256;" + base64.urlsafe_b64encode(sha256).decode()
                        .rstrip("=")}],
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [{"system": LOINC, "code": loinc, "display": display},
                            {"system": f"{systems.base}/CodeSystem/document-kind", "code": site_code,
                             "display": TITLES[kind]}],
                 "text": TITLES[kind]},
        "subject": dict(patient),
        "date": instant(version.signed_at),
        "author": [{**signer, "type": "Practitioner"}],
        "authenticator": {**signer, "type": "Practitioner"},
        "description": f"{TITLES[kind]}, version {version.version_no}, signed and sealed",
        "content": [{"attachment": {
            "contentType": "application/pdf", "language": "en",
            "data": base64.b64encode(pdf).decode("ascii"),
            "size": len(pdf), "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324
            "title": f"{version.record_id}-{kind}.pdf", "creation": instant(version.signed_at)}}],
        "context": {"related": [{"reference": response_url, "type": "QuestionnaireResponse"}]},
    }
    if replaced_url is not None:
        document["relatesTo"] = [{"code": "replaces", "target": {
            "type": "DocumentReference", "identifier": {"system": URI, "value": replaced_url}}}]
    return document


def provenance(version: SignedVersion, url: str, signer: Mapping[str, Any], targets: list[str]) -> dict[str, Any]:
    """Who signed what, when: the signer as author, the signing as an author's signature, and the signed
    version's SHA-256 as the source entity."""
    when = instant(version.signed_at)
    digest = base64.urlsafe_b64encode(bytes.fromhex(version.sha256)).decode().rstrip("=")
    who = {**signer, "type": "Practitioner"}
    return {
        "resourceType": "Provenance",
        "id": _resource_id(url),
        "target": [{"reference": target} for target in targets],
        "occurredDateTime": when,
        "recorded": when,
        "reason": [{"text": version.meaning}],
        "agent": [{"type": {"coding": [{"system": PARTICIPANT_TYPE, "code": "author", "display": "Author"}]},
                   "who": who}],
        "entity": [{"role": "source", "what": {"identifier": {"system": URI, "value": f"ni:///sha-256;{digest}"},
                                               "display": f"Signed version {version.version_no} of the checklist"}}],
        "signature": [{"type": [{"system": SIGNATURE_TYPE, "code": "1.2.840.10065.1.12.1.1",
                                 "display": "Author's Signature"}],
                       "when": when, "who": who}],
    }


def _validated_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    from fhir.resources.R4B.bundle import Bundle

    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "QuestionnaireResponse":
            entry["resource"]["item"] = _flatten(entry["resource"]["item"])
    return json.loads(Bundle.model_validate(bundle).model_dump_json())
