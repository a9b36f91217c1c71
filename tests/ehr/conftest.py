"""Fixtures for the chart-exchange tests: a database on each backend with staff, the FHIR server and the MLLP
listener as real peers on localhost, and the environment that points the app at them.

``db`` runs each test twice, ``[sqlite]`` on a file in tmp_path and ``[postgresql]`` on a new database of the
session's test cluster opened as the application role (as tests/storage does), so the outbox's claims and
updates are shown under the grants a workstation has.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import fhir_server
import mllp_listener
import pytest
from pg_cluster import APP

from checklist_app.storage import Database, add_staff, open_database, outbox, pins
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_URL_ENV

PINS = {"rn1": "2468", "md1": "1357"}


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(autouse=True)
def fast_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)  # stored with each hash: changes speed only


@pytest.fixture
def db(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
       request: pytest.FixtureRequest) -> Iterator[Database]:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    name = None
    if backend == "sqlite":
        monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = cluster.new_database(initialised=True)
        monkeypatch.setenv(DATABASE_URL_ENV, cluster.url(name, APP))
    database = open_database(data_dir=folder, workstation="ws-test")
    add_staff(database, "rn1", "Rita Nurse", "RN", "nurse", PINS["rn1"], actor="os:test")
    add_staff(database, "md1", "Mark Doctor", "MD", "physician", PINS["md1"], actor="os:test")
    yield database
    database.close()
    if name is not None:
        cluster.drop_database(name)


@pytest.fixture
def fhir(monkeypatch: pytest.MonkeyPatch) -> Iterator[fhir_server.FhirServer]:
    with fhir_server.running() as server:
        monkeypatch.setenv(outbox.FHIR_BASE_URL_ENV, server.url)
        yield server


@pytest.fixture
def mllp(monkeypatch: pytest.MonkeyPatch) -> Iterator[mllp_listener.MllpListener]:
    with mllp_listener.running() as listener:
        monkeypatch.setenv(outbox.HL7_MLLP_ENV, f"127.0.0.1:{listener.port}")
        yield listener
