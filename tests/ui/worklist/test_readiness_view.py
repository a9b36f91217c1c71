"""The worklist's Ready column (icon, words and colour) and the "Cases at risk" day view, on a real SQLite
database: a Friday case missing its INR reads "not ready" at 11:59 on Thursday and "deadline passed" from
12:00, is listed first in Friday's day view, and opens from there."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from ui_helpers import NURSE

from checklist_app.domain.timeutil import aware
from checklist_app.ui import theme
from checklist_app.ui.worklist.model import READY_COLUMN
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows.demo import demo_data

START = aware(datetime(2026, 12, 4, 8, 30))  # Friday
DUE = aware(datetime(2026, 12, 3, 12, 0))  # Thursday noon: one business day before
SHOTS = os.environ.get("CHECKLIST_READINESS_SHOTS")  # a folder: save the screens seen here as PNGs


@pytest.fixture
def clock():
    return {"now": DUE - timedelta(minutes=1)}


@pytest.fixture
def rctx(qapp, staffed_dir, clock):
    from checklist_app.ui.context import AppContext
    from checklist_app.workflows.store import ChecklistStore

    theme.apply_theme(qapp)
    context = AppContext(ChecklistStore.open(staffed_dir), clock=lambda: clock["now"])
    context.set_user(context.store.staff(NURSE))
    yield context
    context.close()


def save_case(ctx, record_id: str, name: str, start: datetime = START, **changes) -> None:
    data = demo_data(ctx.form, start.date())
    data["record_id"] = record_id
    answers = data["answers"]
    answers.update(patient_name=name, mrn=f"MRN-{record_id}", wristband_scan=f"MRN-{record_id}",
                   scheduled_start=start.isoformat())
    for lab in ("inr", "platelets", "creatinine"):
        answers[lab] = {**answers[lab], "date": (start.date() - timedelta(days=7)).isoformat()}
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    ctx.store.save_draft(record_id, data, NURSE)


def worklist(qtbot, ctx) -> WorklistWindow:
    window = WorklistWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def ready_cell(window, record_id: str, role=Qt.ItemDataRole.DisplayRole):
    row = next(n for n, r in enumerate(window.model.rows) if r.record_id == record_id)
    return window.model.index(row, READY_COLUMN).data(role)


def grab(widget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(SHOTS) / name))


def test_the_ready_column_says_and_colours_what_is_missing_and_the_deadline(qtbot, rctx, clock):
    save_case(rctx, "no-inr", "Brandt, Otto", inr=None)
    save_case(rctx, "ok", "Okafor, Grace Adaeze")
    save_case(rctx, "monday", "Lindqvist, Eva", start=aware(datetime(2026, 12, 7, 9, 0)), escort_present=None)
    window = worklist(qtbot, rctx)
    assert not window.table.isColumnHidden(READY_COLUMN)
    text = ready_cell(window, "no-inr")
    assert text.startswith("Not ready, due Thu ") and text.endswith(": INR")
    assert ready_cell(window, "no-inr", Qt.ItemDataRole.ForegroundRole) == QColor(theme.WARN)
    assert ready_cell(window, "ok") == "Ready"
    assert ready_cell(window, "ok", Qt.ItemDataRole.ForegroundRole) == QColor(theme.OK)
    assert not ready_cell(window, "ok", Qt.ItemDataRole.DecorationRole).isNull()
    # A Monday case is due on the Friday: still days ahead.
    assert ready_cell(window, "monday").startswith("Not ready, due Fri ")
    assert ready_cell(window, "monday").endswith(": Escort")
    tip = ready_cell(window, "no-inr", Qt.ItemDataRole.ToolTipRole)
    assert "(in 1 min): INR" in tip and "INR: not recorded." in tip
    grab(window, "worklist-1159.png")
    # The clock moves on to 12:01 with no change to any checklist: the column follows it by itself.
    clock["now"] = DUE + timedelta(minutes=1)
    window._clock_timer.timeout.emit()
    assert ready_cell(window, "no-inr") == "Not ready, deadline passed: INR"
    assert ready_cell(window, "no-inr", Qt.ItemDataRole.ForegroundRole) == QColor(theme.STOP)
    assert ready_cell(window, "ok") == "Ready"
    grab(window, "worklist-1201.png")


def test_the_day_view_lists_cases_at_risk_first_and_opens_one(qtbot, rctx, clock):
    clock["now"] = DUE + timedelta(minutes=1)
    save_case(rctx, "ok", "Okafor, Grace Adaeze", start=START - timedelta(minutes=30))
    save_case(rctx, "no-inr", "Brandt, Otto", inr=None)
    save_case(rctx, "monday", "Lindqvist, Eva", start=aware(datetime(2026, 12, 7, 9, 0)), escort_present=None)
    window = worklist(qtbot, rctx)
    qtbot.mouseClick(window.risk_button, Qt.MouseButton.LeftButton)
    dialog = window.readiness_dialog
    qtbot.waitExposed(dialog)
    assert dialog.day == START.date()  # Thursday: Friday's cases are the ones due today
    table = dialog.table
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["Brandt, Otto", "Okafor, Grace Adaeze"]
    assert table.item(0, 4).text() == "Deadline passed" and table.item(0, 5).text() == "INR: not recorded."
    assert table.item(0, 3).text() == "Checklist: Hard stop"
    assert table.item(0, 4).foreground().color() == QColor(theme.STOP)
    assert table.item(1, 4).text() == "Ready" and table.item(1, 5).text() == "-"
    assert "2 case(s) scheduled - 1 deadline passed, 1 ready" in dialog.summary.text()
    dialog.resize(1280, 800)
    grab(dialog, "day-view-friday.png")
    dialog.show_day(aware(datetime(2026, 12, 7)).date())  # Monday: due Friday noon, still ahead
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["Lindqvist, Eva"]
    assert table.item(0, 4).text() == "Not ready"
    qtbot.mouseClick(dialog.previous_button, Qt.MouseButton.LeftButton)  # Sunday
    assert table.rowCount() == 0 and "no checklist is scheduled" in dialog.summary.text()
    dialog.show_day(START.date())
    # The INR entered at another workstation: the open day view follows the worklist's refresh.
    save_case(rctx, "no-inr", "Brandt, Otto")
    window.refresh()
    assert [table.item(r, 4).text() for r in range(table.rowCount())] == ["Ready", "Ready"]
    assert dialog.summary.text().startswith("Fri 12/04/2026: 2 case(s) scheduled - 2 ready.")
    table.selectRow(1)
    dialog.open_selected()
    assert list(window.open_windows) == ["no-inr"]
    # Closed, and opened again on Friday: the same window, now on Monday (due Friday noon).
    dialog.close()
    clock["now"] = aware(datetime(2026, 12, 4, 9, 0))
    window.risk_button.click()
    assert window.readiness_dialog is dialog and dialog.isVisible()
    assert dialog.day == aware(datetime(2026, 12, 7)).date()
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["Lindqvist, Eva"]


def test_a_signed_plan_is_the_case_until_the_day_checklist_lacks_less(qtbot, rctx, clock):
    from checklist_app.workflows.checklist_state import ChecklistState
    from checklist_app.workflows.plan_records import sign_plan

    clock["now"] = DUE - timedelta(days=2)
    save_case(rctx, "plan-20261201-call", "Brandt, Otto", inr=None, mrn="MRN-318204", wristband_scan="MRN-318204")
    plan, _ = ChecklistState.from_data(rctx.form, rctx.store.load_draft("plan-20261201-call").data,
                                       fallback_staff=NURSE, now=clock["now"], policy_id="sir-2019")
    sign_plan(rctx, plan, NURSE, "1357")
    save_case(rctx, "ok", "Okafor, Grace Adaeze")
    clock["now"] = DUE - timedelta(hours=2)
    window = worklist(qtbot, rctx)
    window.risk_button.click()
    dialog = window.readiness_dialog
    table = dialog.table
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == ["Brandt, Otto", "Okafor, Grace Adaeze"]
    assert table.item(0, 3).text() == "Pre-admission plan: Signed" and table.item(0, 4).text() == "Not ready"
    assert "(in 2 h)" in dialog.summary.text()
    dialog.resize(1280, 800)
    grab(dialog, "day-view-plan.png")


def test_a_broken_planning_file_hides_the_column_and_the_day_view_says_why(qtbot, rctx, tmp_path, monkeypatch):
    from checklist_app import resources

    bad = tmp_path / "planning.yaml"
    bad.write_text("schema_version: 1\nform: vertebral_augmentation\nahead_items: [inr]\nready_requires: [inr, nope]\n")
    shipped = resources.form_path
    monkeypatch.setattr(resources, "form_path", lambda name: bad if name == "planning.yaml" else shipped(name))
    save_case(rctx, "ok", "Okafor, Grace Adaeze")
    window = worklist(qtbot, rctx)
    assert window.table.isColumnHidden(READY_COLUMN)
    assert [r.patient for r in window.model.rows] == ["Okafor, Grace Adaeze"]  # the worklist itself still works
    window.risk_button.click()
    text = window.readiness_dialog.summary.text()
    assert text.startswith("Readiness cannot be worked out:") and "nope" in text and "planning.yaml" in text


def test_a_british_site_reads_the_deadline_on_a_24_hour_clock_with_the_day_first(qtbot, rctx, clock):
    from checklist_app.domain import conventions

    save_case(rctx, "no-inr", "Brandt, Otto", inr=None)
    conventions.set_site_locale("en-GB")
    try:
        window = worklist(qtbot, rctx)
        assert ready_cell(window, "no-inr") == "Not ready, due Thu 12:00: INR"
        window.risk_button.click()
        dialog = window.readiness_dialog
        assert "Deadline Thu 03/12/2026 12:00 (in 1 min)." in dialog.summary.text()
        assert dialog.day_edit.displayFormat() == "ddd dd/MM/yyyy"
        dialog.resize(1280, 800)
        grab(dialog, "day-view-en-gb.png")
    finally:
        conventions.set_site_locale("en-US")
