"""What makes several workstations one site, kept in the shared database: the site settings (versioned,
audited) and the site's files (the sealing certificate, the logo). No Qt.

A workstation is *shared* when its database is not the SQLite file in its own data folder: a server
(``$CHECKLIST_APP_DATABASE_URL``), or a database file elsewhere. Only then do these tables matter; a lone
workstation keeps its settings in its data folder's ``site.yaml`` and its certificate in ``seal/``.

Settings: every save is a new row of ``site_settings_versions`` holding all the editable keys, numbered
one above the newest. A save names the version it was based on (what the administrator saw when the
dialog opened); if another administrator saved in between, it is refused with who and when, rather than
overwriting their change unseen. Two saves at the same instant both aim at the same number; the primary key
lets one win and the other gets the same refusal. The audit event ``site_settings_changed`` (each key's old
and new value) is written in the same transaction, so there is never a version without its event.

Files: written once, never replaced. Adding files that another workstation has just added keeps the first
writer's (the primary key decides) and returns them, so two workstations making the site certificate at
the same moment end up using the same one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from checklist_app.domain.errors import StorageError
from checklist_app.storage import tables
from checklist_app.storage.audit import append_event
from checklist_app.storage.clock import utc_now_text
from checklist_app.storage.database import Database


class SiteSettingsConflictError(StorageError):
    """Another administrator saved the site settings after this one started editing them."""


class SiteFileError(StorageError):
    """A site file in the database no longer matches the SHA-256 stored with it."""


@dataclass(frozen=True)
class SettingsVersion:
    """One saved version of the site settings."""

    version_no: int
    values: dict[str, Any]
    saved_at: str
    saved_by: str
    workstation: str


def is_shared(db: Database, data_dir: Path) -> bool:
    """True when ``db`` is not this data folder's own SQLite file: several workstations may use it."""
    if db.path is None:
        return True
    try:
        return db.path.resolve().parent != Path(data_dir).expanduser().resolve()
    except OSError:
        return True


def latest_settings(db: Database) -> SettingsVersion | None:
    """The newest saved version, or None before the first save."""
    with db.read() as conn:
        return _latest(conn)


def _latest(conn: Any) -> SettingsVersion | None:
    t = tables.site_settings_versions
    row = conn.execute(select(t).order_by(t.c.version_no.desc()).limit(1)).one_or_none()
    if row is None:
        return None
    return SettingsVersion(row.version_no, json.loads(row.settings_json), row.saved_at, row.saved_by,
                           row.workstation)


def save_settings(db: Database, values: Mapping[str, Any], *, staff_id: str, based_on: int | None,
                  before: Mapping[str, Any]) -> SettingsVersion:
    """Store ``values`` as the next version, with its audit event; refuse if ``based_on`` is not the newest.

    ``before`` is what was in effect when the administrator started (the audit's "from" values).
    """
    t = tables.site_settings_versions
    data = dict(values)
    changes = {key: {"from": before.get(key), "to": data[key]} for key in data if before.get(key) != data[key]}
    try:
        with db.write() as conn:
            newest = _latest(conn)
            if (newest.version_no if newest else None) != based_on:
                raise _conflict(newest)
            number = (conn.execute(select(func.max(t.c.version_no))).scalar() or 0) + 1
            saved = SettingsVersion(number, data, utc_now_text(), staff_id, db.workstation)
            with _lost_race():
                conn.execute(insert(t).values(version_no=number, settings_json=json.dumps(data, sort_keys=True),
                                              saved_at=saved.saved_at, saved_by=staff_id,
                                              workstation=db.workstation))
            append_event(db, conn, "site_settings_changed", staff_id=staff_id,
                         details={"version": number, "changes": changes})
    except _LostRace:
        # The same version number committed by another workstation a moment earlier (PostgreSQL; SQLite's
        # BEGIN IMMEDIATE makes the second writer wait and then see the newer version above).
        raise _conflict(latest_settings(db)) from None
    return saved


class _LostRace(Exception):
    """A primary key taken by another workstation's commit: not a failure, the other one simply won.

    Raised inside the transaction (which then rolls back) because ``db.write`` turns every driver error,
    IntegrityError included, into a StorageError for people."""


@contextmanager
def _lost_race() -> Iterator[None]:
    try:
        yield
    except IntegrityError:
        raise _LostRace from None


def _conflict(newest: SettingsVersion | None) -> SiteSettingsConflictError:
    who = (f"{newest.saved_by} at {newest.workstation} saved version {newest.version_no} "
           f"on {newest.saved_at[:16].replace('T', ' ')} UTC"
           if newest else "the settings changed")
    return SiteSettingsConflictError(
        f"Not saved: another administrator changed the site settings while you were editing them ({who}). "
        f"Close Settings and open it again to see their values, then make your change again.")


def read_files(db: Database, names: tuple[str, ...]) -> dict[str, bytes]:
    """The named site files that exist (name -> content); SiteFileError if one was altered in the database."""
    t = tables.site_files
    with db.read() as conn:
        rows = conn.execute(select(t).where(t.c.name.in_(names))).all()
    found = {}
    for row in rows:
        content = bytes(row.content)
        if hashlib.sha256(content).hexdigest() != row.sha256:
            raise SiteFileError(f"The site file '{row.name}' in {db.where} was changed after it was stored (its "
                                f"SHA-256 no longer matches). Ask IT to restore the database from a backup.")
        found[row.name] = content
    return found


def add_files_once(db: Database, files: Mapping[str, bytes], *, created_by: str) -> dict[str, bytes]:
    """Store ``files`` together unless the first of them is already stored; return what is stored.

    When another workstation stored them first (before this transaction, or at the same moment: the
    primary key refuses the second insert), the files returned are theirs, and ``files`` are dropped.
    """
    names = tuple(files)
    try:
        with db.write() as conn:
            t = tables.site_files
            if conn.execute(select(t.c.name).where(t.c.name == names[0])).first() is None:
                now = utc_now_text()
                for name, content in files.items():
                    with _lost_race():
                        conn.execute(insert(t).values(name=name, content=content,
                                                      sha256=hashlib.sha256(content).hexdigest(),
                                                      created_at=now, created_by=created_by))
    except _LostRace:
        pass  # another workstation won the race; read its files below
    stored = read_files(db, names)
    missing = [name for name in names if name not in stored]
    if missing:
        raise SiteFileError(f"The site files {', '.join(missing)} are missing from {db.where} although "
                            f"'{names[0]}' is there. Ask IT to restore the database from a backup.")
    return stored
