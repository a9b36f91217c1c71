"""Guidance a site selects as a whole rather than rule by rule: how GLP-1 receptor agonists are handled.

Read by the GLP-1 checks (``rules/checks/glp1.py``) and by anything that plans days ahead (the patient's
calendar): under ``asa-2023`` every patient holds the drug for the hold window; under ``ms-2024`` most patients
continue it, and those at higher aspiration risk keep to a liquid diet for ``liquid_diet_hours`` before the
procedure and the anesthesia team is told. Every number carries its source id.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# What raises the aspiration risk under the 2024 multi-society guidance, as the form records it:
# dose_escalation (glp1_escalation_phase), weekly_dosing (the entry's frequency), gi_symptoms (glp1_gi_symptoms),
# delayed_gastric_emptying (aspiration_risk: reflux, gastroparesis, bowel obstruction).
Glp1RiskFactor = Literal["dose_escalation", "weekly_dosing", "gi_symptoms", "delayed_gastric_emptying"]


class Glp1HoldWindows(BaseModel):
    """ASA 2023: a daily agent is not taken on the procedure day; a weekly one not within ``weekly_hours``.
    Under ms-2024 these are the intervals that apply when the drug is held after all."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    daily: Literal["not_on_procedure_day"] = "not_on_procedure_day"
    weekly_hours: float = Field(gt=0, le=336)
    source: str


class Glp1RiskBased(BaseModel):
    """The 2024 multi-society approach: who counts as higher risk, and the liquid diet they keep to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    higher_risk_when: tuple[Glp1RiskFactor, ...] = Field(min_length=1)
    liquid_diet_hours: float = Field(gt=0, le=72)
    source: str


class Glp1Guidance(BaseModel):
    """Which GLP-1 guidance the site follows, the agents it covers, and the numbers of both approaches."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    approach: Literal["asa-2023", "ms-2024"]
    agents: tuple[str, ...] = Field(min_length=1)
    hold_windows: Glp1HoldWindows
    risk_based: Glp1RiskBased
