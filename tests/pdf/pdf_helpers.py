"""Helpers shared by the PDF tests (imported by name: the tests folders are not packages)."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from datetime import datetime, timedelta, timezone
from typing import Any

from pypdf import PdfReader

from checklist_app import resources
from checklist_app.domain.timeutil import parse_datetime

EXAMPLES = resources.data_root() / "forms" / "examples"
NOW = parse_datetime("2026-11-21T10:00")
SIGNED_AT = datetime(2026, 12, 1, 7, 55, tzinfo=timezone(timedelta(hours=-5)))


def example_data(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def tiny_png() -> bytes:
    """A 40x12 black-on-white PNG: a stand-in for a drawn signature."""
    width, height = 40, 12
    raw = b"".join(b"\x00" + bytes(255 if (x + y) % 7 else 0 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, in drawing order (a table cell's lines stay together)."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed to single spaces: wrapped lines read as the sentence they came from."""
    return re.sub(r"\s+", " ", text).strip()
