"""The site settings in effect: ``forms/site.yaml`` as shipped, overridden by what the app's Settings dialog
saved. Everything that prints or shows site values reads them here, so the app and the headless ``render``
and ``check`` agree.

Where the dialog's values are: on a lone workstation, ``site.yaml`` in the data folder; on workstations
sharing a database, the newest version in the database (``site_store``), the same for every workstation,
with the logo's bytes kept there too and copied into each data folder's ``site-files/`` to be read as a
file. Until an administrator first saves settings on a shared database, each workstation keeps using its
own data folder's ``site.yaml`` (nothing changes the day a site moves to a server); from then on that file
is ignored.

Only the keys an administrator changes on screen may be set in either place, so a new release's other
defaults (the discharge values) still come from the shipped file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checklist_app import resources
from checklist_app.domain.loading import read_data, validate_data
from checklist_app.domain.site import SiteSettings, SiteSettingsError

if TYPE_CHECKING:
    from checklist_app.storage.database import Database
    from checklist_app.storage.site_store import SettingsVersion

log = logging.getLogger(__name__)

SITE_FILE_NAME = "site.yaml"
SITE_FILES_FOLDER = "site-files"  # local copies of files kept in the shared database (the logo)
EDITABLE = ("facility_name", "logo", "clinic_phone", "after_hours_phone", "emergency_number",
            "default_policy", "idle_lock_minutes", "printer", "chart")


def site_file(data_dir: Path) -> Path:
    """Where this workstation's settings are saved."""
    return data_dir / SITE_FILE_NAME


def shipped_site_data() -> dict[str, Any]:
    """The raw data of forms/site.yaml, before this workstation's overrides."""
    return read_data(resources.form_path("site.yaml"), SiteSettingsError)


def load_effective_site(data_dir: Path, db: Database | None = None) -> SiteSettings:
    """The shipped settings with the site's overrides applied: the shared database's newest version when
    ``db`` is shared and has one, else this data folder's file. SiteSettingsError names where the bad
    value is."""
    if db is not None:
        from checklist_app.storage.site_store import is_shared, latest_settings

        if is_shared(db, data_dir):
            latest = latest_settings(db)
            if latest is not None:
                return shared_site(data_dir, db, latest)
    merged = shipped_site_data()
    path = site_file(data_dir)
    if path.exists():
        local = read_data(path, SiteSettingsError) or {}
        if not isinstance(local, dict):
            raise SiteSettingsError(path, "", "must be a mapping of keys")
        unknown = sorted(set(local) - set(EDITABLE))
        if unknown:
            raise SiteSettingsError(path, f"key '{unknown[0]}'", "cannot be set here; only: " + ", ".join(EDITABLE))
        merged.update(local)
    else:
        path = resources.form_path("site.yaml")
    return _policy_exists(validate_data(merged, SiteSettings, path, SiteSettingsError), path)


def shared_site(data_dir: Path, db: Database, version: SettingsVersion) -> SiteSettings:
    """The settings of one saved version in the shared database, its logo copied into this data folder."""
    where = f"site settings version {version.version_no} in the shared database {db.where}"
    values = version.values
    if not isinstance(values, dict):
        raise SiteSettingsError(where, "", "must be a mapping of keys")
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise SiteSettingsError(where, f"key '{unknown[0]}'", "cannot be set here; only: " + ", ".join(EDITABLE))
    merged = {**shipped_site_data(), **values}
    merged["logo"] = _local_copy(data_dir, db, str(values.get("logo") or ""))
    return _policy_exists(validate_data(merged, SiteSettings, where, SiteSettingsError), Path(where))


def _local_copy(data_dir: Path, db: Database, name: str) -> str:
    """The path of this data folder's copy of a site file (written when missing or different); "" if none.

    A logo that cannot be fetched or written costs the logo, not the start of the app: it is logged."""
    if not name:
        return ""
    from checklist_app.domain.errors import StorageError
    from checklist_app.storage.site_store import read_files

    target = data_dir / SITE_FILES_FOLDER / name
    try:
        content = read_files(db, (name,)).get(name)
        if content is None:
            log.warning("the site file %s named in the site settings is not in the database", name)
            return ""
        if not target.is_file() or hashlib.sha256(target.read_bytes()).digest() != hashlib.sha256(content).digest():
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)
    except (OSError, StorageError) as exc:
        log.warning("the site file %s could not be copied into the data folder (%s)", name, type(exc).__name__)
        return ""
    return str(target)


def _policy_exists(site: SiteSettings, path: Path) -> SiteSettings:
    policies = resources.data_root() / "forms" / "policies"
    if not (policies / f"{site.default_policy}.yaml").is_file() or "/" in site.default_policy:
        known = ", ".join(sorted(p.stem for p in policies.glob("*.yaml")))
        raise SiteSettingsError(path, "key 'default_policy'", f"no policy '{site.default_policy}'; available: {known}")
    return site
