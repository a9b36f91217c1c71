"""Opening the database: the URL, the SQLite settings, the damaged-file check, and transactions.

``open_database()`` with no argument needs no setup: it creates ``checklist.sqlite3`` in the data folder
(mode 0600, folder 0700), switches it to WAL, and applies pending migrations. A folder on a network file
system is refused: SQLite's locks do not hold there. Any SQLAlchemy URL (for example
``postgresql+psycopg://host/checklist``) can be given instead, or set in ``$CHECKLIST_APP_DATABASE_URL``;
on PostgreSQL every wait is bounded (connect, locks, statements) and a connection the server dropped is
replaced before use. Every read and write happens in ``db.read()`` / ``db.write()``, one transaction each,
with driver failures turned into StorageErrors (see failures.py).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from checklist_app.domain.errors import DatabaseCorruptError, StorageError
from checklist_app.storage import migrations, paths
from checklist_app.storage.clock import workstation_name
from checklist_app.storage.failures import BACKUP_HINT, corrupt_error, translate, translated

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT = 5.0
# PostgreSQL: seconds to reach the server before saying it cannot be reached, and the longest one statement
# may run (a worklist query takes milliseconds; this only ends a request stuck on a sick server).
PG_CONNECT_TIMEOUT = 5
PG_STATEMENT_TIMEOUT = 60.0


class Database:
    """An open checklist database. Use ``open_database()``; close it (or use ``with``) when done."""

    def __init__(self, engine: Engine, *, where: str, path: Path | None, workstation: str,
                 busy_timeout: float) -> None:
        self.engine = engine
        self.where = where  # shown in messages: the file path, or the URL without its password
        self.path = path  # the SQLite file, or None for a server database
        self.workstation = workstation
        self.busy_timeout = busy_timeout

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (SQLite: deferred, so it never waits for writers in WAL mode)."""
        with translated(self.where, self.busy_timeout), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed at the end of the block and rolled back on any error.

        On SQLite it starts with BEGIN IMMEDIATE: the write lock is taken (or waited for, up to the busy
        timeout) at the start, never upgraded halfway, which would fail at once with "database is locked".
        """
        with translated(self.where, self.busy_timeout), self.engine.connect() as conn:
            conn.execution_options(checklist_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn

    def close(self) -> None:
        """Close every connection; SQLite then folds the -wal file back into the database file."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()


def open_database(url: str | None = None, *, data_dir: Path | None = None, workstation: str | None = None,
                  busy_timeout: float = DEFAULT_BUSY_TIMEOUT, create: bool = True, migrate: bool = True) -> Database:
    """Open (creating and migrating as needed) the checklist database.

    ``url``: an SQLAlchemy URL; default ``$CHECKLIST_APP_DATABASE_URL``, else the SQLite file in
    ``data_dir`` (default ``$CHECKLIST_APP_DATA_DIR`` or the user data folder). ``busy_timeout``: seconds
    to wait for another workstation's lock before giving up with DatabaseBusyError.
    A damaged SQLite file raises DatabaseCorruptError and is left exactly as it was. ``create=False``
    refuses to start a new SQLite file (for admin commands, where a mistyped folder should not look empty).
    ``migrate=False`` leaves the schema as it is (``db status`` looks without changing anything).
    """
    url = url or os.environ.get(paths.DATABASE_URL_ENV, "").strip() or None
    if url is None:
        directory = data_dir if data_dir is not None else paths.data_dir()
        path: Path | None = paths.database_path(directory)
        url = f"sqlite:///{path}"
    else:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise StorageError(f"The database URL in {paths.DATABASE_URL_ENV} or the settings is not a valid "
                               f"SQLAlchemy URL (for example postgresql+psycopg://host/checklist).") from None
        is_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
        path = Path(parsed.database) if is_file and parsed.database else None
    if path is not None:
        if not create and not path.exists():
            raise StorageError(f"There is no checklist database at {path}. Check --data-dir or "
                               f"{paths.DATA_DIR_ENV}; a new install starts with 'staff add'.")
        return _open_sqlite_file(path, workstation, busy_timeout, migrate)
    where = parsed.render_as_string(hide_password=True)
    workstation = workstation or workstation_name()
    try:
        if parsed.get_backend_name() == "postgresql":
            engine = create_engine(parsed, pool_pre_ping=True,
                                   connect_args=_postgresql_settings(parsed.query, workstation, busy_timeout))
        else:
            engine = create_engine(url)
    except (ImportError, SQLAlchemyError) as exc:
        raise StorageError(f"The database {where} cannot be used from this installation ("
                           f"{exc.__class__.__name__}): its driver is missing or the URL names an unknown "
                           f"database kind. Ask IT to install the driver, or remove the URL to use the "
                           f"built-in SQLite file.") from None
    db = Database(engine, where=where, path=None, workstation=workstation, busy_timeout=busy_timeout)
    return _finish_open(db, migrate)


def _postgresql_settings(query: Any, workstation: str, busy_timeout: float) -> dict[str, Any]:
    """libpq settings for each connection; what the URL itself sets (``?connect_timeout=10``) wins.

    lock_timeout is the busy timeout, so a save waiting for another workstation's row lock ends as
    DatabaseBusyError within it, as on SQLite. application_name lets a DBA see which workstation is connected.
    """
    settings: dict[str, Any] = {
        "connect_timeout": PG_CONNECT_TIMEOUT,
        "application_name": f"checklist_app {workstation}"[:63],  # the server keeps 63 bytes
    }
    options = f"-c lock_timeout={max(int(busy_timeout * 1000), 1)} " \
              f"-c statement_timeout={int(PG_STATEMENT_TIMEOUT * 1000)}"
    if "options" in query:
        options = f"{options} {query['options']}"  # the URL's own options come later, so they win
    settings["options"] = options
    return {key: value for key, value in settings.items() if key == "options" or key not in query}


def _open_sqlite_file(path: Path, workstation: str | None, busy_timeout: float, migrate: bool) -> Database:
    path = path.expanduser().resolve()
    where = str(path)
    paths.refuse_network_folder(path)
    paths.ensure_private_dir(path.parent, tighten=paths.is_default_data_dir(path.parent))
    _refuse_lost(path)
    _refuse_unwritable_sidecars(path)
    created = paths.ensure_private_file(path)
    if not created:
        _refuse_damaged(path, busy_timeout)
    engine = create_engine(f"sqlite:///{path}")
    _configure_sqlite(engine, busy_timeout)
    db = Database(engine, where=where, path=path, workstation=workstation or workstation_name(),
                  busy_timeout=busy_timeout)
    db = _finish_open(db, migrate)
    if migrate:
        try:
            paths.mark_used(path)
        except OSError as exc:
            db.close()
            raise paths.unwritable_folder_error(path.parent, exc) from None
    return db


def _refuse_lost(path: Path) -> None:
    """A missing or empty database in a data folder that had one is a loss, not a new install: say so and
    leave everything as it is (an empty file SQLite would happily fill with a new, empty schema)."""
    try:
        empty = not path.exists() or path.stat().st_size == 0
    except OSError:
        return  # unreadable: the open below reports it
    used = paths.earlier_use(path.parent) if empty else []
    if used:
        state = "is empty (0 bytes)" if path.exists() else "is missing"
        raise DatabaseCorruptError(
            f"The database file {path} {state}, but this data folder was used before ({', '.join(used)}). It has "
            f"not been re-created, so no checklist can be lost by mistake. Restore the last backup ({BACKUP_HINT}); "
            f"to really start afresh, move the whole data folder away first.")


def _refuse_unwritable_sidecars(path: Path) -> None:
    """SQLite maps the -shm file into memory; one it cannot write (read-only, immutable) may end the process
    with SIGBUS instead of an error, so check it first and say which file to fix."""
    for suffix in ("-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if not sidecar.exists():
            continue
        try:
            os.close(os.open(sidecar, os.O_RDWR))
        except FileNotFoundError:
            continue  # removed as another app closed the database: nothing to check
        except OSError as exc:
            raise StorageError(
                f"The file {sidecar} next to the database cannot be written ({exc.strerror}). Nothing was "
                f"opened. Ask IT to make it writable for this user (or, with the app closed everywhere, to "
                f"move it away), then start again.") from None


def _finish_open(db: Database, migrate: bool) -> Database:
    try:
        with db.read():
            pass  # the first connection applies the pragmas; failures surface here as StorageErrors
        if db.path is not None:
            paths.restrict_sidecars(db.path)
        applied = migrations.upgrade(db) if migrate else []
    except BaseException:
        db.close()
        raise
    if applied:
        log.info("database schema upgraded to version %s", applied[-1])
    return db


def _refuse_damaged(path: Path, busy_timeout: float) -> None:
    """Check an existing file read-only (header, then SQLite's quick_check) before anything writes to it.

    Opening read-only matters: a normal open may replay the -wal file into a damaged database, and
    switching to WAL rewrites the header; either would change the evidence IT needs to recover.
    """
    with translated(str(path), busy_timeout):
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    if not header:
        return  # an empty file is a new database (ours, created above in an earlier run)
    if header != SQLITE_HEADER:
        raise corrupt_error(str(path), "it does not start like an SQLite database")
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=busy_timeout)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc):
            raise corrupt_error(str(path), str(exc)) from None
        raise translate(exc, str(path), busy_timeout) from None
    problems = [row[0] for row in rows if row[0] != "ok"]
    if problems:
        more = f" and {len(problems) - 1} more problems" if len(problems) > 1 else ""
        raise corrupt_error(str(path), f"SQLite's check found: {problems[0]}{more}")


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    """Per-connection settings, and explicit BEGINs (the sqlite3 module's own are unreliable)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN; pysqlite would otherwise delay it until the
        # first write, and DDL would not be transactional.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("SQLite could not use WAL mode here (journal mode %s); saving still works", mode)
            # FULL: each commit is on disk before save returns, so a power cut loses no saved change.
            # With autosave coalescing typing into at most one write a second, the fsync is affordable.
            cursor.execute("PRAGMA synchronous = FULL")
            # Sorts and temporary tables in memory, not in /tmp files other accounts could read.
            cursor.execute("PRAGMA temp_store = MEMORY")
            # Overwrite deleted content (a discarded draft) instead of leaving it in free pages.
            cursor.execute("PRAGMA secure_delete = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("checklist_begin", "BEGIN"))


def check_integrity(db: Database) -> list[str]:
    """SQLite's quick_check on the open database: an empty list when the file is sound."""
    if db.engine.dialect.name != "sqlite":
        return []
    with db.read() as conn:
        rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
    return [row[0] for row in rows if row[0] != "ok"]


def require_sqlite_file(db: Database) -> Path:
    """The SQLite file behind ``db``; a StorageError for a server database (whose backup is the server's)."""
    if db.path is None:
        raise StorageError(f"{db.where} is a database server; back it up with the server's own tools.")
    return db.path
