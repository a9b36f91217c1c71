"""The checklist form as data: sections of items, loaded from ``forms/<form_id>.yaml``.

Cross-item rules are checked here: ids are unique, ``show_if`` only points at items that come earlier,
``not_after`` points at a date-time item, derived inputs exist. Messages name the item and the fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checklist_app.domain.conditions import Condition
from checklist_app.domain.items import DateTimeItem, DerivedItem, Item, Label, RepeatItem, Slug


class Section(BaseModel):
    """A titled group of items, one page of the checklist."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Slug
    title: Label
    help: str = ""
    show_if: Condition | None = None
    # Shown only where the site's policy lists this section under ``sections_on`` (off by default).
    optional: bool = False
    items: tuple[Item, ...] = Field(min_length=1)


class FormDefinition(BaseModel):
    """A whole checklist form, versioned; saved records name the id and version they were filled on."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    id: Slug
    version: str = Field(min_length=1, max_length=40)
    title: Label
    locale: str = "en"
    sections: tuple[Section, ...] = Field(min_length=1)
    retired: tuple[Slug, ...] = ()

    @model_validator(mode="after")
    def _cross_item_rules(self) -> FormDefinition:
        seen: dict[str, object] = {}
        section_ids: set[str] = set()
        for section in self.sections:
            if section.id in section_ids:
                raise ValueError(f"section id '{section.id}' is used twice; section ids must be unique")
            section_ids.add(section.id)
            if section.show_if:
                _check_condition(section.show_if, seen, f"section '{section.id}'")
            for item in section.items:
                where = f"item '{item.id}' (section '{section.id}')"
                if item.id in seen:
                    raise ValueError(f"{where}: id '{item.id}' is used twice; item ids must be unique")
                if item.show_if:
                    _check_condition(item.show_if, seen, where)
                if isinstance(item, DerivedItem):
                    for name, source in item.inputs.items():
                        if source not in seen:
                            raise ValueError(
                                f"{where}: input '{name}' points at '{source}', which is not an earlier item"
                            )
                seen[item.id] = item
        for item in self.iter_items():
            for dt in _datetime_fields(item):
                if dt.not_after and not isinstance(seen.get(dt.not_after), DateTimeItem):
                    raise ValueError(
                        f"item '{item.id}': not_after '{dt.not_after}' must name a date-time item of this form"
                    )
        for retired in self.retired:
            if retired in seen:
                raise ValueError(f"retired id '{retired}' is still an item; remove it from 'retired'")
        return self

    def iter_items(self) -> Iterator[Item]:
        """Every top-level item, in form order."""
        for section in self.sections:
            yield from section.items

    @cached_property
    def _index(self) -> dict[str, tuple[Section, Item]]:
        return {item.id: (section, item) for section in self.sections for item in section.items}

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError when there is none."""
        return self._index[item_id][1]

    def has_item(self, item_id: str) -> bool:
        """Whether the form has a top-level item with this id."""
        return item_id in self._index

    def section_of(self, item_id: str) -> Section:
        """The section holding this item."""
        return self._index[item_id][0]


def _datetime_fields(item: Item) -> Iterator[DateTimeItem]:
    if isinstance(item, DateTimeItem):
        yield item
    elif isinstance(item, RepeatItem):
        yield from (f for f in item.fields if isinstance(f, DateTimeItem))


def _check_condition(cond: Condition, seen: dict[str, object], where: str) -> None:
    for ref in cond.referenced_items():
        if ref not in seen:
            raise ValueError(
                f"{where}: show_if points at '{ref}', which is not an item before it; "
                "conditions may only test items that come earlier in the form"
            )
    _check_fields(cond, seen, where)


def _check_fields(cond: Condition, seen: dict[str, object], where: str) -> None:
    if cond.field is not None:
        target = seen.get(cond.item or "")
        if not isinstance(target, RepeatItem) or target.field(cond.field) is None:
            raise ValueError(f"{where}: condition field '{cond.field}' is not a field of list '{cond.item}'")
    for child in (cond.all or ()) + (cond.any or ()) + ((cond.not_,) if cond.not_ else ()):
        _check_fields(child, seen, where)
