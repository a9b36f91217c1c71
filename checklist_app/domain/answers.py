"""A pydantic model of the answers, generated from a form definition.

Each item kind maps to a type with its constraints (range, options, pattern), so ``schema`` can print a
real JSON Schema and a bad value is refused with the field named. Every answer is optional here: a draft
is allowed to be incomplete; completeness is the rules engine's question, not the parser's.
Derived and info items hold no answer and are refused if present.

``ANSWER_TYPES`` is the kind table: one function per item kind that builds the type from the item (None for
a kind that holds no answer); a kind missing from it is an error, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    create_model,
    model_validator,
)

from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import (
    ChoiceItem,
    DateTimeItem,
    MeasurementItem,
    MultiChoiceItem,
    NumberItem,
    RepeatItem,
    TextItem,
    kind_entry,
)
from checklist_app.domain.timeutil import parse_datetime

_STRICT = ConfigDict(extra="forbid")


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]


def _datetime_type(item: DateTimeItem) -> Any:
    allow_none = item.none_label is not None

    def parse(value: Any) -> datetime | str:
        if allow_none and value == "none":
            return "none"
        if isinstance(value, datetime):
            return parse_datetime(value.isoformat())
        if isinstance(value, str):
            return parse_datetime(value)
        raise ValueError(f"{value!r} is not a date and time (use YYYY-MM-DDTHH:MM)")

    schema: dict[str, Any] = {"type": "string", "format": "date-time"}
    if allow_none:
        schema = {"anyOf": [schema, {"const": "none"}]}
    return Annotated[datetime | str, PlainValidator(parse), WithJsonSchema(schema)]


def _unique(values: list[str]) -> list[str]:
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"{dupes[0]} is listed twice")
    return values


def _measurement_model(item: MeasurementItem) -> type[BaseModel]:
    units = tuple(u.unit for u in item.units)

    def check_range(self: Any) -> Any:
        spec = item.unit_spec(self.unit)
        if spec is not None and not spec.min <= self.value <= spec.max:
            raise ValueError(f"{self.value:g} {self.unit} is outside {spec.min:g} to {spec.max:g} {self.unit}")
        return self

    fields: dict[str, Any] = {
        "value": (Number, ...),
        "unit": (Literal[units], ...),  # type: ignore[valid-type]
    }
    if item.dated:
        fields["date"] = (date, ...)
    return create_model(
        f"Measurement_{item.id}",
        __config__=_STRICT,
        __validators__={"range": model_validator(mode="after")(check_range)},
        **fields,
    )


def _choice_type(item: ChoiceItem) -> Any:
    return Literal[item.option_values()]  # type: ignore[valid-type]


def _multi_choice_type(item: MultiChoiceItem) -> Any:
    return Annotated[
        list[Literal[item.option_values()]],  # type: ignore[valid-type]
        Field(min_length=item.min_selected, max_length=item.max_selected),
        AfterValidator(_unique),
    ]


def _number_type(item: NumberItem) -> Any:
    return Annotated[Number, Field(ge=item.min, le=item.max)]


def _text_type(item: TextItem) -> Any:
    constraints = StringConstraints(strip_whitespace=True, max_length=item.max_length, pattern=item.pattern)
    return Annotated[str, constraints]


def _repeat_type(item: RepeatItem) -> Any:
    entry = create_model(
        f"Entry_{item.id}",
        __config__=_STRICT,
        **{f.id: (answer_type(f) | None, None) for f in item.fields},
    )
    return Annotated[list[entry], Field(max_length=item.max_entries)]  # type: ignore[valid-type]


ANSWER_TYPES: dict[str, Callable[[Any], Any] | None] = {
    "confirm": lambda item: bool,
    "yes_no": lambda item: bool,
    "choice": _choice_type,
    "multi_choice": _multi_choice_type,
    "number": _number_type,
    "measurement": _measurement_model,
    "date": lambda item: date,
    "datetime": _datetime_type,
    "text": _text_type,
    "repeat": _repeat_type,
    "derived": None,  # computed by the rules engine from other answers
    "info": None,  # text for the nurse to read
}
_WHERE = "ANSWER_TYPES in checklist_app/domain/answers.py"


def holds_answer(item: Any) -> bool:
    """Whether the item takes an answer (derived and info items do not)."""
    return kind_entry(ANSWER_TYPES, item, "answer type", _WHERE) is not None


def answer_type(item: Any) -> Any:
    """The pydantic type of one item's answer; TypeError for a kind that holds no answer."""
    make = kind_entry(ANSWER_TYPES, item, "answer type", _WHERE)
    if make is None:
        raise TypeError(f"no answer type for {type(item).__name__}: item kind '{item.kind}' holds no answer")
    return make(item)


_CACHE: dict[int, tuple[FormDefinition, type[BaseModel]]] = {}


def answers_model(form: FormDefinition) -> type[BaseModel]:
    """The answers model for ``form`` (built once per form object)."""
    cached = _CACHE.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    fields: dict[str, Any] = {}
    for item in form.iter_items():
        if not holds_answer(item):
            continue
        fields[item.id] = (answer_type(item) | None, Field(default=None, title=item.label))
    model = create_model(f"Answers_{form.id}", __config__=_STRICT, **fields)
    _CACHE[id(form)] = (form, model)
    return model
