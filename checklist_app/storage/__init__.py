"""Storage: the database, drafts and autosave, signed versions, staff accounts and the audit trail. No Qt.

Typical use by the app::

    db = storage.open_database()                 # SQLite in the user data folder, migrated
    saver = storage.Autosaver(db)                # saver.update(record_id, data, staff_id=...) per change
    storage.recoverable_drafts(db)               # offer unsigned drafts back at start
    storage.sign(db, record_id, signer_id=..., pin=..., meaning=..., content=..., form_id=..., ...)

Every failure a user can act on is a ``StorageError`` (``DatabaseBusyError``, ``DatabaseCorruptError``,
``DatabaseUnavailableError`` when a database server cannot be reached) or an ``AuthenticationError``,
each saying what happened and what to do.

The public names are imported on first use (PEP 562 ``__getattr__``), not when the package is: start-up's
first paint imports ``storage.first_view`` and ``storage.paths``, which need only the standard library,
and must not wait ~400 ms for SQLAlchemy and the pydantic models that the other modules import.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

# Each public name -> the module that defines it (relative to this package, or absolute).
_EXPORTS = {
    "DatabaseBusyError": "checklist_app.domain.errors",
    "DatabaseCorruptError": "checklist_app.domain.errors",
    "DatabaseUnavailableError": "checklist_app.domain.errors",
    "StorageError": "checklist_app.domain.errors",
    "AuditEvent": ".audit", "AuditReport": ".audit", "list_events": ".audit", "log_event": ".audit",
    "verify_audit": ".audit",
    "Autosaver": ".autosave",
    "backup_to": ".backup",
    "acknowledge_finding": ".clinical", "record_exported": ".clinical", "record_override": ".clinical",
    "record_printed": ".clinical",
    "Database": ".database", "check_integrity": ".database", "open_database": ".database",
    "Draft": ".drafts", "discard_draft": ".drafts", "load_draft": ".drafts", "recoverable_drafts": ".drafts",
    "save_draft": ".drafts",
    "verify_versions": ".integrity",
    "has_checklists": ".listing", "printed_versions": ".listing",
    "data_dir": ".paths", "database_path": ".paths",
    "AuthenticationError": ".staff", "StaffMember": ".staff", "add_staff": ".staff", "get_staff": ".staff",
    "list_staff": ".staff", "set_pin": ".staff", "unlock_staff": ".staff", "verify_pin": ".staff",
    "SignedVersion": ".versions", "amend": ".versions", "attach_pdf": ".versions", "get_pdf": ".versions",
    "get_version": ".versions", "latest_versions": ".versions", "list_versions": ".versions", "sign": ".versions",
}

__all__ = [  # a literal list, for type checkers; a test keeps it equal to _EXPORTS
    "AuditEvent", "AuditReport", "AuthenticationError", "Autosaver", "Database", "DatabaseBusyError",
    "DatabaseCorruptError", "DatabaseUnavailableError", "Draft", "SignedVersion", "StaffMember", "StorageError",
    "acknowledge_finding",
    "add_staff", "amend", "attach_pdf", "backup_to", "check_integrity", "data_dir", "database_path", "discard_draft",
    "get_pdf", "get_staff", "get_version", "has_checklists", "latest_versions", "list_events", "list_staff",
    "list_versions", "load_draft", "log_event", "open_database", "printed_versions", "record_exported",
    "record_override", "record_printed", "recoverable_drafts", "save_draft", "set_pin", "sign", "unlock_staff",
    "verify_audit", "verify_pin", "verify_versions",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        if importlib.util.find_spec(f"{__name__}.{name}") is not None:  # a submodule: storage.paths, storage.tables
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # found directly from now on: __getattr__ runs once per name
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and IDEs see: the names as if imported eagerly
    from checklist_app.domain.errors import (
        DatabaseBusyError,
        DatabaseCorruptError,
        DatabaseUnavailableError,
        StorageError,
    )
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
    from checklist_app.storage.listing import has_checklists, printed_versions
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
