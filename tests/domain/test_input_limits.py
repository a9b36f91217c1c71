"""What the loaders say about input beyond the bounds (``domain.limits``): the field, what is wrong, what is
allowed; exit 2 from ``check`` and ``validate-form``, never a traceback. The fuzz test
(test_fuzz_inputs.py) shows no input crashes; these pin down the sentences a user reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from checklist_app import resources
from checklist_app.cli import main
from checklist_app.domain import limits
from checklist_app.domain.errors import FormDefinitionError, PolicyDefinitionError, RecordValidationError
from checklist_app.domain.record import parse_record
from checklist_app.rules import load_form
from checklist_app.rules.policy import load_policy

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _check(tmp_path, capsys, text: str | bytes) -> tuple[int, str]:
    path = tmp_path / "r.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code = main(["check", str(path), "--now", "2026-11-21T10:00"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def _record_text(clean_data, weight: str) -> str:
    clean_data["answers"]["weight_kg"] = 12345
    return json.dumps(clean_data).replace("12345", weight)


def test_a_5000_digit_number_is_refused_at_its_field(tmp_path, capsys, clean_data):
    code, err = _check(tmp_path, capsys, _record_text(clean_data, "9" * 5000))
    assert code == 2
    assert "Weight [answers.weight_kg]: a number of 5,000 digits is too large. Allowed: a number from 20" in err


def test_a_number_too_large_for_any_field_in_python_data(form, clean_data):
    clean_data["created_by"] = 10 ** 5000  # as the database or a script might hand it over, already parsed
    with pytest.raises(RecordValidationError) as info:
        parse_record(clean_data, form, NOW)
    assert str(info.value.errors[0]) == ("created_by [created_by]: a number of about 5,001 digits is too large. "
                                         "Allowed: a number of at most 15 digits")


def test_nesting_too_deep_names_the_line_or_the_field(tmp_path, capsys, form, clean_data):
    text = json.dumps(clean_data, indent=1).replace('"mrn": ', '"mrn": ' + "[" * 5000 + "]" * 5000 + ", \"x\": ", 1)
    code, err = _check(tmp_path, capsys, text)
    line = text[: text.index("[[")].count("\n") + 1
    assert code == 2 and f"r.json: line {line}: nested more than 32 levels deep" in err
    nested: list = []
    clean_data["answers"]["mrn"] = nested
    for _ in range(100_000):  # far deeper than pydantic or Python's recursion could follow
        nested.append([])
        nested = nested[0]
    with pytest.raises(RecordValidationError) as info:
        parse_record(clean_data, form, NOW)
    error = info.value.errors[0]
    assert error.label == "Medical record number (MRN)" and error.field.startswith("answers.mrn[0][0]")
    assert error.problem == "is nested more than 32 levels deep"


def test_names_too_long_and_text_that_is_not_text(form, clean_data):
    clean_data["answers"]["x" * 70_000] = 1
    clean_data["form_version"] = "1" * 300
    clean_data["answers"]["patient_name"] = "Ann\x00Smith"
    with pytest.raises(RecordValidationError) as info:
        parse_record(clean_data, form, NOW)
    text = str(info.value)
    assert len(text) < 1000, "the message quotes the key, it does not copy it"
    assert "a key of 70,000 characters is too long. Allowed: key of at most 100 characters" in text
    assert "[answers.patient_name]: the text 'Ann\\x00Smith' holds the character U+0000, which is not text" in text
    del clean_data["answers"]["x" * 70_000]
    clean_data["answers"]["patient_name"] = "Ann Smith"
    with pytest.raises(RecordValidationError) as info:
        parse_record(clean_data, form, NOW)
    assert "form_version [form_version]: is longer than 40 characters" in str(info.value)


def test_thousands_of_wrong_entries_are_counted_not_listed(form, clean_data):
    clean_data["overrides"] = list(range(5000))
    with pytest.raises(RecordValidationError) as info:
        parse_record(clean_data, form, NOW)
    first = info.value.errors[0]
    assert first.field == "overrides[0]" and first.problem == "must be an object with named fields"
    assert len(info.value.errors) == 51 and info.value.errors[-1].problem.endswith("more problems not listed")


@pytest.mark.parametrize(("raw", "expected"), [
    (b"\xff\xfe{}", "r.json: line 1: not UTF-8 text (byte 0xff at position 0); save the file as UTF-8"),
    (b'{"record_id": ', "r.json: line 1: not valid JSON: Expecting value"),
    (b"{}" + b" " * (3 << 20), "r.json: the file is larger than 2 MB"),
    (b'{"a": NaN}', "a [a]: nan is not a number that can be used. Allowed: a finite number"),  # JSON has no NaN
])
def test_file_level_problems_exit_2_in_words(tmp_path, capsys, raw, expected):
    code, err = _check(tmp_path, capsys, raw)
    assert code == 2 and expected in err


def test_a_form_file_with_a_huge_number_or_a_long_id(tmp_path):
    text = resources.form_path(resources.DEFAULT_FORM).read_text(encoding="utf-8")
    path = tmp_path / "form.yaml"
    path.write_text(text.replace("max: 350", "max: " + "9" * 5000, 1), encoding="utf-8")
    with pytest.raises(FormDefinitionError) as info:
        load_form(path)
    assert "item 'weight_kg' in section" in str(info.value)
    assert "key 'max': a number of 5,000 digits is too large; allowed: a number of at most 15 digits" in str(info.value)
    path.write_text(text.replace("id: weight_kg", "id: " + "w" * 300, 1), encoding="utf-8")
    with pytest.raises(FormDefinitionError) as info:
        load_form(path)
    assert "String should have at most 64 characters" in str(info.value) and len(str(info.value)) < 600


def test_a_policy_whose_aliases_expand_a_billion_times_is_refused(tmp_path, capsys):
    text = resources.form_path("policies/sir-2019.yaml").read_text(encoding="utf-8")
    laughs = "x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 10))
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("sources:", laughs + "sources:", 1), encoding="utf-8")
    with pytest.raises(PolicyDefinitionError) as info:
        load_policy(path)
    assert f"holds more than {limits.MAX_VALUES:,} values (each use of a YAML alias counts again)" in str(info.value)
    assert main(["validate-form", str(path)]) == 2
    assert "holds more than" in capsys.readouterr().err


def test_the_shipped_files_are_well_within_the_bounds():
    for path in [resources.form_path(resources.DEFAULT_FORM), *resources.form_path("policies").glob("*.yaml"),
                 *resources.example_records()]:
        raw = path.read_bytes()
        assert len(raw) < limits.MAX_FILE_BYTES // 20, path
        data = json.loads(raw) if path.suffix == ".json" else resources.parse_yaml(raw.decode(), path)
        assert limits.find_problems(data) == [], path
