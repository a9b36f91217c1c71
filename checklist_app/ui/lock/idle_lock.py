"""Locking the workstation: after the site's idle minutes (or Ctrl+L), every window with patient data is
hidden and a lock screen asks for a staff ID and PIN. Whoever unlocks is the one signed in afterwards.

Idle means no key, mouse, wheel or touch input anywhere in the app. Input is watched on the app's windows
(QWindow), where the platform delivers it, not with an app-wide event filter: that one would be called, in
Python, for every event of every object (~200 per keystroke: paints, layouts, timers) to find the few that
are input. Dialogs open at that moment are closed (cancelled), never left on screen. The same screen signs
people in at start when staff accounts exist. Unlocking is checked by storage (five wrong PINs lock the
account).

At start-up the sign-in screen is painted before the app is open (``LockScreen(None, ...)``, from the
first view's facility name): an ID and PIN entered meanwhile are checked as soon as ``IdleLock.adopt``
gives it the open app. Nothing here imports storage or pydantic at module level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.controls import fit_to_screen

if TYPE_CHECKING:
    from checklist_app.ui.context import AppContext

OPENING = "Opening the checklist database..."
OPENING_CHECK = "Opening the checklist database... your ID and PIN are checked as soon as it is open."

WINDOW_SWEEP_MS = 1000  # how often new windows are looked for (besides focus changes and input)
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class LockScreen(QWidget):
    """The only window shown while locked: no patient data on it."""

    unlocked = Signal(object)  # the StaffMember, or None when there are no accounts
    painted = Signal()  # once, after the first paint event was handled (start-up then opens the app)

    def __init__(self, ctx: AppContext | None, *, sign_in: bool = False, facility_name: str = "",
                 has_accounts: bool = True) -> None:
        """``ctx`` None: the app is still opening (``facility_name``/``has_accounts`` from the first view)."""
        super().__init__()
        self.ctx = ctx
        self._painted = False
        self._check_when_open = False
        self.setObjectName("lock_screen")
        self.setWindowTitle("Sign in" if sign_in else "Workstation locked")
        self.setAccessibleName(self.windowTitle())
        outer = controls.vbox(self, spacing=theme.SPACING * 2, margins=48)
        outer.addStretch(1)
        icon = QLabel()
        icon.setPixmap(theme.pixmap("lock", 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(icon)
        # Painted while the app opens, these words may come from the cache's copies: attach() words them again.
        subtitle_id = "lock.sign_in" if sign_in else "lock.locked"
        self.facility_label = controls.label(ctx.site.facility_name if ctx is not None else facility_name,
                                             role="title")
        subtitle = controls.label(messages.text(subtitle_id), role="subtitle")
        for label in (self.facility_label, subtitle):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            outer.addWidget(label)
        self.worded: list[tuple[QLabel, str]] = [(subtitle, subtitle_id)]
        self.no_accounts = not (ctx.store.active_staff() if ctx is not None else has_accounts)
        self.id_edit = controls.line_edit("Staff ID", max_length=64)
        self.pin_edit = controls.line_edit("PIN", password=True, max_length=128)
        self.unlock_button = controls.button("&Continue" if self.no_accounts else "&Unlock", self.try_unlock,
                                             role="primary")
        box = QWidget()
        box.setMinimumWidth(380)
        box.setMaximumWidth(520)
        form = controls.vbox(box, spacing=theme.SPACING)
        if self.no_accounts:
            no_accounts = controls.label(messages.text("lock.no_accounts"))
            self.worded.append((no_accounts, "lock.no_accounts"))
            form.addWidget(no_accounts)
        else:
            for caption, field in (("Staff &ID:", self.id_edit), ("&PIN:", self.pin_edit)):
                label = controls.label(caption, role="item-label")
                label.setBuddy(field)
                form.addWidget(label)
                form.addWidget(field)
        self.opening_label = controls.label(OPENING, role="help")
        self.opening_label.setVisible(ctx is None)
        self.unlock_button.setEnabled(ctx is not None)
        form.addWidget(self.opening_label)
        form.addLayout(controls.hbox(None, self.unlock_button))
        self._form = form
        if ctx is not None:
            self._add_problem()
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.pin_edit.returnPressed.connect(self.try_unlock)
        self.id_edit.returnPressed.connect(self.pin_edit.setFocus)
        (self.unlock_button if self.no_accounts else self.id_edit).setFocus()

    def _add_problem(self) -> None:
        # The widgets package is imported here, not with this module: the first paint does without it.
        from checklist_app.ui.widgets.base import InlineMessage

        self.problem = InlineMessage("problem", "Sign-in problem")
        self._form.insertWidget(self._form.indexOf(self.opening_label), self.problem)  # under the fields

    def attach(self, ctx: AppContext) -> None:
        """The app is open: unlocking works (an ID and PIN entered while it was opening are checked now)."""
        self.ctx = ctx
        self.facility_label.setText(ctx.site.facility_name)
        for label, message_id in self.worded:
            label.setText(messages.text(message_id))
        self._add_problem()
        self.opening_label.hide()
        self.unlock_button.setEnabled(True)
        if self._check_when_open:
            self._check_when_open = False
            self.try_unlock()

    def event(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        handled = super().event(event)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.painted.emit()
        return handled

    def try_unlock(self) -> None:
        """Check the ID and PIN; on success emit ``unlocked``."""
        if self.ctx is None:  # still opening: check them as soon as the app is open
            self._check_when_open = bool(self.id_edit.text().strip() and self.pin_edit.text())
            self.opening_label.setText(OPENING_CHECK if self._check_when_open else OPENING)
            return
        if self.no_accounts:
            self.unlocked.emit(None)
            return
        staff_id, pin = self.id_edit.text().strip(), self.pin_edit.text()
        if not staff_id or not pin:
            self.problem.show_message("Enter your staff ID and PIN.", "state-warning")
            return
        try:
            member = self.ctx.store.verify(staff_id, pin, purpose="unlock")
        except ChecklistError as exc:
            self.pin_edit.clear()
            self.problem.show_message(str(exc), "state-warning")
            self.pin_edit.setFocus()
            return
        self.unlocked.emit(member)


class IdleLock(QObject):
    """Watches input on every window of the app and locks after ``minutes`` without any.

    The filter is on each QWindow: every key, mouse, wheel, touch and tablet event from the platform goes to
    a window before it reaches a widget, and a window gets few other events. Windows are found when the lock
    starts, whenever the focus moves to another window (dialogs, message boxes, pop-up lists and menus take
    it), just after any input (a window it opened), and once a second (a window shown without the focus and
    only moused over). Events sent straight to a widget (``QTest.keyClick`` on a widget) never pass a
    window: tests send input to ``widget.windowHandle()``.
    """

    locked_changed = Signal(bool)

    def __init__(self, ctx: AppContext, minutes: float | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.screen: LockScreen | None = None
        self.hidden: list[QWidget] = []
        self.was_active: QWidget | None = None
        self.timer = QTimer(self, singleShot=True, timeout=self.lock)
        self.set_minutes(minutes if minutes is not None else ctx.site.idle_lock_minutes)
        ctx.site_changed.connect(lambda: self.set_minutes(ctx.site.idle_lock_minutes))
        ctx.idle_lock = self  # the worklist's Lock button finds it here
        self._look_pending = False
        self._detached = False  # detach() (tests) stops it for good
        self.sweep = QTimer(self, interval=WINDOW_SWEEP_MS, timeout=self._watch_windows)
        self.sweep.start()
        QGuiApplication.instance().focusWindowChanged.connect(self._look_soon)
        self._watch_windows()
        self.timer.start()

    def _look_soon(self, *_focus: object) -> None:
        """Look for new windows once the event being handled is done: the focus also moves while a window
        is being destroyed, and that window is still listed then, half gone."""
        if not self._look_pending and not self._detached:
            self._look_pending = True
            QTimer.singleShot(0, self._watch_windows)

    def _watch_windows(self) -> None:
        """Put the filter on every window (again on one that has it: Qt keeps one copy)."""
        self._look_pending = False
        if self._detached:  # a look queued before detach() must not attach it again
            return
        for window in QGuiApplication.allWindows():
            try:
                window.installEventFilter(self)
            except RuntimeError:  # a window Qt deleted while the list was made
                continue

    def detach(self) -> None:
        """Stop watching and timing (tests; the app's lock lives as long as the app). Harmless twice."""
        if self._detached:
            return
        self._detached = True
        self.timer.stop()
        self.sweep.stop()
        QGuiApplication.instance().focusWindowChanged.disconnect(self._look_soon)
        for window in QGuiApplication.allWindows():
            try:
                window.removeEventFilter(self)
            except RuntimeError:
                continue

    @property
    def locked(self) -> bool:
        """Whether the lock screen is up."""
        return self.screen is not None

    def set_minutes(self, minutes: float) -> None:
        """Change the idle time (the site settings changed)."""
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        if not self.locked:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in INPUT_EVENTS and not self.locked and not self._detached:
            self.timer.start()
            self._look_soon()  # once the input is handled: a window it opened is watched too
        return False

    def adopt(self, screen: LockScreen, hidden: list[QWidget]) -> None:
        """Take over the sign-in screen painted while the app was opening; ``hidden``: the windows behind it."""
        self.timer.stop()
        self.screen, self.hidden = screen, hidden
        screen.unlocked.connect(self._on_unlocked)
        self.locked_changed.emit(True)
        screen.attach(self.ctx)  # may unlock at once with what was typed meanwhile

    def lock(self, *, sign_in: bool = False) -> LockScreen:
        """Hide every window and show the lock screen (or the sign-in screen at start)."""
        if self.screen is not None:
            return self.screen
        self.timer.stop()
        self.hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        self.was_active = QApplication.activeWindow()  # given back the focus on unlocking
        self.screen = LockScreen(self.ctx, sign_in=sign_in)
        self.screen.unlocked.connect(self._on_unlocked)
        fit_to_screen(self.screen)
        self.screen.show()  # before hiding the rest: there is always a window on screen
        for widget in self.hidden:
            widget.hide()
        self.locked_changed.emit(True)
        return self.screen

    def _on_unlocked(self, member: object) -> None:
        if member is not None:
            self.ctx.set_user(member)  # type: ignore[arg-type]
        # Windows back first, lock screen closed after: closing the only visible window would make Qt
        # think the last window was closed and quit the app.
        for widget in self.hidden:
            popup = widget.windowType() == Qt.WindowType.Popup
            if popup or (widget.inherits("QDialog") and not widget.inherits("QMessageBox")):
                continue  # pop-ups and dialogs were cancelled by hiding them; messages come back
            widget.show()
        self.hidden = []
        screen, self.screen = self.screen, None
        if screen is not None:
            screen.close()
            screen.deleteLater()
        active, self.was_active = self.was_active, None
        if active is not None and active.isVisible():  # the checklist being worked on, not the last one shown
            active.raise_()
            active.activateWindow()
        self._watch_windows()
        self.timer.start()
        self.locked_changed.emit(False)
