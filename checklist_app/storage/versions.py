"""Signed versions: frozen, hashed, never changed; an amendment is a new version that points back.

``sign`` checks the signer's ID and PIN at that moment, then in one transaction freezes the payload
(content, signer, meaning of the signature, time, workstation, form and policy versions) as canonical
JSON with its SHA-256, removes the draft, and records a ``signed`` audit event carrying that hash.
``amend`` does the same with the version it replaces and a reason. The PDF of a version is attached
once (``attach_pdf``) and kept with its hash; old versions and their PDFs stay retrievable.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from checklist_app.domain.canonical import canonical_json, sha256_hex
from checklist_app.domain.errors import StorageError
from checklist_app.domain.plan_ids import is_plan
from checklist_app.domain.signed import SignedContent, SignedVersion, Signer
from checklist_app.storage import outbox, tables
from checklist_app.storage.attestations import unproven
from checklist_app.storage.audit import append_event
from checklist_app.storage.clock import to_text, utc_now_text
from checklist_app.storage.database import Database
from checklist_app.storage.drafts import check_record_id, latest_version_id, refuse_stale
from checklist_app.storage.staff import require_role, verify_pin
from checklist_app.version import describe

SIGNER_ROLES = ("nurse", "physician")


def sign(db: Database, record_id: str, *, signer_id: str, pin: str, meaning: str, content: SignedContent,
         form_id: str, form_version: str, policy_id: str | None = None, policy_version: str | None = None,
         pdf: bytes | None = None, based_on: int | None = None, session_id: str | None = None) -> SignedVersion:
    """Sign a record for the first time. ``content``: the record and evaluation being signed.

    ``based_on`` (the draft revision the signer's screen holds) and ``session_id`` (the app signing) make
    signing refuse, like a save (drafts.py), a checklist that changed or was taken over elsewhere meanwhile:
    signing removes the draft, so it must be the draft the signer saw."""
    return _freeze(db, record_id, None, None, signer_id, pin, meaning, content,
                   (form_id, form_version, policy_id, policy_version), pdf, (based_on, session_id))


def amend(db: Database, record_id: str, *, replaces_version_id: int, reason: str, signer_id: str, pin: str,
          meaning: str, content: SignedContent, form_id: str, form_version: str,
          policy_id: str | None = None, policy_version: str | None = None,
          pdf: bytes | None = None, based_on: int | None = None, session_id: str | None = None) -> SignedVersion:
    """Sign an amendment: a new version replacing the record's latest one, with the reason for it
    (``based_on``, ``session_id``: as for ``sign``)."""
    if len(reason.strip()) < 3:
        raise StorageError("An amendment needs a reason (at least 3 characters).")
    return _freeze(db, record_id, replaces_version_id, reason.strip(), signer_id, pin, meaning, content,
                   (form_id, form_version, policy_id, policy_version), pdf, (based_on, session_id))


def _freeze(db: Database, record_id: str, replaces: int | None, reason: str | None, signer_id: str, pin: str,
            meaning: str, content: SignedContent, versions: tuple[Any, ...],
            pdf: bytes | None, seen: tuple[int | None, str | None] = (None, None)) -> SignedVersion:
    check_record_id(record_id)
    if len(meaning.strip()) < 3:
        raise StorageError("Say what the signature means (for example 'Checklist completed and verified').")
    plain = content.to_json_data()
    purpose = "amend" if replaces is not None else "sign"
    member = verify_pin(db, signer_id, pin, purpose=purpose, record_id=record_id)
    require_role(member, SIGNER_ROLES, "sign a checklist")
    form_id, form_version, policy_id, policy_version = versions
    software = describe()  # the software signing (version and build) goes in the event; read before the lock
    with db.write() as conn:
        latest = latest_version_id(conn, record_id)
        if replaces is None and latest is not None:
            raise StorageError("This checklist is already signed; changes to it must be signed as an "
                               "amendment.")
        if replaces is not None and replaces != latest:
            raise StorageError("Only the latest signed version of a checklist can be amended; open the "
                               "checklist again to see its latest version.")
        refuse_stale(conn, record_id, based_on=seen[0], session_id=seen[1])
        _refuse_unproven(conn, record_id, plain)
        number = conn.execute(select(func.coalesce(func.max(tables.signed_versions.c.version_no), 0))
                              .where(tables.signed_versions.c.record_id == record_id)).scalar_one() + 1
        payload = {
            "record_id": record_id, "version_no": number, "replaces_version_id": replaces,
            "amendment_reason": reason, "meaning": meaning.strip(), "signed_at": utc_now_text(),
            "workstation": db.workstation,
            "signer": {"staff_id": member.staff_id, "name": member.name, "credentials": member.credentials,
                       "role": member.role},
            "form": {"id": form_id, "version": form_version},
            "policy": {"id": policy_id, "version": policy_version},
            "content": plain,
        }
        digest = sha256_hex(payload)
        result = conn.execute(insert(tables.signed_versions).values(
            record_id=record_id, version_no=number, replaces_version_id=replaces, amendment_reason=reason,
            signer_id=member.staff_id, meaning=payload["meaning"], signed_at=payload["signed_at"],
            workstation=db.workstation, form_id=form_id, form_version=form_version, policy_id=policy_id,
            policy_version=policy_version, content_json=canonical_json(payload).decode(),
            content_sha256=digest,
        ))
        version_id = int(result.inserted_primary_key[0])
        conn.execute(delete(tables.drafts).where(tables.drafts.c.record_id == record_id))
        append_event(db, conn, "amended" if replaces is not None else "signed", staff_id=member.staff_id,
                     record_id=record_id, details={
                         "version_id": version_id, "version_no": number, "sha256": digest,
                         "meaning": payload["meaning"], "replaces_version_id": replaces, "reason": reason,
                         "software": software})
        if pdf is not None:
            _attach(db, conn, version_id, record_id, pdf, "checklist", member.staff_id)
        # The export to the chart commits with the signature or not at all (none when none is configured).
        # A pre-admission plan is not the completed checklist the chart expects: it is not sent.
        if not is_plan(record_id):
            outbox.queue_signed(conn, version_id=version_id, record_id=record_id, version_no=number, sha256=digest,
                                signed_at=payload["signed_at"])
    return get_version(db, version_id)


def _refuse_unproven(conn: Connection, record_id: str, content: dict[str, Any]) -> None:
    """Refuse to sign overrides or acknowledgements the audit trail does not back (attestations.py), and an
    evaluation that counts a finding as overridden or acknowledged without the record saying who did it."""
    record = content.get("record") if isinstance(content.get("record"), dict) else {}
    problems = unproven(conn, record_id, record)
    evaluation = content.get("evaluation") or {}
    for list_name, claimed in (("overrides", "overridden"), ("acknowledgements", "acknowledged")):
        listed = {entry.get("finding_key") for entry in record.get(list_name) or [] if isinstance(entry, dict)}
        problems += [f"the evaluation counts finding {key} as {claimed} but the record names nobody who did it"
                     for key in sorted(set(evaluation.get(claimed) or ()) - listed)]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise StorageError(f"Refused: {problems[0]}{more}. Nothing was signed. Record the override or "
                           f"acknowledgement again in the app (with the physician's own PIN for an override), "
                           f"or run 'verify-audit' and tell IT if you did not change the checklist.")


def attach_pdf(db: Database, version_id: int, pdf: bytes, *, staff_id: str, kind: str = "checklist") -> str:
    """Store the PDF of a signed version (once per kind; it can never be replaced). Returns its SHA-256."""
    with db.write() as conn:
        row = conn.execute(select(tables.signed_versions.c.record_id)
                           .where(tables.signed_versions.c.version_id == version_id)).one_or_none()
        if row is None:
            raise StorageError(f"There is no signed version {version_id}.")
        return _attach(db, conn, version_id, row.record_id, pdf, kind, staff_id)


def _attach(db: Database, conn: Connection, version_id: int, record_id: str, pdf: bytes, kind: str,
            staff_id: str) -> str:
    docs = tables.version_documents
    if conn.execute(select(docs.c.kind).where(docs.c.version_id == version_id, docs.c.kind == kind)).first():
        raise StorageError(f"Version {version_id} already has its {kind} PDF; a signed document is never "
                           f"replaced (sign an amendment to issue a new one).")
    digest = hashlib.sha256(pdf).hexdigest()
    conn.execute(insert(docs).values(version_id=version_id, kind=kind, pdf=bytes(pdf), sha256=digest,
                                     attached_at=utc_now_text(), attached_by=staff_id))
    append_event(db, conn, "document_attached", staff_id=staff_id, record_id=record_id,
                 details={"version_id": version_id, "kind": kind, "sha256": digest, "bytes": len(pdf)})
    return digest


def get_pdf(db: Database, version_id: int, kind: str = "checklist") -> bytes | None:
    """The stored PDF of a version, or None if none was attached."""
    docs = tables.version_documents
    with db.read() as conn:
        query = select(docs.c.pdf).where(docs.c.version_id == version_id, docs.c.kind == kind)
        row = conn.execute(query).first()
    return bytes(row.pdf) if row is not None else None


def get_version(db: Database, version_id: int) -> SignedVersion:
    """One signed version by id; StorageError if there is none."""
    with db.read() as conn:
        row = conn.execute(select(tables.signed_versions)
                           .where(tables.signed_versions.c.version_id == version_id)).one_or_none()
        if row is None:
            raise StorageError(f"There is no signed version {version_id}.")
        return _version(conn, row)


def list_versions(db: Database, record_id: str) -> list[SignedVersion]:
    """Every signed version of a record, oldest first (the last one is current)."""
    v = tables.signed_versions
    with db.read() as conn:
        rows = conn.execute(select(v).where(v.c.record_id == record_id).order_by(v.c.version_no)).all()
        return [_version(conn, row) for row in rows]


def latest_versions(db: Database, signed_since: datetime | None = None, limit: int = 500) -> list[SignedVersion]:
    """The current (latest) signed version of each record, newest signature first, at most ``limit``.

    ``signed_since``: only versions signed at or after this moment (an aware datetime). One query for
    the versions (by the signing-time index, each checked to have no later version) and one for their
    documents, however many records there are.
    """
    v = tables.signed_versions
    later = v.alias("later")
    newer = select(later.c.version_id).where(later.c.record_id == v.c.record_id,
                                             later.c.version_no > v.c.version_no).exists()
    query = select(v).where(~newer)
    if signed_since is not None:
        query = query.where(v.c.signed_at >= to_text(signed_since))
    query = query.order_by(v.c.signed_at.desc(), v.c.version_id.desc()).limit(limit)
    docs = tables.version_documents
    with db.read() as conn:
        rows = conn.execute(query).all()
        kinds: dict[int, list[str]] = {}
        if rows:
            found = conn.execute(select(docs.c.version_id, docs.c.kind)
                                 .where(docs.c.version_id.in_([row.version_id for row in rows]))
                                 .order_by(docs.c.kind))
            for version_id, kind in found:
                kinds.setdefault(version_id, []).append(kind)
    return [_version(None, row, tuple(kinds.get(row.version_id, ()))) for row in rows]


def _version(conn: Connection | None, row: Any, kinds: tuple[str, ...] | None = None) -> SignedVersion:
    try:
        payload = json.loads(row.content_json)
        signer = Signer.model_validate(payload["signer"])
        content = SignedContent.model_validate(payload["content"])
    except (ValueError, KeyError, TypeError) as exc:  # ValidationError is a ValueError
        raise StorageError(f"Signed version {row.version_no} of checklist {row.record_id} cannot be read "
                           f"({type(exc).__name__}); run 'verify-audit' to see whether it was altered.") from None
    if kinds is None:
        docs = tables.version_documents
        kinds = tuple(conn.execute(select(docs.c.kind).where(docs.c.version_id == row.version_id)
                                   .order_by(docs.c.kind)).scalars())
    return SignedVersion(
        version_id=row.version_id, record_id=row.record_id, version_no=row.version_no,
        replaces_version_id=row.replaces_version_id, amendment_reason=row.amendment_reason,
        signer=signer, meaning=row.meaning,
        signed_at=datetime.fromisoformat(row.signed_at), workstation=row.workstation, form_id=row.form_id,
        form_version=row.form_version, policy_id=row.policy_id, policy_version=row.policy_version,
        content=content, sha256=row.content_sha256, payload=payload,
        documents=kinds,
    )
