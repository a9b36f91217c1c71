"""Helpers for the storage tests: tampering as another program would, and a truly read-only folder."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from checklist_app.storage import Database

PINS = {"rn1": "2468", "md1": "1357", "it1": "9753"}


class ClosingConnection(sqlite3.Connection):
    """A sqlite3 connection that ``with`` also closes (the standard one only commits)."""

    def __exit__(self, *exc: object) -> bool:
        super().__exit__(*exc)
        self.close()
        return False


def raw(db: Database) -> ClosingConnection:
    """A plain sqlite3 connection to the same file, as a tamperer (or another program) would use."""
    assert db.path is not None
    return sqlite3.connect(db.path, isolation_level=None, timeout=0.3, factory=ClosingConnection)


def drop_guards(conn: sqlite3.Connection, table: str) -> None:
    """Remove the append-only triggers of ``table``, as someone editing the file by hand would."""
    for op in ("update", "delete"):
        conn.execute(f"DROP TRIGGER {table}_no_{op}")


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
