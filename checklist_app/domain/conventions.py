"""The site's conventions for people (en-US or en-GB): how dates and times are written, which temperature
unit comes first, and the spelling of the words shown. Every user-facing date or time goes through here.

The site locale is set once at start (``set_site_locale`` from the site settings; en-US until then). Month
and weekday names, the order of day and month and the 12- or 24-hour clock come from CLDR through Babel,
never from tables of our own. Babel is imported on first use, not at start-up (the first window shows no
date). Machine formats (stored values, JSON, audit hashes, HL7/FHIR, CSV, command output for scripts) stay
ISO 8601 and never come here.

Spelling: the shipped texts are written in American English; a British-English site reads them through
``resources/text/spelling/en-GB.yaml`` (American word -> British word), applied to the form's and the
policy's wording when they are loaded (``local_definition``), to the discharge sheet's English template and
to the screens' messages (``site_wording``). Stored ids and values are never changed.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Literal

from checklist_app import resources

SiteLocale = Literal["en-US", "en-GB"]
LOCALES: tuple[SiteLocale, ...] = ("en-US", "en-GB")
DEFAULT_LOCALE: SiteLocale = "en-US"

_active: dict[str, SiteLocale] = {"locale": DEFAULT_LOCALE}

# CLDR writes "8:30 AM" with a narrow no-break space, which some PDF fonts lack and which cannot be typed back.
_NARROW_SPACE = "\u202f"
# Keys of form and policy files whose values are wording; ids, values, conditions and citations are not.
WORDING_KEYS = frozenset({"title", "label", "help", "none_label", "pattern_hint", "message", "action", "note",
                          "reason", "description", "what", "add_label", "placeholder"})


def set_site_locale(locale: str) -> None:
    """Make ``locale`` ('en-US' or 'en-GB') the one every formatter and the spelling follow."""
    if locale not in LOCALES:
        raise ValueError(f"site locale {locale!r} is not one of {', '.join(LOCALES)}")
    _active["locale"] = locale  # type: ignore[assignment]


def site_locale() -> SiteLocale:
    """The site locale in effect."""
    return _active["locale"]


def babel_locale(locale: str | None = None) -> str:
    """'en_US' for 'en-US': the name Babel (CLDR) knows the locale by."""
    return (locale or site_locale()).replace("-", "_")


def _babel_dates() -> Any:
    from babel import dates  # lazily: only the first date shown pays for it

    return dates


# The numeric date, the clock and the short weekday names of each site locale, taken from CLDR (Babel) into
# a small JSON file: the first window's rows show times read from it without importing Babel (import and
# locale data cost 15-35 ms, more than the rest of the first paint's date work). ``cldr_extract`` makes it from
# Babel; tests/domain/test_conventions.py checks the file against Babel and the results against Babel's own.
EXTRACT_FILE = "text/conventions/cldr-extract.json"
_FIELD = re.compile(r"'[^']*'|y+|M+|d+|E+|h+|H+|m+|s+|a+")


def cldr_extract(locale: str) -> dict[str, Any]:
    """What the extract file holds for ``locale``, from Babel's CLDR data. The numeric date is the locale's
    (skeleton yMd) with two-digit day and month and a four-digit year: en-US 'MM/dd/y', en-GB 'dd/MM/y'; fixed
    widths line up in columns and leave no room to misread."""
    from babel import Locale

    data = Locale.parse(babel_locale(locale))
    numeric = str(data.datetime_skeletons["yMd"].pattern)
    periods = data.day_periods["format"]["abbreviated"]
    return {"date": re.sub(r"y+", "y", re.sub(r"d+", "dd", re.sub(r"M+", "MM", numeric))),
            "time": str(data.time_formats["short"].pattern), "time_seconds": str(data.time_formats["medium"].pattern),
            "am": str(periods["am"]), "pm": str(periods["pm"]),
            "weekdays": [str(data.days["format"]["abbreviated"][n]) for n in range(7)]}


@lru_cache(maxsize=1)
def _extracts() -> dict[str, dict[str, Any]]:
    return json.loads(resources.resource_path(EXTRACT_FILE).read_text(encoding="utf-8"))


def _fill(pattern: str, moment: date | time, extract: dict[str, Any]) -> str:
    """A CLDR pattern made of the fields the extract's patterns use (y M d E h H m s a), filled in."""
    def field(match: re.Match[str]) -> str:
        token = match.group(0)
        letter, width = token[0], len(token)
        if letter == "'":
            return token[1:-1]
        if letter == "a":
            return str(extract["am" if moment.hour < 12 else "pm"])  # type: ignore[union-attr]
        if letter == "E":
            return str(extract["weekdays"][moment.weekday()])  # type: ignore[union-attr]
        value = {"y": "year", "M": "month", "d": "day", "H": "hour", "h": "hour", "m": "minute", "s": "second"}
        number = getattr(moment, value[letter])
        if letter == "h":
            number = number % 12 or 12
        return str(number) if letter == "y" else f"{number:0{width}d}"

    return _clean(_FIELD.sub(field, pattern))


def _numeric_date_pattern(locale: str) -> str:
    extracts = _extracts()
    if locale in extracts:
        return str(extracts[locale]["date"])
    # A patient's language (the Spanish calendar) rather than a site locale: ask Babel's CLDR data itself.
    return str(cldr_extract(locale)["date"])


def date_order(locale: str | None = None) -> str:
    """'MM/DD/YYYY' (en-US) or 'DD/MM/YYYY' (en-GB): the numeric date as a nurse is told to type it."""
    return _numeric_date_pattern(locale or site_locale()).replace("dd", "DD").replace("y", "YYYY")


def month_first(locale: str | None = None) -> bool:
    """Whether the locale writes the month before the day in a numeric date (en-US)."""
    return date_order(locale).startswith("MM")


def _clean(text: str) -> str:
    return text.replace(_NARROW_SPACE, " ")


def format_date(day: date) -> str:
    """'12/01/2026' (en-US), '01/12/2026' (en-GB)."""
    extract = _extracts()[site_locale()]
    return _fill(extract["date"], day, extract)


def format_weekday_date(day: date) -> str:
    """'Tue 12/01/2026': the weekday's CLDR short name before the numeric date."""
    extract = _extracts()[site_locale()]
    return f"{_fill('EEE', day, extract)} {format_date(day)}"


def format_named_date(day: date) -> str:
    """'Tue, Dec 1, 2026' (en-US), 'Tue, 1 Dec 2026' (en-GB): the month by name, so a typed 01/12/2026 can be
    checked at a glance against the day that was meant (CLDR skeleton yMMMEd)."""
    return _clean(_babel_dates().format_skeleton("yMMMEd", day, locale=babel_locale(), fuzzy=True))


def format_long_date(day: date, locale: str | None = None, pattern: str = "full") -> str:
    """'Tuesday, December 1, 2026' (en-US full), or ``pattern`` (a CLDR pattern) in ``locale``."""
    return _clean(_babel_dates().format_date(day, pattern, locale=babel_locale(locale)))


def twelve_hour(locale: str | None = None) -> bool:
    """Whether the locale's clock is 12-hour with AM/PM (CLDR short time format)."""
    return "a" in _short_time_pattern(locale or site_locale())


def _short_time_pattern(locale: str) -> str:
    return str(_extracts()[locale]["time"])


def format_time(moment: datetime | time, *, seconds: bool = False) -> str:
    """'8:30 AM' (en-US), '08:30' (en-GB), with ``seconds`` '8:30:15 AM': the clock time as written, in the
    moment's own zone."""
    clock = moment.time() if isinstance(moment, datetime) else moment
    extract = _extracts()[site_locale()]
    return _fill(extract["time_seconds" if seconds else "time"], clock, extract)


def format_day_month(day: date) -> str:
    """'Dec 1' (en-US), '1 Dec' (en-GB): a day in a short list or a chart's axis (CLDR skeleton MMMd)."""
    return _clean(_babel_dates().format_skeleton("MMMd", day, locale=babel_locale(), fuzzy=True))


def format_month(day: date) -> str:
    """'Dec 2026': a month on a chart's axis (CLDR skeleton yMMM)."""
    return _clean(_babel_dates().format_skeleton("yMMM", day, locale=babel_locale(), fuzzy=True))


def format_datetime(moment: datetime) -> str:
    """'12/01/2026 8:30 AM' (en-US), '01/12/2026 08:30' (en-GB)."""
    return f"{format_date(moment.date())} {format_time(moment)}"


def temperature_unit() -> str:
    """'F' or 'C': the temperature unit offered first (US thermometers read Fahrenheit)."""
    return "F" if site_locale() == "en-US" else "C"


def temperature_both(fahrenheit: float, celsius: float) -> str:
    """'100.0 °F (37.8 °C)' on an en-US site, '37.8 °C (100.0 °F)' on an en-GB site: the site's unit first."""
    pair = [f"{fahrenheit:.1f} °F", f"{celsius:.1f} °C"]
    first, second = pair if temperature_unit() == "F" else pair[::-1]
    return f"{first} ({second})"


_SITE_UNITS = {"en-US": ("F", "lb"), "en-GB": ("C", "kg")}


def site_units_first(units: list[str]) -> list[str]:
    """``units`` with the ones the site's staff read first moved to the front (en-US: °F before °C), the
    rest in the form's order."""
    preferred = _SITE_UNITS[site_locale()]
    return sorted(units, key=lambda unit: unit not in preferred)


# Other units a number may be typed in, converted to the item's unit when read. Physical constants, exact by
# definition (the international pound is 0.45359237 kg), not clinical values.
_TYPED_UNITS: dict[str, dict[str, float]] = {"kg": {"lb": 0.45359237}}
_UNIT_WORDS = {"lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "kg": "kg", "kgs": "kg", "kilo": "kg",
               "kilos": "kg", "kilogram": "kg", "kilograms": "kg"}


def other_units(unit: str) -> tuple[str, ...]:
    """The units besides ``unit`` a value may be typed in ('lb' for 'kg')."""
    return tuple(_TYPED_UNITS.get(unit, {}))


def convert_typed(value: float, typed_unit: str, unit: str) -> float | None:
    """``value`` typed in ``typed_unit`` ('165', 'lbs') in ``unit`` ('kg'): 74.84...; None when the typed unit
    is neither ``unit`` nor one it converts from."""
    word = typed_unit.strip().rstrip(".").lower()
    typed = _UNIT_WORDS.get(word, word)
    if typed == unit.lower():
        return value
    factor = _TYPED_UNITS.get(unit, {}).get(typed)
    return value * factor if factor is not None else None


# --- Spelling ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _spelling(locale: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """The word map for ``locale`` (None for en-US, whose spelling the texts are written in)."""
    if locale == "en-US":
        return None
    words = resources.load_yaml(resources.resource_path(f"text/spelling/{locale}.yaml"))
    mapping = {str(us).lower(): str(local) for us, local in words.items()}
    # Longest first, so "anesthetics" is not read as "anesthetic" + "s"; whole words only.
    alternatives = "|".join(re.escape(w) for w in sorted(mapping, key=len, reverse=True))
    return re.compile(rf"\b({alternatives})\b", re.IGNORECASE), mapping


def _same_case(found: str, replacement: str) -> str:
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def site_wording(text: str, locale: str | None = None) -> str:
    """``text`` (written in American English) in the site's spelling: 'anesthesia' -> 'anaesthesia' on an
    en-GB site; unchanged on an en-US site."""
    spelling = _spelling(locale or site_locale())
    if spelling is None or not text:
        return text
    pattern, mapping = spelling
    return pattern.sub(lambda m: _same_case(m.group(0), mapping[m.group(0).lower()]), text)


def local_definition(data: Any, locale: str | None = None) -> Any:
    """A parsed form or policy file with its wording (``WORDING_KEYS``) in the site's spelling; every other
    value, ids and stored option values included, as it was."""
    if (locale or site_locale()) == "en-US":
        return data

    def walk(node: Any, key: str | None) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, key) for v in node]
        if isinstance(node, str) and key in WORDING_KEYS:
            return site_wording(node, locale)
        return node

    return walk(data, None)
