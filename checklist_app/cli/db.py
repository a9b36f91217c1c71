"""``db init``, ``db upgrade`` and ``db status``: set up and upgrade a shared PostgreSQL server (the DBA's side).

``db init --url OWNER_URL --app-role ROLE`` is run once, with the account that is to own the tables: it
creates the schema and grants the application role (the one the workstations use) exactly what the app
needs. ``db upgrade`` does the same for a new release (the workstations' role may not change the schema).
``db status`` says which schema version a database has and whether the account may change it. The URL
never carries a password: libpq reads it from ~/.pgpass, PGPASSFILE or PGPASSWORD.
"""

from __future__ import annotations

import argparse
import os

from checklist_app.cli import EXIT_NO, EXIT_OK
from checklist_app.domain.errors import StorageError
from checklist_app.storage import paths, server


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``db init|upgrade|status``."""
    db = subparsers.add_parser(
        "db", help="set up, upgrade or inspect a shared PostgreSQL database (IT / DBA)",
        description="Set up and upgrade the shared PostgreSQL database. The password is never given here: "
                    "put it in ~/.pgpass (or the file named by PGPASSFILE) or in PGPASSWORD.")
    actions = db.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    url_help = (f"the database URL, e.g. postgresql+psycopg://owner@dbhost/checklist?sslmode=verify-full "
                f"(default: ${paths.DATABASE_URL_ENV})")

    init = actions.add_parser(
        "init", help="create the schema as the owner and grant the application role",
        description="Run once, with the owner account's URL: create (or upgrade) the tables, owned by that "
                    "account, and grant the application role what the app needs and nothing more.")
    init.add_argument("--url", help=url_help)
    init.add_argument("--app-role", required=True, metavar="ROLE",
                      help="the role the workstations connect as (created beforehand by the DBA)")
    init.set_defaults(handler=_prepare)

    upgrade = actions.add_parser(
        "upgrade", help="upgrade the schema for a new release (owner account)",
        description="Apply the new release's schema changes as the owner account and renew the application "
                    "role's grants (the roles granted before, unless --app-role is given).")
    upgrade.add_argument("--url", help=url_help)
    upgrade.add_argument("--app-role", metavar="ROLE", help="the application role (default: as granted before)")
    upgrade.set_defaults(handler=_prepare)

    status = actions.add_parser(
        "status", help="the schema version, and whether this account may change it",
        description="Show the database's schema version and whether the account in the URL may upgrade it. "
                    "Exit status 0: up to date; 1: an upgrade is needed (or the database is newer).")
    status.add_argument("--url", help=url_help)
    status.set_defaults(handler=_status)


def _url(args: argparse.Namespace) -> str | None:
    if args.url:
        server.refuse_password_on_command_line(args.url)
        return args.url
    return os.environ.get(paths.DATABASE_URL_ENV, "").strip() or None


def _prepare(args: argparse.Namespace) -> int:
    url = _url(args)
    if url is None:
        raise StorageError(f"Give the owner account's URL with --url (or set {paths.DATABASE_URL_ENV}).")
    applied, roles = server.prepare(url, args.app_role)
    done = f"schema upgraded through version {applied[-1]}" if applied else "schema already up to date"
    print(f"OK: {done}; the application role {', '.join(roles)} may read everything, add to the signed record "
          f"and the audit trail, and edit drafts, but cannot change or delete what was signed or audited.")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    found = server.status(_url(args))
    print(f"Database: {found.where} ({found.kind})")
    if found.account:
        print(f"Account: {found.account}")
    state = ("up to date" if found.up_to_date else
             "newer than this app: install the newer version" if found.schema > found.latest else
             "an upgrade is needed")
    print(f"Schema version: {found.schema} (this app: {found.latest}), {state}")
    if found.kind != "postgresql":
        may = "yes" if found.may_migrate else "no"
    else:
        may = "yes (the owner account)" if found.may_migrate else "no (as the application role should not)"
    print(f"This account may change the schema: {may}")
    if found.app_roles:
        print(f"Application role(s) granted: {', '.join(found.app_roles)}")
    if not found.up_to_date and found.schema < found.latest and not found.may_migrate:
        print("IT must run 'python -m checklist_app db upgrade --url <owner URL>' as the owner account.")
    return EXIT_OK if found.up_to_date else EXIT_NO
