"""One patient's checklist record: the answers, who entered them and when, acknowledgements, overrides.

``parse_record(data, form, now)`` is the only way in: it validates the envelope and the answers against
the form (types, ranges, options) and then the answers against time (no birth date in the future, no
last dose after the scheduled start). Every refusal is a ``FieldError`` naming the field, what is wrong
and what is allowed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, create_model

from checklist_app.domain.answers import answers_model
from checklist_app.domain.errors import FieldError, RecordValidationError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DateItem, DateTimeItem, MeasurementItem, RepeatItem
from checklist_app.domain.timeutil import aware, local_date

RecordId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
StaffId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class Acknowledgement(BaseModel):
    """A nurse's acknowledgement of a warning, with a short note of who was told."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding_key: str
    by: StaffId
    at: datetime
    note: Note


class Override(BaseModel):
    """A physician's override of a hard stop: their own id, the time and the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding_key: str
    physician_id: StaffId
    at: datetime
    reason: Note


class RecordEnvelope(BaseModel):
    """Everything in a record except the form-specific answers."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    record_id: RecordId
    form_id: str
    form_version: str
    policy_id: str | None = None  # an installed policy's id, never a file (rules.installed)
    policy_version: str | None = None  # when given, must be the installed policy's version
    created_by: StaffId
    created_at: datetime
    updated_by: StaffId | None = None
    updated_at: datetime | None = None
    acknowledgements: list[Acknowledgement] = []
    overrides: list[Override] = []

    def answer_values(self) -> dict[str, Any]:
        """The answers as plain Python values, unanswered items left out."""
        return self.answers.model_dump(exclude_none=True)  # type: ignore[attr-defined]

    def to_json_data(self) -> dict[str, Any]:
        """The record as JSON-ready data, as it is saved and exported."""
        return self.model_dump(mode="json", exclude_none=True)


_MODELS: dict[int, tuple[FormDefinition, type[RecordEnvelope]]] = {}


def record_model(form: FormDefinition) -> type[RecordEnvelope]:
    """The full record model for ``form``: the envelope plus its typed answers."""
    cached = _MODELS.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    model = create_model(
        "ChecklistRecord",
        __base__=RecordEnvelope,
        answers=(answers_model(form), Field(default_factory=answers_model(form))),
    )
    _MODELS[id(form)] = (form, model)
    return model


def parse_record(data: Any, form: FormDefinition, now: datetime, source: str = "") -> RecordEnvelope:
    """Validate raw data (parsed JSON) into a record; raise RecordValidationError naming each field."""
    if not isinstance(data, dict):
        problem = f"a record must be a JSON object, not {type(data).__name__}"
        raise RecordValidationError([FieldError("(record)", "Record", problem)], source)
    if isinstance(data.get("answers"), dict) and form.retired:
        data = {**data, "answers": {k: v for k, v in data["answers"].items() if k not in form.retired}}
    try:
        record = record_model(form).model_validate(data)
    except ValidationError as exc:
        raise RecordValidationError([_field_error(form, e) for e in exc.errors()], source) from None
    errors = []
    if record.form_id != form.id:
        errors.append(FieldError("form_id", "Form", f"record is for form '{record.form_id}'", form.id))
    errors += temporal_errors(form, record.answer_values(), now)
    if errors:
        raise RecordValidationError(errors, source)
    return record


def temporal_errors(form: FormDefinition, answers: dict[str, Any], now: datetime) -> list[FieldError]:
    """Dates in the future where the form forbids them; times after the item they must precede."""
    today = local_date(now)
    errors: list[FieldError] = []
    for item in form.iter_items():
        value = answers.get(item.id)
        if value is None:
            continue
        if isinstance(item, DateItem) and item.not_future and isinstance(value, date) and value > today:
            errors.append(FieldError(f"answers.{item.id}", item.label, f"{value} is in the future",
                                     item.allowed_text()))
        if isinstance(item, MeasurementItem) and isinstance(value.get("date"), date) and value["date"] > today:
            errors.append(FieldError(f"answers.{item.id}.date", item.label, f"{value['date']} is in the future",
                                     "the date the sample was taken, not after today"))
        if isinstance(item, DateTimeItem):
            _check_not_after(form, item, value, answers, f"answers.{item.id}", item.label, errors)
        if isinstance(item, RepeatItem):
            for n, entry in enumerate(value):
                for sub in item.fields:
                    if isinstance(sub, DateTimeItem) and entry.get(sub.id) is not None:
                        label = f"{item.label} #{n + 1}: {sub.label}"
                        _check_not_after(form, sub, entry[sub.id], answers,
                                         f"answers.{item.id}[{n}].{sub.id}", label, errors)
    return errors


def _check_not_after(form: FormDefinition, item: DateTimeItem, value: Any, answers: dict[str, Any], path: str,
                     label: str, errors: list[FieldError]) -> None:
    limit = answers.get(item.not_after) if item.not_after else None
    if isinstance(value, datetime) and isinstance(limit, datetime) and aware(value) > aware(limit):
        other = form.item(item.not_after).label.lower()  # type: ignore[arg-type]
        errors.append(FieldError(path, label, f"{value:%Y-%m-%d %H:%M} is after the {other} "
                                 f"({limit:%Y-%m-%d %H:%M})", f"a time no later than the {other}"))


def _field_error(form: FormDefinition, error: dict[str, Any]) -> FieldError:
    loc = tuple(error["loc"])
    path = _render_path(loc)
    label, allowed = path, ""
    if len(loc) >= 2 and loc[0] == "answers" and isinstance(loc[1], str) and form.has_item(loc[1]):
        item = form.item(loc[1])
        label, allowed = item.label, item.allowed_text()
        if isinstance(item, RepeatItem) and len(loc) >= 4 and isinstance(loc[2], int):
            sub = item.field(str(loc[3]))
            if sub is not None:
                label, allowed = f"{item.label} #{loc[2] + 1}: {sub.label}", sub.allowed_text()
    elif loc[:1] == ("answers",) and len(loc) >= 2:
        label = str(loc[1])
    return FieldError(path, label, _problem(error), allowed)


def _render_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for step in loc:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(record)"


def _problem(error: dict[str, Any]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    shown = repr(value) if not isinstance(value, dict | list) else "this value"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return f"{shown} is not a number"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{shown} is out of range"
    if kind == "literal_error":
        return f"{shown} is not one of the choices"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{shown} is not a valid date (use YYYY-MM-DD)"
    if kind == "bool_parsing" or kind == "bool_type":
        return f"{shown} is not yes (true) or no (false)"
    if kind == "string_pattern_mismatch":
        return f"{shown} does not have the expected format"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"has more than {ctx.get('max_length')} entries"
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field of this record or form (check the spelling, or the form version)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object with named fields"
    if kind == "list_type":
        return "must be a list"
    if kind == "string_type":
        return f"{shown} must be text"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]
