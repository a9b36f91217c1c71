"""Fixtures for the rules tests: the shipped form and policy, and a record builder.

The builder starts from ``forms/examples/clean.json`` (a ready patient with no findings), applies the
test's changes, parses the result exactly as a saved record is parsed (``parse_record``) and evaluates it
with the shipped policy at a fixed moment. Tests read the outcome by rule id, so each one says which rule
it expects and nothing else can slip in unnoticed.

Times are written as a nurse types them (``YYYY-MM-DDTHH:MM``, workstation-local), counted back from the
clean record's scheduled start with ``checklist.before(hours, minutes)``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from checklist_app import resources
from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.record import RecordEnvelope, parse_record
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.rules import PolicyDefinition, evaluate, load_form, load_policy_for

EXAMPLES_DIR = resources.data_root() / "forms" / "examples"
CLEAN_PATH = EXAMPLES_DIR / "clean.json"
NOW_TEXT = "2026-11-21T10:00"  # the moment the examples are checked at (as in expected.yaml)
START = datetime(2026, 12, 1, 8, 30)  # clean.json's scheduled start
LAB_DATE = "2026-11-18"  # clean.json's lab date


def iso(moment: datetime) -> str:
    """A naive local date-time as typed in the form."""
    return moment.strftime("%Y-%m-%dT%H:%M")


@dataclass
class Outcome:
    """One evaluation, read by rule id."""

    evaluation: Evaluation
    record: RecordEnvelope

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.evaluation.findings

    @property
    def hard(self) -> set[str]:
        """Rule ids of every hard stop."""
        return {f.rule_id for f in self.evaluation.hard_stops}

    @property
    def warnings(self) -> set[str]:
        """Rule ids of every warning."""
        return {f.rule_id for f in self.evaluation.warnings}

    @property
    def derived(self) -> dict[str, Any]:
        return self.evaluation.derived

    def of(self, rule_id: str) -> list[Finding]:
        """The findings of one rule."""
        return [f for f in self.findings if f.rule_id == rule_id]

    def severity(self, rule_id: str) -> str | None:
        """'hard_stop', 'warning' or None for one rule that gives at most one finding."""
        found = self.of(rule_id)
        assert len(found) <= 1, f"{rule_id} gave {len(found)} findings: {[f.key for f in found]}"
        return found[0].severity if found else None

    def summary(self) -> list[tuple[str, str, str]]:
        """(severity, key, message) of each finding, for assertion messages."""
        return [(f.severity, f.key, f.message) for f in self.findings]


class Checklist:
    """Builds a record from the clean example plus changes, parses it and evaluates it."""

    start = START

    def __init__(self, form: FormDefinition, policy: PolicyDefinition, clean: dict[str, Any]) -> None:
        self.form = form
        self.policy = policy
        self.clean = clean

    def __call__(self, changes: dict[str, Any] | None = None, *, remove: tuple[str, ...] | list[str] = (),
                 now: str = NOW_TEXT, overrides: tuple[str, ...] | list[str] = (),
                 acknowledgements: tuple[str, ...] | list[str] = ()) -> Outcome:
        data = copy.deepcopy(self.clean)
        answers = data["answers"]
        answers.update(copy.deepcopy(changes or {}))
        for item_id in remove:
            answers.pop(item_id, None)
        if overrides or acknowledgements:
            # Keys given without their "@fingerprint" name the finding as it is shown for these answers,
            # as a physician or nurse acts on the finding on screen.
            shown = {f.key.split("@")[0]: f.key for f in self(changes, remove=remove, now=now).findings}
            overrides = [shown.get(k, k) for k in overrides]
            acknowledgements = [shown.get(k, k) for k in acknowledgements]
        data["overrides"] = [
            {"finding_key": key, "physician_id": "md.test", "at": "2026-11-21T09:00",
             "reason": "Test override with a reason."}
            for key in overrides
        ]
        data["acknowledgements"] = [
            {"finding_key": key, "by": "rn.test", "at": "2026-11-21T09:00", "note": "Told the proceduralist."}
            for key in acknowledgements
        ]
        moment = parse_datetime(now)
        record = parse_record(data, self.form, moment)
        return Outcome(evaluate(self.form, record, self.policy, moment), record)

    # --- helpers for building answers ---------------------------------------------------------------

    def before(self, hours: float = 0, minutes: float = 0, start: datetime | None = None) -> str:
        """The time ``hours`` h ``minutes`` min before the scheduled start."""
        return iso((start or self.start) - timedelta(hours=hours, minutes=minutes))

    @staticmethod
    def med(agent: str, last_dose: str | None, frequency: str = "daily", dose: str = "1 tablet") -> dict[str, Any]:
        """One medication entry."""
        entry: dict[str, Any] = {"agent": agent, "dose": dose, "frequency": frequency}
        if last_dose is not None:
            entry["last_dose"] = last_dose
        return entry

    @staticmethod
    def lab(value: float, unit: str, date: str = LAB_DATE) -> dict[str, Any]:
        """A dated lab result."""
        return {"value": value, "unit": unit, "date": date}

    @staticmethod
    def crcl_patient(weight_kg: float, creatinine: float = 1.0, unit: str = "mg/dL") -> dict[str, Any]:
        """A man of 68 at the start: Cockcroft-Gault gives (140-68) x W / (72 x SCr) = W / SCr mL/min."""
        return {
            "sex": "male",
            "date_of_birth": "1958-06-01",
            "weight_kg": weight_kg,
            "creatinine": {"value": creatinine, "unit": unit, "date": LAB_DATE},
        }


@pytest.fixture(scope="session")
def form() -> FormDefinition:
    return load_form()


@pytest.fixture(scope="session")
def policy(form: FormDefinition) -> PolicyDefinition:
    return load_policy_for(form)


@pytest.fixture(scope="session")
def clean_data() -> dict[str, Any]:
    return json.loads(CLEAN_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def checklist(form: FormDefinition, policy: PolicyDefinition, clean_data: dict[str, Any]) -> Checklist:
    return Checklist(form, policy, clean_data)


def policy_variant(policy: PolicyDefinition, *, glp1_approach: str | None = None,
                   sections_on: tuple[str, ...] | None = None) -> PolicyDefinition:
    """The shipped policy with the site's choices a site makes in its own file: the GLP-1 guidance followed,
    the optional sections switched on."""
    changes: dict[str, Any] = {}
    if glp1_approach is not None:
        assert policy.glp1 is not None
        changes["glp1"] = policy.glp1.model_copy(update={"approach": glp1_approach})
    if sections_on is not None:
        changes["sections_on"] = sections_on
    return policy.model_copy(update=changes)


@pytest.fixture(scope="session")
def checklist_with(form: FormDefinition, policy: PolicyDefinition, clean_data: dict[str, Any]):
    """``checklist_with(glp1_approach="asa-2023")``: a Checklist evaluated with that variant of the policy."""
    def make(**choices: Any) -> Checklist:
        return Checklist(form, policy_variant(policy, **choices), clean_data)
    return make
