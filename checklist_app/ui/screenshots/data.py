"""Invented patients and demo staff for the screenshots (and their tests); nothing here touches a real
database: ``populate`` is only ever called on a throw-away data folder.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication

from checklist_app import storage
from checklist_app.domain.timeutil import aware
from checklist_app.ui.context import AppContext
from checklist_app.workflows import signing
from checklist_app.workflows.answer_codec import answers_from_json, answers_to_json
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data, seed_demo
from checklist_app.workflows.open_checklist import OpenChecklist

NURSE, PHYSICIAN, ADMIN, PIN = "rn.demo", "md.mensah", "admin.demo", "2468"

# (record id, example file, name, MRN, minutes after 08:30 the procedure starts, keep only these sections)
PATIENTS: list[tuple[str, str, str, str, int, tuple[str, ...] | None]] = [
    ("demo-haddad", "examples/hard-anticoagulant-hold.json", "Haddad, Samira", "MRN-318204", 45, None),
    ("demo-moreau", "examples/warnings-only.json", "Moreau, Claire", "MRN-552017", 150, None),
    ("demo-nguyen", "examples/clean.json", "Nguyen, Thi Mai", "MRN-600931", 270, ("identification", "procedure")),
]


def quiet_offscreen_warnings() -> None:
    """Drop the offscreen platform's "does not support propagateSizeHints()" notices (a limit of that
    plugin, printed whenever a window's minimum size changes); every other message still goes out."""
    if QGuiApplication.platformName() != "offscreen":
        return

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def _patient(ctx: AppContext, example: str, name: str, mrn: str, later: int,
             keep: tuple[str, ...] | None) -> dict[str, Any]:
    form = ctx.form
    data = demo_data(form, ctx.now().astimezone().date(), example)
    answers, _ = answers_from_json(form, data["answers"])
    answers.update(patient_name=name, mrn=mrn, wristband_scan=mrn)
    answers["scheduled_start"] = aware(answers["scheduled_start"]) + timedelta(minutes=later)
    if keep is not None:
        wanted = {item.id for s in form.sections if s.id in keep for item in s.items}
        answers = {k: v for k, v in answers.items() if k in wanted}
    data["answers"] = answers_to_json(form, answers)
    return data


def populate(ctx: AppContext) -> None:
    """Demo staff, the demo patient, three more patients in various states, and one signed and printed."""
    db, today = ctx.store.db, ctx.now().astimezone().date()
    for staff_id, name, credentials, role in ((NURSE, "Alex Rivera", "RN", "nurse"),
                                              (PHYSICIAN, "A. Mensah", "MD", "physician"),
                                              (ADMIN, "Site Admin", "IT", "admin")):
        storage.add_staff(db, staff_id, name, credentials, role, PIN, actor="screenshots")
    ctx.set_user(ctx.store.staff(NURSE))  # signed in, as the acknowledgements below must be in her name
    seed_demo(ctx.store, ctx.form, today)
    for record_id, example, name, mrn, later, keep in PATIENTS:
        data = _patient(ctx, example, name, mrn, later, keep)
        data["record_id"] = record_id
        ctx.store.save_draft(record_id, data, NURSE)
    _signed(ctx, "demo-brennan", "Brennan, Margaret", "MRN-104477", -45)


def _signed(ctx: AppContext, record_id: str, name: str, mrn: str, later: int) -> None:
    data = _patient(ctx, "examples/clean.json", name, mrn, later, None)
    data["record_id"] = record_id
    now: datetime = ctx.now()
    policy = ctx.policy()
    state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff=NURSE, now=now, policy_id=policy.id)
    checklist = OpenChecklist(ctx, state)
    # Its start is earlier than the example's, so its fasting times fall short: signed NOT CLEARED, with the
    # physician told, as a nurse would sign it.
    for finding in checklist.evaluation.findings:
        note = "Physician notified: Dr A. Mensah, by phone at 07:00." if finding.is_hard_stop else "Dr Mensah told"
        checklist.acknowledge(finding.key, note)
    checklist.refresh()
    version = signing.sign(checklist, NURSE, PIN, signing.meaning_of(checklist)[0])
    storage.record_printed(ctx.store.db, record_id, version.version_id, staff_id=NURSE)


def signature_strokes() -> list[list[tuple[float, float]]]:
    """A plausible handwritten signature: a capital with a loop, cursive loops (a prolate cycloid), a tail."""
    capital = [(40 + 14 * math.sin(t / 10 * math.pi), 100 - 55 * t / 10) for t in range(0, 11)]
    capital += [(54 + 3 * t, 45 + 5.5 * t) for t in range(1, 11)]
    loops = []
    for step in range(0, 160):
        t = step / 8.0
        amplitude = 13 + 5 * math.sin(t / 3)
        loops.append((66 + 9 * t - 14 * math.sin(t), 84 - amplitude * math.cos(t)))
    tail = [(loops[-1][0] + 6 * t, loops[-1][1] + 2.2 * t - 0.09 * t * t) for t in range(0, 26)]
    underline = [(48 + 11 * t, 114 - 0.6 * t + 2 * math.sin(t / 2)) for t in range(0, 30)]
    return [capital, loops + tail, underline]
