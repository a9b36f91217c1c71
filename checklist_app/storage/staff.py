"""Staff accounts: who may sign, with which credentials and role, and re-authentication by PIN.

Signing and a physician's override each call ``verify_pin`` at that moment (ID and PIN, the two
components 21 CFR Part 11 asks of an electronic signature). Five wrong PINs in a row lock the account
until an admin unlocks it; every failure, lock and unlock is an audit event. Accounts are never deleted:
signed versions refer to them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from checklist_app.domain.errors import ChecklistError, StorageError
from checklist_app.storage import pins, tables
from checklist_app.storage.audit import append_event
from checklist_app.storage.clock import utc_now_text
from checklist_app.storage.database import Database

MAX_FAILED_ATTEMPTS = 5
ROLES = tables.ROLES
_STAFF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}$")


class AuthenticationError(ChecklistError):
    """Re-authentication failed: wrong ID or PIN, a locked or inactive account, or the wrong role."""

    def __init__(self, message: str, *, staff_id: str, locked: bool = False) -> None:
        self.staff_id = staff_id
        self.locked = locked
        super().__init__(message)


@dataclass(frozen=True)
class StaffMember:
    """A staff account as the app sees it (never the PIN hash)."""

    staff_id: str
    name: str
    credentials: str
    role: str
    failed_attempts: int
    locked: bool
    active: bool
    created_at: str

    @property
    def display(self) -> str:
        """'Jane Doe, RN': how the signer is named on screen and on paper."""
        return f"{self.name}, {self.credentials}"


def _member(row: Any) -> StaffMember:
    return StaffMember(row.staff_id, row.name, row.credentials, row.role, row.failed_attempts,
                       row.locked_at is not None, bool(row.active), row.created_at)


def add_staff(db: Database, staff_id: str, name: str, credentials: str, role: str, pin: str, *,
              actor: str) -> StaffMember:
    """Create an account; ``actor`` is who did it (an admin's id, or ``os:<user>`` from the CLI)."""
    staff_id, name, credentials = staff_id.strip(), " ".join(name.split()), credentials.strip()
    if not _STAFF_ID.match(staff_id):
        raise StorageError(f"The staff ID {staff_id!r} is not usable: use 1 to 64 letters, digits, '.', '_', "
                           f"'@' or '-', starting with a letter or digit.")
    if not name or len(name) > 200:
        raise StorageError("The name must be between 1 and 200 characters.")
    if not credentials or len(credentials) > 60:
        raise StorageError("The credentials (such as RN or MD) must be between 1 and 60 characters.")
    if role not in ROLES:
        raise StorageError(f"The role {role!r} is not known; use one of: {', '.join(ROLES)}.")
    pins.check_pin_policy(pin)
    pin_hash = pins.hash_pin(pin)  # before the transaction: no lock held while scrypt runs
    with db.write() as conn:
        if conn.execute(select(tables.staff.c.staff_id).where(tables.staff.c.staff_id == staff_id)).first():
            raise StorageError(f"A staff account with the ID {staff_id!r} already exists; "
                               f"use 'staff set-pin' to change its PIN.")
        conn.execute(insert(tables.staff).values(
            staff_id=staff_id, name=name, credentials=credentials, role=role, pin_hash=pin_hash,
            failed_attempts=0, locked_at=None, active=True, created_at=utc_now_text()))
        append_event(db, conn, "staff_added", staff_id=actor,
                     details={"account": staff_id, "name": name, "credentials": credentials, "role": role,
                              "pin_sha256": pin_digest(pin_hash)})
        return _member(_row(conn, staff_id))


def get_staff(db: Database, staff_id: str) -> StaffMember | None:
    """The account with this ID, or None."""
    with db.read() as conn:
        row = _row(conn, staff_id)
    return _member(row) if row is not None else None


def list_staff(db: Database) -> list[StaffMember]:
    """Every account, by ID."""
    with db.read() as conn:
        return [_member(r) for r in conn.execute(select(tables.staff).order_by(tables.staff.c.staff_id))]


def set_pin(db: Database, staff_id: str, pin: str, *, actor: str) -> StaffMember:
    """Replace an account's PIN (and clear its failed-attempt count; a lock stays until unlocked)."""
    pins.check_pin_policy(pin)
    pin_hash = pins.hash_pin(pin)
    with db.write() as conn:
        _require_row(conn, staff_id)
        conn.execute(update(tables.staff).where(tables.staff.c.staff_id == staff_id)
                     .values(pin_hash=pin_hash, failed_attempts=0))
        append_event(db, conn, "pin_changed", staff_id=actor,
                     details={"account": staff_id, "pin_sha256": pin_digest(pin_hash)})
        return _member(_row(conn, staff_id))


def unlock_staff(db: Database, staff_id: str, *, actor: str) -> StaffMember:
    """Unlock an account locked by wrong PINs (an admin's action; recorded with ``actor``)."""
    with db.write() as conn:
        row = _require_row(conn, staff_id)
        conn.execute(update(tables.staff).where(tables.staff.c.staff_id == staff_id)
                     .values(failed_attempts=0, locked_at=None))
        append_event(db, conn, "unlocked", staff_id=actor,
                     details={"account": staff_id, "was_locked": row.locked_at is not None,
                              "failed_attempts": row.failed_attempts})
        return _member(_row(conn, staff_id))


def verify_pin(db: Database, staff_id: str, pin: str, *, purpose: str = "sign",
               record_id: str | None = None) -> StaffMember:
    """Check ID and PIN now; return the account, or raise AuthenticationError (and count the failure).

    ``purpose`` (sign, override, unlock...) and ``record_id`` go into the audit event of a failure.
    """
    staff_id = staff_id.strip()[:64]
    with db.read() as conn:
        row = _row(conn, staff_id)
    context = {"purpose": purpose}
    if row is None:
        pins.spend_check_time(pin)
        _fail(db, staff_id, record_id, {**context, "reason": "unknown staff ID"})
        raise AuthenticationError("The staff ID or PIN is not correct.", staff_id=staff_id)
    if row.locked_at is not None:
        _fail(db, staff_id, record_id, {**context, "reason": "account locked"})
        raise _locked_error(staff_id)
    if not row.active:
        _fail(db, staff_id, record_id, {**context, "reason": "account inactive"})
        raise AuthenticationError(f"The account {staff_id} is no longer active.", staff_id=staff_id)
    matches = pins.check_pin(pin, row.pin_hash)  # outside any transaction: nothing waits on scrypt
    with db.write() as conn:
        if matches:
            current = _require_row(conn, staff_id)
            if current.locked_at is not None:  # locked from another workstation meanwhile
                raise _locked_error(staff_id)
            values: dict[str, Any] = {"failed_attempts": 0} if current.failed_attempts else {}
            # Renewed only when the stored hash is the one the trail recorded: a hash swapped in the table
            # behind the app's back must stay there for verify-audit to find, not be laundered into a new one.
            if pins.needs_rehash(current.pin_hash) and _recorded_pin_digest(conn, staff_id) in (
                    None, pin_digest(current.pin_hash)):
                values["pin_hash"] = pins.hash_pin(pin)
                append_event(db, conn, "pin_rehashed", staff_id=staff_id,
                             details={"account": staff_id, "pin_sha256": pin_digest(values["pin_hash"])})
            if values:
                conn.execute(update(tables.staff).where(tables.staff.c.staff_id == staff_id).values(**values))
            return _member(_row(conn, staff_id))
        # Counted in the database (+1, not read-modify-write) so two workstations cannot lose a failure.
        conn.execute(update(tables.staff).where(tables.staff.c.staff_id == staff_id)
                     .values(failed_attempts=tables.staff.c.failed_attempts + 1))
        current = _require_row(conn, staff_id)
        append_event(db, conn, "login_failed", staff_id=staff_id, record_id=record_id,
                     details={**context, "reason": "wrong PIN", "attempt": current.failed_attempts})
        locked = current.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked and current.locked_at is None:
            conn.execute(update(tables.staff).where(tables.staff.c.staff_id == staff_id)
                         .values(locked_at=utc_now_text()))
            append_event(db, conn, "account_locked", staff_id=staff_id, record_id=record_id,
                         details={"after_failed_attempts": current.failed_attempts})
    if locked:
        raise _locked_error(staff_id)
    left = MAX_FAILED_ATTEMPTS - current.failed_attempts
    raise AuthenticationError(f"The staff ID or PIN is not correct ({left} attempts left before the "
                              f"account is locked).", staff_id=staff_id)


def require_role(member: StaffMember, roles: tuple[str, ...], action: str) -> None:
    """Refuse ``action`` unless the account has one of ``roles``."""
    if member.role not in roles:
        wanted = " or ".join(roles)
        raise AuthenticationError(f"{member.display} is registered as {member.role}; only a {wanted} "
                                  f"can {action}.", staff_id=member.staff_id)


def _fail(db: Database, staff_id: str, record_id: str | None, details: dict[str, Any]) -> None:
    with db.write() as conn:
        append_event(db, conn, "login_failed", staff_id=staff_id or "(blank)", record_id=record_id,
                     details=details)


def _locked_error(staff_id: str) -> AuthenticationError:
    return AuthenticationError(
        f"The account {staff_id} is locked after {MAX_FAILED_ATTEMPTS} wrong PINs. Ask a site admin to "
        f"unlock it (python -m checklist_app staff unlock {staff_id}).", staff_id=staff_id, locked=True)


def _recorded_pin_digest(conn: Any, staff_id: str) -> str | None:
    """The PIN-hash digest of the account's latest PIN event (None when no event recorded one)."""
    e = tables.audit_events.c
    query = (select(e.details).where(e.event_type.in_(("staff_added", "pin_changed", "pin_rehashed")))
             .order_by(e.seq.desc()))
    for row in conn.execute(query):
        details = json.loads(row.details)
        if details.get("account") == staff_id:
            return details.get("pin_sha256")
    return None


def pin_digest(pin_hash: str) -> str:
    """The SHA-256 of a stored PIN hash, recorded in the audit trail with each PIN set, so a PIN hash
    swapped in the table shows (the hash itself, though salted, stays out of the trail)."""
    return hashlib.sha256(pin_hash.encode()).hexdigest()


def _row(conn: Any, staff_id: str) -> Any:
    return conn.execute(select(tables.staff).where(tables.staff.c.staff_id == staff_id)).one_or_none()


def _require_row(conn: Any, staff_id: str) -> Any:
    row = _row(conn, staff_id)
    if row is None:
        raise StorageError(f"There is no staff account with the ID {staff_id!r} "
                           f"('python -m checklist_app staff list' shows them).")
    return row
