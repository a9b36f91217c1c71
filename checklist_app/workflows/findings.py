"""What was done about each finding, in words: acknowledged, overridden by a physician, or left open with
the physician notified. No Qt.

Each action is recorded twice: in the record itself (its acknowledgements and overrides, saved with the
draft and signed with it) and as an event in the audit trail (by storage). ``finding_statuses`` words
them for the findings panel, the review and the banner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from checklist_app.domain import conventions
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.timeutil import aware
from checklist_app.workflows import messages
from checklist_app.workflows.checklist_state import NOTIFIED_PREFIX, ChecklistState

StatusKind = Literal["acknowledged", "overridden", "notified"]


def _at(moment: datetime) -> str:
    return conventions.format_time(aware(moment).astimezone())


def finding_statuses(state: ChecklistState, evaluation: Evaluation, name_of: Callable[[str], str]
                     ) -> dict[str, tuple[StatusKind, str]]:
    """Finding key -> (kind, words) for findings someone has dealt with; kinds: acknowledged, overridden,
    notified (a hard stop left open with the physician told)."""
    statuses: dict[str, tuple[StatusKind, str]] = {}
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
