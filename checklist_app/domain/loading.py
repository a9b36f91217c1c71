"""Read a YAML or JSON definition file into a pydantic model, turning every failure into one line.

The line names the file, the place (section, item, key) and what to fix; it never shows a traceback.
Pydantic's error locations are numeric (``sections.3.items.2.max``); we walk the raw data to name them
by id instead (``item 'inr' in section 'labs', key 'max'``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from checklist_app import resources
from checklist_app.domain.errors import DefinitionError

M = TypeVar("M", bound=BaseModel)

_CONTAINERS = {
    "sections": "section", "items": "item", "fields": "field", "options": "option", "units": "unit",
    "rules": "rule", "rows": "row",
}


def read_data(path: Path, error_cls: type[DefinitionError]) -> Any:
    """Parse a ``.yaml``/``.yml``/``.json`` file; a missing or unparsable file raises ``error_cls``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error_cls(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error_cls(path, "", f"cannot be read ({exc.__class__.__name__}: {exc})") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return resources.parse_yaml(text, path)  # the app's one YAML parser (libyaml's, a safe loader)
    except json.JSONDecodeError as exc:
        raise error_cls(path, f"line {exc.lineno}", f"not valid JSON: {exc.msg}") from None
    except resources.YamlError as exc:
        raise error_cls(path, f"line {exc.line}" if exc.line is not None else "",
                        f"not valid YAML: {exc.problem}") from None


def validate_data(data: Any, model: type[M], path: Path | str, error_cls: type[DefinitionError]) -> M:
    """Validate parsed data; the first error becomes ``error_cls`` with a named location."""
    if not isinstance(data, dict):
        raise error_cls(path, "", f"must be a mapping of keys at the top level, not {type(data).__name__}")
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
            parts.append(f"{noun} '{ident}'" if ident else f"{noun} #{step + 1}")
            keys = []  # the list's own key is said by the noun
            continue
        if isinstance(node, dict) and isinstance(step, str):
            if step not in node and step == node.get("kind"):
                continue  # the discriminator tag pydantic puts in the location
            node = node.get(step)
            container = step
        keys.append(str(step))
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
        return f"unknown kind '{ctx.get('tag')}'; use one of: {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"'{ctx.get('discriminator', 'kind')}' is missing; every entry needs one"
    if kind == "missing":
        return f"'{error['loc'][-1]}' is required here"
    if kind == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}'; remove it or correct its spelling"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"{error['input']!r} is not allowed; expected {ctx.get('expected')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entr{'y' if ctx.get('min_length') == 1 else 'ies'}"
    if kind == "string_pattern_mismatch":
        return f"{error['input']!r} is not a valid id (lower-case letters, digits and _, starting with a letter)"
    return error["msg"]
