"""Answers in words, as a nurse reads them on screen and on paper: option labels instead of stored values,
units, dates and times in the site's conventions everywhere (``domain.conventions``), and lists
(medications, allergies) as rows of a sub-table.

The review screen and the PDFs both word answers from here, so they say the same thing. ``TEXT_FORMS`` is
the kind table: one function per item kind; a kind missing from it is an error, never ``str(value)``.
Everything returned is plain text; each renderer escapes it for its own markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from checklist_app.domain import conventions
from checklist_app.domain.items import (
    ChoiceItem,
    DateTimeItem,
    DerivedItem,
    MeasurementItem,
    MultiChoiceItem,
    NumberItem,
    RepeatItem,
    kind_entry,
)

_UNIT_SHOWN = {"C": "°C", "F": "°F"}


def format_moment(moment: datetime, *, zone: bool = False) -> str:
    """'12/01/2026 8:30 AM' (en-US); with ``zone``, '12/01/2026 8:30 AM EST (UTC-05:00)'."""
    text = conventions.format_datetime(moment)
    if not zone:
        return text
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    utc = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    name = moment.tzname() or ""
    return f"{text} {name} ({utc})" if name and not name.startswith("UTC") else f"{text} ({utc})"


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _unit(unit: str) -> str:
    return _UNIT_SHOWN.get(unit, unit)


def _confirm_text(item: Any, value: Any) -> str:
    return "Yes, confirmed" if value else "No, not confirmed"


def _yes_no_text(item: Any, value: Any) -> str:
    return "Yes" if value else "No"


def _choice_text(item: ChoiceItem, value: Any) -> str:
    return item.option_label(value)


def _multi_choice_text(item: MultiChoiceItem, value: Any) -> str:
    return ", ".join(item.option_label(v) for v in value) or "None selected"


def _number_text(item: NumberItem, value: Any) -> str:
    return f"{_number(value, item.decimals)} {_unit(item.unit)}".strip()


def _measurement_text(item: MeasurementItem, value: Any) -> str:
    text = f"{value['value']:g} {_unit(value['unit'])}"
    taken = value.get("date")
    return f"{text} (taken {conventions.format_date(taken)})" if isinstance(taken, date) else text


def _date_text(item: Any, value: Any) -> str:
    return conventions.format_date(value) if isinstance(value, date) else str(value)


def _datetime_text(item: DateTimeItem, value: Any) -> str:
    if value == "none":
        return item.none_label or "None"
    return format_moment(value) if isinstance(value, datetime) else str(value)


def _as_typed(item: Any, value: Any) -> str:
    return str(value)


def _repeat_text(item: RepeatItem, value: Any) -> str:
    return f"{len(value)} entries" if value else (item.none_label or "None")


def _derived_text(item: DerivedItem, value: Any) -> str:
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{shown} {_unit(item.unit)}".strip()


TEXT_FORMS: dict[str, Callable[[Any, Any], str]] = {
    "confirm": _confirm_text,
    "yes_no": _yes_no_text,
    "choice": _choice_text,
    "multi_choice": _multi_choice_text,
    "number": _number_text,
    "measurement": _measurement_text,
    "date": _date_text,
    "datetime": _datetime_text,
    "text": _as_typed,
    "repeat": _repeat_text,
    "derived": _derived_text,
    "info": _as_typed,  # holds no answer, so nothing reaches this in practice; shown as given if it does
}


def format_answer(item: Any, value: Any) -> str:
    """One answer as text; ``value`` is what ``record.answer_values()`` holds (or a derived value)."""
    if value is None:
        return ""
    text_form = kind_entry(TEXT_FORMS, item, "text form", "TEXT_FORMS in checklist_app/domain/answer_text.py")
    return text_form(item, value)


DETAIL_FIELDS = ("name", "details")  # free-text fields that say which "other" (or exactly what) the entry is


def repeat_columns(item: RepeatItem, entries: list[dict[str, Any]]) -> list[Any]:
    """The sub-items worth a column: every required field, and optional ones someone filled in.

    A detail field (the typed name of an "other" medicine, the exact allergen) is folded into the title
    column rather than given a mostly empty column of its own.
    """
    merged = DETAIL_FIELDS if item.title_field else ()
    return [f for f in item.fields
            if f.id not in merged and (f.required or any(e.get(f.id) is not None for e in entries))]


def _title_cell(item: RepeatItem, entry: dict[str, Any]) -> str:
    field = item.field(item.title_field or "")
    value = entry.get(item.title_field or "")
    label = format_answer(field, value) if value is not None else ""
    detail = next((str(entry[d]) for d in DETAIL_FIELDS if entry.get(d)), "")
    if not detail:
        return label
    return detail if value == "other" else f"{label} ({detail})"


def repeat_rows(item: RepeatItem, entries: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a list answer: one row per entry, one column per field worth showing."""
    columns = repeat_columns(item, entries)
    header = [f.label for f in columns]
    rows = [[_title_cell(item, entry) if f.id == item.title_field else format_answer(f, entry.get(f.id))
             for f in columns] for entry in entries]
    return header, rows


def entry_title(item: RepeatItem, entry: dict[str, Any]) -> str:
    """How one entry is named in a sentence: the title field's label, or the typed name for 'other'."""
    name = entry.get("name") or entry.get("details")
    if item.title_field is None:
        return str(name or "entry")
    field_item = item.field(item.title_field)
    value = entry.get(item.title_field)
    if value == "other" and name:
        return str(name)
    return format_answer(field_item, value) if value is not None else str(name or "entry")
