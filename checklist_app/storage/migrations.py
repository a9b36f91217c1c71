"""Versioned schema migrations: an ordered list of steps, each applied once and recorded in schema_version.

Why not Alembic: the app must upgrade its own database silently when a nurse starts it, with no
migration scripts folder, ini file or command to run; the schema is small; and a plain list of Python
steps is easy to review and to test from an empty file. Each step runs in its own transaction (SQLite
and PostgreSQL both roll back DDL), under a lock that serialises workstations (SQLite's BEGIN IMMEDIATE,
PostgreSQL's advisory lock), and re-checks the version inside it, so any number of workstations starting
at once on an empty database apply each step once. On a server only the owner account migrates (``db init``
and ``db upgrade``, cli/db.py); the application role is told, in words, to ask IT.

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
# PostgreSQL also guards TRUNCATE (which skips row triggers), and raises with its own error code so
# failures.py can tell our refusal from any other error and repeat its sentence.
PG_GUARD_TRIGGERS = tuple(f"{t}_no_{op}" for t in GUARDED_TABLES for op in ("update", "delete", "truncate"))
GUARD_SQLSTATE = "CKG01"
PG_GUARD_FUNCTION = "checklist_refuse_change"
# pg_advisory_xact_lock key for migrations: "ckl-migr" as a 64-bit number, so it cannot clash by accident.
MIGRATION_LOCK_KEY = int.from_bytes(b"ckl-migr", "big") - 2**63
# How long a starting workstation waits for another one's migration (its own lock_timeout is short).
MIGRATION_WAIT = "120s"


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


def _step_5(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite has had its triggers since step 1
    # SECURITY INVOKER (the default) is enough: the function only raises. search_path is pinned so a
    # schema created later cannot shadow anything it uses.
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {PG_GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
        f"SET search_path = pg_catalog AS $$ BEGIN "
        f"RAISE EXCEPTION USING ERRCODE = '{GUARD_SQLSTATE}', MESSAGE = TG_ARGV[0]; "
        f"END $$")
    for table, message in GUARDED_TABLES.items():
        for op in ("update", "delete", "truncate"):
            level = "STATEMENT" if op == "truncate" else "ROW"
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{op} ON {table}")
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table} FOR EACH {level} "
                f"EXECUTE FUNCTION {PG_GUARD_FUNCTION}('{message}')")


def _step_6(conn: Connection) -> None:
    tables.outbox.create(conn, checkfirst=True)  # checkfirst: step 1 of this version already made it


STEPS: tuple[Step, ...] = (
    Step(1, "staff, drafts, signed versions and documents, audit trail with its chain head and guards",
         _step_1),
    Step(2, "index of signed versions by signing time (the worklist lists the newest)", _step_2),
    Step(3, "drafts keep their last audited state, so typing can be saved before it is audited", _step_3),
    Step(4, "who has each checklist open, answers set aside, the shared site settings and site files", _step_4),
    Step(5, "PostgreSQL: triggers refuse UPDATE, DELETE and TRUNCATE of signed versions, their documents and "
            "the audit trail, as SQLite's do", _step_5),
    Step(6, "the outbox of exports to the hospital's chart (FHIR, HL7 v2), queued when a version is signed",
         _step_6),
)
LATEST_VERSION = STEPS[-1].version


def current_version(conn: Connection) -> int:
    """The schema version of the open database; 0 for an empty one."""
    if not inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(select(func.coalesce(func.max(tables.schema_version.c.version), 0))).scalar_one())


def may_migrate(conn: Connection) -> bool:
    """Whether this connection's account may change the schema: always on SQLite; on a server, the owner
    of the tables (or a member of its role) with CREATE in the schema, not the application role."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(conn.exec_driver_sql(
        "SELECT has_schema_privilege(current_schema(), 'CREATE') AND coalesce(("
        " SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass('schema_version')"
        "), true)").scalar())


def _lock(conn: Connection) -> None:
    """Serialise migrations between workstations. SQLite: BEGIN IMMEDIATE (db.write) already has; PostgreSQL:
    a transaction-scoped advisory lock, waited for longer than the usual lock timeout, since the first
    workstation may be creating every table."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{MIGRATION_WAIT}'")
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = '{MIGRATION_WAIT}'")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")


def behind_error(where: str, found: int) -> StorageError:
    """The schema is older than this app and this account may not upgrade it: who must do what."""
    return StorageError(
        f"The database {where} has schema version {found}, but this version of the checklist app needs "
        f"{LATEST_VERSION}, and this workstation's database account is not allowed to change the schema "
        f"(as it should be). IT must run 'python -m checklist_app db upgrade --url <the owner account's URL>' "
        f"once, as the owner account; then start the app again. Nothing was changed."
    )


def upgrade(db: Database) -> list[int]:
    """Apply every pending step; returns the versions applied. Refuses a database newer than this app, and
    says who must upgrade it when this account may not."""
    with db.read() as conn:
        found = current_version(conn)
        allowed = found >= LATEST_VERSION or may_migrate(conn)
    if found > LATEST_VERSION:
        raise StorageError(
            f"The database {db.where} was written by a newer version of the checklist app (schema "
            f"{found}; this app knows up to {LATEST_VERSION}). Install the newer version; the database "
            f"has not been changed."
        )
    if not allowed:
        raise behind_error(db.where, found)
    applied: list[int] = []
    for step in STEPS:
        if step.version <= found:
            continue
        with db.write() as conn:
            _lock(conn)
            if current_version(conn) >= step.version:
                continue  # another workstation applied it while we waited for the lock
            step.apply(conn)
            conn.execute(insert(tables.schema_version).values(
                version=step.version, description=step.description, applied_at=utc_now_text()))
        applied.append(step.version)
    return applied
