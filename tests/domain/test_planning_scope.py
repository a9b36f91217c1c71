"""The shipped planning scope names only items the shipped form has."""

from pathlib import Path

import pytest

from checklist_app import resources
from checklist_app.domain.planning import PlanningScopeError, load_planning_scope


def _form_item_ids() -> set[str]:
    form = resources.load_yaml(resources.form_path("vertebral_augmentation.yaml"))
    return {item["id"] for section in form["sections"] for item in section.get("items", [])}


def test_shipped_scope_matches_the_form():
    scope = load_planning_scope(resources.form_path("planning.yaml"))
    scope.check_against(_form_item_ids())
    assert "inr" in scope.ready_requires and "last_clear_liquid" not in scope.ahead_items


def test_unknown_item_is_named(tmp_path: Path):
    bad = tmp_path / "planning.yaml"
    bad.write_text("schema_version: 1\nform: vertebral_augmentation\nahead_items: [inr, no_such_item]\n")
    with pytest.raises(PlanningScopeError, match="no_such_item"):
        load_planning_scope(bad).check_against(_form_item_ids())


def test_required_must_be_asked_ahead(tmp_path: Path):
    bad = tmp_path / "planning.yaml"
    bad.write_text("schema_version: 1\nform: vertebral_augmentation\nahead_items: [inr]\n"
                   "ready_requires: [platelets]\n")
    with pytest.raises(PlanningScopeError, match="platelets"):
        load_planning_scope(bad).check_against(_form_item_ids())
