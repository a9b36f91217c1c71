"""The site settings the app uses: ``forms/site.yaml`` as shipped, overridden by ``site.yaml`` in the data
folder, which the Settings dialog writes. No Qt.

Only the keys an administrator changes on screen are written to the data folder's file, so a new
release's other defaults (the discharge values) still come from the shipped file. The merged settings
are validated by ``domain.site.SiteSettings``; ``field_problems`` gives one sentence per bad field for
the dialog to show beside it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from checklist_app import resources
from checklist_app.domain.site import SiteSettings, SiteSettingsError
from checklist_app.storage.site import EDITABLE, SITE_FILE_NAME, load_effective_site, shipped_site_data, site_file

__all__ = ["EDITABLE", "SITE_FILE_NAME", "available_policies", "field_problems", "load_effective_site",
           "save_site_settings", "site_file"]


def field_problems(values: dict[str, Any]) -> dict[str, str]:
    """Field -> what is wrong, for the editable values merged over the shipped file ({} when valid)."""
    merged = {**shipped_site_data(), **values}
    problems: dict[str, str] = {}
    try:
        SiteSettings.model_validate(merged)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "(settings)"
            problems.setdefault(name, _sentence(error))
    policy = values.get("default_policy")
    if policy and policy not in available_policies():
        problems.setdefault("default_policy", f"There is no policy '{policy}' in forms/policies/.")
    logo = values.get("logo")
    if logo and not Path(logo).is_file():
        problems.setdefault("logo", "The logo file does not exist.")
    return problems


def save_site_settings(data_dir: Path, values: dict[str, Any]) -> SiteSettings:
    """Validate and write the editable settings to the data folder's file (atomically); returns the result."""
    chosen = {key: values[key] for key in EDITABLE if key in values}
    problems = field_problems(chosen)
    if problems:
        name, problem = next(iter(problems.items()))
        raise SiteSettingsError(site_file(data_dir), f"key '{name}'", problem)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = site_file(data_dir)
    temporary = path.with_suffix(".yaml.tmp")
    header = "# This workstation's site settings, written by the Settings dialog; they override forms/site.yaml.\n"
    temporary.write_text(header + resources.dump_yaml(chosen), encoding="utf-8")
    os.replace(temporary, path)
    return load_effective_site(data_dir)


def available_policies() -> list[str]:
    """The policy ids shipped in ``forms/policies/``."""
    folder = resources.form_path("policies")
    return sorted(p.stem for p in folder.glob("*.yaml"))


def _sentence(error: dict[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_short":
        return "This cannot be left empty." if ctx.get("min_length") == 1 else \
            f"Type at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters."
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than") and error["loc"]:
        low, high = _range(str(error["loc"][0]))
        return f"Choose a number from {low} to {high}."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Type a whole number."
    return str(error["msg"])


def _range(name: str) -> tuple[Any, Any]:
    low = high = "?"
    for meta in SiteSettings.model_fields[name].metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high
