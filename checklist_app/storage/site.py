"""The site settings in effect: ``forms/site.yaml`` as shipped, overridden by ``site.yaml`` in the data
folder, which the app's Settings dialog writes. Everything that prints or shows site values reads them here,
so the app and the headless ``render`` agree.

Only the keys an administrator changes on screen may be set in the data folder's file, so a new release's
other defaults (the discharge values) still come from the shipped file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checklist_app import resources
from checklist_app.domain.loading import read_data, validate_data
from checklist_app.domain.site import SiteSettings, SiteSettingsError

SITE_FILE_NAME = "site.yaml"
EDITABLE = ("facility_name", "logo", "clinic_phone", "after_hours_phone", "emergency_number",
            "default_policy", "idle_lock_minutes", "printer")


def site_file(data_dir: Path) -> Path:
    """Where this workstation's settings are saved."""
    return data_dir / SITE_FILE_NAME


def shipped_site_data() -> dict[str, Any]:
    """The raw data of forms/site.yaml, before this workstation's overrides."""
    return read_data(resources.form_path("site.yaml"), SiteSettingsError)


def load_effective_site(data_dir: Path) -> SiteSettings:
    """The shipped settings with this data folder's overrides applied; SiteSettingsError names the file."""
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


def _policy_exists(site: SiteSettings, path: Path) -> SiteSettings:
    policies = resources.data_root() / "forms" / "policies"
    if not (policies / f"{site.default_policy}.yaml").is_file() or "/" in site.default_policy:
        known = ", ".join(sorted(p.stem for p in policies.glob("*.yaml")))
        raise SiteSettingsError(path, "key 'default_policy'", f"no policy '{site.default_policy}'; available: {known}")
    return site
