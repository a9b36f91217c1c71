"""What the screen says about a checklist and each section, worked out from one Evaluation. No Qt.

A section is *not started* while none of its questions has an answer. A finding about a question
that has no answer yet (an INR not typed, identifiers not yet confirmed) stays out of the findings
panel until the nurse has answered everything required in that section; findings about answers given
show at once. Unanswered required items are counted, not listed one by one. The review before signing
shows everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.form import FormDefinition, Section
from checklist_app.domain.items import DerivedItem, InfoItem

SectionState = Literal["not_needed", "optional", "not_started", "in_progress", "complete", "warning", "hard_stop"]
Status = Literal["draft", "hard_stop", "warnings", "ready"]

STATE_ICONS = {
    "not_needed": "state-not-needed", "optional": "state-not-started", "not_started": "state-not-started",
    "in_progress": "state-in-progress",
    "complete": "state-complete", "warning": "state-warning", "hard_stop": "state-hard-stop",
    "draft": "draft", "warnings": "state-warning", "ready": "state-complete", "signed": "signed",
    "signed_not_cleared": "state-hard-stop", "printed": "printed", "policy_unavailable": "state-missing",
}


def answerable(item: Any) -> bool:
    """Whether an item takes an answer (derived values and information text do not)."""
    return not isinstance(item, DerivedItem | InfoItem)


@dataclass(frozen=True)
class Overview:
    """Everything the checklist window shows about the state of the record."""

    sections: dict[str, SectionState]
    shown: tuple[Finding, ...]  # clinical findings worth showing now, hard stops first
    missing: tuple[str, ...]  # required items not answered (item ids, form order, visible only)
    status: Status

    @property
    def open_hard_stops(self) -> tuple[Finding, ...]:
        """Shown hard stops (overridden or not; the panel says which)."""
        return tuple(f for f in self.shown if f.is_hard_stop)


def started(section: Section, answers: dict[str, Any]) -> bool:
    """Whether any question of the section has an answer."""
    return any(answers.get(item.id) is not None for item in section.items if answerable(item))


def overview(form: FormDefinition, evaluation: Evaluation, answers: dict[str, Any],
             completeness_rules: frozenset[str]) -> Overview:
    """Section states, the findings to show, the missing items and the overall status."""
    states: dict[str, SectionState] = {}
    settled: set[str] = set()  # items of sections that are started and have every required answer
    started_items: set[str] = set()
    missing_ids = [path.split("[", 1)[0] for path in evaluation.missing_required]
    missing = tuple(dict.fromkeys(missing_ids))
    clinical = [f for f in evaluation.findings if f.rule_id not in completeness_rules]
    for section in form.sections:
        ids = {item.id for item in section.items}
        if not ids & evaluation.visible_items:
            states[section.id] = "not_needed"
            continue
        if not started(section, answers):
            # Optional only when neither the form nor the policy asks for anything here: the form may not
            # require teach-back, but the policy stops the procedure without it.
            required = any(getattr(i, "required", False) and i.id in evaluation.visible_items for i in section.items)
            wanted = required or any(f.item_id in ids for f in clinical)
            states[section.id] = "not_started" if wanted else "optional"
            continue
        started_items |= ids
        if not any(m in ids for m in missing):
            settled |= ids
        mine = [f for f in clinical
                if f.item_id in ids and (f.item_id in settled or answers.get(f.item_id) is not None)]
        if any(f.is_hard_stop and f.key not in evaluation.overridden for f in mine):
            states[section.id] = "hard_stop"
        elif any(not f.is_hard_stop and f.key not in evaluation.acknowledged for f in mine):
            states[section.id] = "warning"
        elif any(m in ids for m in missing):
            states[section.id] = "in_progress"
        else:
            states[section.id] = "complete"
    # A finding about an answer not given yet waits until its section is otherwise complete: while the
    # nurse is still typing the identification section, "identifiers not confirmed" is not news.
    shown = tuple(f for f in clinical if f.item_id in settled
                  or (f.item_id in started_items and answers.get(f.item_id) is not None))
    return Overview(states, shown, missing, _status(evaluation, shown, missing))


def _status(evaluation: Evaluation, shown: tuple[Finding, ...], missing: tuple[str, ...]) -> Status:
    if any(f.is_hard_stop and f.key not in evaluation.overridden for f in shown):
        return "hard_stop"
    if any(not f.is_hard_stop and f.key not in evaluation.acknowledged for f in shown):
        return "warnings"
    if missing or evaluation.open_hard_stops or evaluation.unacknowledged_warnings:
        return "draft"
    return "ready"
