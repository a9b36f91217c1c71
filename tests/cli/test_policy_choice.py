"""The policy comes from the installation: a record (or ``--policy``) names an installed policy by id and,
optionally, version; a path, ``..``, an absolute name, an unknown id or another version is refused with exit 2,
naming the field and the installed choices. The policy's SHA-256 travels with the evaluation."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from checklist_app import resources
from checklist_app.cli import EXIT_INVALID, EXIT_NO, EXIT_OK, main
from checklist_app.rules import load_form, load_policy_file, load_policy_for

NOW = "2026-11-21T10:00"
POLICIES = resources.data_root() / "forms" / "policies"
INSTALLED = "installed: asra-2018 v2026.12-1, sir-2019 v2026.12-1"


def record_file(tmp_path, name: str = "hard-inr", **changes) -> str:
    data = json.loads(resources.form_path(f"examples/{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return str(path)


def copy_without_inr_rules(tmp_path):
    """The attack: the site's policy copied, its INR rules taken out, the id and version left as they were."""
    policy = yaml.safe_load((POLICIES / "sir-2019.yaml").read_text(encoding="utf-8"))
    policy["rules"] = [r for r in policy["rules"] if not r["id"].startswith("LAB-01-inr")]
    path = tmp_path / "sir-2019.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


def test_a_record_naming_a_copied_policy_file_is_refused(tmp_path, capsys):
    copy = copy_without_inr_rules(tmp_path)
    assert load_policy_file(load_form(), copy).version == "2026.12-1"  # the copy itself is a valid policy
    record = record_file(tmp_path, policy_id=str(copy))
    assert main(["check", record, "--now", NOW]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"record policy_id: '{copy}' is a file path" in err and INSTALLED in err
    assert main(["render", record, "--out", str(tmp_path / "out"), "--now", NOW]) == EXIT_INVALID
    assert "record policy_id" in capsys.readouterr().err and not (tmp_path / "out").exists()
    assert main(["check", record_file(tmp_path), "--policy", str(copy), "--now", NOW]) == EXIT_INVALID
    assert "--policy: " in capsys.readouterr().err
    assert main(["check", record_file(tmp_path), "--now", NOW]) == EXIT_NO  # the installed policy stops the INR


@pytest.mark.parametrize(("policy_id", "problem"), [
    ("../policies/sir-2019", "is a file path"),
    ("..", "is a file path"),
    ("/etc/passwd", "is a file path"),
    (str(POLICIES / "sir-2019.yaml"), "is a file path"),
    ("sir-2019.yaml", "is a file path"),
    ("policies\\sir-2019", "is a file path"),
    ("nosuch", "no policy 'nosuch' is installed at this site"),
    ("p" * 300, "is installed at this site"),
])
def test_paths_and_unknown_ids_exit_2_naming_the_field_and_the_choices(tmp_path, capsys, policy_id, problem):
    assert main(["check", record_file(tmp_path, "clean", policy_id=policy_id), "--now", NOW]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert err.startswith("error: record policy_id: ") and problem in err and INSTALLED in err
    assert "Traceback" not in err


def test_the_record_may_name_the_version_and_it_must_be_the_installed_one(tmp_path, capsys):
    assert main(["check", record_file(tmp_path, "clean", policy_version="2026.12-1"), "--now", NOW]) == EXIT_OK
    capsys.readouterr()
    assert main(["check", record_file(tmp_path, "clean", policy_version="2019.1"), "--now", NOW]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "record policy_version: policy sir-2019 version '2019.1' is not installed at this site" in err
    assert INSTALLED in err


def test_an_installed_file_must_carry_the_id_it_is_installed_under(tmp_path, monkeypatch, capsys):
    """A policy dropped in under another file name would print one id and apply another's rules."""
    root = tmp_path / "root"
    (root / "forms").mkdir(parents=True)
    (root / "resources").symlink_to(resources.data_root() / "resources")
    for name in ("vertebral_augmentation.yaml", "examples"):
        (root / "forms" / name).symlink_to(resources.data_root() / "forms" / name)
    (root / "forms" / "policies").mkdir()
    (root / "forms" / "policies" / "sir-2019.yaml").write_text((POLICIES / "sir-2019.yaml").read_text())
    (root / "forms" / "policies" / "local.yaml").write_text((POLICIES / "sir-2019.yaml").read_text())
    monkeypatch.setattr(resources, "data_root", lambda: root)
    assert main(["check", record_file(tmp_path, "clean", policy_id="local"), "--now", NOW]) == EXIT_INVALID
    assert "the installed file local.yaml says it is policy 'sir-2019', not 'local'" in capsys.readouterr().err


def test_the_policy_hash_is_in_checks_output_and_validate_form_gives_the_same(tmp_path, capsys):
    expected = load_policy_for(load_form(), "sir-2019").content_sha256
    assert main(["check", record_file(tmp_path, "clean"), "--now", NOW, "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["policy_sha256"] == expected
    assert main(["check", record_file(tmp_path, "clean"), "--now", NOW]) == EXIT_OK
    assert f"Policy sir-2019 v2026.12-1 (SHA-256 {expected})" in capsys.readouterr().out
    assert main(["validate-form", str(POLICIES / "sir-2019.yaml")]) == EXIT_OK
    assert capsys.readouterr().out.rstrip().endswith(f"SHA-256 {expected}")


def test_the_policy_hash_follows_the_rules_not_the_layout(tmp_path):
    form = load_form()
    shipped = load_policy_for(form, "sir-2019").content_sha256
    text = (POLICIES / "sir-2019.yaml").read_text(encoding="utf-8")
    relaid = tmp_path / "relaid.yaml"  # comments gone, keys reordered, same content
    relaid.write_text(yaml.safe_dump(yaml.safe_load(text), sort_keys=True))
    assert load_policy_file(form, relaid).content_sha256 == shipped
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("above: 1.8", "above: 2.8", 1))
    assert "above: 1.8" in text and load_policy_file(form, changed).content_sha256 != shipped
    # A variant is hashed merged with its base: a change to the base changes the variant's hash.
    (tmp_path / "sir-2019.yaml").write_text(changed.read_text())
    (tmp_path / "asra-2018.yaml").write_text((POLICIES / "asra-2018.yaml").read_text())
    assert (load_policy_file(form, tmp_path / "asra-2018.yaml").content_sha256
            != load_policy_for(form, "asra-2018").content_sha256)
    # The same in another process (no dependence on set order or the interpreter's hash seed).
    code = ("from checklist_app.rules import load_form, load_policy_for; "
            "print(load_policy_for(load_form(), 'sir-2019').content_sha256)")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert other.stdout.strip() == shipped
