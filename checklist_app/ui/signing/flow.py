"""From "Review and sign" to a signed version: the review, the checks, the signing dialog, the freeze.

Before the signing dialog opens, the checklist must be complete: every required answer given, every
warning acknowledged, and every hard stop either overridden by a physician or recorded as not cleared
with the physician notified. The signed content is the validated record (answers to hidden questions
left out), the evaluation at that moment, whether the patient was cleared, and the drawn signature.

Signing ends with both PDFs made and sealed (``packet_flow.keep_packet``). The first seal in a process would
wait about half a second for pyHanko to import, so a review that can go on to signing starts loading it
in the background (``pdf.seal.preload``) while the nurse reads the review and types the PIN.
"""

from __future__ import annotations

import base64
from typing import Any

from checklist_app import storage
from checklist_app.domain.errors import IncompleteChecklistError
from checklist_app.domain.record import parse_record
from checklist_app.pdf import seal
from checklist_app.ui import gc_pause, messages
from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.ui.signing.signature_dialog import SignatureDialog
from checklist_app.ui.signing.review_text import review_html


def blocked_reason(window: Any) -> str:
    """Why the checklist cannot be signed yet, in one sentence ('' when it can)."""
    evaluation, view, statuses = window.evaluation, window.view, window.statuses
    if view.missing:
        first = window.ctx.form.item(view.missing[0]).label
        return messages.text("sign.blocked_missing", count=len(view.missing), first=first)
    if any(statuses.get(f.key, ("open",))[0] == "open" for f in evaluation.open_hard_stops):
        return messages.text("sign.blocked_hard_stop")
    if evaluation.unacknowledged_warnings:
        return messages.text("sign.blocked_warning")
    return ""


AMENDMENT_MEANING = " This is an amendment: it replaces the version signed before. Reason: {reason}"


def meaning_for(window: Any) -> tuple[str, bool]:
    """The meaning of the signature in words, and whether the patient is NOT cleared."""
    open_stops = window.evaluation.open_hard_stops
    amendment = AMENDMENT_MEANING.format(reason=window.state.amendment_reason) if window.state.is_amendment else ""
    if open_stops:
        return messages.text("sign.meaning_not_cleared", count=len(open_stops)) + amendment, True
    return messages.text("sign.meaning_cleared") + amendment, False


def review_and_sign(window: Any) -> storage.SignedVersion | None:
    """Show the review; when the nurse goes on, the signing dialog; returns the signed version."""
    window.refresh()
    blocked = blocked_reason(window)
    html = review_html(window.ctx.form, window.state.answers, window.evaluation, window.view, window.statuses)
    if not blocked:
        gc_pause.freeze_after(seal.preload())  # ready by the time the PIN is typed
    if not ReviewDialog.ask(window, html, blocked) or blocked:
        return None
    meaning, not_cleared = meaning_for(window)
    signer = window.ctx.user.staff_id if window.ctx.user is not None else ""

    def sign(staff_id: str, pin: str, png: bytes | None) -> storage.SignedVersion:
        return sign_now(window, staff_id, pin, png, meaning)

    version = SignatureDialog.ask(window, signer_id=signer, meaning=meaning, sign=sign, not_cleared=not_cleared)
    if version is not None:
        window.mark_signed(version)
    return version


def sign_now(window: Any, staff_id: str, pin: str, png: bytes | None, meaning: str) -> storage.SignedVersion:
    """Validate the record, save the last changes, and sign, or sign the amendment (storage checks ID, PIN
    and role)."""
    ctx, state = window.ctx, window.state
    now = ctx.now()
    evaluation = state.evaluate(window.policy, now)
    if evaluation.missing_required:
        raise IncompleteChecklistError(list(evaluation.missing_required))
    record = parse_record(state.to_data(evaluation.visible_items), ctx.form, now)
    ctx.autosaver.flush()  # the draft on disk must be the one signed; signing then removes it
    content = {
        "record": record.to_json_data(),
        "evaluation": evaluation.model_dump(mode="json"),
        "cleared": evaluation.cleared,
        "drawn_signature_png": base64.b64encode(png).decode("ascii") if png else None,
    }
    versions = {"form_id": ctx.form.id, "form_version": ctx.form.version, "policy_id": window.policy.id,
                "policy_version": window.policy.version}
    if state.is_amendment:  # a new version pointing at the one it replaces, with the reason
        return ctx.store.amend(state.record_id, replaces_version_id=state.base_version_id,
                               reason=state.amendment_reason or "", signer_id=staff_id, pin=pin, meaning=meaning,
                               content=content, **versions)
    return ctx.store.sign(state.record_id, signer_id=staff_id, pin=pin, meaning=meaning, content=content,
                          **versions)
