"""The site's conventions: dates, times and spelling for en-US (the default) and en-GB, from CLDR through Babel,
and British wording for a British site through the same loading path as the American texts."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime

import pytest

from checklist_app import resources
from checklist_app.domain import conventions
from checklist_app.domain.answer_text import format_moment
from checklist_app.pdf.discharge_text import load_template
from checklist_app.rules import load_form, load_policy_for
from checklist_app.workflows import messages

DAY = date(2026, 12, 1)
MOMENT = datetime(2026, 12, 1, 8, 30)
EVENING = datetime(2026, 12, 1, 20, 5)


@pytest.fixture
def en_gb():
    conventions.set_site_locale("en-GB")
    yield "en-GB"
    conventions.set_site_locale("en-US")


def test_us_dates_and_times():
    assert conventions.site_locale() == "en-US"
    assert conventions.format_date(DAY) == "12/01/2026"
    assert conventions.format_weekday_date(DAY) == "Tue 12/01/2026"
    assert conventions.format_time(MOMENT) == "8:30 AM"
    assert conventions.format_time(EVENING) == "8:05 PM"
    assert conventions.format_datetime(MOMENT) == "12/01/2026 8:30 AM"
    assert conventions.format_named_date(DAY) == "Tue, Dec 1, 2026"
    assert conventions.format_long_date(DAY) == "Tuesday, December 1, 2026"
    assert conventions.date_order() == "MM/DD/YYYY"
    assert conventions.temperature_unit() == "F"
    assert format_moment(MOMENT) == "12/01/2026 8:30 AM"


def test_british_dates_and_times(en_gb):
    assert conventions.site_locale() == en_gb
    assert conventions.format_date(DAY) == "01/12/2026"
    assert conventions.format_weekday_date(DAY) == "Tue 01/12/2026"
    assert conventions.format_time(EVENING) == "20:05"
    assert conventions.format_datetime(MOMENT) == "01/12/2026 08:30"
    assert conventions.format_long_date(DAY) == "Tuesday, 1 December 2026"
    assert conventions.date_order() == "DD/MM/YYYY"
    assert conventions.temperature_unit() == "C"


def test_an_unknown_locale_is_refused():
    with pytest.raises(ValueError, match="en-US, en-GB"):
        conventions.set_site_locale("fr-FR")


def test_spelling_keeps_case_and_whole_words(en_gb):
    assert conventions.site_locale() == en_gb
    assert conventions.site_wording("Tell the anesthesiologist; General ANESTHESIA. Anesthesiology 2023") == \
        "Tell the anaesthetist; General ANAESTHESIA. Anesthesiology 2023"
    assert conventions.site_wording("Hemoglobin", "en-US") == "Hemoglobin"


def _sedation_labels(form):
    item = form.item("sedation_type")
    return item.label, [o.label for o in item.options], [o.value for o in item.options]


def test_us_site_reads_american_wording():
    form = load_form()
    label, options, values = _sedation_labels(form)
    assert label == "Sedation / anesthesia planned"
    assert "General anesthesia" in options
    assert form.item("hemoglobin").label == "Hemoglobin"
    assert "checkboxes" in messages.text("help.shortcuts")


def test_british_site_reads_british_wording_and_keeps_every_stored_value(en_gb):
    assert conventions.site_locale() == en_gb
    form = load_form()
    label, options, values = _sedation_labels(form)
    assert label == "Sedation / anaesthesia planned"
    assert "General anaesthesia" in options
    assert form.item("hemoglobin").label == "Haemoglobin"
    assert "tick boxes" in messages.text("help.shortcuts")  # the screens' messages too
    assert form.item("sleep_apnoea").label == "Obstructive sleep apnoea"
    substances = form.item("allergies").field("substance").option_values()
    assert {"local_anaesthetic", "sedative_anaesthetic"} <= set(substances)
    conventions.set_site_locale("en-US")
    assert _sedation_labels(load_form())[2] == values  # the stored values are the same for both sites
    conventions.set_site_locale("en-GB")
    policy = load_policy_for(form)
    actions = " ".join(rule.action or "" for rule in policy.rules if hasattr(rule, "action"))
    wording = " ".join(str(rule.model_dump()) for rule in policy.rules)
    assert "anaesthetist" in wording and "anesthesiologist" not in wording, actions
    assert "ANAESTHESIA-PRONE" in {rule.source for rule in policy.rules}


def test_discharge_sheet_follows_the_site(en_gb):
    assert conventions.site_locale() == en_gb
    british = load_template("en")
    assert british.format_date(DAY) == "Tuesday, 1 December 2026"
    assert not british.clock.uses_twelve_hour()
    conventions.set_site_locale("en-US")
    american = load_template("en")
    assert american.format_date(DAY) == "Tuesday, December 1, 2026"
    assert american.clock.uses_twelve_hour()
    assert load_template("es").format_date(DAY) == "martes 1 de diciembre de 2026"


def test_babel_is_not_imported_until_a_date_is_shown():
    code = ("import sys; import checklist_app.domain.conventions, checklist_app.domain.typed_time, "
            "checklist_app.domain.answer_text; print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("locale", conventions.LOCALES)
def test_the_cldr_extract_is_babels_data(locale):
    """If Babel's CLDR data changes, regenerate the file: {loc: conventions.cldr_extract(loc) for loc in LOCALES}
    written as JSON (indent 2, ensure_ascii False) to resources/text/conventions/cldr-extract.json."""
    shipped = json.loads(resources.resource_path(conventions.EXTRACT_FILE).read_text(encoding="utf-8"))
    assert shipped[locale] == conventions.cldr_extract(locale)


@pytest.mark.parametrize("locale", conventions.LOCALES)
def test_dates_and_times_read_from_the_extract_are_what_babel_writes(locale):
    from babel import dates

    conventions.set_site_locale(locale)
    try:
        extract = conventions.cldr_extract(locale)
        name = conventions.babel_locale(locale)
        for hour in range(24):
            moment = datetime(2026, 1 + hour % 12, 1 + hour, hour, 5 * (hour % 12), 30)
            assert conventions.format_time(moment) == \
                dates.format_time(moment.time(), extract["time"], locale=name).replace("\u202f", " ")
            assert conventions.format_time(moment, seconds=True) == \
                dates.format_time(moment.time(), extract["time_seconds"], locale=name).replace("\u202f", " ")
            assert conventions.format_weekday_date(moment.date()) == \
                dates.format_date(moment.date(), f"EEE {extract['date']}", locale=name)
    finally:
        conventions.set_site_locale("en-US")


def test_the_first_windows_times_need_no_babel():
    code = ("import sys; from datetime import datetime; from checklist_app.domain import conventions; "
            "conventions.format_datetime(datetime(2026, 12, 1, 8, 30)); "
            "conventions.format_weekday_date(datetime(2026, 12, 1).date()); print('babel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
