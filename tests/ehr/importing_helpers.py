"""Shared pieces of the import tests: the shipped example Bundles, the form and policy, a reader with the
examples' MRN system, and a fresh checklist state to import into."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from checklist_app.ehr.codes import CodeIndex
from checklist_app.ehr.fhir_import import read_bundle
from checklist_app.ehr.import_model import ImportResult
from checklist_app.rules import load_form, load_policy_for
from checklist_app.workflows.checklist_state import ChecklistState

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "forms" / "examples" / "fhir"
MRN_SYSTEM = "http://hospital.example.org/mrn"
NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # the evening before the procedure
PROCEDURE_MORNING = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
FORM = load_form()
POLICY = load_policy_for(FORM, "sir-2019", field="test")
INDEX = CodeIndex.build(FORM, POLICY)


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def read(bundle: dict[str, Any], origin: str = "FHIR Bundle file test.json", today: date | None = None) -> ImportResult:
    return read_bundle(copy.deepcopy(bundle), FORM, INDEX, origin=origin, mrn_system=MRN_SYSTEM,
                       today=today or NOW.date())


def fresh_state(**answers: Any) -> ChecklistState:
    state = ChecklistState.new(FORM, "t-import", "rn1", NOW, "sir-2019")
    for key, value in answers.items():
        state.set_answer(key, value)
    return state


def resource(bundle: dict[str, Any], ref: str) -> dict[str, Any]:
    kind, rid = ref.split("/")
    return next(e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == kind and e["resource"]["id"] == rid)
