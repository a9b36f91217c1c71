"""A shared PostgreSQL server: the owner account's schema and the application role's grants (``db`` command).

A hospital's DBA runs ``db init`` once with the owner account: the schema is created (or upgraded) as that
account, which owns every table, and the application role the workstations connect as is granted exactly
what the app does: it reads everything, adds to the signed record and the audit trail but never changes
or removes them, and edits drafts, who-has-it-open and answers set aside. It owns nothing, so it can run
no DDL, TRUNCATE or ALTER ... DISABLE TRIGGER. The triggers of migration step 5 refuse UPDATE and DELETE
of the signed record even to the owner. ``db upgrade`` does the same for a later release.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from checklist_app.domain.errors import StorageError
from checklist_app.storage import migrations, tables
from checklist_app.storage.database import open_database

READ_ADD = ("SELECT", "INSERT")
READ_ADD_CHANGE = ("SELECT", "INSERT", "UPDATE")
READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
# What the application role may do, table by table; a table missing here gets nothing (a test checks that
# every table of tables.py is listed, so a new table is a decision, not an accident).
APP_GRANTS: dict[str, tuple[str, ...]] = {
    "schema_version": ("SELECT",),
    "audit_events": READ_ADD,
    "signed_versions": READ_ADD,
    "version_documents": READ_ADD,
    "site_settings_versions": READ_ADD,
    "site_files": READ_ADD,
    "staff": READ_ADD_CHANGE,
    "chain_head": READ_ADD_CHANGE,
    "drafts": READ_WRITE,
    "checkouts": READ_WRITE,
    "set_aside": READ_WRITE,
    # Exports to the chart: queued at signing, then marked tried or delivered; never deleted.
    "outbox": READ_ADD_CHANGE,
}


@dataclass(frozen=True)
class ServerStatus:
    """What ``db status`` reports about one database and the account used to reach it."""

    where: str
    kind: str  # "sqlite" or "postgresql"
    account: str | None
    schema: int
    latest: int
    may_migrate: bool
    app_roles: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        """Whether the schema is the one this app expects."""
        return self.schema == self.latest


def prepare(url: str, app_role: str | None) -> tuple[list[int], list[str]]:
    """Create or upgrade the schema as the owner, then grant ``app_role`` (default: the roles granted
    before) its privileges. Returns the steps applied now and the role(s) granted."""
    with open_database(url, workstation="db-init", migrate=False) as db:
        if db.engine.dialect.name != "postgresql":
            raise StorageError(f"{db.where} is not a PostgreSQL database; 'db init' and 'db upgrade' set up "
                               f"a shared server. An SQLite file is created and upgraded by the app itself.")
        with db.read() as conn:
            if not migrations.may_migrate(conn):
                raise StorageError(
                    f"The account {_account(conn)} may not create or change the tables in {db.where}: run "
                    f"this command with the owner account's URL (the account that owns the database's "
                    f"tables, with CREATE on its schema), not the application role's.")
        applied = migrations.upgrade(db)  # under the advisory lock: workstations may be starting
        with db.write() as conn:
            roles = [app_role] if app_role else _granted_roles(conn)
            if not roles:
                raise StorageError("No application role was given and none has been granted before: name it "
                                   "with --app-role (the role the workstations connect as).")
            for role in roles:
                _grant(conn, role)
    return applied, roles


def _account(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_user").scalar())


def _grant(conn: Connection, role: str) -> None:
    quote = conn.dialect.identifier_preparer.quote
    exists = conn.exec_driver_sql("SELECT rolsuper, oid FROM pg_roles WHERE rolname = %(r)s", {"r": role}).first()
    if exists is None:
        raise StorageError(
            f"There is no role '{role}' on this server. Create it first, as a DBA, for example in psql: "
            f"CREATE ROLE {quote(role)} LOGIN; then \\password {quote(role)} to give it a password.")
    if exists[0]:
        raise StorageError(f"The role '{role}' is a superuser, which no rule can restrict; the workstations "
                           f"must connect as an ordinary role. Choose or create another.")
    owns = conn.exec_driver_sql("SELECT pg_has_role(%(r)s, (SELECT relowner FROM pg_class WHERE oid = "
                                "to_regclass('schema_version')), 'USAGE')", {"r": role}).scalar()
    if owns:
        raise StorageError(f"The role '{role}' owns the tables (or is a member of their owner's role), so it "
                           f"could change or drop them. The application role must be a separate role.")
    schema = quote(str(conn.exec_driver_sql("SELECT current_schema()").scalar()))
    who = quote(role)
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}")
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}")
    conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {schema} FROM {who}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {who}")
    database = quote(str(conn.exec_driver_sql("SELECT current_database()").scalar()))
    conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {who}")
    for table in tables.metadata.sorted_tables:
        privileges = APP_GRANTS.get(table.name)
        if privileges:
            conn.exec_driver_sql(f"GRANT {', '.join(privileges)} ON {quote(table.name)} TO {who}")
    # nextval for the SERIAL keys (signed_versions, set_aside), and SELECT so that `backup` (pg_dump) can run
    # as this role; no UPDATE, so no setval.
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}")


def _granted_roles(conn: Connection) -> list[str]:
    """Roles other than the owner that may add audit events: the application roles granted before."""
    rows = conn.exec_driver_sql(
        "SELECT r.rolname FROM pg_roles r WHERE has_table_privilege(r.oid, 'audit_events', 'INSERT') "
        "AND NOT r.rolsuper AND NOT pg_has_role(r.oid, (SELECT relowner FROM pg_class "
        "WHERE oid = to_regclass('audit_events')), 'USAGE') ORDER BY r.rolname")
    return [row[0] for row in rows]


def status(url: str | None) -> ServerStatus:
    """The schema version and whether this account may migrate, without changing anything."""
    with open_database(url, create=False, migrate=False) as db, db.read() as conn:
        found = migrations.current_version(conn)
        kind = conn.dialect.name
        account = _account(conn) if kind == "postgresql" else None
        roles = tuple(_granted_roles(conn)) if kind == "postgresql" and found else ()
        return ServerStatus(db.where, kind, account, found, migrations.LATEST_VERSION,
                            migrations.may_migrate(conn), roles)


def refuse_password_on_command_line(url: str) -> None:
    """A password typed into ``--url`` is visible to every account on the machine (the process list) and
    stays in the shell's history: refused, pointing to libpq's password file and variable instead."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # open_database says what is wrong with it
    if parsed.password:
        raise StorageError(
            "The URL given on the command line contains a password, which other users of this computer can "
            "see in the process list. Give the URL without it and put the password in the password file "
            "(~/.pgpass, or the file named by PGPASSFILE) or in the PGPASSWORD environment variable. Change "
            "that password now if this computer is shared.")
