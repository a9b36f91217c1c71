"""The item kinds a checklist form is built from, one pydantic model per kind, and the registry of kinds.

Each kind carries only the fields it needs; ``Item`` is the union discriminated on ``kind``, so a typo
in ``kind`` gives one clear error. ``allowed_text()`` says in words what a valid answer looks like; it is
what a nurse reads when an answer is refused. ``ITEM_KINDS`` is read off the ``Item`` union, so the union
is the one list of kinds; every other place that treats kinds differently is a table keyed by kind and
read through ``kind_entry``, which names the table to fill in when a kind has no entry.

Adding a kind:

1. Here: a model ``class FooItem(ItemBase)`` with ``kind: Literal["foo"]``, added to ``ItemModel`` (and to
   ``FieldItem`` if it may be a field of a list).
2. ``domain/answers.py`` ``ANSWER_TYPES``: the pydantic type of its answer (None: it holds no answer).
3. ``domain/answer_text.py`` ``TEXT_FORMS``: its answer in words (the review screen and the PDFs use it).
4. ``ui/widgets/__init__.py`` ``WIDGET_CLASSES``: the widget that asks for it.
5. The PDF prints it as a question/answer row using its text form; only a kind laid out differently
   (a list's sub-table, a calculated value) needs a change in ``pdf/checklist_parts.py``.
6. Regenerate the form schema: ``python -m checklist_app schema --of form > forms/schema/form.schema.json``.

``tests/domain/test_item_kinds.py`` fails until every kind has each of these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from checklist_app.domain.codes import LOINC, RXNORM, SNOMED, UCUM, Codes, code_problem, only_systems
from checklist_app.domain.conditions import Condition

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
OptionValue = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=300)]
PrintPlace = Literal["row", "banner", "never"]

# The inputs each derived formula reads; the formulas themselves live in rules/derived.py.
FORMULA_INPUTS: dict[str, tuple[str, ...]] = {
    "age_years": ("birth_date", "at"),
    "cockcroft_gault_crcl": ("age", "weight", "sex", "creatinine"),
    "ckd_epi_2021_egfr": ("age", "sex", "creatinine"),
    "count": ("items",),
    # Whether the documentation a payer expects is on file, against the policy's criteria (rules/checks/coverage.py).
    "coverage_documentation": (),
}


def _fmt(number: float) -> str:
    return f"{number:g}"


class Option(BaseModel):
    """One choice of a choice or multi-choice item."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: OptionValue
    label: Label
    help: str = ""
    codes: Codes = ()  # RxNorm ingredients or SNOMED CT substances this choice stands for (domain/codes.py)
    # Other words a nurse types to find this choice in a long list ("bid" for "Twice a day"); never stored.
    aliases: tuple[Annotated[str, StringConstraints(min_length=1, max_length=40)], ...] = ()

    @model_validator(mode="after")
    def _option_code_systems(self) -> Option:
        only_systems(self.codes, (RXNORM, SNOMED), f"option '{self.value}'")
        return self


class ItemBase(BaseModel):
    """What every item has: stable id, label, help, required flag, visibility and print place."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Slug
    label: Label
    help: str = ""
    required: bool = False
    show_if: Condition | None = None
    print: PrintPlace = "row"
    codes: Codes = ()  # LOINC (or SNOMED CT) codes of what the item records, for the chart exchange only

    @model_validator(mode="after")
    def _item_code_systems(self) -> ItemBase:
        only_systems(self.codes, (LOINC, SNOMED), f"item '{self.id}'")
        return self

    def allowed_text(self) -> str:
        """What a valid answer looks like, in words."""
        return ""


class ConfirmItem(ItemBase):
    """A statement the nurse confirms by ticking it (true), or leaves unticked (false)."""

    kind: Literal["confirm"]
    # "physician": the statement is a physician's to make; ticking it records which physician made it
    # (their own ID and PIN, or the nurse recording it on the physician's word, in those words).
    attested_by: Literal["physician"] | None = None

    def allowed_text(self) -> str:
        return "true (confirmed) or false"


class YesNoItem(ItemBase):
    """A yes/no question."""

    kind: Literal["yes_no"]

    def allowed_text(self) -> str:
        return "yes (true) or no (false)"


class _OptionsMixin(BaseModel):
    options: tuple[Option, ...] = Field(min_length=1)

    @field_validator("options")
    @classmethod
    def _unique_values(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        seen: set[str] = set()
        for option in options:
            if option.value in seen:
                raise ValueError(f"option '{option.value}' is listed twice; option values must be unique")
            seen.add(option.value)
        return options

    def option_values(self) -> tuple[str, ...]:
        """The stored values, in form order."""
        return tuple(o.value for o in self.options)

    @field_validator("options")
    @classmethod
    def _aliases_unique(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        owner: dict[str, str] = {}
        for option in options:
            for alias in option.aliases:
                key = alias.lower().replace(" ", "")
                if owner.setdefault(key, option.value) != option.value:
                    raise ValueError(f"alias '{alias}' is given to both '{owner[key]}' and '{option.value}'; "
                                     f"an alias must find one option")
        return options

    def option_label(self, value: str) -> str:
        """The label shown for a stored value (the value itself when unknown)."""
        return next((o.label for o in self.options if o.value == value), value)

    def allowed_text(self) -> str:
        return "one of: " + ", ".join(self.option_values())


class ChoiceItem(_OptionsMixin, ItemBase):
    """Exactly one of a list of options."""

    kind: Literal["choice"]


class MultiChoiceItem(_OptionsMixin, ItemBase):
    """Any number of a list of options (fracture levels, allergy classes)."""

    kind: Literal["multi_choice"]
    min_selected: int = Field(default=0, ge=0)
    max_selected: int | None = Field(default=None, ge=1)

    def allowed_text(self) -> str:
        return "a list of: " + ", ".join(self.option_values())


class NumberItem(ItemBase):
    """A number with a unit and an allowed range (inclusive)."""

    kind: Literal["number"]
    unit: str = ""
    min: float
    max: float
    decimals: int = Field(default=1, ge=0, le=4)

    @model_validator(mode="after")
    def _range_is_sane(self) -> NumberItem:
        if self.min >= self.max:
            raise ValueError(f"min ({_fmt(self.min)}) must be below max ({_fmt(self.max)})")
        return self

    def allowed_text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"a number from {_fmt(self.min)} to {_fmt(self.max)}{unit}"


class Unit(BaseModel):
    """One unit a measurement may be entered in: canonical = (value + offset) x factor."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    unit: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    factor: float = Field(gt=0)
    offset: float = 0.0
    min: float
    max: float
    ucum: str | None = None  # the unit as UCUM writes it (10*9/L for x10^9/L), for the chart exchange

    @field_validator("ucum")
    @classmethod
    def _ucum_shape(cls, ucum: str | None) -> str | None:
        problem = code_problem(UCUM, ucum) if ucum is not None else None
        if problem:
            raise ValueError(problem)
        return ucum

    def to_canonical(self, value: float) -> float:
        """Convert a value in this unit to the canonical unit (rounded to wash out float noise)."""
        return round((value + self.offset) * self.factor, 6)

    @model_validator(mode="after")
    def _range_is_sane(self) -> Unit:
        if self.min >= self.max:
            raise ValueError(f"unit {self.unit}: min ({_fmt(self.min)}) must be below max ({_fmt(self.max)})")
        return self


class MeasurementItem(ItemBase):
    """A lab value or vital sign: value plus unit (and the date it was taken, when ``dated``)."""

    kind: Literal["measurement"]
    canonical_unit: str
    units: tuple[Unit, ...] = Field(min_length=1)
    dated: bool = False

    @model_validator(mode="after")
    def _canonical_unit_listed(self) -> MeasurementItem:
        names = [u.unit for u in self.units]
        if len(set(names)) != len(names):
            raise ValueError("a unit is listed twice")
        canonical = next((u for u in self.units if u.unit == self.canonical_unit), None)
        if canonical is None or canonical.factor != 1 or canonical.offset != 0:
            raise ValueError(
                f"canonical_unit '{self.canonical_unit}' must be one of the units, with factor 1 and no offset"
            )
        return self

    def unit_spec(self, unit: str) -> Unit | None:
        """The unit entry for ``unit``, or None when it is not allowed."""
        return next((u for u in self.units if u.unit == unit), None)

    def allowed_text(self) -> str:
        ranges = "; ".join(f"{_fmt(u.min)} to {_fmt(u.max)} {u.unit}" for u in self.units)
        when = ", with the date it was taken (YYYY-MM-DD)" if self.dated else ""
        return f"a value from {ranges}{when}"


class DateItem(ItemBase):
    """A calendar date (ISO YYYY-MM-DD)."""

    kind: Literal["date"]
    not_future: bool = False

    def allowed_text(self) -> str:
        return "a date as YYYY-MM-DD" + (", not in the future" if self.not_future else "")


class DateTimeItem(ItemBase):
    """A date and time; ``none_label`` lets the nurse answer 'none' (e.g. no milk since yesterday)."""

    kind: Literal["datetime"]
    not_after: str | None = None
    none_label: str | None = None

    def allowed_text(self) -> str:
        text = "a date and time as YYYY-MM-DDTHH:MM"
        if self.not_after:
            text += f", not after {self.not_after}"
        if self.none_label:
            text += f", or \"none\" ({self.none_label})"
        return text


class TextItem(ItemBase):
    """Free text; ``scan`` marks fields a barcode scanner types into."""

    kind: Literal["text"]
    max_length: int = Field(default=200, ge=1, le=5000)
    pattern: str | None = None
    pattern_hint: str = ""
    multiline: bool = False
    scan: bool = False

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression ({exc})") from None
        return pattern

    def allowed_text(self) -> str:
        return self.pattern_hint or f"text of at most {self.max_length} characters"


class DerivedItem(ItemBase):
    """A value computed from other answers (age, CrCl, eGFR, number of levels); never typed."""

    kind: Literal["derived"]
    formula: Literal["age_years", "cockcroft_gault_crcl", "ckd_epi_2021_egfr", "count", "coverage_documentation"]
    inputs: dict[str, Slug]
    unit: str = ""

    @model_validator(mode="after")
    def _inputs_match_formula(self) -> DerivedItem:
        expected = set(FORMULA_INPUTS[self.formula])
        if set(self.inputs) != expected:
            raise ValueError(f"formula {self.formula} takes inputs {sorted(expected)}, got {sorted(self.inputs)}")
        return self


class InfoItem(ItemBase):
    """Text shown to the nurse; holds no answer."""

    kind: Literal["info"]


FieldItem = Annotated[
    ConfirmItem | YesNoItem | ChoiceItem | MultiChoiceItem | NumberItem | MeasurementItem | DateItem
    | DateTimeItem | TextItem,
    Field(discriminator="kind"),
]


class RepeatItem(ItemBase):
    """A list of entries with the same fields (medications, allergies); [] answers 'none'."""

    kind: Literal["repeat"]
    fields: tuple[FieldItem, ...] = Field(min_length=1)
    max_entries: int = Field(default=500, ge=1)
    none_label: str | None = None
    title_field: str | None = None

    @model_validator(mode="after")
    def _fields_consistent(self) -> RepeatItem:
        ids = [f.id for f in self.fields]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"field id '{dupes[0]}' is used twice in this list")
        if self.title_field and self.title_field not in ids:
            raise ValueError(f"title_field '{self.title_field}' is not one of the fields {ids}")
        for n, sub in enumerate(self.fields):  # a field's show_if tests fields of the same entry, before it
            unknown = [ref for ref in (sub.show_if.referenced_items() if sub.show_if else ()) if ref not in ids[:n]]
            if unknown:
                raise ValueError(f"field '{sub.id}': show_if points at '{unknown[0]}', which is not a field before "
                                 "it in this list")
        return self

    def field(self, field_id: str) -> FieldItem | None:
        """The sub-item with this id, or None."""
        return next((f for f in self.fields if f.id == field_id), None)

    def allowed_text(self) -> str:
        return f"a list of at most {self.max_entries} entries, each with: " + ", ".join(
            f.id for f in self.fields
        )


ItemModel = (
    ConfirmItem | YesNoItem | ChoiceItem | MultiChoiceItem | NumberItem | MeasurementItem | DateItem
    | DateTimeItem | TextItem | RepeatItem | DerivedItem | InfoItem
)
Item = Annotated[ItemModel, Field(discriminator="kind")]


def _kind_of(model: type[ItemBase]) -> str:
    (kind,) = get_args(model.model_fields["kind"].annotation)
    return kind


ITEM_MODELS: dict[str, type[ItemBase]] = {_kind_of(model): model for model in get_args(ItemModel)}
ITEM_KINDS: tuple[str, ...] = tuple(ITEM_MODELS)

_Entry = TypeVar("_Entry")


class MissingKindEntry(LookupError):
    """A kind table has no entry for an item's kind: the kind was added without one (see the module's how-to).

    Not a ValueError or TypeError, so code that treats those as "this answer is refused" lets it through.
    """


def kind_entry(table: Mapping[str, _Entry], item: Any, what: str, where: str) -> _Entry:
    """``table[item.kind]``; a kind with no entry raises ``MissingKindEntry`` naming ``what`` and ``where``."""
    kind = getattr(item, "kind", None)
    try:
        return table[kind]  # type: ignore[index]
    except KeyError:
        item_id = getattr(item, "id", "?")
        raise MissingKindEntry(f"no {what} for item kind {kind!r} (item '{item_id}'); add one to {where}") from None
