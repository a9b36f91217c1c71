"""Answers between their two shapes: typed Python values (what the rules engine reads) and JSON (drafts).

Each item's answer type comes from ``domain.answers.answer_type``, so the screen accepts exactly what
the record model accepts: a value that would be refused at signing is refused here, as the nurse types.
Typed values are what ``RecordEnvelope.answer_values()`` gives: dates as ``date``, moments as aware
``datetime``, measurements and list entries as plain dicts, unanswered fields left out.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from checklist_app.domain.answers import answer_type
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DerivedItem, InfoItem, RepeatItem

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


def answers_to_json(form: FormDefinition, answers: dict[str, Any], cache: JsonCache | None = None) -> dict[str, Any]:
    """JSON-ready answers in form order, unanswered items left out (``cache``: reuse unchanged answers' JSON)."""
    out: dict[str, Any] = {}
    for item in form.iter_items():
        value = answers.get(item.id)
        if value is not None:
            out[item.id] = cache.to_json(item, value) if cache is not None else to_json(item, value)
    return out


def same_answer(a: Any, b: Any) -> bool:
    """Whether two answers are the same value of the same types, so that their JSON is the same.

    Stricter than ``==``: 1 == 1.0 == True, 0.0 == -0.0, and the same moment at two UTC offsets are equal,
    but each is written differently.
    """
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_answer(value, b[key]) for key, value in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(same_answer, a, b))
    if isinstance(a, datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


class JsonCache:
    """The JSON of each answer, kept so that only the answers that changed are converted again.

    Autosave wants the whole draft as JSON after every keystroke; converting all of it (95 items, 200
    medications) with pydantic would be most of the keystroke's cost, while a keystroke changes one answer,
    usually one list entry. An answer (and each entry of a list) is converted again unless it is
    ``same_answer`` as the one converted last time, so the result is exactly what ``to_json`` gives.

    The answers converted are kept and compared by identity first, which relies on the rule the state and
    the widgets follow: an answer (a list entry too) is replaced by a new object, never changed in place.
    The JSON handed out is shared with the cache: read it, never change it.
    """

    def __init__(self) -> None:
        self._answers: dict[str, tuple[Any, Any]] = {}  # item id -> (the answer, its JSON)
        self._entries: dict[str, list[tuple[Any, Any]]] = {}  # list item id -> per entry (the entry, its JSON)

    def to_json(self, item: Any, value: Any) -> Any:
        """``to_json(item, value)``, from the cache when the answer has not changed."""
        cached = self._answers.get(item.id)
        if cached is not None and same_answer(cached[0], value):
            return cached[1]
        converted = self._list_to_json(item, value) if isinstance(item, RepeatItem) else to_json(item, value)
        self._answers[item.id] = (value, converted)
        return converted

    def _list_to_json(self, item: RepeatItem, value: Any) -> Any:
        if not isinstance(value, list) or len(value) > item.max_entries:
            self._entries.pop(item.id, None)
            return to_json(item, value)  # refused as a whole, with pydantic's message for the whole list
        before = self._entries.get(item.id, [])
        entry_adapter = _entry_adapter(item)
        entries: list[tuple[Any, Any]] = []
        try:
            for index, entry in enumerate(value):
                if index < len(before) and same_answer(before[index][0], entry):
                    entries.append(before[index])
                else:
                    typed = entry_adapter.validate_python(entry)
                    entries.append((entry, entry_adapter.dump_python(typed, mode="json", exclude_none=True)))
        except (ValidationError, ValueError, TypeError):
            self._entries.pop(item.id, None)
            return to_json(item, value)  # raises the same error, located in the list, as without the cache
        self._entries[item.id] = entries
        return [converted for _, converted in entries]


_ENTRY_ADAPTERS: dict[int, tuple[object, TypeAdapter]] = {}


def _entry_adapter(item: RepeatItem) -> TypeAdapter:
    """The adapter of one entry of a list item: ``answer_type`` gives Annotated[list[Entry], max_length]."""
    cached = _ENTRY_ADAPTERS.get(id(item))
    if cached is not None and cached[0] is item:
        return cached[1]
    list_type = get_args(answer_type(item))[0]
    made = TypeAdapter(get_args(list_type)[0])
    _ENTRY_ADAPTERS[id(item)] = (item, made)
    return made
