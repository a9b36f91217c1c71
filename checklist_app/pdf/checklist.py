"""The signed checklist PDF: the record that travels with the patient to the procedure room.

Every page carries the patient's name, date of birth and MRN (also as a Code 128 barcode), the
procedure and levels, NOT CLEARED while hard stops are open, DRAFT on an unsigned copy, and a footer
with the record and form versions, the policy's id, version and SHA-256, the SHA-256 of the signed record
and "Page X of Y".
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from checklist_app.domain import conventions
from checklist_app.domain.answer_text import format_answer
from checklist_app.pdf import checklist_parts as parts
from checklist_app.pdf import checklist_signature as closing
from checklist_app.pdf import fonts
from checklist_app.pdf.layout import INK, MUTED, OK_GREEN, RULE, STOP_RED, WARN_AMBER, DocumentRenderer
from checklist_app.pdf.model import SignedPacket

BARCODE_MAX_WIDTH = 52 * mm
# Below about 0.5 pt a narrow bar blurs on a 300 dpi office printer and scanners stop reading it.
BARCODE_MIN_BAR = 0.5


class ChecklistRenderer(DocumentRenderer):
    """Lays out one packet as the checklist PDF."""

    top_margin = 36 * mm
    bottom_margin = 21 * mm
    base_size = 9.0

    def __init__(self, packet: SignedPacket, *, invariant: bool = False) -> None:
        self.packet = packet
        answers = packet.answers
        self.patient = str(answers.get("patient_name") or "(name not recorded)")
        self.title = f"Pre-procedure checklist - {self.patient}"
        super().__init__(invariant=invariant)

    def keywords(self) -> str:
        return self.packet.anchor.text() if self.packet.anchor is not None else ""

    # --- header ---------------------------------------------------------------------------------------
    def _answer_text(self, item_id: str) -> str:
        form = self.packet.form
        value = self.packet.visible_answer(item_id)
        if value is None or not form.has_item(item_id):
            return "-"
        return format_answer(form.item(item_id), value)

    def _badges(self) -> list[tuple[str, colors.Color, bool]]:
        ev = self.packet.evaluation
        badges = []
        if not self.packet.signed:
            badges.append(("DRAFT - NOT SIGNED", WARN_AMBER, False))
        if ev.open_hard_stops:
            n = len(ev.open_hard_stops)
            badges.append((f"NOT CLEARED: {n} open hard stop{'s' if n != 1 else ''}", STOP_RED, True))
        else:
            badges.append(("CLEARED", OK_GREEN, False))
        return badges

    def _draw_badges(self, canv: Canvas, right: float, top: float) -> float:
        height, size = 6.2 * mm, 9.5
        x = right
        for text, colour, filled in reversed(self._badges()):
            width = fonts.string_width(text, size, bold=True) + 5 * mm
            x -= width
            canv.setStrokeColor(colour)
            canv.setLineWidth(1.4)
            canv.setFillColor(colour if filled else colors.white)
            canv.rect(x, top - height, width, height, stroke=1, fill=1)
            canv.setFillColor(colors.white if filled else colour)
            fonts.draw_string(canv, x + 2.5 * mm, top - height + 1.9 * mm, text, size, bold=True)
            x -= 2 * mm
        return right - x

    @cached_property
    def _barcode(self) -> Code128 | None:
        """The MRN's barcode, sized once for every page."""
        mrn = self.packet.answers.get("mrn")
        if not mrn:
            return None
        probe = Code128(str(mrn), barWidth=1.0, barHeight=9 * mm, quiet=0, humanReadable=0)
        bar = max(BARCODE_MIN_BAR, min(1.0, BARCODE_MAX_WIDTH / probe.width))
        return Code128(str(mrn), barWidth=bar, barHeight=8.5 * mm, quiet=0, humanReadable=0)

    def _draw_barcode(self, canv: Canvas, right: float, top: float) -> float:
        code, mrn = self._barcode, self.packet.answers.get("mrn")
        if code is None:
            return 0.0
        code.drawOn(canv, right - code.width, top - 8.5 * mm)
        canv.setFillColor(INK)
        fonts.draw_string(canv, right - code.width / 2, top - 11.6 * mm, str(mrn), 7.5, anchor="centre")
        return code.width

    def draw_header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Identifiers, procedure, status badges and the MRN barcode; a watermark on drafts."""
        width, height = self.page_size
        left, right = self.left_margin, width - self.right_margin
        if not self.packet.signed:
            self._draw_watermark(canv)
        top = height - 9 * mm
        canv.setFillColor(MUTED)
        site = self.packet.site_settings.facility_name
        badges = self._draw_badges(canv, right, top)
        canv.setFillColor(MUTED)
        fonts.draw_string(canv, left, top - 3.5 * mm, f"{site} · {self.packet.form.title}", 7.5,
                          max_width=right - left - badges - 4 * mm)
        bar_width = self._draw_barcode(canv, right, top - 8 * mm)
        text_width = right - left - bar_width - 6 * mm
        canv.setFillColor(INK)
        fonts.draw_string(canv, left, top - 11 * mm, self.patient, 13, bold=True, max_width=text_width)
        a = self.packet.answers
        dob = a.get("date_of_birth")
        age = self.packet.evaluation.derived.get("age_years")
        sex = self._answer_text("sex")
        ident = (f"DOB {conventions.format_date(dob)}" if isinstance(dob, date) else "DOB -") + (
            f" (age {age})" if age is not None else "") + f"   ·   Sex {sex}   ·   MRN {a.get('mrn') or '-'}"
        fonts.draw_string(canv, left, top - 16.5 * mm, ident, 9, max_width=text_width)
        start = a.get("scheduled_start")
        procedure = (f"{self._answer_text('procedure_type')}, level(s) {self._answer_text('levels')}   ·   "
                     f"Scheduled {conventions.format_datetime(start)}" if isinstance(start, datetime) else
                     f"{self._answer_text('procedure_type')}, level(s) {self._answer_text('levels')}")
        fonts.draw_string(canv, left, top - 21.5 * mm, procedure, 9, bold=True, max_width=text_width)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.8)
        canv.line(left, height - self.top_margin + 3 * mm, right, height - self.top_margin + 3 * mm)

    def _draw_watermark(self, canv: Canvas) -> None:
        width, height = self.page_size
        canv.saveState()
        # A solid pale colour, not transparency: a transparent watermark makes CUPS and many printer
        # drivers rasterise the whole page. It is drawn first, so the text lies on top of it.
        canv.setFillColor(colors.HexColor("#f4d7d7"))
        canv.translate(width / 2, height / 2)
        canv.rotate(35)
        fonts.draw_string(canv, 0, 0, "DRAFT - NOT SIGNED", 54, bold=True, anchor="centre")
        canv.restoreState()

    # --- footer ---------------------------------------------------------------------------------------
    def draw_footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Record and form versions with the patient; the policy's id, version and SHA-256; the record's SHA-256;
        the software that made the page."""
        width = self.page_size[0]
        left, right = self.left_margin, width - self.right_margin
        p, ev = self.packet, self.packet.evaluation
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(left, 17 * mm, right, 17 * mm)
        # Just above the rule, at the right, in the band between the body (which ends at bottom_margin) and
        # the footer: the footer's own lines keep their full width (the policy version must never be cut).
        self.draw_software(canv, 18.2 * mm)
        canv.setFillColor(INK)
        version = f"version {p.record_version}" if p.record_version is not None else "unsigned draft"
        # The patient closes the first line: a long name is what gets shortened, never a version (the
        # header names the patient in full on every page).
        line1 = (f"Record {p.record.record_id}, {version}  ·  Form {ev.form_id} v{ev.form_version}  ·  "
                 f"{self.patient}  ·  MRN {p.answers.get('mrn') or '-'}")
        fonts.draw_string(canv, left, 13 * mm, line1, 7.5, max_width=right - left)
        # The policy's hash beside its id and version: which rules were applied, not only a number anyone can
        # copy (the whole hash, so it can be matched with validate-form's; the page label is lower right).
        digest = (f"SHA-256 {ev.policy_sha256}" if ev.policy_sha256
                  else "SHA-256 not recorded (evaluated before the app kept it)")
        fonts.draw_string(canv, left, 9.5 * mm, f"Policy {ev.policy_id} v{ev.policy_version}  ·  {digest}", 7,
                          max_width=right - left - 30 * mm)
        what = "SHA-256 of the signed record" if p.signed else "SHA-256 of this unsigned record"
        canv.setFillColor(MUTED)
        fonts.draw_string(canv, left, 6 * mm, f"{what}: {p.fingerprint}", 7, max_width=right - left - 30 * mm)

    def draw_page_label(self, canv: Canvas, page: int, total: int) -> None:
        """"Page X of Y" at the bottom right, under the version line."""
        canv.setFillColor(INK)
        fonts.draw_string(canv, self.page_size[0] - self.right_margin, 6.5 * mm, f"Page {page} of {total}", 10,
                          bold=True, anchor="right")

    # --- body -----------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        """Status, summary, findings, every section's visible answers, signature, sources."""
        w, s, p = self.frame_width, self.style, self.packet
        flow: list[Flowable] = []
        flow += parts.status_block(p, s, w)
        flow += parts.key_values(p, s, w)
        flow += parts.findings(p, s, w)
        flow += parts.sections(p, s, w)
        flow += closing.signature_block(p, s, w)
        flow += closing.record_trail(p, s)
        flow += closing.sources(p, s)
        return flow


def render_checklist(packet: SignedPacket, *, invariant: bool = False) -> bytes:
    """The checklist PDF for ``packet`` as bytes (unsigned packets print as a marked draft)."""
    return ChecklistRenderer(packet, invariant=invariant).render()
