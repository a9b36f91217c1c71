"""The printed packet: the checklist PDF, the discharge instructions, and the PAdES seal. Reportlab
only, never Qt; pyHanko is imported inside ``seal`` functions so importing this package stays cheap.

    render_checklist(packet) -> bytes      render_discharge(packet) -> bytes
    seal.seal_pdf(pdf_bytes) -> bytes      seal.validate_sealed(pdf_bytes) -> SealCheck
"""

from checklist_app.pdf.checklist import render_checklist
from checklist_app.pdf.discharge import render_discharge
from checklist_app.pdf.model import Signature, SignedPacket

__all__ = ["render_checklist", "render_discharge", "Signature", "SignedPacket"]
