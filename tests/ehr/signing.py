"""Signing a checklist for the export tests: the shipped clean example's answers, signed in storage, with two
stand-in PDFs attached as ``keep_packet`` attaches the sealed ones (test_export_e2e.py uses the real ones)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from signed_helpers import signed_content

from checklist_app.domain.signed import SignedVersion
from checklist_app.storage import Database, amend, attach_pdf, get_version, sign

ROOT = Path(__file__).resolve().parents[2]
PIN = "2468"


def clean_record(record_id: str = "demo-clean") -> dict[str, Any]:
    record = json.loads((ROOT / "forms/examples/clean.json").read_text())
    return {**record, "record_id": record_id}


def fake_pdf(kind: str) -> bytes:
    # Random bytes inside: the test proves the bytes that arrive are these, not some re-made PDF.
    return b"%PDF-1.7\n% " + kind.encode() + b"\n" + os.urandom(3000) + b"\n%%EOF\n"


def sign_clean(db: Database, record_id: str = "demo-clean", *, documents: tuple[str, ...] = ("checklist", "discharge"),
               replaces: SignedVersion | None = None) -> tuple[SignedVersion, dict[str, bytes]]:
    content = signed_content(clean_record(record_id))
    args: dict[str, Any] = dict(signer_id="rn1", pin=PIN, meaning="Checklist completed and verified", content=content,
                                form_id="vertebral_augmentation", form_version="1.0.0", policy_id="sir-2019")
    if replaces is None:
        version = sign(db, record_id, **args)
    else:
        version = amend(db, record_id, replaces_version_id=replaces.version_id, reason="Weight re-measured", **args)
    pdfs = {kind: fake_pdf(kind) for kind in documents}
    for kind, pdf in pdfs.items():
        attach_pdf(db, version.version_id, pdf, staff_id="rn1", kind=kind)
    return get_version(db, version.version_id), pdfs
