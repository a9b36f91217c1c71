"""Amending a signed checklist on screen: ask why, start the amendment (``workflows.amending``), and say
which signed answers no longer fit the form once the window shows the amendment."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.ui import messages
from checklist_app.ui.signing.amend_dialog import AmendDialog
from checklist_app.workflows.amending import Amendment, start_amendment
from checklist_app.workflows.open_checklist import OpenChecklist


def amend(parent: QWidget, checklist: OpenChecklist) -> Amendment | None:
    """Ask for the reason and save the amendment's draft; the amendment, or None (cancelled or refused)."""
    version = checklist.signed
    if version is None:
        return None
    reason = AmendDialog.ask(parent, version.signed_text())
    if not reason:
        return None
    try:
        return start_amendment(checklist.session, version, reason)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return None


def say_dropped(parent: QWidget, amendment: Amendment) -> None:
    """Name the signed answers the amendment left out, if any (they no longer fit the form)."""
    if amendment.dropped:
        messages.show_message(parent, "Some signed answers could not be read back",
                              "These answers no longer fit the form and were left out: "
                              + ", ".join(amendment.dropped), "Please answer them again before signing the amendment.")
