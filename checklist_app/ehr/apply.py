"""Putting what the chart offers into a checklist, without losing anything the nurse typed. No Qt.

``apply_import`` fills every empty answer the chart has a value for (and adds list entries the list does not
have), each with its source (``state.sources``); an answer that already holds something else becomes a
``Difference`` and is left as it is. ``resolve`` then takes the nurse's choice per difference: "take the new
value" replaces it (a list entry's chart fields only: the time of the last dose stays the nurse's), "keep
mine" keeps it. Either choice is kept with the chart resource's version (``state.import_choices``), so the
same offer is not asked again when the checklist is reopened or pulled again; a newer version asks again.

``refuse_other_patient`` runs first: another patient's data fills nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checklist_app.domain.items import RepeatItem
from checklist_app.ehr.import_model import ImportResult, Proposal, refuse_other_patient
from checklist_app.workflows.answer_codec import to_json, to_typed
from checklist_app.workflows.checklist_state import ChecklistState

# The fields of a list entry the chart fills; the others (the last dose) are the nurse's.
CHART_FIELDS = {"medications": ("agent", "name", "dose", "frequency"),
                "allergies": ("substance", "details", "reaction", "severity")}


@dataclass(frozen=True)
class Difference:
    """An answer the chart would change: what the checklist holds and what the chart offers."""

    key: str
    label: str
    mine: Any  # JSON
    theirs: Any  # JSON
    proposal: Proposal


@dataclass
class Applied:
    """What an import did: keys filled, keys already equal, differences to choose on, offers declined before."""

    filled: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    kept_before: list[str] = field(default_factory=list)
    newer_here: list[str] = field(default_factory=list)  # the checklist's result is more recent than the chart's


def apply_import(state: ChecklistState, result: ImportResult, staff_id: str, now: datetime) -> Applied:
    """Fill what is empty, list what differs; ImportRefused (nothing changed) for another patient."""
    refuse_other_patient(result, {k: state.answers.get(k) for k in ("mrn", "date_of_birth")})
    applied = Applied()
    for offered in result.proposals:
        proposal = _normalised(state, offered)
        current = _current_json(state, proposal)
        if current is None:
            _put(state, proposal, staff_id, now)
            applied.filled.append(proposal.key)
        elif _same(current, proposal):
            _remember(state, proposal, staff_id, now)  # the chart agrees: its date and version are the newest
            applied.unchanged.append(proposal.key)
        elif _declined_before(state, proposal):
            applied.kept_before.append(proposal.key)
        elif _older(current, proposal.value):
            applied.newer_here.append(proposal.key)
        else:
            label = state.form.item(proposal.item_id).label
            if "#" in proposal.key:
                label = f"{label}: {proposal.source.get('text') or proposal.key.split('#', 1)[1]}"
            applied.differences.append(Difference(proposal.key, label, current, proposal.value, proposal))
    return applied


def resolve(state: ChecklistState, differences: list[Difference], take_new: dict[str, bool], staff_id: str,
            now: datetime) -> list[str]:
    """Apply the nurse's choice for each difference named in ``take_new`` (True: the chart's value); returns
    the keys whose answer changed. A difference not named is left to be asked again."""
    changed = []
    for difference in differences:
        if difference.key not in take_new:
            continue
        proposal = difference.proposal
        choice = "took_new" if take_new[difference.key] else "kept_mine"
        if take_new[difference.key]:
            _put(state, proposal, staff_id, now)
            changed.append(difference.key)
        state.import_choices[difference.key] = {
            "choice": choice, "resource": proposal.source["resource"], "version": proposal.source.get("version", ""),
            "offered": proposal.value, "by": staff_id, "at": now.isoformat(timespec="seconds")}
    return changed


def source_line(state: ChecklistState, key: str) -> str | None:
    """What to show under an answer filled from the chart: 'From the EHR: INR 1.1, 2026-11-28' while the
    answer is still the chart's, 'Changed here; the EHR had INR 1.1 (2026-11-28)' once the nurse changed it."""
    found = state.sources.get(key)
    if not found:
        return None
    item_id = key.split("#", 1)[0]
    when = f", {found['observed'][:10]}" if found.get("observed") else ""
    current = _current_json(state, Proposal(key, item_id, found.get("value"), found))
    if current is not None and _same(current, Proposal(key, item_id, found.get("value"), found)):
        return f"From the EHR: {found.get('text', '')}{when}"
    dated = f" ({found['observed'][:10]})" if found.get("observed") else ""
    return f"Changed here; the EHR had {found.get('text', '')}{dated}"


# --- helpers -------------------------------------------------------------------------------------------

def _normalised(state: ChecklistState, proposal: Proposal) -> Proposal:
    """The proposal with its value written as the checklist writes it (a time as ...Z, a number as float)."""
    item = state.form.item(proposal.item_id)
    if isinstance(item, RepeatItem):
        value = {k: v for k, v in to_json(item, [proposal.value])[0].items() if k in proposal.value}
    else:
        value = to_json(item, to_typed(item, proposal.value))
    return Proposal(proposal.key, proposal.item_id, value, {**proposal.source, "value": value})


def _older(current: Any, theirs: Any) -> bool:
    """Whether the chart offers an older dated result than the one the checklist holds."""
    if isinstance(current, dict) and isinstance(theirs, dict) and current.get("date") and theirs.get("date"):
        return bool(str(theirs["date"]) < str(current["date"]))
    return False


def _current_json(state: ChecklistState, proposal: Proposal) -> Any:
    item = state.form.item(proposal.item_id)
    value = state.answers.get(proposal.item_id)
    if value is None:
        return None
    if isinstance(item, RepeatItem):
        index = _entry_index(state, proposal)
        if index is None:
            return None
        entry = to_json(item, [value[index]])[0]
        return {k: entry[k] for k in CHART_FIELDS.get(item.id, ()) if k in entry}
    return to_json(item, value)


def _same(current: Any, proposal: Proposal) -> bool:
    if isinstance(current, dict) and "#" in proposal.key:
        return all(current.get(k) == v for k, v in proposal.value.items())
    return bool(current == proposal.value)


def _entry_index(state: ChecklistState, proposal: Proposal) -> int | None:
    entries = state.answers.get(proposal.item_id) or []
    wanted = proposal.value
    for n, entry in enumerate(entries):
        if proposal.item_id == "medications":
            if wanted.get("agent") and entry.get("agent") == wanted["agent"]:
                return n
            if not wanted.get("agent") and entry.get("name") and entry.get("name") == wanted.get("name"):
                return n
        elif proposal.item_id == "allergies" and entry.get("substance") == wanted.get("substance"):
            if wanted["substance"] != "other" or (entry.get("details") or "").lower() == \
                    (wanted.get("details") or "").lower():
                return n
    return None


def _put(state: ChecklistState, proposal: Proposal, staff_id: str, now: datetime) -> None:
    item = state.form.item(proposal.item_id)
    if isinstance(item, RepeatItem):
        entries = list(to_json(item, state.answers.get(item.id) or []) or [])
        index = _entry_index(state, proposal)
        if index is None:
            entries.append(dict(proposal.value))
        else:
            kept = {k: v for k, v in entries[index].items() if k not in CHART_FIELDS.get(item.id, ())}
            entries[index] = {**kept, **proposal.value}
        state.set_answer(item.id, to_typed(item, entries))
    else:
        state.set_answer(item.id, to_typed(item, proposal.value))
    _remember(state, proposal, staff_id, now)


def _remember(state: ChecklistState, proposal: Proposal, staff_id: str, now: datetime) -> None:
    state.sources[proposal.key] = {**proposal.source, "imported_at": now.isoformat(timespec="seconds"),
                                   "imported_by": staff_id}


def _declined_before(state: ChecklistState, proposal: Proposal) -> bool:
    choice = state.import_choices.get(proposal.key)
    return bool(choice and choice.get("choice") == "kept_mine"
                and choice.get("resource") == proposal.source.get("resource")
                and choice.get("version", "") == proposal.source.get("version", "")
                and choice.get("offered") == proposal.value)
