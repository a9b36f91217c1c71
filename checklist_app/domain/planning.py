"""The pre-admission call's scope from ``forms/planning.yaml``: the form items settled days ahead, and those
a case must have by the site's readiness deadline.

Loaded like every definition file: a bad key or an id the form does not have is refused with the key named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from checklist_app.domain.errors import DefinitionError
from checklist_app.domain.loading import load_definition


class PlanningScopeError(DefinitionError):
    """forms/planning.yaml is malformed or names items the form does not have."""


class PlanningScope(BaseModel):
    """Which items the planning call asks, and which make a case ready."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    form: str
    ahead_items: tuple[str, ...] = Field(min_length=1)
    ready_requires: tuple[str, ...] = ()

    def check_against(self, item_ids: set[str], path: Path | str = "forms/planning.yaml") -> None:
        """Refuse ids the form does not have, and required items not asked ahead."""
        unknown = [i for i in (*self.ahead_items, *self.ready_requires) if i not in item_ids]
        if unknown:
            raise PlanningScopeError(path, "ahead_items", f"{', '.join(sorted(set(unknown)))}: not an item of "
                                     f"the form '{self.form}'.")
        not_ahead = [i for i in self.ready_requires if i not in self.ahead_items]
        if not_ahead:
            raise PlanningScopeError(path, "ready_requires", f"{', '.join(not_ahead)} must also be listed under "
                                     "ahead_items.")


def load_planning_scope(path: Path) -> PlanningScope:
    """Read and validate a planning scope file (its ids are checked against the form by ``check_against``)."""
    return load_definition(path, PlanningScope, PlanningScopeError)
