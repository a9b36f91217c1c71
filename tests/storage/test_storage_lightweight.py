"""Storage's package imports lazily: start-up's first paint imports ``storage.first_view`` (and ``paths``)
without SQLAlchemy or pydantic, while ``storage.NAME`` still gives every public name. The listings the
worklist needs are storage's (``storage.listing``), and no module outside storage runs SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from checklist_app import storage
from checklist_app.storage import clock, first_view, migrations, paths

ROOT = Path(__file__).parents[2]

HEAVY = ("sqlalchemy", "pydantic", "pydantic_core", "yaml", "platformdirs", "checklist_app.storage.database",
         "checklist_app.storage.tables")


@pytest.mark.parametrize("module", ["checklist_app.storage.first_view", "checklist_app.storage.paths",
                                    "checklist_app.storage"])
def test_importing_the_first_views_storage_loads_neither_sqlalchemy_nor_pydantic(module):
    code = f"import sys, {module}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_is_there_on_first_use():
    assert sorted(storage.__all__) == sorted(storage._EXPORTS)
    for name in storage.__all__:
        assert getattr(storage, name) is not None, name
    assert set(storage.__all__) <= set(dir(storage))
    assert storage.sign.__module__ == "checklist_app.storage.versions"
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        storage.nothing_here  # noqa: B018


def test_submodules_are_attributes_of_the_package_as_with_an_eager_import():
    code = ("from checklist_app import storage\n"
            "print(storage.paths.DATABASE_FILE, storage.tables.signed_versions.name)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["checklist.sqlite3", "signed_versions"]


def test_what_the_first_view_cannot_import_still_agrees_with_storage(monkeypatch):
    assert first_view.KNOWN_SCHEMA == migrations.LATEST_VERSION
    moment = datetime(2026, 11, 21, 8, 30, 1, 5, tzinfo=timezone(timedelta(hours=-5)))
    assert first_view.since_text(moment) == clock.to_text(moment)
    for chosen in ("", "/tmp/somewhere"):
        monkeypatch.setenv(paths.DATA_DIR_ENV, chosen)
        assert first_view.default_data_dir() == paths.data_dir()


def test_which_versions_were_printed(db):
    printed, other = SimpleNamespace(record_id="r-1", version_id=1), SimpleNamespace(record_id="r-1", version_id=2)
    storage.record_printed(db, "r-1", 1, staff_id="rn1")
    storage.record_printed(db, "r-9", 2, staff_id="rn1")  # another record's version 2: not this one's
    assert storage.printed_versions(db, [printed, other]) == {1}
    assert storage.printed_versions(db, []) == set()


def test_whether_the_database_holds_any_checklist(db):
    assert not storage.has_checklists(db)
    storage.save_draft(db, "r-1", {"answers": {}}, staff_id="rn1")
    assert storage.has_checklists(db)


OUTSIDE_STORAGE_SQL = re.compile(r"^\s*(import sqlite3|from sqlalchemy|import sqlalchemy)|storage\.tables\b|"
                                 r"from checklist_app\.storage import [^\n]*\btables\b", re.MULTILINE)


def test_no_module_outside_storage_runs_sql():
    package = ROOT / "checklist_app"
    found = [str(p.relative_to(ROOT)) for p in package.rglob("*.py")
             if "storage" not in p.relative_to(package).parts[:1]
             and OUTSIDE_STORAGE_SQL.search(p.read_text(encoding="utf-8"))]
    assert found == []
