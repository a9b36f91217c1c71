"""Constants and helpers shared by the intake window tests (imported as ``ui_helpers``)."""

from __future__ import annotations

from datetime import datetime

from checklist_app.domain.timeutil import aware

NOW = aware(datetime(2026, 11, 21, 7, 15))
NURSE, PHYSICIAN, ADMIN = "rn.test", "md.test", "admin.test"
PINS = {NURSE: "1357", PHYSICIAN: "2468", ADMIN: "9753"}


def example_data(ctx, name: str = "clean") -> dict:
    """A shipped example record, moved to today (07:15 now, 08:30 start) like the demo patient."""
    from checklist_app.workflows.demo import demo_data

    return demo_data(ctx.form, NOW.date(), f"examples/{name}.json")



def attested(ctx, data: dict) -> dict:
    """``data`` with its physician's statements owned, as ticking them in the window would: the test
    physician attests each with their PIN (the event is in the trail, so signing accepts it)."""
    for item in ctx.form.iter_items():
        if getattr(item, "attested_by", None) and data["answers"].get(item.id) is True:
            attestation = ctx.store.attest_in_person(data["record_id"], item.id, PHYSICIAN, PINS[PHYSICIAN])
            data.setdefault("attestations", []).append(attestation.model_dump(mode="json"))
    return data


def wait_saved(qtbot, ctx, timeout: int = 5000) -> None:
    """Wait until autosave has written every change."""
    qtbot.waitUntil(lambda: not ctx.autosaver.has_unsaved, timeout=timeout)


# --- typing answers with the keyboard only ------------------------------------------------------------

def focused():
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(qtbot, key, modifier=None) -> None:
    from PySide6.QtCore import Qt

    qtbot.keyClick(focused(), key, modifier or Qt.KeyboardModifier.NoModifier)


def typed_text(item, value) -> str:
    """What a nurse would type for ``value`` (several time formats on purpose)."""
    from datetime import date, datetime

    from checklist_app.domain.timeutil import aware

    if value == "none":
        return "none"
    if isinstance(value, datetime):
        local = aware(value).astimezone()
        if local.date() == NOW.date():
            return f"{local:%H%M}"  # 0600
        if (NOW.date() - local.date()).days == 1:
            return f"yesterday {local:%H:%M}"
        return f"{local:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answer(qtbot, item, value, owner) -> None:
    """Answer one item (focus is on its first part) and leave it with Enter, keys only.

    ``owner`` is the item's widget, used only to check that focus really is where Enter should have put it.
    """
    from PySide6.QtCore import Qt

    Key = Qt.Key
    where = focused()
    assert owner is where or owner.isAncestorOf(where), f"{item.id}: focus is on {where.accessibleName()!r}"
    kind = item.kind
    if kind == "repeat":
        answer_list(qtbot, item, value, owner)
        return
    leave = Qt.KeyboardModifier.ControlModifier if getattr(item, "multiline", False) else None
    if value is None:
        press(qtbot, Key.Key_Return, leave)  # in a notes field plain Enter is a new line
        return
    if kind == "confirm":
        if value:
            press(qtbot, Key.Key_Space)
    elif kind == "yes_no":
        press(qtbot, Key.Key_Y if value else Key.Key_N)
    elif kind == "choice":
        values = list(item.option_values())
        if len(values) <= 5:
            press(qtbot, getattr(Key, f"Key_{values.index(value) + 1}"))
        else:
            qtbot.keyClicks(focused(), item.option_label(value))
    elif kind == "measurement":
        qtbot.keyClicks(focused(), f"{typed_text(item, value['value'])} {value['unit']}")
        if item.dated:
            press(qtbot, Key.Key_Return)
            qtbot.keyClicks(focused(), typed_text(item, value["date"]))
    else:
        qtbot.keyClicks(focused(), typed_text(item, value))
    press(qtbot, Key.Key_Return, leave)


def answer_list(qtbot, item, entries, owner) -> None:
    """A repeat item: tick 'none', or Enter to the Add button and fill each entry in the editor under the
    table; Tab leaves the list."""
    from PySide6.QtCore import Qt

    if entries == []:
        press(qtbot, Qt.Key.Key_Space)  # the "none" tick box has focus
        press(qtbot, Qt.Key.Key_Return)
        return
    if owner.none_box is not None and focused() is owner.none_box:
        press(qtbot, Qt.Key.Key_Return)  # not ticked: Enter goes on to "Add entry"
    for number, entry in enumerate(entries or []):
        assert focused() is owner.add_button
        press(qtbot, Qt.Key.Key_Return)  # adds an entry, selects it and puts focus in the editor's first field
        assert owner.current_entry() == number
        fields = owner.editor.fields
        for sub in item.fields:
            if not fields[sub.id].isHidden():  # a field asked only for some entries (dose intensity)
                answer(qtbot, sub, entry.get(sub.id), fields[sub.id])
    assert focused() is owner.add_button
    press(qtbot, Qt.Key.Key_Tab)


# --- layout checks ------------------------------------------------------------------------------------

def clipped(window) -> list[str]:
    """Visible labels and buttons narrower than their text needs, and pages wider than their viewport."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QScrollArea

    problems = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if not widget.isVisibleTo(window) or widget.width() == 0:
            continue
        if not widget.text() or (isinstance(widget, QLabel) and widget.wordWrap()):
            continue  # icon-only buttons inside fields are sized by their field; wrapped text cannot clip
        needed = widget.minimumSizeHint().width() if isinstance(widget, QLabel) else widget.sizeHint().width()
        if widget.width() + 1 < needed:
            problems.append(f"{type(widget).__name__} {widget.text()!r}: {widget.width()} < {needed}")
    for scroll in window.findChildren(QScrollArea):
        inner = scroll.widget()
        if scroll.isVisibleTo(window) and inner is not None:
            if max(inner.minimumSizeHint().width(), inner.width()) > scroll.viewport().width() + 1:
                problems.append(f"page {inner.objectName()}: needs {inner.minimumSizeHint().width()} px, "
                                f"has {scroll.viewport().width()}")
    return problems


def unnamed_controls(window) -> list[str]:
    """Focusable controls without an accessible name (screen readers would say nothing useful)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    return [f"{type(w).__name__} {w.objectName()}" for w in window.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and not w.accessibleName() and w.window() is window
            and type(w).__name__ not in ("QScrollArea", "QSplitterHandle", "QStackedWidget", "QScrollBar")
            and not type(w).__name__.startswith("Qt")]


def run_startup() -> int:
    """Run the app's real start-up (event loop included) and remove the logging handlers it installed,
    so the next test's log goes where pytest expects."""
    import argparse
    import logging

    from checklist_app.ui.startup import opening as startup

    root = logging.getLogger()
    before = list(root.handlers)
    try:
        return startup.start(argparse.Namespace(data_dir=None))
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
