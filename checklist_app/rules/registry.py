"""The kinds of check a policy rule can use, each with a pydantic model of its parameters.

A policy file says *which* check a rule runs and with *what numbers*; the code here only says *how* to
check. ``@check("name", Params)`` registers a function ``fn(ctx, rule, params) -> Iterable[Finding]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from checklist_app.domain.findings import Finding

if TYPE_CHECKING:
    from checklist_app.rules.context import Context
    from checklist_app.rules.policy import Rule


class Params(BaseModel):
    """Base of every check's parameters; fields named ``item`` or ``*_item`` must be form item ids."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def referenced_items(self) -> Iterator[str]:
        """Item ids these parameters refer to, for checking a policy against its form."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if (name == "item" or name.endswith("_item")) and isinstance(value, str):
                yield value


class NoParams(Params):
    """For checks that take no parameters."""


CheckFn = Callable[["Context", "Rule", Any], Iterable[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its parameter model and function; ``runs_last`` sees the others' findings."""

    name: str
    params: type[Params]
    fn: CheckFn
    runs_last: bool = False


CHECKS: dict[str, CheckSpec] = {}


def check(name: str, params: type[Params] = NoParams, runs_last: bool = False) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under ``name``."""

    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} registered twice")
        CHECKS[name] = CheckSpec(name, params, fn, runs_last)
        return fn

    return register


def load_checks() -> dict[str, CheckSpec]:
    """Import the check modules (which register themselves) and return the registry."""
    from checklist_app.rules import checks  # noqa: F401  (import registers)

    return CHECKS
