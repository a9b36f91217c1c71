"""Turn database driver failures into StorageErrors that say what happened and what to do.

Every storage call runs inside ``translated(where)``. Two rules hold here for privacy: the message is
built from SQLite's own short text (``database is locked``) or from PostgreSQL's error code, never from
SQLAlchemy's text, which quotes the SQL and its parameters (a draft's answers), nor from PostgreSQL's
message, which can quote a row (``Key (record_id)=(...)``); and the original exception is dropped
(``from None``) so a logged traceback cannot carry those parameters either. The one PostgreSQL message
repeated is our own guard's, recognised by its code and text (migrations.GUARDED_TABLES).
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from checklist_app.domain.errors import (
    DatabaseBusyError,
    DatabaseCorruptError,
    DatabaseUnavailableError,
    StorageError,
)
from checklist_app.storage.paths import DATA_DIR_ENV

# Below this much free space SQLite cannot set up its -wal and -shm files or grow the database.
DISK_FULL_BELOW = 1024 * 1024
BACKUP_HINT = "see 'Backing up' in the README"


def corrupt_error(where: str, detail: str) -> DatabaseCorruptError:
    """The damaged-file error: the file was left as it is, and how to recover."""
    return DatabaseCorruptError(
        f"The database file {where} is damaged ({detail}). It has not been changed or deleted. "
        f"Stop using the app on this workstation, keep a copy of that file (and any -wal/-shm files next "
        f"to it) for IT, then restore the last backup ({BACKUP_HINT}) or start with an empty data folder "
        f"using --data-dir or {DATA_DIR_ENV}."
    )


def busy_error(where: str, seconds: float) -> DatabaseBusyError:
    """The locked-database error: someone else holds the write lock."""
    return DatabaseBusyError(
        f"The database {where} is locked by another workstation or program and was not freed within "
        f"{seconds:g} s, so nothing was written. Try again in a moment; if it stays locked, close the "
        f"checklist app on the other workstations (or the program that has the database open)."
    )


def translate(exc: BaseException, where: str, busy_seconds: float) -> StorageError:
    """Map one driver or OS exception to the StorageError a nurse or admin can act on."""
    if isinstance(exc, StorageError):
        return exc
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(original, sqlite3.Error):
        return _from_sqlite(original, where, busy_seconds)
    if isinstance(original, OSError):
        if original.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full_error(where)
        reason = original.strerror or original.__class__.__name__
        return StorageError(f"The data folder for {where} cannot be used ({reason}). Ask IT to make it "
                            f"writable for this user, or choose another with --data-dir or {DATA_DIR_ENV}.")
    if getattr(original, "__module__", "").startswith("psycopg"):
        return _from_postgresql(exc, original, where, busy_seconds)
    if isinstance(exc, DisconnectionError | PoolTimeoutError):
        return unavailable_error(where)
    # Another database server: its messages can quote row values, so name only the kind.
    kind = original.__class__.__name__
    return StorageError(f"The database {where} refused or could not complete the request ({kind}). "
                        f"Check that the database server is reachable, then try again.")


def unavailable_error(where: str) -> DatabaseUnavailableError:
    """The server cannot be reached: nothing was written, and what is on screen is kept."""
    return DatabaseUnavailableError(
        f"The database server {where} cannot be reached (it may be restarting, or the network is down), so "
        f"nothing was written just now. The changes are kept on screen and will be saved when the server "
        f"is back. If this lasts more than a few minutes, call IT."
    )


# PostgreSQL error codes (SQLSTATE), https://www.postgresql.org/docs/current/errcodes-appendix.html
_PG_BUSY = {"55P03", "40001", "40P01"}  # lock_not_available, serialization_failure, deadlock_detected
_PG_GONE = {"57P01", "57P02", "57P03", "53300"}  # admin/crash shutdown, cannot connect now, too many connections
_PG_DENIED = "42501"  # insufficient_privilege
_PG_TIMEOUT = "57014"  # query_canceled: our statement_timeout
_PG_BAD_LOGIN = ("password authentication failed", "no password supplied", "role \"", "pg_hba.conf")


def _from_postgresql(exc: BaseException, original: BaseException, where: str,
                     busy_seconds: float) -> StorageError:
    from checklist_app.storage.migrations import GUARD_SQLSTATE, GUARDED_TABLES

    code = getattr(original, "sqlstate", None) or ""
    if code in _PG_BUSY:
        return busy_error(where, busy_seconds)
    if code == GUARD_SQLSTATE:
        diag = getattr(original, "diag", None)
        text = getattr(diag, "message_primary", None) or ""
        if text in GUARDED_TABLES.values():
            return StorageError(f"Refused: {text}.")
    if code == _PG_DENIED:
        statement = getattr(exc, "statement", None) or ""
        verb = statement.split(None, 1)[0].upper() if statement.strip() else "that"
        return StorageError(
            f"Refused: the database account this workstation uses on {where} is not allowed to do that "
            f"({verb}). The signed record and the audit trail can only be added to; if this happened in "
            f"normal use, ask IT to run 'python -m checklist_app db upgrade' as the owner account.")
    if code == _PG_TIMEOUT:
        return DatabaseBusyError(
            f"The database server {where} did not finish the request in time, so nothing was written. "
            f"Try again in a moment; if it keeps happening, call IT (the server may be overloaded).")
    if code in _PG_GONE or code.startswith("08") or (not code and original.__class__.__name__ in (
            "OperationalError", "InterfaceError", "ConnectionTimeout")):
        text = str(original)
        if any(marker in text for marker in _PG_BAD_LOGIN):
            return StorageError(
                f"The database server {where} refused this workstation's account (wrong user name or password, "
                f"or not allowed from here). Nothing was written. Ask IT to check the database URL and the "
                f"password file (README: 'A shared server for the whole unit').")
        if "does not exist" in text and "database" in text:
            return StorageError(
                f"The database named in {where} does not exist on the server. Ask IT to check the database "
                f"URL, or to run 'python -m checklist_app db init' as the owner account.")
        return unavailable_error(where)
    kind = original.__class__.__name__
    return StorageError(f"The database {where} refused or could not complete the request ({kind}, code "
                        f"{code or 'none'}). Try again; if it keeps happening, call IT.")


def disk_full(where: str) -> bool:
    """Whether the disk holding ``where`` (a file path) has less room left than SQLite needs to go on."""
    folder = Path(where).parent
    try:
        return shutil.disk_usage(folder if folder.exists() else folder.parent).free < DISK_FULL_BELOW
    except OSError:
        return False


def disk_full_error(where: str) -> StorageError:
    """Nothing could be written because the disk is full."""
    return StorageError(f"The disk holding {where} is full, so nothing was written. Free some disk space (or "
                        f"ask IT to), then try again; what is on screen is kept meanwhile.")


def _from_sqlite(exc: sqlite3.Error, where: str, busy_seconds: float) -> StorageError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return busy_error(where, busy_seconds)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return corrupt_error(where, text)
    if name == "SQLITE_FULL":
        return disk_full_error(where)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR")) and disk_full(where):
        # A nearly full disk fails SQLite's -wal/-shm set-up as an I/O error, not as SQLITE_FULL.
        return disk_full_error(where)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_AUTH")):
        return StorageError(
            f"The database {where} cannot be written ({text}): its folder or file is read-only or not "
            f"accessible to this user. Ask IT to make the data folder writable, or choose another with "
            f"--data-dir or {DATA_DIR_ENV}."
        )
    if name == "SQLITE_CONSTRAINT_TRIGGER":
        # Our own guards (signed versions, the audit trail) raise with a sentence meant for people.
        return StorageError(f"Refused: {text}.")
    return StorageError(f"The database {where} reported an unexpected problem ({text}). Try again; if it "
                        f"keeps happening, run 'python -m checklist_app verify-audit' and call IT.")


@contextmanager
def translated(where: str, busy_seconds: float) -> Iterator[None]:
    """Run a block, re-raising driver and OS failures as StorageErrors (original dropped, see above)."""
    try:
        yield
    except StorageError:
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise translate(exc, where, busy_seconds) from None
