"""Turn database driver failures into StorageErrors that say what happened and what to do.

Every storage call runs inside ``translated(where)``. Two rules hold here for privacy: the message is
built from SQLite's own short text (``database is locked``), never from SQLAlchemy's, which quotes the SQL
and its parameters (a draft's answers); and the original exception is dropped (``from None``) so a logged
traceback cannot carry those parameters either.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from checklist_app.domain.errors import DatabaseBusyError, DatabaseCorruptError, StorageError
from checklist_app.storage.paths import DATA_DIR_ENV

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
        reason = original.strerror or original.__class__.__name__
        return StorageError(f"The data folder for {where} cannot be used ({reason}). Ask IT to make it "
                            f"writable for this user, or choose another with --data-dir or {DATA_DIR_ENV}.")
    # Another database server (PostgreSQL): its messages can quote row values, so name only the kind.
    kind = original.__class__.__name__
    return StorageError(f"The database {where} refused or could not complete the request ({kind}). "
                        f"Check that the database server is reachable, then try again.")


def _from_sqlite(exc: sqlite3.Error, where: str, busy_seconds: float) -> StorageError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return busy_error(where, busy_seconds)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return corrupt_error(where, text)
    if name == "SQLITE_FULL":
        return StorageError(f"The disk holding {where} is full, so nothing was written. Free some disk "
                            f"space (or ask IT to), then try again.")
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
