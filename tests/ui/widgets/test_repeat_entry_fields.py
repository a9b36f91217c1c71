"""A list field asked only for some entries (why aspirin is taken, the dose intensity of enoxaparin) is shown
and reached with Tab only on those entries, and appears as soon as the medicine is chosen."""

from __future__ import annotations

from datetime import timedelta

from test_repeat_list import shown  # noqa: F401  (the fixture)
from ui_helpers import NOW

ASPIRIN = {"agent": "aspirin", "dose": "81 mg", "frequency": "daily", "last_dose": NOW - timedelta(days=6)}
APIXABAN = {"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": NOW - timedelta(days=3)}


def _shown_fields(editor) -> set[str]:
    return {field_id for field_id, widget in editor.fields.items() if not widget.isHidden()}


def test_each_entry_shows_only_the_fields_that_apply_to_it(shown):  # noqa: F811
    widget = shown()
    widget.set_value([ASPIRIN, APIXABAN])
    widget.select_entry(0)
    assert "aspirin_reason" in _shown_fields(widget.editor) and "dose_intensity" not in _shown_fields(widget.editor)
    reason = widget.editor.fields["aspirin_reason"]
    assert set(reason.focus_widgets()) & set(widget.editor.focus_widgets())
    widget.select_entry(1)
    assert not {"aspirin_reason", "dose_intensity"} & _shown_fields(widget.editor)
    assert not set(reason.focus_widgets()) & set(widget.editor.focus_widgets())  # Tab never lands on it


def test_choosing_the_medicine_shows_its_field_at_once(shown):  # noqa: F811
    widget = shown()
    widget.set_value([APIXABAN])
    widget.select_entry(0)
    assert "dose_intensity" not in _shown_fields(widget.editor)
    widget.editor.fields["agent"].set_value("enoxaparin")
    widget.editor.fields["agent"].answer_changed.emit("enoxaparin")
    assert "dose_intensity" in _shown_fields(widget.editor)
    assert widget.value()[0]["agent"] == "enoxaparin"
