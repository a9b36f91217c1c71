"""``load_yaml(path)``: a YAML file's data for the first paint (the messages, the form's labels, the facility's
name), from a JSON copy kept in the user cache folder while the file is unchanged; ``confirm_served()``
then proves every copy served equal to the installed file. No Qt.

Importing PyYAML takes ~17 ms and parsing the 27 KB form with libyaml ~25 ms more: together a quarter of
what a bare Qt window needs to appear, spent before the worklist could be painted. A JSON copy is read in
well under a millisecond. The copy is used only while the file's bytes are the same: their length and
CRC-32, a few microseconds (``hashlib`` would add ~3 ms of OpenSSL to the start). That key guards against a
stale copy, not tampering: the cache folder is the user's to write, so a copy can hold anything with a
valid key. Hence the rule this module is built around: a copy may only decide what is shown before the
app is live (``workflows.first_view``, and ``workflows.messages`` while start-up paints), never clinical
meaning or signature wording. Once the app opens (start-up's second step, where PyYAML is imported anyway
for the policies), ``confirm_served`` parses each installed file a copy was served for and compares: a copy
that differs is replaced by the installed data and a warning is logged. The form, policies and site
settings the rules and PDFs use are parsed from the installed files (``domain.loading``), never read here.

Size and modification time were not enough for the key: ``cp -p``, ``tar`` and ``rsync -t`` keep the time,
so an edited file of the same size was served from its stale copy. The first start after an installation,
an update or an edit of the file parses the YAML and writes the copy. Data JSON cannot hold exactly (dates,
numeric keys) is not copied, and a cache folder that cannot be written only means the YAML is parsed each
time.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import zlib
from pathlib import Path
from typing import Any

from checklist_app import resources
from checklist_app.resources import YamlError

__all__ = ["CACHE_ENV", "YamlError", "cache_dir", "confirm_served", "load_yaml"]

CACHE_ENV = "CHECKLIST_APP_CACHE_DIR"

log = logging.getLogger(__name__)

# Each file whose data came from its copy in this process, until confirm_served: (the copy, its data).
_served: dict[Path, tuple[Path, Any]] = {}


def cache_dir() -> Path:
    """``$CHECKLIST_APP_CACHE_DIR``, else the user cache folder as platformdirs names it (worked out here:
    importing platformdirs takes ~12 ms)."""
    chosen = os.environ.get(CACHE_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "checklist_app" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "checklist_app"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return Path(xdg if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "checklist_app"


def load_yaml(path: Path) -> Any:
    """The data in ``path``, for display before the app is live only (see the module docstring).
    OSError (FileNotFoundError...) as ``open`` gives it; YamlError for bad YAML."""
    source = Path(path).resolve()
    raw = source.read_bytes()
    key = _key(source, raw)
    copy = _copy_path(source)
    try:
        kept = json.loads(copy.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("key") == key:
            _served[source] = (copy, kept["data"])
            return kept["data"]
    except (OSError, ValueError, KeyError):
        pass  # no copy yet, or a damaged one: parse the file
    data = resources.parse_yaml(raw.decode("utf-8"), source)
    _keep(copy, key, data)
    return data


def confirm_served() -> dict[Path, Any]:
    """Parse each installed file whose copy was served in this process and compare it with that copy.

    A copy that differs (edited in the cache folder, or the file changed since) is deleted, written again
    from the installed data, and a warning names both files (never their contents). Returns the installed
    data of each file checked, by resolved path, for the caller to use from then on. A file that can no
    longer be read loses its copy and is left out: whoever reads it next says what is wrong with it.
    """
    checked: dict[Path, Any] = {}
    for source, (copy, served) in list(_served.items()):
        del _served[source]
        try:
            raw = source.read_bytes()
            installed = resources.parse_yaml(raw.decode("utf-8"), source)
        except (OSError, ValueError):
            _discard(copy)
            continue
        checked[source] = installed
        if not _same(served, installed):
            log.warning("the cached copy %s did not match %s: discarded, the installed file is used", copy, source)
            _discard(copy)
            _keep(copy, _key(source, raw), installed)
    return checked


def _key(source: Path, raw: bytes) -> list[Any]:
    return [str(source), len(raw), zlib.crc32(raw)]


def _copy_path(source: Path) -> Path:
    return cache_dir() / "yaml" / f"{zlib.crc32(str(source).encode('utf-8')):08x}-{source.name}.json"


def _same(served: Any, installed: Any) -> bool:
    # As JSON text, not ==: 1, 1.0 and true are equal in Python but not the same data.
    try:
        return json.dumps(served, sort_keys=True) == json.dumps(installed, sort_keys=True)
    except (TypeError, ValueError):
        return False  # the installed data has what JSON cannot hold: no copy of it can be right


def _discard(copy: Path) -> None:
    try:
        copy.unlink(missing_ok=True)
    except OSError:
        pass  # a copy that cannot be removed is still never trusted: confirm_served checks it each start


def _keep(copy: Path, key: list[Any], data: Any) -> None:
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False)
        if json.loads(text)["data"] != data:
            return  # JSON would change it (numeric keys, tuples): parse the YAML each time instead
    except (TypeError, ValueError):
        return  # dates and other values JSON has no type for
    try:
        for folder in (copy.parent.parent, copy.parent):  # the app's own cache folder: this account only
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = copy.with_name(f"{copy.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, copy)  # whole or not at all, even with two apps starting at once
    except OSError:
        pass  # a read-only or full cache folder: the YAML is parsed next time too
