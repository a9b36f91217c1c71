"""Every item kind has everything a kind needs: an answer type, a text form, a form on the printed checklist
and a widget (the steps in ``checklist_app/domain/items.py``). A kind added to the ``Item`` union without a
sample here, or without an entry in any kind table, fails these tests.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import TypeAdapter
from pypdf import PdfReader

from checklist_app.domain.answer_text import TEXT_FORMS, format_answer, repeat_rows
from checklist_app.domain.answers import ANSWER_TYPES, answer_type, holds_answer
from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.items import ITEM_KINDS, ITEM_MODELS, Item, MissingKindEntry, kind_entry
from checklist_app.domain.record import parse_record

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)

_LEVELS = [{"value": "L1", "label": "Level L1"}, {"value": "L2", "label": "Level L2"}]
_AGENTS = [{"value": "aspirin", "label": "Aspirin"}, {"value": "other", "label": "Other"}]

# kind -> (the item, an answer as saved in a record (None: the kind holds no answer), that answer in words).
# The derived sample's answer is what the engine would compute; its inputs must be earlier samples. Its id is
# one the PDF's summary lists, because the checklist PDF needs at least one summary value.
SAMPLES: dict[str, tuple[dict[str, Any], Any, str]] = {
    "confirm": ({"id": "s_confirm", "label": "Sample confirm", "kind": "confirm"}, True, "Yes, confirmed"),
    "yes_no": ({"id": "s_yes_no", "label": "Sample yes or no", "kind": "yes_no"}, False, "No"),
    "choice": ({"id": "s_choice", "label": "Sample choice", "kind": "choice", "options": _AGENTS},
               "aspirin", "Aspirin"),
    "multi_choice": ({"id": "s_multi_choice", "label": "Sample levels", "kind": "multi_choice",
                      "options": _LEVELS}, ["L1", "L2"], "Level L1, Level L2"),
    "number": ({"id": "s_number", "label": "Sample number", "kind": "number", "unit": "kg", "min": 1,
                "max": 300}, 61.25, "61.2 kg"),
    "measurement": ({"id": "s_measurement", "label": "Sample temperature", "kind": "measurement",
                     "canonical_unit": "C", "dated": True,
                     "units": [{"unit": "C", "factor": 1, "min": 30, "max": 45}]},
                    {"value": 37.2, "unit": "C", "date": "2026-11-20"}, "37.2 °C (taken 11/20/2026)"),
    "date": ({"id": "s_date", "label": "Sample date", "kind": "date"}, "2026-11-18", "11/18/2026"),
    "datetime": ({"id": "s_datetime", "label": "Sample time", "kind": "datetime", "none_label": "Never"},
                 "2026-11-20T08:30", "11/20/2026 8:30 AM"),
    "text": ({"id": "s_text", "label": "Sample text", "kind": "text"}, "Sample typed words", "Sample typed words"),
    "repeat": ({"id": "s_repeat", "label": "Sample list", "kind": "repeat", "title_field": "agent",
                "fields": [{"id": "agent", "label": "Agent", "kind": "choice", "options": _AGENTS},
                           {"id": "dose", "label": "Dose", "kind": "text"}]},
               [{"agent": "aspirin", "dose": "81 mg daily"}], "1 entries"),
    "derived": ({"id": "level_count", "label": "Sample count", "kind": "derived", "formula": "count",
                 "inputs": {"items": "s_multi_choice"}, "unit": "levels"}, 2, "2 levels"),
    "info": ({"id": "s_info", "label": "Sample note for the nurse", "kind": "info"}, None, ""),
}


def sample(kind: str) -> tuple[Any, Any, str]:
    """(item, saved answer, answer in words) of one kind; fails naming what to add when there is none."""
    assert kind in SAMPLES, f"item kind {kind!r} has no sample: add one to SAMPLES in {__file__}"
    data, value, text = SAMPLES[kind]
    item = TypeAdapter(Item).validate_python(data)
    assert type(item) is ITEM_MODELS[kind]
    return item, value, text


@pytest.fixture(scope="module")
def sample_form() -> FormDefinition:
    items = [SAMPLES[kind][0] for kind in ITEM_KINDS if kind in SAMPLES]
    return FormDefinition.model_validate({
        "schema_version": 1, "id": "item_kinds", "version": "1", "title": "Every item kind",
        "sections": [{"id": "every_kind", "title": "Every kind", "items": items}],
    })


def typed(kind: str) -> Any:
    """The sample answer as the renderers get it: parsed as a record parses it, or computed (derived)."""
    item, value, _ = sample(kind)
    if value is None or not holds_answer(item):
        return value
    adapter = TypeAdapter(answer_type(item))
    return adapter.dump_python(adapter.validate_python(value), exclude_none=True)


def test_item_kinds_are_the_kinds_the_form_format_accepts():
    mapping = TypeAdapter(Item).json_schema()["discriminator"]["mapping"]
    assert set(ITEM_KINDS) == set(mapping) == set(ITEM_MODELS)
    assert len(ITEM_KINDS) == len(set(ITEM_KINDS))
    assert set(SAMPLES) <= set(ITEM_KINDS), "SAMPLES names a kind that no longer exists"


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_kind_has_an_answer_type(kind):
    item, value, _ = sample(kind)
    assert kind in ANSWER_TYPES, f"add '{kind}' to ANSWER_TYPES in checklist_app/domain/answers.py"
    if value is None or kind == "derived":
        assert not holds_answer(item)
        with pytest.raises(TypeError):
            answer_type(item)
    else:
        assert holds_answer(item)
        TypeAdapter(answer_type(item)).validate_python(value)


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_kind_has_a_text_form(kind):
    item, _, text = sample(kind)
    assert kind in TEXT_FORMS, f"add '{kind}' to TEXT_FORMS in checklist_app/domain/answer_text.py"
    assert format_answer(item, typed(kind)) == text
    assert format_answer(item, None) == ""


def test_a_kind_without_an_entry_is_an_error_not_a_guess():
    item = SimpleNamespace(kind="not_a_kind", id="stray")
    with pytest.raises(MissingKindEntry, match="no text form for item kind 'not_a_kind' \\(item 'stray'\\)"):
        format_answer(item, "some value")
    with pytest.raises(MissingKindEntry, match="ANSWER_TYPES"):
        answer_type(item)
    with pytest.raises(MissingKindEntry, match="MY_TABLE"):
        kind_entry({}, item, "thing", "MY_TABLE")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def sample_pdf_text(sample_form) -> str:
    """The checklist PDF of a form with one item of each kind, every one answered and visible, as text."""
    from checklist_app.pdf import SignedPacket, render_checklist

    answers = {item.id: SAMPLES[item.kind][1] for item in sample_form.iter_items() if holds_answer(item)}
    record = parse_record({"record_id": "kinds", "form_id": sample_form.id, "form_version": "1",
                           "created_by": "rn.test", "created_at": "2026-11-20T15:00", "answers": answers},
                          sample_form, NOW)
    evaluation = Evaluation(form_id=sample_form.id, form_version="1", policy_id="test", policy_version="1",
                            evaluated_at=NOW.isoformat(), findings=(), missing_required=(),
                            visible_items=frozenset(i.id for i in sample_form.iter_items()),
                            derived={"level_count": typed("derived")})
    policy = SimpleNamespace(id="test", version="1", medicines={})
    pdf = render_checklist(SignedPacket(record=record, form=sample_form, evaluation=evaluation, policy=policy),
                           invariant=True)
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_kind_prints_on_the_checklist_pdf(kind, sample_pdf_text):
    item, _, _ = sample(kind)
    value = typed(kind)
    if value is None:  # holds no answer: left off the paper
        assert _flat(item.label) not in sample_pdf_text
        return
    assert _flat(item.label) in sample_pdf_text
    if kind == "repeat":  # a sub-table, one row per entry
        header, rows = repeat_rows(item, value)
        for cell in [*header, *(c for row in rows for c in row)]:
            assert _flat(cell) in sample_pdf_text, cell
    else:
        assert _flat(format_answer(item, value)) in sample_pdf_text


@pytest.mark.gui
@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_kind_has_a_widget(kind, qtbot):
    from checklist_app.ui.widgets import WIDGET_CLASSES, ItemWidget, create_item_widget

    item, _, _ = sample(kind)
    assert kind in WIDGET_CLASSES, f"add '{kind}' to WIDGET_CLASSES in checklist_app/ui/widgets/__init__.py"
    assert issubclass(WIDGET_CLASSES[kind], ItemWidget)
    widget = create_item_widget(item, clock=lambda: NOW)
    qtbot.addWidget(widget)
    assert widget.takes_answer == holds_answer(item)
    if widget.takes_answer:
        widget.set_value(typed(kind))
        assert widget.value() == typed(kind)
