"""The list item (medications, allergies) as a table and one editor: the keyboard flow, selecting entries,
the answer it gives, a 200-entry list costing no more widgets than a one-entry list, and the signed view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from ui_helpers import NOW

from checklist_app.rules import load_form
from checklist_app.ui.widgets import create_item_widget

FORM = load_form()
APIXABAN = {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": NOW - timedelta(days=2, hours=11)}
METFORMIN = {"agent": "metformin", "dose": "500 mg", "frequency": "bid", "last_dose": NOW - timedelta(hours=12)}


def other(number: int) -> dict:
    return {"agent": "other", "name": f"Remedy {number:03d}", "dose": f"{number} mg", "frequency": "daily",
            "last_dose": NOW - timedelta(hours=23)}


@pytest.fixture
def shown(qtbot):
    """The list item in a window, followed by a text field (where Tab out of the list must land)."""

    def show(item_id: str = "medications"):
        window = QWidget()
        widget = create_item_widget(FORM.item(item_id), clock=lambda: NOW)
        after = QLineEdit()
        after.setAccessibleName("next item")
        layout = QVBoxLayout(window)
        layout.addWidget(widget)
        layout.addWidget(after)
        qtbot.addWidget(window)
        window.resize(900, 700)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        widget.after, widget.holder = after, window  # the holder keeps the window alive (qtbot holds it weakly)
        return widget

    return show


def key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_add_edit_and_remove_with_the_keyboard(qtbot, shown):
    widget = shown()
    editor = widget.editor
    widget.none_box.setFocus()
    key(qtbot, Qt.Key.Key_Return)  # "none" not ticked: Enter goes on to Add entry
    assert QApplication.focusWidget() is widget.add_button
    for number, (agent, dose, when) in enumerate([("Apix", "5 mg", "yesterday 2000"), ("Metf", "500 mg", "0600")]):
        key(qtbot, Qt.Key.Key_Return)  # Enter on Add: a new entry, selected, focus in its first field
        assert widget.entry_count() == number + 1 and widget.current_entry() == number
        assert QApplication.focusWidget() is editor.fields["agent"].combo
        assert editor.header.text() == f"Entry {number + 1} of {number + 1}: New entry"
        qtbot.keyClicks(editor.fields["agent"].combo, agent)
        key(qtbot, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is editor.fields["name"].edit
        key(qtbot, Qt.Key.Key_Return)  # name: only for Other
        qtbot.keyClicks(editor.fields["dose"].edit, dose)
        key(qtbot, Qt.Key.Key_Return)
        qtbot.keyClicks(editor.fields["frequency"].combo, "Twice")
        key(qtbot, Qt.Key.Key_Return)
        qtbot.keyClicks(editor.fields["last_dose"].edit, when)
        key(qtbot, Qt.Key.Key_Return)  # after the last field: back to Add entry
        assert QApplication.focusWidget() is widget.add_button
    assert [e["agent"] for e in widget.value()] == ["apixaban", "metformin"]
    assert widget.value()[1] == {"agent": "metformin", "dose": "500 mg", "frequency": "bid",
                                 "last_dose": NOW.replace(hour=6, minute=0)}
    assert editor.header.text() == "Entry 2 of 2: Metformin"
    editor.fields["dose"].edit.setFocus()
    with qtbot.waitSignal(widget.answer_changed) as removed:
        key(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert [e["agent"] for e in removed.args[0]] == ["apixaban"]
    assert widget.current_entry() == 0 and editor.fields["dose"].edit.text() == "5 mg"
    assert QApplication.focusWidget() is widget.table  # the entry now in the editor is the selected row
    widget.add_button.setFocus()
    key(qtbot, Qt.Key.Key_Tab)  # Tab leaves the list
    assert QApplication.focusWidget() is widget.after


def test_selecting_a_row_loads_it_without_changing_the_answer(qtbot, shown):
    widget = shown()
    widget.set_value([APIXABAN, METFORMIN])
    assert widget.current_entry() == 0 and widget.editor.fields["agent"].value() == "apixaban"
    table = widget.table
    with qtbot.assertNotEmitted(widget.answer_changed), qtbot.assertNotEmitted(widget.answer_edited):
        cell = table.visualRect(widget.model.index(1, 2)).center()
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        assert widget.current_entry() == 1
        assert widget.editor.fields["dose"].value() == "500 mg"
        assert widget.editor.header.text() == "Entry 2 of 2: Metformin"
        table.setFocus()
        key(qtbot, Qt.Key.Key_Up)
        assert widget.editor.fields["agent"].value() == "apixaban"
        key(qtbot, Qt.Key.Key_Return)  # Enter on the table goes into the editor
        assert QApplication.focusWidget() is widget.editor.fields["agent"].combo
        table.setFocus()
        key(qtbot, Qt.Key.Key_Tab)  # so does Tab: from the table, not from cell to cell
        assert QApplication.focusWidget() is widget.editor.fields["agent"].combo
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # and a double click
        assert widget.current_entry() == 1 and QApplication.focusWidget() is widget.editor.fields["agent"].combo
    assert widget.value() == [APIXABAN, METFORMIN]


def test_an_edit_changes_its_row_only_and_is_reported_as_today(qtbot, shown):
    widget = shown()
    widget.set_value([APIXABAN, METFORMIN, other(3)])
    before = widget.value()
    dose = widget.select_entry(1).fields["dose"].edit
    changed_rows = []
    widget.model.dataChanged.connect(lambda top, bottom, _roles: changed_rows.append((top.row(), bottom.row())))
    dose.setFocus()
    with qtbot.waitSignal(widget.answer_edited) as typed:
        qtbot.keyClick(dose, Qt.Key.Key_0)
    assert typed.args[0][1]["dose"] == "500 mg0"
    assert changed_rows == [(1, 1)]
    assert widget.model.index(1, 2).data() == "500 mg0"
    with qtbot.waitSignal(widget.answer_changed) as committed:
        qtbot.keyClick(dose, Qt.Key.Key_Return)
    assert committed.args[0][1]["dose"] == "500 mg0"
    assert before == [APIXABAN, METFORMIN, other(3)]  # an answer handed out earlier is not changed behind it
    assert widget.value()[0] is before[0] and widget.value()[2] is before[2]


def test_text_being_typed_stays_with_its_entry_when_another_is_selected(qtbot, shown):
    widget = shown()
    widget.set_value([APIXABAN, METFORMIN])
    dose = widget.editor.fields["dose"].edit
    dose.setFocus()
    qtbot.keyClicks(dose, "0")  # not committed yet (no Enter, no pause)
    with qtbot.waitSignal(widget.answer_changed) as committed:
        widget.select_entry(1)
    assert committed.args[0][0]["dose"] == "5 mg0"
    assert dose.text() == "500 mg" and widget.value()[1] == METFORMIN


def test_cells_show_answers_in_words(qtbot, shown):
    widget = shown()
    widget.set_value([APIXABAN, METFORMIN])
    model = widget.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Medicine", "Name as on the label (for Other)", "Dose", "How often", "Last dose taken", "Dose intensity",
        "Why aspirin is taken"]
    assert [model.index(0, c).data() for c in range(model.columnCount())] == [
        "Apixaban", None, "5 mg", "Twice a day", "Wed 11/18/2026 8:15 PM", None, None]
    assert model.index(1, 4).data() == "yesterday 7:15 PM"
    assert model.headerData(1, Qt.Orientation.Vertical) == "2"
    assert model.index(0, 1).data(Qt.ItemDataRole.AccessibleTextRole) == \
        "Name as on the label (for Other): not answered"
    assert widget.table.accessibleName() == "Medications: entries"


def test_value_is_none_unanswered_empty_for_none_and_round_trips(qtbot, shown):
    widget = shown("allergies")
    assert widget.value() is None and not widget.none_box.isHidden() and widget.table.isHidden()
    widget.set_value([])
    assert widget.value() == [] and widget.none_box.isChecked() and not widget.add_button.isEnabled()
    entries = [{"substance": "latex", "reaction": "hives"}, {"substance": "other", "details": "plasters",
                                                             "reaction": "rash", "severity": "mild"}]
    with qtbot.assertNotEmitted(widget.answer_changed):
        widget.set_value(entries)
    assert widget.value() == entries and widget.none_box.isHidden() and not widget.table.isHidden()
    assert widget.editor.header.text() == "Entry 1 of 2: Latex"
    widget.set_value(None)
    assert widget.value() is None and widget.editor.isHidden() and widget.entry_count() == 0
    assert widget.focus_widgets() == [widget.none_box, widget.add_button]


def test_200_entries_cost_no_more_widgets_than_one(qtbot, shown):
    widget = shown()
    widget.set_value([APIXABAN])
    one = len(widget.findChildren(QWidget))
    many = [APIXABAN, METFORMIN] + [other(n) for n in range(3, 201)]
    widget.set_value(many)
    assert len(widget.findChildren(QWidget)) == one
    assert widget.entry_count() == 200 and widget.model.rowCount() == 200
    assert widget.value() == many
    rows = widget.table.verticalHeader().defaultSectionSize()
    assert widget.table.height() < 10 * rows  # a few rows, then it scrolls: not a 200-row wall
    assert widget.select_entry(199).fields["name"].value() == "Remedy 200"
    assert widget.editor.header.text() == "Entry 200 of 200: Other (Remedy 200)"  # 'Other' alone names nothing


def test_signed_list_is_shown_not_edited(qtbot, shown):
    widget = shown()
    widget.set_value([APIXABAN, METFORMIN])
    widget.set_read_only(True)
    assert not widget.table.isHidden() and not widget.editor.isHidden()
    assert widget.add_button.isHidden() and widget.editor.remove_button.isHidden()
    assert not widget.editor.fields["agent"].combo.isEnabled()
    assert widget.editor.fields["dose"].edit.isReadOnly()
    widget.table.setFocus()
    key(qtbot, Qt.Key.Key_Down)  # still browsable
    assert widget.editor.fields["dose"].edit.text() == "500 mg"
    with qtbot.assertNotEmitted(widget.answer_changed):
        key(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
        widget.remove_entry(0)
    assert widget.value() == [APIXABAN, METFORMIN]
    widget.set_read_only(False)
    assert not widget.add_button.isHidden() and widget.editor.fields["agent"].combo.isEnabled()

