"""The one gateway to the data folders ``forms/`` and ``resources/`` (qutebrowser's resources.py), and the
one YAML loader (``load_yaml``, ``parse_yaml``): every YAML file the app reads is parsed here, and the one
file it writes (``dump_yaml``) is written here.

Names are relative; absolute paths and ``..`` are refused, and a miss lists what is there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from checklist_app.domain.errors import ChecklistError


class ResourceNotFound(ChecklistError, FileNotFoundError):
    """A named file under forms/ or resources/ is not there (the message lists what is)."""


class BadResourceName(ChecklistError, ValueError):
    """A resource name that is absolute or climbs out of its folder."""


class YamlError(ChecklistError, ValueError):
    """A file that is not valid YAML: names the file, the line and column (1-based) and the parser's problem."""

    def __init__(self, path: Path | str, line: int | None, column: int | None, problem: str) -> None:
        self.path, self.line, self.column, self.problem = str(path), line, column, problem
        where = f", line {line}, column {column}" if line is not None else ""
        super().__init__(f"{self.path}{where}: not valid YAML: {problem}")


_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def data_root() -> Path:
    """The folder holding ``forms/`` and ``resources/``: the repository, or the installed package."""
    for candidate in (_PACKAGE_DIR.parent, _PACKAGE_DIR / "_data"):
        if (candidate / "forms").is_dir() and (candidate / "resources").is_dir():
            return candidate
    raise FileNotFoundError(f"forms/ and resources/ not found next to {_PACKAGE_DIR}")


def _resolve(top: str, name: str) -> Path:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not name:
        raise BadResourceName(f"resource name must be relative and stay inside {top}/: {name!r}")
    path = data_root() / top / pure
    if not path.exists():
        folder = path.parent
        known = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise ResourceNotFound(f"{top}/{name} does not exist; {folder.name}/ holds: {', '.join(known) or 'nothing'}")
    return path


def form_path(name: str) -> Path:
    """A file under ``forms/`` (``vertebral_augmentation.yaml``, ``policies/sir-2019.yaml``...)."""
    return _resolve("forms", name)


def resource_path(name: str) -> Path:
    """A file under ``resources/`` (fonts, text templates, icons)."""
    return _resolve("resources", name)


DEFAULT_FORM = "vertebral_augmentation.yaml"
DEFAULT_POLICY = "sir-2019"


def policy_path(policy_id: str) -> Path:
    """The policy file for an id such as ``sir-2019``."""
    return form_path(f"policies/{policy_id}.yaml")


def example_records() -> list[Path]:
    """The shipped example records, sorted by name."""
    return sorted((data_root() / "forms" / "examples").glob("*.json"))


def load_yaml(path: Path) -> Any:
    """The data of a YAML file, parsed now. OSError as ``open`` gives it, UnicodeDecodeError for a file that is
    not UTF-8, YamlError for bad YAML."""
    return parse_yaml(Path(path).read_bytes().decode("utf-8"), path)


def parse_yaml(text: str, path: Path | str) -> Any:
    """The data of YAML ``text`` read from ``path`` (named in a YamlError).

    PyYAML is imported here, not at the top: a start whose JSON copies are current never needs it
    (``cached_yaml``). libyaml's parser when PyYAML was built with it (the wheels are): the same
    SafeLoader constructors and resolver, so the same values, about 7x faster.
    """
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(path, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                        problem) from None
    except RecursionError:  # only without libyaml, whose parser stops at 1,000 levels with a YAMLError
        raise YamlError(path, None, None, "nested too deep") from None


@lru_cache(maxsize=1)
def _loader() -> type:
    """The safe loader, except that an integer too long for Python's conversion (4,300 digits) is kept as a
    ``TooLargeNumber`` (refused where it stands by ``domain.limits``) instead of stopping the parse with a
    ValueError that says neither file nor line."""
    import yaml

    from checklist_app.domain.limits import TooLargeNumber

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_int(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_int(loader, node)
        except ValueError:
            return TooLargeNumber(str(node.value))

    loader = type("ChecklistSafeLoader", (base,), {})
    loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return loader


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML text, keys in their given order (the Settings dialog's site file)."""
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
