"""Overrides, acknowledgements and physician attestations are only as good as the audit events behind them.

A physician's override, a nurse's acknowledgement and a physician's attestation enter a checklist through
``storage.clinical``, which checks who is acting (an override needs the physician's own PIN) and appends an
``override``, ``finding_acknowledged`` or ``attestation_recorded`` event in the same breath. The record
itself is just data: a draft can be edited behind the app's back, and a record file can claim anything. So
each counts only when the audit trail holds the matching event for the same record: same finding key
(which fingerprints the values that raised the finding, so changed answers do not inherit it) or item, same
person, same reason, note or statement, and the same moment when the event recorded it. Signing refuses
anything else, and ``verify-audit`` reports it in drafts and signed versions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from checklist_app.storage import tables

WITHDRAWN = "attestation_withdrawn"  # an attestation unchecked in the app: it no longer stands
KINDS = {  # record list -> (audit event type, key field, who field, text field, its name in the event's details)
    "overrides": ("override", "finding_key", "physician_id", "reason", "reason"),
    "acknowledgements": ("finding_acknowledged", "finding_key", "by", "note", "note"),
    "attestations": ("attestation_recorded", "item_id", "by", "statement", "statement"),
}


def unproven(conn: Connection, record_id: str, record: Mapping[str, Any]) -> list[str]:
    """One sentence per override or acknowledgement in ``record`` with no matching audit event."""
    return _unmatched(record, _events(conn, record_id).get(record_id, {}))


def unproven_anywhere(conn: Connection) -> list[str]:
    """For ``verify-audit``: every draft and signed version whose overrides or acknowledgements the trail
    does not back, one sentence each, naming the record (and version)."""
    events = _events(conn, None)
    problems = []
    d, v = tables.drafts.c, tables.signed_versions.c
    for row in conn.execute(select(d.record_id, d.data).order_by(d.record_id)):
        unmatched = _unmatched(_json(row.data), events.get(row.record_id, {}))
        problems += [f"the draft of record {row.record_id}: {p}" for p in unmatched]
    for row in conn.execute(select(v.record_id, v.version_no, v.content_json).order_by(v.version_id)):
        content = _json(row.content_json).get("content")
        record = content.get("record") if isinstance(content, dict) else None
        problems += [f"signed version {row.version_no} of record {row.record_id}: {p}"
                     for p in _unmatched(record if isinstance(record, dict) else {}, events.get(row.record_id, {}),
                                         signed=True)]
    return problems


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}  # damaged content: verify_versions reports it
    return value if isinstance(value, dict) else {}


def _unmatched(record: Mapping[str, Any], events: Mapping[str, list[tuple[str, dict[str, Any]]]], *,
               signed: bool = False) -> list[str]:
    """``signed``: a signed version's record, whose attestations stood when it was signed (an amendment that
    unchecks the statement later withdraws it from the amendment, not from the version already signed)."""
    problems = []
    for list_name, (event_type, key_field, who_field, text_field, detail) in KINDS.items():
        entries = record.get(list_name) or []
        if not isinstance(entries, list):
            problems.append(f"the record's {list_name} are not a list")
            continue
        for entry in entries:
            if not isinstance(entry, Mapping) or not _matched(entry, events.get(event_type, ()), key_field,
                                                              who_field, text_field, detail):
                problems.append(_sentence(list_name, entry, who_field))
            elif list_name == "attestations" and not signed and _withdrawn(entry, events.get(WITHDRAWN, ())):
                problems.append(f"the physician's attestation of item {entry.get('item_id', '?')} was withdrawn "
                                f"(the statement was unchecked) and cannot be signed again without a new one")
    return problems


Events = dict[str, dict[str, list[tuple[str, dict[str, Any]]]]]  # record -> event type -> (staff, details)


def _events(conn: Connection, record_id: str | None) -> Events:
    e = tables.audit_events.c
    query = select(e.record_id, e.event_type, e.staff_id, e.details).where(
        e.event_type.in_([kind[0] for kind in KINDS.values()] + [WITHDRAWN]))
    if record_id is not None:
        query = query.where(e.record_id == record_id)
    found: Events = {}
    for row in conn.execute(query):
        details = _json(row.details)  # a damaged event proves nothing (verify-audit reports the damage itself)
        found.setdefault(row.record_id, {}).setdefault(row.event_type, []).append((row.staff_id, details))
    return found


def _matched(entry: Mapping[str, Any], events: Iterable[tuple[str, dict[str, Any]]], key_field: str,
             who_field: str, text_field: str, detail: str) -> bool:
    for staff_id, details in events:
        if key_field == "item_id" and any(details.get(f) != entry.get(f) for f in ("physician", "physician_id")):
            continue  # an attestation names its physician exactly as the trail recorded it
        if (staff_id == entry.get(who_field) and details.get(key_field) == entry.get(key_field)
                and details.get(detail) == _text(entry.get(text_field))
                and ("at" not in details or _same_moment(details["at"], entry.get("at")))):
            return True
    return False


def _withdrawn(entry: Mapping[str, Any], events: Iterable[tuple[str, dict[str, Any]]]) -> bool:
    """Whether the trail says this very attestation (same item, statement and moment) was withdrawn."""
    return any(details.get("item_id") == entry.get("item_id") and details.get("statement") == entry.get("statement")
               and _same_moment(details.get("at"), entry.get("at")) for _staff, details in events)


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _same_moment(recorded: Any, claimed: Any) -> bool:
    try:
        when = claimed if isinstance(claimed, datetime) else datetime.fromisoformat(str(claimed))
        return datetime.fromisoformat(str(recorded)) == when
    except (TypeError, ValueError):
        return False


def _sentence(list_name: str, entry: Any, who_field: str) -> str:
    key = entry.get("finding_key", "?") if isinstance(entry, Mapping) else "?"
    who = entry.get(who_field, "?") if isinstance(entry, Mapping) else "?"
    if list_name == "attestations":
        item = entry.get("item_id", "?") if isinstance(entry, Mapping) else "?"
        return (f"the physician's attestation of item {item} recorded by {who} has no matching attestation in the "
                f"audit trail")
    if list_name == "overrides":
        return (f"the override of finding {key} attributed to {who} has no matching physician's override "
                f"(given with their PIN) in the audit trail")
    return (f"the acknowledgement of finding {key} attributed to {who} has no matching acknowledgement in the "
            f"audit trail")
