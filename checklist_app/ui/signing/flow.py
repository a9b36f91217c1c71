"""From "Review and sign" to a signed version on screen: the review, then the signing dialog; the checks
and the signing itself are ``workflows.signing``'s.

Signing ends with both PDFs made and sealed (``ui.signing.packet.keep_packet``). The first seal in a
process would wait about half a second for pyHanko to import, so a review that can go on to signing
starts loading it in the background (``pdf.seal.preload``) while the nurse reads the review and types
the PIN.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from checklist_app.domain.signed import SignedVersion
from checklist_app.pdf import seal
from checklist_app.ui import gc_pause
from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.ui.signing.review_text import review_html
from checklist_app.ui.signing.signature_dialog import SignatureDialog
from checklist_app.workflows import signing
from checklist_app.workflows.open_checklist import OpenChecklist


def review_and_sign(parent: QWidget, checklist: OpenChecklist) -> SignedVersion | None:
    """Show the review; when the nurse goes on, the signing dialog; returns the signed version or None."""
    blocked = signing.blocked_reason(checklist) or signing.unattested_reason(checklist)
    html = review_html(checklist.session.form, checklist.state.answers, checklist.evaluation, checklist.view,
                       checklist.statuses)
    if not blocked:
        gc_pause.freeze_after(seal.preload())  # ready by the time the PIN is typed
    if not ReviewDialog.ask(parent, html, blocked) or blocked:
        return None
    meaning, not_cleared = signing.meaning_of(checklist)
    user = checklist.session.user
    signer = user.staff_id if user is not None else ""

    def sign(staff_id: str, pin: str, png: bytes | None) -> SignedVersion:
        return signing.sign(checklist, staff_id, pin, meaning, png)

    return SignatureDialog.ask(parent, signer_id=signer, meaning=meaning, sign=sign, not_cleared=not_cleared)
