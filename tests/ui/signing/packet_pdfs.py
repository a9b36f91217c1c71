"""The packet the printing tests print: the shipped "clean" example, checklist and discharge sheet, made once."""

from __future__ import annotations

import io
import json
from functools import cache

from pypdf import PdfReader

from checklist_app import resources
from checklist_app.domain.record import parse_record
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.pdf import SignedPacket, render_checklist, render_discharge
from checklist_app.rules import evaluate, load_form, load_policy_for

PATIENT = "Okafor, Grace Adaeze"  # the example's patient, printed on every page of the checklist


@cache
def packet_documents() -> tuple[tuple[str, bytes], ...]:
    """(file name, PDF) for the example's checklist and discharge sheet."""
    now = parse_datetime("2026-11-21T10:00")
    form = load_form()
    policy = load_policy_for(form, "sir-2019")
    path = resources.data_root() / "forms" / "examples" / "clean.json"
    record = parse_record(json.loads(path.read_text(encoding="utf-8")), form, now)
    signed = SignedPacket(record, form, evaluate(form, record, policy, now), policy)
    return (("clean-checklist.pdf", render_checklist(signed)), ("clean-discharge.pdf", render_discharge(signed)))


def pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)
