"""The patient's calendar PDF: what to do on each day before the procedure, by the clock.

Laid out for a patient at home days ahead, maybe tired or anxious: one heading per day ("Saturday,
December 5") with that day's steps in clock order (the last dose of each medicine to hold, a dose to skip,
the last food, clear liquids until when, the procedure, the restart), then the medicines to keep taking,
blood tests to have drawn by a date, what to bring and whom to call. In English or Spanish, in 16 pt large
print when asked. As on the discharge sheet, no heading or lead-in line ends a page, and bullets are
separate paragraphs so each heading keeps with its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, KeepTogether, Paragraph, Spacer

from checklist_app.domain import conventions
from checklist_app.domain.plan_calendar import Calendar, MedicineStop
from checklist_app.domain.timeutil import aware
from checklist_app.pdf import fonts
from checklist_app.pdf.calendar_summary import PlanSummary, summary_flowables
from checklist_app.pdf.calendar_text import CalendarTemplate, fill, load_calendar_template
from checklist_app.pdf.discharge_times import capitalised, format_time
from checklist_app.pdf.fonts import markup
from checklist_app.pdf.layout import INK, MUTED, RULE, STOP_RED, WARN_AMBER, DocumentRenderer
from checklist_app.pdf.tables import grid

NORMAL_SIZE, LARGE_SIZE = 12, 16  # large-print guidance asks for 16 to 18 pt


@dataclass(frozen=True)
class PlanSignature:
    """Who made the plan with the patient, and when (printed under the title); None prints as a draft."""

    signer: str
    signed_at: datetime


@dataclass(frozen=True)
class _Step:
    moment: datetime
    text: str
    strong: bool = False
    day: date | None = None  # the day it is listed under, when not the moment's own (after midnight)


class CalendarRenderer(DocumentRenderer):
    """Lays out one patient's calendar."""

    top_margin = 22 * mm
    bottom_margin = 20 * mm
    left_margin = 18 * mm
    right_margin = 18 * mm

    def __init__(self, calendar: Calendar, *, language: str = "en", large_print: bool = False,
                 signature: PlanSignature | None = None, interpreter_language: str = "",
                 summary: PlanSummary | None = None, invariant: bool = False) -> None:
        self.calendar = calendar
        self.summary = summary
        self.large_print = large_print
        self.base_size = LARGE_SIZE if large_print else NORMAL_SIZE
        self.text: CalendarTemplate = load_calendar_template(language)
        self.signature = signature
        self.interpreter_language = interpreter_language
        self.values = self._values()
        self.title = fill(self.text.labels["title"], self.values, "labels.title")
        super().__init__(invariant=invariant)

    # --- words --------------------------------------------------------------------------------------
    def day(self, day: date) -> str:
        """'Monday, December 7'."""
        return self.text.format_date(day)

    def _night(self, moment: datetime) -> bool:
        return aware(moment).astimezone().hour < self.text.night_until_hour

    def clock(self, moment: datetime) -> str:
        """A step's time: '8:00 PM', or '12:30 AM, after midnight' for a step listed under the evening before."""
        if self._night(moment):
            return fill(self.text.after_midnight, {"time": self.time(moment)}, "after_midnight")
        return self.time(moment)

    def time(self, moment: datetime) -> str:
        """'8:00 PM' / 'las 8:00 p. m.' (no-break spaces: never split at a line end); an English calendar at a
        site on the 24-hour clock (en-GB) writes '20:00', as every other paper there does."""
        moment = aware(moment).astimezone()  # the patient's wall clock, whatever offset the moment was counted at
        if not self.text.date_locale and not conventions.twelve_hour():
            return conventions.format_time(moment)
        return format_time(self.text.clock, moment)

    def _values(self) -> dict[str, str]:
        c, procedures = self.calendar, self.text.procedures
        return {
            "patient_name": c.patient_name, "procedure": procedures.get(c.procedure, procedures["other"]),
            "procedure_day": self.day(c.start.date()), "procedure_time": self.time(c.start),
            "facility_name": c.facility_name, "clinic_phone": c.clinic_phone,
            "after_hours_phone": c.after_hours_phone, "emergency_number": c.emergency_number,
            "language": self.interpreter_language,
        }

    def _fill(self, text: str, where: str, **extra: str) -> str:
        # A time ending in an abbreviation ("8:00 p. m.") at the end of a sentence gives one full stop, not two.
        return markup(re.sub(r"(?<=\.)\.", "", fill(text, {**self.values, **extra}, where)))

    def _medicine(self, stop: MedicineStop) -> str:
        return f"{stop.name} {stop.dose}".strip()

    # --- styles, header, footer -----------------------------------------------------------------------
    def styles(self) -> dict:
        """Room between lines: the reader may be tired or anxious."""
        style = super().styles()
        style["body"] = style["body"].clone("para", spaceAfter=self.base_size * 0.45)
        style["item"] = style["body"].clone("item", spaceAfter=self.base_size * 0.25, leftIndent=self.base_size * 1.4,
                                            bulletIndent=0, bulletFontName=fonts.SANS, bulletFontSize=self.base_size)
        style["h1"] = style["h1"].clone("h1", keepWithNext=1)
        style["lead"] = style["body"].clone("lead", keepWithNext=1)
        style["day"] = style["h3"].clone("day", fontSize=self.base_size * 1.15, leading=self.base_size * 1.5,
                                         spaceBefore=self.base_size * 0.8, keepWithNext=1)
        return style

    def draw_header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """The clinic and the patient's name on every page, so a loose page finds its owner."""
        width, height = self.page_size
        left, right = self.left_margin, width - self.right_margin
        canv.setFillColor(MUTED)
        size = 9 if not self.large_print else LARGE_SIZE
        name = fonts.draw_string(canv, right, height - 12 * mm, self.calendar.patient_name, size, anchor="right",
                                 max_width=(right - left) / 2 - 4 * mm)
        fonts.draw_string(canv, left, height - 12 * mm, self.calendar.facility_name, size, bold=True,
                          max_width=right - left - name - 6 * mm)
        canv.setStrokeColor(RULE)
        canv.line(left, height - 15 * mm, right, height - 15 * mm)

    def draw_footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """The clinic's number at the foot of every page; the software line small in the corner."""
        canv.setFillColor(INK)
        size = 9.5 if not self.large_print else LARGE_SIZE
        fonts.draw_string(canv, self.left_margin, 10 * mm, fill(self.text.labels["questions"], self.values),
                          size, bold=True, max_width=self.frame_width * 0.7)
        self.draw_software(canv, 6 * mm)

    def draw_page_label(self, canv: Canvas, page: int, total: int) -> None:
        """'Page X of Y' in the calendar's language."""
        canv.setFillColor(INK)
        size = 9.5 if not self.large_print else LARGE_SIZE
        label = fill(self.text.labels["page"], {"page": str(page), "total": str(total)}, "labels.page")
        fonts.draw_string(canv, self.page_size[0] - self.right_margin, 10 * mm, label, size, anchor="right")

    # --- the days ------------------------------------------------------------------------------------
    def steps(self) -> dict[date, list[_Step]]:
        """Each day's steps in clock order."""
        c, words = self.calendar, self.text.steps
        steps: list[_Step] = []
        for stop in c.stops:
            medicine = self._medicine(stop)
            if stop.too_late:
                pass  # in the box at the top: the patient must call
            elif stop.deadline_only and stop.last_dose is not None:
                steps.append(_Step(stop.last_dose, self._fill(words.no_dose_after, "steps.no_dose_after",
                                   medicine=medicine, time=self.clock(stop.last_dose)), True))
            elif stop.already_taken and stop.first_skipped is not None and stop.first_skipped < c.start:
                steps.append(_Step(stop.first_skipped, self._fill(words.skip, "steps.skip", medicine=medicine), True))
            elif stop.last_dose is not None:
                evening = stop.last_dose.hour >= self.text.evening_from_hour
                steps.append(_Step(stop.last_dose, self._fill(
                    words.last_dose_evening if evening else words.last_dose, "steps.last_dose",
                    medicine=medicine, time=self.clock(stop.last_dose)), True))
            if stop.restart_at is not None:
                steps.append(_Step(stop.restart_at, self._fill(words.restart_at, "steps.restart_at", medicine=medicine,
                                                               time=self.clock(stop.restart_at))))
            elif stop.restart_day is not None:
                moment = datetime.combine(stop.restart_day, datetime.min.time()).astimezone()
                steps.append(_Step(moment, self._fill(words.restart_day, "steps.restart_day", medicine=medicine)))
            else:
                steps.append(_Step(c.procedure_end, self._fill(words.restart_ask, "steps.restart_ask",
                                                               medicine=medicine)))
        if c.labs:
            steps.append(_Step(c.ready_by, self._fill(words.labs_due, "steps.labs_due", time=self.clock(c.ready_by)),
                               True))
        if c.fasting is not None:
            f = c.fasting
            if f.liquid_diet_from is not None:
                steps.append(_Step(f.liquid_diet_from, self._fill(words.liquid_diet, "steps.liquid_diet",
                                                                  time=self.clock(f.liquid_diet_from)), True))
            food = words.food_until if f.liquid_diet_from is None else words.food_until_liquid_diet
            steps.append(_Step(f.food_until, self._fill(food, "steps.food_until", time=self.clock(f.food_until)),
                               True))
            steps.append(_Step(f.clear_until, self._fill(words.clear_until, "steps.clear_until",
                                                         time=self.clock(f.clear_until)) + "<br/>"
                               + self._fill(words.clear_examples, "steps.clear_examples"), True))
        steps = [_Step(s.moment, s.text, s.strong, s.moment.date() - timedelta(days=1)) if self._night(s.moment)
                 else s for s in steps]
        # The procedure is listed on its own day, whatever its hour.
        steps.append(_Step(c.start, self._fill(words.procedure, "steps.procedure", time=self.time(c.start)), True))
        days: dict[date, list[_Step]] = {}
        for step in sorted(steps, key=lambda s: s.moment):
            days.setdefault(step.day or step.moment.date(), []).append(step)
        return dict(sorted(days.items()))

    def _day_flow(self, day: date, steps: list[_Step], before: list[Flowable]) -> list[Flowable]:
        """One day: its heading and its steps on one page (``before``: the section's heading, for the first)."""
        heading = Paragraph(markup(capitalised(self.day(day))), self.style["day"])
        items = [Paragraph(f"<b>{s.text}</b>" if s.strong else s.text, self.style["item"], bulletText="•")
                 for s in steps]
        return [KeepTogether([*before, heading, *items])]

    # --- the rest -------------------------------------------------------------------------------------
    def _facts(self) -> list[Flowable]:
        labels, v, s = self.text.labels, self.values, self.style
        rows = [(labels["patient"], v["patient_name"]),
                (labels["procedure_day"], capitalised(fill(labels["procedure_when"], v, "labels.procedure_when")))]
        if self.calendar.arrive_at is not None:
            rows.append((labels["arrive"], self.time(self.calendar.arrive_at)))
        rows.append((labels["clinic_phone"], v["clinic_phone"]))
        if v["after_hours_phone"]:
            rows.append((labels["after_hours_phone"], v["after_hours_phone"]))
        data = [[Paragraph(markup(a), s["body"]), Paragraph(markup(str(b)), s["bold"])] for a, b in rows]
        return [grid(data, [self.frame_width * 0.36, self.frame_width * 0.64], zebra=False)]

    def _block(self, heading: str, intro: str, bullets: list[str]) -> list[Flowable]:
        flow: list[Flowable] = [Paragraph(markup(heading), self.style["h2"])]
        if intro:
            flow.append(Paragraph(markup(intro), self.style["lead"]))
        return flow + [Paragraph(b, self.style["item"], bulletText="•") for b in bullets]

    def _call_first(self) -> list[Flowable]:
        """A red box at the top when a dose already taken is too close to the procedure."""
        late = [s for s in self.calendar.stops if s.too_late]
        if not late:
            return []
        lines = [Paragraph(f"<b>{self._fill(self.text.steps.too_late, 'steps.too_late', medicine=self._medicine(s))}"
                           f"</b>", self.style["body"]) for s in late]
        lines.append(Paragraph(self._fill(self._phones(), "phones"), self.style["body"]))
        box = grid([[lines]], [self.frame_width], zebra=False,
                   extra=[("BOX", (0, 0), (-1, -1), 2.2, STOP_RED), ("LEFTPADDING", (0, 0), (-1, -1), 8)])
        return [Spacer(1, self.base_size * 0.5), box]

    def _phones(self) -> str:
        return self.text.phones if self.calendar.after_hours_phone else self.text.phones_day_only

    def story(self) -> list[Flowable]:
        """Title, who made the plan, the facts, the day-by-day steps, then keep-taking, labs, bring, call."""
        t, s, c = self.text, self.style, self.calendar
        flow: list[Flowable] = [Paragraph(markup(self.title), s["h1"])]
        if self.signature is None:
            flow.append(Paragraph(f"<b>{markup(t.labels['draft'])}</b>", s["body"].clone("draft", textColor=STOP_RED)))
        else:
            flow.append(Paragraph(self._fill(t.labels["signed"], "labels.signed", signer=self.signature.signer,
                                             signed_day=self.day(self.signature.signed_at.date())), s["body"]))
        if self.interpreter_language:
            flow.append(Paragraph(f"<b>{self._fill(t.labels['interpreter'], 'labels.interpreter')}</b>", s["body"]))
        flow += self._facts() + self._call_first()
        flow += [Spacer(1, self.base_size * 0.5)] + [Paragraph(self._fill(p, "intro"), s["body"]) for p in t.intro]
        # reportlab keeps a heading with the next paragraph, never with a KeepTogether: the section's heading
        # goes into its first day's block.
        heading: list[Flowable] = [Paragraph(markup(t.labels["your_days"]), s["h2"])]
        for day, steps in self.steps().items():
            flow += self._day_flow(day, steps, heading)
            heading = []
        keep = [markup(self._medicine(m)) for m in c.medicines if m.advice == "keep"]
        if keep:
            flow += self._block(t.keep_taking.heading, t.keep_taking.intro, keep)
        ask = [self._fill(t.steps.ask_about, "steps.ask_about", medicine=self._medicine(m))
               for m in c.medicines if m.advice == "ask"]
        if ask:
            flow += self._block(t.ask_us.heading, t.ask_us.intro, ask)
        if c.labs:
            lines = [self._fill(t.lab_line if lab.not_before else t.lab_line_by, "lab_line",
                                lab=t.lab_names.get(lab.item_id, lab.label), by_day=self.day(lab.by.date()),
                                from_day=self.day(lab.not_before) if lab.not_before else "", by_time=self.time(lab.by))
                     for lab in c.labs]
            flow += self._block(t.labs.heading, t.labs.intro, lines)
        bring = [self._fill(b, "bring") for b in t.bring.bullets]
        if c.sedation:
            bring.append(self._fill(t.escort, "escort"))
        flow += self._block(t.bring.heading, t.bring.intro, bring)
        call = self._block(t.call.heading, t.call.intro, [self._fill(b, "call") for b in t.call.bullets])
        call.append(Paragraph(f"<b>{self._fill(self._phones(), 'phones')}</b>",
                              s["body"].clone("phones", textColor=WARN_AMBER)))
        flow.append(KeepTogether(call))
        if self.summary is not None:
            flow += summary_flowables(c, self.summary, self.style, self.frame_width)
        return flow


def render_calendar(calendar: Calendar, *, language: str = "en", large_print: bool = False,
                    signature: PlanSignature | None = None, interpreter_language: str = "",
                    summary: PlanSummary | None = None, invariant: bool = False) -> bytes:
    """The patient's calendar as PDF bytes; with ``summary``, followed by the care team's page (the plan's PDF)."""
    return CalendarRenderer(calendar, language=language, large_print=large_print, signature=signature,
                            interpreter_language=interpreter_language, summary=summary,
                            invariant=invariant).render()
