"""The worklist's first view, read with plain sqlite3 before SQLAlchemy is imported (``first_view.read_rows``):
the same rows as the app's own query on a database the app made, the file never written, and a damaged
file reported in words, never with a traceback."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from signed_helpers import signed_content
from ui_helpers import NOW, NURSE, PINS, example_data

from checklist_app import resources, storage
from checklist_app.storage import migrations, paths
from checklist_app.ui.worklist.model import ROW_ICONS
from checklist_app.workflows import first_view
from checklist_app.workflows.first_view import FirstViewError, read_first_view, read_rows
from checklist_app.workflows.section_state import STATE_ICONS
from checklist_app.workflows.worklist_rows import build_rows


def sign(ctx, record_id: str, data: dict, *, cleared: bool = True, replaces: int | None = None):
    content = signed_content(data, cleared=cleared)
    common = dict(signer_id=NURSE, pin=PINS[NURSE], meaning="Checklist completed", content=content,
                  form_id="vertebral_augmentation", form_version="1.0.0", policy_id="sir-2019")
    if replaces is None:
        return storage.sign(ctx.store.db, record_id, **common)
    return storage.amend(ctx.store.db, record_id, replaces_version_id=replaces, reason="Weight corrected", **common)


def example(ctx, record_id: str, name: str = "clean", **answers) -> dict:
    data = example_data(ctx, name)
    data["record_id"] = record_id
    data["answers"].update(answers)
    return data


@pytest.fixture
def filled(ctx):
    """Drafts (one amending), signed, signed not cleared, printed, amended, and one scheduled another day."""
    ctx.store.save_draft("r-draft", example(ctx, "r-draft", "hard-fever", patient_name="Haddad, Samira"), NURSE)
    ctx.store.save_draft("r-nameless", example(ctx, "r-nameless", patient_name=None, procedure_type=None,
                                               scheduled_start=None), NURSE)
    sign(ctx, "r-signed", example(ctx, "r-signed", patient_name="Moreau, Claire", procedure_type="vertebroplasty"))
    sign(ctx, "r-not-cleared", example(ctx, "r-not-cleared", patient_name="Ito, Ken"), cleared=False)
    printed = sign(ctx, "r-printed", example(ctx, "r-printed", patient_name="Abara, Ngozi"))
    storage.record_printed(ctx.store.db, "r-printed", printed.version_id, staff_id=NURSE, kind="packet")
    first = sign(ctx, "r-amended", example(ctx, "r-amended", patient_name="Silva, Ana"))
    sign(ctx, "r-amended", example(ctx, "r-amended", patient_name="Silva, Ana", weight_kg=70),
         replaces=first.version_id)
    reopened = sign(ctx, "r-reopened", example(ctx, "r-reopened", patient_name="Berg, Ola"))
    ctx.store.save_draft("r-reopened", example(ctx, "r-reopened", patient_name="Berg, Ola"), NURSE,
                         base_version_id=reopened.version_id)
    sign(ctx, "r-tomorrow", example(ctx, "r-tomorrow", patient_name="Lee, Min",
                                    scheduled_start=f"{NOW.date() + timedelta(days=1)}T08:30"))
    return ctx


def app_rows(ctx, *, all_dates: bool = False) -> list:
    """What the worklist shows once the app is open, each draft's status as the first view has it."""
    rows = build_rows(ctx.store, ctx.form, ctx.policy, ctx.completeness_rules, NOW, all_dates=all_dates)
    return [dataclasses.replace(r, status="checking", problem="") if r.is_draft else r for r in rows]


@pytest.mark.parametrize("all_dates", [False, True])
def test_the_rows_are_those_of_the_apps_own_query(filled, all_dates):
    path = paths.database_path(filled.store.data_dir)
    rows, has_staff = read_rows(path, NOW, all_dates=all_dates)  # the app still has it open (WAL not folded)
    assert rows == app_rows(filled, all_dates=all_dates)
    assert has_staff
    statuses = {r.record_id: r.status_text for r in rows}
    assert statuses["r-printed"] == "Printed" and statuses["r-not-cleared"] == "Signed, NOT CLEARED"
    assert statuses["r-amended"] == "Signed (amended)" and statuses["r-reopened"] == "Amendment: Checking..."
    assert ("r-tomorrow" in statuses) == all_dates
    assert read_rows(path, NOW, unless_staff=True) == ([], True)  # the sign-in screen needs no patient
    assert {r.procedure for r in rows} == {"Kyphoplasty (balloon)", "Vertebroplasty", ""}


def test_reading_never_writes_the_database_file(filled):
    filled.store.close()  # folds the WAL into the file: every byte of the data is in it
    path = paths.database_path(filled.store.data_dir)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    rows, _ = read_rows(path, NOW)
    assert rows and hashlib.sha256(path.read_bytes()).hexdigest() == before
    for sidecar in path.parent.glob(path.name + "-*"):  # SQLite's -wal/-shm: this account's only, like the file
        assert oct(sidecar.stat().st_mode & 0o777) == oct(0o600), sidecar.name


def test_no_database_yet_gives_no_rows(tmp_path):
    assert read_rows(tmp_path / paths.DATABASE_FILE, NOW) == ([], False)
    (tmp_path / paths.DATABASE_FILE).touch()  # what open_database makes before SQLite writes to it
    assert read_rows(tmp_path / paths.DATABASE_FILE, NOW) == ([], False)
    view = read_first_view(tmp_path, NOW)
    assert (view.rows, view.has_staff, view.problem) == ([], False, "")
    assert view.facility_name == "Riverside Spine and Pain Clinic"  # the shipped settings


@pytest.mark.parametrize("damage, said", [
    ("not sqlite", "does not start like an SQLite database"),
    ("garbage pages", "could not be read"),
    ("newer schema", "newer version of the app (schema 99)"),
])
def test_a_damaged_or_newer_file_is_said_in_words_and_left_as_it_was(filled, damage, said):
    filled.store.close()
    path = paths.database_path(filled.store.data_dir)
    if damage == "not sqlite":
        path.write_bytes(b"PK\x03\x04 a zip file, not a database" * 100)
    elif damage == "garbage pages":
        data = bytearray(path.read_bytes())
        data[4096:] = os.urandom(len(data) - 4096)
        path.write_bytes(bytes(data))
    else:
        with sqlite3.connect(path) as conn:
            conn.execute("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')")
        conn.close()
    before = path.read_bytes()
    with pytest.raises(FirstViewError) as caught:
        read_rows(path, NOW)
    assert said in str(caught.value) and str(path) in str(caught.value)
    view = read_first_view(path.parent, NOW)  # the start-up's entry: no exception, no rows, the reason kept
    assert view.rows == [] and not view.has_staff and said in view.problem
    assert path.read_bytes() == before


def test_a_database_without_active_staff_needs_no_sign_in(bare_ctx):
    storage.save_draft(bare_ctx.store.db, "r-one", example(bare_ctx, "r-one"), staff_id=NURSE)
    rows, has_staff = read_rows(paths.database_path(bare_ctx.store.data_dir), NOW)
    assert [r.record_id for r in rows] == ["r-one"] and not has_staff


def test_the_data_folders_site_file_names_the_facility(tmp_path):
    (tmp_path / "site.yaml").write_text("facility_name: St. Elsewhere Day Unit\n")
    assert read_first_view(tmp_path, NOW).facility_name == "St. Elsewhere Day Unit"
    (tmp_path / "site.yaml").write_text("facility_name: [unclosed\n")  # broken: the full start names it
    assert read_first_view(tmp_path, NOW).facility_name == ""


def test_what_the_first_view_repeats_from_storage_and_the_form_still_agrees(ctx, monkeypatch):
    assert first_view.DATABASE_FILE == paths.DATABASE_FILE
    assert (first_view.DATA_DIR_ENV, first_view.DATABASE_URL_ENV) == (paths.DATA_DIR_ENV, paths.DATABASE_URL_ENV)
    assert first_view.KNOWN_SCHEMA == migrations.LATEST_VERSION
    item = ctx.form.item("procedure_type")
    assert first_view.procedure_labels() == {o.value: o.label for o in item.options}
    assert {k: v for k, v in STATE_ICONS.items() if k in ROW_ICONS} == {k: v for k, v in ROW_ICONS.items()
                                                                        if k in STATE_ICONS}
    for chosen in ("", "/tmp/somewhere"):
        monkeypatch.setenv(paths.DATA_DIR_ENV, chosen)
        assert first_view.default_data_dir() == paths.data_dir()
    monkeypatch.setenv("XDG_DATA_HOME", "/tmp/xdg-data")
    monkeypatch.setenv(paths.DATA_DIR_ENV, "")
    assert first_view.default_data_dir() == paths.data_dir()
    assert resources.DEFAULT_FORM == "vertebral_augmentation.yaml"


FIRST_VIEW = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from checklist_app.ui.startup import opening as startup
app = QApplication([])
startup.theme.apply_theme(app)
opening = startup.Opening(app)
opening.show_first_view(Path(sys.argv[1]))
print([r.status_text for r in opening.worklist.model.rows])
# storage's package and its light modules (first_view, paths, clock) are allowed; its SQLAlchemy side is not
print(sorted(m for m in ("sqlalchemy", "pydantic", "checklist_app.storage.database", "checklist_app.storage.tables",
                         "reportlab", "yaml", "platformdirs") if m in sys.modules))
"""


def test_the_first_view_imports_neither_sqlalchemy_nor_pydantic_nor_yaml_once_copied(bare_ctx, tmp_path):
    storage.save_draft(bare_ctx.store.db, "r-one", example(bare_ctx, "r-one"), staff_id=NURSE)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CHECKLIST_APP_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", FIRST_VIEW, str(bare_ctx.store.data_dir)], env=env, text=True,
                           capture_output=True, check=True, cwd=Path(__file__).parents[3]).stdout.split("\n")[:2]
            for _ in range(2)]
    assert runs[0] == ["['Checking...']", "['yaml']"]  # the first start parses the YAML files...
    assert runs[1] == ["['Checking...']", "[]"]  # ...later ones read their JSON copies
    assert sorted(p.name.split("-", 1)[1] for p in (tmp_path / "cache" / "yaml").iterdir()) == [
        "messages.yaml.json", "site.yaml.json", "vertebral_augmentation.yaml.json"]
