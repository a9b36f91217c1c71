"""The shipped example records give what forms/examples/expected.yaml says, in the engine and through
``python -m checklist_app check`` (in-process with ``cli.main``, plus one real subprocess run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from checklist_app import cli, resources
from checklist_app.domain.record import parse_record
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.rules import evaluate

NOW = "2026-11-21T10:00"
EXAMPLES = resources.data_root() / "forms" / "examples"
EXPECTED = yaml.safe_load((EXAMPLES / "expected.yaml").read_text(encoding="utf-8"))
NAMES = sorted(EXPECTED)


def _evaluate(form, policy, name):
    now = parse_datetime(NOW)
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    record = parse_record(data, form, now)
    return evaluate(form, record, policy, now)


def test_every_example_file_is_listed_and_every_listed_example_exists():
    files = sorted(p.stem for p in EXAMPLES.glob("*.json"))
    assert files == NAMES
    assert sorted(p.stem for p in resources.example_records()) == files


def test_there_is_an_example_for_each_kind_of_hard_stop():
    stops = {rule for spec in EXPECTED.values() for rule in spec["hard_stops"]}
    assert len(stops) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_example_gives_its_expected_findings(form, policy, name):
    spec = EXPECTED[name]
    result = _evaluate(form, policy, name)
    hard = sorted({f.rule_id for f in result.hard_stops})
    assert hard == sorted(spec["hard_stops"]), [(f.key, f.message) for f in result.findings]
    warnings = {f.rule_id for f in result.warnings}
    assert set(spec["warnings_include"]) <= warnings
    assert result.cleared is spec.get("cleared_by_its_override", spec["exit"] == 0)


def test_clean_example_has_no_findings_at_all(form, policy):
    assert _evaluate(form, policy, "clean").findings == ()


def test_overridden_example_is_cleared_by_its_override(form, policy):
    result = _evaluate(form, policy, "overridden")
    assert [f.key for f in result.hard_stops] == ["INF-01-fever:temperature@9ce2cd1f"]
    assert result.overridden == {"INF-01-fever:temperature@9ce2cd1f"}
    assert result.cleared


@pytest.mark.parametrize("name", NAMES)
def test_check_command_exit_status(name, capsys):
    path = str(EXAMPLES / f"{name}.json")
    status = cli.main(["check", path, "--now", NOW])
    out, err = capsys.readouterr()
    assert status == EXPECTED[name]["exit"], out + err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("name", ["clean", "overridden", "warnings-only", "hard-missing-labs"])
def test_check_command_json_lists_the_expected_hard_stops(name, capsys):
    status = cli.main(["check", str(EXAMPLES / f"{name}.json"), "--now", NOW, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == EXPECTED[name]["exit"]
    assert data["valid"] is True
    assert sorted({f["rule_id"] for f in data["findings"] if f["severity"] == "hard_stop"}) == \
        sorted(EXPECTED[name]["hard_stops"])
    assert data["cleared"] is (EXPECTED[name]["exit"] == 0)


@pytest.mark.parametrize("name, status", [("clean", 0), ("hard-anticoagulant-hold", 1)])
def test_real_entry_point(name, status, tmp_path):
    env = {**os.environ, "CHECKLIST_APP_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "checklist_app", "check", str(EXAMPLES / f"{name}.json"), "--now", NOW],
        capture_output=True, text=True, timeout=60, env=env, cwd=resources.data_root(),
    )
    assert done.returncode == status, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    if status:
        assert "Apixaban" in done.stdout
