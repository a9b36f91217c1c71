"""A whole checklist filled in with the keyboard alone: Ctrl+N in the worklist, then only typing, Enter,
Space, Tab and Ctrl+PgDown, through every section to the signing dialog; the signed record holds exactly
what was typed. Also: the section shortcuts and F6 between panes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_helpers import NURSE, PINS, answer, example_data, focused, press

from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.ui.signing.signature_dialog import SignatureDialog
from checklist_app.ui.worklist.window import WorklistWindow
from checklist_app.workflows.answer_codec import answers_from_json


@pytest.fixture
def worklist(qtbot, ctx):
    window = WorklistWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def sign_by_keyboard(qtbot, monkeypatch, pin: str):
    """Replace the modal loops: the review is accepted, the signing dialog is typed into and Enter pressed."""
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, html, blocked="": not blocked))

    def ask(cls, parent, **kwargs):
        dialog = cls(parent, **kwargs)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        assert dialog.focusWidget() is dialog.pin_edit  # the signer ID is filled in: the PIN is next
        qtbot.keyClicks(dialog.pin_edit, pin)
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)  # Enter presses the default button: Sign
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.problem.text
        return dialog.result_value

    monkeypatch.setattr(SignatureDialog, "ask", classmethod(ask))


def test_whole_checklist_by_keyboard_alone(qtbot, ctx, worklist, monkeypatch):
    expected, _ = answers_from_json(ctx.form, example_data(ctx)["answers"])
    qtbot.keyClick(worklist.search_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(worklist.open_windows) == 1)
    window = next(iter(worklist.open_windows.values()))
    qtbot.waitUntil(window.isActiveWindow)
    for index, section in enumerate(ctx.form.sections):
        if window.view.sections[section.id] == "not_needed":
            continue
        assert window.current_index() == index, f"expected section {section.id}"
        page = window.pages[index]
        ended_with_tab = False
        for item in section.items:
            if item.id not in window.evaluation.visible_items or not page.items[item.id].focus_widgets():
                continue
            answer(qtbot, item, expected.get(item.id), page.items[item.id])
            ended_with_tab = item.kind == "repeat"
        if ended_with_tab and window.current_index() == index:
            press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # Tab left the list
    assert focused() is window.review_button  # Enter after the last item of the last section
    assert window.state.answers == expected
    assert window.view.status == "ready" and not window.view.missing
    sign_by_keyboard(qtbot, monkeypatch, PINS[NURSE])
    press(qtbot, Qt.Key.Key_Return)
    assert window.signed is not None
    assert window.signed.content.cleared is True
    assert window.signed.signer.staff_id == NURSE
    assert ctx.store.load_draft(window.state.record_id) is None  # signing removed the draft


def test_section_shortcuts_and_panes(qtbot, open_example):
    window = open_example("clean")
    window.show_section(0)
    press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_index() == 1
    press(qtbot, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_index() == 2
    press(qtbot, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    press(qtbot, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.current_index() == 0
    press(qtbot, Qt.Key.Key_F6)
    assert focused() is window.section_list or window.section_list.isAncestorOf(focused())
    press(qtbot, Qt.Key.Key_F6)
    assert window.current_page().isAncestorOf(focused())


def test_sections_that_do_not_apply_are_skipped(qtbot, open_example):
    window = open_example("clean", sedation_type="local_only")
    fasting = [s.id for s in window.ctx.form.sections].index("fasting")
    assert window.view.sections["fasting"] == "not_needed"
    window.show_section(fasting - 1)
    press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_index() == fasting + 1


def test_f1_lists_the_keyboard_shortcuts(qtbot, open_example):
    from PySide6.QtWidgets import QMessageBox

    window = open_example("clean")
    press(qtbot, Qt.Key.Key_F1)
    box = window.findChild(QMessageBox, "shortcuts_help")
    assert box is not None and "Ctrl+PgDown" in box.text() and "yesterday 22:00" in box.text()
    box.close()


def test_enter_in_the_section_list_goes_into_the_section(qtbot, open_example):
    window = open_example("clean")
    assert window.current_index() == 0  # everything complete: it opens at the start
    window.section_list.setFocus()
    qtbot.keyClick(window.section_list, Qt.Key.Key_Down)
    qtbot.keyClick(window.section_list, Qt.Key.Key_Return)
    assert window.current_index() == 1
    assert window.pages[1].isAncestorOf(focused())
