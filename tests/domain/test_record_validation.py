"""A record's answers are refused field by field, with the field named and what is allowed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checklist_app.domain.errors import RecordValidationError
from checklist_app.domain.record import parse_record

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def refused(form, data):
    with pytest.raises(RecordValidationError) as info:
        parse_record(data, form, NOW)
    return info.value.errors


def test_clean_example_is_valid(form, clean_data):
    record = parse_record(clean_data, form, NOW)
    assert record.answer_values()["patient_name"] == "Okafor, Grace Adaeze"


@pytest.mark.parametrize(
    ("field", "value", "path", "problem", "allowed"),
    [
        ("date_of_birth", "2030-01-01", "answers.date_of_birth", "in the future", "not in the future"),
        ("weight_kg", -5, "answers.weight_kg", "-5 is out of range", "from 20 to 350 kg"),
        ("inr", {"value": "abc", "unit": "ratio", "date": "2026-11-18"}, "answers.inr.value", "'abc' is not a number",
         "0.5 to 15 ratio"),
        ("levels", ["Z9"], "answers.levels[0]", "'Z9' is not one of the choices", "C1, C2"),
        ("sex", "unknown", "answers.sex", "not one of the choices", "female, male"),
        ("mrn", "12", "answers.mrn", "does not have the expected format", "4 to 20 letters"),
        ("platelets", {"value": 100, "unit": "per litre", "date": "2026-11-18"}, "answers.platelets.unit",
         "not one of the choices", "x10^9/L"),
        ("temperature", {"value": 120, "unit": "F"}, "answers.temperature", "outside 86 to 111 F", "86 to 111 F"),
        ("identifiers_verified", "maybe", "answers.identifiers_verified", "not yes (true) or no (false)",
         "true"),
        ("scheduled_start", "tomorrow-ish", "answers.scheduled_start", "not a date and time", "YYYY-MM-DDTHH:MM"),
        ("inr", {"value": 1.1, "unit": "ratio", "date": "2027-01-01"}, "answers.inr.date", "in the future",
         "not after"),
    ],
)
def test_bad_answer_is_refused_with_field_and_allowed(form, clean_data, field, value, path, problem, allowed):
    clean_data["answers"][field] = value
    errors = refused(form, clean_data)
    error = next(e for e in errors if e.field == path)
    assert problem in error.problem
    assert allowed in error.allowed
    assert error.label and error.label != path


def test_last_dose_after_the_start_is_refused(form, clean_data):
    clean_data["answers"]["medications"][0]["last_dose"] = "2026-12-01T09:00"
    (error,) = refused(form, clean_data)
    assert error.field == "answers.medications[0].last_dose"
    assert "after the scheduled start" in error.problem
    assert error.label.startswith("Medications #1")


def test_every_problem_is_reported_not_just_the_first(form, clean_data):
    clean_data["answers"].update(weight_kg="heavy", levels=["Z9"], sex=3)
    assert {e.field for e in refused(form, clean_data)} >= {"answers.weight_kg", "answers.levels[0]", "answers.sex"}


def test_unknown_answer_and_derived_values_are_refused(form, clean_data):
    clean_data["answers"]["crcl"] = 80
    clean_data["answers"]["favourite_colour"] = "blue"
    fields = {e.field: e.problem for e in refused(form, clean_data)}
    assert "not a field of this record or form" in fields["answers.crcl"]
    assert "answers.favourite_colour" in fields


def test_record_for_another_form_is_refused(form, clean_data):
    clean_data["form_id"] = "cataract"
    (error,) = refused(form, clean_data)
    assert error.field == "form_id"


def test_a_half_typed_draft_is_valid(form, clean_data):
    """Drafts are incomplete by nature; completeness is the engine's business, not the parser's."""
    clean_data["answers"] = {"patient_name": "Doe, J", "medications": [{"agent": "warfarin"}]}
    assert parse_record(clean_data, form, NOW).answer_values()["medications"] == [{"agent": "warfarin"}]


def test_text_is_kept_as_typed(form, clean_data):
    clean_data["answers"]["proceduralist"] = 'Dr. O\'Neil <IR> & "Spine"'
    assert parse_record(clean_data, form, NOW).answer_values()["proceduralist"] == 'Dr. O\'Neil <IR> & "Spine"'


def test_message_reads_as_sentences(form, clean_data):
    clean_data["answers"]["weight_kg"] = -5
    with pytest.raises(RecordValidationError) as info:
        parse_record(clean_data, form, NOW, source="x.json")
    assert str(info.value).splitlines()[1] == (
        "  - Weight [answers.weight_kg]: -5 is out of range. Allowed: a number from 20 to 350 kg")
