"""Fixtures for the storage tests: the database on each backend, and staff accounts with known PINs.

Every test that uses ``data_dir`` or ``db`` (or ``staffed``) runs twice, ``[sqlite]`` on a real file in
tmp_path and ``[postgresql]`` on a new database of the session's test cluster (tests/pg_cluster.py), opened
as the application role after ``db init``, as a workstation would. A test about the SQLite file itself is
marked ``sqlite_only`` and runs once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import storage_helpers
from pg_cluster import APP
from storage_helpers import PINS

from checklist_app.storage import Database, add_staff, open_database, pins
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_URL_ENV

BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", BACKENDS[:1] if only_sqlite else BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(autouse=True)
def fast_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost parameters are stored with each hash, so a cheaper cost here changes speed only;
    # test_staff checks the production parameters separately.
    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)


@pytest.fixture
def data_dir(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             request: pytest.FixtureRequest) -> Iterator[Path]:
    """The data folder; on PostgreSQL also $CHECKLIST_APP_DATABASE_URL, which wins over the folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    if backend == "sqlite":
        monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
        yield folder
        return
    cluster = request.getfixturevalue("pg_cluster")
    monkeypatch.setattr(storage_helpers, "CLUSTER", cluster)
    name = cluster.new_database(initialised=True)
    monkeypatch.setenv(DATABASE_URL_ENV, cluster.url(name, APP))
    yield folder
    cluster.drop_database(name)


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
