"""The first view at start-up: the worklist's rows read from the database file with the standard library's
``sqlite3``, before SQLAlchemy, pydantic and the rules are imported (``ui.startup`` paints them first). No Qt.

The file is opened read-only (``mode=ro``): whatever state it is in, this never writes to it. The rows are
those ``worklist_rows.build_rows`` makes once the app is open, except each draft's status, "Checking..."
until the rules engine rates it; where staff must sign in, no patient is read at all. Anything it cannot
read gives no rows and the reason (``FirstView.problem``); the full start then says it on screen.

This read belongs in ``checklist_app.storage``, but importing any module of that package runs its
``__init__``, and with it SQLAlchemy and the pydantic models (~400 ms, more than the whole start-up
budget); so it lives here, on storage's tables, until that package imports lazily. What it repeats from
storage and the form (file name, schema version, data folder) is kept equal by tests.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checklist_app import resources
from checklist_app.domain.errors import ChecklistError
from checklist_app.cached_yaml import load_yaml
from checklist_app.workflows.worklist_rows import (
    WorklistRow,
    answer_texts,
    scheduled_at,
    signed_rows,
    signed_since,
    sorted_rows,
)

DATABASE_FILE = "checklist.sqlite3"  # storage.paths.DATABASE_FILE (tests keep these three equal to storage's)
DATA_DIR_ENV, DATABASE_URL_ENV = "CHECKLIST_APP_DATA_DIR", "CHECKLIST_APP_DATABASE_URL"
KNOWN_SCHEMA = 3  # storage.migrations.LATEST_VERSION: a newer database is left to the full start to refuse
SQLITE_HEADER = b"SQLite format 3\x00"


class FirstViewError(ChecklistError):
    """The database file could not be read for the first view (the full start then says why, on screen)."""


@dataclass(frozen=True)
class FirstView:
    """What the first window shows: the worklist's rows, whether staff must sign in, the facility's name."""

    rows: list[WorklistRow] = field(default_factory=list)
    has_staff: bool = False
    facility_name: str = ""
    problem: str = ""  # why the rows could not be read (then there are none; the full start reports it)


def database_file(data_dir: Path) -> Path:
    """The SQLite file in a data folder."""
    return data_dir / DATABASE_FILE


def read_first_view(data_dir: Path, now: datetime) -> FirstView:
    """The first view of ``data_dir``; never raises (a file it cannot read gives no rows and a ``problem``).

    Where staff must sign in first, no patient is read: the sign-in screen shows none, and the worklist
    behind it is made once the app is open.
    """
    facility = _facility_name(data_dir)
    try:
        rows, has_staff = read_rows(database_file(data_dir), now, unless_staff=True)
    except FirstViewError as exc:
        return FirstView([], False, facility, str(exc))
    return FirstView(rows, has_staff, facility)


def read_rows(path: Path, now: datetime, *, all_dates: bool = False,
              unless_staff: bool = False) -> tuple[list[WorklistRow], bool]:
    """(the worklist's rows, whether active staff accounts exist) from the SQLite file, opened read-only.

    Rows as ``build_rows`` makes them, except each draft's status: "checking" (the rules engine decides it).
    No file, or an empty one, is a database not made yet: no rows. ``unless_staff``: no rows either when
    staff accounts exist. FirstViewError when the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return [], False
    except OSError as exc:
        raise FirstViewError(f"The database {path} could not be read ({exc.strerror or exc}).") from None
    if not header:
        return [], False
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
            return _read(conn, path, now, all_dates, unless_staff)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FirstViewError(f"The database {path} could not be read ({exc}).") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise FirstViewError(f"The database {path} holds a record that could not be read "
                             f"({type(exc).__name__}).") from None
    finally:
        os.umask(umask)


def _read(conn: Any, path: Path, now: datetime, all_dates: bool, unless_staff: bool) -> tuple[list[WorklistRow], bool]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
        return [], False  # created, not yet migrated
    schema = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    if schema > KNOWN_SCHEMA:
        raise FirstViewError(f"The database {path} was written by a newer version of the app (schema {schema}).")
    has_staff = bool(conn.execute("SELECT EXISTS (SELECT 1 FROM staff WHERE active)").fetchone()[0])
    if has_staff and unless_staff:
        return [], True
    label = procedure_labels().get
    rows = []
    for record_id, data, base_version_id in conn.execute(
            "SELECT record_id, data, base_version_id FROM drafts ORDER BY saved_at DESC, record_id"):
        answers = json.loads(data).get("answers") or {}
        rows.append(WorklistRow(record_id, scheduled=scheduled_at(answers.get("scheduled_start")), status="checking",
                                is_draft=True, amendment=base_version_id is not None,
                                **answer_texts(lambda value: label(value, value), answers)))
    since = signed_since(now, all_dates)
    query = ("SELECT v.version_id, v.record_id, v.replaces_version_id, v.content_json FROM signed_versions v "
             "WHERE NOT EXISTS (SELECT 1 FROM signed_versions later WHERE later.record_id = v.record_id "
             "AND later.version_no > v.version_no)" + (" AND v.signed_at >= ?" if since else "") +
             " ORDER BY v.signed_at DESC, v.version_id DESC LIMIT 500")
    since_text = [since.astimezone(UTC).isoformat(timespec="microseconds")] if since else []
    versions = [(record_id, version_id, replaces is not None, json.loads(content)["content"])
                for version_id, record_id, replaces, content in conn.execute(query, since_text)]
    printed: set[int] = set()
    if versions:
        records = sorted({v[0] for v in versions})
        marks = ", ".join("?" * len(records))
        for (details,) in conn.execute("SELECT details FROM audit_events WHERE event_type = 'printed' "
                                       f"AND record_id IN ({marks})", records):
            printed.add(json.loads(details).get("version_id"))
    drafts = {row.record_id for row in rows}
    rows += signed_rows(versions, printed, drafts, lambda value: label(value, value), now, all_dates)
    return sorted_rows(rows), has_staff


def procedure_labels() -> dict[str, str]:
    """The shipped form's procedure options (value -> label); {} if the form cannot be read (the value shows)."""
    try:
        form = load_yaml(resources.form_path(resources.DEFAULT_FORM))
        items = [item for section in form["sections"] for item in section["items"]]
        options = next(item["options"] for item in items if item.get("id") == "procedure_type")
        return {str(o["value"]): str(o["label"]) for o in options}
    except (OSError, ValueError, LookupError, TypeError, AttributeError, StopIteration, ChecklistError):
        return {}


def _facility_name(data_dir: Path) -> str:
    """The facility's name from the site settings (the data folder's file over the shipped one); "" if unsure."""
    for path in (data_dir / "site.yaml", resources.form_path("site.yaml")):
        try:
            data = load_yaml(path)
        except FileNotFoundError:
            continue
        except (OSError, ValueError, ChecklistError):
            return ""  # a broken file: the full start names it
        if isinstance(data, dict) and "facility_name" in data:
            return data["facility_name"] if isinstance(data["facility_name"], str) else ""
    return ""


def default_data_dir() -> Path:
    """The data folder as ``storage.paths.data_dir()`` finds it: ``$CHECKLIST_APP_DATA_DIR``, else the user's
    data folder as platformdirs names it (worked out here: importing platformdirs takes ~12 ms)."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "checklist_app"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "checklist_app"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    return Path(xdg if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share") / "checklist_app"
