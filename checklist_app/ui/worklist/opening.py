"""Opening checklists from the worklist: a draft to continue, a signed checklist to read, a new one.

A mixin of ``WorklistWindow``, kept apart so that module stays small. ``ChecklistWindow`` (and with it the
PDF stack and the dialogs) is imported here when a checklist is first opened, never at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import controls, messages

if TYPE_CHECKING:
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.ui.context import AppContext


class ChecklistOpening:
    """For a QMainWindow with ``ctx`` (None while the app opens), ``open_windows``, ``refresh()``,
    ``_refresh_timer`` and a ``checklist_opened`` signal."""

    ctx: AppContext | None
    open_windows: dict[str, ChecklistWindow]
    checklist_opened: Any
    _refresh_timer: Any

    def open_record(self, record_id: str) -> ChecklistWindow | None:
        """Open a draft to continue it, or a signed checklist to read it."""
        if record_id in self.open_windows:
            window = self.open_windows[record_id]
            window.raise_()
            window.activateWindow()
            return window
        ctx = self.ctx
        if ctx is None:
            return None
        from checklist_app.workflows import sharing
        from checklist_app.workflows.opening import load_checklist

        try:
            loaded = load_checklist(ctx, record_id)
            view_only = sharing.hold(ctx, loaded) if loaded is not None else None
            if view_only is not None:
                choice = messages.ask_one_of(
                    self, "Open at another workstation", f"{view_only.describe()}.",
                    "You can read it here while they work on it, or take it over: that workstation is told at "
                    "once and can no longer save into it, and anything it had not saved is set aside for you to "
                    "review.", ["&View read-only", "&Take over", "Cancel"], name="open_elsewhere_question",
                    default=0, escape=2)
                if choice == 2:
                    return None
                if choice == 1:
                    loaded, _previous = sharing.take_over(ctx, record_id)
                    view_only = None
            if loaded is None:
                self.refresh()
                return None
            from checklist_app.ui.planning.hooks import window_class  # a plan opens in the call's window

            window = window_class(record_id)(ctx, loaded.state, signed=loaded.signed, view_only=view_only)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            if loaded is not None and loaded.signed is None and view_only is None:
                sharing.let_go(ctx, record_id)  # never opened here: others may have it
            return None
        dropped = loaded.dropped
        if dropped:
            messages.show_message(window, "Some saved answers could not be read back",
                                  "These answers no longer fit the form and were left out: " + ", ".join(dropped),
                                  "Please answer them again.")
        return self._show_checklist(window)

    def new_checklist(self) -> ChecklistWindow | None:
        """Start an empty checklist (saved as a draft at once, so it is in the worklist)."""
        ctx = self.ctx
        if ctx is None:
            return None
        from checklist_app.workflows.opening import new_checklist

        try:
            state = new_checklist(ctx)
        except ChecklistError as exc:
            messages.show_error(self, exc)
            return None
        from checklist_app.ui.checklist.window import ChecklistWindow

        window = self._show_checklist(ChecklistWindow(ctx, state))
        window.show_section(0)
        self.refresh()
        return window

    def _show_checklist(self, window: ChecklistWindow) -> ChecklistWindow:
        record_id = window.state.record_id
        self.open_windows[record_id] = window
        window.closed.connect(self._on_checklist_closed)
        window.status_changed.connect(lambda _rid: self._refresh_timer.start())
        if self.isMaximized():
            controls.fit_to_screen(window)
        else:
            window.resize(self.size().expandedTo(window.minimumSizeHint()))
        window.show()
        self.checklist_opened.emit(window)
        return window

    def _on_checklist_closed(self, record_id: str) -> None:
        window = self.open_windows.pop(record_id, None)
        if window is not None:
            window.deleteLater()
        self.refresh()
