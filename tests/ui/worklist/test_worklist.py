"""The worklist: the demo patient on a fresh install, today's checklists with their status, search by
name or MRN (a scanned wristband opens the patient), New checklist, and a draft left open by a crash
offered back."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from ui_helpers import NOW, NURSE, attested, example_data, wait_saved

from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows.demo import seed_demo
from checklist_app.workflows.store import OPEN_FILE, ChecklistStore


def make_worklist(qtbot, ctx) -> WorklistWindow:
    window = WorklistWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def rows(window) -> list[tuple[str, str]]:
    return [(r.patient, r.status_text) for r in window.model.rows]


def save_example(ctx, name: str, record_id: str, **answers) -> None:
    data = example_data(ctx, name)
    data["record_id"] = record_id
    data["answers"].update(answers)
    attested(ctx, data)
    ctx.store.save_draft(record_id, data, NURSE)


def test_a_fresh_install_shows_the_demo_patient(qtbot, bare_ctx):
    assert seed_demo(bare_ctx.store, bare_ctx.form, NOW.date())
    assert not seed_demo(bare_ctx.store, bare_ctx.form, NOW.date())  # only into an empty database
    window = make_worklist(qtbot, bare_ctx)
    assert rows(window) == [("Okafor, Grace Adaeze", "Warnings")]  # the physician's attestation is left to do
    assert window.model.rows[0].scheduled.astimezone().date() == NOW.date()
    assert not window.staff_notice.isHidden()  # no accounts yet: says how to add them
    assert window.windowTitle() == "Checklist worklist"


def test_statuses_and_search_by_name_or_mrn(qtbot, ctx):
    save_example(ctx, "clean", "r-clean")
    save_example(ctx, "hard-fever", "r-fever", patient_name="Haddad, Samira", mrn="MRN-318204",
                 wristband_scan="MRN-318204")
    save_example(ctx, "warnings-only", "r-warn", patient_name="Moreau, Claire", mrn="MRN-552017",
                 wristband_scan="MRN-552017")
    window = make_worklist(qtbot, ctx)
    assert sorted(rows(window)) == [("Haddad, Samira", "Hard stop"), ("Moreau, Claire", "Warnings"),
                                    ("Okafor, Grace Adaeze", "Ready to sign")]
    qtbot.keyClicks(window.search_edit, "moreau")
    assert window.proxy.rowCount() == 1
    window.search_edit.clear()
    qtbot.keyClicks(window.search_edit, "MRN-318204")  # a scanner types the wristband's MRN...
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)  # ...and Enter: the one match opens
    assert list(window.open_windows) == ["r-fever"]
    assert window.open_windows["r-fever"].windowTitle() == "Pre-procedure checklist"  # no patient data


def test_new_checklist_is_saved_as_a_draft_at_once(qtbot, ctx):
    window = make_worklist(qtbot, ctx)
    checklist = window.new_checklist()
    assert checklist is not None
    assert ctx.store.load_draft(checklist.state.record_id) is not None
    assert [r.patient for r in window.model.rows] == ["(name not entered)"]


def test_signed_checklists_are_listed_as_signed_and_open_read_only(qtbot, ctx, open_example):
    checklist = open_example("clean")
    from checklist_app.workflows.signing import meaning_of, sign

    version = sign(checklist.checklist, NURSE, "1357", meaning_of(checklist.checklist)[0])
    checklist.mark_signed(version)
    checklist.close()
    window = make_worklist(qtbot, ctx)
    assert rows(window) == [("Okafor, Grace Adaeze", "Signed")]
    reopened = window.open_record("demo-clean")
    assert reopened.signed is not None and not reopened.review_button.isVisibleTo(reopened)


def test_a_crashed_draft_is_offered_back(qtbot, ctx, open_example):
    checklist = open_example("clean")
    weight = checklist.pages[[s.id for s in ctx.form.sections].index("labs")].items["weight_kg"]
    weight.edit.setText("71")
    weight.commit()
    wait_saved(qtbot, ctx)
    # The app "crashes": the window is never closed. A new start opens the database again.
    restarted_store = ChecklistStore(ctx.store.db, ctx.store.data_dir)
    ctx.store = restarted_store
    window = make_worklist(qtbot, ctx)
    assert not window.notice.isHidden()
    assert "Okafor, Grace Adaeze" in window.notice_label.text()
    qtbot.mouseClick(window.reopen_button, Qt.MouseButton.LeftButton)
    reopened = window.open_windows["demo-clean"]
    assert reopened.state.answers["weight_kg"] == 71
    assert window.notice.isHidden()
    checklist.hide()


def test_a_draft_written_through_storage_by_an_app_that_died_is_offered(qtbot, ctx):
    save_example(ctx, "clean", "r-died")
    (ctx.store.data_dir / OPEN_FILE).write_text(json.dumps({"r-died": 999_999_999}))  # no such process
    window = make_worklist(qtbot, ctx)
    assert not window.notice.isHidden()
    qtbot.mouseClick(window.dismiss_button, Qt.MouseButton.LeftButton)
    assert window.notice.isHidden()
    assert json.loads((ctx.store.data_dir / OPEN_FILE).read_text()) == {}
    assert [r.record_id for r in window.model.rows] == ["r-died"]  # still in the worklist as a draft


@pytest.mark.parametrize("scope", [0, 1])
def test_scope_today_and_all_dates(qtbot, ctx, scope):
    save_example(ctx, "clean", "r-today")
    window = make_worklist(qtbot, ctx)
    window.scope_combo.setCurrentIndex(scope)
    assert [r.record_id for r in window.model.rows] == ["r-today"]


def test_keyboard_from_search_to_the_list_and_open(qtbot, ctx):
    save_example(ctx, "clean", "r-one")
    window = make_worklist(qtbot, ctx)
    window.search_edit.setFocus()
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    assert window.table.hasFocus() and window.selected_record() == "r-one"
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert list(window.open_windows) == ["r-one"]


def test_the_chart_column_is_hidden_where_nothing_is_sent_to_the_chart(qtbot, ctx):
    from checklist_app.ui.worklist.model import COLUMNS

    data = example_data(ctx, "clean")
    ctx.store.save_draft(data["record_id"], data, NURSE)
    window = make_worklist(qtbot, ctx)
    assert window.model.rows and not any(row.chart for row in window.model.rows)
    assert window.table.isColumnHidden(COLUMNS.index("Chart"))
    assert not window.table.isColumnHidden(COLUMNS.index("Open at"))
