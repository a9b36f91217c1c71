"""Where the pre-admission call meets the other screens, each through one line there: the worklist's
"Pre-admission call..." button, the window a plan record opens in, and the day's checklist's
"Pre-admission plan..." button (shown when a signed plan for the same MRN and day is found).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import controls, messages

# Nothing heavy is imported here at start-up (the worklist installs its button while the app opens): the plan's
# workflows (the PDF library with them) and the windows are imported when first used.


def button_row(window: QWidget, anchor: QWidget) -> QHBoxLayout | None:
    """The horizontal layout holding ``anchor`` among ``window``'s layouts (to add a button beside it)."""
    for layout in window.findChildren(QHBoxLayout):
        if layout.indexOf(anchor) >= 0:
            return layout
    return None


def _is_plan(record_id: str) -> bool:
    from checklist_app.domain.plan_ids import is_plan

    return is_plan(record_id)


def window_class(record_id: str) -> type:
    """The window a record opens in: a plan's call window, else the checklist window."""
    if _is_plan(record_id):
        from checklist_app.ui.planning.call_window import PlanningCallWindow

        return PlanningCallWindow
    from checklist_app.ui.checklist.window import ChecklistWindow

    return ChecklistWindow


def install_worklist(worklist: Any) -> None:
    """A "Pre-admission call..." button beside "New checklist"."""
    row = button_row(worklist, worklist.new_button)
    button = controls.button("Pre-admission &call...", lambda: start_call_from(worklist),
                             tooltip="A phone call days ahead: only what can be settled ahead, and the "
                                     "patient's calendar to print")
    worklist.plan_button = button
    if row is not None:
        row.insertWidget(row.indexOf(worklist.new_button), button)


def start_call_from(worklist: Any) -> Any:
    """Start a new plan in its own window, listed in the worklist like a checklist."""
    if worklist.ctx is None:
        return None  # the app is still opening
    from checklist_app.ui.planning.call_window import start_call

    window = start_call(worklist, worklist.ctx)
    if window is None:
        return None
    worklist._show_checklist(window)
    window.show_section(window._first_open_section())
    worklist.refresh()
    return window


def install_checklist(window: Any) -> None:
    """On the day: a "Pre-admission plan..." button when a signed plan for this MRN and day is found."""
    if _is_plan(window.state.record_id):
        return
    from checklist_app.workflows.plan_records import find_signed_plan

    row = button_row(window, window.close_button)
    button = controls.button("Pre-admission p&lan...", lambda: show_plan(window),
                             tooltip="The plan made with the patient days ahead, and the calendar they were given")
    window.plan_button = button
    if row is not None:
        row.insertWidget(row.indexOf(window.close_button), button)

    def look() -> None:
        try:
            found = find_signed_plan(window.ctx, window.state.answers) is not None
        except ChecklistError:  # a plan that cannot be read must not keep the checklist from opening
            found = False
        button.setVisible(found)

    look()
    window.status_changed.connect(look)  # the MRN or the day typed in later: looked up again (kept per MRN and day)


def show_plan(window: Any) -> None:
    """The signed plan's calendar beside the checklist."""
    from checklist_app.ui.planning.calendar_dialog import show_calendar
    from checklist_app.workflows.plan_records import find_signed_plan

    plan = find_signed_plan(window.ctx, window.state.answers)
    if plan is None:
        messages.show_message(window, "No pre-admission plan", "No signed plan was found for this MRN and "
                              "procedure day.")
        return
    window.plan_dialog = show_calendar(window, window.ctx, plan)
