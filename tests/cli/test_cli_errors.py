"""Headless commands answer bad input and odd environments with one clear message and exit 2, never a
traceback, and use this site's chosen default policy."""

from __future__ import annotations

import json

import pytest

from checklist_app import resources
from checklist_app.cli import main

CLEAN = str(resources.form_path("examples/clean.json"))


def _clopidogrel_six_days_before(tmp_path):
    data = json.loads(resources.form_path("examples/hard-antiplatelet-hold.json").read_text())
    data.pop("policy_id")
    data["answers"]["medications"][0]["last_dose"] = "2026-11-25T08:00"  # 6 days: SIR 5 d passes, ASRA 7 d not
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_check_uses_the_sites_default_policy(tmp_path, monkeypatch, capsys):
    record = _clopidogrel_six_days_before(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    assert main(["check", record, "--now", "2026-11-21T10:00"]) == 0
    (data / "site.yaml").write_text("default_policy: asra-2018\n")
    assert main(["check", record, "--now", "2026-11-21T10:00"]) == 1
    assert "ASRA2018-HOLDS" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "expected"), [
    (["check", CLEAN, "--policy", "nosuch"],
     "--policy: no policy 'nosuch' is installed at this site; installed: asra-2018 v2026.12-1, sir-2019 v2026.12-1"),
    (["check", CLEAN, "--policy", "../../etc/passwd"], "--policy: '../../etc/passwd' is a file path"),
    (["check", CLEAN, "--now", "garbage"], "argument --now: 'garbage' is not a date and time"),
    (["render", CLEAN, "--out", "/tmp/x", "--now", "soon"], "argument --now"),
])
def test_bad_arguments_exit_2_with_a_sentence(args, expected, capsys):
    with pytest.raises(SystemExit) as info:
        code = main(args)
        raise SystemExit(code)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_record_naming_a_missing_policy(tmp_path, capsys):
    data = json.loads(resources.form_path("examples/clean.json").read_text())
    data["policy_id"] = "site-variant-retired"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert main(["check", str(path)]) == 2
    assert "record policy_id: no policy 'site-variant-retired' is installed" in capsys.readouterr().err


def test_extends_must_be_a_policy_id(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\nextends: ../../../etc/passwd\nid: p\nversion: '1'\ntitle: P\n")
    assert main(["validate-form", str(path)]) == 2
    assert "is not a policy id" in capsys.readouterr().err


def test_a_missing_font_is_named(monkeypatch, tmp_path, capsys):
    from checklist_app.pdf import fonts

    fonts.register_fonts.cache_clear()
    real = resources.resource_path
    monkeypatch.setattr(resources, "resource_path",
                        lambda name: tmp_path / "gone.ttf" if name.endswith("DejaVuSans.ttf") else real(name))
    try:
        assert main(["render", CLEAN, "--out", str(tmp_path / "out"), "--now", "2026-11-21T10:00"]) == 2
        assert "resources/fonts/DejaVuSans.ttf: the font the PDFs embed cannot be read" in capsys.readouterr().err
    finally:
        fonts.register_fonts.cache_clear()


def test_rendered_pdfs_are_private_and_never_silently_replaced(tmp_path, capsys):
    """The PDFs carry name, MRN and date of birth: readable by this user only, never overwritten unasked."""
    out = tmp_path / "out"
    args = ["render", CLEAN, "--out", str(out), "--now", "2026-11-21T10:00"]
    assert main(args) == 0
    pdf = out / "demo-clean-checklist.pdf"
    assert pdf.stat().st_mode & 0o777 == 0o600
    before = pdf.read_bytes()
    assert main(args) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert pdf.read_bytes() == before
    assert main([*args, "--force"]) == 0
    assert pdf.stat().st_mode & 0o777 == 0o600 and not list(out.glob("*.part"))


def test_backup_into_a_folder_that_does_not_exist_yet(tmp_path, monkeypatch, capsys):
    """'backup /path/to/backups/' makes the folder and writes a dated file in it, not a file called 'backups'."""
    data = tmp_path / "data"
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    from checklist_app.storage import open_database

    open_database().close()
    for _ in range(2):
        assert main(["backup", str(tmp_path / "backups") + "/"]) == 0
    copies = sorted((tmp_path / "backups").glob("checklist-*.sqlite3"))
    assert (tmp_path / "backups").is_dir() and len(copies) == 2


def test_a_site_default_policy_that_does_not_exist_is_named(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "site.yaml").write_text("default_policy: retired-variant\n")
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(data))
    path = tmp_path / "r.json"
    record = json.loads(resources.form_path("examples/clean.json").read_text())
    record.pop("policy_id")
    path.write_text(json.dumps(record))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "site.yaml: key 'default_policy': no policy 'retired-variant'; available: asra-2018, sir-2019" in err
