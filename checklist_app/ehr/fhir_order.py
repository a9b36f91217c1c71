"""Reading the procedure's order (an active ServiceRequest, or a Procedure still in preparation) into the
planned procedure, its vertebral levels and the scheduled start. No Qt.

The procedure is matched first by code, to the codes the form's procedure options carry, then by the order's
words: an order names "Kyphoplasty" or "Vertebroplasty" far more often than it carries a code, and both
option values are words no other procedure shares. An order naming both, or neither, fills nothing and says
why. The levels come from ``bodySite`` (its words and displays) and the order's own words ("Kyphoplasty,
T12-L1"): each level written like the form's options (T12, L1), a range filled level by level; a level the
form does not offer is reported, not guessed. The nurse confirms every one of them like a typed answer.
"""

from __future__ import annotations

import re
from typing import Any

from checklist_app.domain import limits
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import ChoiceItem, MultiChoiceItem
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.ehr.fhir_clinical import codes_text, source
from checklist_app.ehr.import_model import ImportResult, Proposal

ORDER_STATUSES = {"ServiceRequest": ("active",), "Procedure": ("preparation",)}
# One level (L1), or a range (T11-L1, T11 to T12, T11–T12); the region letter may be left off the end.
LEVEL = re.compile(r"\b([CTLS])\s?(\d{1,2})(?:\s*(?:-|\u2013|to)\s*([CTLS])?\s?(\d{1,2}))?\b", re.IGNORECASE)


def planned_procedure(resource: dict[str, Any], ref: str, form: FormDefinition, result: ImportResult) -> None:
    """Propose the procedure, its levels and the scheduled start from one order."""
    kind = resource["resourceType"]
    if resource.get("status") not in ORDER_STATUSES[kind]:
        result.problem(ref, "status", f"is '{resource.get('status')}': not a planned procedure; not used")
        return
    if any(p.key == "procedure_type" or p.key == "scheduled_start" for p in result.proposals):
        result.problem(ref, "", "another planned procedure was read first; the plan comes from that one")
        return
    ordered = str(resource.get("authoredOn") or (resource.get("meta") or {}).get("lastUpdated") or "")[:40]
    _procedure(resource, ref, form, result, ordered)
    _levels(resource, ref, form, result, ordered)
    _start(resource, ref, form, result, ordered)


def _words(concept: dict[str, Any]) -> str:
    return " ".join([concept.get("text") or ""] + [c.get("display") or "" for c in concept.get("coding") or []])


def _procedure(resource: dict[str, Any], ref: str, form: FormDefinition, result: ImportResult,
               ordered: str) -> None:
    item = form.item("procedure_type") if form.has_item("procedure_type") else None
    if not isinstance(item, ChoiceItem):
        return
    concept = resource.get("code") or {}
    codings = concept.get("coding") or []
    keys = {(c.get("system"), c.get("code")) for c in codings}
    found = [o.value for o in item.options if any(coding.key() in keys for coding in o.codes)]
    words = _words(concept)
    if not found:
        found = [o.value for o in item.options if re.search(rf"\b{re.escape(o.value)}\b", words, re.IGNORECASE)]
    if len(found) != 1:
        named = " and ".join(found) if found else "neither " + " nor ".join(o.value for o in item.options)
        result.problem(ref, "code", f"{codes_text(codings)} ({limits.printable(words.strip()) or 'no words'}) "
                                    f"names {named}; the procedure is not filled")
        return
    label = item.option_label(found[0])
    result.proposals.append(Proposal("procedure_type", "procedure_type", found[0], source(
        result, resource, ref, ordered, f"{label} ordered", found[0])))


def _levels(resource: dict[str, Any], ref: str, form: FormDefinition, result: ImportResult, ordered: str) -> None:
    item = form.item("levels") if form.has_item("levels") else None
    if not isinstance(item, MultiChoiceItem):
        return
    offered = [o.value for o in item.options]
    sites = resource.get("bodySite") or []
    where = "bodySite" if sites else "code"
    text = " ".join(_words(site) for site in sites) if sites else _words(resource.get("code") or {})
    chosen: list[str] = []
    unknown: list[str] = []
    for match in LEVEL.finditer(text):
        first = f"{match[1].upper()}{int(match[2])}"
        last = f"{(match[3] or match[1]).upper()}{int(match[4])}" if match[4] else first
        if first not in offered or last not in offered or offered.index(last) < offered.index(first):
            unknown.append(match[0])
            continue
        chosen += [v for v in offered[offered.index(first):offered.index(last) + 1] if v not in chosen]
    if unknown:
        result.problem(ref, where, f"names {', '.join(limits.printable(u) for u in unknown)}, not a level this "
                                   "checklist offers (C1 to S1); not filled")
    if not chosen:
        if not unknown:
            result.problem(ref, where, "names no vertebral level (like T12 or L1); the levels are not filled")
        return
    ordered_levels = [v for v in offered if v in chosen]
    result.proposals.append(Proposal("levels", "levels", ordered_levels, source(
        result, resource, ref, ordered, f"levels {', '.join(ordered_levels)} ordered", ordered_levels)))


def _start(resource: dict[str, Any], ref: str, form: FormDefinition, result: ImportResult, ordered: str) -> None:
    start = resource.get("occurrenceDateTime") or (resource.get("performedPeriod") or {}).get("start") \
        or resource.get("performedDateTime")
    if not isinstance(start, str) or "T" not in start or not form.has_item("scheduled_start"):
        result.problem(ref, "occurrence[x]", "has no date and time for the procedure; the scheduled start is not "
                                             "filled")
        return
    value = parse_datetime(start).isoformat(timespec="minutes")
    # Dated by the order, like the procedure and its levels: the start itself is the answer beside it.
    result.proposals.append(Proposal("scheduled_start", "scheduled_start", value, source(
        result, resource, ref, ordered, f"scheduled {value.replace('T', ' ')[:16]}", value)))
