"""A consistent copy of the SQLite database while the app may be running (``backup`` command).

``VACUUM INTO`` writes a complete, compacted snapshot, including changes still in the -wal file, as
one self-contained file. The copy is created 0600 first (it holds patient data) and checked with
SQLite's quick_check before we call it a backup. An existing file is never overwritten.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from checklist_app.domain.errors import StorageError
from checklist_app.storage import paths
from checklist_app.storage.clock import utc_now
from checklist_app.storage.database import Database, require_sqlite_file
from checklist_app.storage.failures import translated


def backup_to(db: Database, destination: Path) -> Path:
    """Write a snapshot to ``destination`` (a new file, or a folder for a dated file); returns its path."""
    require_sqlite_file(db)
    destination = destination.expanduser()
    if destination.is_dir():
        stem = f"checklist-{utc_now():%Y%m%d-%H%M%S}"
        candidate, n = destination / f"{stem}.sqlite3", 2
        while candidate.exists():  # two backups in one second: a new name, never an overwrite
            candidate, n = destination / f"{stem}-{n}.sqlite3", n + 1
        destination = candidate
    if destination.exists():
        raise StorageError(f"{destination} already exists; a backup never overwrites a file. "
                           f"Choose a new name.")
    paths.ensure_private_dir(destination.parent)
    paths.ensure_private_file(destination)
    try:
        with translated(db.where, db.busy_timeout), db.engine.connect() as conn:
            # The raw connection: VACUUM cannot run inside the transaction SQLAlchemy would open.
            conn.connection.driver_connection.execute("VACUUM INTO ?", (str(destination),))
        _check_copy(destination)
    except BaseException:
        destination.unlink(missing_ok=True)  # our own half-written copy, never the database
        raise
    return destination


def _check_copy(path: Path) -> None:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise StorageError(f"The backup written to {path} failed SQLite's check ({result}); it was removed. "
                           f"Run 'python -m checklist_app verify-audit' and call IT.")
