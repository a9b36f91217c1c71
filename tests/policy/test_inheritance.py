"""A policy variant (``extends``) inherits everything it does not change, and is validated as a whole."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from checklist_app import resources
from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.domain.record import parse_record
from checklist_app.rules import evaluate, load_form, load_policy_file, load_policy_for

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
POLICIES = resources.data_root() / "forms" / "policies"


@pytest.fixture(scope="module")
def form():
    return load_form()


def test_asra_variant_inherits_and_overrides(form):
    sir, asra = load_policy_for(form, "sir-2019"), load_policy_for(form, "asra-2018")
    assert [r.id for r in asra.rules] == [r.id for r in sir.rules]
    assert asra.medicines["warfarin"] == sir.medicines["warfarin"]
    assert asra.medicines["apixaban"].rows[0].hours == 72
    assert asra.sources["ASRA2018-HOLDS"].confidence == "UNCONFIRMED"


def test_switching_policy_changes_the_verdict_without_code(form):
    data = json.loads(resources.form_path("examples/clean.json").read_text())
    record = parse_record(data, form, NOW)
    assert evaluate(form, record, load_policy_for(form, "sir-2019"), NOW).cleared
    asra = evaluate(form, record, load_policy_for(form, "asra-2018"), NOW)
    (stop,) = asra.open_hard_stops
    assert stop.rule_id == "MED-01-holds" and stop.unconfirmed and "3 days" in stop.message


def _variant(tmp_path, body: dict) -> Path:
    path = tmp_path / "local.yaml"
    (tmp_path / "sir-2019.yaml").write_text((POLICIES / "sir-2019.yaml").read_text())
    path.write_text(yaml.safe_dump({"schema_version": 1, "extends": "sir-2019", "id": "local", "version": "1",
                                    "title": "Local", **body}))
    return path


def test_a_site_changes_one_number(tmp_path, form):
    rule = {"id": "LAB-01-inr", "check": "value_limit", "severity": "hard_stop", "source": "SIR2019-LABS",
            "when": {"not": {"item": "liver_disease", "equals": True}},
            "params": {"item": "inr", "above": 1.5, "action": "Correct the INR."}}
    policy = load_policy_file(form, _variant(tmp_path, {"rules": [rule]}))
    assert next(r for r in policy.rules if r.id == "LAB-01-inr").parsed.above == 1.5


def test_remove_rules_and_unknown_ids(tmp_path, form):
    policy = load_policy_file(form, _variant(tmp_path, {"remove_rules": ["ESC-01-escort"]}))
    assert "ESC-01-escort" not in {r.id for r in policy.rules}
    with pytest.raises(PolicyDefinitionError, match="rule 'NOPE' is not in the base policy"):
        load_policy_file(form, _variant(tmp_path, {"remove_rules": ["NOPE"]}))


def test_a_broken_variant_is_refused_with_the_rule_named(tmp_path, form):
    bad = {"id": "LAB-01-inr", "check": "value_limit", "severity": "hard_stop", "source": "SIR2019-LABS",
           "params": {"item": "inr", "above": "high", "action": "x y z"}}
    with pytest.raises(PolicyDefinitionError, match="rule 'LAB-01-inr'"):
        load_policy_file(form, _variant(tmp_path, {"rules": [bad]}))


def test_missing_base(tmp_path, form):
    path = tmp_path / "orphan.yaml"
    path.write_text("schema_version: 1\nextends: nowhere\nid: o\nversion: '1'\ntitle: O\n")
    with pytest.raises(PolicyDefinitionError, match="no policy file 'nowhere.yaml'"):
        load_policy_file(form, path)
