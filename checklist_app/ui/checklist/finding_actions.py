"""The dialogs for what the nurse (or a physician) does about a finding: acknowledge a warning, override a
hard stop, or record a hard stop as not cleared with the physician notified. Recording is
``workflows.open_checklist.OpenChecklist``'s; each function says whether the checklist changed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.findings import Finding
from checklist_app.domain.record import Override
from checklist_app.ui import messages
from checklist_app.ui.checklist.acknowledge_dialog import AcknowledgeDialog
from checklist_app.ui.checklist.not_cleared_dialog import NotClearedDialog
from checklist_app.ui.checklist.override_dialog import OverrideDialog
from checklist_app.ui.settings.credentials_dialog import CredentialsDialog
from checklist_app.workflows.open_checklist import OpenChecklist


def _recorded(parent: QWidget, checklist: OpenChecklist, finding: Finding, note: str | None) -> bool:
    """Record a note against the finding; a refused one is shown as an error (nothing is added then)."""
    if not note:
        return False
    try:
        checklist.acknowledge(finding.key, note)
    except ChecklistError as exc:
        messages.show_error(parent, exc)
        return False
    return True


def someone_acts(parent: QWidget, checklist: OpenChecklist) -> bool:
    """Once staff accounts exist, a note is recorded under a staff member, never the workstation's account:
    with nobody signed in, ask for an ID and PIN now (that person is then signed in). False: cancelled."""
    session = checklist.session
    if session.user is not None or not session.store.active_staff():
        return True  # signed in; or no accounts at all, and the dialog says whose account records it

    def verify(staff_id: str, pin: str) -> object:
        return session.store.verify(staff_id, pin, purpose="acknowledge", record_id=checklist.record_id)

    member = CredentialsDialog.ask(parent, "Who is recording this?",
                                   "Nobody is signed in on this workstation. Enter your own staff ID and PIN: the "
                                   "note is recorded in your name, and you are signed in.", verify)
    if member is None:
        return False
    session.set_user(member)
    return True


def acknowledge(parent: QWidget, checklist: OpenChecklist, finding: Finding) -> bool:
    """Ask for a note and record the acknowledgement of a warning."""
    if not someone_acts(parent, checklist):
        return False
    note = AcknowledgeDialog.ask(parent, finding, checklist.session.user_display())
    return _recorded(parent, checklist, finding, note)


def notify(parent: QWidget, checklist: OpenChecklist, finding: Finding) -> bool:
    """Record a hard stop as not cleared, with the physician notified."""
    if not someone_acts(parent, checklist):
        return False
    return _recorded(parent, checklist, finding, NotClearedDialog.ask(parent, finding, checklist.session.now()))


def override(parent: QWidget, checklist: OpenChecklist, finding: Finding) -> bool:
    """A physician overrides a hard stop with their own ID and PIN (checked by storage in the dialog)."""

    def verify(physician_id: str, pin: str, reason: str) -> Override:
        return checklist.override(finding.key, physician_id, pin, reason)

    reasons = [r.label for r in checklist.policy.override_reasons_for(finding.rule_id, finding.source_id)]
    return OverrideDialog.ask(parent, finding, verify, reasons) is not None
