"""The unit manager's Reports window (``window.py``) and its charts (``chart_view.py``). Opened from the
worklist after an administrator's ID and PIN; nothing here is imported before then, so start-up never pays
for reportlab's charts or the report queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checklist_app.ui import messages

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from checklist_app.storage import StaffMember
    from checklist_app.ui.context import AppContext
    from checklist_app.ui.reports.window import ReportsWindow

TITLE = "Reports"
NO_ADMIN = ("Reports are for a site administrator, and this site has no administrator account yet. Add one with "
            "'python -m checklist_app staff add --role admin'.")
INTRO = "Reports show figures for the whole unit. Enter an administrator's ID and PIN."


def open_reports(parent: QWidget, ctx: AppContext) -> ReportsWindow | None:
    """Ask an administrator's ID and PIN, then open the Reports window (None when not allowed or cancelled)."""
    from checklist_app.storage.staff import require_role
    from checklist_app.ui.settings.credentials_dialog import CredentialsDialog

    if not any(m.role == "admin" for m in ctx.store.active_staff()):
        messages.show_message(parent, TITLE, NO_ADMIN)
        return None

    def verify(staff_id: str, pin: str) -> StaffMember:
        member = ctx.store.verify(staff_id, pin, purpose="reports")
        require_role(member, ("admin",), "see the unit's reports")
        return member

    if CredentialsDialog.ask(parent, TITLE, INTRO, verify) is None:
        return None
    from checklist_app.ui.reports.window import ReportsWindow

    window = ReportsWindow(ctx.store.db, site=ctx.site.facility_name, default_policy=ctx.site.default_policy,
                           today=ctx.now().date(), parent=parent)
    window.show()
    return window
