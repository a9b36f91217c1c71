"""``load_yaml(path)``: a YAML file's data (the messages, the form, site settings), from a JSON copy kept in
the user cache folder while the file is unchanged. No Qt.

Importing PyYAML takes ~17 ms and parsing the 27 KB form with libyaml ~25 ms more: together a quarter of
what a bare Qt window needs to appear, spent before the worklist could be painted. A JSON copy is read in
well under a millisecond. The copy is used only while the file's bytes are the same: their length and
CRC-32, a few microseconds (``hashlib`` would add ~3 ms of OpenSSL to the start; this guards against a
stale copy, not tampering, and an edit that keeps both has one chance in four billion). Size and
modification time were not enough: ``cp -p``, ``tar`` and ``rsync -t`` keep the time, so an edited file of
the same size was served from its stale copy. The first start after an installation, an update or an edit
of the file parses the YAML and writes the copy. Data JSON cannot hold exactly (dates, numeric keys) is not
copied, and a cache folder that cannot be written only means the YAML is parsed each time.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any

CACHE_ENV = "CHECKLIST_APP_CACHE_DIR"


class YamlError(ValueError):
    """The file is not valid YAML (the parser's message, with the line and column)."""


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
    """The data in ``path``. OSError (FileNotFoundError...) as ``open`` gives it; YamlError for bad YAML."""
    source = Path(path).resolve()
    raw = source.read_bytes()
    key = [str(source), len(raw), zlib.crc32(raw)]
    copy = cache_dir() / "yaml" / f"{zlib.crc32(key[0].encode('utf-8')):08x}-{source.name}.json"
    try:
        kept = json.loads(copy.read_text(encoding="utf-8"))
        if isinstance(kept, dict) and kept.get("key") == key:
            return kept["data"]
    except (OSError, ValueError, KeyError):
        pass  # no copy yet, or a damaged one: parse the file
    import yaml  # here, not at the top: a start whose copies are all current never imports PyYAML

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
    _keep(copy, key, data)
    return data


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
