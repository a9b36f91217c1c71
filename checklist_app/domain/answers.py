"""A pydantic model of the answers, generated from a form definition.

Each item kind maps to a type with its constraints (range, options, pattern), so ``schema`` can print a
real JSON Schema and a bad value is refused with the field named. Every answer is optional here: a draft
is allowed to be incomplete; completeness is the rules engine's question, not the parser's.
Derived and info items hold no answer and are refused if present.
"""

from __future__ import annotations

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
    ConfirmItem,
    DateItem,
    DateTimeItem,
    DerivedItem,
    InfoItem,
    MeasurementItem,
    MultiChoiceItem,
    NumberItem,
    RepeatItem,
    TextItem,
    YesNoItem,
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


def answer_type(item: Any) -> Any:
    """The pydantic type of one item's answer."""
    if isinstance(item, ConfirmItem | YesNoItem):
        return bool
    if isinstance(item, ChoiceItem):
        return Literal[item.option_values()]  # type: ignore[valid-type]
    if isinstance(item, MultiChoiceItem):
        return Annotated[
            list[Literal[item.option_values()]],  # type: ignore[valid-type]
            Field(min_length=item.min_selected, max_length=item.max_selected),
            AfterValidator(_unique),
        ]
    if isinstance(item, NumberItem):
        return Annotated[Number, Field(ge=item.min, le=item.max)]
    if isinstance(item, MeasurementItem):
        return _measurement_model(item)
    if isinstance(item, DateItem):
        return date
    if isinstance(item, DateTimeItem):
        return _datetime_type(item)
    if isinstance(item, TextItem):
        constraints = StringConstraints(strip_whitespace=True, max_length=item.max_length, pattern=item.pattern)
        return Annotated[str, constraints]
    if isinstance(item, RepeatItem):
        entry = create_model(
            f"Entry_{item.id}",
            __config__=_STRICT,
            **{f.id: (answer_type(f) | None, None) for f in item.fields},
        )
        return Annotated[list[entry], Field(max_length=item.max_entries)]  # type: ignore[valid-type]
    raise TypeError(f"no answer type for {type(item).__name__}")


_CACHE: dict[int, tuple[FormDefinition, type[BaseModel]]] = {}


def answers_model(form: FormDefinition) -> type[BaseModel]:
    """The answers model for ``form`` (built once per form object)."""
    cached = _CACHE.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    fields: dict[str, Any] = {}
    for item in form.iter_items():
        if isinstance(item, DerivedItem | InfoItem):
            continue
        fields[item.id] = (answer_type(item) | None, Field(default=None, title=item.label))
    model = create_model(f"Answers_{form.id}", __config__=_STRICT, **fields)
    _CACHE[id(form)] = (form, model)
    return model
