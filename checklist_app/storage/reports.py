"""The reads behind the unit manager's reports (``workflows.reports`` turns them into figures): the signed
versions of a time range with only the parts of their payload a report needs, the checklists started, and
the acknowledgements recorded. Read-only, SQLAlchemy Core, the same statements on SQLite and PostgreSQL.

Speed: five years of a busy unit is ~50,000 signed payloads of ~5 KB each. Parsing them all in Python
takes 2.4 s, so the database extracts the few values needed (``json_extract`` on SQLite, ``#>`` on
PostgreSQL, both written by SQLAlchemy's JSON paths) and Python parses only the short findings and
override lists. Patient identifiers are read only when the caller asks for them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import JSON, ColumnElement, Connection, and_, cast, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from checklist_app.storage import tables
from checklist_app.storage.clock import from_text, to_text
from checklist_app.storage.database import Database

FIRST_ANSWER_EVENTS = ("created", "field_changed")


class SignedFinding(NamedTuple):
    """A finding of a signed evaluation, reduced to what a report counts."""

    key: str
    rule_id: str
    severity: str


class SignedFact(NamedTuple):
    """One signed version as a report sees it. ``patient`` is (name, MRN, scheduled start) when asked for.
    A named tuple, not a frozen dataclass: 50,000 of them are made per five-year report, five times faster."""

    version_id: int
    record_id: str
    signed_at: datetime
    amendment: bool
    signer_id: str
    signer_name: str
    signer_role: str
    cleared: bool
    proceduralist: str
    findings: tuple[SignedFinding, ...]
    overridden: frozenset[str]
    overrides: tuple[tuple[str, str], ...]  # (finding key, physician id) as the record names them
    first_answer_at: datetime | None
    patient: tuple[str, str, str] | None = None


# The parts of the payload a report reads, in this order; patient identifiers only when asked for.
PARTS = (("signer", "name"), ("signer", "role"), ("content", "cleared"),
         ("content", "record", "answers", "proceduralist"), ("content", "evaluation", "findings"),
         ("content", "evaluation", "overridden"), ("content", "record", "overrides"))
PATIENT_PARTS = (("content", "record", "answers", "patient_name"), ("content", "record", "answers", "mrn"),
                 ("content", "record", "answers", "scheduled_start"))


def _window(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    # Stored times are UTC ISO text of one fixed width, so text order is time order.
    return and_(column >= to_text(start), column < to_text(end))


def _parts_column(conn: Connection, where: ColumnElement[bool], paths: tuple[tuple[str, ...], ...]) -> Any:
    """One JSON array of the payload's values at ``paths``, and the FROM clause it needs.

    Each database parses a payload once per row this way: SQLite's ``json_extract`` takes several paths
    and returns them as one array (separate calls parse the 5 KB text once each: 0.45 s against 0.31 s
    over 50,000 rows); on PostgreSQL the text is cast to jsonb once in a MATERIALIZED CTE (the planner
    would otherwise inline the cast into every ``#>``) and ``jsonb_build_array`` collects the values."""
    v = tables.signed_versions
    if conn.dialect.name == "postgresql":
        docs = (select(v.c.version_id, cast(v.c.content_json, JSONB).label("doc")).where(where)
                .cte("docs").prefix_with("MATERIALIZED", dialect="postgresql"))
        parts = func.jsonb_build_array(*(docs.c.doc[path] for path in paths))
        return parts, v.join(docs, docs.c.version_id == v.c.version_id)
    parts = func.json_extract(v.c.content_json, *("$." + ".".join(path) for path in paths))
    return parts, v


def signed_facts(db: Database, start: datetime, end: datetime, *, with_patients: bool = False) -> list[SignedFact]:
    """Every signed version (first signatures and amendments) signed in [start, end), oldest first."""
    v = tables.signed_versions.c
    e = tables.audit_events.c
    first_answer = (select(func.min(e.occurred_at))
                    .where(e.record_id == v.record_id, e.event_type.in_(FIRST_ANSWER_EVENTS))
                    .scalar_subquery())
    where = _window(v.signed_at, start, end)
    paths = PARTS + PATIENT_PARTS if with_patients else PARTS
    with db.read() as conn:
        parts, source = _parts_column(conn, where, paths)
        query = (select(v.version_id, v.record_id, v.signed_at, v.replaces_version_id, v.signer_id,
                        type_coerce(parts, JSON), first_answer)
                 .select_from(source).where(where).order_by(v.signed_at, v.version_id))
        return [_fact(row, with_patients) for row in conn.execute(query)]


def _fact(row: Any, with_patients: bool) -> SignedFact:
    version_id, record_id, signed_at, replaces, signer_id, parts, first_answer = row
    signer_name, signer_role, cleared, proceduralist, findings, overridden, overrides = parts[:len(PARTS)]
    return SignedFact(
        version_id=version_id, record_id=record_id, signed_at=from_text(signed_at), amendment=replaces is not None,
        signer_id=signer_id, signer_name=_text(signer_name) or signer_id, signer_role=_text(signer_role),
        cleared=cleared is True or cleared == 1,  # a version that does not say is never counted as cleared
        proceduralist=_text(proceduralist).strip(),
        findings=tuple(_findings(findings)), overridden=frozenset(k for k in _list(overridden) if isinstance(k, str)),
        overrides=tuple((str(o.get("finding_key", "")), str(o.get("physician_id", ""))) for o in _list(overrides)
                        if isinstance(o, dict)),
        first_answer_at=from_text(first_answer) if first_answer else None,
        patient=(_text(parts[7]), _text(parts[8]), _text(parts[9])) if with_patients else None)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _findings(value: Any) -> Iterator[SignedFinding]:
    for finding in _list(value):
        if isinstance(finding, dict) and finding.get("rule_id"):
            yield SignedFinding(str(finding.get("key", "")), str(finding["rule_id"]), str(finding.get("severity", "")))


def started_times(db: Database, start: datetime, end: datetime) -> list[datetime]:
    """When each checklist started in [start, end) was created (its ``created`` event)."""
    e = tables.audit_events.c
    query = select(e.occurred_at).where(e.event_type == "created", _window(e.occurred_at, start, end))
    with db.read() as conn:
        return [from_text(text) for text in conn.execute(query).scalars()]


def acknowledgements(db: Database, start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """(when, finding key) of every acknowledgement recorded in [start, end)."""
    e = tables.audit_events.c
    query = select(e.occurred_at, e.details).where(e.event_type == "finding_acknowledged",
                                                   _window(e.occurred_at, start, end))
    with db.read() as conn:
        rows = conn.execute(query).all()
    found = []
    for occurred_at, details in rows:
        key = json.loads(details).get("finding_key")
        if isinstance(key, str) and key:
            found.append((from_text(occurred_at), key))
    return found


def staff_names(db: Database) -> dict[str, str]:
    """Every account's display name by staff id (physicians are named in the override figures)."""
    s = tables.staff.c
    with db.read() as conn:
        return {staff_id: name for staff_id, name in conn.execute(select(s.staff_id, s.name))}
