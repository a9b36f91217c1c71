"""PostgreSQL as a workstation and a DBA meet it: `db init` as the owner, the application role's limits, the
guards that refuse even the owner, bounded waits, a server that goes away and comes back, backup and restore.

The rest of the storage suite runs on PostgreSQL too (``[postgresql]`` in the test names); these are the
tests with no SQLite counterpart. They use the session's cluster (tests/pg_cluster.py) directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_cluster import APP, OWNER, PASSWORDS, PgCluster
from signed_helpers import signed_content
from storage_helpers import PINS

from checklist_app import cli
from checklist_app.domain.errors import DatabaseBusyError, DatabaseUnavailableError, StorageError
from checklist_app.storage import (
    Autosaver,
    add_staff,
    backup_to,
    get_pdf,
    list_versions,
    load_draft,
    migrations,
    open_database,
    save_draft,
    server,
    sign,
    tables,
    verify_audit,
    verify_versions,
)
from checklist_app.storage.paths import DATABASE_URL_ENV

ROOT = Path(__file__).parents[2]
GUARDED = tuple(migrations.GUARDED_TABLES)


@pytest.fixture
def database(pg_cluster: PgCluster) -> Iterator[str]:
    """A database after `db init`: schema owned by OWNER, APP granted."""
    name = pg_cluster.new_database(initialised=True)
    yield name
    pg_cluster.drop_database(name)


@pytest.fixture
def empty_database(pg_cluster: PgCluster) -> Iterator[str]:
    name = pg_cluster.new_database()
    yield name
    pg_cluster.drop_database(name)


def signed_record(url: str, workstation: str = "BAY-1") -> None:
    """Staff, a signed version with its PDF, and the audit events of both, written as a workstation would."""
    with open_database(url, workstation=workstation, busy_timeout=0.3) as db:
        add_staff(db, "rn1", "Rita Nurse", "RN", "nurse", PINS["rn1"], actor="os:test")
        save_draft(db, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1")
        sign(db, "r1", signer_id="rn1", pin=PINS["rn1"], meaning="Checklist completed",
             content=signed_content({"record_id": "r1", "answers": {"inr": 1.1}}), form_id="f", form_version="1",
             pdf=b"%PDF-1.7 signed")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "checklist_app", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def pg_env(role: str) -> dict[str, str]:
    """The environment of an admin whose password comes from PGPASSWORD (never the command line)."""
    env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV}
    return {**env, "PGPASSWORD": PASSWORDS[role]}


# -- the application role and the guards ----------------------------------------------------------------------

@pytest.mark.parametrize("table", GUARDED)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET {c} = {c}", "DELETE FROM {t}", "TRUNCATE {t}"])
def test_the_application_role_cannot_change_or_remove_the_signed_record(
        pg_cluster: PgCluster, database: str, table: str, statement: str) -> None:
    signed_record(pg_cluster.url(database, APP))
    column = tables.metadata.tables[table].c.keys()[0]
    sql = statement.format(t=table, c=column)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the server refuses, whatever the app does
        pg_cluster.psql(sql, database, APP)
    with open_database(pg_cluster.url(database, APP), busy_timeout=0.3) as db:
        verb = sql.split()[0]
        with pytest.raises(StorageError, match=f"^Refused: the database account .* not allowed to do that "
                                               f"\\({verb}\\)") as caught:
            with db.write() as conn:
                conn.exec_driver_sql(sql)
        assert "permission denied" not in str(caught.value)
        assert verify_audit(db).ok and verify_versions(db) == (1, [])


@pytest.mark.parametrize("table", GUARDED)
@pytest.mark.parametrize("op", ["UPDATE", "DELETE", "TRUNCATE"])
def test_the_guards_refuse_even_the_owner_with_the_same_words_as_on_sqlite(
        pg_cluster: PgCluster, database: str, table: str, op: str) -> None:
    signed_record(pg_cluster.url(database, APP))
    column = tables.metadata.tables[table].c.keys()[0]
    sql = {"UPDATE": f"UPDATE {table} SET {column} = {column}", "DELETE": f"DELETE FROM {table}",
           "TRUNCATE": f"TRUNCATE {table} CASCADE"}[op]
    message = migrations.GUARDED_TABLES[table]
    with pytest.raises(psycopg.Error, match=message) as raw_error:
        pg_cluster.psql(sql, database, OWNER)
    assert raw_error.value.sqlstate == migrations.GUARD_SQLSTATE
    with open_database(pg_cluster.url(database, OWNER), busy_timeout=0.3) as db:
        with pytest.raises(StorageError) as caught:
            with db.write() as conn:
                conn.exec_driver_sql(sql)
        assert str(caught.value) == f"Refused: {message}."
        assert verify_audit(db).ok and verify_versions(db) == (1, [])


def test_the_application_role_gets_exactly_what_the_app_needs(pg_cluster: PgCluster, database: str) -> None:
    declared = {t.name for t in tables.metadata.sorted_tables}
    assert set(server.APP_GRANTS) == declared, "every table needs a decision about the application role"
    rows = pg_cluster.psql("SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                           "WHERE grantee = %s", database, params=[APP])
    granted: dict[str, set[str]] = {}
    for table, privilege in rows:
        granted.setdefault(table, set()).add(privilege)
    assert granted == {table: set(privileges) for table, privileges in server.APP_GRANTS.items()}
    [(owns, create, owner_member)] = pg_cluster.psql(
        "SELECT (SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s), "
        "has_schema_privilege(%s, 'public', 'CREATE'), pg_has_role(%s, %s, 'USAGE')",
        database, params=[APP, APP, APP, OWNER])
    assert (owns, create, owner_member) == (0, False, False)


def test_verify_audit_names_a_guard_switched_off_or_dropped(pg_cluster: PgCluster, database: str) -> None:
    signed_record(pg_cluster.url(database, APP))
    pg_cluster.psql("ALTER TABLE signed_versions DISABLE TRIGGER signed_versions_no_update", database, OWNER)
    pg_cluster.psql("DROP TRIGGER audit_events_no_truncate ON audit_events", database, OWNER)
    with open_database(pg_cluster.url(database, APP)) as db:
        assert verify_audit(db).problems == (
            "the database guard 'audit_events_no_truncate' was removed, so the database was altered outside the app",
            "the database guard 'signed_versions_no_update' was switched off, so the database could be altered "
            "outside the app",
        )


# -- db init, upgrade, status ---------------------------------------------------------------------------------

def test_db_init_as_the_owner_then_workstations_use_the_application_role(
        pg_cluster: PgCluster, empty_database: str) -> None:
    owner_url = pg_cluster.url(empty_database, OWNER, password=False)
    app_url = pg_cluster.url(empty_database, APP, password=False)
    # The application role cannot set the database up...
    done = run_cli("db", "init", "--url", app_url, "--app-role", APP, env=pg_env(APP))
    assert done.returncode == 2 and "may not create or change the tables" in done.stderr and "owner" in done.stderr
    # ...the owner can, with the password from PGPASSWORD.
    done = run_cli("db", "init", "--url", owner_url, "--app-role", APP, env=pg_env(OWNER))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"OK: schema upgraded through version {migrations.LATEST_VERSION}; "
                                  f"the application role {APP} may read everything")
    again = run_cli("db", "init", "--url", owner_url, "--app-role", APP, env=pg_env(OWNER))
    assert again.returncode == 0 and "schema already up to date" in again.stdout
    signed_record(pg_cluster.url(empty_database, APP))
    status = run_cli("db", "status", "--url", app_url, env=pg_env(APP))
    assert status.returncode == 0, status.stderr
    assert f"Schema version: {migrations.LATEST_VERSION} (this app: {migrations.LATEST_VERSION}), up to date" \
        in status.stdout
    assert "This account may change the schema: no" in status.stdout
    assert f"Application role(s) granted: {APP}" in status.stdout
    owners = pg_cluster.psql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'", empty_database)
    assert owners == [(OWNER,)]


def test_db_init_refuses_a_password_on_the_command_line_and_explains_a_missing_role(
        pg_cluster: PgCluster, empty_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["db", "init", "--url", pg_cluster.url(empty_database, OWNER), "--app-role", APP])
    err = capsys.readouterr().err
    assert status == 2 and "contains a password" in err and "~/.pgpass" in err and "PGPASSWORD" in err
    assert PASSWORDS[OWNER] not in err
    with pytest.raises(StorageError, match="There is no role 'no_such_role'.*CREATE ROLE no_such_role LOGIN"):
        server.prepare(pg_cluster.url(empty_database, OWNER), "no_such_role")
    with pytest.raises(StorageError, match="owns the tables"):
        server.prepare(pg_cluster.url(empty_database, OWNER), OWNER)


def test_a_schema_behind_is_upgraded_only_by_the_owner_and_the_app_says_so(
        pg_cluster: PgCluster, database: str) -> None:
    app_url = pg_cluster.url(database, APP)
    with open_database(app_url) as db:
        save_draft(db, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1")
    # As an older release left it: no schema 3 column, nothing after schema 2.
    pg_cluster.psql("ALTER TABLE drafts DROP COLUMN audited_data", database, OWNER)
    pg_cluster.psql("DELETE FROM schema_version WHERE version >= 3", database)  # superuser: its grants say no
    with pytest.raises(StorageError) as caught:
        open_database(app_url)
    message = str(caught.value)
    assert "has schema version 2, but this version of the checklist app needs" in message
    assert "IT must run 'python -m checklist_app db upgrade" in message and "owner account" in message
    columns = pg_cluster.psql("SELECT column_name FROM information_schema.columns WHERE table_name = 'drafts'",
                              database)
    assert ("audited_data",) not in columns  # no DDL was tried as the application role
    status = run_cli("db", "status", "--url", pg_cluster.url(database, APP, password=False), env=pg_env(APP))
    assert status.returncode == 1 and "an upgrade is needed" in status.stdout
    assert "IT must run 'python -m checklist_app db upgrade" in status.stdout
    upgraded = run_cli("db", "upgrade", "--url", pg_cluster.url(database, OWNER, password=False), env=pg_env(OWNER))
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"schema upgraded through version {migrations.LATEST_VERSION}" in upgraded.stdout
    assert f"the application role {APP}" in upgraded.stdout  # found from the grants made before
    with open_database(app_url) as db:
        assert load_draft(db, "r1").audited
        save_draft(db, "r1", {"answers": {"inr": 1.3}}, staff_id="rn1")
        assert verify_audit(db).ok


# -- connections: bounded waits, who is connected, a server that goes away --------------------------------------

def test_each_connection_has_bounded_waits_and_names_its_workstation(pg_cluster: PgCluster, database: str) -> None:
    with open_database(pg_cluster.url(database, APP), workstation="BAY-2", busy_timeout=0.3) as db:
        with db.read() as conn:
            shown = [conn.exec_driver_sql(f"SHOW {name}").scalar()
                     for name in ("lock_timeout", "statement_timeout", "application_name")]
            parameters = conn.connection.driver_connection.info.get_parameters()
        assert shown == ["300ms", "1min", "checklist_app BAY-2"]
        assert parameters["connect_timeout"] == "5"
        seen = pg_cluster.psql("SELECT application_name FROM pg_stat_activity WHERE datname = %s", "postgres",
                               params=[database])
        assert ("checklist_app BAY-2",) in seen
    url = pg_cluster.url(database, APP) + "?connect_timeout=2&application_name=front%20desk"
    with open_database(url, workstation="BAY-2") as db, db.read() as conn:  # the URL's own settings win
        assert conn.exec_driver_sql("SHOW application_name").scalar() == "front desk"
        assert conn.connection.driver_connection.info.get_parameters()["connect_timeout"] == "2"


def test_a_server_restart_does_not_fail_the_next_save(pg_cluster: PgCluster, database: str) -> None:
    with open_database(pg_cluster.url(database, APP), busy_timeout=0.3) as db:
        save_draft(db, "r1", {"answers": {"note": "before"}}, staff_id="rn1")  # a pooled connection now
        pg_cluster.restart()
        save_draft(db, "r1", {"answers": {"note": "after"}}, staff_id="rn1")
        assert load_draft(db, "r1").data == {"answers": {"note": "after"}}


def test_a_server_that_is_down_keeps_the_typing_and_saves_it_when_back(pg_cluster: PgCluster, database: str) -> None:
    with open_database(pg_cluster.url(database, APP), busy_timeout=0.3) as db:
        saver = Autosaver(db, quiet=0.02, max_delay=0.05, retry_interval=0.1)
        saver.update("r1", {"answers": {"note": "first"}}, staff_id="rn1")
        saver.flush()
        pg_cluster.stop()
        try:
            saver.update("r1", {"answers": {"note": "typed while the server was down"}}, staff_id="rn1")
            with pytest.raises(DatabaseUnavailableError) as caught:
                saver.flush()
            assert str(caught.value) == (
                f"The database server {db.where} cannot be reached (it may be restarting, or the network is "
                f"down), so nothing was written just now. The changes are kept on screen and will be saved "
                f"when the server is back. If this lasts more than a few minutes, call IT.")
            assert saver.unsaved_data("r1") == {"answers": {"note": "typed while the server was down"}}
        finally:
            pg_cluster.start()
        assert saver.wait_until_saved(timeout=10)  # the worker's own retry
        saver.close()
        assert load_draft(db, "r1").data == {"answers": {"note": "typed while the server was down"}}


def test_errors_never_quote_row_values(pg_cluster: PgCluster, database: str) -> None:
    secret = "Zebediah Quux-Patient"
    with open_database(pg_cluster.url(database, APP), busy_timeout=0.3) as db:
        save_draft(db, secret.replace(" ", "-"), {"answers": {}}, staff_id="rn1")
        with pytest.raises(StorageError) as caught, db.write() as conn:  # a unique violation quotes the key
            conn.exec_driver_sql("INSERT INTO drafts (record_id, data, revision, saved_at, saved_by, workstation) "
                                 "VALUES (%(r)s, '{}', 1, 'now', 'rn1', 'x')", {"r": secret.replace(" ", "-")})
        assert "Zebediah" not in str(caught.value) and "UniqueViolation" in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_statement_the_server_does_not_finish_in_time_is_reported(pg_cluster: PgCluster, database: str) -> None:
    url = pg_cluster.url(database, APP) + "?options=-c%20statement_timeout%3D200"  # the URL's own setting wins
    with open_database(url, busy_timeout=0.3) as db:
        with pytest.raises(DatabaseBusyError, match="did not finish the request in time, so nothing was written"):
            with db.read() as conn:
                conn.exec_driver_sql("SELECT pg_sleep(2)")
        with db.read() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "300ms"


def test_a_wrong_password_is_named_without_the_password(pg_cluster: PgCluster, database: str) -> None:
    url = pg_cluster.url(database, APP).replace(PASSWORDS[APP], "not-the-password")
    with pytest.raises(StorageError, match="refused this workstation's account") as caught:
        open_database(url)
    assert "not-the-password" not in str(caught.value) and "***" in str(caught.value)


# -- backup and restore -----------------------------------------------------------------------------------------

def test_backup_with_pg_dump_then_restore_into_an_empty_database(
        pg_cluster: PgCluster, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{pg_cluster.bindir}:{os.environ['PATH']}")
    app_url = pg_cluster.url(database, APP)
    signed_record(app_url)
    (tmp_path / "backups").mkdir()
    seen: list[list[str]] = []
    real_run = subprocess.run

    def watching(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.append([str(part) for part in command])
        return real_run(command, **kwargs)

    monkeypatch.setattr(subprocess, "run", watching)
    with open_database(app_url) as db:
        copy = backup_to(db, tmp_path / "backups")
        with pytest.raises(StorageError, match="never overwrites"):
            backup_to(db, copy)
    monkeypatch.undo()
    assert copy.name.startswith("checklist-") and copy.suffix == ".dump"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert seen[0][1:4] == ["--format=custom", "--file", str(copy)]
    assert not any(PASSWORDS[APP] in part for command in seen for part in command)  # only in the environment

    # Restore as the README says: an empty database, pg_restore as the owner, db upgrade, verify-audit.
    restored = pg_cluster.new_database()
    try:
        done = subprocess.run([str(pg_cluster.bindir / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname",
                               f"host=127.0.0.1 port={pg_cluster.port} user={OWNER} dbname={restored}", str(copy)],
                              capture_output=True, text=True, env=pg_env(OWNER))
        assert done.returncode == 0, done.stderr
        upgraded = run_cli("db", "upgrade", "--url", pg_cluster.url(restored, OWNER, password=False),
                           "--app-role", APP, env=pg_env(OWNER))
        assert upgraded.returncode == 0, upgraded.stderr
        with open_database(pg_cluster.url(restored, APP)) as db:
            assert verify_audit(db).ok and verify_versions(db) == (1, [])
            [version] = list_versions(db, "r1")
            assert get_pdf(db, version.version_id) == b"%PDF-1.7 signed"
        verified = run_cli("verify-audit", env={**pg_env(APP), DATABASE_URL_ENV: pg_cluster.url(restored, APP,
                                                                                                 password=False)})
        assert verified.returncode == 0 and verified.stdout.startswith("OK: "), verified.stderr
        with pytest.raises(psycopg.Error, match="cannot be changed or deleted"):  # the guards came back too
            pg_cluster.psql("DELETE FROM signed_versions", restored, OWNER)
    finally:
        pg_cluster.drop_database(restored)


def test_without_pg_dump_the_backup_says_what_to_run(pg_cluster: PgCluster, database: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    with open_database(pg_cluster.url(database, APP)) as db, pytest.raises(StorageError) as caught:
        backup_to(db, tmp_path / "copy.dump")
    message = str(caught.value)
    assert "pg_dump) are not installed" in message
    assert (f"pg_dump --format=custom --file {tmp_path / 'copy.dump'} --dbname 'host=127.0.0.1 "
            f"port={pg_cluster.port} user={APP} dbname={database}'") in message
    assert PASSWORDS[APP] not in message and not (tmp_path / "copy.dump").exists()
