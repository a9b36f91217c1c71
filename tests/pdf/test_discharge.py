"""The discharge sheet read back: personalised, procedure-specific, restart times from the record and the
policy, physician values over site defaults, English/Spanish/interpreter, large print, grade level."""

from __future__ import annotations

import io

import pytest
import yaml
from pdf_helpers import flat, page_texts
from pypdf import PdfReader

from checklist_app import resources
from checklist_app.pdf import render_discharge
from checklist_app.pdf.discharge_text import LANGUAGES, PLACEHOLDERS, load_template, placeholders_in

pytestmark = pytest.mark.pdf


def text_of(pdf: bytes) -> str:
    return flat(" ".join(page_texts(pdf)))


def test_personalised_with_record_and_site_values(make_packet):
    text = text_of(render_discharge(make_packet("clean")))
    for expected in ("Going home after your kyphoplasty", "Okafor, Grace Adaeze", "Tuesday, December 1, 2026",
                     "L1", "Dr. A. Mensah", "(555) 010-4477", "(555) 010-4000",
                     "Clinic visit in 2 weeks", "Call 911 right away if you have:", "Call the clinic if you have:"):
        assert expected in text, expected


def test_clinic_and_911_lists_are_separate(make_packet):
    text = text_of(render_discharge(make_packet("clean")))
    emergency = text.index("Call 911 right away")
    clinic = text.index("Call the clinic if you have")
    assert emergency < text.index("Chest pain") < clinic < text.index("A fever above 100.0 °F (37.8 °C)")


def test_vertebroplasty_and_kyphoplasty_differ(make_packet):
    kypho = text_of(render_discharge(make_packet("clean")))
    vertebro = text_of(render_discharge(make_packet("clean", answers={"procedure_type": "vertebroplasty"})))
    assert "balloon" in kypho and "balloon" not in vertebro
    assert "Going home after your vertebroplasty" in vertebro


def test_site_defaults_apply_when_the_plan_is_blank(make_packet):
    text = text_of(render_discharge(make_packet("clean")))
    assert "Rest for the first 24 hours" in text
    assert "Do not lift heavy things for 6 weeks" in text
    assert "A fever above 100.0 °F" in text


def test_physician_values_override_the_defaults(make_packet):
    plan = {"dc_rest_hours": 48, "dc_no_lifting_weeks": 12, "dc_fever_call_f": 100.4,
            "dc_follow_up": "See Dr. Mensah on Dec 15 & bring your brace", "dc_extra_instructions": "No <yoga> yet"}
    text = text_of(render_discharge(make_packet("clean", answers=plan)))
    assert "Rest for the first 48 hours" in text and "for 12 weeks" in text
    assert "A fever above 100.4 °F (38.0 °C)" in text
    assert "See Dr. Mensah on Dec 15 & bring your brace" in text
    assert "Other instructions from your doctor No <yoga> yet" in text


def test_restart_times_come_from_the_record_and_policy(make_packet, policy):
    meds = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": "2026-11-17T20:00"},
            {"agent": "warfarin", "dose": "3 mg", "frequency": "daily", "last_dose": "2026-11-15T20:00"},
            {"agent": "celecoxib", "dose": "200 mg", "frequency": "daily", "last_dose": "2026-11-20T08:00"},
            {"agent": "metformin", "dose": "500 mg", "frequency": "bid", "last_dose": "2026-11-20T19:00"}]
    text = text_of(render_discharge(make_packet("clean", answers={"medications": meds,
                                                                 "thrombotic_risk_high": False})))
    # the policy's restart hours from the planned end (08:30 + 60 min): test_discharge_additions.py
    assert "Apixaban 5 mg: start it again at 9:30 AM on Wednesday, December 2, 2026." in text
    assert "Warfarin 3 mg: start it again on Wednesday, December 2, 2026, at the time of day" in text
    assert "Celecoxib 200 mg: keep taking it as usual." in text
    assert "Metformin" not in text  # not a held medicine: covered by "take your other medicines as usual"
    assert "Take your other medicines as usual" in text


def test_no_held_medicines(make_packet):
    text = text_of(render_discharge(make_packet("clean", answers={"medications": []})))
    assert "You did not stop any blood thinners" in text


def test_spanish_from_the_record(make_packet, policy):
    text = text_of(render_discharge(make_packet("clean", answers={"preferred_language": "es"})))
    assert "Cuidados en casa después de su cifoplastia" in text
    assert "martes 1 de diciembre de 2026" in text
    assert "Llame al 911 de inmediato si tiene:" in text and "Llame a la clínica si tiene:" in text
    assert "Apixaban 5 mg: vuelva a tomarla a las 9:30 a. m. del miércoles 2 de diciembre de 2026." in text
    assert "Página 1 de" in text


def test_other_language_gets_english_and_an_interpreter_line(make_packet):
    answers = {"preferred_language": "other", "preferred_language_other": "Tagalog", "interpreter_needed": True}
    text = text_of(render_discharge(make_packet("clean", answers=answers)))
    assert "Going home after your kyphoplasty" in text
    assert "in Tagalog. This sheet is in English. Please ask for an interpreter" in text


def test_language_parameter_wins(make_packet):
    text = text_of(render_discharge(make_packet("clean"), language="es"))
    assert "Cuidados en casa" in text


def _body_font_sizes(pdf: bytes) -> list[float]:
    """The size of every piece of text the patient reads; the software line in the corner is for staff
    tracing the sheet, and stays small in large print too (test_software_line_is_small_in_the_corner)."""
    sizes: list[float] = []

    def visit(text, cm, tm, _font_dict, font_size):
        if text.strip() and not text.startswith("checklist_app "):
            sizes.append(round(font_size * tm[0], 1))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("language", LANGUAGES)
def test_large_print(make_packet, language):
    """Large-print guidance asks for 16 to 18 pt: every word the patient reads, headers and footers too."""
    normal = render_discharge(make_packet("clean"), language=language)
    large = render_discharge(make_packet("clean", answers={"dc_large_print": True}), language=language)
    assert len(page_texts(large)) > len(page_texts(normal))
    assert min(_body_font_sizes(large)) >= 16
    assert min(_body_font_sizes(render_discharge(make_packet("clean"), language=language, large_print=True))) >= 16


def test_english_reads_at_grade_8_or_below(make_packet, monkeypatch):
    import textstat
    import textstat.backend.counts._count_syllables as syllables

    # textstat counts English syllables with NLTK's CMU dictionary, which it downloads on first use; with no
    # network we count with its bundled Pyphen hyphenation dictionary instead (textstat's own fallback for
    # words the CMU dictionary lacks).
    monkeypatch.setattr(syllables, "get_cmudict", lambda lang: None)
    for procedure in ("kyphoplasty", "vertebroplasty"):
        text = text_of(render_discharge(make_packet("clean", answers={"procedure_type": procedure})))
        grade = textstat.flesch_kincaid_grade(text)
        assert grade <= 8, f"{procedure}: Flesch-Kincaid grade {grade:.1f}"


def _keys(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _keys(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip(".")


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_have_the_same_keys_and_known_placeholders(language):
    english = yaml.safe_load(resources.resource_path("text/discharge/en.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load(resources.resource_path(f"text/discharge/{language}.yaml").read_text(encoding="utf-8"))
    ignore = ("policy_phrases",)
    assert {k for k in _keys(data) if not k.startswith(ignore)} == \
        {k for k in _keys(english) if not k.startswith(ignore)}
    load_template(language)  # validates
    for text in _strings({k: v for k, v in data.items() if k != "date_format"}):
        for name in placeholders_in(text):  # refuses {a.b}, {a[0]}, {a:>9} and {a!r}
            assert name in PLACEHOLDERS, (language, text)


def test_spanish_translates_every_restart_time_of_the_shipped_policy(policy):
    phrases = load_template("es").policy_phrases
    missing = {m.restart for m in policy.medicines.values() if m.restart} - set(phrases)
    assert not missing, f"add to resources/text/discharge/es.yaml policy_phrases: {sorted(missing)}"
