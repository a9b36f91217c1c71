"""What any file or record the app reads may hold, checked before a parser or pydantic is given it.

A record, form, policy or settings file comes from a person, a script or an attacker. Before these bounds,
a 5,000-digit number stopped Python's int conversion (``ValueError``), nesting a few thousand levels deep
stopped the JSON parser and pydantic (``RecursionError``), and a 70,000-character key came back inside a
70,000-character message; all of them reached the user as a traceback (exit 1, which ``check`` uses for
"hard stops remain"). Here each becomes one sentence naming the place and what is allowed:

- ``read_text``: at most ``MAX_FILE_BYTES``, read without trusting the size the file system reports (a FIFO,
  ``/dev/zero``), UTF-8 (a leading BOM is allowed: Windows editors write one).
- ``parse_json``: JSON text to data; numbers too long for Python become ``TooLargeNumber``, nesting deeper
  than the parser's stack becomes an ``InputError`` with its line.
- ``find_problems``: walks parsed data without recursion and names every value beyond the bounds below.
  The loaders (``domain.loading``, ``domain.record``) call it before validating, so every caller, whatever the
  source of the data (a file, the database, a test), gets the same field-level refusal.

No real form, policy, settings file or record comes near the bounds: the shipped form is 27 KB, 6 levels
deep, about 2,500 values; a record with 500 medicines is under 200 KB.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, NamedTuple

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32  # levels of lists and mappings
MAX_VALUES = 100_000  # every value counted, each use of a YAML alias again (a "billion laughs" file is refused)
MAX_DIGITS = 15  # an integer beyond 15 digits is no measurement, count or hour: and a float holds 15 exactly
MAX_KEY_LENGTH = 100  # keys are ids and field names: the longest id the models accept is 64
MAX_TEXT_LENGTH = 20_000  # one text value; the longest the models accept is 5,000 (a form's text item)
SHOWN_LENGTH = 60  # how much of a refused value a message quotes

# C0 control characters other than tab, line feed and carriage return: escaped where a message quotes a
# value (an escape sequence echoed to a terminal could rewrite what it shows). A value may hold them: text
# pasted from another program can, the PDFs leave them out (pdf.fonts), and a record signed with one must
# still load.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Lone UTF-16 surrogates (JSON's "\ud800" escape): not text; they cannot be written as UTF-8 to a terminal,
# a PDF or the database.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What no value may hold: NUL (PostgreSQL refuses it in text and JSON, so a record holding one could be
# checked but never saved on a shared server) and lone surrogates.
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


class TooLargeNumber:
    """A number in a file with more digits than Python converts (4,300): kept as its digit count, so the
    value is refused by ``find_problems`` at its place in the data instead of stopping the parser."""

    def __init__(self, text: str) -> None:
        self.digits = sum(c.isdigit() for c in text)

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


class InputError(ValueError):
    """A file the app will not parse: too big, not UTF-8, not JSON, or nested too deep. ``problem`` is the
    sentence; ``line`` (1-based) where the parser stopped, when known. Loaders re-raise it as their own error."""

    def __init__(self, problem: str, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.line = problem, line


class Problem(NamedTuple):
    """One value beyond the bounds: where (keys and list positions, like a pydantic location), what is
    wrong with it, and what is allowed there."""

    loc: tuple[str | int, ...]
    problem: str
    allowed: str


def read_text(path: Path) -> str:
    """The text of ``path``; InputError for a file too big or not UTF-8, OSError (and ValueError for a path
    holding NUL) as ``open`` gives them."""
    with open(path, "rb") as file:  # noqa: PTH123 - a file object, to read no more than the limit
        raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, more than any form, "
                         f"policy or record holds; it was not read")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); save the file "
                         f"as UTF-8", line) from None


def parse_json(text: str) -> Any:
    """JSON ``text`` as data; InputError (with the line) for text that is not JSON or is nested too deep."""
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:  # the C parser's stack guard, a few hundred levels down: say where it gets too deep
        raise InputError(f"nested more than {MAX_DEPTH} levels deep", _too_deep_line(text)) from None


def _json_int(text: str) -> int | TooLargeNumber:
    return int(text) if len(text) <= MAX_DIGITS + 2 else TooLargeNumber(text)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_line(text: str) -> int | None:
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(token.group(), 0)
        if depth > MAX_DEPTH:
            return text.count("\n", 0, token.start()) + 1
    return None


def find_problems(data: Any, limit: int = 20) -> list[Problem]:
    """Every value in ``data`` beyond the bounds (at most ``limit``), in the data's order; [] when none.

    Iterative, so data nested 100,000 deep is walked as easily as flat data; it never descends below
    ``MAX_DEPTH``, and stops after ``MAX_VALUES`` values (aliases in YAML make a small file hold billions).
    About 2 ms for the shipped form: each value is looked at once, and a place's path is only spelt out for
    a value refused (each entry links to its parent's).
    """
    problems: list[Problem] = []
    # (value, depth, link): link is (the parent's link, the key or position), or None at the top.
    stack: list[tuple[Any, int, Any]] = [(data, 0, None)]
    seen = 0
    while stack and len(problems) < limit:
        value, depth, link = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            problems.append(Problem((), f"holds more than {MAX_VALUES:,} values (each use of a YAML alias "
                                        "counts again)", "a file of the size a form, policy or record needs"))
            break
        kind = type(value)
        if kind is str:
            if len(value) > MAX_TEXT_LENGTH or _NOT_TEXT.search(value):
                problems.append(Problem(_loc(link), *_text_problem(value, "text")))
        elif kind is dict or kind is list or isinstance(value, dict | list | tuple | set | frozenset):
            if depth >= MAX_DEPTH:
                problems.append(Problem(_loc(link), f"is nested more than {MAX_DEPTH} levels deep",
                                        f"at most {MAX_DEPTH} levels of lists and mappings"))
                continue
            children = list(value.items() if isinstance(value, dict) else enumerate(value))
            for key, child in reversed(children):  # popped in the data's order: the first problem comes first
                if type(key) is str and (len(key) > MAX_KEY_LENGTH or _NOT_TEXT.search(key)):
                    problems.append(Problem(_loc((link, key)), *_text_problem(key, "key")))
                else:
                    stack.append((child, depth + 1, (link, key)))
        elif kind is not bool and kind is not float and value is not None:
            found = _value_problem(value)
            if found is not None:
                problems.append(Problem(_loc(link), *found))
        elif kind is float and not math.isfinite(value):
            problems.append(Problem(_loc(link), f"{value} is not a number that can be used", "a finite number"))
    return problems


def _loc(link: Any) -> tuple[str | int, ...]:
    steps = []
    while link is not None:
        link, step = link
        steps.append(step)
    return tuple(reversed(steps))


def _value_problem(value: Any) -> tuple[str, str] | None:
    if isinstance(value, TooLargeNumber):
        return f"{value!r} is too large", f"a number of at most {MAX_DIGITS} digits"
    if isinstance(value, int) and abs(value) >= 10 ** MAX_DIGITS:  # compared as numbers: no text conversion
        return f"a number of about {digits(value):,} digits is too large", f"a number of at most {MAX_DIGITS} digits"
    return None


def _text_problem(text: str, noun: str) -> tuple[str, str] | None:
    longest = MAX_KEY_LENGTH if noun == "key" else MAX_TEXT_LENGTH
    allowed = f"{noun} of at most {longest:,} characters, without NUL or unpaired surrogate characters"
    if len(text) > longest:
        return f"a {noun} of {len(text):,} characters is too long", allowed
    bad = _NOT_TEXT.search(text)
    if bad is not None:
        return f"the {noun} {shown(text)} holds the character U+{ord(bad.group()):04X}, which is not text", allowed
    return None


def digits(number: int) -> int:
    """How many decimal digits ``number`` has (about: from its bits, never by converting it to text)."""
    return max(1, math.floor(abs(number).bit_length() * math.log10(2)) + 1)


def shown(value: Any, length: int = SHOWN_LENGTH) -> str:
    """``value`` as a message quotes it: repr, shortened to ``length`` characters, never a huge number's digits
    (whose conversion Python refuses past 4,300) and never a character that cannot be printed."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a number of about {digits(value):,} digits"
    if isinstance(value, str) and len(value) > length:  # cut before repr: a 70,000-character text is not copied
        return repr(value[:length])[:length] + f"... ({len(value):,} characters)"
    if isinstance(value, dict | list | tuple | set) and len(value) > 10:
        return f"a {type(value).__name__} of {len(value):,} entries"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a huge number or deeply nested data inside a container
        return f"a {type(value).__name__}"
    return text if len(text) <= length else text[:length] + "..."


def clip(text: str, length: int = 1000) -> str:
    """A message built from a file's values, as it can be shown: characters that are not text escaped, and
    cut at ``length`` (a validator's sentence may quote a value of any length)."""
    text = _SURROGATE.sub(_escape, _CONTROL.sub(_escape, text if len(text) <= 2 * length else text[:2 * length]))
    return text if len(text) <= length else text[:length] + "..."


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str, length: int = SHOWN_LENGTH) -> str:
    """``text`` as a message names it (an id, a key): as is when it is short, plain text, else as ``shown``."""
    if len(text) <= length and not _CONTROL.search(text) and not _SURROGATE.search(text):
        return text
    return shown(text, length)
