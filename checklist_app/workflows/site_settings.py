"""The site settings the app uses: ``forms/site.yaml`` as shipped, overridden by what the Settings dialog
saved: ``site.yaml`` in the data folder on a lone workstation, a new version in the shared database when
workstations share one (see ``storage.site``). No Qt.

Only the keys an administrator changes on screen are saved, so a new release's other defaults (the
discharge values) still come from the shipped file. The merged settings are validated by
``domain.site.SiteSettings``; ``field_problems`` gives one sentence per bad field for the dialog to show
beside it.

On a shared database a save is a new version, audited (``site_settings_changed``, each key from and to)
and refused if another administrator saved after this one opened the dialog (``SettingsPlace.version``
is what the dialog was opened on). The logo's bytes go into the database (``site_files``, named by their
SHA-256), so every workstation shows and prints the same logo; the version names that file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from checklist_app import resources
from checklist_app.domain.site import SiteSettings, SiteSettingsError
from checklist_app.storage import paths
from checklist_app.storage.site import EDITABLE, SITE_FILE_NAME, load_effective_site, shipped_site_data, site_file

if TYPE_CHECKING:  # the database modules are imported when used: ``check`` on a lone workstation needs none
    from checklist_app.storage.database import Database
    from checklist_app.storage.site_store import SettingsVersion

__all__ = ["EDITABLE", "SITE_FILE_NAME", "SettingsPlace", "available_policies", "field_problems",
           "load_effective_site", "save_site_settings", "settings_place", "site_file", "site_for_command"]

LOGO_LIMIT = 1024 * 1024  # the logo is stored in the shared database and copied to every workstation


@dataclass(frozen=True)
class SettingsPlace:
    """Where the Settings dialog saves: this workstation's file, or the shared database (which version)."""

    shared: bool
    version: SettingsVersion | None
    description: str


def settings_place(data_dir: Path, db: Database | None = None) -> SettingsPlace:
    """Where the settings are saved and what the dialog is based on, with a sentence for the administrator."""
    from checklist_app.storage.site_store import is_shared, latest_settings

    if db is None or not is_shared(db, data_dir):
        return SettingsPlace(False, None, f"Saved on this workstation in {site_file(data_dir)}.")
    latest = latest_settings(db)
    if latest is None:
        local = site_file(data_dir)
        origin = (f"these values are this workstation's own (from {local})" if local.exists()
                  else "these are the shipped values")
        return SettingsPlace(True, None, (
            f"Saved in the shared database, for every workstation. The site has no shared settings yet: {origin}; "
            f"saving makes them every workstation's."))
    return SettingsPlace(True, latest, (
        f"Saved in the shared database, for every workstation. Now version {latest.version_no}, saved by "
        f"{latest.saved_by} at {latest.workstation} on {latest.saved_at[:16].replace('T', ' ')} UTC."))


def site_for_command(data_dir: Path | None = None) -> SiteSettings:
    """The settings in effect for a headless command: the shared database's when
    ``$CHECKLIST_APP_DATABASE_URL`` is set, else this data folder's (no database is opened or created)."""
    folder = data_dir if data_dir is not None else paths.data_dir()
    if not os.environ.get(paths.DATABASE_URL_ENV, "").strip():
        return load_effective_site(folder)
    from checklist_app.storage.database import open_database

    with open_database(data_dir=folder) as db:
        return load_effective_site(folder, db)


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


def save_site_settings(data_dir: Path, values: dict[str, Any], *, db: Database | None = None,
                       staff_id: str = "", based_on: SettingsPlace | None = None) -> SiteSettings:
    """Validate and save the editable settings; returns the settings now in effect.

    On a lone workstation they are written to the data folder's file (atomically). On a shared ``db`` they
    become a new version, saved by ``staff_id``, refused (SiteSettingsConflictError) unless the newest
    version is still the one in ``based_on`` (what the dialog showed).
    """
    chosen = {key: values[key] for key in EDITABLE if key in values}
    problems = field_problems(chosen)
    if problems:
        name, problem = next(iter(problems.items()))
        raise SiteSettingsError(site_file(data_dir), f"key '{name}'", problem)
    from checklist_app.storage.site_store import is_shared

    if db is not None and is_shared(db, data_dir):
        return _save_shared(data_dir, db, chosen, staff_id, based_on or settings_place(data_dir, db))
    data_dir.mkdir(parents=True, exist_ok=True)
    path = site_file(data_dir)
    temporary = path.with_suffix(".yaml.tmp")
    header = "# This workstation's site settings, written by the Settings dialog; they override forms/site.yaml.\n"
    temporary.write_text(header + resources.dump_yaml(chosen), encoding="utf-8")
    os.replace(temporary, path)
    return load_effective_site(data_dir)


def _save_shared(data_dir: Path, db: Database, chosen: dict[str, Any], staff_id: str,
                 based_on: SettingsPlace) -> SiteSettings:
    from checklist_app.storage.site_store import save_settings

    if not staff_id:
        raise ValueError("saving shared site settings needs the administrator's staff id")
    before = {**{key: shipped_site_data().get(key, "") for key in EDITABLE},
              **(based_on.version.values if based_on.version else _local_values(data_dir))}
    stored = {key: chosen.get(key, before.get(key, "")) for key in EDITABLE}
    stored["logo"] = _store_logo(db, str(stored.get("logo") or ""), staff_id)
    if based_on.version is not None and stored == {key: before.get(key) for key in EDITABLE}:
        return load_effective_site(data_dir, db)  # nothing changed: no new version, nothing to audit
    save_settings(db, stored, staff_id=staff_id, based_on=based_on.version.version_no if based_on.version else None,
                  before=before)
    return load_effective_site(data_dir, db)


def _local_values(data_dir: Path) -> dict[str, Any]:
    """This workstation's own editable values (before the site's first shared version), for the audit."""
    local = load_effective_site(data_dir).model_dump(mode="json")
    return {key: local[key] for key in EDITABLE}


def _store_logo(db: Database, path: str, staff_id: str) -> str:
    """Keep the logo's bytes in the shared database; returns the site file's name ("" for no logo).

    Named by its SHA-256, so an unchanged logo is the same file, and a version always names the bytes it
    was saved with (site files are never replaced)."""
    if not path:
        return ""
    source = Path(path)
    try:
        content = source.read_bytes()
    except OSError as exc:
        raise SiteSettingsError(source, "key 'logo'", f"the logo file cannot be read ({exc.strerror}); choose "
                                                      f"another file") from None
    if len(content) > LOGO_LIMIT:
        raise SiteSettingsError(source, "key 'logo'", f"the logo file is {len(content) / 1048576:.1f} MB; it is "
                                                      f"kept in the shared database, so choose one under 1 MB")
    from checklist_app.storage.site_store import add_files_once

    name = f"logo-{hashlib.sha256(content).hexdigest()}{source.suffix.lower() or '.png'}"
    add_files_once(db, {name: content}, created_by=staff_id)
    return name


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
