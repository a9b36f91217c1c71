"""Workstations starting at once on an empty database: real processes, each applying the migrations.

Every process must open the database (none fails on a table or type another one is creating), and every
step must be applied exactly once: SQLite serialises them with BEGIN IMMEDIATE, PostgreSQL with an advisory
lock. On PostgreSQL the processes connect as the owner, as a single-site install without `db init` does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pg_cluster import OWNER

from checklist_app.storage import migrations, open_database, verify_audit

WORKSTATIONS = 6
CHILD = """
import os, sys, time
from pathlib import Path
go = Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
from checklist_app.storage import open_database
with open_database(sys.argv[1], workstation=f"BAY-{os.getpid()}") as db:
    print("opened", flush=True)
"""


def test_workstations_starting_together_on_an_empty_database_all_open_it(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared' / 'checklist.sqlite3'}"
        (tmp_path / "shared").mkdir()
    else:
        cluster = request.getfixturevalue("pg_cluster")
        name = cluster.new_database()
        request.addfinalizer(lambda: cluster.drop_database(name))
        url = cluster.url(name, OWNER)
    go = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, url, str(go)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
                for _ in range(WORKSTATIONS)]
    try:
        for child in children:  # all imported and waiting: the start is as simultaneous as it gets
            assert child.stdout.readline().strip() == "ready"
        go.touch()
        results = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    failures = [err.strip().splitlines()[-1] for (out, err), child in zip(results, children, strict=True)
                if child.returncode != 0 or out.strip() != "opened"]
    assert failures == [], failures
    with open_database(url) as db, db.read() as conn:
        versions = [row[0] for row in conn.exec_driver_sql("SELECT version FROM schema_version ORDER BY version")]
        assert versions == [step.version for step in migrations.STEPS]  # each applied once
        assert conn.exec_driver_sql("SELECT count(*) FROM chain_head").scalar() == 1
        assert verify_audit(db).ok  # the guards are all there
