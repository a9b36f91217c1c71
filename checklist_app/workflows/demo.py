"""The demo patient a fresh installation shows: ``forms/examples/clean.json``, moved to today. No Qt.

Every date and time in the example is shifted by the same number of days so that the procedure is
scheduled today and the intervals the rules check (fasting, last doses, lab dates) stay exactly as in
the example; only the date of birth is kept. The record keeps its id ``demo-clean`` and is saved as a
draft, so it can be opened, changed and signed like any other.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from checklist_app import resources
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DateItem, DateTimeItem, MeasurementItem, RepeatItem
from checklist_app.workflows.answer_codec import answers_from_json, answers_to_json

if TYPE_CHECKING:
    from checklist_app.workflows.store import ChecklistStore

DEMO_RECORD = "examples/clean.json"
KEEP = frozenset({"date_of_birth"})


def demo_data(form: FormDefinition, today: date, name: str = DEMO_RECORD) -> dict[str, Any]:
    """The example record with its procedure moved to ``today``."""
    data = json.loads(resources.form_path(name).read_text(encoding="utf-8"))
    answers, _ = answers_from_json(form, data["answers"])
    start = answers.get("scheduled_start")
    delta = timedelta(days=(today - start.date()).days) if isinstance(start, datetime) else timedelta(0)
    for item in form.iter_items():
        if item.id in answers and item.id not in KEEP:
            answers[item.id] = _shift(item, answers[item.id], delta)
    data["answers"] = answers_to_json(form, answers)
    created = datetime.fromisoformat(data["created_at"]) + delta
    data["created_at"] = created.isoformat(timespec="seconds")
    return data


def _shift(item: Any, value: Any, delta: timedelta) -> Any:
    if isinstance(item, DateItem | DateTimeItem) and isinstance(value, date):
        return value + delta
    if isinstance(item, MeasurementItem) and isinstance(value, dict) and isinstance(value.get("date"), date):
        return {**value, "date": value["date"] + delta}
    if isinstance(item, RepeatItem) and isinstance(value, list):
        fields = {f.id: f for f in item.fields}
        return [{k: _shift(fields[k], v, delta) if k in fields else v for k, v in entry.items()}
                for entry in value]
    return value


def seed_demo(store: ChecklistStore, form: FormDefinition, today: date) -> bool:
    """Save the demo patient as a draft when the database holds no checklist yet; True when it did."""
    if store.has_checklists():
        return False
    data = demo_data(form, today)
    # A physician's statement counts only with the physician named, which nobody has done for the demo: it
    # is left for the nurse to check, and checking it shows how the physician is named.
    for item in form.iter_items():
        if getattr(item, "attested_by", None):
            data["answers"].pop(item.id, None)
    store.save_draft(data["record_id"], data, data["created_by"])
    return True
