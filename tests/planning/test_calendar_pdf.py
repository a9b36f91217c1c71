"""The printed calendar: every date and clock time the core worked out is on it, next to its medicine, in
English and Spanish; large print is 16 pt or more; no heading ends a page; the English reads at grade 8."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from plan_helpers import CALL_AT
from pypdf import PdfReader
from reportlab.platypus import BaseDocTemplate, Paragraph, Spacer

from checklist_app import resources
from checklist_app.pdf import calendar as calendar_pdf
from checklist_app.pdf import layout
from checklist_app.pdf.calendar import CalendarRenderer, PlanSignature, render_calendar
from checklist_app.pdf.calendar_text import LANGUAGES
from checklist_app.workflows.plan_calendar import build_calendar

pytestmark = pytest.mark.pdf


def text_of(pdf: bytes) -> str:
    """All pages' text, no-break spaces and line breaks read as plain spaces."""
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    return re.sub(r"\s+", " ", " ".join(pages).replace("\u00a0", " "))


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def calendar(form, policy, site, plan_answers):
    return build_calendar(form, policy, site, plan_answers(), CALL_AT)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_moment_is_printed(calendar, language):
    pdf = render_calendar(calendar, language=language)
    text = text_of(pdf)
    r = CalendarRenderer(calendar, language=language)
    apixaban = next(m for m in calendar.stops if m.agent == "apixaban")
    days = r.steps()
    for day in days:  # each day of the plan is a heading (first letter in capitals)
        heading = plain(r.day(day))
        assert heading[:1].upper() + heading[1:] in text
    assert plain(r.time(apixaban.last_dose)) in text and plain(r.time(apixaban.restart_at)) in text
    last_line = next(s.text for s in days[apixaban.last_dose.date()] if "Apixaban" in s.text)
    assert plain(r.time(apixaban.last_dose)) in plain(last_line)
    restart_line = next(s.text for s in days[apixaban.restart_at.date()] if "Apixaban" in s.text)
    assert plain(r.time(apixaban.restart_at)) in plain(restart_line)
    fasting = calendar.fasting
    for moment in (fasting.food_until, fasting.clear_until, fasting.liquid_diet_from, calendar.start,
                   calendar.ready_by):
        assert plain(r.time(moment)) in text
    food_day = fasting.food_until.date()
    if fasting.food_until.hour < r.text.night_until_hour:  # listed under the evening before
        food_day = food_day.fromordinal(food_day.toordinal() - 1)
    assert any(plain(r.time(fasting.food_until)) in plain(s.text) for s in days[food_day])
    assert ".." not in text


def test_evening_dose_is_called_so(form, policy, site, plan_answers):
    # Doses at 08:00 and 20:00; a 07:30 start puts the last one allowed in an evening.
    calendar = build_calendar(form, policy, site, plan_answers(scheduled_start="2026-12-08T07:30"), CALL_AT)
    assert calendar.stops[0].agent == "apixaban" and calendar.stops[0].last_dose.hour >= 17
    assert "evening dose" in text_of(render_calendar(calendar))
    assert "dosis de la noche" in text_of(render_calendar(calendar, language="es"))


def test_signed_plan_names_its_signer(calendar):
    text = text_of(render_calendar(calendar, signature=PlanSignature("J. Smith, RN", CALL_AT)))
    assert "Made with you by J. Smith, RN" in text and "DRAFT" not in text
    assert "DRAFT" in text_of(render_calendar(calendar))


def test_phones_come_from_the_site(calendar, site):
    text = text_of(render_calendar(calendar))
    for phone in (site.clinic_phone, site.after_hours_phone, site.emergency_number):
        assert phone in text


def _sizes(pdf: bytes) -> list[float]:
    sizes: list[float] = []

    def visit(text, cm, tm, _font_dict, font_size):
        if text.strip() and not text.startswith("checklist_app "):
            sizes.append(round(font_size * tm[0], 1))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("language", LANGUAGES)
def test_large_print_is_16_pt_or_more(calendar, language):
    assert min(_sizes(render_calendar(calendar, language=language, large_print=True))) >= 16
    assert min(_sizes(render_calendar(calendar, language=language))) < 16


def test_english_reads_at_grade_8_or_below(calendar, monkeypatch):
    import textstat
    import textstat.backend.counts._count_syllables as syllables

    monkeypatch.setattr(syllables, "get_cmudict", lambda lang: None)  # no download: textstat's Pyphen fallback
    grade = textstat.flesch_kincaid_grade(text_of(render_calendar(calendar)))
    assert grade <= 8, f"Flesch-Kincaid grade {grade:.1f}"


def _keys(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _keys(value, f"{prefix}{key}.")
    else:
        yield prefix


def test_languages_have_the_same_keys():
    english = set(_keys(resources.load_yaml(resources.resource_path("text/calendar/en.yaml"))))
    for language in LANGUAGES:
        assert set(_keys(resources.load_yaml(resources.resource_path(f"text/calendar/{language}.yaml")))) == english


class _Recording(BaseDocTemplate):
    placed: list[tuple[int, object]] = []

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's hook
        _Recording.placed.append((self.page, flowable))


class _Padded(calendar_pdf.CalendarRenderer):
    pad = 0.0

    def story(self):
        flow = super().story()
        return [Spacer(1, self.pad), *flow] if self.pad else flow


def _flat(flowable):
    """A KeepTogether's paragraphs in order, else the flowable itself."""
    inner = getattr(flowable, "_content", None)
    return [x for f in inner for x in _flat(f)] if inner else [flowable]


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_heading_is_last_on_a_page(calendar, monkeypatch, language, large_print):
    monkeypatch.setattr(layout, "BaseDocTemplate", _Recording)
    probe = _Padded(calendar, language=language, large_print=large_print, invariant=True)
    frame_height = probe.page_size[1] - probe.top_margin - probe.bottom_margin
    orphans, pages_seen, pad = [], set(), 0.0
    while pad < frame_height:
        renderer = _Padded(calendar, language=language, large_print=large_print, invariant=True)
        renderer.pad = pad
        _Recording.placed = []
        renderer.render()
        last: dict[int, object] = {}
        for page, flowable in _Recording.placed:
            if not isinstance(flowable, Spacer):
                last[page] = _flat(flowable)[-1]
        for page, flowable in sorted(last.items())[:-1]:
            pages_seen.add(page)
            style = getattr(getattr(flowable, "style", None), "name", "")
            text = flowable.getPlainText() if isinstance(flowable, Paragraph) else ""
            if style in {"h1", "h2", "day", "lead"} or text.rstrip().endswith(":"):
                orphans.append(f"pad {pad:.0f} pt, page {page}: {text!r}")
        pad += probe.style["item"].leading
    assert len(pages_seen) >= 1
    assert not orphans, "\n".join(orphans[:10])


def test_an_english_calendar_follows_a_24_hour_site(calendar):
    from checklist_app.domain import conventions

    apixaban = next(m for m in calendar.stops if m.agent == "apixaban")
    conventions.set_site_locale("en-GB")
    try:
        text = text_of(render_calendar(calendar))
    finally:
        conventions.set_site_locale("en-US")
    assert f"{apixaban.restart_at:%H:%M}" in text and " AM" not in text and " PM" not in text
    assert "Wednesday 9 December" in text  # the day before the month, as en-GB writes it


def test_a_dose_taken_too_late_asks_the_patient_to_call(form, policy, site, plan_answers):
    from datetime import timedelta

    meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": "2026-12-06T20:00"}]
    calendar = build_calendar(form, policy, site, plan_answers(medications=meds), CALL_AT + timedelta(days=3))
    text = text_of(render_calendar(calendar))
    assert "Apixaban 5 mg: please call us today" in text and site.clinic_phone in text
    assert "take your last dose" not in text


def test_another_language_gets_english_with_an_interpreter_line(form, policy, site, plan_answers):
    from checklist_app.workflows.plan_records import calendar_pdf

    answers = plan_answers(preferred_language="other", preferred_language_other="Tagalog")
    text = text_of(calendar_pdf(build_calendar(form, policy, site, answers, CALL_AT), answers))
    assert "in Tagalog. This page is in English" in text and "Day by day" in text
    spanish = plan_answers()
    assert "Día por día" in text_of(calendar_pdf(build_calendar(form, policy, site, spanish, CALL_AT), spanish))


def test_a_medicine_the_policy_only_advises_about_is_a_call_to_make(form, policy, site, plan_answers):
    meds = [{"agent": "nsaid", "name": "ibuprofen", "dose": "400 mg", "frequency": "as_needed",
             "last_dose": "2026-12-02T09:00"}]
    assert policy.medicines["nsaid"].action == "advise"
    calendar = build_calendar(form, policy, site, plan_answers(medications=meds), CALL_AT)
    assert calendar.medicines[0].advice == "ask"
    text = text_of(render_calendar(calendar))
    assert "please call us before your procedure" in text and "start it again" not in text
    assert "Call us about these" in text and "(ibuprofen) 400 mg" in text and "Keep taking" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_arrival_time_is_the_sites_minutes_before_the_start(calendar, site, language):
    minutes = site.arrival_minutes_before
    assert minutes and calendar.arrive_at == calendar.start - timedelta(minutes=minutes)
    r = CalendarRenderer(calendar, language=language)
    label = r.text.labels["arrive"]
    text = text_of(render_calendar(calendar, language=language))
    assert f"{plain(label)} {plain(r.time(calendar.arrive_at))}" in text


def test_no_arrival_time_when_the_site_sets_none(form, policy, site, plan_answers):
    calendar = build_calendar(form, policy, site.model_copy(update={"arrival_minutes_before": 0}), plan_answers(),
                              CALL_AT)
    assert calendar.arrive_at is None
    assert "arrive by" not in text_of(render_calendar(calendar, language="en"))
