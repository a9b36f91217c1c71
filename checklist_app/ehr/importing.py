"""Importing into a saved draft, for a command (``fhir import``, ``hl7 receive``) or a service. No Qt.

The checklist window applies an import to the checklist it holds (``apply.apply_import`` on its state) and
saves it through its autosave; without a window, this module loads the draft, applies, saves it based on
the revision read (so nothing saved meanwhile is written over) and records the ``imported`` event. A draft
open in an app is refused: that app would otherwise set the import aside as a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from checklist_app import storage
from checklist_app.domain.form import FormDefinition
from checklist_app.ehr.apply import Applied, apply_import, resolve
from checklist_app.ehr.import_model import ImportRefused, ImportResult
from checklist_app.workflows.checklist_state import ChecklistState

MAX_LISTED = 200  # resource ids and keys kept in one audit event


@dataclass(frozen=True)
class DraftImport:
    """What importing into a draft did."""

    applied: Applied
    changed_by_choice: list[str]
    saved: bool


def audit_details(result: ImportResult, applied: Applied, chosen: dict[str, bool] | None = None) -> dict[str, object]:
    """The ``imported`` event's details: from where, which resources, what was filled, what differed."""
    details: dict[str, object] = {
        "source": result.origin, "resources": result.resources[:MAX_LISTED], "filled": applied.filled[:MAX_LISTED],
        "differences": [d.key for d in applied.differences][:MAX_LISTED], "not_used": len(result.problems)
        + result.more_problems}
    if chosen:
        details["took_new"] = sorted(k for k, v in chosen.items() if v)
        details["kept_mine"] = sorted(k for k, v in chosen.items() if not v)
    return details


def import_into_draft(db: storage.Database, form: FormDefinition, result: ImportResult, *, record_id: str,
                      staff_id: str, now: datetime, policy_id: str, create: bool = False,
                      choices: dict[str, bool] | None = None) -> DraftImport:
    """Apply ``result`` to the draft of ``record_id`` (a new draft when ``create`` and there is none), take
    the given choices on the differences, save, and audit. ImportRefused when it cannot be done."""
    holder = storage.checkouts.holder(db, record_id)
    if holder is not None:
        raise ImportRefused(f"{holder.describe()}: import there, from the checklist window. Nothing was filled.")
    draft = storage.load_draft(db, record_id)
    if draft is None:
        if storage.list_versions(db, record_id):
            raise ImportRefused(f"{record_id} is signed; amend it in the app first. Nothing was filled.")
        if not create:
            raise ImportRefused(f"There is no draft {record_id}; give --new to start one. Nothing was filled.")
        state = ChecklistState.new(form, record_id, staff_id, now, policy_id)
    else:
        state, _dropped = ChecklistState.from_data(form, draft.data, fallback_staff=staff_id, now=now,
                                                   policy_id=policy_id, base_version_id=draft.base_version_id)
    applied = apply_import(state, result, staff_id, now)
    changed = resolve(state, applied.differences, choices or {}, staff_id, now)
    before = draft.data if draft is not None else None
    state.touch(staff_id, now)
    data = state.draft_data()
    saved = before is None or _without_stamp(before) != _without_stamp(data)
    if saved:
        storage.save_draft(db, record_id, data, staff_id=staff_id,
                           base_version_id=draft.base_version_id if draft else None,
                           based_on=draft.revision if draft else 0)
    storage.log_event(db, "imported", staff_id=staff_id, record_id=record_id,
                      details=audit_details(result, applied, {k: v for k, v in (choices or {}).items()
                                                              if k in {d.key for d in applied.differences}}))
    return DraftImport(applied, changed, saved)


def _without_stamp(data: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in data.items() if k not in ("updated_at", "updated_by")}
