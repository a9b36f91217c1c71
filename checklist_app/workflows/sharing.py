"""Checklists shared by several workstations: holding one open for work, taking one over, and answers set
aside when a save was refused. No Qt.

A draft opened for work is *held* by this app (storage.checkouts); autosave then builds each save on the
revision that was read, so nothing saved elsewhere is written over. When another app holds it, the screen
says who, where and since when and offers reading it or taking it over (audited; the other app is refused
its next save and its unsaved answers are set aside). Whoever holds a checklist is offered set-aside
answers back, one answer at a time: "keep mine" or "use the set-aside one".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checklist_app.domain.answer_text import format_answer
from checklist_app.storage.checkouts import Holder, SetAside
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.opening import Loaded, load_checklist
from checklist_app.workflows.session import Session


def hold(session: Session, loaded: Loaded) -> Holder | None:
    """Hold a draft open for work: None when this app holds it now (its saves build on the revision read),
    else the app holding it elsewhere. Reading a signed version holds nothing."""
    if loaded.signed is not None:
        return None
    record_id = loaded.state.record_id
    holder = session.store.claim(record_id, session.session_id, session.user_id())
    if holder is None:
        session.autosaver.track(record_id, loaded.revision)
    return holder


def take_over(session: Session, record_id: str) -> tuple[Loaded | None, Holder | None]:
    """Take a checklist over from the app holding it (audited), then read what it saved up to now.

    Returns the checklist as read (None: it was signed or discarded meanwhile, nothing is held) and who had
    it (None: nobody any more)."""
    previous = session.store.take_over(record_id, session.session_id, session.user_id())
    loaded = load_checklist(session, record_id)
    if loaded is None or loaded.signed is not None:
        session.store.release(record_id, session.session_id)
        return loaded, previous
    session.autosaver.track(record_id, loaded.revision)
    return loaded, previous


def let_go(session: Session, record_id: str) -> None:
    """This app closes a checklist it held (nothing happens to one taken over meanwhile)."""
    session.store.release(record_id, session.session_id)


def still_held(session: Session, record_id: str) -> Holder | None:
    """None while this app still holds the checklist, else who took it over (or an empty holder)."""
    holder = session.store.holder(record_id)
    return None if holder is not None and holder.session_id == session.session_id else holder


@dataclass(frozen=True)
class Difference:
    """One answer that differs between the checklist and answers set aside for it."""

    item_id: str
    label: str
    now_text: str  # the answer in the checklist now, in words ("" when unanswered)
    set_aside_text: str
    set_aside_value: Any


def differences(checklist: OpenChecklist, kept: SetAside) -> list[Difference]:
    """The answers of ``kept`` that differ from the checklist's, in form order."""
    session = checklist.session
    other, _ = ChecklistState.from_data(session.form, kept.data, fallback_staff=kept.staff_id, now=session.now(),
                                        policy_id=checklist.state.policy_id,
                                        base_version_id=checklist.state.base_version_id)
    mine = checklist.state.answers
    found = []
    for item in session.form.iter_items():
        item_id = item.id
        if item_id not in mine and item_id not in other.answers or mine.get(item_id) == other.answers.get(item_id):
            continue
        found.append(Difference(item_id, item.label, _words(item, mine.get(item_id)),
                                _words(item, other.answers.get(item_id)), other.answers.get(item_id)))
    return found


def use_set_aside(checklist: OpenChecklist, kept: SetAside, taken: list[Difference]) -> None:
    """Put the chosen set-aside answers into the checklist (saved and audited as changes by the user who
    chose them), and record that the set-aside answers were gone through."""
    for difference in taken:
        checklist.state.set_answer(difference.item_id, difference.set_aside_value)
    if taken:
        checklist.touch()
        checklist.save(audit=True)
        checklist.refresh()
    session = checklist.session
    session.store.resolve_set_aside(kept.set_aside_id, session.user_id(), [d.item_id for d in taken])


def _words(item: Any, value: Any) -> str:
    if value is None:
        return ""
    try:
        return format_answer(item, value)
    except (TypeError, ValueError, KeyError, AttributeError):
        return str(value)  # a half-typed draft value the text forms do not expect: shown as stored
