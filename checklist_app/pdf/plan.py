"""The physician-set discharge values for one patient: the record's ``discharge_plan`` answers, else the
clinic's defaults from forms/site.yaml. Both PDFs use this, so the checklist shows exactly the values
the patient's sheet was printed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checklist_app.domain.site import DischargeDefaults

# Form item id -> DischargeDefaults field. Items not listed (extra instructions, large print) have no default.
PLAN_ITEMS = {
    "dc_rest_hours": "rest_hours",
    "dc_no_lifting_weeks": "no_lifting_weeks",
    "dc_fever_call_f": "fever_call_f",
    "dc_follow_up": "follow_up",
}


@dataclass(frozen=True)
class DischargePlan:
    """Values printed on the discharge sheet."""

    rest_hours: int
    no_lifting_weeks: int
    fever_call_f: float
    ice_days: int
    no_driving_days: int
    sedation_precaution_hours: int
    procedure_minutes: int
    follow_up: str
    follow_up_typed: bool  # typed for this patient (the clinic's default otherwise)
    extra_instructions: str
    large_print: bool

    @property
    def fever_call_c(self) -> float:
        """The fever threshold in Celsius, rounded to one decimal (100.0 F -> 37.8 C)."""
        return round((self.fever_call_f - 32) * 5 / 9, 1)


def resolve_plan(answer: Any, defaults: DischargeDefaults) -> DischargePlan:
    """Build the plan; ``answer(item_id)`` returns a visible answer or None."""
    values: dict[str, Any] = {}
    for item_id, name in PLAN_ITEMS.items():
        value = answer(item_id)
        if value is not None and value != "":
            values[name] = value
        else:
            values[name] = getattr(defaults, name)
    return DischargePlan(
        rest_hours=int(values["rest_hours"]),
        no_lifting_weeks=int(values["no_lifting_weeks"]),
        fever_call_f=float(values["fever_call_f"]),
        ice_days=defaults.ice_days,
        no_driving_days=defaults.no_driving_days,
        sedation_precaution_hours=defaults.sedation_precaution_hours,
        procedure_minutes=defaults.procedure_minutes,
        follow_up=str(values["follow_up"]),
        follow_up_typed=answer("dc_follow_up") not in (None, ""),
        extra_instructions=str(answer("dc_extra_instructions") or ""),
        large_print=bool(answer("dc_large_print")),
    )


def default_text(item_id: str, defaults: DischargeDefaults) -> str | None:
    """What the sheet uses when a plan item is left blank, in words for the checklist."""
    name = PLAN_ITEMS.get(item_id)
    if name is None:
        return None
    value = getattr(defaults, name)
    units = {"rest_hours": " h", "no_lifting_weeks": " weeks", "fever_call_f": " °F"}
    shown = f"{value:.1f}" if isinstance(value, float) else str(value)
    return f"{shown}{units.get(name, '')} (clinic default; not set for this patient)" if shown else None
