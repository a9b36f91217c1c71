"""The database tables, declared with SQLAlchemy Core so the same code runs on SQLite and PostgreSQL.

Times are stored as ISO 8601 text in UTC (``2026-11-21T15:51:27.123456+00:00``): text hashes to the same
bytes on every database, which the audit chain and the signed-version digests rely on. JSON is stored as
canonical text for the same reason.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

ROLES = ("nurse", "physician", "admin")
ID = String(64)
TIME = String(40)
SHA256 = String(64)

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", TIME, nullable=False),
)

staff = Table(
    "staff", metadata,
    Column("staff_id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("credentials", String(60), nullable=False),
    Column("role", String(20), nullable=False),
    # "scrypt$n$r$p$salt_hex$hash_hex": the parameters travel with the hash so they can be raised later.
    Column("pin_hash", String(300), nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_at", TIME, nullable=True),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", TIME, nullable=False),
    CheckConstraint("role IN ('nurse', 'physician', 'admin')", name="staff_role_known"),
)

signed_versions = Table(
    "signed_versions", metadata,
    Column("version_id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", ID, nullable=False, index=True),
    Column("version_no", Integer, nullable=False),
    # UNIQUE: a version is replaced at most once, so a record's versions form one line, never a tree.
    Column("replaces_version_id", Integer, ForeignKey("signed_versions.version_id"), unique=True),
    Column("amendment_reason", Text, nullable=True),
    Column("signer_id", ID, ForeignKey("staff.staff_id"), nullable=False),
    Column("meaning", Text, nullable=False),
    Column("signed_at", TIME, nullable=False),
    Column("workstation", String(255), nullable=False),
    Column("form_id", String(100), nullable=False),
    Column("form_version", String(40), nullable=False),
    Column("policy_id", String(100), nullable=True),
    Column("policy_version", String(40), nullable=True),
    # The frozen payload (content, signer, meaning, time, versions) as canonical JSON, and its SHA-256.
    Column("content_json", Text, nullable=False),
    Column("content_sha256", SHA256, nullable=False),
    UniqueConstraint("record_id", "version_no", name="signed_versions_one_number"),
    # The worklist lists the latest signed versions newest first (and "since two days ago"): without this
    # index that is a scan of every version, 70 ms on 50,000 checklists.
    Index("ix_signed_versions_signed_at", "signed_at"),
)

version_documents = Table(
    "version_documents", metadata,
    Column("version_id", Integer, ForeignKey("signed_versions.version_id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("sha256", SHA256, nullable=False),
    Column("attached_at", TIME, nullable=False),
    Column("attached_by", ID, nullable=False),
    PrimaryKeyConstraint("version_id", "kind", name="version_documents_pk"),
)

drafts = Table(
    "drafts", metadata,
    Column("record_id", ID, primary_key=True),
    Column("form_id", String(100), nullable=True),
    Column("form_version", String(40), nullable=True),
    # The signed version this draft amends; NULL for a record never signed.
    Column("base_version_id", Integer, ForeignKey("signed_versions.version_id"), nullable=True),
    Column("data", Text, nullable=False),  # the newest state, typing included: what recovery gives back
    # The state as last recorded in the audit trail (canonical JSON). Typing is saved to ``data`` every
    # fraction of a second but audited only when committed; the next audited save diffs against this.
    # NULL (rows from before schema 3) means ``data`` was audited.
    Column("audited_data", Text, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("saved_at", TIME, nullable=False),
    Column("saved_by", ID, nullable=False),
    Column("workstation", String(255), nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    # Assigned by us (head + 1), not by the database, so the sequence is part of what is hashed.
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("event_type", String(40), nullable=False),
    Column("record_id", ID, nullable=True, index=True),
    Column("staff_id", ID, nullable=False),
    Column("workstation", String(255), nullable=False),
    Column("occurred_at", TIME, nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", SHA256, nullable=False),
    Column("hash", SHA256, nullable=False),
)

# One row (id 1): the last event's number and hash. Appending locks it (SELECT ... FOR UPDATE on a
# server), which serialises writers; and it reveals events cut off the end of the chain.
chain_head = Table(
    "chain_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", SHA256, nullable=False),
)

# Who has a checklist open, where, since when (one row per open checklist). ``session_id`` names one
# running app, so a second window on the same workstation is "elsewhere" too. ``seen_at`` is refreshed
# while the checklist stays open; a row not seen for a while belongs to an app that died and may be taken.
checkouts = Table(
    "checkouts", metadata,
    Column("record_id", ID, primary_key=True),
    Column("session_id", ID, nullable=False),
    Column("staff_id", ID, nullable=False),
    Column("workstation", String(255), nullable=False),
    Column("opened_at", TIME, nullable=False),
    Column("seen_at", TIME, nullable=False),
)

# Answers a workstation had not saved when its checklist was taken over (or saved on a stale revision):
# kept, never dropped, and offered to whoever holds the checklist next.
set_aside = Table(
    "set_aside", metadata,
    Column("set_aside_id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", ID, nullable=False, index=True),
    Column("data", Text, nullable=False),
    Column("based_on_revision", Integer, nullable=True),
    Column("staff_id", ID, nullable=False),
    Column("workstation", String(255), nullable=False),
    Column("set_aside_at", TIME, nullable=False),
    Column("resolved_at", TIME, nullable=True),
    Column("resolved_by", ID, nullable=True),
)

# The site's settings when the database is shared: each save is a new version (never edited), the newest
# is in effect, and who changed what is therefore kept.
site_settings_versions = Table(
    "site_settings_versions", metadata,
    Column("version_no", Integer, primary_key=True, autoincrement=False),
    Column("settings_json", Text, nullable=False),
    Column("saved_at", TIME, nullable=False),
    Column("saved_by", ID, nullable=False),
    Column("workstation", String(255), nullable=False),
)

# Files that make one site one identity across workstations (the sealing certificate's PKCS#12), by name.
site_files = Table(
    "site_files", metadata,
    Column("name", String(100), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("sha256", SHA256, nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("created_by", ID, nullable=False),
)

# Exports to the hospital's chart, queued in the transaction that signs a version (so a signature is never
# without its export, and a signature that fails queues nothing) and delivered later by ehr/sender.py. A
# row is never deleted: ``delivered_at`` and the server's answer say when and where it went. The delivery
# state is here, not in memory, so it survives restarts and is shared by every workstation's sender.
outbox = Table(
    "outbox", metadata,
    Column("outbox_id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", ID, nullable=False),
    Column("version_id", Integer, ForeignKey("signed_versions.version_id"), nullable=False),
    Column("kind", String(40), nullable=False),
    # What to send, as canonical JSON: the version and its SHA-256 and the documents expected. The message
    # itself is built from the signed version and its stored PDFs, which the database never lets change.
    Column("payload", Text, nullable=False),
    # The stable identifier of this export (urn:uuid from the version's SHA-256; the HL7 control id): every
    # retry sends it again, so the receiver can tell a retry from a new document.
    Column("identifier", String(100), nullable=False, unique=True),
    Column("created_at", TIME, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    # When a sender may next try; a sender that takes a row moves it forward by a lease first, so two
    # workstations never send the same row at once, and a sender that died mid-send is retried after it.
    Column("next_attempt_at", TIME, nullable=False),
    Column("failing_since", TIME, nullable=True),  # the first failure of the current run of failures
    Column("last_error", Text, nullable=True),  # in words; names no patient
    Column("delivered_at", TIME, nullable=True),
    Column("delivered_response", Text, nullable=True),  # the server's answer: status, locations, ACK code
    UniqueConstraint("version_id", "kind", name="outbox_one_per_version"),
    CheckConstraint("kind IN ('fhir-transaction', 'hl7-mdm')", name="outbox_kind_known"),
    Index("ix_outbox_pending", "delivered_at", "next_attempt_at"),
)
