"""The end of the checklist PDF: the signature block (or the DRAFT notice), who entered the record, and the
full citation of each source the findings name.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer

from checklist_app.domain.answer_text import format_moment
from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf.fonts import markup
from checklist_app.pdf.layout import STOP_RED
from checklist_app.pdf.model import SignedPacket
from checklist_app.pdf.tables import grid


def _drawn_signature(png: bytes, max_w: float, max_h: float) -> Image:
    try:
        w, h = ImageReader(io.BytesIO(png)).getSize()
    except Exception as exc:  # reportlab raises several types for a bad image
        raise PdfRenderError(f"the drawn signature is not a readable PNG image ({exc})") from exc
    scale = min(max_w / w, max_h / h)
    return Image(io.BytesIO(png), width=w * scale, height=h * scale, hAlign="LEFT")


def signature_block(packet: SignedPacket, style: dict, width: float) -> list[Flowable]:
    """Printed name, credentials, date and time with zone, meaning, drawn signature; or a DRAFT notice."""
    sig = packet.signature
    version = f", version {packet.record_version}" if packet.record_version is not None else ""
    if sig is None:
        text = ("<b>DRAFT - NOT SIGNED.</b> No one has signed this checklist. It is a working copy and must "
                "not be used to clear the patient for the procedure.")
        box = grid([[Paragraph(text, style["body"])]], [width], zebra=False,
                   extra=[("BOX", (0, 0), (-1, -1), 1.6, STOP_RED)])
        return [KeepTogether([Paragraph("Signature", style["h2"]), box])]
    drawn: Any = (_drawn_signature(sig.drawn_png, 70 * mm, 22 * mm) if sig.drawn_png
                  else Paragraph("Electronic signature (ID and PIN); no drawn signature.", style["muted"]))
    rows = [
        ("Signed by", f"{markup(sig.name)}, {markup(sig.credentials)} (staff ID {markup(sig.signer_id)})"),
        ("Date and time", markup(format_moment(sig.signed_at, zone=True))),
        ("Meaning of this signature", markup(sig.meaning)),
        ("Record signed", f"{markup(packet.record.record_id)}{version}; SHA-256 {packet.fingerprint}"),
    ]
    if packet.anchor is not None:  # what verify-audit checks a rewritten trail against, on paper too
        rows.append(("Audit trail", f"Signing recorded as event {packet.anchor.event_seq}; event hash "
                                    f"{packet.anchor.event_hash}"))
    if packet.amends is not None:
        replaced, reason = packet.amends
        rows.append(("Amendment", f"Replaces version {replaced}. Reason: {markup(reason)}"))
    data = [[Paragraph(a, style["muted"]), Paragraph(b, style["bold"])] for a, b in rows]
    data.append([Paragraph("Signature", style["muted"]), drawn])
    table = grid(data, [width * 0.25, width * 0.75], zebra=False)
    return [KeepTogether([Paragraph("Signature", style["h2"]), table])]


def sources(packet: SignedPacket, style: dict) -> list[Flowable]:
    """The full citation of each source the findings name, once each."""
    seen: dict[str, str] = {}
    for f in packet.evaluation.findings:
        seen.setdefault(f.source_id.split(":")[0], f.citation)
    if not seen:
        return []
    out: list[Flowable] = [Paragraph("Sources of the findings", style["h3"])]
    out += [Paragraph(f"<b>{markup(k)}</b>: {markup(v)}", style["muted"]) for k, v in seen.items()]
    return out


def record_trail(packet: SignedPacket, style: dict) -> list[Flowable]:
    """Who entered the record and when, and when the engine evaluated it."""
    r = packet.record
    text = f"Record started by {markup(packet.staff_name(r.created_by))} at {format_moment(r.created_at)}"
    if r.updated_by and r.updated_at:
        text += f"; last changed by {markup(packet.staff_name(r.updated_by))} at {format_moment(r.updated_at)}"
    evaluated = packet.evaluation.evaluated_at
    try:
        evaluated = format_moment(datetime.fromisoformat(evaluated), zone=True)
    except ValueError:
        pass  # print whatever the engine wrote
    text += f". Findings evaluated at {markup(evaluated)}."
    return [Spacer(1, 2 * mm), Paragraph(text, style["muted"])]
