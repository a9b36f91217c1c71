"""The pre-admission plan as a record: started, saved as a draft, signed and kept like any checklist, found
again on the day. No Qt.

A plan is a record of the same form whose id starts ``plan-``, holding only the items a call settles ahead
(``forms/planning.yaml``). It is saved through the same drafts and autosave (so it survives a restart and
every change is in the audit trail) and signed through the same storage (PIN, role, frozen JSON with its
SHA-256, a ``signed`` event); its PDF is the patient's calendar, kept with the version as kind ``calendar``.
The plan's evaluation keeps only what concerns the ahead items: what only the day can tell (fasting,
symptoms, consent, wristband) is not asked, and its findings do not stop the plan from being signed (the
day's checklist is where they must be cleared; the calendar is how they get fixed in time).

On the day, the checklist for the same MRN and the same procedure date finds the latest signed plan
(``find_signed_plan``); ``workflows.plan_comparison`` turns each difference into a finding naming the plan.
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache
from typing import Any

from checklist_app import resources
from checklist_app.domain.errors import IncompleteChecklistError
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.plan_calendar import Calendar
from checklist_app.domain.plan_ids import PLAN_PREFIX
from checklist_app.domain.planning import PlanningScope, load_planning_scope
from checklist_app.domain.record import parse_record
from checklist_app.domain.signed import SignedContent, SignedVersion
from checklist_app.domain.site import SiteSettings
from checklist_app.domain.timeutil import aware, local_date
from checklist_app.pdf.calendar import PlanSignature, render_calendar
from checklist_app.pdf.calendar_summary import PlanSummary
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.storage.plans import signed_plans
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.opening import new_checklist
from checklist_app.workflows.plan_calendar import build_calendar
from checklist_app.workflows.session import Session

PLAN_MEANING = ("I made this pre-admission plan with the patient (or their caregiver) and gave them the "
                "calendar in it; what is checked on the day is checked again then.")
CALENDAR_KIND = "calendar"  # the patient's calendar, as printed for them
PLAN_KIND = "plan"  # the calendar and the care team's page: the plan's own document


@lru_cache(maxsize=1)
def planning_scope() -> PlanningScope:
    """The shipped forms/planning.yaml."""
    return load_planning_scope(resources.form_path("planning.yaml"))


def new_plan(session: Session) -> ChecklistState:
    """An empty plan under the site's default policy, saved as a draft now and held by this app."""
    return new_checklist(session, prefix=PLAN_PREFIX)


def plan_evaluation(evaluation: Evaluation, scope: PlanningScope) -> Evaluation:
    """The evaluation restricted to the ahead items: their findings and their missing required answers."""
    ahead = set(scope.ahead_items)
    return evaluation.model_copy(update={
        "findings": tuple(f for f in evaluation.findings if f.item_id in ahead),
        "missing_required": tuple(m for m in evaluation.missing_required if m.split(".")[0].split("[")[0] in ahead),
        "visible_items": frozenset(i for i in evaluation.visible_items if i in ahead),
    })


def language_for(answers: dict[str, Any]) -> tuple[str, str]:
    """(calendar language, the language to name in an interpreter line or '')."""
    preferred = answers.get("preferred_language")
    if preferred in ("en", "es"):
        return preferred, ""
    if preferred == "other":
        return "en", str(answers.get("preferred_language_other") or "another language")
    return "en", ""


def calendar_pdf(calendar: Calendar, answers: dict[str, Any], *, signature: PlanSignature | None = None,
                 language: str | None = None, large_print: bool | None = None, summary: PlanSummary | None = None,
                 invariant: bool = False) -> bytes:
    """The calendar in the plan's language (or ``language``) and print size (or ``large_print``)."""
    lang, interpreter = language_for(answers)
    if language is not None and language != lang:
        lang, interpreter = language, ""
    large = bool(answers.get("dc_large_print")) if large_print is None else large_print
    return render_calendar(calendar, language=lang, large_print=large, signature=signature,
                           interpreter_language=interpreter, summary=summary, invariant=invariant)


def sign_plan(session: Session, state: ChecklistState, staff_id: str, pin: str,
              drawn_png: bytes | None = None) -> SignedVersion:
    """Sign the plan as ``staff_id`` and keep its calendar with it.

    Refused (IncompleteChecklistError) while an ahead item the form requires is unanswered; the signer's ID,
    PIN and role are checked by storage. The calendar is made from the answers as signed, at the signing."""
    now, scope, form = session.now(), planning_scope(), session.form
    policy = session.policy(state.policy_id)
    evaluation = plan_evaluation(state.evaluate(policy, now), scope)
    if evaluation.missing_required:
        raise IncompleteChecklistError(list(evaluation.missing_required))
    record = parse_record(state.to_data(evaluation.visible_items), form, now)
    # From the answers as signed (the ahead items only), as the day's checklist will read the plan again.
    answers = record.answer_values()
    calendar = build_calendar(form, policy, session.site, answers, now)  # refuses a plan with no start
    session.autosaver.flush()  # the draft on disk must be the one signed; signing then removes it
    # Refused, as a save would be, when the plan changed or was taken over elsewhere since this app saved it.
    version = session.store.sign(state.record_id, signer_id=staff_id, pin=pin, meaning=PLAN_MEANING,
                                 content=SignedContent.of(record, evaluation, drawn_png), form_id=form.id,
                                 form_version=form.version, policy_id=policy.id, policy_version=policy.version,
                                 based_on=session.autosaver.revision(state.record_id), session_id=session.session_id)
    signature = PlanSignature(signer_text(version), signed_local(version))
    session.store.attach_pdf(version.version_id, calendar_pdf(calendar, answers, signature=signature),
                             staff_id=staff_id, kind=CALENDAR_KIND)
    summary = PlanSummary(version.record_id, version.version_no, signer_text(version), signed_local(version),
                          f"{policy.id} {policy.version}", str(answers.get("mrn") or ""), evaluation.findings)
    session.store.attach_pdf(version.version_id, calendar_pdf(calendar, answers, signature=signature,
                                                              summary=summary), staff_id=staff_id, kind=PLAN_KIND)
    forget_lookups()
    return version


def signed_local(version: SignedVersion) -> datetime:
    """When the plan was signed, on this workstation's clock (storage keeps UTC: 01:00 UTC is the evening
    before in New York, and the patient was called that evening)."""
    return version.signed_at.astimezone()


def signer_text(version: SignedVersion) -> str:
    """'J. Smith, RN': the signer as they were when signing."""
    signer = version.signer
    name = signer.name or signer.staff_id
    return f"{name}, {signer.credentials}" if signer.credentials else name


def plan_answers(version: SignedVersion, form: FormDefinition) -> dict[str, Any]:
    """The signed plan's answers, validated as of its signing."""
    return version.content.parsed(form, version.signed_at).answer_values()


def plan_calendar(version: SignedVersion, form: FormDefinition, policy: PolicyDefinition,
                  site: SiteSettings) -> Calendar:
    """The calendar as it was worked out when the plan was signed (its answers, at its signing time)."""
    return build_calendar(form, policy, site, plan_answers(version, form), signed_local(version))


# A day's checklist asks on every refresh; a lookup is a query, so the answer is kept per (database, MRN, day)
# for LOOKUP_SECONDS, or until a plan is signed in this app: a plan signed at another workstation shows within
# that time.
_LOOKUPS: dict[tuple[str, int, str, str], tuple[float, SignedVersion | None]] = {}
_LOOKUPS_KEPT = 64
LOOKUP_SECONDS = 30.0


def forget_lookups() -> None:
    """Forget the plans looked up (a plan was just signed)."""
    _LOOKUPS.clear()


def find_signed_plan(session: Session, answers: dict[str, Any]) -> SignedVersion | None:
    """The latest signed plan for this MRN and this procedure day, or None."""
    mrn, start = answers.get("mrn"), answers.get("scheduled_start")
    if not isinstance(mrn, str) or not mrn or not isinstance(start, datetime):
        return None
    day = local_date(aware(start))
    key = (str(session.store.data_dir), id(session.store), mrn, day.isoformat())  # this database, not another
    kept = _LOOKUPS.get(key)
    if kept is None or time.monotonic() - kept[0] > LOOKUP_SECONDS:
        _LOOKUPS.pop(key, None)
        while len(_LOOKUPS) >= _LOOKUPS_KEPT:
            del _LOOKUPS[next(iter(_LOOKUPS))]
        found = next((v for v in signed_plans(session.store.db, mrn) if _plan_day(v) == day), None)
        kept = _LOOKUPS[key] = (time.monotonic(), found)
    return kept[1]


def _plan_day(version: SignedVersion) -> Any:
    answers = version.content.record.get("answers") or {}
    text = answers.get("scheduled_start")
    try:
        return local_date(aware(datetime.fromisoformat(text))) if isinstance(text, str) else None
    except ValueError:
        return None


def calendar_again(session: Session, version: SignedVersion, *, large_print: bool) -> bytes:
    """A signed plan's calendar made again from what was signed, in large print or not (the one kept with the
    plan is in the size the record asked for)."""
    form = session.form
    calendar = plan_calendar(version, form, session.policy(version.policy_id), session.site)
    signature = PlanSignature(signer_text(version), signed_local(version))
    return calendar_pdf(calendar, plan_answers(version, form), signature=signature, large_print=large_print)
