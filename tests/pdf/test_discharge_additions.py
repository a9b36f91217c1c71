"""The discharge sheet's additions from the 2026-12 review (clinical reference section 9): physical therapy,
sedation precautions, each held medicine's restart as a day and clock time from the policy's hours, the signs
of a stroke when an anticoagulant was held, the treated level in plain words, and English free text marked
for the interpreter on a Spanish sheet. The clean example is scheduled for Tuesday 1 December 2026, 08:30."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from pdf_helpers import flat, page_texts

from checklist_app import resources
from checklist_app.domain.site import load_site
from checklist_app.pdf import render_discharge
from checklist_app.pdf.discharge_text import load_template
from checklist_app.pdf.discharge_times import format_time, level_words, round_up_half_hour

pytestmark = pytest.mark.pdf

APIXABAN = {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": "2026-11-27T20:00"}
WARFARIN = {"agent": "warfarin", "dose": "3 mg", "frequency": "daily", "last_dose": "2026-11-25T20:00"}
ENOXAPARIN = {"agent": "enoxaparin_prophylactic", "dose": "40 mg", "frequency": "daily",
              "last_dose": "2026-11-29T08:00"}
CLOPIDOGREL = {"agent": "clopidogrel", "dose": "75 mg", "frequency": "daily", "last_dose": "2026-11-25T08:00"}
ASPIRIN = {"agent": "aspirin", "dose": "81 mg", "frequency": "daily", "last_dose": "2026-11-27T08:00"}


def text_of(pdf: bytes) -> str:
    return flat(" ".join(page_texts(pdf)))


def sheet(make_packet, language="en", site=None, policy=None, **answers) -> str:
    packet = make_packet("clean", answers={"thrombotic_risk_high": False, **answers})
    if site is not None or policy is not None:
        packet = dataclasses.replace(packet, site=site or packet.site_settings, policy=policy or packet.policy)
    return text_of(render_discharge(packet, language=language))


def site_with(**defaults):
    site = load_site(resources.form_path("site.yaml"))
    return site.model_copy(update={"discharge_defaults": site.discharge_defaults.model_copy(update=defaults)})


def test_physical_therapy_may_help(make_packet):
    assert "Physical therapy may help." in sheet(make_packet)
    assert "La fisioterapia puede ayudar." in sheet(make_packet, "es")


def test_sedation_precautions_end_at_a_clock_time_counted_from_the_site_hours(make_packet):
    text = sheet(make_packet)
    # 08:30 start + 60 min planned length + 24 h (forms/site.yaml)
    assert "For 24 hours, until 9:30 AM on Wednesday, December 2, 2026:" in text
    for line in ("Do not drink alcohol.", "Do not drive.", "Do not make big choices or sign important papers."):
        assert line in text
    other = sheet(make_packet, site=site_with(sedation_precaution_hours=12, procedure_minutes=90))
    assert "For 12 hours, until 10:00 PM on Tuesday, December 1, 2026:" in other
    assert "Durante 24 horas, hasta las 9:30 a. m. del miércoles 2 de diciembre de 2026:" in sheet(make_packet, "es")


def test_no_sedation_precautions_after_local_anaesthetic_only(make_packet):
    text = sheet(make_packet, sedation_type="local_only")
    assert "Do not drink alcohol" not in text and "made you sleepy" not in text


def test_each_held_medicine_restarts_on_a_day_at_a_clock_time(make_packet):
    text = sheet(make_packet, medications=[APIXABAN, WARFARIN, ENOXAPARIN, CLOPIDOGREL])
    # restart hours from forms/policies/sir-2019.yaml, counted from 09:30 (start + planned length)
    assert "Apixaban 5 mg: start it again at 9:30 AM on Wednesday, December 2, 2026." in text  # 24 h
    assert "Enoxaparin (prophylactic) 40 mg: start it again at 9:30 PM on Tuesday, December 1, 2026." in text  # 12
    assert "Clopidogrel 75 mg: start it again at 3:30 PM on Tuesday, December 1, 2026." in text  # 6 h
    assert ("Warfarin 3 mg: start it again on Wednesday, December 2, 2026, at the time of day you usually "
            "take it.") in text  # the day after
    assert "These times count from the planned end of your procedure, 9:30 AM." in text
    assert "Why the time matters: if you start too soon, you could bleed near your spine." in text
    assert "24 hours after the procedure" not in text


def test_restart_hours_are_data_not_code(make_packet, policy):
    medicines = dict(policy.medicines)
    medicines["apixaban"] = medicines["apixaban"].model_copy(update={"restart_hours": 48})
    changed = policy.model_copy(update={"medicines": medicines})
    text = sheet(make_packet, policy=changed, medications=[APIXABAN])
    assert "Apixaban 5 mg: start it again at 9:30 AM on Thursday, December 3, 2026." in text


def test_restart_time_is_rounded_up_and_counts_from_the_scheduled_start(make_packet):
    text = sheet(make_packet, scheduled_start="2026-12-01T11:10", medications=[APIXABAN])
    # 11:10 + 60 min + 24 h = 12:10 -> 12:30, never earlier than computed
    assert "Apixaban 5 mg: start it again at 12:30 PM on Wednesday, December 2, 2026." in text


def test_spanish_restart_and_why(make_packet):
    text = sheet(make_packet, "es", medications=[APIXABAN, WARFARIN])
    assert "Apixaban 5 mg: vuelva a tomarla a las 9:30 a. m. del miércoles 2 de diciembre de 2026." in text
    assert "Warfarin 3 mg: vuelva a tomarla el miércoles 2 de diciembre de 2026" in text
    assert "Por qué importa la hora:" in text


@pytest.mark.parametrize(("moment", "language", "expected"), [
    ("2026-12-01T09:30", "en", "9:30 AM"), ("2026-12-01T12:00", "en", "12:00 noon"),
    ("2026-12-01T00:00", "en", "12:00 midnight"), ("2026-12-01T13:00", "es", "la 1:00 p. m."),
    ("2026-12-01T21:30", "es", "las 9:30 p. m."), ("2026-12-01T12:00", "es", "las 12:00 del mediodía"),
])
def test_clock_times(moment, language, expected):
    shown = format_time(load_template(language).clock, datetime.fromisoformat(moment))
    assert shown == expected.replace(" ", "\u00a0")  # never broken between the hour and AM


@pytest.mark.parametrize(("moment", "rounded"), [("14:10", "14:30"), ("14:30", "14:30"), ("14:31", "15:00"),
                                                 ("23:45", "00:00")])
def test_round_up_half_hour(moment, rounded):
    result = round_up_half_hour(datetime.fromisoformat(f"2026-12-01T{moment}"))
    assert result.strftime("%H:%M") == rounded and result >= datetime.fromisoformat(f"2026-12-01T{moment}")


def test_stroke_signs_when_an_anticoagulant_was_held(make_packet):
    text = sheet(make_packet, medications=[APIXABAN])
    assert "Signs of a stroke: call 911 right away" in text
    for sign in ("Balance:", "Eyes:", "Face: one side of your face droops", "Arms:", "Speech:", "Time:"):
        assert sign in text
    assert "Señales de un derrame cerebral: llame al 911 de inmediato" in sheet(make_packet, "es",
                                                                                 medications=[WARFARIN])


@pytest.mark.parametrize("medications", [[], [ASPIRIN, CLOPIDOGREL]], ids=["none", "antiplatelets only"])
def test_no_stroke_box_without_a_held_anticoagulant(make_packet, medications):
    assert "Signs of a stroke" not in sheet(make_packet, medications=medications)


def test_the_level_in_plain_words(make_packet):
    assert "Part of the spine treated The first bone of your lower back (L1)" in sheet(make_packet)
    two = sheet(make_packet, levels=["T12", "L1"], consent_levels=["T12", "L1"])
    assert "The twelfth bone of your middle back (T12) and the first bone of your lower back (L1)" in two
    assert "El primer hueso de la parte baja de la espalda (L1)" in sheet(make_packet, "es")


@pytest.mark.parametrize(("level", "words"), [("C7", "the seventh bone of your neck (C7)"),
                                              ("T4", "the fourth bone of your middle back (T4)"),
                                              ("L5", "the fifth bone of your lower back (L5)"),
                                              ("S1", "the top of the bone at the base of your spine (S1)"),
                                              ("X9", "X9")])
def test_level_words(level, words):
    assert level_words(load_template("en").spine, level) == words


def test_english_free_text_is_marked_for_the_interpreter_on_a_spanish_sheet(make_packet):
    typed = sheet(make_packet, "es", dc_follow_up="See Dr. Mensah on Dec 15", dc_extra_instructions="No yoga yet")
    marker = "Escrito en inglés por la enfermera. Pida a su intérprete que se lo lea:"
    assert f"{marker} See Dr. Mensah on Dec 15" in typed
    assert f"Otras instrucciones de su médico {marker} No yoga yet" in typed
    default = sheet(make_packet, "es")  # the clinic's default follow-up, written in English in forms/site.yaml
    assert "Escrito en inglés por la clínica. Pida a su intérprete que se lo lea: Clinic visit in 2 weeks" in default
    english = sheet(make_packet, dc_follow_up="See Dr. Mensah on Dec 15")
    assert "Written by" not in english and "See Dr. Mensah on Dec 15" in english
