"""Each malformed form gives one clear error naming the item and the fix (npe2-style mutators).

Every case starts from a valid form, changes one thing, and expects the text in the mutator's docstring.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from checklist_app.cli import main
from checklist_app.domain.errors import FormDefinitionError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.loading import load_definition, validate_data

MINIMAL = Path(__file__).parents[1] / "data" / "forms" / "minimal.yaml"


def _items(data):
    return data["sections"][0]["items"]


def unknown_kind(data):
    """item 'weight' in section 'basics'|unknown kind 'numbr'"""
    _items(data)[1]["kind"] = "numbr"


def duplicate_id(data):
    """id 'name' is used twice"""
    _items(data).append({"id": "name", "kind": "text", "label": "Again"})


def show_if_nowhere(data):
    """show_if points at 'sedaton'"""
    _items(data)[3]["show_if"] = {"item": "sedaton", "equals": "moderate"}


def show_if_forward(data):
    """item 'name' (section 'basics'): show_if points at 'weight', which is not an item before it"""
    _items(data)[0]["show_if"] = {"item": "weight", "above": 50}


def bad_range(data):
    """item 'weight' in section 'basics'|min (400) must be below max (350)"""
    _items(data)[1]["min"] = 400


def empty_options(data):
    """item 'sedation' in section 'basics', key 'options'|needs at least 1 entry"""
    _items(data)[2]["options"] = []


def duplicate_option(data):
    """option 'none' is listed twice"""
    _items(data)[2]["options"].append({"value": "none", "label": "Again"})


def condition_two_ops(data):
    """needs exactly one of"""
    _items(data)[3]["show_if"] = {"item": "sedation", "equals": "moderate", "in": ["none"]}


def bad_id(data):
    """is not a valid id"""
    _items(data)[0]["id"] = "Patient Name"


def unknown_key(data):
    """unknown key 'colour'"""
    _items(data)[0]["colour"] = "red"


def missing_label(data):
    """'label' is required here"""
    del _items(data)[0]["label"]


def bad_pattern(data):
    """pattern is not a valid regular expression"""
    _items(data)[0]["pattern"] = "([a-z"


def not_after_nowhere(data):
    """not_after 'procedure_start' must name a date-time item"""
    _items(data)[3]["not_after"] = "procedure_start"


def alias_on_two_options(data):
    """item 'sedation' in section 'basics'|alias 'Q D' is given to both|an alias must find one option"""
    options = _items(data)[2]["options"]
    options[0]["aliases"] = ["qd"]
    options[1]["aliases"] = ["Q D"]


def empty_alias(data):
    """item 'sedation' in section 'basics'|at least 1 character"""
    _items(data)[2]["options"][0]["aliases"] = [""]


MUTATORS = [unknown_kind, duplicate_id, show_if_nowhere, show_if_forward, bad_range, empty_options,
            duplicate_option, condition_two_ops, bad_id, unknown_key, missing_label, bad_pattern, not_after_nowhere,
            alias_on_two_options, empty_alias]


def test_minimal_form_is_valid():
    form = load_definition(MINIMAL, FormDefinition, FormDefinitionError)
    assert [i.id for i in form.iter_items()] == ["name", "weight", "sedation", "last_drink"]


@pytest.mark.parametrize("mutate", MUTATORS, ids=lambda m: m.__name__)
def test_malformed_form_names_item_and_fix(mutate):
    data = yaml.safe_load(MINIMAL.read_text())
    mutate(data)
    with pytest.raises(FormDefinitionError) as info:
        validate_data(copy.deepcopy(data), FormDefinition, "bad.yaml", FormDefinitionError)
    text = str(info.value)
    assert text.startswith("bad.yaml: ")
    assert "\n" not in text
    for expected in mutate.__doc__.split("|"):
        assert expected in text


@pytest.mark.parametrize("mutate", [unknown_kind, duplicate_id, show_if_nowhere, bad_range], ids=lambda m: m.__name__)
def test_validate_form_command_exits_2_with_one_line(mutate, tmp_path, capsys):
    data = yaml.safe_load(MINIMAL.read_text())
    mutate(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data))
    assert main(["validate-form", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(bad) in err and "Traceback" not in err


def test_yaml_syntax_error_names_line(tmp_path, capsys):
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema_version: 1\nid: x\nsections: [\n")
    assert main(["validate-form", str(bad)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    assert main(["validate-form", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err
