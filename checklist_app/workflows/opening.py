"""Opening checklists: a draft to continue, a signed checklist to read, a new one. No Qt.

A record is opened from its draft when it has one (an amendment in progress included), else from its
latest signed version. Answers that no longer fit the form are left out and named, so the screen can say
which ones to answer again. A new checklist is saved as a draft at once, so the worklist lists it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from checklist_app.domain.signed import SignedVersion
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.session import Session


@dataclass(frozen=True)
class Loaded:
    """A record as read back: its state, its signed version when there is no draft, dropped answers, and the
    draft revision read (0 when there was no draft), which the next save builds on."""

    state: ChecklistState
    signed: SignedVersion | None
    dropped: list[str]
    revision: int = 0


def load_checklist(session: Session, record_id: str) -> Loaded | None:
    """The record's draft, else its latest signed version; None when it has neither (gone meanwhile)."""
    draft = session.store.load_draft(record_id)
    signed = None if draft is not None else session.store.latest_version(record_id)
    if draft is not None:
        data, base_version_id = draft.data, draft.base_version_id
    elif signed is not None:
        data, base_version_id = signed.content.record, None
    else:
        return None
    state, dropped = ChecklistState.from_data(
        session.form, data, fallback_staff=session.user_id(), now=session.now(),
        policy_id=session.site.default_policy, base_version_id=base_version_id)
    return Loaded(state, signed, dropped, draft.revision if draft is not None else 0)


def new_checklist(session: Session, prefix: str = "chk-") -> ChecklistState:
    """An empty checklist under the site's default policy, saved as a draft now and held by this app
    (``prefix`` starts its record id: a pre-admission plan's is ``plan-``).

    A missing or broken default policy is refused here (PolicyDefinitionError), before any draft exists."""
    now = session.now()
    record_id = f"{prefix}{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    state = ChecklistState.new(session.form, record_id, session.user_id(), now, session.site.default_policy)
    session.policy(state.policy_id)
    draft = session.store.save_draft_based_on(record_id, state.to_data(), session.user_id(), based_on=0,
                                              session_id=session.session_id)
    session.store.claim(record_id, session.session_id, session.user_id())
    session.autosaver.track(record_id, draft.revision)
    return state
