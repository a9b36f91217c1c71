"""Amending a signed checklist: a signed version is never changed; an amendment is a new version that
points at the one it replaces, with a reason, signed again. No Qt.

``start_amendment`` reopens the signed answers, acknowledgements and overrides as a draft based on that
version (``ChecklistState.base_version_id``), saved at once so the worklist lists it ("Amendment: ...").
Autosave keeps saving it against that version, and ``signing.sign`` signs it through ``storage.amend``.
Storage refuses an amendment of anything but the latest version, so two workstations cannot amend the
same version twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from checklist_app.domain.errors import StorageError
from checklist_app.domain.signed import SignedVersion
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.session import Session


@dataclass(frozen=True)
class Amendment:
    """The amendment's draft, and the ids of signed answers that no longer fit the form (left out)."""

    state: ChecklistState
    dropped: list[str]


def start_amendment(session: Session, version: SignedVersion, reason: str) -> Amendment:
    """Make and save the draft that amends ``version`` (StorageError when it is already being amended)."""
    state, dropped = ChecklistState.from_data(
        session.form, version.content.record, fallback_staff=session.user_id(), now=session.now(),
        policy_id=version.policy_id or session.site.default_policy, base_version_id=version.version_id)
    state.amendment_reason = reason
    state.touch(session.user_id(), session.now())
    if session.store.load_draft(state.record_id) is not None:
        raise StorageError("This checklist is already being amended (perhaps on another workstation). "
                           "Open it from the worklist to go on with that amendment.")
    session.policy(state.policy_id)
    # Based on no draft: of two workstations amending the same version at once, the second is refused.
    draft = session.store.save_draft_based_on(state.record_id, state.draft_data(), session.user_id(), based_on=0,
                                              session_id=session.session_id, base_version_id=version.version_id)
    session.store.claim(state.record_id, session.session_id, session.user_id())
    session.autosaver.track(state.record_id, draft.revision)
    return Amendment(state, dropped)
