"""Every YAML file is parsed by one loader (``resources.load_yaml``/``parse_yaml``, libyaml's safe loader): a
bad file is named with its line and column, and the definition files keep their one-line messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checklist_app import resources
from checklist_app.domain.errors import FormDefinitionError
from checklist_app.domain.loading import read_data

ROOT = Path(__file__).parents[2]


def test_bad_yaml_names_the_file_the_line_and_the_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("facility_name: Riverside\nphone: [unclosed\n")
    with pytest.raises(resources.YamlError) as caught:
        resources.load_yaml(path)
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(path), 3, 1)
    assert str(caught.value) == f"{path}, line 3, column 1: not valid YAML: did not find expected ',' or ']'"
    assert isinstance(caught.value, ValueError)


def test_the_loader_is_safe_and_gives_the_same_values_as_pyyaml(tmp_path):
    yaml = pytest.importorskip("yaml")
    path = tmp_path / "data.yaml"
    path.write_text("when: 2026-11-21\nyes_no: [yes, no, 'yes']\nn: 0x10\n")
    assert resources.load_yaml(path) == yaml.safe_load(path.read_text())
    path.write_text("bad: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(resources.YamlError, match="could not determine a constructor"):
        resources.load_yaml(path)


def test_a_definition_files_message_is_unchanged(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\nid: x\nsections: [\n")
    with pytest.raises(FormDefinitionError) as caught:
        read_data(path, FormDefinitionError)
    assert str(caught.value) == f"{path}: line 4: not valid YAML: did not find expected node content"


def test_nothing_but_resources_parses_yaml_in_the_core():
    """Every YAML file, the GUI's included, is parsed by resources.py."""
    package = ROOT / "checklist_app"
    importing = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                       if re.search(r"^\s*(import yaml|from yaml\b)", p.read_text(encoding="utf-8"), re.MULTILINE))
    assert importing == ["resources.py"]
