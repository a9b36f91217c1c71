"""A throwaway PostgreSQL cluster for the tests: ``pg_cluster``, one per session, started on first use.

``initdb`` + ``pg_ctl`` from the installed server binaries (``$CHECKLIST_TEST_PG_BINDIR`` when set, else the
newest ``/usr/lib/postgresql/*/bin``, else ``pg_ctl`` on PATH), in a temporary folder with its unix socket, on a
free localhost port; run as the ``postgres`` OS account when we are root (the server refuses root). It
is stopped and removed at the end of the session, whatever happened.

Roles, as a site's DBA would set them up (README, "A shared server for the whole unit"): ``OWNER`` owns
the tables (``db init``), ``APP`` is what the workstations connect as. Both log in over TCP with a password
(scram-sha-256), so a test that forgets the password fails as a workstation would; the superuser reaches
the server through the unix socket only, for the fixture's own work and for tests that tamper as a DBA.

Without PostgreSQL binaries (or psycopg) the PostgreSQL tests are skipped with the reason, except when
``$CI`` is set: CI must run both backends, so there it is an error.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

OWNER, APP = "checklist_owner", "checklist_app"
PASSWORDS = {OWNER: "owner-pw-for-tests", APP: "app-pw-for-tests"}
SUPERUSER = "postgres"
TEMPLATE = "checklist_template"  # schema made by `db init`, copied by new_database(initialised=True)


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl, or None."""
    chosen = os.environ.get("CHECKLIST_TEST_PG_BINDIR", "").strip()
    if chosen:  # that one, or none: a test run that names its server must not quietly use another
        candidates = [chosen]
    else:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
        found = shutil.which("pg_ctl")
        if found:
            candidates.append(str(Path(found).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _version_key(folder: str) -> int:
    name = Path(folder).parent.name
    return int(name) if name.isdigit() else 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgCluster:
    """One running test cluster. See the module docstring for the roles."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_postgres = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="checklist-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.socket_dir.mkdir()
        if self.as_postgres:
            account = pwd.getpwnam(SUPERUSER)
            for path in (self.base, self.socket_dir):
                os.chown(path, account.pw_uid, account.pw_gid)
        self.port = free_port()
        self._counter = 0
        self._template_ready = False
        self._file_copy = False

    # -- the server ------------------------------------------------------------------------------------
    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.base, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def init(self) -> None:
        self._run("initdb", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256", "--username",
                  SUPERUSER, "--encoding=UTF8", "--locale=C", "-D", str(self.data))
        settings = {
            "listen_addresses": "'127.0.0.1'", "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            # Speed only: a test cluster that dies is thrown away, so it need not survive a power cut.
            "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
            "max_connections": "200", "shared_buffers": "32MB", "log_min_messages": "fatal",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self.start()
        self.psql(f"CREATE ROLE {OWNER} LOGIN PASSWORD '{PASSWORDS[OWNER]}'")
        self.psql(f"CREATE ROLE {APP} LOGIN PASSWORD '{PASSWORDS[APP]}'")
        self._file_copy = int(self.psql("SHOW server_version_num")[0][0]) >= 150000

    def start(self) -> None:
        """Start the server (after ``stop``), and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session (as an admin's restart does), ``immediate`` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """Stop and start again: every open connection is dropped, as in a server restart."""
        self.stop()
        self.start()

    def remove(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    # -- connecting ------------------------------------------------------------------------------------
    def url(self, database: str, role: str = APP, *, password: bool = True) -> str:
        """The SQLAlchemy URL of ``database`` as ``role`` (OWNER or APP) over TCP, with its password unless
        ``password=False`` (then libpq must find it in PGPASSWORD or a password file)."""
        secret = f":{PASSWORDS[role]}" if password else ""
        return f"postgresql+psycopg://{role}{secret}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", role: str | None = None) -> Any:
        """A psycopg connection in autocommit: as the superuser through the socket, or as ``role`` over TCP."""
        import psycopg

        if role is None:
            return psycopg.connect(host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname=database,
                                   autocommit=True)
        return psycopg.connect(host="127.0.0.1", port=self.port, user=role, password=PASSWORDS[role],
                               dbname=database, autocommit=True)

    def psql(self, sql: str, database: str = "postgres", role: str | None = None,
             params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement (as the superuser unless ``role``); returns its rows (empty for none)."""
        with self.connect(database, role) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    # -- databases -------------------------------------------------------------------------------------
    def new_database(self, *, initialised: bool = False) -> str:
        """A new database owned by OWNER: empty, or (``initialised``) with the schema and grants of
        ``db init`` already made (copied from a template, about 10x faster than migrating)."""
        if initialised:
            self._ensure_template()
        self._counter += 1
        name = f"t{os.getpid()}_{self._counter}"
        template = f" TEMPLATE {TEMPLATE}" if initialised else ""
        if self._file_copy:  # PostgreSQL 15+: a file copy is ~25% faster than WAL-logging a small database
            template += " STRATEGY FILE_COPY"
        self.psql(f"CREATE DATABASE {name} OWNER {OWNER}{template}")
        return name

    def drop_database(self, name: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from checklist_app.storage import server

        self.psql(f"CREATE DATABASE {TEMPLATE} OWNER {OWNER}")
        server.prepare(self.url(TEMPLATE, OWNER), APP)
        self.psql(f"ALTER DATABASE {TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
        self._template_ready = True


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI must run the storage tests on PostgreSQL too, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's PostgreSQL cluster (started on first use, removed at the end)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the driver psycopg is not installed (pip install -e '.[test,postgresql]', or run "
                     "scripts/bootstrap.sh)")
    bindir = find_bindir()
    if bindir is None:
        _unavailable("the PostgreSQL server binaries (initdb, pg_ctl) are not installed (Debian: apt-get "
                     "install postgresql, or run scripts/bootstrap.sh as root; or set CHECKLIST_TEST_PG_BINDIR)")
    cluster = PgCluster(bindir)
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.remove()

