"""Structured conditions for ``show_if`` in forms and ``when`` in policies.

A condition is data, never code: it names an item and one operator (``equals``, ``in``,
``contains``, ``answered``, or a numeric comparison), or combines conditions with ``all``, ``any``
and ``not``. With ``field``, the item is a repeated list (medications, allergies) and the condition
holds when any entry's field satisfies the operator.

    show_if: {item: sex, equals: female}
    when: {all: [{item: medications, field: agent, in: [warfarin]}, {item: bridging_plan, answered: false}]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = bool | int | float | str
Resolver = Callable[[str], Any]

_VALUE_OPS = ("equals", "in_", "contains", "answered", "below", "at_most", "above", "at_least")
_GROUP_OPS = ("all", "any", "not_")


def _op_name(attr: str) -> str:
    return attr.rstrip("_")


class Condition(BaseModel):
    """One test on an answer, or a combination of conditions."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    item: str | None = None
    field: str | None = None
    equals: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")
    contains: Scalar | None = None
    answered: bool | None = None
    below: float | None = None
    at_most: float | None = None
    above: float | None = None
    at_least: float | None = None
    all: tuple[Condition, ...] | None = None
    any: tuple[Condition, ...] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _exactly_one_operator(self) -> Condition:
        value_ops = [_op_name(a) for a in _VALUE_OPS if getattr(self, a) is not None]
        group_ops = [_op_name(a) for a in _GROUP_OPS if getattr(self, a) is not None]
        if group_ops:
            if len(group_ops) > 1 or value_ops or self.item or self.field:
                raise ValueError("a condition with all/any/not must have nothing else beside it")
            return self
        if not self.item:
            raise ValueError("a condition needs 'item' (the id it tests) or one of all/any/not")
        if len(value_ops) != 1:
            raise ValueError(
                f"condition on '{self.item}' needs exactly one of: equals, in, contains, answered, "
                f"below, at_most, above, at_least (found {', '.join(value_ops) or 'none'})"
            )
        return self

    def referenced_items(self) -> Iterator[str]:
        """Every item id this condition reads, for checking that they exist."""
        if self.item:
            yield self.item
        for child in (self.all or ()) + (self.any or ()) + ((self.not_,) if self.not_ else ()):
            yield from child.referenced_items()

    def holds(self, resolve: Resolver) -> bool:
        """Evaluate against answers; ``resolve(item_id)`` gives a visible answer or None."""
        if self.all is not None:
            return all(c.holds(resolve) for c in self.all)
        if self.any is not None:
            return any(c.holds(resolve) for c in self.any)
        if self.not_ is not None:
            return not self.not_.holds(resolve)
        value = resolve(self.item)  # type: ignore[arg-type]
        if self.field is not None:
            entries = value if isinstance(value, list) else []
            if self.answered is not None:
                found = any(e.get(self.field) is not None for e in entries if isinstance(e, dict))
                return found == self.answered
            return any(self._test(e.get(self.field)) for e in entries if isinstance(e, dict))
        if self.answered is not None:
            return (value is not None) == self.answered
        return self._test(value)

    def _test(self, value: Any) -> bool:
        if value is None:
            return False
        if self.equals is not None:
            return value == self.equals
        if self.in_ is not None:
            return value in self.in_
        if self.contains is not None:
            return isinstance(value, list | tuple | set) and self.contains in value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.below is not None:
            return value < self.below
        if self.at_most is not None:
            return value <= self.at_most
        if self.above is not None:
            return value > self.above
        return self.at_least is not None and value >= self.at_least


Condition.model_rebuild()
