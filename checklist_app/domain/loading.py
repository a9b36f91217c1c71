"""Read a YAML or JSON definition file into a pydantic model, turning every failure into one line.

The line names the file, the place (section, item, key) and what to fix; it never shows a traceback.
Pydantic's error locations are numeric (``sections.3.items.2.max``); we walk the raw data to name them
by id instead (``item 'inr' in section 'labs', key 'max'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from checklist_app import resources
from checklist_app.domain import limits
from checklist_app.domain.errors import DefinitionError

M = TypeVar("M", bound=BaseModel)

_CONTAINERS = {
    "sections": "section", "items": "item", "fields": "field", "options": "option", "units": "unit",
    "rules": "rule", "rows": "row",
}


def read_data(path: Path, error_cls: type[DefinitionError]) -> Any:
    """Parse a ``.yaml``/``.yml``/``.json`` file; a missing, unreadable, oversized or unparsable file raises
    ``error_cls`` (the bounds are ``domain.limits``')."""
    try:
        text = limits.read_text(path)
    except FileNotFoundError:
        raise error_cls(path, "", "file not found") from None
    except IsADirectoryError:
        raise error_cls(path, "", "is a folder, not a file") from None
    except OSError as exc:
        raise error_cls(path, "", f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    except ValueError as exc:  # limits.InputError (too big, not UTF-8); a path holding NUL
        raise error_cls(path, _line(exc), getattr(exc, "problem", str(exc))) from None
    try:
        if path.suffix.lower() == ".json":
            return limits.parse_json(text)
        return resources.parse_yaml(text, path)  # the app's one YAML parser (libyaml's, a safe loader)
    except limits.InputError as exc:
        raise error_cls(path, _line(exc), exc.problem) from None
    except resources.YamlError as exc:
        raise error_cls(path, f"line {exc.line}" if exc.line is not None else "",
                        f"not valid YAML: {exc.problem}") from None


def _line(exc: Exception) -> str:
    line = getattr(exc, "line", None)
    return f"line {line}" if line is not None else ""


def validate_data(data: Any, model: type[M], path: Path | str, error_cls: type[DefinitionError]) -> M:
    """Validate parsed data; the first error becomes ``error_cls`` with a named location.

    Values beyond ``domain.limits`` (huge numbers, deep nesting, long keys, NUL characters) are refused
    first, by place: pydantic is never given them (its recursion, and Python's int conversion, would stop
    with a traceback, and its message would quote the whole value).
    """
    if not isinstance(data, dict):
        raise error_cls(path, "", f"must be a mapping of keys at the top level, not {type(data).__name__}")
    problems = limits.find_problems(data, limit=1)
    if problems:
        loc, problem, allowed = problems[0]
        raise error_cls(path, describe_location(data, loc), f"{problem}; allowed: {allowed}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = describe_location(data, first["loc"])
        raise error_cls(path, location, explain(first)) from None


def load_definition(path: Path, model: type[M], error_cls: type[DefinitionError]) -> M:
    """Read and validate one definition file."""
    return validate_data(read_data(path, error_cls), model, path, error_cls)


def describe_location(data: Any, loc: tuple[Any, ...]) -> str:
    """Render a pydantic location against the raw data, naming sections and items by id."""
    parts: list[str] = []
    keys: list[str] = []
    node: Any = data
    container: str | None = None
    for step in loc:
        if isinstance(step, int) and isinstance(node, list):
            node = node[step] if step < len(node) else None
            noun = _CONTAINERS.get(container or "", "entry")
            ident = node.get("id") if isinstance(node, dict) else None
            named = isinstance(ident, str) and ident
            parts.append(f"{noun} '{limits.printable(ident)}'" if named else f"{noun} #{step + 1}")
            keys = []  # the list's own key is said by the noun
            continue
        if isinstance(node, dict) and isinstance(step, str):
            if step not in node and step == node.get("kind"):
                continue  # the discriminator tag pydantic puts in the location
            node = node.get(step)
            container = step
        keys.append(limits.printable(str(step)))
    # "item 'x' in section 'y'": innermost first reads best.
    text = " in ".join(reversed(parts))
    if keys:
        tail = ".".join(keys)
        text = f"{text}, key '{tail}'" if text else f"key '{tail}'"
    return text


def explain(error: dict[str, Any]) -> str:
    """A sentence for one pydantic error, saying what to fix."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "union_tag_invalid":
        return f"unknown kind {limits.shown(ctx.get('tag'))}; use one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"'{ctx.get('discriminator', 'kind')}' is missing; every entry needs one"
    if kind == "missing":
        return f"'{error['loc'][-1]}' is required here"
    if kind == "extra_forbidden":
        return f"unknown key '{limits.printable(str(error['loc'][-1]))}'; remove it or correct its spelling"
    if kind == "value_error":
        return limits.clip(str(ctx.get("error", error["msg"])))
    if kind == "literal_error":
        return f"{limits.shown(error['input'])} is not allowed; expected {ctx.get('expected')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entr{'y' if ctx.get('min_length') == 1 else 'ies'}"
    if kind == "string_pattern_mismatch":
        return (f"{limits.shown(error['input'])} is not a valid id (lower-case letters, digits and _, starting "
                "with a letter)")
    return limits.clip(str(error["msg"]))
