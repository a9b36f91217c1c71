"""Clinical actions that are only audit events: acknowledging a warning, a physician's override, a
physician's attestation, printing and exporting a signed version.

The acknowledgement and the override are returned as the record's own models, for the screen to add
to the record (and so to the draft and the signed version); the event in the trail is the proof of who
did it, when and where.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import select

from checklist_app.domain.errors import StorageError
from checklist_app.domain.record import Acknowledgement, Attestation, Override
from checklist_app.storage import tables
from checklist_app.storage.audit import log_event
from checklist_app.storage.clock import to_text, utc_now
from checklist_app.storage.database import Database
from checklist_app.storage.drafts import check_record_id
from checklist_app.storage.staff import get_staff, require_role, verify_pin

M = TypeVar("M", Override, Acknowledgement, Attestation)


def record_override(db: Database, record_id: str, finding_key: str, physician_id: str, pin: str,
                    reason: str) -> Override:
    """A physician overrides a hard stop with their own ID, PIN and a reason.

    Refuses (AuthenticationError) a wrong PIN, a locked account, or anyone who is not a physician.
    """
    check_record_id(record_id)
    reason = reason.strip()
    if len(reason) < 3:
        raise StorageError("An override needs the physician's reason (at least 3 characters).")
    member = verify_pin(db, physician_id, pin, purpose="override", record_id=record_id)
    require_role(member, ("physician",), "override a hard stop")
    override = _model(Override, finding_key=finding_key, physician_id=member.staff_id, at=utc_now(),
                      reason=reason)
    log_event(db, "override", staff_id=member.staff_id, record_id=record_id,
              details={"finding_key": finding_key, "reason": reason, "at": to_text(override.at)})
    return override


def acknowledge_finding(db: Database, record_id: str, finding_key: str, staff_id: str,
                        note: str) -> Acknowledgement:
    """A nurse acknowledges a warning, noting who was told; recorded in the trail.

    Once staff accounts exist, ``staff_id`` must be one of them, active (the app asks whoever acts to sign in
    first); the workstation's own account (``os:<login>``) is accepted only while there are none."""
    check_record_id(record_id)
    _require_an_account(db, staff_id)
    ack = _model(Acknowledgement, finding_key=finding_key, by=staff_id, at=utc_now(), note=note)
    log_event(db, "finding_acknowledged", staff_id=staff_id, record_id=record_id,
              details={"finding_key": finding_key, "note": ack.note, "at": to_text(ack.at)})
    return ack


def attest_in_person(db: Database, record_id: str, item_id: str, physician_id: str, pin: str) -> Attestation:
    """A physician attests a statement (an item ``attested_by: physician``) with their own ID and PIN.

    Refuses (AuthenticationError) a wrong PIN, a locked account, or anyone who is not a physician."""
    check_record_id(record_id)
    member = verify_pin(db, physician_id, pin, purpose="attest", record_id=record_id)
    require_role(member, ("physician",), "attest a physician's statement")
    statement = f"Attested by {member.display} (signed in with their own PIN)"
    return _attestation(db, record_id, item_id, physician=member.display, physician_id=member.staff_id,
                        by=member.staff_id, statement=statement)


def attest_on_word(db: Database, record_id: str, item_id: str, physician: str, recorded_by: str,
                   recorded_by_name: str) -> Attestation:
    """A nurse records a physician's statement on the physician's word: printed as "Recorded by the nurse
    <name> on Dr <physician>'s word". Once accounts exist, ``recorded_by`` must be an active one."""
    check_record_id(record_id)
    _require_an_account(db, recorded_by)
    physician = " ".join(physician.split())
    if len(physician) < 3:
        raise StorageError("Name the physician (at least 3 characters), for example 'A. Mensah'.")
    named = physician if physician.lower().startswith("dr") else f"Dr {physician}"
    statement = f"Recorded by the nurse {recorded_by_name} on {named}'s word"
    return _attestation(db, record_id, item_id, physician=physician, physician_id=None, by=recorded_by,
                        statement=statement)


def withdraw_attestation(db: Database, record_id: str, attestation: Attestation, staff_id: str) -> None:
    """The statement was unticked: its attestation no longer stands; the trail says who withdrew it."""
    check_record_id(record_id)
    log_event(db, "attestation_withdrawn", staff_id=staff_id, record_id=record_id,
              details={"item_id": attestation.item_id, "statement": attestation.statement,
                       "at": to_text(attestation.at)})


def _attestation(db: Database, record_id: str, item_id: str, **values: object) -> Attestation:
    attestation = _model(Attestation, item_id=item_id, at=utc_now(), **values)
    log_event(db, "attestation_recorded", staff_id=attestation.by, record_id=record_id,
              details={"item_id": item_id, "statement": attestation.statement, "physician": attestation.physician,
                       "physician_id": attestation.physician_id, "at": to_text(attestation.at)})
    return attestation


def physician_names(db: Database) -> list[str]:
    """Active physicians' display names, for the nurse to pick whose word is recorded."""
    with db.read() as conn:
        c = tables.staff.c
        ids = list(conn.execute(select(c.staff_id).where(c.active.is_(True), c.role == "physician")
                                .order_by(c.name)).scalars())
    return [m.display for m in (get_staff(db, i) for i in ids) if m is not None]


def _require_an_account(db: Database, staff_id: str) -> None:
    with db.read() as conn:
        c = tables.staff.c
        active = set(conn.execute(select(c.staff_id).where(c.active.is_(True))).scalars())
    if active and staff_id not in active:
        raise StorageError(f"'{staff_id}' is not an active staff account, so nothing was recorded. Sign in with "
                           f"your own staff ID and PIN first.")


def record_printed(db: Database, record_id: str, version_id: int, *, staff_id: str,
                   kind: str = "checklist") -> None:
    """Record that a signed version's PDF was printed."""
    log_event(db, "printed", staff_id=staff_id, record_id=record_id,
              details={"version_id": version_id, "kind": kind})


def record_exported(db: Database, record_id: str, version_id: int, *, staff_id: str, kind: str = "checklist",
                    file_name: str | None = None) -> None:
    """Record that a signed version's PDF was exported (the file name only, not the folder)."""
    log_event(db, "exported", staff_id=staff_id, record_id=record_id,
              details={"version_id": version_id, "kind": kind, "file_name": file_name})


def _model(model: type[M], **values: object) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise StorageError(f"The {field} is not acceptable: {first['msg']}.") from None
