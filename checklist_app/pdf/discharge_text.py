"""The discharge sheet's words: one YAML template per language in resources/text/discharge/, filled with
a fixed set of values for one patient.

Templates are data: ``{name}`` placeholders from ``PLACEHOLDERS`` only, no attribute access, indexing or
format specs, so a template cannot run code or reach into objects. ``DischargeText`` is the filled
result the renderer lays out.
"""

from __future__ import annotations

import string
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checklist_app import resources
from checklist_app.domain import conventions
from checklist_app.domain.errors import PdfRenderError

LANGUAGES = ("en", "es")
PLACEHOLDERS = frozenset({
    "patient_name", "procedure", "levels", "procedure_date", "proceduralist", "facility_name",
    "clinic_phone", "after_hours_phone", "emergency_number", "rest_hours", "no_lifting_weeks", "fever_f",
    "fever_c", "fever", "ice_days", "no_driving_days", "follow_up", "language", "medicine", "restart", "page", "total",
    "sedation_hours", "sedation_until", "restart_day", "restart_time", "procedure_end",
    # inside the clock and spine words only (discharge_times.py)
    "hour", "minute", "period", "day", "time", "ordinal",
})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Block(_Strict):
    """A heading with bullet points."""

    heading: str
    bullets: tuple[str, ...] = ()


class IntroBlock(Block):
    """A heading, a lead-in line and bullet points."""

    intro: str


class SedationBlock(IntroBlock):
    """After sedation: the lead-in names the clock time the precautions end, or only the hours when the
    procedure's time is not recorded."""

    intro_no_time: str


class MedicineText(_Strict):
    """Sentences for the medicines section; {medicine} and {restart} (the policy's words), or
    {restart_day} and {restart_time} (computed), are filled per medicine."""

    heading: str
    intro: str
    restart: str
    restart_at: str
    restart_day: str
    counted_from: str
    why: str
    untranslated: str
    keep: str
    ask: str
    none: str
    others: str
    unsure: str


class ClinicBlock(Block):
    """The "call the clinic" list with the phone line (with and without an after-hours number)."""

    phones: str
    phones_day_only: str


class Sections(_Strict):
    """The sheet's sections, in the order they print (warning signs come before the follow-up)."""

    activity: Block
    sedation: SedationBlock
    wound: Block
    pain: Block
    medicines: MedicineText
    call_911: Block
    stroke: IntroBlock
    call_clinic: ClinicBlock
    follow_up: Block
    extra: Block


class Procedure(_Strict):
    """How one procedure is named and explained."""

    name: str
    about: tuple[str, ...] = Field(min_length=1)


class ClockText(_Strict):
    """How a clock time is written: '9:30 AM', 'las 9:30 a. m.' ('la 1:30 p. m.': the hour-one form)."""

    time_format: str
    time_format_hour_one: str
    day_and_time: str
    # True or False, or "site": the site locale's clock (en-US 12-hour, en-GB 24-hour; CLDR through Babel).
    twelve_hour: bool | Literal["site"]

    def uses_twelve_hour(self) -> bool:
        """Whether times are written on the 12-hour clock with AM/PM."""
        return conventions.twelve_hour() if self.twelve_hour == "site" else self.twelve_hour
    periods: tuple[str, str]
    noon: str
    midnight: str


class SpineText(_Strict):
    """The treated vertebrae in everyday words, by region letter (C neck, T middle back, L lower back, S)."""

    regions: dict[Literal["C", "T", "L", "S"], str]
    ordinals: tuple[str, ...] = Field(min_length=12, max_length=12)
    and_word: str


class DischargeTemplate(_Strict):
    """One language's template file."""

    language: str
    language_name: str
    # A CLDR date pattern ("EEEE d 'de' MMMM 'de' y") or a CLDR length ("full"); Babel supplies the month and
    # weekday names. English follows the site locale ("Tuesday, December 1, 2026" / "Tuesday, 1 December 2026").
    date_format: str
    clock: ClockText
    spine: SpineText
    labels: dict[str, str]
    interpreter: str
    procedures: dict[str, Procedure]
    about_common: tuple[str, ...] = ()
    sections: Sections
    policy_phrases: dict[str, str] = {}

    def format_date(self, day: date) -> str:
        """'Tuesday, December 1, 2026' / 'martes 1 de diciembre de 2026'."""
        locale = conventions.site_locale() if self.language == "en" else self.language
        return conventions.format_long_date(day, locale, self.date_format)


def placeholders_in(text: str) -> list[str]:
    """The field names a template string uses; refuses anything but a plain {name}."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"{{{name}}} is not allowed; templates use plain names such as {{patient_name}}")
        names.append(name)
    return names


def fill(text: str, values: dict[str, Any], where: str = "") -> str:
    """Fill a template string from ``values``; PdfRenderError names an unknown or missing placeholder."""
    return fill_template(text, values, f"discharge template {where}", PLACEHOLDERS)


def fill_template(text: str, values: dict[str, Any], where: str, known: frozenset[str]) -> str:
    """Fill a patient-facing template; PdfRenderError (starting with ``where``) names a placeholder not in
    ``known`` or one without a value here."""
    try:
        names = placeholders_in(text)
    except ValueError as exc:
        raise PdfRenderError(f"{where}: {exc}") from None
    for name in names:
        if name not in known:
            raise PdfRenderError(f"{where}: unknown placeholder {{{name}}}; known: {', '.join(sorted(known))}")
        if name not in values:
            raise PdfRenderError(f"{where}: no value for {{{name}}} here")
    return text.format_map(values)


def load_template(language: str) -> DischargeTemplate:
    """The template for ``language`` ('en', 'es'), validated; English in the site's spelling."""
    return _load_template(language, conventions.site_locale())


def _site_spelling(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _site_spelling(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_site_spelling(value) for value in node]
    return conventions.site_wording(node) if isinstance(node, str) else node


@lru_cache(maxsize=8)
def _load_template(language: str, site_locale: str) -> DischargeTemplate:
    if language not in LANGUAGES:
        raise PdfRenderError(f"no discharge template for language {language!r}; available: {', '.join(LANGUAGES)}")
    path = resources.resource_path(f"text/discharge/{language}.yaml")
    try:
        data = resources.load_yaml(path)
        return DischargeTemplate.model_validate(_site_spelling(data) if language == "en" else data)
    except (ValidationError, resources.YamlError) as exc:
        raise PdfRenderError(f"{path}: the discharge template is malformed ({exc})") from None
