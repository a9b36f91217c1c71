"""The staff table checked against the audit trail: every account, role, name, PIN hash and lock state
must be what the app's own events say, so an account edited behind the app's back (a nurse made physician,
a PIN hash swapped, a lock cleared) is reported by ``verify-audit``."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from checklist_app.storage import tables
from checklist_app.storage.staff import pin_digest

_PIN_EVENTS = ("staff_added", "pin_changed", "pin_rehashed")


def staff_problems(conn: Connection) -> list[str]:
    """One sentence per account whose row disagrees with the trail."""
    history = _history(conn)
    problems = []
    for row in conn.execute(select(tables.staff).order_by(tables.staff.c.staff_id)):
        events = history.get(row.staff_id, [])
        added = next((details for kind, details in events if kind == "staff_added"), None)
        who = f"staff account {row.staff_id}"
        if added is None:
            problems.append(f"{who} has no 'staff added' event: it was added outside the app")
            continue
        changed = [field for field in ("role", "name", "credentials") if added.get(field) != getattr(row, field)]
        if changed:
            problems.append(f"{who}: its {', '.join(changed)} changed outside the app (the trail says "
                            f"{', '.join(str(added.get(f)) for f in changed)})")
        pin = next((details for kind, details in reversed(events) if kind in _PIN_EVENTS), None)
        if pin is not None and "pin_sha256" in pin and pin["pin_sha256"] != pin_digest(row.pin_hash):
            problems.append(f"{who}: its PIN was replaced outside the app (the stored PIN hash is not the one "
                            f"the trail recorded)")
        lock = next((kind for kind, _ in reversed(events) if kind in ("account_locked", "unlocked")), None)
        if row.locked_at is None and lock == "account_locked":
            problems.append(f"{who} was locked after wrong PINs and unlocked outside the app")
        if not row.active:
            problems.append(f"{who} was switched off outside the app (the app never does this)")
    return problems


def _history(conn: Connection) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Account -> its events in order: added, PIN set, locked (by the account itself), unlocked."""
    e = tables.audit_events.c
    kinds = (*_PIN_EVENTS, "account_locked", "unlocked")
    history: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for row in conn.execute(select(e.event_type, e.staff_id, e.details).where(e.event_type.in_(kinds))
                            .order_by(e.seq)):
        try:
            details = json.loads(row.details)
        except ValueError:
            continue
        account = row.staff_id if row.event_type == "account_locked" else details.get("account")
        if isinstance(account, str):
            history.setdefault(account, []).append((row.event_type, details if isinstance(details, dict) else {}))
    return history
