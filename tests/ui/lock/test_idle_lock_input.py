"""The idle lock watches input on the app's windows, not every event of every object: key, mouse and wheel
input to any window (one opened later too) restarts the idle time; paints, layouts and other events sent
to widgets never reach it; input while locked does not restart it. And ``AppContext.user_id`` is worked
out once per signed-in user, not on every call."""

from __future__ import annotations

import getpass

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from ui_helpers import NURSE

from checklist_app.ui.lock.idle_lock import WINDOW_SWEEP_MS, IdleLock


class CountingTimer:
    """The lock's idle timer, counting how often it is (re)started."""

    def __init__(self, timer) -> None:
        self.timer, self.starts = timer, 0

    def start(self) -> None:
        self.starts += 1
        self.timer.start()

    def __getattr__(self, name: str):
        return getattr(self.timer, name)


class CountingLock(IdleLock):
    """The real lock, counting the events its filter is asked about and the restarts of its idle time."""

    def __init__(self, *args, **kwargs) -> None:
        self.asked = 0
        super().__init__(*args, **kwargs)
        self.timer = CountingTimer(self.timer)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        self.asked += 1
        return super().eventFilter(watched, event)


def window(qtbot, *, activate: bool = True) -> tuple[QWidget, QLineEdit]:
    widget = QWidget()
    qtbot.addWidget(widget)
    field = QLineEdit()
    QVBoxLayout(widget).addWidget(field)
    if not activate:
        widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    widget.show()
    QApplication.processEvents()
    return widget, field


@pytest.fixture
def make_lock(bare_ctx):
    made = []
    yield lambda: made.append(CountingLock(bare_ctx, minutes=1)) or made[-1]
    for lock in made:
        lock.detach()


@pytest.fixture
def lock(make_lock):
    return make_lock()


def restarted_by(lock: CountingLock, send) -> bool:
    """Whether ``send()`` restarted the idle time."""
    QApplication.processEvents()
    before = lock.timer.starts
    send()
    return lock.timer.starts > before


def test_events_sent_to_widgets_never_reach_the_lock(qtbot, lock):
    widget, field = window(qtbot)
    lock.asked = 0
    for n in range(100):
        field.setText(f"text {n}")
        QApplication.sendEvent(field, QEvent(QEvent.Type.ToolTipChange))
        field.repaint()
        QApplication.processEvents()
    assert lock.asked == 0


@pytest.mark.parametrize("kind", ["key", "mouse move", "mouse click", "wheel"])
def test_key_mouse_and_wheel_input_to_a_window_restart_the_idle_time(qtbot, make_lock, kind):
    widget, field = window(qtbot)
    lock = make_lock()  # finds the windows there are
    handle = widget.windowHandle()

    def send() -> None:
        if kind == "key":
            QTest.keyClick(handle, Qt.Key.Key_A)
        elif kind == "mouse move":
            QTest.mouseMove(handle, QPoint(9, 9))
        elif kind == "mouse click":
            QTest.mouseClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(5, 5))
        else:
            wheel = QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
            QApplication.sendEvent(handle, wheel)

    assert restarted_by(lock, send), kind


def test_a_window_opened_later_is_watched_too(qtbot, make_lock):
    first, _ = window(qtbot)
    lock = make_lock()
    later, _ = window(qtbot, activate=False)  # shown without the focus: found after the next input anywhere
    QTest.keyClick(first.windowHandle(), Qt.Key.Key_A)
    assert restarted_by(lock, lambda: QTest.mouseMove(later.windowHandle(), QPoint(7, 7)))


def test_a_window_shown_without_focus_or_input_is_found_within_a_second(qtbot, lock):
    later, _ = window(qtbot, activate=False)
    qtbot.wait(WINDOW_SWEEP_MS + 200)
    assert restarted_by(lock, lambda: QTest.mouseMove(later.windowHandle(), QPoint(8, 8)))


def test_input_while_locked_does_not_restart_the_idle_time(qtbot, lock):
    window(qtbot)
    screen = lock.lock()
    qtbot.addWidget(screen)
    assert not restarted_by(lock, lambda: QTest.keyClick(screen.windowHandle(), Qt.Key.Key_A))
    assert lock.locked and not lock.timer.isActive()


def test_a_detached_lock_stays_detached_even_with_a_look_already_queued(qtbot, make_lock):
    widget, _ = window(qtbot)
    lock = make_lock()  # watches the window
    assert restarted_by(lock, lambda: None) is False
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    QApplication.sendEvent(widget.windowHandle(), press)  # input, handled: a look for new windows is queued
    lock.detach()
    QApplication.processEvents()  # the queued look runs after detach()
    lock.timer.stop()
    assert not restarted_by(lock, lambda: QTest.keyClick(widget.windowHandle(), Qt.Key.Key_B))
    assert not lock.timer.isActive()


def test_user_id_is_worked_out_once_per_user(ctx, monkeypatch):
    asked = []
    monkeypatch.setattr(getpass, "getuser", lambda: asked.append(1) or "nightshift")
    assert ctx.user_id() == NURSE
    member = ctx.user
    ctx.set_user(None)
    assert ctx.user_id() == ctx.user_id() == "os:nightshift" and len(asked) == 1
    ctx.set_user(member)
    assert ctx.user_id() == NURSE
    ctx.user = None  # set directly, not through set_user: still forgotten
    assert ctx.user_id() == "os:nightshift" and len(asked) == 2
