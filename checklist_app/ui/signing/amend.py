"""Amending a signed checklist on screen: ask why, then start the amendment (``workflows.amending``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import messages
from checklist_app.ui.signing.amend_dialog import AmendDialog
from checklist_app.workflows.amending import start_amendment
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.open_checklist import OpenChecklist


def amend(parent: QWidget, checklist: OpenChecklist) -> ChecklistState | None:
    """Ask for the reason and save the amendment's draft; the new state, or None (cancelled or refused)."""
    version = checklist.signed
    if version is None:
        return None
    reason = AmendDialog.ask(parent, version.signed_text())
    if not reason:
        return None
    try:
        amendment = start_amendment(checklist.session, version, reason)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None
    if amendment.dropped:
        messages.show_message(parent, "Some signed answers could not be read back",
                              "These answers no longer fit the form and were left out: "
                              + ", ".join(amendment.dropped), "Please answer them again before signing the amendment.")
    return amendment.state
