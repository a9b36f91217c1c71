"""What the nurse (or a physician) does about a finding: acknowledge a warning, override a hard stop,
or record a hard stop as not cleared with the physician notified.

Each action is recorded twice, as the storage issue asks: in the record itself (its acknowledgements
and overrides lists, saved with the draft and signed with it) and as an event in the audit trail (done
by storage). ``finding_statuses`` words what was done, for the panel, the review and the banner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.timeutil import aware
from checklist_app.ui import messages
from checklist_app.workflows.checklist_state import NOTIFIED_PREFIX, ChecklistState
from checklist_app.ui.checklist.acknowledge_dialog import AcknowledgeDialog
from checklist_app.ui.checklist.not_cleared_dialog import NotClearedDialog
from checklist_app.ui.checklist.override_dialog import OverrideDialog


def _at(moment: datetime) -> str:
    return f"{aware(moment).astimezone():%H:%M}"


def finding_statuses(state: ChecklistState, evaluation: Evaluation, name_of: Callable[[str], str]
                     ) -> dict[str, tuple[str, str]]:
    """Finding key -> (kind, words) for findings someone has dealt with; kinds: acknowledged, overridden,
    notified (a hard stop left open with the physician told)."""
    statuses: dict[str, tuple[str, str]] = {}
    for finding in evaluation.findings:
        override = state.override(finding.key) if finding.is_hard_stop else None
        ack = state.acknowledgement(finding.key)
        if override is not None:
            statuses[finding.key] = ("overridden", messages.text(
                "findings.overridden", by=name_of(override.physician_id), at=_at(override.at), reason=override.reason))
        elif ack is not None and finding.is_hard_stop:
            note = ack.note[len(NOTIFIED_PREFIX):] if ack.note.startswith(NOTIFIED_PREFIX) else ack.note
            statuses[finding.key] = ("notified", messages.text(
                "findings.notified", by=name_of(ack.by), at=_at(ack.at), note=note))
        elif ack is not None:
            statuses[finding.key] = ("acknowledged", messages.text(
                "findings.acknowledged", by=name_of(ack.by), at=_at(ack.at), note=ack.note))
    return statuses


def _record(window: Any, action: Callable[[], Any]) -> Any:
    """Run a storage action; show a refused one as an error (nothing is added to the record then)."""
    try:
        return action()
    except ChecklistError as exc:
        messages.show_error(window, exc)
        return None


def acknowledge(window: Any, finding: Finding) -> None:
    """Ask for a note, record the acknowledgement, and re-evaluate."""
    note = AcknowledgeDialog.ask(window, finding)
    if not note:
        return
    ctx, state = window.ctx, window.state
    ack = _record(window, lambda: ctx.store.acknowledge(state.record_id, finding.key, ctx.user_id(), note))
    if ack is not None:
        state.acknowledgements.append(ack)
        window.record_changed()


def override(window: Any, finding: Finding) -> None:
    """A physician overrides a hard stop with their own ID and PIN (checked by storage in the dialog)."""
    ctx, state = window.ctx, window.state

    def verify(physician_id: str, pin: str, reason: str) -> Any:
        return ctx.store.override(state.record_id, finding.key, physician_id, pin, reason)

    result = OverrideDialog.ask(window, finding, verify)
    if result is not None:
        state.overrides.append(result)
        window.record_changed()


def notify(window: Any, finding: Finding) -> None:
    """Record a hard stop as not cleared, with the physician notified."""
    ctx, state = window.ctx, window.state
    note = NotClearedDialog.ask(window, finding, ctx.now())
    if not note:
        return
    ack = _record(window, lambda: ctx.store.acknowledge(state.record_id, finding.key, ctx.user_id(), note))
    if ack is not None:
        state.acknowledgements.append(ack)
        window.record_changed()
