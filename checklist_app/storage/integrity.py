"""Checks that signed versions and their PDFs are still exactly what was signed.

Each version's stored hash must match its frozen payload, the columns must agree with the payload, and
the hash must equal the one written into the audit trail when it was signed (so rewriting a version
and its hash together still shows, unless the whole chain is rewritten too). Each PDF must match the
hash recorded when it was attached, and the audit anchor inside it (domain/anchor.py) must still match the
trail, so a trail rewritten with every hash recomputed still shows against the PDFs made before. Versions
and PDFs the trail recorded must still be there.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from checklist_app.domain.anchor import anchors_in
from checklist_app.domain.canonical import sha256_hex
from checklist_app.storage import tables
from checklist_app.storage.anchors import anchor_problem
from checklist_app.storage.database import Database

_SIGNING_EVENTS = ("signed", "amended", "document_attached")


def verify_versions(db: Database) -> tuple[int, list[str]]:
    """(number of signed versions, problems found in words); no problems means all are intact."""
    problems: list[str] = []
    count = 0
    with db.read() as conn:
        signed, attached = _hashes_in_trail(conn)
        for row in conn.execute(select(tables.signed_versions).order_by(tables.signed_versions.c.version_id)):
            count += 1
            problem = _version_problem(row, signed.get(row.version_id))
            if problem:
                problems.append(problem)
        docs = tables.version_documents
        present: set[tuple[int, str]] = set()
        for row in conn.execute(select(docs).order_by(docs.c.version_id, docs.c.kind)):
            present.add((row.version_id, row.kind))
            actual = hashlib.sha256(bytes(row.pdf)).hexdigest()
            if actual != row.sha256 or attached.get((row.version_id, row.kind)) != row.sha256:
                problems.append(f"the {row.kind} PDF of signed version {row.version_id} is not the one that "
                                f"was stored (its hash does not match)")
            for anchor in anchors_in(bytes(row.pdf)):  # the trail as it was when the PDF was made
                problem = anchor_problem(conn, anchor)
                if problem:
                    problems.append(f"the {row.kind} PDF of signed version {row.version_id}: {problem}")
        problems += _listed_but_missing(conn, signed, attached, present)
    return count, problems


def _listed_but_missing(conn: Any, signed: dict[int, str], attached: dict[tuple[int, str], str],
                        present: set[tuple[int, str]]) -> list[str]:
    """Signed versions (amendments included) and PDFs the trail recorded but the tables no longer hold."""
    v = tables.signed_versions.c
    versions = set(conn.execute(select(v.version_id)).scalars())
    problems = [f"signed version {version_id} was recorded in the audit trail but is missing from the database: "
                f"it was deleted" for version_id in sorted(set(signed) - versions)]
    problems += [f"the {kind} PDF of signed version {version_id} was recorded in the audit trail but is missing "
                 f"from the database: it was deleted" for version_id, kind in sorted(set(attached) - present)]
    return problems


def _hashes_in_trail(conn: Any) -> tuple[dict[int, str], dict[tuple[int, str], str]]:
    signed: dict[int, str] = {}
    attached: dict[tuple[int, str], str] = {}
    ev = tables.audit_events
    query = select(ev.c.event_type, ev.c.details).where(ev.c.event_type.in_(_SIGNING_EVENTS))
    for row in conn.execute(query):
        try:
            details = json.loads(row.details)
            if row.event_type == "document_attached":
                attached[(int(details["version_id"]), str(details["kind"]))] = str(details["sha256"])
            else:
                signed[int(details["version_id"])] = str(details["sha256"])
        except (ValueError, KeyError, TypeError):
            continue  # an edited event; verify_audit reports it
    return signed, attached


def _version_problem(row: Any, hash_in_trail: str | None) -> str | None:
    where = f"signed version {row.version_id} (record version {row.version_no})"
    try:
        payload = json.loads(row.content_json)
    except ValueError:
        return f"{where} was altered: its content is no longer readable"
    if sha256_hex(payload) != row.content_sha256:
        return f"{where} was altered: its content no longer matches its SHA-256"
    # Every column a reader or the worklist uses must say what the hashed payload says.
    form, policy = payload.get("form") or {}, payload.get("policy") or {}
    columns = {
        "record": (row.record_id, payload.get("record_id")),
        "version number": (row.version_no, payload.get("version_no")),
        "version replaced": (row.replaces_version_id, payload.get("replaces_version_id")),
        "amendment reason": (row.amendment_reason, payload.get("amendment_reason")),
        "signer": (row.signer_id, (payload.get("signer") or {}).get("staff_id")),
        "signing time": (row.signed_at, payload.get("signed_at")),
        "meaning": (row.meaning, payload.get("meaning")),
        "workstation": (row.workstation, payload.get("workstation")),
        "form id": (row.form_id, form.get("id")),
        "form version": (row.form_version, form.get("version")),
        "policy id": (row.policy_id, policy.get("id")),
        "policy version": (row.policy_version, policy.get("version")),
    }
    changed = [name for name, (column, frozen) in columns.items() if column != frozen]
    if changed:
        return f"{where} was altered: its {', '.join(changed)} disagree(s) with the signed content"
    if hash_in_trail is None:
        return f"{where} has no signing event in the audit trail: it was added outside the app"
    if hash_in_trail != row.content_sha256:
        return f"{where} was replaced: its SHA-256 differs from the one recorded when it was signed"
    return None
