"""One patient's checklist record: the answers, who entered them and when, acknowledgements, overrides.

``parse_record(data, form, now)`` is the only way in: it validates the envelope and the answers against
the form (types, ranges, options) and then the answers against time (no birth date in the future, no
last dose after the scheduled start). Every refusal is a ``FieldError`` naming the field, what is wrong
and what is allowed.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, create_model

from checklist_app.domain import conventions, limits
from checklist_app.domain.answers import answers_model
from checklist_app.domain.errors import ChecklistError, FieldError, RecordValidationError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import DateItem, DateTimeItem, MeasurementItem, RepeatItem
from checklist_app.domain.sources import ImportChoices, Sources
from checklist_app.domain.timeutil import aware, local_date

RecordId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
StaffId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
# rule:item[:detail]@fingerprint (domain.findings.finding_key): rule and item ids are at most 64 characters each.
FindingKey = Annotated[str, StringConstraints(min_length=1, max_length=300)]
MAX_LISTED_ERRORS = 50  # a list of 5,000 wrong entries is refused in 50 lines and a count, not 5,000 lines


class Acknowledgement(BaseModel):
    """A nurse's acknowledgement of a warning, with a short note of who was told."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding_key: FindingKey
    by: StaffId
    at: datetime
    note: Note


class Override(BaseModel):
    """A physician's override of a hard stop: their own id, the time and the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    finding_key: FindingKey
    physician_id: StaffId
    at: datetime
    reason: Note


class Attestation(BaseModel):
    """Who stands behind a ticked statement that is a physician's to make (an item ``attested_by:
    physician``): the physician with their own PIN (``physician_id`` set, ``by`` the physician), or a nurse
    recording it on the physician's word (``physician_id`` None, ``by`` the nurse). ``statement`` is the
    sentence printed on the checklist, in those words."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    item_id: str = Field(min_length=1, max_length=64)
    physician: str = Field(min_length=3, max_length=120)
    physician_id: StaffId | None = None
    by: StaffId
    at: datetime
    statement: str = Field(min_length=3, max_length=400)


class RecordEnvelope(BaseModel):
    """Everything in a record except the form-specific answers."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    record_id: RecordId
    form_id: str = Field(min_length=1, max_length=64)  # the form's id is a Slug (domain.items)
    form_version: str = Field(min_length=1, max_length=40)  # as the form's own version
    policy_id: str | None = None  # an installed policy's id, never a file (rules.installed)
    policy_version: str | None = None  # when given, must be the installed policy's version
    created_by: StaffId
    created_at: datetime
    updated_by: StaffId | None = None
    updated_at: datetime | None = None
    acknowledgements: list[Acknowledgement] = []
    overrides: list[Override] = []
    attestations: list[Attestation] = []
    # Answers pre-filled from the chart, and the nurse's choices on a later pull (domain/sources.py).
    sources: Sources | None = None
    import_choices: ImportChoices | None = None

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


def read_record_file(path: Path) -> Any:
    """The data in a record file (JSON), for ``parse_record``; ChecklistError naming the file, and the line
    when known, for a file that is missing, unreadable, too big, not UTF-8, not JSON or nested too deep."""
    try:
        return limits.parse_json(limits.read_text(path))
    except FileNotFoundError:
        raise ChecklistError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ChecklistError(f"{path}: is a folder, not a record file") from None
    except OSError as exc:
        raise ChecklistError(f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    except limits.InputError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise ChecklistError(f"{path}: {where}{exc.problem}") from None
    except ValueError as exc:  # a path holding NUL
        raise ChecklistError(f"{limits.shown(str(path))}: cannot be read ({exc})") from None


def parse_record(data: Any, form: FormDefinition, now: datetime, source: str = "") -> RecordEnvelope:
    """Validate raw data (parsed JSON) into a record; raise RecordValidationError naming each field.

    Values beyond ``domain.limits`` (numbers too large, nesting too deep, over-long or non-text strings and
    keys) are refused first, each at its field, and pydantic is not given the data.
    """
    if not isinstance(data, dict):
        problem = f"a record must be a JSON object, not {type(data).__name__}"
        raise RecordValidationError([FieldError("(record)", "Record", problem)], source)
    beyond = limits.find_problems(data, limit=MAX_LISTED_ERRORS)
    if beyond:
        raise RecordValidationError([_limit_error(form, p) for p in beyond], source)
    if isinstance(data.get("answers"), dict) and form.retired:
        data = {**data, "answers": {k: v for k, v in data["answers"].items() if k not in form.retired}}
    try:
        record = record_model(form).model_validate(data)
    except ValidationError as exc:
        raise RecordValidationError(_listed([_field_error(form, e) for e in exc.errors()]), source) from None
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
        errors.append(FieldError(path, label, f"{conventions.format_datetime(value)} is after the {other} "
                                 f"({conventions.format_datetime(limit)})", f"a time no later than the {other}"))


def _listed(errors: list[FieldError]) -> list[FieldError]:
    if len(errors) <= MAX_LISTED_ERRORS:
        return errors
    more = len(errors) - MAX_LISTED_ERRORS
    return errors[:MAX_LISTED_ERRORS] + [FieldError("(record)", "Record", f"{more:,} more problems not listed")]


def _limit_error(form: FormDefinition, found: limits.Problem) -> FieldError:
    path, label, allowed = _describe(form, found.loc)
    return FieldError(path, label, found.problem, allowed or found.allowed)


def _field_error(form: FormDefinition, error: dict[str, Any]) -> FieldError:
    path, label, allowed = _describe(form, tuple(error["loc"]))
    return FieldError(path, label, _problem(error), allowed)


def _describe(form: FormDefinition, loc: tuple[Any, ...]) -> tuple[str, str, str]:
    """The path, the label and what the form allows (when it says) for a place in a record."""
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
        label = limits.printable(str(loc[1]))
    return path, label, allowed


def _render_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for step in loc:
        name = limits.printable(str(step))  # a key of any length or character names its place, shortened
        text += f"[{step}]" if isinstance(step, int) else (f".{name}" if text else name)
    return text or "(record)"


def _problem(error: dict[str, Any]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    shown = limits.shown(value) if not isinstance(value, dict | list) else "this value"
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
        return limits.clip(str(ctx.get("error", error["msg"])))
    return limits.clip(str(error["msg"]))
