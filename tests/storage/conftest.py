"""Fixtures for the storage tests: a real SQLite file in tmp_path, and staff accounts with known PINs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from storage_helpers import PINS

from checklist_app.storage import Database, add_staff, open_database, pins
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_URL_ENV


@pytest.fixture(autouse=True)
def fast_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost parameters are stored with each hash, so a cheaper cost here changes speed only;
    # test_staff checks the production parameters separately.
    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    return folder


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    database = open_database(data_dir=data_dir, workstation="ws-test", busy_timeout=0.3)
    yield database
    database.close()


@pytest.fixture
def staffed(db: Database) -> Database:
    add_staff(db, "rn1", "Rita Nurse", "RN", "nurse", PINS["rn1"], actor="os:test")
    add_staff(db, "md1", "Mark Doctor", "MD", "physician", PINS["md1"], actor="os:test")
    add_staff(db, "it1", "Ida Admin", "IT", "admin", PINS["it1"], actor="os:test")
    return db
