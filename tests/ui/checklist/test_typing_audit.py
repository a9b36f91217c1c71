"""Free text is audited as answers, not as keystrokes: the findings follow every key and autosave writes
the typing to the draft within a second (unaudited, so a crash loses at most a second of it), but the
audit trail's field_changed gets the text only when it is committed by Enter, leaving the field, or a
pause in typing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import NOW, NURSE, example_data, wait_saved

from checklist_app import storage
from checklist_app.ui.widgets.text_number import TextWidget

BEFORE: dict[str, int] = {}  # record id -> audit events it had when the test opened it


def item(window, item_id: str):
    form = window.ctx.form
    return window.pages[form.sections.index(form.section_of(item_id))].items[item_id]


def field_changes(ctx, record_id: str, item_id: str) -> list[tuple]:
    """(from, to) of each audited change of an answer after the test opened the checklist."""
    events = storage.list_events(ctx.store.db, record_id)[BEFORE[record_id]:]
    return [(e.details["from"], e.details["to"]) for e in events
            if e.event_type == "field_changed" and e.details["field"] == f"answers.{item_id}"]


def opened(ctx, open_example):
    window = open_example("clean")
    BEFORE["demo-clean"] = len(storage.list_events(ctx.store.db, "demo-clean"))  # creating it lists every answer
    return window


def saved_answer(ctx, record_id: str, item_id: str):
    return ctx.store.load_draft(record_id).data["answers"].get(item_id)


def test_typed_name_is_saved_and_audited_once_when_committed(qtbot, ctx, open_example):
    window = opened(ctx, open_example)
    field = item(window, "patient_name")
    window.go_to_item("patient_name")
    assert field.edit.hasFocus()
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Delete)
    assert "patient_name" in window.view.missing  # the findings follow the key at once
    qtbot.keyClicks(field.edit, "Okafor, Grace")
    assert window.state.answers["patient_name"] == "Okafor, Grace"
    assert "patient_name" not in window.view.missing
    # The typing reaches the draft within a second, unaudited: nothing half-typed in the trail.
    qtbot.waitUntil(lambda: saved_answer(ctx, "demo-clean", "patient_name") == "Okafor, Grace", timeout=1000)
    assert field_changes(ctx, "demo-clean", "patient_name") == []
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    wait_saved(qtbot, ctx)
    assert saved_answer(ctx, "demo-clean", "patient_name") == "Okafor, Grace"
    assert field_changes(ctx, "demo-clean", "patient_name") == [("Okafor, Grace Adaeze", "Okafor, Grace")]


def test_leaving_a_field_commits_it_single_line_and_notes(qtbot, ctx, open_example):
    window = opened(ctx, open_example)
    for item_id, text in (("proceduralist", "Dr A. Mensah"), ("dc_extra_instructions", "Walk daily.")):
        field = item(window, item_id)
        window.go_to_item(item_id)
        field.edit.selectAll()
        qtbot.keyClicks(field.edit, text)
        wait_saved(qtbot, ctx)
        assert field_changes(ctx, "demo-clean", item_id) == []  # saved, not audited, while typing
        window.section_list.setFocus()  # Tab, a click elsewhere, F6: focus leaves the field
        wait_saved(qtbot, ctx)
        assert saved_answer(ctx, "demo-clean", item_id) == text
        assert [to for _, to in field_changes(ctx, "demo-clean", item_id)] == [text]


def test_a_pause_in_typing_commits_what_was_typed(qtbot, ctx, open_example, monkeypatch):
    monkeypatch.setattr(TextWidget, "PAUSE_COMMIT_MS", 50)  # 3 s in use
    window = opened(ctx, open_example)
    field = item(window, "proceduralist")
    window.go_to_item("proceduralist")
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "Dr B. Osei")
    assert field.edit.hasFocus()  # still typing there: only the pause commits
    qtbot.waitUntil(lambda: saved_answer(ctx, "demo-clean", "proceduralist") == "Dr B. Osei", timeout=5000)
    assert [to for _, to in field_changes(ctx, "demo-clean", "proceduralist")] == ["Dr B. Osei"]


def test_text_still_being_typed_is_taken_before_review_and_on_close(qtbot, ctx, open_example, monkeypatch):
    from checklist_app.ui.signing import flow as signing_flow

    window = opened(ctx, open_example)
    reviewed = {}
    monkeypatch.setattr(signing_flow, "review_and_sign", lambda w, checklist: reviewed.update(
        unsaved=ctx.autosaver.unsaved_data("demo-clean")))
    field = item(window, "proceduralist")
    window.go_to_item("proceduralist")
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "Dr C. Adeyemi")
    window.review_and_sign()  # Alt+R keeps focus in the field
    assert reviewed["unsaved"]["answers"]["proceduralist"] == "Dr C. Adeyemi"
    qtbot.keyClicks(field.edit, ", MD")
    assert window.close()
    assert saved_answer(ctx, "demo-clean", "proceduralist") == "Dr C. Adeyemi, MD"


def test_typing_reaches_the_draft_within_a_second_and_the_trail_only_on_commit(qtbot, ctx, open_example):
    window = opened(ctx, open_example)
    field = item(window, "proceduralist")
    window.go_to_item("proceduralist")
    field.edit.selectAll()
    typed = ""
    for chunk in ("Dr ", "E. ", "Bello"):  # typing in bursts, never committed
        qtbot.keyClicks(field.edit, chunk)
        typed += chunk
        expected = typed.strip()
        qtbot.waitUntil(lambda t=expected: saved_answer(ctx, "demo-clean", "proceduralist") == t, timeout=1000)
        assert field_changes(ctx, "demo-clean", "proceduralist") == []
    assert field.edit.hasFocus() and not ctx.store.load_draft("demo-clean").audited
    qtbot.keyClicks(field.edit, ", MD")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)  # committed: one field_changed, from before the typing
    wait_saved(qtbot, ctx)
    assert [to for _, to in field_changes(ctx, "demo-clean", "proceduralist")] == ["Dr E. Bello, MD"]
    assert ctx.store.load_draft("demo-clean").audited


def test_a_commit_elsewhere_takes_the_text_being_typed_whole(qtbot, ctx, open_example):
    # An audited save records the whole draft: text still being typed in another field is committed
    # with it, never recorded as the fragment typed so far.
    window = opened(ctx, open_example)
    field = item(window, "proceduralist")
    window.go_to_item("proceduralist")
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "Dr F. Okoro")
    window.record_changed()  # as after acknowledging a finding or ticking a box (focus kept in the field)
    wait_saved(qtbot, ctx)
    assert [to for _, to in field_changes(ctx, "demo-clean", "proceduralist")] == ["Dr F. Okoro"]
    assert "proceduralist" not in window._typing


def test_a_draft_recovered_with_unaudited_typing_is_audited_when_closed(qtbot, ctx):
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.workflows.checklist_state import ChecklistState

    data = example_data(ctx, "clean")
    ctx.store.save_draft("demo-clean", data, NURSE)
    BEFORE["demo-clean"] = len(storage.list_events(ctx.store.db, "demo-clean"))
    data["answers"]["proceduralist"] = "Dr G. Typed-before-the-crash"  # saved unaudited, then kill -9
    storage.save_draft(ctx.store.db, "demo-clean", data, staff_id=NURSE, audit=False)
    draft = ctx.store.load_draft("demo-clean")  # what the worklist offers back
    state, _ = ChecklistState.from_data(ctx.form, draft.data, fallback_staff=NURSE, now=NOW, policy_id="sir-2019")
    window = ChecklistWindow(ctx, state)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert item(window, "proceduralist").edit.text() == "Dr G. Typed-before-the-crash"  # the typing is back
    assert field_changes(ctx, "demo-clean", "proceduralist") == []
    assert window.close()  # closing (or reviewing) records it, as a change from the last audited value
    assert field_changes(ctx, "demo-clean", "proceduralist") == [
        (example_data(ctx, "clean")["answers"].get("proceduralist"), "Dr G. Typed-before-the-crash")]
    assert ctx.store.load_draft("demo-clean").audited
