"""Tab and Shift+Tab through a list item (medications, allergies) with real key events: Tab from "Add entry"
always leaves the list, Shift+Tab never lands on Remove (a date typed there would press it), and an entry
left blank is no answer and is gone once Tab leaves the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from ui_helpers import NOW

from checklist_app.rules import load_form
from checklist_app.ui.widgets import create_item_widget

FORM = load_form()
SHIFT = Qt.KeyboardModifier.ShiftModifier
APIXABAN = {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": NOW - timedelta(days=2, hours=11)}
METFORMIN = {"agent": "metformin", "dose": "500 mg", "frequency": "bid", "last_dose": NOW - timedelta(hours=12)}
SHELLFISH = {"substance": "shellfish_iodine", "details": "prawns", "reaction": "itchy rash", "severity": "mild"}


@pytest.fixture
def between(qtbot):
    """The list item in a window between two text fields (where Shift+Tab and Tab out of it must land)."""

    def show(item_id: str, value):
        window = QWidget()
        before, after = QLineEdit(), QLineEdit()
        before.setAccessibleName("item before")
        after.setAccessibleName("item after")
        widget = create_item_widget(FORM.item(item_id), clock=lambda: NOW)
        layout = QVBoxLayout(window)
        for part in (before, widget, after):
            layout.addWidget(part)
        qtbot.addWidget(window)
        window.resize(900, 700)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        widget.set_value(value)
        widget.before, widget.after, widget.holder = before, after, window
        return widget

    return show


def focused() -> QWidget:
    return QApplication.focusWidget()


def tab(qtbot, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    qtbot.keyClick(focused(), Qt.Key.Key_Tab, modifier)
    return focused()


@pytest.mark.parametrize(("item_id", "value"), [("allergies", [SHELLFISH]), ("medications", [APIXABAN, METFORMIN])])
def test_tab_from_add_entry_leaves_the_list(qtbot, between, item_id, value):
    widget = between(item_id, value)
    widget.select_entry(0)
    widget.add_button.setFocus()
    assert tab(qtbot) is widget.after  # a severity's radio buttons once came after "Add entry"
    widget.add_button.setFocus()
    qtbot.keyClick(widget.add_button, Qt.Key.Key_Space)  # a new entry, focus in its first field...
    assert widget.entry_count() == len(value) + 1
    widget.add_button.setFocus()
    assert tab(qtbot) is widget.after  # ...and Tab still leaves, taking the blank entry away
    assert widget.entry_count() == len(value) and widget.value() == value


@pytest.mark.parametrize(("item_id", "value"), [("allergies", [SHELLFISH]), ("medications", [APIXABAN, METFORMIN])])
def test_tab_and_shift_tab_walk_the_list_the_same_way_and_never_stop_on_remove(qtbot, between, item_id, value):
    widget = between(item_id, value)
    widget.before.setFocus()
    forward = [tab(qtbot)]
    while forward[-1] is not widget.after:
        forward.append(tab(qtbot))
        assert len(forward) < 20, "Tab never left the list"
    backward = [tab(qtbot, SHIFT)]
    while backward[-1] is not widget.before:
        backward.append(tab(qtbot, SHIFT))
        assert len(backward) < 20, "Shift+Tab never left the list"
    assert forward[0] is widget.table and forward[-2] is widget.add_button
    assert forward[:-1] == backward[-2::-1]
    assert widget.editor.remove_button not in forward + backward
    assert forward[1:-2] == [w for w in widget.editor.focus_widgets() if w.isVisible()]


def test_a_date_typed_after_shift_tab_from_add_entry_goes_into_a_field_and_removes_nothing(qtbot, between,
                                                                                         removals_confirmed):
    widget = between("medications", [APIXABAN, METFORMIN])
    widget.select_entry(0)
    widget.add_button.setFocus()
    landed = tab(qtbot, SHIFT)
    assert landed is widget.editor.fields["last_dose"].edit
    qtbot.keyClicks(landed, "2026-11-19 08:00")
    qtbot.keyClick(landed, Qt.Key.Key_Return)
    assert removals_confirmed == []  # never asked: nothing pressed Remove (the tests' fixture would say yes)
    assert [entry["agent"] for entry in widget.value()] == ["apixaban", "metformin"]
    assert widget.value()[0]["last_dose"].astimezone().replace(tzinfo=None).isoformat() == "2026-11-19T08:00:00"
    assert widget.value()[1] == METFORMIN


def test_a_blank_entry_is_no_answer(qtbot, between):
    widget = between("allergies", None)
    widget.add_button.setFocus()
    qtbot.keyClick(widget.add_button, Qt.Key.Key_2)  # a stray digit does nothing on a button...
    with qtbot.assertNotEmitted(widget.answer_changed, wait=50):
        qtbot.keyClick(widget.add_button, Qt.Key.Key_Return)  # ...and the entry Enter adds is blank: no answer
    assert widget.entry_count() == 1 and widget.value() is None
    widget.set_value([SHELLFISH])
    widget.add_entry()
    assert widget.value() == [SHELLFISH]
    assert tab(qtbot, SHIFT) is widget.table
    assert tab(qtbot, SHIFT) is widget.before  # leaving backwards drops the blank entry too
    assert widget.entry_count() == 1 and widget.current_entry() == 0
