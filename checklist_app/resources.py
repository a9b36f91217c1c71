"""The one gateway to the data folders ``forms/`` and ``resources/`` (qutebrowser's resources.py).

Names are relative; absolute paths and ``..`` are refused, and a miss lists what is there.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath

from checklist_app.domain.errors import ChecklistError


class ResourceNotFound(ChecklistError, FileNotFoundError):
    """A named file under forms/ or resources/ is not there (the message lists what is)."""


class BadResourceName(ChecklistError, ValueError):
    """A resource name that is absolute or climbs out of its folder."""

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
