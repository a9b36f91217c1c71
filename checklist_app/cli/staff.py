"""``staff`` commands for the site admin: add accounts, list them, unlock them, set a new PIN.

The PIN is asked for twice without echo, or read from standard input with ``--pin-stdin`` (for scripted
installs; never pass a PIN as an argument, where other users and the shell history can see it).

Adding an account, setting a PIN and unlocking need a site admin's own ID and PIN (``--admin ID``; the PIN is
asked for, or is the first line of standard input with ``--pin-stdin``), and are recorded in the audit trail
as done by that admin: the workstation's operating-system account alone cannot make a nurse a physician or
give itself someone's PIN. Only while no usable admin account exists (a new install, or every admin locked
out) are they done as ``os:<login name>``, and the trail says why.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from checklist_app.storage import open_database
from checklist_app.storage.pins import PinPolicyError
from checklist_app.storage.staff import (
    ROLES,
    AuthenticationError,
    StaffMember,
    add_staff,
    list_staff,
    require_role,
    set_pin,
    unlock_staff,
    verify_pin,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``staff add|list|unlock|set-pin``."""
    staff = subparsers.add_parser("staff", help="manage staff accounts (site admin)",
                                  description="Manage the staff accounts that sign checklists.")
    actions = staff.add_subparsers(dest="staff_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="create an account", description="Create a staff account.")
    add.add_argument("--id", required=True, dest="staff_id", help="the login ID, e.g. jsmith")
    add.add_argument("--name", required=True, help="full name as printed on signatures")
    add.add_argument("--credentials", required=True, help="e.g. RN, MD, RN BSN")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--pin-stdin", action="store_true",
                     help="read the PINs from stdin: the admin's first (with --admin), then the new one")
    _admin_option(add)
    add.set_defaults(handler=_add)

    lst = actions.add_parser("list", help="list accounts", description="List staff accounts.")
    lst.set_defaults(handler=_list)

    unlock = actions.add_parser("unlock", help="unlock an account locked by wrong PINs",
                                description="Unlock an account locked after five wrong PINs.")
    unlock.add_argument("staff_id", metavar="ID")
    unlock.add_argument("--pin-stdin", action="store_true", help="read the admin's PIN from the first line of stdin")
    _admin_option(unlock)
    unlock.set_defaults(handler=_unlock)

    pin = actions.add_parser("set-pin", help="set a new PIN", description="Set a new PIN for an account.")
    pin.add_argument("staff_id", metavar="ID")
    pin.add_argument("--pin-stdin", action="store_true",
                     help="read the PINs from stdin: the admin's first (with --admin), then the new one")
    _admin_option(pin)
    pin.set_defaults(handler=_set_pin)


def _admin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin", metavar="ADMIN_ID",
                        help="your site admin ID (its PIN is asked for); needed once any admin account exists")


def _admin_actor(db: Any, args: argparse.Namespace, action: str) -> str:
    """Who the trail records for a change to staff accounts: a site admin who just gave their PIN."""
    usable = [m for m in list_staff(db) if m.role == "admin" and m.active and not m.locked]
    if not usable:
        print(f"No usable site admin account exists, so this is recorded as done by {_actor()}.", file=sys.stderr)
        return _actor()
    if not args.admin:
        raise AuthenticationError(f"To {action}, a site admin must give their own ID and PIN: add --admin ID "
                                  f"(the PIN is then asked for).", staff_id="")
    pin = _read_pin(f"PIN of admin {args.admin}: ", args.pin_stdin)
    member = verify_pin(db, args.admin, pin, purpose="staff admin")
    require_role(member, ("admin",), action)
    return member.staff_id


def _read_pin(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise PinPolicyError("--pin-stdin was given but standard input holds no admin PIN.")
        return line.rstrip("\r\n")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise PinPolicyError("No PIN was entered (no terminal?); use --pin-stdin to pipe it in.") from None


def _actor() -> str:
    # The CLI has no staff login; the trail records the operating-system account that ran it.
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def read_new_pin(staff_id: str, from_stdin: bool) -> str:
    """The new PIN: first line of stdin, or asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise PinPolicyError("--pin-stdin was given but standard input holds no PIN.")
        return line.rstrip("\r\n")
    try:
        first = getpass.getpass(f"New PIN for {staff_id}: ")
        second = getpass.getpass("Repeat the PIN: ")
    except EOFError:
        raise PinPolicyError("No PIN was entered (no terminal?); use --pin-stdin to pipe it in.") from None
    if first != second:
        raise PinPolicyError("The two PINs differ; nothing was changed.")
    return first


def _add(args: argparse.Namespace) -> int:
    with open_database() as db:
        actor = _admin_actor(db, args, "add a staff account")
        pin = read_new_pin(args.staff_id, args.pin_stdin)
        member = add_staff(db, args.staff_id, args.name, args.credentials, args.role, pin, actor=actor)
        print(f"Added {member.staff_id}: {member.display} ({member.role}). Database: {db.where}")
    return 0


def status(member: StaffMember) -> str:
    """'active', 'LOCKED (5 wrong PINs)', 'active, 2 wrong PINs'."""
    if member.locked:
        return f"LOCKED ({member.failed_attempts} wrong PINs)"
    text = "active" if member.active else "inactive"
    return f"{text}, {member.failed_attempts} wrong PINs" if member.failed_attempts else text


def _list(args: argparse.Namespace) -> int:
    with open_database(create=False) as db:
        members = list_staff(db)
    if not members:
        print("No staff accounts yet; add one with: python -m checklist_app staff add ...")
        return 0
    rows = [("ID", "NAME", "CREDENTIALS", "ROLE", "STATUS")]
    rows += [(m.staff_id, m.name, m.credentials, m.role, status(m)) for m in members]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])
    return 0


def _unlock(args: argparse.Namespace) -> int:
    with open_database(create=False) as db:
        was_locked = any(m.locked for m in list_staff(db) if m.staff_id == args.staff_id)
        member = unlock_staff(db, args.staff_id, actor=_admin_actor(db, args, "unlock an account"))
    print(f"Unlocked {member.staff_id}." if was_locked else f"{member.staff_id} was not locked; "
          f"its wrong-PIN count is reset.")
    return 0


def _set_pin(args: argparse.Namespace) -> int:
    with open_database(create=False) as db:
        actor = _admin_actor(db, args, "set a PIN")
        pin = read_new_pin(args.staff_id, args.pin_stdin)
        member = set_pin(db, args.staff_id, pin, actor=actor)
    print(f"New PIN set for {member.staff_id}.")
    if member.locked:
        print(f"The account is still locked; unlock it with: python -m checklist_app staff unlock "
              f"{member.staff_id}")
    return 0
