"""The 2024-2025 guidance is policy data a site can read and change, and a mistake in it is refused with the
place named: medicine variants (dose intensity, why aspirin is taken), override reasons, the GLP-1 choice,
optional sections. Also what the patient's calendar reads: the GLP-1 approach and its liquid diet."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checklist_app import resources
from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.rules import load_form, load_policy_file, load_policy_for

POLICIES = resources.data_root() / "forms" / "policies"


@pytest.fixture(scope="module")
def form():
    return load_form()


def _variant(tmp_path: Path, body: dict) -> Path:
    (tmp_path / "sir-2019.yaml").write_text((POLICIES / "sir-2019.yaml").read_text())
    path = tmp_path / "local.yaml"
    path.write_text(yaml.safe_dump({"schema_version": 1, "extends": "sir-2019", "id": "local", "version": "1",
                                    "title": "Local", **body}))
    return path


def _enoxaparin(**changes):
    base = {"name": "Enoxaparin", "action": "hold", "rows": [{"hours": 24}], "depends_on": "dose_intensity",
            "variants": {"low": {"label": "low dose", "rows": [{"hours": 12}]}}, "restart": "12 hours after the "
            "procedure", "restart_hours": 12, "drug_class": "anticoagulant", "source": "SIR2019-HOLDS"}
    return {"medicines": {"enoxaparin": {**base, **changes}}}


def test_a_site_variant_with_its_own_intensity_rows_loads(tmp_path, form):
    policy = load_policy_file(form, _variant(tmp_path, _enoxaparin()))
    med, label = policy.medicines["enoxaparin"].for_entry({"agent": "enoxaparin", "dose_intensity": "low"})
    assert label == "low dose" and med.rows[0].hours == 12
    med, label = policy.medicines["enoxaparin"].for_entry({"agent": "enoxaparin"})
    assert label == "" and med.rows[0].hours == 24


@pytest.mark.parametrize(("changes", "words"), [
    ({"variants": {"medium": {"label": "medium", "rows": [{"hours": 12}]}}},
     "variant 'medium' is not an option of medications/dose_intensity"),
    ({"depends_on": "dose"}, "depends_on 'dose' is not a choice field"),
    ({"depends_on": None}, "give 'depends_on' and 'variants' together"),
    ({"variants": {"low": {"label": "low dose", "rows": [{"hours": 12}], "source": "NOWHERE"}}},
     "source 'NOWHERE' is not listed"),
    ({"override_reasons": [{"id": "drug_level", "label": "Drug level", "source": "NOWHERE"}]},
     "source 'NOWHERE' is not listed"),
])
def test_a_wrong_variant_is_refused_with_the_medicine_named(tmp_path, form, changes, words):
    with pytest.raises(PolicyDefinitionError, match="enoxaparin|Enoxaparin") as caught:
        load_policy_file(form, _variant(tmp_path, _enoxaparin(**changes)))
    assert words in str(caught.value)


@pytest.mark.parametrize(("glp1", "words"), [
    ({"approach": "hold-everything"}, "approach"),
    ({"agents": ["semaglutide", "ozempic"]}, "agent 'ozempic' is not an option"),
    ({"risk_based": {"higher_risk_when": ["obesity"], "liquid_diet_hours": 24, "source": "GLP1-MS-2024"}},
     "'obesity' is not allowed; expected 'dose_escalation'"),
    ({"hold_windows": {"weekly_hours": 168, "source": "NOWHERE"}}, "glp1: source 'NOWHERE' is not listed"),
])
def test_a_wrong_glp1_choice_is_refused(tmp_path, form, glp1, words):
    shipped = yaml.safe_load((POLICIES / "sir-2019.yaml").read_text())["glp1"]
    with pytest.raises(PolicyDefinitionError) as caught:
        load_policy_file(form, _variant(tmp_path, {"glp1": {**shipped, **glp1}}))
    assert words in str(caught.value)


def test_a_site_switches_to_the_asa_2023_windows_in_its_own_file(tmp_path, form):
    shipped = yaml.safe_load((POLICIES / "sir-2019.yaml").read_text())["glp1"]
    policy = load_policy_file(form, _variant(tmp_path, {"glp1": {**shipped, "approach": "asa-2023"},
                                                        "sections_on": ["coverage_us"]}))
    assert policy.glp1.approach == "asa-2023" and policy.sections_on == ("coverage_us",)


@pytest.mark.parametrize("policy_id", ["sir-2019", "asra-2018"])
def test_what_the_patient_calendar_reads_is_there_with_its_sources(form, policy_id):
    policy = load_policy_for(form, policy_id)
    glp1 = policy.glp1
    assert glp1.approach in ("asa-2023", "ms-2024")
    assert glp1.risk_based.liquid_diet_hours == 24 and glp1.risk_based.source in policy.sources
    assert glp1.hold_windows.weekly_hours == 168 and glp1.hold_windows.source in policy.sources
    assert set(glp1.agents) == {"semaglutide", "dulaglutide", "tirzepatide", "liraglutide", "exenatide"}
    for key in ("apixaban", "rivaroxaban", "dabigatran", "edoxaban"):
        assert [r.id for r in policy.medicines[key].override_reasons] == ["drug_level"]
    assert set(policy.medicines["aspirin"].variants) == {"primary_prevention", "secondary_prevention", "recent_stent"}
    assert policy.sections_on == ()  # coverage documentation is off until a site switches it on


def test_policy_version_was_bumped_for_the_guidance_data(form):
    assert load_policy_for(form, "sir-2019").version == "2026.12-1"
    assert load_policy_for(form, "asra-2018").version == "2026.12-1"


def test_a_variant_on_a_field_the_form_does_not_ask_for_that_medicine_is_refused(tmp_path, form):
    """Dose intensity is asked only for enoxaparin: a site making apixaban depend on it must ask it too."""
    apixaban = {"name": "Apixaban", "action": "hold", "rows": [{"hours": 72}], "depends_on": "dose_intensity",
                "variants": {"low": {"label": "low dose", "rows": [{"hours": 48}]}}, "source": "SIR2019-HOLDS"}
    with pytest.raises(PolicyDefinitionError, match="does not ask for apixaban: add it to that field's show_if"):
        load_policy_file(form, _variant(tmp_path, {"medicines": {"apixaban": apixaban}}))
