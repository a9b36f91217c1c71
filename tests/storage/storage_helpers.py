"""Helpers for the storage tests: tampering as another program would, and a truly read-only folder.

``raw(db)`` is a connection that bypasses the app: on SQLite a plain sqlite3 connection to the file, on
PostgreSQL a superuser's connection to the same database (a DBA with every right). Both take SQL with ``?``
placeholders. ``held_lock(db)`` holds the write lock as another workstation in the middle of a long write.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from checklist_app.storage import Database

PINS = {"rn1": "2468", "md1": "1357", "it1": "9753"}
# The cluster of the PostgreSQL databases under test (set by conftest when a PostgreSQL test runs).
CLUSTER: Any = None

try:
    import psycopg

    DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)
except ImportError:
    DRIVER_ERRORS = (sqlite3.Error,)


class PgRaw:
    """A superuser's psycopg connection in autocommit, taking sqlite3-style ``?`` placeholders."""

    kind = "postgresql"

    def __init__(self, database: str) -> None:
        self.conn = CLUSTER.connect(database)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), tuple(params) or None)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> PgRaw:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ClosingConnection(sqlite3.Connection):
    """A sqlite3 connection that ``with`` also closes (the standard one only commits)."""

    def __exit__(self, *exc: object) -> bool:
        super().__exit__(*exc)
        self.close()
        return False


def raw(db: Database) -> Any:
    """A connection around the app to the same database, as a tamperer (or another program) would use."""
    if db.path is None:
        return PgRaw(db.engine.url.database)
    return sqlite3.connect(db.path, isolation_level=None, timeout=0.3, factory=ClosingConnection)


def drop_guards(conn: Any, table: str) -> None:
    """Remove the append-only triggers of ``table``, as someone editing the database by hand would."""
    if isinstance(conn, PgRaw):
        for op in ("update", "delete", "truncate"):
            conn.execute(f"DROP TRIGGER {table}_no_{op} ON {table}")
        return
    for op in ("update", "delete"):
        conn.execute(f"DROP TRIGGER {table}_no_{op}")


@contextmanager
def held_lock(db: Database) -> Iterator[None]:
    """Another workstation holding the write lock: SQLite's EXCLUSIVE lock; on PostgreSQL an EXCLUSIVE lock
    on the drafts and the audit chain's head (what every save writes), which still lets others read."""
    if db.path is not None:
        other = raw(db)
        other.execute("BEGIN EXCLUSIVE")
    else:
        other = CLUSTER.connect(db.engine.url.database)
        other.execute("BEGIN")
        other.execute("LOCK TABLE drafts, chain_head IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


class Immutable:
    """``chattr +i`` on paths (a read-only folder even for root); always undone, even if a test fails."""

    def __init__(self, *paths: Path) -> None:
        self.paths = [str(p) for p in paths]

    def __enter__(self) -> Immutable:
        subprocess.run(["chattr", "+i", *self.paths], check=True, capture_output=True)
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["chattr", "-i", *self.paths], check=True, capture_output=True)


def chattr_works(tmp_path: Path) -> bool:
    """Whether this machine lets us mark a file immutable (root on ext4/xfs/btrfs; not in every CI)."""
    probe = tmp_path / "chattr-probe"
    probe.mkdir()
    try:
        result = subprocess.run(["chattr", "+i", str(probe)], capture_output=True)
    except FileNotFoundError:
        return False
    if result.returncode != 0:
        return False
    subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
    return True


def require_chattr(tmp_path: Path) -> None:
    """Skip the test where immutable files are not available."""
    if not chattr_works(tmp_path):
        pytest.skip("chattr +i is not available here (needs root on a filesystem that supports it)")
