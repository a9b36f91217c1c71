"""Versioned schema migrations: an ordered list of steps, each applied once and recorded in schema_version.

Why not Alembic: the app must upgrade its own database silently when a nurse starts it, with no
migration scripts folder, ini file or command to run; the schema is small; and a plain list of Python
steps is easy to review and to test from an empty file. Each step runs in its own transaction (SQLite
and PostgreSQL both roll back DDL), and re-checks the version inside that transaction so two
workstations starting at once cannot both apply it.

To change the schema: change ``tables.py`` and append a step (never edit an applied one). Step 1 builds
the tables from today's ``tables.py``, so on a fresh database it already makes what later steps add;
every later step must therefore skip what exists (``IF NOT EXISTS``, or a look at the columns) and only
bring older databases up to ``tables.py``. A test compares a fresh database with ``tables.py``, and
another upgrades a database from before a step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, insert, inspect, select

from checklist_app.domain.errors import StorageError
from checklist_app.storage import tables
from checklist_app.storage.clock import utc_now_text

if TYPE_CHECKING:
    from checklist_app.storage.database import Database

GENESIS_HASH = "0" * 64

# Refusals enforced by the database itself, so even raw SQL cannot quietly edit the clinical record.
# The message is what the user sees (failures.py turns the trigger error into a StorageError).
GUARDED_TABLES = {
    "signed_versions": "signed versions cannot be changed or deleted; record an amendment instead",
    "version_documents": "the documents of a signed version cannot be changed or deleted",
    "audit_events": "the audit trail is append-only",
}
GUARD_TRIGGERS = tuple(f"{t}_no_{op}" for t in GUARDED_TABLES for op in ("update", "delete"))


@dataclass(frozen=True)
class Step:
    """One migration: the schema version it produces, what it does, and the function doing it."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_guard_triggers(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        # A server database enforces this through the app's code and the account's grants (no UPDATE
        # or DELETE on these tables); SQLite has no grants, hence triggers.
        return
    for table, message in GUARDED_TABLES.items():
        for op in ("update", "delete"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )


def _step_1(conn: Connection) -> None:
    tables.metadata.create_all(conn)
    conn.execute(insert(tables.chain_head).values(id=1, last_seq=0, last_hash=GENESIS_HASH))
    _create_guard_triggers(conn)


def _step_2(conn: Connection) -> None:
    # IF NOT EXISTS: a database made by step 1 of this version already has it (create_all makes every index).
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_signed_versions_signed_at ON signed_versions (signed_at)")


def _step_3(conn: Connection) -> None:
    # Typing is saved unaudited within a second and audited when committed (drafts.py), so a draft
    # keeps the last audited state beside its data. Existing rows get NULL: their data was audited.
    if "audited_data" not in {c["name"] for c in inspect(conn).get_columns("drafts")}:
        conn.exec_driver_sql("ALTER TABLE drafts ADD COLUMN audited_data TEXT")


def _step_4(conn: Connection) -> None:
    # checkfirst: a database made by step 1 of this version already has them.
    for table in (tables.checkouts, tables.set_aside, tables.site_settings_versions, tables.site_files):
        table.create(conn, checkfirst=True)  # with its indexes


STEPS: tuple[Step, ...] = (
    Step(1, "staff, drafts, signed versions and documents, audit trail with its chain head and guards",
         _step_1),
    Step(2, "index of signed versions by signing time (the worklist lists the newest)", _step_2),
    Step(3, "drafts keep their last audited state, so typing can be saved before it is audited", _step_3),
    Step(4, "who has each checklist open, answers set aside, the shared site settings and site files", _step_4),
)
LATEST_VERSION = STEPS[-1].version


def current_version(conn: Connection) -> int:
    """The schema version of the open database; 0 for an empty one."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(tables.schema_version.c.version), 0))).scalar_one())


def upgrade(db: Database) -> list[int]:
    """Apply every pending step; returns the versions applied. Refuses a database newer than this app."""
    with db.read() as conn:
        found = current_version(conn)
    if found > LATEST_VERSION:
        raise StorageError(
            f"The database {db.where} was written by a newer version of the checklist app (schema "
            f"{found}; this app knows up to {LATEST_VERSION}). Install the newer version; the database "
            f"has not been changed."
        )
    applied: list[int] = []
    for step in STEPS:
        if step.version <= found:
            continue
        with db.write() as conn:
            if current_version(conn) >= step.version:
                continue  # another workstation applied it while we waited for the lock
            step.apply(conn)
            conn.execute(insert(tables.schema_version).values(
                version=step.version, description=step.description, applied_at=utc_now_text()))
        applied.append(step.version)
    return applied
