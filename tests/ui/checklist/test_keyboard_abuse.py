"""Keyboard abuse: realistic text typed into every control of a checklist, in Tab order, loses nothing.

A nurse types a date, a time or a name where she thinks a field is, then a space or Enter. For the sections
with the list items (allergies, medications with a held apixaban) and the date and time fields, each control
reached by Tab gets such text as real key events (each key to whatever has the focus when it is pressed);
afterwards no list entry has gone or been added blank, and no answer changed except in the controls that
received keys. A question box (removing an entry asks) would be answered Remove by the tests' fixture, so an
entry removed by a stray key shows here."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from checklist_app.ui.widgets import ItemWidget
from checklist_app.ui.widgets.repeat import RepeatWidget

SECTIONS = ("identification", "consent", "fasting", "allergies", "medications", "cardiac", "labs", "imaging")
TEXTS = ("2026-12-01 08:00", "0630", "Maria de la Cruz", "12/01/2026", " ", "\r", "2", "123")
RETURN = "\r"


def owner_key(widget: QWidget) -> tuple:
    """What a key pressed on ``widget`` may change: ('dob',), or (list, entry, field) in a list's editor,
    or (list, 'list') on the list's own controls (table, Add entry), which may change no entry."""
    items: list[ItemWidget] = []
    parent = widget
    while parent is not None:
        if isinstance(parent, ItemWidget):
            items.append(parent)
        parent = parent.parentWidget()
    if not items:
        return ("outside",)
    lists = [w for w in items if isinstance(w, RepeatWidget)]
    if lists and items[0] is not lists[0]:
        return (lists[0].item.id, lists[0].current_entry(), items[0].item.id)
    if lists:
        return (lists[0].item.id, "list")
    return (items[0].item.id,)


def flatten(answers: dict[str, Any]) -> dict[tuple, Any]:
    """Every answer by the key typing could change; a list's entries field by field."""
    flat: dict[tuple, Any] = {}
    for item_id, value in answers.items():
        if isinstance(value, list) and value and all(isinstance(e, dict) for e in value):
            for index, entry in enumerate(value):
                for field_id, field_value in entry.items():
                    flat[(item_id, index, field_id)] = field_value
        else:
            flat[(item_id,)] = value
    return flat


def type_keys(qtbot, text: str, touched: set[tuple]) -> None:
    """Type ``text`` key by key, each into whatever has the focus then, noting what each key may change."""
    for char in text:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        touched.add(owner_key(widget))
        if char == RETURN:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(widget, char)


@pytest.fixture
def dialogs_closed(qtbot):
    """Any modal box a key opens is closed (Escape's answer) and noted, so the walk never waits on one."""
    seen: list[str] = []

    def close_modal() -> None:
        box = QApplication.activeModalWidget()
        if box is not None:
            seen.append(box.objectName() or type(box).__name__)
            box.reject()

    timer = QTimer()
    timer.timeout.connect(close_modal)
    timer.start(20)
    yield seen
    timer.stop()


def walk_section(qtbot, window, index: int, backward: bool, touched: set[tuple], walked: list[str]) -> None:
    """Tab (or Shift+Tab, from the last control) through one section's controls, typing into each."""
    tab = Qt.KeyboardModifier.ShiftModifier if backward else Qt.KeyboardModifier.NoModifier
    page = window.pages[index]
    window.show_section(index)
    if backward:  # from the first control Tab on to the first one outside, then Shift+Tab back in
        for _ in range(200):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            if not page.isAncestorOf(QApplication.focusWidget()):
                break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, tab)
    control = QApplication.focusWidget()
    visited: set[int] = set()
    while control is not None and page.isAncestorOf(control) and id(control) not in visited:
        visited.add(id(control))
        walked.append(f"{page.section.id}: {control.accessibleName()}")
        type_keys(qtbot, TEXTS[len(walked) % len(TEXTS)] + " " + RETURN + "2", touched)
        if window.current_index() != index:
            window.show_section(index, focus=False)  # Enter after the last item opened the next section
        if control.isVisible():
            control.setFocus(Qt.FocusReason.OtherFocusReason)
        qtbot.keyClick(control if control.isVisible() else QApplication.focusWidget(), Qt.Key.Key_Tab, tab)
        control = QApplication.focusWidget()
    window.commit_typing()


@pytest.mark.parametrize("backward", [False, True], ids=["Tab", "Shift+Tab"])
def test_text_typed_into_every_control_in_tab_order_loses_nothing(qtbot, open_example, dialogs_closed,
                                                                   removals_confirmed, backward):
    window = open_example("clean")
    before = dict(window.state.answers)
    assert any(entry["agent"] == "apixaban" for entry in before["medications"]) and before["allergies"]
    touched: set[tuple] = set()
    walked: list[str] = []
    section_ids = [s.id for s in window.ctx.form.sections]
    for section_id in SECTIONS:
        walk_section(qtbot, window, section_ids.index(section_id), backward, touched, walked)
    after = dict(window.state.answers)
    for section_id in SECTIONS:
        assert any(step.startswith(f"{section_id}: ") for step in walked), f"{section_id} was not walked"
    assert len(walked) > 40, walked
    assert removals_confirmed == [], "a stray key asked to remove an entry"
    for list_id in ("allergies", "medications"):
        old, new = before[list_id], after[list_id]
        assert isinstance(new, list) and len(new) >= len(old), f"{list_id}: an entry disappeared"
        assert all(entry for entry in new), f"{list_id}: a blank entry was added"
        for number in range(len(old), len(new)):  # an entry added by a key holds only what keys typed into it
            assert all((list_id, number, field) in touched for field in new[number]), (list_id, new[number])
    old_flat, new_flat = flatten(before), flatten(after)
    changed = {key for key in old_flat.keys() | new_flat.keys() if old_flat.get(key) != new_flat.get(key)}
    assert len(changed) > 10, "the keys typed hardly changed anything: they never reached the fields"
    untouched = changed - touched
    assert not untouched, {key: (old_flat.get(key), new_flat.get(key)) for key in untouched}
