"""The patient calendar's words: one YAML template per language in resources/text/calendar/, filled with a
fixed set of values. Like the discharge sheet's templates (``discharge_text``): ``{name}`` placeholders from
``PLACEHOLDERS`` only, no attribute access, indexing or format specs.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checklist_app import resources
from checklist_app.domain.conventions import format_long_date, month_first, site_locale
from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf.discharge_text import ClockText, fill_template

LANGUAGES = ("en", "es")
PLACEHOLDERS = frozenset({
    "patient_name", "procedure", "procedure_day", "procedure_time", "facility_name", "clinic_phone",
    "after_hours_phone", "emergency_number", "medicine", "time", "day", "lab", "from_day", "by_day", "by_time",
    "page", "total", "signer", "signed_day", "hours", "language",
})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Steps(_Strict):
    """One line on a day of the calendar; {medicine}, {time}, {day} are filled per line."""

    last_dose: str
    last_dose_evening: str
    no_dose_after: str
    skip: str
    too_late: str
    restart_at: str
    restart_day: str
    restart_ask: str
    ask_about: str
    liquid_diet: str
    labs_due: str
    food_until: str
    food_until_liquid_diet: str
    clear_until: str
    clear_examples: str
    procedure: str


class Block(_Strict):
    """A heading, an optional lead-in and bullet points."""

    heading: str
    intro: str = ""
    bullets: tuple[str, ...] = ()


class CalendarTemplate(_Strict):
    """One language's calendar template file."""

    language: str
    # The CLDR pattern of a day on the calendar ('Monday, December 7'); English follows the site's locale.
    date_pattern: str
    date_locale: str = ""  # empty: the site's (en-US or en-GB)
    date_pattern_day_first: str = ""  # for a site locale writing the day before the month (en-GB)
    clock: ClockText
    # A dose at or after this hour (24-hour, 0-23) is called the evening dose.
    evening_from_hour: int = Field(ge=12, le=23)
    # A step before this hour is listed under the evening before, its time marked as after midnight: "12:30 AM
    # on Tuesday" is read as Tuesday night by many.
    night_until_hour: int = Field(ge=0, le=6)
    after_midnight: str
    labels: dict[str, str]
    procedures: dict[str, str]
    intro: tuple[str, ...]
    steps: Steps
    keep_taking: Block
    ask_us: Block
    labs: Block
    lab_line: str
    lab_line_by: str
    lab_names: dict[str, str] = {}
    bring: Block
    escort: str
    call: Block
    phones: str
    phones_day_only: str

    def format_date(self, day: date) -> str:
        """'Monday, December 7' / 'lunes 7 de diciembre' (CLDR names through domain.conventions)."""
        locale = self.date_locale or site_locale()
        day_first = self.date_pattern_day_first and not month_first(locale)
        return format_long_date(day, locale, self.date_pattern_day_first if day_first else self.date_pattern)


def fill(text: str, values: dict[str, Any], where: str = "") -> str:
    """Fill a template string; PdfRenderError names an unknown or missing placeholder."""
    return fill_template(text, values, f"calendar template {where}", PLACEHOLDERS)


@lru_cache(maxsize=8)
def load_calendar_template(language: str) -> CalendarTemplate:
    """The calendar template for ``language`` ('en', 'es'), validated."""
    if language not in LANGUAGES:
        raise PdfRenderError(f"no calendar template for language {language!r}; available: {', '.join(LANGUAGES)}")
    path = resources.resource_path(f"text/calendar/{language}.yaml")
    try:
        return CalendarTemplate.model_validate(resources.load_yaml(path))
    except (ValidationError, resources.YamlError) as exc:
        raise PdfRenderError(f"{path}: the calendar template is malformed ({exc})") from None
