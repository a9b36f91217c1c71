"""The database read behind start-up's first paint: drafts, the latest signed versions and which of them
were printed, read from the SQLite file with the standard library's ``sqlite3``. No Qt, no SQLAlchemy, no
pydantic: importing this module costs only the standard library (``storage``'s package imports lazily).

The file is opened read-only (``mode=ro``): whatever state it is in, this never writes to it. Where staff
must sign in (``unless_staff``), no patient is read at all. Anything it cannot read raises
``FirstViewError`` saying why, in words; the full start then opens the database properly and reports it.
Turning what is read into the worklist's rows is the use-case layer's (``workflows.first_view``).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checklist_app.domain.errors import StorageError
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_FILE, DATABASE_URL_ENV

__all__ = ["DATABASE_URL_ENV", "KNOWN_SCHEMA", "FirstViewError", "Snapshot", "database_file", "default_data_dir",
           "read_snapshot"]

# migrations.LATEST_VERSION, which cannot be imported without SQLAlchemy (a test keeps the two equal). A newer
# database is left for the full start to refuse.
KNOWN_SCHEMA = 6
SQLITE_HEADER = b"SQLite format 3\x00"
LIMIT = 500  # as many signed checklists as the worklist lists (storage.latest_versions)


class FirstViewError(StorageError):
    """The database file could not be read for the first view (the full start then says why, on screen)."""


@dataclass(frozen=True)
class Snapshot:
    """What the first view reads: each draft as (record_id, data, base_version_id), newest saved first; each
    record's latest signed version as (record_id, version_id, is_amendment, content), newest signed first;
    the ids of those versions that were printed; whether active staff accounts exist."""

    drafts: list[tuple[str, dict[str, Any], int | None]] = field(default_factory=list)
    versions: list[tuple[str, int, bool, dict[str, Any]]] = field(default_factory=list)
    printed: set[int] = field(default_factory=set)
    has_staff: bool = False


def database_file(data_dir: Path) -> Path:
    """The SQLite file in a data folder."""
    return data_dir / DATABASE_FILE


def default_data_dir() -> Path:
    """The data folder as ``paths.data_dir()`` finds it: ``$CHECKLIST_APP_DATA_DIR``, else the user's data
    folder as platformdirs names it (worked out here: importing platformdirs takes ~12 ms)."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "checklist_app"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "checklist_app"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    return Path(xdg if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share") / "checklist_app"


def read_snapshot(path: Path, signed_since: datetime | None = None, *, unless_staff: bool = False) -> Snapshot:
    """The first view's data from the SQLite file at ``path``, opened read-only.

    ``signed_since``: only signed versions signed since then (None: all, at most 500). No file, or an empty
    one, is a database not made yet: nothing. ``unless_staff``: nothing but ``has_staff`` when staff
    accounts exist. FirstViewError when the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return Snapshot()
    except OSError as exc:
        raise FirstViewError(f"The database {path} could not be read ({exc.strerror or exc}).") from None
    if not header:
        return Snapshot()
    if header != SQLITE_HEADER:
        raise FirstViewError(f"The database {path} does not start like an SQLite database.")
    import sqlite3  # not before there is a file: a new installation's first paint does without

    # SQLite makes the -wal and -shm files of a WAL database even for a read-only connection: readable by
    # this account only, like the database (nothing else runs yet, so changing the umask affects nothing else).
    umask = os.umask(0o077)
    try:
        # mode=ro: whatever is wrong with the file, this read never writes to it (it reads a -wal, never
        # checkpoints it).
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
        try:
            return _read(conn, path, signed_since, unless_staff)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FirstViewError(f"The database {path} could not be read ({exc}).") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise unreadable_record(path, exc) from None
    finally:
        os.umask(umask)


def unreadable_record(path: Path, exc: Exception) -> FirstViewError:
    """The error for a stored record that could not be read (its type only: the text may quote patient data)."""
    return FirstViewError(f"The database {path} holds a record that could not be read ({type(exc).__name__}).")


def since_text(moment: datetime) -> str:
    """``clock.to_text``, written out here: clock imports socket (~2.5 ms more before the first paint)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _read(conn: Any, path: Path, signed_since: datetime | None, unless_staff: bool) -> Snapshot:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
        return Snapshot()  # created, not yet migrated
    schema = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    if schema > KNOWN_SCHEMA:
        raise FirstViewError(f"The database {path} was written by a newer version of the app (schema {schema}).")
    has_staff = bool(conn.execute("SELECT EXISTS (SELECT 1 FROM staff WHERE active)").fetchone()[0])
    if has_staff and unless_staff:
        return Snapshot(has_staff=True)
    drafts = [(record_id, json.loads(data), base_version_id) for record_id, data, base_version_id in conn.execute(
        "SELECT record_id, data, base_version_id FROM drafts ORDER BY saved_at DESC, record_id")]
    query = ("SELECT v.version_id, v.record_id, v.replaces_version_id, v.content_json FROM signed_versions v "
             "WHERE NOT EXISTS (SELECT 1 FROM signed_versions later WHERE later.record_id = v.record_id "
             "AND later.version_no > v.version_no)" + (" AND v.signed_at >= ?" if signed_since else "") +
             f" ORDER BY v.signed_at DESC, v.version_id DESC LIMIT {LIMIT}")
    since = [since_text(signed_since)] if signed_since else []
    versions = [(record_id, version_id, replaces is not None, json.loads(content)["content"])
                for version_id, record_id, replaces, content in conn.execute(query, since)]
    printed: set[int] = set()
    if versions:
        records = sorted({v[0] for v in versions})
        marks = ", ".join("?" * len(records))
        for (details,) in conn.execute("SELECT details FROM audit_events WHERE event_type = 'printed' "
                                       f"AND record_id IN ({marks})", records):
            printed.add(json.loads(details).get("version_id"))
    return Snapshot(drafts, versions, printed, has_staff)
