"""Everything shipped in forms/ validates and hangs together (qutebrowser's test_configdata idea)."""

from __future__ import annotations

import json

import pytest

from checklist_app import resources
from checklist_app.cli import main
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import ChoiceItem, MultiChoiceItem, RepeatItem
from checklist_app.domain.site import load_site
from checklist_app.rules import load_form, load_policy_for

FORMS = resources.data_root() / "forms"


def test_shipped_form_loads():
    form = load_form()
    ids = [i.id for i in form.iter_items()]
    for needed in ("patient_name", "date_of_birth", "mrn", "wristband_scan", "identifiers_verified", "procedure_type",
                   "levels", "scheduled_start", "sedation_type", "consent_signed", "site_marked", "last_clear_liquid",
                   "allergies", "medications", "temperature", "pregnancy_status", "ecg_done", "inr", "platelets",
                   "hemoglobin", "creatinine", "crcl", "egfr", "imaging_levels", "retropulsion", "can_lie_prone",
                   "antibiotic_prophylaxis", "escort_present", "preferred_language", "interpreter_needed",
                   "teach_back_done"):
        assert needed in ids


def test_levels_cover_c1_to_s1():
    levels = load_form().item("levels")
    assert isinstance(levels, MultiChoiceItem)
    values = levels.option_values()
    assert values[0] == "C1" and values[-1] == "S1" and "T1" in values and "L5" in values and len(values) == 25


@pytest.mark.parametrize("path", sorted(FORMS.glob("policies/*.yaml")), ids=lambda p: p.name)
def test_every_policy_validates_and_fits_the_form(path):
    form = load_form()
    policy = load_policy_for(form, path.stem)  # an installed policy, by id
    for rule in policy.rules:
        assert rule.source in policy.sources
    assert main(["validate-form", str(path)]) == 0


def test_every_medicine_agent_on_the_form_is_decided_by_the_policy():
    """A blood thinner on the form that the policy forgot would silently pass."""
    form, policy = load_form(), load_policy_for(load_form())
    meds = form.item("medications")
    assert isinstance(meds, RepeatItem)
    agent = meds.field("agent")
    assert isinstance(agent, ChoiceItem)
    glp1 = {"semaglutide", "dulaglutide", "tirzepatide", "liraglutide", "exenatide"}
    undecided = set(agent.option_values()) - set(policy.medicines) - glp1 - {"metformin", "insulin", "other"}
    assert not undecided


def test_unconfirmed_sources_are_flagged_in_findings_metadata():
    policy = load_policy_for(load_form())
    unconfirmed = [k for k, s in policy.sources.items() if s.confidence == "UNCONFIRMED"]
    assert "LOCAL-ESCORT" in unconfirmed and "PREGNANCY-AGE-BAND" in unconfirmed


def test_site_settings_load():
    site = load_site(FORMS / "site.yaml")
    assert site.discharge_defaults.rest_hours == 24
    assert site.discharge_defaults.no_lifting_weeks == 6
    assert site.discharge_defaults.fever_call_f == 100.0


def test_form_schema_for_editors_is_current():
    """forms/schema/form.schema.json is what `schema --of form` prints (regenerate it when models change)."""
    shipped = json.loads((FORMS / "schema" / "form.schema.json").read_text())
    assert shipped == FormDefinition.model_json_schema()


def test_schema_command_prints_record_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    answers = schema["$defs"][next(k for k in schema["$defs"] if k.startswith("Answers_"))]
    assert "inr" in answers["properties"] and "weight_kg" in answers["properties"]
