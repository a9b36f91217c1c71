"""Time and place stamps for stored rows: UTC time as ISO text, and this workstation's name.

Kept in one place so tests can see what every row is stamped with, and so the format never drifts
(the audit chain hashes these strings).
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def utc_now_text() -> str:
    """The current UTC time as ISO 8601 text with microseconds: ``2026-11-21T15:51:27.123456+00:00``."""
    return to_text(utc_now())


def to_text(moment: datetime) -> str:
    """An aware datetime as the UTC ISO text we store."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """Stored UTC ISO text back to an aware datetime."""
    return datetime.fromisoformat(text)


def workstation_name() -> str:
    """This computer's network name, as recorded with every saved change and audit event."""
    return socket.gethostname() or "unknown-workstation"
