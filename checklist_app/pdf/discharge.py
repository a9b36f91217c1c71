"""The discharge instructions PDF: what the patient reads at home, tired and in pain.

Plain language in the patient's language (English or Spanish; any other falls back to English with a
line asking for an interpreter), specific to vertebroplasty or kyphoplasty, personalised with the
record's values, the physician-set plan (or the clinic's defaults) and, for each held medicine, the day and
clock time to start it again (the policy's restart hours from the procedure's planned end). The signs of
a stroke are listed when an anticoagulant was held, and the sedation precautions unless the record says
local anaesthetic only. ``large_print`` sets everything the patient reads in 16 pt type or larger.

No heading or lead-in line ("...:") ends a page: each keeps with the first line after it. Bullets are
separate paragraphs, not a ListFlowable, because reportlab does not keep a heading with a container.
On a Spanish sheet, text typed in English (the follow-up, the doctor's other instructions) is printed
under a line asking the interpreter to read it, never as if it were translated.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, Paragraph, Spacer

from checklist_app.domain import conventions
from checklist_app.domain.answer_text import entry_title
from checklist_app.domain.items import RepeatItem
from checklist_app.pdf import fonts
from checklist_app.pdf.discharge_text import DischargeTemplate, fill, load_template
from checklist_app.pdf.discharge_times import (
    capitalised,
    format_day_and_time,
    format_time,
    join_words,
    level_words,
    medicine_lines,
)
from checklist_app.pdf.fonts import markup
from checklist_app.pdf.layout import INK, MUTED, RULE, STOP_RED, WARN_AMBER, DocumentRenderer
from checklist_app.pdf.model import SignedPacket
from checklist_app.pdf.plain_text import plain_or_paragraph
from checklist_app.pdf.plan import DischargePlan, resolve_plan
from checklist_app.pdf.tables import grid

NORMAL_SIZE, LARGE_SIZE = 11.5, 16  # large-print guidance asks for 16 to 18 pt
LIST_SPACE_AFTER = 0.3  # below a bulleted list, in units of the base size
KEEP_MEDICINES_TOGETHER = 8  # up to this many medicines, their restart times and why they matter share a page


def choose_language(packet: SignedPacket, language: str | None) -> tuple[str, str | None]:
    """(template language, language to name in the interpreter line or None)."""
    if language:
        return language, None
    preferred = packet.visible_answer("preferred_language")
    if preferred in ("en", "es"):
        return preferred, None
    if preferred == "other":
        return "en", str(packet.visible_answer("preferred_language_other") or "another language")
    return "en", None


class DischargeRenderer(DocumentRenderer):
    """Lays out the discharge sheet for one packet."""

    top_margin = 22 * mm
    bottom_margin = 20 * mm
    left_margin = 18 * mm
    right_margin = 18 * mm

    def __init__(self, packet: SignedPacket, *, language: str | None = None, large_print: bool | None = None,
                 invariant: bool = False) -> None:
        self.packet = packet
        self.plan: DischargePlan = resolve_plan(packet.visible_answer, packet.site_settings.discharge_defaults)
        self.large_print = self.plan.large_print if large_print is None else large_print
        self.base_size = LARGE_SIZE if self.large_print else NORMAL_SIZE
        lang, self.interpreter_language = choose_language(packet, language)
        self.text: DischargeTemplate = load_template(lang)
        self.procedure_end = self._procedure_end()
        self.anticoagulant_held = False  # set by _medicines
        self.values = self._values()
        self.title = fill(self.text.labels["title"], self.values, "labels.title")
        super().__init__(invariant=invariant)

    def keywords(self) -> str:
        return self.packet.anchor.text() if self.packet.anchor is not None else ""

    def _procedure_end(self) -> datetime | None:
        """The planned start plus the site's planned length: what restart and sedation hours count from."""
        start = self.packet.answers.get("scheduled_start")
        if not isinstance(start, datetime):
            return None
        return start + timedelta(minutes=self.plan.procedure_minutes)

    def _values(self) -> dict[str, Any]:
        p, site, plan = self.packet, self.packet.site_settings, self.plan
        procedure = p.answers.get("procedure_type")
        proc = self.text.procedures.get(procedure or "", None)
        start = p.answers.get("scheduled_start")
        levels = p.answers.get("levels") or []
        return {
            "patient_name": p.answers.get("patient_name", ""),
            "procedure": proc.name if proc else "procedure",
            "levels": join_words([level_words(self.text.spine, level) for level in levels], self.text.spine.and_word),
            "procedure_date": self.text.format_date(start.date()) if isinstance(start, datetime) else "",
            "proceduralist": p.answers.get("proceduralist", ""),
            "facility_name": site.facility_name,
            "clinic_phone": site.clinic_phone,
            "after_hours_phone": site.after_hours_phone,
            "emergency_number": site.emergency_number,
            "rest_hours": plan.rest_hours,
            "no_lifting_weeks": plan.no_lifting_weeks,
            "fever_f": f"{plan.fever_call_f:.1f}",
            "fever_c": f"{plan.fever_call_c:.1f}",
            "fever": conventions.temperature_both(plan.fever_call_f, plan.fever_call_c),  # the site's unit first
            "ice_days": plan.ice_days,
            "no_driving_days": plan.no_driving_days,
            "follow_up": plan.follow_up,
            "language": self.interpreter_language or "",
            "sedation_hours": plan.sedation_precaution_hours,
            "sedation_until": format_day_and_time(self.text, self.procedure_end + timedelta(
                hours=plan.sedation_precaution_hours)) if self.procedure_end else "",
            "procedure_end": format_time(self.text.clock, self.procedure_end) if self.procedure_end else "",
        }

    def styles(self) -> dict:
        """Base styles with room between paragraphs: a tired reader needs the white space."""
        style = super().styles()
        style["body"] = style["body"].clone("para", spaceAfter=self.base_size * 0.45)
        style["bullet"] = style["body"].clone("bullet", spaceAfter=self.base_size * 0.15)
        # A medicine is a bulleted item of its own (``_plain_bullets``), placed as ``_bullets`` places one.
        style["item"] = style["bullet"].clone("item", leftIndent=self.base_size * 1.4, bulletIndent=0,
                                              bulletFontName=fonts.SANS, bulletFontSize=self.base_size)
        style["item_bold"] = style["item"].clone("item_bold", fontName=fonts.SANS_BOLD)
        style["h1"] = style["h1"].clone("h1", keepWithNext=1)
        # A line leading into a list ("...:") stays with the list's first line, as a heading does.
        style["lead"] = style["body"].clone("lead", keepWithNext=1)
        return style

    def _fill(self, text: str, where: str) -> str:
        return markup(fill(text, self.values, where))

    # --- header and footer ----------------------------------------------------------------------------
    def draw_header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Clinic name and the patient's name on every page, so loose pages find their owner."""
        width, height = self.page_size
        left, right = self.left_margin, width - self.right_margin
        canv.setFillColor(MUTED)
        size = 9 if not self.large_print else LARGE_SIZE
        # The patient's name first (at most half the line), the clinic's name in the rest.
        name = fonts.draw_string(canv, right, height - 12 * mm, str(self.values["patient_name"]), size,
                                 anchor="right", max_width=(right - left) / 2 - 4 * mm)
        fonts.draw_string(canv, left, height - 12 * mm, self.values["facility_name"], size, bold=True,
                          max_width=right - left - name - 6 * mm)
        canv.setStrokeColor(RULE)
        canv.line(left, height - 15 * mm, right, height - 15 * mm)

    def draw_footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """The clinic's number at the foot of every page; below "Page X of Y", the software line, small and
        grey in the corner, where a patient reading the sheet passes it by (same size in large print)."""
        left = self.left_margin
        canv.setFillColor(INK)
        size = 9.5 if not self.large_print else LARGE_SIZE
        text = fill(self.text.labels["questions"], self.values, "labels.questions")
        fonts.draw_string(canv, left, 10 * mm, text, size, bold=True, max_width=self.frame_width * 0.7)
        self.draw_software(canv, 6 * mm)

    def draw_page_label(self, canv: Canvas, page: int, total: int) -> None:
        """'Page X of Y' in the sheet's language."""
        canv.setFillColor(INK)
        size = 9.5 if not self.large_print else LARGE_SIZE
        label = fill(self.text.labels["page"], {"page": page, "total": total}, "labels.page")
        fonts.draw_string(canv, self.page_size[0] - self.right_margin, 10 * mm, label, size, anchor="right")

    # --- body -----------------------------------------------------------------------------------------
    def _bullets(self, texts: list[str]) -> list[Flowable]:
        """Bulleted paragraphs (markup), each a flowable of its own so a heading keeps with the first."""
        items = [Paragraph(text, self.style["item"], bulletText="•") for text in texts]
        if items:
            items[-1].style = self.style["item"].clone("item_last", spaceAfter=self.base_size * LIST_SPACE_AFTER)
        return items

    def _plain_bullets(self, texts: list[str], style: str) -> list[Flowable]:
        """Plain texts (one per medicine, so up to hundreds) as bulleted items laid out as ``_bullets`` lays
        them out, each its own flowable: a ListFlowable's indenters and separately drawn bullets take a third
        of a 200-medication sheet's time."""
        items = [plain_or_paragraph(text, self.style[style], bullet="•") for text in texts]
        if items:  # below the list, the space a ListFlowable leaves instead of its last item's
            items[-1].spaceAfter = self.base_size * LIST_SPACE_AFTER
        return items

    def _block(self, key: str, intro: str = "") -> list[Flowable]:
        block = getattr(self.text.sections, key)
        bullets = [self._bullet(b, f"sections.{key}") for b in block.bullets]
        flow: list[Flowable] = [Paragraph(self._fill(block.heading, f"sections.{key}.heading"), self.style["h2"])]
        if intro:
            flow.append(Paragraph(self._fill(intro, f"sections.{key}.intro"), self.style["lead"]))
        return flow + self._bullets(bullets)

    def _bullet(self, text: str, where: str) -> str:
        """One bullet's markup; the follow-up typed in English is marked for the interpreter on a sheet in
        another language."""
        if text.strip() == "{follow_up}":
            return self._english(self.plan.follow_up, typed=self.plan.follow_up_typed)
        return self._fill(text, where)

    def _english(self, text: str, *, typed: bool) -> str:
        """Free text as written (in English): on a sheet in another language, under a line saying it was
        written in English by the nurse (or the clinic) and asking the interpreter to read it."""
        if self.text.language == "en":
            return markup(text)
        label = self.text.labels["typed_by_nurse" if typed else "typed_by_clinic"]
        return f'<font color="#555555"><i>{markup(label)}</i></font><br/>{markup(text)}'

    def _facts(self) -> list[Flowable]:
        labels, v, s = self.text.labels, self.values, self.style
        rows = [(labels["patient"], v["patient_name"]), (labels["date"], v["procedure_date"]),
                (labels["levels"], capitalised(v["levels"])), (labels["doctor"], v["proceduralist"]),
                (labels["clinic_phone"], v["clinic_phone"])]
        if v["after_hours_phone"]:
            rows.append((labels["after_hours_phone"], v["after_hours_phone"]))
        data = [[Paragraph(markup(a), s["body"]), Paragraph(markup(str(b)), s["bold"])] for a, b in rows]
        return [grid(data, [self.frame_width * 0.36, self.frame_width * 0.64], zebra=False)]

    def _medicines(self) -> list[Flowable]:
        words, p = self.text.sections.medicines, self.packet
        entries = p.visible_answer("medications") or []
        item = p.form.item("medications") if p.form.has_item("medications") else None
        triples = []
        for entry in entries:
            name = entry_title(item, entry) if isinstance(item, RepeatItem) else str(entry.get("agent"))
            medicine = p.policy.medicines.get(entry.get("agent", ""))
            shown = getattr(medicine, "name", None) or name
            if entry.get("agent") == "other" and entry.get("name"):
                shown = str(entry["name"])
            dose = entry.get("dose")
            triples.append((f"{shown} {dose}" if dose else shown, entry.get("agent", ""), medicine))
        lines = medicine_lines(self.text, triples, self.procedure_end)
        self.anticoagulant_held = any(line.anticoagulant for line in lines)
        flow: list[Flowable] = [Paragraph(markup(words.heading), self.style["h2"])]
        if any(line.held for line in lines):
            flow.append(Paragraph(markup(words.intro), self.style["lead"]))
            flow += self._plain_bullets([line.text for line in lines], "item_bold")
            if any(line.timed for line in lines):
                flow.append(Paragraph(f"<b>{markup(words.why)}</b>", self.style["body"]))
                flow.append(Paragraph(self._fill(words.counted_from, "medicines.counted_from"), self.style["body"]))
                if len(lines) <= KEEP_MEDICINES_TOGETHER:  # the times and why they matter on one page
                    flow = [KeepTogether(flow)]
            flow.append(Paragraph(markup(words.others), self.style["body"]))
        else:
            if lines:
                flow += self._plain_bullets([line.text for line in lines], "item")
            flow.append(Paragraph(markup(words.none), self.style["body"]))
        flow.append(Paragraph(markup(words.unsure), self.style["body"]))
        return flow

    def _warning_box(self, key: str, colour, extra_line: str = "") -> Flowable:
        block = getattr(self.text.sections, key)
        head = Paragraph(self._fill(block.heading, f"sections.{key}.heading"),
                         self.style["h2"].clone(f"{key}_head", spaceBefore=0, textColor=colour))
        inner: list[Any] = [head]
        if getattr(block, "intro", ""):
            inner.append(Paragraph(self._fill(block.intro, f"sections.{key}.intro"), self.style["body"]))
        inner += self._bullets([self._fill(b, f"sections.{key}") for b in block.bullets])
        if extra_line:
            inner.append(Paragraph(f"<b>{extra_line}</b>", self.style["body"]))
        box = grid([[inner]], [self.frame_width], zebra=False,
                   extra=[("BOX", (0, 0), (-1, -1), 2.2, colour), ("LEFTPADDING", (0, 0), (-1, -1), 8),
                          ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)])
        return KeepTogether([Spacer(1, self.base_size * 0.8), box])

    def _sedation(self) -> list[Flowable]:
        """No alcohol, driving or big decisions for the site's hours, unless only local anaesthetic was
        planned; the lead-in names the day and time they end when the procedure's time is known."""
        hours = self.plan.sedation_precaution_hours
        if not hours or self.packet.visible_answer("sedation_type") == "local_only":
            return []
        block = self.text.sections.sedation
        return self._block("sedation", block.intro if self.procedure_end else block.intro_no_time)

    def story(self) -> list[Flowable]:
        """Title, facts, about, warning signs (with a stroke's when an anticoagulant was held), activity,
        sedation, wound, pain, medicines, follow-up, extras."""
        s, t = self.style, self.text
        flow: list[Flowable] = [Paragraph(markup(self.title), s["h1"])]
        if not self.packet.signed:
            flow.append(Paragraph(f"<b>{markup(t.labels['draft'])}</b>", s["body"].clone("draft", textColor=STOP_RED)))
        if self.interpreter_language:
            flow.append(Paragraph(f"<b>{self._fill(t.interpreter, 'interpreter')}</b>", s["body"]))
            flow.append(Spacer(1, 2 * mm))
        flow += self._facts()
        procedure = t.procedures.get(self.packet.answers.get("procedure_type") or "")
        about = list(procedure.about if procedure else ()) + list(t.about_common)
        flow += [Spacer(1, self.base_size * 0.6)] + [Paragraph(self._fill(a, "about"), s["body"]) for a in about]
        medicines = self._medicines()  # first: whether an anticoagulant was held decides the stroke box
        phones = t.sections.call_clinic.phones if self.values["after_hours_phone"] else \
            t.sections.call_clinic.phones_day_only
        flow.append(self._warning_box("call_911", STOP_RED))
        if self.anticoagulant_held:
            flow.append(self._warning_box("stroke", STOP_RED))
        flow.append(self._warning_box("call_clinic", WARN_AMBER, self._fill(phones, "call_clinic.phones")))
        flow += self._block("activity") + self._sedation() + self._block("wound") + self._block("pain")
        flow += medicines
        flow += self._block("follow_up")
        if self.plan.extra_instructions:
            flow += [Paragraph(markup(t.sections.extra.heading), s["h2"]),
                     Paragraph(self._english(self.plan.extra_instructions, typed=True), s["body"])]
        return flow

def render_discharge(packet: SignedPacket, *, language: str | None = None, large_print: bool | None = None,
                     invariant: bool = False) -> bytes:
    """The discharge instructions PDF; language and large print default to what the record says."""
    return DischargeRenderer(packet, language=language, large_print=large_print, invariant=invariant).render()

