"""A consistent copy of the database while the app may be running (``backup`` command).

SQLite: ``VACUUM INTO`` writes a complete, compacted snapshot, including changes still in the -wal file,
as one self-contained file, checked with SQLite's quick_check before we call it a backup.
PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot, whatever the workstations are doing),
checked by listing it with ``pg_restore --list``; the password travels in the environment (PGPASSWORD),
never on the command line, where other accounts could read it. Without pg_dump the error names the exact
command to run elsewhere. Either way the copy is created 0600 first (it holds patient data) and an
existing file is never overwritten.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from checklist_app.domain.errors import StorageError
from checklist_app.storage import paths
from checklist_app.storage.clock import utc_now
from checklist_app.storage.database import PG_CONNECT_TIMEOUT, Database, require_sqlite_file
from checklist_app.storage.failures import translated

PG_DUMP_TIMEOUT = 3600  # seconds; a large site's dump takes minutes, a hung one should still end


def backup_to(db: Database, destination: Path) -> Path:
    """Write a snapshot to ``destination`` (a new file, or a folder for a dated file); returns its path."""
    server = db.engine.dialect.name == "postgresql"
    if not server:
        require_sqlite_file(db)
    destination = destination.expanduser()
    if destination.is_dir():
        stem, suffix = f"checklist-{utc_now():%Y%m%d-%H%M%S}", ".dump" if server else ".sqlite3"
        candidate, n = destination / f"{stem}{suffix}", 2
        while candidate.exists():  # two backups in one second: a new name, never an overwrite
            candidate, n = destination / f"{stem}-{n}{suffix}", n + 1
        destination = candidate
    if destination.exists():
        raise StorageError(f"{destination} already exists; a backup never overwrites a file. "
                           f"Choose a new name.")
    paths.ensure_private_dir(destination.parent)
    if server:
        return _pg_dump(db, destination)
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


def _pg_dump(db: Database, destination: Path) -> Path:
    url = db.engine.url
    conninfo = libpq_conninfo(url)
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        command = f"pg_dump --format=custom --file {shlex.quote(str(destination))} --dbname {shlex.quote(conninfo)}"
        raise StorageError(
            f"{db.where} is a PostgreSQL server and PostgreSQL's client tools (pg_dump) are not installed on "
            f"this computer (Debian: apt-get install postgresql-client; the same major version as the server "
            f"or newer). Install them, or run this on a computer that has them, with the password in "
            f"~/.pgpass or PGPASSWORD:\n    {command}")
    environment = {**os.environ, "PGCONNECT_TIMEOUT": str(PG_CONNECT_TIMEOUT)}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    paths.ensure_private_file(destination)
    try:
        dumped = subprocess.run([pg_dump, "--format=custom", "--file", str(destination), "--dbname", conninfo],
                                env=environment, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT)
        if dumped.returncode != 0:
            raise StorageError(f"pg_dump could not back up {db.where} ({_first_line(dumped.stderr)}); nothing was "
                               f"kept. Check that the server is reachable and the account may read every table.")
        listed = subprocess.run([pg_restore, "--list", str(destination)], capture_output=True, text=True,
                                timeout=PG_DUMP_TIMEOUT)
        if listed.returncode != 0 or "TABLE DATA" not in listed.stdout:
            raise StorageError(f"The backup written to {destination} could not be read back by pg_restore "
                               f"({_first_line(listed.stderr)}); it was removed. Call IT.")
    except subprocess.TimeoutExpired:
        destination.unlink(missing_ok=True)
        raise StorageError(f"pg_dump did not finish within {PG_DUMP_TIMEOUT // 60} minutes; the partial copy "
                           f"was removed. Call IT.") from None
    except BaseException:
        destination.unlink(missing_ok=True)  # our own half-written copy, never the database
        raise
    return destination


def libpq_conninfo(url: URL) -> str:
    """The libpq connection string of a SQLAlchemy URL, without its password (given through PGPASSWORD)."""
    from psycopg.conninfo import make_conninfo

    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    fields.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    return make_conninfo(**{key: value for key, value in fields.items() if value not in (None, "")})


def _first_line(text: str) -> str:
    # pg_dump's errors name the server, the account and the object, never row values.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "no message"
