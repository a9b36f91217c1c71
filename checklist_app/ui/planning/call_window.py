"""The pre-admission call's window: the checklist window showing only the items a call settles days ahead
(``forms/planning.yaml``), checked by the same rules against the scheduled start, titled "Pre-admission call".

Signing signs the plan (``workflows.plan_records.sign_plan``: ID and PIN, only the ahead items' findings, the
calendar kept with it) and then shows the patient's calendar to print. Everything else (typing, autosave,
findings, sharing, locking) is the checklist window's own.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.domain.errors import ChecklistError, IncompleteChecklistError
from checklist_app.domain.signed import SignedVersion
from checklist_app.ui import controls, messages, theme
from checklist_app.ui.checklist.window import ChecklistWindow
from checklist_app.ui.context import AppContext
from checklist_app.ui.planning.calendar_dialog import show_calendar
from checklist_app.ui.signing.signature_dialog import SignatureDialog
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.findings import finding_statuses
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.plan_records import PLAN_MEANING, plan_evaluation, planning_scope, sign_plan
from checklist_app.workflows.section_state import overview
from checklist_app.workflows.signing import settle_signed

PLAN_TITLE = "Pre-admission call"  # never the patient's name: titles show in taskbars and shares
INTRO = ("Pre-admission call: only what can be settled days ahead is asked. Findings here are to be fixed before "
         "the day; they are checked again on the day's checklist. Sign the plan to print the patient's calendar.")


class PlanChecklist(OpenChecklist):
    """An open plan: the engine's evaluation kept to the ahead items (the rest is hidden, not asked)."""

    def refresh(self) -> None:
        """Ask the rules engine, then keep what concerns the ahead items."""
        self.evaluation = plan_evaluation(self.state.evaluate(self.policy, self.session.now()), planning_scope())
        self.view = overview(self.session.form, self.evaluation, self.state.answers, self.completeness)
        self.statuses = finding_statuses(self.state, self.evaluation, self.staff_name)


class PlanSignatureDialog(SignatureDialog):
    """The signing dialog, for a plan."""

    primary_text = "&Sign plan"


class PlanningCallWindow(ChecklistWindow):
    """One patient's pre-admission call."""

    def __init__(self, ctx: AppContext, state: ChecklistState, signed: SignedVersion | None = None, *,
                 view_only=None) -> None:
        super().__init__(ctx, state, signed, view_only=view_only)
        self.checklist = PlanChecklist(ctx, state, signed)
        self.setWindowTitle(PLAN_TITLE)
        self.setObjectName("planning_call_window")
        self.setAccessibleName(PLAN_TITLE)
        self.review_button.setText("&Sign plan...")
        self.review_button.setToolTip("Sign the plan with your ID and PIN; then print the patient's calendar")
        self.packet_button.setText("Patient's ca&lendar...")  # Alt+C is Close
        self.amend_button.hide()
        # Findings are shown to be fixed before the day (the calendar is how), not acknowledged or overridden now:
        # that is done on the day's checklist, where they are checked again.
        self.findings.read_only = True
        self.intro = controls.label(INTRO, role="help", name="About the pre-admission call")
        self.intro.setContentsMargins(theme.SPACING, theme.SPACING, theme.SPACING, 0)
        self.centralWidget().layout().insertWidget(1, self.intro)
        for page in self.pages:
            page.set_answers(state.answers)
        self.refresh()
        self._hide_empty_sections()
        self.show_section(self._first_open_section(), focus=False)

    def _hide_empty_sections(self) -> None:
        """Sections with nothing a call asks are left out of the list (a planning call never goes there)."""
        ahead = set(planning_scope().ahead_items)
        for row, section in enumerate(self.ctx.form.sections):
            asked = any(item.id in ahead for item in section.items)
            self.section_list.setRowHidden(row, not asked)

    def review_and_sign(self) -> SignedVersion | None:
        """Sign the plan (every ahead item the form requires answered), then show the calendar."""
        if not self.holds_draft:
            return None
        self.audit_draft()
        self.refresh()
        missing = self.view.missing
        if missing:
            first = self.ctx.form.item(missing[0]).label if self.ctx.form.has_item(missing[0]) else missing[0]
            messages.show_error(self, IncompleteChecklistError(list(missing)))
            if self.ctx.form.has_item(missing[0]):
                self.go_to_item(missing[0])
            self.save_label.setText(f"Answer '{first}' before signing the plan.")
            return None
        user = self.ctx.user
        version = PlanSignatureDialog.ask(
            self, signer_id=user.staff_id if user is not None else "", meaning=PLAN_MEANING,
            sign=lambda staff_id, pin, png: sign_plan(self.ctx, self.state, staff_id, pin, png))
        if version is None:
            self.show_evaluation()
            return None
        settle_signed(self.checklist, version)
        self._let_go()
        self._show_signed(version)
        self.show_evaluation()
        self.status_changed.emit(self.state.record_id)
        self.ctx.records_changed.emit()
        self.show_packet()
        return version

    def _show_signed(self, version: SignedVersion) -> None:
        super()._show_signed(version)
        self.amend_button.hide()  # a changed plan is a new call, with its own calendar

    def show_packet(self) -> None:
        """The signed plan's calendar: preview, print, save."""
        if self.signed is not None:
            self.calendar_dialog = show_calendar(self, self.ctx, self.signed)


def start_call(parent: QWidget, ctx: AppContext) -> PlanningCallWindow | None:
    """A new plan, saved as a draft at once, in its own window."""
    from checklist_app.workflows.plan_records import new_plan

    try:
        state = new_plan(ctx)
        return PlanningCallWindow(ctx, state)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None
