"""Canonical JSON and its SHA-256: the fingerprint of a signed record version.

Keys sorted, no insignificant white space, UTF-8, so the same content always gives the same bytes,
whichever machine or Python version wrote it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> bytes:
    """Serialise JSON-ready data to canonical bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_hex(data: Any) -> str:
    """SHA-256 of the canonical JSON of ``data``, as 64 hex digits."""
    return hashlib.sha256(canonical_json(data)).hexdigest()
