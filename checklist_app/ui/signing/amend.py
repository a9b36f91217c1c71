"""Amending a signed checklist: a signed version is never changed; an amendment is a new version that
points at the one it replaces, with a reason, signed again.

"Amend..." on a signed (read-only) checklist asks for the reason, then reopens the signed answers,
acknowledgements and overrides as a draft based on that version (``ChecklistState.base_version_id``),
saved at once so the worklist lists it ("Amendment: ..."). Autosave keeps saving it against that version,
and signing it goes through ``storage.amend`` (``signing_flow.sign_now``). Storage refuses an amendment
of anything but the latest version, so two workstations cannot amend the same version twice.
"""

from __future__ import annotations

from typing import Any

from checklist_app.domain.errors import ChecklistError, StorageError
from checklist_app.storage.clock import from_text
from checklist_app.ui import messages
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.ui.signing.amend_dialog import AmendDialog


def signed_text(version: Any) -> str:
    """'Version 1, signed by Test Nurse at 2026-11-21 07:20.'"""
    signer = version.signer.get("name", version.signer.get("staff_id", ""))
    at = from_text(version.signed_at).astimezone()
    return f"Version {version.version_no}, signed by {signer} at {at:%Y-%m-%d %H:%M}."


def amend(window: Any) -> ChecklistState | None:
    """Ask for the reason, save the amendment's draft and make the window editable; the new state or None."""
    version = window.signed
    if version is None:
        return None
    reason = AmendDialog.ask(window, signed_text(version))
    if not reason:
        return None
    ctx = window.ctx
    state, dropped = ChecklistState.from_data(
        ctx.form, version.content.get("record", {}), fallback_staff=ctx.user_id(), now=ctx.now(),
        policy_id=version.policy_id or ctx.site.default_policy, base_version_id=version.version_id)
    state.amendment_reason = reason
    state.touch(ctx.user_id(), ctx.now())
    try:
        if ctx.store.load_draft(state.record_id) is not None:
            raise StorageError("This checklist is already being amended (perhaps on another workstation). "
                               "Open it from the worklist to go on with that amendment.")
        ctx.policy(state.policy_id)
        ctx.store.save_draft(state.record_id, state.draft_data(), ctx.user_id(), base_version_id=version.version_id)
    except ChecklistError as exc:
        messages.show_error(window, exc)
        return None
    window.reopen_for_amendment(state)
    if dropped:
        messages.show_message(window, "Some signed answers could not be read back",
                              "These answers no longer fit the form and were left out: " + ", ".join(dropped),
                              "Please answer them again before signing the amendment.")
    return state
