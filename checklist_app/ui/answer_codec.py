"""Answers between their two shapes: typed Python values (what the rules engine reads) and JSON (drafts).

Each item's answer type comes from ``domain.answers.answer_type``, so the screen accepts exactly what
the record model accepts: a value that would be refused at signing is refused here, as the nurse types.
Typed values are what ``RecordEnvelope.answer_values()`` gives: dates as ``date``, moments as aware
``datetime``, measurements and list entries as plain dicts, unanswered fields left out.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from checklist_app.domain.answers import answer_type
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DerivedItem, InfoItem

_ADAPTERS: dict[int, tuple[object, TypeAdapter]] = {}


def adapter(item: Any) -> TypeAdapter:
    """The (cached) pydantic adapter for one item's answer."""
    cached = _ADAPTERS.get(id(item))
    if cached is not None and cached[0] is item:
        return cached[1]
    made = TypeAdapter(answer_type(item))
    _ADAPTERS[id(item)] = (item, made)
    return made


def to_typed(item: Any, raw: Any) -> Any:
    """Validate a raw or JSON value into the typed shape; ValueError (pydantic's) when refused."""
    if raw is None:
        return None
    checker = adapter(item)
    return checker.dump_python(checker.validate_python(raw), exclude_none=True)


def to_json(item: Any, value: Any) -> Any:
    """The JSON-ready form of a typed (or raw) value."""
    if value is None:
        return None
    checker = adapter(item)
    return checker.dump_python(checker.validate_python(value), mode="json", exclude_none=True)


def is_valid(item: Any, value: Any) -> bool:
    """Whether the record model would accept this answer."""
    try:
        to_typed(item, value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


def answers_from_json(form: FormDefinition, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Typed answers from saved JSON; the ids of answers that could not be read are returned apart.

    A draft saved by an older form version can hold an answer the form no longer accepts; it is left out
    (and named) instead of refusing the whole draft, so the nurse keeps everything else.
    """
    answers: dict[str, Any] = {}
    dropped: list[str] = []
    for item_id, value in (raw or {}).items():
        if value is None:
            continue
        if not form.has_item(item_id) or isinstance(form.item(item_id), DerivedItem | InfoItem):
            dropped.append(item_id)
            continue
        try:
            answers[item_id] = to_typed(form.item(item_id), value)
        except (ValidationError, ValueError, TypeError):
            dropped.append(item_id)
    return answers, dropped


def answers_to_json(form: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready answers in form order, unanswered items left out."""
    out: dict[str, Any] = {}
    for item in form.iter_items():
        value = answers.get(item.id)
        if value is not None:
            out[item.id] = to_json(item, value)
    return out
