"""From a complete checklist to a signed version: whether it can be signed, what the signature means in
words, and the signing itself. No Qt.

A checklist can be signed when every required answer is given, every warning acknowledged, and every
hard stop either overridden by a physician or recorded as not cleared with the physician notified. The
signed content (``domain.signed.SignedContent``) is the validated record (answers to hidden questions
left out), the evaluation at that moment, whether the patient was cleared, and the drawn signature.
Storage checks the signer's ID, PIN and role, freezes the version with its SHA-256 and removes the draft;
an amendment is signed the same way, pointing at the version it replaces.
"""

from __future__ import annotations

from checklist_app.domain.errors import IncompleteChecklistError, NotReadyToSignError
from checklist_app.domain.record import parse_record
from checklist_app.domain.signed import SignedContent, SignedVersion
from checklist_app.workflows import messages
from checklist_app.workflows.open_checklist import OpenChecklist

AMENDMENT_MEANING = " This is an amendment: it replaces the version signed before. Reason: {reason}"


def blocked_reason(checklist: OpenChecklist) -> str:
    """Why the checklist cannot be signed yet, in one sentence ('' when it can)."""
    evaluation, view, statuses = checklist.evaluation, checklist.view, checklist.statuses
    if view.missing:
        first = checklist.session.form.item(view.missing[0]).label
        return messages.text("sign.blocked_missing", count=len(view.missing), first=first)
    if any(statuses.get(f.key, ("open",))[0] == "open" for f in evaluation.open_hard_stops):
        return messages.text("sign.blocked_hard_stop")
    if evaluation.unacknowledged_warnings:
        return messages.text("sign.blocked_warning")
    return ""


def unattested_reason(checklist: OpenChecklist) -> str:
    """Why the window will not sign yet: a physician's statement ticked with no physician named ('' if none).
    The window names one whenever the box is ticked; a draft from a record file or an older app may lack it.
    Signing without the window (a script) is not held back: its PDF prints "no physician named" instead."""
    unattested = checklist.state.unattested()
    if unattested:
        return messages.text("sign.blocked_unattested", label=checklist.session.form.item(unattested[0]).label)
    return ""


def meaning_of(checklist: OpenChecklist) -> tuple[str, bool]:
    """The meaning of the signature in words, and whether the patient is NOT cleared."""
    open_stops = checklist.evaluation.open_hard_stops
    state = checklist.state
    amendment = AMENDMENT_MEANING.format(reason=state.amendment_reason) if state.is_amendment else ""
    if open_stops:
        count = _hard_stops(len(open_stops), "remains", "remain")
        return messages.text("sign.meaning_not_cleared", count=count) + amendment, True
    overridden = [f for f in checklist.evaluation.hard_stops if f.key in checklist.evaluation.overridden]
    by = ""
    if overridden:
        by = " " + messages.text("sign.meaning_overridden", count=_hard_stops(len(overridden), "was", "were"),
                                 names=_names(checklist, overridden))
    return messages.text("sign.meaning_cleared") + by + amendment, False


def _hard_stops(count: int, verb_one: str, verb_many: str) -> str:
    """'1 hard stop was' / '2 hard stops were': a signed statement reads as a sentence, not 'hard stop(s)'."""
    return f"1 hard stop {verb_one}" if count == 1 else f"{count} hard stops {verb_many}"


def _names(checklist: OpenChecklist, findings: list) -> str:
    """'Dr A, MD and Dr B, MD': the physicians who overrode these hard stops, once each, in order."""
    names: list[str] = []
    for finding in findings:
        override = checklist.state.override(finding.key)
        name = checklist.staff_name(override.physician_id) if override is not None else "a physician"
        if name not in names:
            names.append(name)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def sign(checklist: OpenChecklist, staff_id: str, pin: str, meaning: str,
         drawn_png: bytes | None = None) -> SignedVersion:
    """Validate the record, save the last changes, and sign it (or its amendment) as ``staff_id``.

    ``meaning`` is the meaning of the signature as the signer was shown it (``meaning_of``). The checklist
    is evaluated again now, so what is signed is what the rules say at this moment; it is refused
    (NotReadyToSignError) when it cannot be signed any more, or when the meaning the signer read no longer
    fits it (a hard stop that appeared or cleared meanwhile). Also raises IncompleteChecklistError while a
    required answer is missing, RecordValidationError for an answer the form refuses, AuthenticationError
    for a wrong PIN or a role that cannot sign."""
    session, state = checklist.session, checklist.state
    checklist.refresh()
    now, evaluation = session.now(), checklist.evaluation
    if evaluation.missing_required:
        raise IncompleteChecklistError(list(evaluation.missing_required))
    blocked = blocked_reason(checklist)
    if blocked:
        raise NotReadyToSignError(blocked)
    if meaning != meaning_of(checklist)[0]:
        raise NotReadyToSignError(messages.text("sign.meaning_changed"))
    record = parse_record(state.to_data(evaluation.visible_items), session.form, now)
    session.autosaver.flush()  # the draft on disk must be the one signed; signing then removes it
    content = SignedContent.of(record, evaluation, drawn_png)
    # The revision this screen saved last: signing is refused if it changed or was taken over elsewhere since.
    versions = {"form_id": session.form.id, "form_version": session.form.version,
                "policy_id": checklist.policy.id, "policy_version": checklist.policy.version,
                "based_on": session.autosaver.revision(state.record_id), "session_id": session.session_id}
    if state.is_amendment:
        return session.store.amend(state.record_id, replaces_version_id=state.base_version_id,
                                   reason=state.amendment_reason or "", signer_id=staff_id, pin=pin,
                                   meaning=meaning, content=content, **versions)
    return session.store.sign(state.record_id, signer_id=staff_id, pin=pin, meaning=meaning, content=content,
                              **versions)


def settle_signed(checklist: OpenChecklist, version: SignedVersion) -> None:
    """After signing: the checklist shows the version; autosave and the open-here list let go of the draft
    (a late draft save would be refused as stale)."""
    session = checklist.session
    session.autosaver.forget(checklist.record_id)
    session.store.mark_closed(checklist.record_id)
    checklist.signed = version
    checklist.refresh()
