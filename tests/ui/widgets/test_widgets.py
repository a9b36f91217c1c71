"""The widget factory: every item kind has a widget, and each widget types, shows and refuses answers
the way a nurse at the desk would expect (typed times, scanned codes, levels, units, lists)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import NOW

from checklist_app.domain import conventions
from checklist_app.domain.items import ITEM_KINDS
from checklist_app.domain.timeutil import aware
from checklist_app.rules import load_form
from checklist_app.ui.widgets import WIDGET_CLASSES, create_item_widget
from checklist_app.workflows.answer_codec import is_valid

FORM = load_form()


def make(qtbot, item_id: str):
    widget = create_item_widget(FORM.item(item_id), clock=lambda: NOW)
    qtbot.addWidget(widget)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    return widget


def type_into(qtbot, editor, text: str, enter: bool = True) -> None:
    editor.setFocus()
    editor.clear() if hasattr(editor, "clear") else None
    qtbot.keyClicks(editor, text)
    if enter:
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_every_item_kind_has_a_widget_and_every_shipped_item_builds(qtbot):
    assert set(WIDGET_CLASSES) == set(ITEM_KINDS)
    for item in FORM.iter_items():
        widget = make(qtbot, item.id)
        if widget.takes_answer:
            assert widget.value() is None, item.id


@pytest.mark.parametrize(
    "item_id",
    ["patient_name", "date_of_birth", "sex", "identifiers_verified", "levels", "scheduled_start", "pain_score",
     "temperature", "inr", "last_milk", "allergies", "medications", "contrast_planned", "procedure_type"],
)
def test_set_value_then_value_round_trips_without_emitting(qtbot, item_id):
    from checklist_app.workflows.answer_codec import answers_from_json
    from checklist_app.workflows.demo import demo_data

    answers, _ = answers_from_json(FORM, demo_data(FORM, NOW.date())["answers"])
    widget = make(qtbot, item_id)
    with qtbot.assertNotEmitted(widget.answer_changed):
        widget.set_value(answers[item_id])
    assert widget.value() == answers[item_id]
    assert is_valid(FORM.item(item_id), widget.value())


def test_every_editor_has_an_accessible_name(qtbot):
    for item in FORM.iter_items():
        widget = make(qtbot, item.id)
        for part in widget.focus_widgets():
            assert part.accessibleName(), f"{item.id}: {type(part).__name__} has no accessible name"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0630", aware(datetime(2026, 11, 21, 6, 30))), ("yesterday 22:00", aware(datetime(2026, 11, 20, 22, 0))),
     ("today 0700", aware(datetime(2026, 11, 21, 7, 0))), ("2026-11-21 06:30", aware(datetime(2026, 11, 21, 6, 30)))],
)
def test_datetime_takes_typed_times_and_shows_the_day_understood(qtbot, typed, expected):
    widget = make(qtbot, "last_clear_liquid")
    with qtbot.waitSignal(widget.answer_changed) as signal:
        type_into(qtbot, widget.edit, typed)
    assert signal.args == [expected]
    assert widget.preview.text().startswith("= ")
    assert "Not understood" not in widget.problem.text


def test_datetime_says_inline_what_it_did_not_understand(qtbot):
    widget = make(qtbot, "last_clear_liquid")
    type_into(qtbot, widget.edit, "2460")
    assert widget.value() is None
    assert "Not understood: 24:60 is not a time of day" in widget.problem.text
    type_into(qtbot, widget.edit, "0600")
    assert widget.problem.text == ""


def test_datetime_none_answer_by_tick_or_by_typing_none(qtbot):
    widget = make(qtbot, "last_milk")
    type_into(qtbot, widget.edit, "none")
    assert widget.value() == "none"
    assert widget.none_box.isChecked() and not widget.edit.isEnabled()
    widget.none_box.setChecked(False)
    assert widget.value() is None


def test_date_refuses_the_future_when_the_form_says_so(qtbot):
    widget = make(qtbot, "date_of_birth")
    type_into(qtbot, widget.edit, "tomorrow")
    assert widget.value() is None and "in the future" in widget.problem.text
    type_into(qtbot, widget.edit, "19540312")
    assert widget.value() == date(1954, 3, 12)


def test_scan_field_takes_the_code_on_enter_only(qtbot):
    widget = make(qtbot, "wristband_scan")
    widget.edit.setFocus()
    with qtbot.assertNotEmitted(widget.answer_changed):
        qtbot.keyClicks(widget.edit, "MRN-2048")  # a scanner mid-code: nothing reaches the rules yet
    with qtbot.waitSignal(widget.answer_changed) as signal:
        qtbot.keyClicks(widget.edit, "11")
        qtbot.keyClick(widget.edit, Qt.Key.Key_Return)
    assert signal.args == ["MRN-204811"]


def test_scan_field_refuses_a_code_of_the_wrong_shape_inline(qtbot):
    widget = make(qtbot, "mrn")
    type_into(qtbot, widget.edit, "12")
    assert widget.value() is None
    assert "4 to 20 letters, digits or hyphens" in widget.problem.text


def test_number_range_and_whole_numbers(qtbot):
    widget = make(qtbot, "pain_score")
    type_into(qtbot, widget.edit, "11")
    assert widget.value() is None and "out of range" in widget.problem.text
    type_into(qtbot, widget.edit, "7.5")
    assert widget.value() is None and "whole number" in widget.problem.text
    type_into(qtbot, widget.edit, "7")
    assert widget.value() == 7 and widget.problem.text == ""


def test_measurement_takes_the_unit_typed_after_the_value(qtbot):
    widget = make(qtbot, "temperature")
    type_into(qtbot, widget.value_edit, "100.6 F")
    assert widget.value() == {"value": 100.6, "unit": "F"}
    assert widget.unit_combo.currentData() == "F"
    type_into(qtbot, widget.value_edit, "120 F")
    assert widget.value() is None and "out of range" in widget.problem.text


def test_dated_measurement_needs_its_date(qtbot):
    widget = make(qtbot, "inr")
    type_into(qtbot, widget.value_edit, "1.1")
    assert widget.value() is None and "date the sample was taken" in widget.problem.text
    assert QApplication.focusWidget() is widget.date_edit  # Enter went on to the date
    type_into(qtbot, widget.date_edit, "yesterday")
    assert widget.value() == {"value": 1.1, "unit": "ratio", "date": date(2026, 11, 20)}


@pytest.mark.parametrize(("typed", "expected"),
                         [("L1", ["L1"]), ("t12-l2", ["T12", "L1", "L2"]), ("L2, T11 L1", ["T11", "L1", "L2"])])
def test_levels_typed_with_ranges(qtbot, typed, expected):
    widget = make(qtbot, "levels")
    type_into(qtbot, widget.edit, typed)
    assert widget.value() == expected
    assert [v for v, box in widget.boxes.items() if box.isChecked()] == expected


def test_levels_unknown_level_is_refused_inline(qtbot):
    widget = make(qtbot, "levels")
    type_into(qtbot, widget.edit, "L9")
    assert widget.value() is None and "'L9' is not one of the options" in widget.problem.text


def test_radio_choice_by_first_letter_and_digit_and_delete_clears(qtbot):
    widget = make(qtbot, "sex")
    widget.first_focus().setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_M)
    assert widget.value() == "male"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    assert widget.value() == "female"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert widget.value() is None


def test_yes_no_by_y_and_n(qtbot):
    widget = make(qtbot, "contrast_planned")
    widget.first_focus().setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)
    assert widget.value() is True
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert widget.value() is False


def test_long_choice_list_searches_as_you_type(qtbot):
    widget = make(qtbot, "medications").add_entry()
    agent = widget.fields["agent"]
    qtbot.keyClicks(agent.combo, "Apix")
    assert agent.value() == "apixaban"


def test_confirm_is_none_until_touched(qtbot):
    widget = make(qtbot, "identifiers_verified")
    assert widget.value() is None
    widget.check_box.setFocus()
    qtbot.keyClick(widget.check_box, Qt.Key.Key_Space)
    assert widget.value() is True
    qtbot.keyClick(widget.check_box, Qt.Key.Key_Space)
    assert widget.value() is False


def test_confirm_by_y_n_and_delete_each_said_once(qtbot):
    widget = make(qtbot, "identifiers_verified")
    said = []
    widget.answer_changed.connect(said.append)
    widget.check_box.setFocus()
    for key in (Qt.Key.Key_Y, Qt.Key.Key_Y, Qt.Key.Key_N, Qt.Key.Key_Delete, Qt.Key.Key_N):
        qtbot.keyClick(widget.check_box, key)
    assert said == [True, False, None, False]
    qtbot.keyClick(widget.check_box, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # a mnemonic, not an answer
    assert said == [True, False, None, False] and widget.value() is False


def test_a_time_typed_on_the_none_box_goes_into_the_time_field(qtbot):
    widget = make(qtbot, "last_milk")
    widget.edit.setFocus()
    qtbot.keyClick(widget.edit, Qt.Key.Key_Return)  # Enter on the empty time moves on to "None since..."
    assert QApplication.focusWidget() is widget.none_box
    qtbot.keyClicks(QApplication.focusWidget(), "2200")
    assert widget.edit.text() == "2200" and QApplication.focusWidget() is widget.edit
    qtbot.keyClick(widget.edit, Qt.Key.Key_Return)
    assert widget.value() is not None and widget.value() != "none"
    widget.none_box.setChecked(True)
    widget.none_box.setFocus()
    qtbot.keyClicks(widget.none_box, "0")  # typing a time gives up "none": the field says so
    assert widget.value() is None and not widget.none_box.isChecked() and widget.edit.text() == "0"


def test_repeat_add_fill_remove_and_none(qtbot):
    widget = make(qtbot, "allergies")
    assert widget.value() is None
    widget.none_box.setChecked(True)
    assert widget.value() == []
    widget.none_box.setChecked(False)
    entry = widget.add_entry()
    assert widget.none_box.isHidden()
    assert QApplication.focusWidget() is entry.fields["substance"].first_focus()
    qtbot.keyClicks(entry.fields["substance"].combo, "Latex")
    type_into(qtbot, entry.fields["reaction"].edit, "hives")
    assert widget.value() == [{"substance": "latex", "reaction": "hives"}]
    assert entry.header.text() == "Entry 1 of 1: Latex"
    widget.remove_entry()
    assert widget.value() is None and not widget.none_box.isHidden()


def test_enter_moves_through_an_entry_then_to_add(qtbot):
    widget = make(qtbot, "allergies")
    entry = widget.add_entry()
    qtbot.keyClicks(entry.fields["substance"].combo, "Latex")
    qtbot.keyClick(entry.fields["substance"].combo, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is entry.fields["details"].edit
    for name in ("details", "reaction"):
        qtbot.keyClick(entry.fields[name].edit, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # severity: left empty
    assert QApplication.focusWidget() is widget.add_button
    qtbot.keyClick(widget.add_button, Qt.Key.Key_Return)
    assert widget.entry_count() == 2 and widget.current_entry() == 1
    assert QApplication.focusWidget() is entry.fields["substance"].first_focus()


def test_derived_value_is_read_only_and_says_what_it_waits_for(qtbot):
    widget = make(qtbot, "crcl")
    widget.set_inputs(["Weight", "Serum creatinine"])
    assert widget.display.text() == "Not calculated yet"  # what it waits for is under it, wrapped, never cut off
    assert widget.waiting_label.text() == "Calculated from Weight and Serum creatinine, once they are all answered."
    assert widget.waiting_label.wordWrap() and not widget.waiting_label.isHidden()
    widget.set_value(60.6)
    assert widget.display.text() == "60.6 mL/min" and widget.display.isReadOnly()
    assert widget.waiting_label.isHidden()
    assert widget.focus_widgets() == []


def test_search_by_the_start_of_each_word(qtbot):
    agent = make(qtbot, "medications").add_entry().fields["agent"]
    qtbot.keyClicks(agent.combo, "enox t")
    assert agent.value() == "enoxaparin_therapeutic"


def test_notes_take_several_lines_and_ctrl_enter_moves_on(qtbot):
    widget = make(qtbot, "neuro_deficit_details")
    widget.edit.setFocus()
    qtbot.keyClicks(widget.edit, "numb")
    qtbot.keyClick(widget.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(widget.edit, "left foot")
    with qtbot.waitSignal(widget.advance_requested):
        qtbot.keyClick(widget.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert widget.value() == "numb\nleft foot"


def test_temperature_units_are_shown_with_the_degree_sign(qtbot):
    widget = make(qtbot, "temperature")
    assert [widget.unit_combo.itemText(i) for i in range(widget.unit_combo.count())] == ["°F", "°C"]
    type_into(qtbot, widget.value_edit, "38.2 °C")
    assert widget.value() == {"value": 38.2, "unit": "C"}


# Typed text each typed field refuses, and the box it is typed into (by attribute name).
REFUSED = [("last_clear_liquid", "edit", "yesterdy 2200", "Not understood"),
           ("date_of_birth", "edit", "tomorrow", "in the future"),
           ("mrn", "edit", "12", "4 to 20 letters"),
           ("pain_score", "edit", "11", "out of range"),
           ("temperature", "value_edit", "abc", "not a number"),
           ("inr", "date_edit", "yestrday", "Date taken not understood"),
           ("levels", "edit", "Z9", "not one of the options")]


@pytest.mark.parametrize(("item_id", "box", "typed", "said"), REFUSED)
def test_set_value_shows_the_value_and_nothing_left_from_refused_text(qtbot, item_id, box, typed, said):
    widget = make(qtbot, item_id)
    if item_id == "inr":
        type_into(qtbot, widget.value_edit, "1.1", enter=False)
    type_into(qtbot, getattr(widget, box), typed)
    assert said in widget.problem.text and getattr(widget, box).property("problem") == "true"
    widget.set_value(None)
    assert widget.problem.text == ""
    assert all(part.property("problem") != "true" for part in widget.focus_widgets())  # no red border left


@pytest.mark.parametrize(("item_id", "box", "typed", "said"), REFUSED)
def test_refused_text_is_reported_and_put_back_with_its_message(qtbot, item_id, box, typed, said):
    widget = make(qtbot, item_id)
    reported: list[str] = []
    widget.unread_changed.connect(reported.append)
    if item_id == "inr":
        type_into(qtbot, widget.value_edit, "1.1", enter=False)
    type_into(qtbot, getattr(widget, box), typed)
    assert reported and typed in reported[-1]
    message = widget.problem.text
    widget.set_value(None)
    with qtbot.assertNotEmitted(widget.answer_changed), qtbot.assertNotEmitted(widget.unread_changed):
        widget.show_unread(reported[-1])
    assert getattr(widget, box).text() == typed and widget.problem.text == message
    assert getattr(widget, box).property("problem") == "true" and widget.value() is None


def test_unread_text_is_withdrawn_once_the_field_reads(qtbot):
    widget = make(qtbot, "last_clear_liquid")
    reported: list[str] = []
    widget.unread_changed.connect(reported.append)
    type_into(qtbot, widget.edit, "2460")
    type_into(qtbot, widget.edit, "0600")
    assert reported[0] == "2460" and reported[-1] == ""  # (Enter commits twice: reported again, harmlessly)
    assert widget.edit.property("problem") != "true"


def test_long_choice_list_starts_a_new_search_after_a_value_is_shown(qtbot):
    agent = make(qtbot, "medications").add_entry().fields["agent"]
    qtbot.keyClicks(agent.combo, "Apix")
    agent.set_value(None)  # e.g. another entry loaded into the same field
    qtbot.keyClicks(agent.combo, "Metf")  # within the search pause: must not search "ApixMetf"
    assert agent.value() == "metformin"


def test_us_site_reads_a_bare_temperature_in_fahrenheit(qtbot):
    widget = make(qtbot, "temperature")
    assert widget.unit_combo.currentText() == "°F"
    type_into(qtbot, widget.value_edit, "98.4")
    assert widget.value() == {"value": 98.4, "unit": "F"} and widget.problem.text == ""


def test_british_site_offers_celsius_first(qtbot):
    conventions.set_site_locale("en-GB")
    try:
        widget = make(qtbot, "temperature")
        assert [widget.unit_combo.itemText(i) for i in range(widget.unit_combo.count())] == ["°C", "°F"]
    finally:
        conventions.set_site_locale("en-US")


@pytest.mark.parametrize("typed", ["165 lb", "165 lbs", "165lbs", "165 pounds"])
def test_weight_typed_in_pounds_is_kept_in_kg_and_shown(qtbot, typed):
    widget = make(qtbot, "weight_kg")
    type_into(qtbot, widget.edit, typed)
    assert widget.value() == 74.8 and widget.converted.text() == "= 74.8 kg"
    assert not widget.unit_label.isVisible()  # not "165 lb kg = 74.8 kg"
    type_into(qtbot, widget.edit, "70 kg")
    assert widget.value() == 70.0 and widget.converted.text() == "" and widget.unit_label.isVisible()


def test_weight_in_an_unknown_unit_or_out_of_range_is_refused_in_words(qtbot):
    widget = make(qtbot, "weight_kg")
    type_into(qtbot, widget.edit, "165 st")
    assert widget.value() is None and "'st' is not a unit for this value; type it in kg or lb" in widget.problem.text
    type_into(qtbot, widget.edit, "900 lb")
    assert widget.value() is None and "900 lb (408.2 kg) is out of range" in widget.problem.text


@pytest.mark.parametrize(("typed", "expected"), [("bid", "bid"), ("qd", "daily"), ("qhs", "daily"), ("tid", "tid"),
                                                 ("q12h", "bid"), ("q8h", "tid"), ("prn", "as_needed"),
                                                 ("qid", "other"), ("Twice", "bid")])
def test_frequency_is_found_by_its_abbreviation(qtbot, typed, expected):
    frequency = make(qtbot, "medications").add_entry().fields["frequency"]
    assert frequency.combo is not None
    qtbot.keyClicks(frequency.combo, typed)
    assert frequency.value() == expected


def test_date_field_shows_and_takes_the_us_order(qtbot):
    widget = make(qtbot, "date_of_birth")
    assert widget.edit.placeholderText() == "MM/DD/YYYY"
    type_into(qtbot, widget.edit, "03/12/1954")
    assert widget.value() == date(1954, 3, 12)
    assert widget.preview.text() == "= Fri, Mar 12, 1954"
    widget.set_value(date(1954, 3, 12))
    assert widget.edit.text() == "03/12/1954"
