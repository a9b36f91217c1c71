"""Text typed into a list entry's field that could not be read stays with that entry: its cell shows it,
selecting the entry again puts it back with its message, it moves when an entry before it is removed, it
goes when it is corrected, and a signed list never shows it. It is never an answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from ui_helpers import NOW

from checklist_app.rules import load_form
from checklist_app.ui.widgets import create_item_widget

FORM = load_form()
APIXABAN = {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": NOW - timedelta(days=2)}
METFORMIN = {"agent": "metformin", "dose": "500 mg", "frequency": "bid", "last_dose": NOW - timedelta(hours=12)}
WARFARIN = {"agent": "warfarin", "dose": "3 mg", "frequency": "daily", "last_dose": NOW - timedelta(days=5)}
TYPO = "yesterdy 2200"
LAST_DOSE = 4  # the "Last dose taken" column


@pytest.fixture
def medications(qtbot):
    """The medication list in a shown window, with three entries, the first selected."""
    window = QWidget()
    widget = create_item_widget(FORM.item("medications"), clock=lambda: NOW)
    QVBoxLayout(window).addWidget(widget)
    qtbot.addWidget(window)
    window.resize(900, 700)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    widget.holder = window  # keeps the window alive (qtbot holds it weakly)
    widget.set_value([APIXABAN, METFORMIN, WARFARIN])
    return widget


def click_row(qtbot, widget, row: int) -> None:
    cell = widget.table.visualRect(widget.model.index(row, 0)).center()
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert widget.current_entry() == row


def type_last_dose(qtbot, widget, text: str) -> None:
    edit = widget.editor.fields["last_dose"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def shown_last_dose(widget) -> tuple[str, str, bool]:
    """What the editor's last-dose field shows: its text, its message, whether it is marked."""
    field = widget.editor.fields["last_dose"]
    return field.edit.text(), field.problem.text, field.edit.property("problem") == "true"


def cell(widget, row: int) -> str | None:
    return widget.model.index(row, LAST_DOSE).data()


def test_a_typo_stays_with_its_entry_when_another_is_selected_and_back(qtbot, medications):
    type_last_dose(qtbot, medications, TYPO)
    assert shown_last_dose(medications)[1].startswith("Not understood")
    click_row(qtbot, medications, 1)
    assert shown_last_dose(medications) == ("11/20/2026 7:15 PM", "", False)  # nothing carried to entry 2
    assert cell(medications, 0) == f"⚠ Not understood: {TYPO}"  # seen without opening the entry
    assert cell(medications, 1) == "yesterday 7:15 PM"
    click_row(qtbot, medications, 0)
    text, message, marked = shown_last_dose(medications)
    assert text == TYPO and message.startswith("Not understood: 'yesterdy'") and marked
    assert "last_dose" not in medications.value()[0]  # not an answer: the rules still see it missing
    assert medications.model.index(0, LAST_DOSE).data(Qt.ItemDataRole.AccessibleTextRole) == \
        f"Last dose taken: not understood: {TYPO}"


def test_a_typo_left_without_enter_goes_with_its_entry_too(qtbot, medications):
    edit = medications.editor.fields["last_dose"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, TYPO)  # then straight to another entry, no Enter
    click_row(qtbot, medications, 2)
    assert cell(medications, 0) == f"⚠ Not understood: {TYPO}"
    assert shown_last_dose(medications)[1:] == ("", False)


def test_correcting_the_typo_clears_it(qtbot, medications):
    type_last_dose(qtbot, medications, TYPO)
    click_row(qtbot, medications, 1)
    click_row(qtbot, medications, 0)
    assert shown_last_dose(medications)[0] == TYPO
    type_last_dose(qtbot, medications, "yesterday 2200")
    assert medications.value()[0]["last_dose"] == (NOW - timedelta(days=1)).replace(hour=22, minute=0)
    assert cell(medications, 0) == "yesterday 10:00 PM" and medications.model.unread == {}
    assert shown_last_dose(medications) == ("yesterday 2200", "", False)
    click_row(qtbot, medications, 1)
    click_row(qtbot, medications, 0)
    assert shown_last_dose(medications) == ("11/20/2026 10:00 PM", "", False)


def test_clearing_the_typo_forgets_it(qtbot, medications):
    type_last_dose(qtbot, medications, TYPO)
    click_row(qtbot, medications, 1)
    click_row(qtbot, medications, 0)
    edit = medications.editor.fields["last_dose"].edit
    assert edit.text() == TYPO
    edit.clear()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert cell(medications, 0) is None and medications.model.unread == {}
    click_row(qtbot, medications, 1)
    click_row(qtbot, medications, 0)
    assert shown_last_dose(medications) == ("", "", False)


def test_removing_an_entry_before_it_moves_the_typo_along(qtbot, medications):
    medications.select_entry(2)
    type_last_dose(qtbot, medications, TYPO)  # in Warfarin, the third entry
    medications.remove_entry(0)
    assert [entry["agent"] for entry in medications.value()] == ["metformin", "warfarin"]
    assert cell(medications, 0) == "yesterday 7:15 PM"
    assert cell(medications, 1) == f"⚠ Not understood: {TYPO}"
    medications.select_entry(0)
    assert shown_last_dose(medications)[1:] == ("", False)
    medications.select_entry(1)
    assert shown_last_dose(medications)[0] == TYPO
    medications.remove_entry(1)  # removing its own entry drops it
    assert medications.model.unread == {}
    assert [cell(medications, row) for row in range(medications.entry_count())] == ["yesterday 7:15 PM"]


def test_a_signed_list_never_shows_unread_text(qtbot, medications):
    type_last_dose(qtbot, medications, TYPO)
    medications.set_read_only(True)  # signed with the typo on screen
    assert shown_last_dose(medications) == ("", "", False)  # what was recorded: no last dose
    assert cell(medications, 0) is None
    click_row(qtbot, medications, 1)
    click_row(qtbot, medications, 0)
    assert shown_last_dose(medications) == ("", "", False)


def test_a_saved_answer_shown_again_drops_unread_text(qtbot, medications):
    type_last_dose(qtbot, medications, TYPO)
    medications.set_value([APIXABAN, METFORMIN])  # e.g. the checklist reopened
    assert shown_last_dose(medications) == ("11/19/2026 7:15 AM", "", False)
    assert cell(medications, 0) == "Thu 11/19/2026 7:15 AM" and medications.model.unread == {}
