"""Storage: the database, drafts and autosave, signed versions, staff accounts and the audit trail. No Qt.

Typical use by the app::

    db = storage.open_database()                 # SQLite in the user data folder, migrated
    saver = storage.Autosaver(db)                # saver.update(record_id, data, staff_id=...) per change
    storage.recoverable_drafts(db)               # offer unsigned drafts back at start
    storage.sign(db, record_id, signer_id=..., pin=..., meaning=..., content=..., form_id=..., ...)

Every failure a user can act on is a ``StorageError`` (``DatabaseBusyError``, ``DatabaseCorruptError``)
or an ``AuthenticationError``, each saying what happened and what to do.
"""

from checklist_app.domain.errors import DatabaseBusyError, DatabaseCorruptError, StorageError
from checklist_app.storage.audit import AuditEvent, AuditReport, list_events, log_event, verify_audit
from checklist_app.storage.autosave import Autosaver
from checklist_app.storage.backup import backup_to
from checklist_app.storage.clinical import (
    acknowledge_finding,
    record_exported,
    record_override,
    record_printed,
)
from checklist_app.storage.database import Database, check_integrity, open_database
from checklist_app.storage.drafts import Draft, discard_draft, load_draft, recoverable_drafts, save_draft
from checklist_app.storage.integrity import verify_versions
from checklist_app.storage.paths import data_dir, database_path
from checklist_app.storage.staff import (
    AuthenticationError,
    StaffMember,
    add_staff,
    get_staff,
    list_staff,
    set_pin,
    unlock_staff,
    verify_pin,
)
from checklist_app.storage.versions import (
    SignedVersion,
    amend,
    attach_pdf,
    get_pdf,
    get_version,
    latest_versions,
    list_versions,
    sign,
)

__all__ = [
    "AuditEvent", "AuditReport", "AuthenticationError", "Autosaver", "Database", "DatabaseBusyError",
    "DatabaseCorruptError", "Draft", "SignedVersion", "StaffMember", "StorageError", "acknowledge_finding",
    "add_staff", "amend", "attach_pdf", "backup_to", "check_integrity", "data_dir", "database_path",
    "discard_draft", "get_pdf", "get_staff", "get_version", "latest_versions", "list_events", "list_staff",
    "list_versions",
    "load_draft", "log_event", "open_database", "record_exported", "record_override", "record_printed",
    "recoverable_drafts", "save_draft", "set_pin", "sign", "unlock_staff", "verify_audit", "verify_pin",
    "verify_versions",
]
