"""The worklist's rows: one per checklist, from drafts and signed versions, with a status in words. No Qt.

A draft's status comes from the rules engine (hard stop, warnings, draft, ready to sign); a signed
record's from how it was signed (cleared or NOT CLEARED) and whether it was printed. "Today" shows the
checklists scheduled today plus every unfinished draft, whatever its date: a draft left yesterday must
not disappear from view.

``build_rows`` works on the open store, the form and the policies (the rules engine needs pydantic and
the whole storage layer, imported here only when called). At start-up, before those are loaded,
``first_view`` reads the same rows from the database file with plain ``sqlite3``; the helpers both use
are here (``answer_texts``, ``signed_rows``, ``sorted_rows``), so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from checklist_app.domain import conventions
from checklist_app.domain.plan_ids import is_plan
from checklist_app.domain.readiness import Readiness
from checklist_app.domain.timeutil import aware, parse_datetime
from checklist_app.workflows import messages

if TYPE_CHECKING:  # pydantic models: loaded with the storage layer, after the first paint
    from checklist_app.domain.form import FormDefinition
    from checklist_app.rules.policy import PolicyDefinition
    from checklist_app.workflows.readiness import ReadinessRules
    from checklist_app.workflows.store import ChecklistStore

@dataclass(frozen=True)
class WorklistRow:
    """One checklist in the worklist."""

    record_id: str
    patient: str
    mrn: str
    procedure: str
    levels: str
    scheduled: datetime | None
    status: str  # a key of messages "states" (draft, hard_stop, warnings, ready, signed, checking, ...)
    is_draft: bool
    problem: str = ""  # why the status could not be worked out (policy_unavailable): names the file
    amendment: bool = False  # a draft amending a signed version, or a signed version that is an amendment
    open_at: str = ""  # who has it open where: "BAY-2, Jane Doe, RN since 08:12"; "" when nobody does
    chart: str = ""  # a signed one's export: "Sent to the chart", "Waiting: server unreachable since 08:12"
    readiness: Readiness | None = None  # by the site's deadline; None until worked out (the first view)

    @property
    def status_text(self) -> str:
        """The status in words ('Amendment: Ready to sign', 'Signed (amended)' for amendments)."""
        text = messages.text(f"states.{self.status}")
        if is_plan(self.record_id):  # a plan's findings are for the call; what counts is whether it was signed
            return "Pre-admission plan: " + messages.text("states.draft" if self.is_draft else "states.signed")
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


def answer_texts(procedure_label: Callable[[str], str], answers: dict[str, Any]) -> dict[str, Any]:
    """The row's patient, MRN, procedure (its label) and levels, from a record's answers."""
    procedure = answers.get("procedure_type")
    return {
        "patient": str(answers.get("patient_name") or "(name not entered)"),
        "mrn": str(answers.get("mrn") or ""),
        "procedure": procedure_label(procedure) if procedure else "",
        "levels": ", ".join(str(v) for v in levels) if isinstance(levels := answers.get("levels"), list) else "",
    }


def scheduled_at(value: Any) -> datetime | None:
    """A record's scheduled start (decoded or ISO text), or None when absent or unreadable."""
    if isinstance(value, datetime):
        return aware(value)
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def signed_since(now: datetime, all_dates: bool) -> datetime | None:
    """How far back signed checklists are read for "Today" (those scheduled today are kept from them)."""
    return None if all_dates else aware(now) - timedelta(days=2)


SignedSummary = tuple[str, int, bool, dict[str, Any], bool]  # record_id, version_id, is_amendment, answers, cleared


def signed_rows(versions: Iterable[SignedSummary], printed: set[int], drafts: set[str],
                procedure_label: Callable[[str], str], now: datetime, all_dates: bool) -> list[WorklistRow]:
    """Rows of the latest signed versions, each given as (record_id, version_id, is_amendment, its answers'
    JSON, whether the patient was cleared)."""
    rows: list[WorklistRow] = []
    today = aware(now).astimezone().date()
    for record_id, version_id, amendment, answers, cleared in versions:
        if record_id in drafts:
            continue  # an amendment in progress: the draft row stands for it
        scheduled = scheduled_at(answers.get("scheduled_start"))
        if not all_dates and (scheduled is None or scheduled.astimezone().date() != today):
            continue
        status = "printed" if version_id in printed else ("signed" if cleared else "signed_not_cleared")
        rows.append(WorklistRow(record_id, scheduled=scheduled, status=status, is_draft=False, amendment=amendment,
                                **answer_texts(procedure_label, answers)))
    return rows


def sorted_rows(rows: list[WorklistRow]) -> list[WorklistRow]:
    """Soonest scheduled first, unscheduled last, then by patient."""
    far = aware(datetime.max - timedelta(days=2))
    return sorted(rows, key=lambda r: (r.scheduled or far, r.patient))


def form_procedure_label(form: FormDefinition) -> Callable[[str], str]:
    """The form's label for a procedure value (the value itself when the form has no such option)."""
    item = form.item("procedure_type") if form.has_item("procedure_type") else None
    return item.option_label if item is not None else (lambda value: "")  # type: ignore[attr-defined]


def build_rows(store: ChecklistStore, form: FormDefinition, policy_for: Callable[[str], PolicyDefinition],
               completeness: Callable[[PolicyDefinition], frozenset[str]], now: datetime, *,
               all_dates: bool = False, default_policy: str = "sir-2019",
               session_id: str | None = None, readiness_rules: ReadinessRules | None = None,
               plans_of: date | None = None) -> list[WorklistRow]:
    """Rows for the worklist, soonest scheduled first (unscheduled drafts last); ``session_id``: this app,
    whose open checklists say "here"; ``readiness_rules``: each row's readiness by the site's deadline;
    ``plans_of``: also the signed pre-admission plans of that procedure day, however long ago signed."""
    from checklist_app import storage
    from checklist_app.domain.errors import ChecklistError
    from checklist_app.workflows.checklist_state import ChecklistState
    from checklist_app.workflows.readiness import case_readiness, plan_readiness, signed_readiness
    from checklist_app.workflows.section_state import overview

    label = form_procedure_label(form)
    rows: list[WorklistRow] = []
    for draft in store.drafts():
        state, _ = ChecklistState.from_data(form, draft.data, fallback_staff=draft.saved_by, now=now,
                                            policy_id=default_policy, base_version_id=draft.base_version_id)
        problem = ""
        ready = None
        try:
            policy = policy_for(state.policy_id)
            evaluation = state.evaluate(policy, now)
            status = overview(form, evaluation, state.answers, completeness(policy)).status
            if readiness_rules is not None:
                ready = case_readiness(form, policy, state.answers, readiness_rules, now, evaluation=evaluation)
        except ChecklistError as exc:
            # One draft's missing or broken policy file must not take the whole worklist down: that row
            # says so (opening it shows the file and the fix), every other row is listed as usual.
            status, problem = "policy_unavailable", str(exc)
        rows.append(WorklistRow(draft.record_id, scheduled=scheduled_at(state.answers.get("scheduled_start")),
                                status=status, is_draft=True, problem=problem, amendment=state.is_amendment,
                                readiness=ready, **answer_texts(label, state.answers)))
    since = signed_since(now, all_dates)
    versions = store.latest_versions(since)
    if plans_of is not None:
        from checklist_app.storage.listing import plans_scheduled_on

        known = {v.record_id for v in versions}
        versions += [v for v in plans_scheduled_on(store.db, plans_of) if v.record_id not in known]
    printed = store.printed(versions)
    signed = ((v.record_id, v.version_id, v.is_amendment, v.content.record.get("answers", {}), v.cleared)
              for v in versions)
    rows += signed_rows(signed, printed, {row.record_id for row in rows}, label, now, all_dates)
    if readiness_rules is not None:
        plans = {v.record_id: v for v in versions if is_plan(v.record_id)}

        def signed_ready(row: WorklistRow) -> Readiness | None:
            if row.record_id not in plans:
                return signed_readiness(row.scheduled, row.status != "signed_not_cleared", readiness_rules, now)
            plan = plans[row.record_id]
            record = plan.content.record
            try:
                return plan_readiness(form, policy_for(str(record.get("policy_id") or default_policy)),
                                      plan.sha256, record, readiness_rules, now)
            except ChecklistError:
                return None  # its policy is no longer installed: not rated (the checklist opens and says why)

        rows = [row if row.is_draft else replace(row, readiness=signed_ready(row)) for row in rows]
    # One query for every signed row's export to the chart (storage.outbox); nothing when none is queued.
    chart = storage.outbox.chart_texts(store.db, {v.record_id: v.version_id for v in versions})
    rows = [replace(row, chart=chart[row.record_id]) if not row.is_draft and row.record_id in chart else row
            for row in rows]
    holders = store.holders()
    if holders:
        rows = [replace(row, open_at=_open_at(holders[row.record_id], session_id)) if row.record_id in holders else row
                for row in rows]
    return sorted_rows(rows)


def _open_at(holder: Any, session_id: str | None) -> str:
    if holder.session_id == session_id:
        return "Here"
    since = holder.opened_at.astimezone()
    return f"{holder.workstation}: {holder.staff_name} since {conventions.format_time(since)}"
