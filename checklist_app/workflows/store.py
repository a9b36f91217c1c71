"""The app's door to ``checklist_app.storage``: one object holding the open database and this
workstation's data folder.

Everything (drafts, autosave, signing, overrides, acknowledgements, PIN checks, the worklist's listings)
goes through storage's public functions; no SQL is run here. The file of checklists open on this
workstation (``open-checklists.json``) is how a crash is told apart from a normal close: a window removes
its record when it closes, a crash cannot.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from checklist_app import storage
from checklist_app.domain.record import Acknowledgement, Attestation, Override

OPEN_FILE = "open-checklists.json"


class ChecklistStore:
    """An open checklist database and this workstation's data folder."""

    def __init__(self, db: storage.Database, data_dir: Path) -> None:
        self.db = db
        self.data_dir = data_dir
        self._open_here: set[str] = set()

    @classmethod
    def open(cls, data_dir: Path | None = None) -> ChecklistStore:
        """Open (creating if needed) the database in ``data_dir`` (default: storage's data folder)."""
        folder = Path(data_dir) if data_dir is not None else storage.data_dir()
        return cls(storage.open_database(data_dir=folder), folder)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # --- listing ------------------------------------------------------------------------------------
    def drafts(self) -> list[storage.Draft]:
        """Every unsigned draft, newest first."""
        return storage.recoverable_drafts(self.db)

    def load_draft(self, record_id: str) -> storage.Draft | None:
        """One record's draft, or None."""
        return storage.load_draft(self.db, record_id)

    def latest_versions(self, signed_since: datetime | None = None) -> list[storage.SignedVersion]:
        """The latest signed version of each record (signed after ``signed_since`` when given), at most 500."""
        return storage.latest_versions(self.db, signed_since, 500)

    def latest_version(self, record_id: str) -> storage.SignedVersion | None:
        """The current signed version of a record, or None if it was never signed."""
        versions = storage.list_versions(self.db, record_id)
        return versions[-1] if versions else None

    def printed(self, versions: list[storage.SignedVersion]) -> set[int]:
        """The ids of those of these signed versions that were printed (an amendment is not printed until
        it is printed itself, whatever happened to the version it replaces)."""
        return storage.printed_versions(self.db, versions)

    def has_checklists(self) -> bool:
        """Whether the database holds any draft or signed checklist."""
        return storage.has_checklists(self.db)

    # --- saving -------------------------------------------------------------------------------------
    def save_draft(self, record_id: str, data: dict[str, Any], staff_id: str,
                   base_version_id: int | None = None) -> storage.Draft:
        """Save a draft now (autosave does this in the background for typing); ``base_version_id``: the
        signed version an amendment starts from."""
        return storage.save_draft(self.db, record_id, data, staff_id=staff_id, base_version_id=base_version_id)

    def save_draft_based_on(self, record_id: str, data: dict[str, Any], staff_id: str, *, based_on: int,
                            session_id: str, base_version_id: int | None = None) -> storage.Draft:
        """Save a draft now, refused (DraftConflictError) if it changed since revision ``based_on`` was read
        or another app holds it."""
        return storage.save_draft(self.db, record_id, data, staff_id=staff_id, base_version_id=base_version_id,
                                  based_on=based_on, session_id=session_id)

    def autosaver(self, on_saved: Any, on_error: Any, session_id: str | None = None) -> storage.Autosaver:
        """A background autosaver on this database (debounced well under a second)."""
        return storage.Autosaver(self.db, on_saved=on_saved, on_error=on_error, session_id=session_id)

    # --- sharing the checklists with other workstations -----------------------------------------------
    def claim(self, record_id: str, session_id: str, staff_id: str) -> storage.checkouts.Holder | None:
        """Hold a checklist open for work: None when held now, else who holds it elsewhere."""
        return storage.checkouts.claim(self.db, record_id, session_id=session_id, staff_id=staff_id)

    def take_over(self, record_id: str, session_id: str, staff_id: str) -> storage.checkouts.Holder | None:
        """Hold a checklist another app has open (audited); returns who had it."""
        return storage.checkouts.take_over(self.db, record_id, session_id=session_id, staff_id=staff_id)

    def release(self, record_id: str, session_id: str) -> None:
        """Close a checklist this app holds."""
        storage.checkouts.release(self.db, record_id, session_id=session_id)

    def holder(self, record_id: str) -> storage.checkouts.Holder | None:
        """The live app holding a checklist open, or None."""
        return storage.checkouts.holder(self.db, record_id)

    def holders(self) -> dict[str, storage.checkouts.Holder]:
        """Every checklist held open by a live app."""
        return storage.checkouts.holders(self.db)

    def heartbeat(self, session_id: str) -> set[str]:
        """Say this app still runs; the records it still holds."""
        return storage.checkouts.heartbeat(self.db, session_id)

    def board_stamp(self) -> tuple[Any, ...]:
        """Changes when anything another workstation should see changed."""
        return storage.checkouts.board_stamp(self.db)

    def set_asides(self, record_id: str) -> list[storage.checkouts.SetAside]:
        """Answers set aside for a checklist and not gone through yet."""
        return storage.checkouts.open_set_asides(self.db, record_id)

    def resolve_set_aside(self, set_aside_id: int, staff_id: str, taken: list[str]) -> None:
        """Record that set-aside answers were gone through (``taken``: the fields used)."""
        storage.checkouts.resolve_set_aside(self.db, set_aside_id, staff_id=staff_id, taken=taken)

    # --- staff and clinical actions -----------------------------------------------------------------
    def active_staff(self) -> list[storage.StaffMember]:
        """Accounts that can sign in (active, not locked)."""
        return [m for m in storage.list_staff(self.db) if m.active]

    def staff(self, staff_id: str) -> storage.StaffMember | None:
        """One account, or None."""
        return storage.get_staff(self.db, staff_id)

    def verify(self, staff_id: str, pin: str, *, purpose: str, record_id: str | None = None
               ) -> storage.StaffMember:
        """Check an ID and PIN now (AuthenticationError when wrong, locked or inactive)."""
        return storage.verify_pin(self.db, staff_id, pin, purpose=purpose, record_id=record_id)

    def acknowledge(self, record_id: str, finding_key: str, staff_id: str, note: str) -> Acknowledgement:
        """Record a nurse's acknowledgement (or a hard stop's 'physician notified' note)."""
        return storage.acknowledge_finding(self.db, record_id, finding_key, staff_id, note)

    def override(self, record_id: str, finding_key: str, physician_id: str, pin: str, reason: str) -> Override:
        """A physician's override, with their own ID and PIN checked now."""
        return storage.record_override(self.db, record_id, finding_key, physician_id, pin, reason)

    def attest_in_person(self, record_id: str, item_id: str, physician_id: str, pin: str) -> Attestation:
        """A physician attests a statement with their own ID and PIN (checked now)."""
        return storage.clinical.attest_in_person(self.db, record_id, item_id, physician_id, pin)

    def attest_on_word(self, record_id: str, item_id: str, physician: str, recorded_by: str,
                       recorded_by_name: str) -> Attestation:
        """A nurse records a physician's statement on the physician's word, in those words."""
        return storage.clinical.attest_on_word(self.db, record_id, item_id, physician, recorded_by,
                                               recorded_by_name)

    def withdraw_attestation(self, record_id: str, attestation: Attestation, staff_id: str) -> None:
        """A physician's statement was unticked: the trail says so and who did it."""
        storage.clinical.withdraw_attestation(self.db, record_id, attestation, staff_id)

    def physician_names(self) -> list[str]:
        """Active physicians, for the nurse to say whose word is recorded."""
        return storage.clinical.physician_names(self.db)

    def sign(self, record_id: str, **kwargs: Any) -> storage.SignedVersion:
        """Sign a record (storage checks the signer's ID, PIN and role)."""
        return storage.sign(self.db, record_id, **kwargs)

    def amend(self, record_id: str, **kwargs: Any) -> storage.SignedVersion:
        """Sign an amendment: a new version replacing the latest one, with its reason (checks as ``sign``)."""
        return storage.amend(self.db, record_id, **kwargs)

    def attach_pdf(self, version_id: int, pdf: bytes, *, staff_id: str, kind: str) -> str:
        """Keep a signed version's PDF (once per kind, never replaced); returns its SHA-256."""
        return storage.attach_pdf(self.db, version_id, pdf, staff_id=staff_id, kind=kind)

    def pdf(self, version_id: int, kind: str) -> bytes | None:
        """The PDF kept with a signed version, or None (versions signed before PDFs were kept)."""
        return storage.get_pdf(self.db, version_id, kind)

    # --- checklists open on this workstation --------------------------------------------------------
    def _open_path(self) -> Path:
        return self.data_dir / OPEN_FILE

    def _read_open(self) -> dict[str, int]:
        try:
            data = json.loads(self._open_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_open(self, entries: dict[str, int]) -> None:
        path = self._open_path()
        temporary = path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(entries), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # only crash detection suffers; the draft itself is in the database

    def mark_open(self, record_id: str) -> None:
        """Note that a window has this record open."""
        self._open_here.add(record_id)
        entries = self._read_open()
        entries[record_id] = os.getpid()
        self._write_open(entries)

    def mark_closed(self, record_id: str) -> None:
        """Note that the window of this record closed normally."""
        self._open_here.discard(record_id)
        entries = self._read_open()
        if entries.pop(record_id, None) is not None:
            self._write_open(entries)

    def crashed_records(self) -> list[str]:
        """Records left open by an app that stopped without closing them, whose draft still exists."""
        entries = self._read_open()
        crashed = [rid for rid, pid in entries.items()
                   if rid not in self._open_here and (pid == os.getpid() or not _alive(pid))]
        return [rid for rid in crashed if self.load_draft(rid) is not None]

    def forget_crashed(self, record_ids: list[str]) -> None:
        """Stop offering these records as recovered (they were reopened or dismissed)."""
        entries = self._read_open()
        for rid in record_ids:
            if rid not in self._open_here:
                entries.pop(rid, None)
        self._write_open(entries)


def _alive(pid: int) -> bool:
    if pid <= 0 or os.name == "nt":  # on Windows os.kill(pid, 0) would send Ctrl+C, not probe
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True
