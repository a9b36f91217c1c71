"""A filled list entry is never removed without a word: a space typed on a focused Remove button (a nurse
typing a date where she thought a field was) asks first, and Keep is the default; an empty entry goes at
once; "Add entry" does not pile up blank entries."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import NOW

from checklist_app.rules import load_form
from checklist_app.ui.widgets import create_item_widget
from checklist_app.ui.widgets.remove_question import RemoveQuestion

FORM = load_form()
REAL_ASK = RemoveQuestion.ask.__func__  # read before the autouse fixture answers every question with Remove
APIXABAN = {"agent": "apixaban", "frequency": "bid"}


def medications(qtbot, value=None):
    widget = create_item_widget(FORM.item("medications"), clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_value(value)
    widget.show()
    return widget


def test_space_on_the_remove_button_asks_and_keep_keeps_the_medicine(qtbot, monkeypatch, removals_confirmed):
    widget = medications(qtbot, [APIXABAN])
    monkeypatch.setattr(RemoveQuestion, "ask", classmethod(
        lambda cls, parent, entry, listed_in: removals_confirmed.append((entry, listed_in)) or False))
    widget.select_entry(0)
    widget.editor.remove_button.setFocus()
    qtbot.keyClick(widget.editor.remove_button, Qt.Key.Key_Space)
    assert removals_confirmed == [("Apixaban", "Medications")]
    assert widget.value() == [APIXABAN]


def test_removing_a_filled_entry_asks_first_and_an_empty_one_goes_at_once(qtbot, removals_confirmed):
    widget = medications(qtbot, [APIXABAN])
    widget.add_entry()
    widget.remove_entry()  # the new, empty entry
    assert removals_confirmed == [] and widget.value() == [APIXABAN]
    widget.remove_entry(0)
    assert removals_confirmed == [("Apixaban", "Medications")] and widget.value() is None


def test_add_entry_goes_back_to_a_blank_entry_instead_of_adding_another(qtbot):
    widget = medications(qtbot, [APIXABAN])
    widget.add_entry()
    widget.add_button.setFocus()
    for _ in range(3):
        qtbot.keyClick(widget.add_button, Qt.Key.Key_Space)  # a date typed where a field was meant
    assert widget.entry_count() == 2 and widget.current_entry() == 1


def test_the_question_keeps_the_entry_on_enter_and_removes_it_on_alt_r(qtbot):
    answers = []
    for keys in ([(Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)],
                 [(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)]):
        def press(keys=keys):
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox) and "Remove Apixaban from Medications?" in box.text()
            for key, modifier in keys:
                qtbot.keyClick(box, key, modifier)

        # Timers of their own, stopped once the question is answered: left running they would press keys in,
        # or close, a later test's dialog.
        timers = [QTimer(), QTimer()]
        timers[0].timeout.connect(press)
        timers[1].timeout.connect(lambda: (box := QApplication.activeModalWidget()) and box.reject())
        for timer, ms in zip(timers, (50, 5_000), strict=True):
            timer.setSingleShot(True)
            timer.start(ms)
        answers.append(REAL_ASK(RemoveQuestion, None, "Apixaban", "Medications"))
        assert not timers[0].isActive()  # the question waited for its answer (a pending app exit returns at once)
        for timer in timers:
            timer.stop()
    assert answers == [False, True]
