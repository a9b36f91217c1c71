"""The worklist's rows: one per checklist, from drafts and signed versions, with a status in words. No Qt.

A draft's status comes from the rules engine (hard stop, warnings, draft, ready to sign); a signed
record's from how it was signed (cleared or NOT CLEARED) and whether it was printed. "Today" shows the
checklists scheduled today plus every unfinished draft, whatever its date: a draft left yesterday must
not disappear from view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.timeutil import aware, parse_datetime
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.ui import messages
from checklist_app.ui.checklist_state import ChecklistState
from checklist_app.ui.section_state import overview

# States the worklist adds to messages.yaml's (kept here until they move there, outside the ui package).
UI_STATES = {
    "policy_unavailable": "Policy unavailable",
}


@dataclass(frozen=True)
class WorklistRow:
    """One checklist in the worklist."""

    record_id: str
    patient: str
    mrn: str
    procedure: str
    levels: str
    scheduled: datetime | None
    status: str  # a key of messages "states" (draft, hard_stop, warnings, ready, signed, ...) or of UI_STATES
    is_draft: bool
    problem: str = ""  # why the status could not be worked out (policy_unavailable): names the file
    amendment: bool = False  # a draft amending a signed version, or a signed version that is an amendment

    @property
    def status_text(self) -> str:
        """The status in words ('Amendment: Ready to sign', 'Signed (amended)' for amendments)."""
        text = UI_STATES.get(self.status) or messages.text(f"states.{self.status}")
        if self.amendment:
            return f"Amendment: {text}" if self.is_draft else f"{text} (amended)"
        return text

    def matches(self, query: str) -> bool:
        """Whether a search (name or MRN, any case, spaces ignored in the MRN) finds this row."""
        wanted = query.strip().lower()
        if not wanted:
            return True
        compact = "".join(wanted.split())
        return wanted in self.patient.lower() or compact in "".join(self.mrn.lower().split())


def _answer_texts(form: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    procedure = answers.get("procedure_type")
    procedure_item = form.item("procedure_type") if form.has_item("procedure_type") else None
    return {
        "patient": str(answers.get("patient_name") or "(name not entered)"),
        "mrn": str(answers.get("mrn") or ""),
        "procedure": procedure_item.option_label(procedure) if procedure and procedure_item else "",
        "levels": ", ".join(answers.get("levels") or []),
    }


def _scheduled(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return aware(value)
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def build_rows(store: Any, form: FormDefinition, policy_for: Callable[[str], PolicyDefinition],
               completeness: Callable[[PolicyDefinition], frozenset[str]], now: datetime, *,
               all_dates: bool = False, default_policy: str = "sir-2019") -> list[WorklistRow]:
    """Rows for the worklist, soonest scheduled first (unscheduled drafts last)."""
    rows: list[WorklistRow] = []
    for draft in store.drafts():
        state, _ = ChecklistState.from_data(form, draft.data, fallback_staff=draft.saved_by, now=now,
                                            policy_id=default_policy, base_version_id=draft.base_version_id)
        problem = ""
        try:
            policy = policy_for(state.policy_id)
            evaluation = state.evaluate(policy, now)
            status = overview(form, evaluation, state.answers, completeness(policy)).status
        except ChecklistError as exc:
            # One draft's missing or broken policy file must not take the whole worklist down: that row
            # says so (opening it shows the file and the fix), every other row is listed as usual.
            status, problem = "policy_unavailable", str(exc)
        texts = _answer_texts(form, state.answers)
        rows.append(WorklistRow(draft.record_id, scheduled=_scheduled(state.answers.get("scheduled_start")),
                                status=status, is_draft=True, problem=problem, amendment=state.is_amendment,
                                **texts))
    since = None if all_dates else aware(now) - timedelta(days=2)
    versions = store.latest_versions(since)
    printed = store.printed(versions)
    drafts = {row.record_id for row in rows}
    today = aware(now).astimezone().date()
    for version in versions:
        if version.record_id in drafts:
            continue  # an amendment in progress: the draft row stands for it
        record = version.content.get("record", {})
        answers = record.get("answers", {})
        scheduled = _scheduled(answers.get("scheduled_start"))
        if not all_dates and (scheduled is None or scheduled.astimezone().date() != today):
            continue
        cleared = version.content.get("cleared", True)
        status = "printed" if version.version_id in printed else ("signed" if cleared else "signed_not_cleared")
        texts = _answer_texts(form, answers)
        rows.append(WorklistRow(version.record_id, scheduled=scheduled, status=status, is_draft=False,
                                amendment=version.replaces_version_id is not None, **texts))
    far = aware(datetime.max - timedelta(days=2))
    return sorted(rows, key=lambda r: (r.scheduled or far, r.patient))
