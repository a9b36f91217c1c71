"""Two workstations on one database (two apps on one SQLite file, each with its own session): the worklist
says who has a checklist open where, within a second; opening it elsewhere offers reading it or taking it
over; taking over tells the first workstation at once, and what it had not saved is set aside and offered
to the new holder, answer by answer."""

from __future__ import annotations

import pytest
from ui_helpers import NOW, NURSE, PHYSICIAN, attested, example_data

from checklist_app import storage
from checklist_app.ui import messages
from checklist_app.ui.checklist import set_aside_dialog
from checklist_app.ui.context import AppContext
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows.store import ChecklistStore


def show(qtbot, window):
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


@pytest.fixture
def bay2(qapp, staffed_dir):
    context = AppContext(ChecklistStore.open(staffed_dir), clock=lambda: NOW)  # as the ctx fixture's
    context.store.db.workstation = "BAY-2"
    context.set_user(context.store.staff(PHYSICIAN))
    yield context
    context.close()


def open_at(worklist: WorklistWindow, record_id: str) -> str:
    return next((r.open_at for r in worklist.model.rows if r.record_id == record_id), "")


def test_taking_over_tells_the_other_workstation_and_offers_its_unsaved_answers(qtbot, ctx, bay2, monkeypatch):
    ctx.store.db.workstation = "BAY-1"
    data = attested(ctx, example_data(ctx, "clean"))
    record_id = data["record_id"]
    ctx.store.save_draft(record_id, data, NURSE)
    worklist1, worklist2 = show(qtbot, WorklistWindow(ctx)), show(qtbot, WorklistWindow(bay2))
    window1 = worklist1.open_record(record_id)
    assert window1 is not None and window1.holds_draft
    qtbot.waitUntil(lambda: open_at(worklist2, record_id).startswith("BAY-1: "), timeout=10000)  # the live board
    assert open_at(worklist1, record_id) == "Here"

    asked = []
    monkeypatch.setattr(messages, "ask_one_of", lambda *a, **k: asked.append(a[2]) or 0)  # View read-only
    window2 = worklist2.open_record(record_id)
    assert asked and asked[0].startswith("Open at BAY-1 by ")
    assert window2.view_only is not None and not window2.holds_draft
    assert window2.save_label.text().startswith("Read only: Open at BAY-1")
    assert window2.take_over_button.isVisible() and not window2.review_button.isVisible()

    # A committed answer at bay 1 shows in bay 2's read-only view.
    window1._on_answer_changed("proceduralist", "Dr Committed")
    qtbot.waitUntil(lambda: window2.state.answers.get("proceduralist") == "Dr Committed", timeout=10000)

    # Bay 1 types something autosave has not written yet (it waits for a pause); bay 2 takes over now.
    window1.state.set_answer("dc_follow_up", "Clinic on Friday")
    window1.checklist.save(audit=True)
    monkeypatch.setattr(messages, "ask_choice", lambda *a, **k: True)
    window2.take_over()
    assert window2.holds_draft and not window2.take_over_button.isVisible()

    qtbot.waitUntil(lambda: window1.view_only is not None, timeout=10000)  # told at once
    assert window1.save_label.text().startswith("Taken over at BAY-2 by ")
    assert not window1.review_button.isVisible()
    qtbot.waitUntil(lambda: window2.set_aside_button.isVisible(), timeout=10000)
    assert storage.load_draft(ctx.store.db, record_id).data["answers"].get("dc_follow_up") is None  # not written over
    window1.look_elsewhere()  # a later change elsewhere: bay 1 still says why it is read-only
    assert window1.save_label.text().startswith("Taken over at BAY-2 by ")

    # Signing waits until the set-aside answers are gone through.
    told = []
    monkeypatch.setattr(set_aside_dialog.SetAsideDialog, "exec", lambda dialog: 0)  # "Decide later"
    monkeypatch.setattr(messages, "show_message", lambda *a, **k: told.append(a[1]))
    assert window2.review_and_sign() is None
    assert told == ["Set-aside answers are waiting"]

    shown = []

    def tick_all(dialog):
        shown.append([(d.item_id, d.now_text, d.set_aside_text) for d in dialog.differences])
        for box in dialog.boxes:
            box.setChecked(True)
        return 1

    monkeypatch.setattr(set_aside_dialog.SetAsideDialog, "exec", tick_all)
    window2.review_set_asides()
    assert shown == [[("dc_follow_up", "", "Clinic on Friday")]]
    assert window2.state.answers["dc_follow_up"] == "Clinic on Friday"
    assert not window2.set_aside_button.isVisible()
    bay2.autosaver.flush()
    assert storage.load_draft(ctx.store.db, record_id).data["answers"]["dc_follow_up"] == "Clinic on Friday"
    kinds = [e.event_type for e in storage.list_events(ctx.store.db, record_id)]
    assert {"opened", "taken_over", "answers_set_aside", "set_aside_resolved"} <= set(kinds)
    window1.close()
    window2.close()
    qtbot.waitUntil(lambda: open_at(worklist2, record_id) == "", timeout=10000)


def test_a_save_refused_because_the_draft_changed_elsewhere_freezes_the_window_and_writes_nothing_over(
        qtbot, ctx, monkeypatch):
    data = attested(ctx, example_data(ctx, "clean"))
    record_id = data["record_id"]
    ctx.store.save_draft(record_id, data, NURSE)
    worklist = show(qtbot, WorklistWindow(ctx))
    window = worklist.open_record(record_id)
    assert window.holds_draft
    # Saved behind the window's back while nobody else held it (a command, or a hold gone stale).
    newer = storage.load_draft(ctx.store.db, record_id).data
    newer["answers"]["proceduralist"] = "Dr Newer"
    storage.save_draft(ctx.store.db, record_id, newer, staff_id=PHYSICIAN)
    window._on_answer_changed("proceduralist", "Dr Older")
    qtbot.waitUntil(lambda: window.refused, timeout=10000)
    assert not window.holds_draft and window.take_over_button.isVisible() and not window.review_button.isVisible()
    assert "Your unsaved answers were set aside" in window.save_label.text()
    assert window.review_and_sign() is None
    window.close()  # closing saves nothing over the newer answers
    assert not ctx.autosaver.has_unsaved
    assert storage.load_draft(ctx.store.db, record_id).data["answers"]["proceduralist"] == "Dr Newer"
    kept = storage.checkouts.open_set_asides(ctx.store.db, record_id)
    assert kept and kept[0].data["answers"]["proceduralist"] == "Dr Older"
    assert ctx.store.crashed_records() == []  # closed on purpose: not offered back as a crash
