"""User-facing wording as data (``resources/text/messages.yaml``), read by its stable id. No Qt.

``text("sign.blocked_missing", count=3, first="INR")`` reads a message and fills its placeholders;
``error_texts(exc)`` gives the title, text and advice shown for an exception (the screens show them with
``ui.messages.show_error``).

The catalogue is parsed from the installed file. Only while the GUI paints its first window
(``paint_from_copy()`` until ``confirm_installed()``) may display text come from the file's JSON copy in
the user cache folder (``cached_yaml``), which the user can edit: the signature's wording (``sign.*``) is
never taken from it, and ``confirm_installed`` compares the copy with the installed file and uses the
installed file from then on. Headless commands never call ``paint_from_copy``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checklist_app import cached_yaml, resources
from checklist_app.domain.conventions import site_wording
from checklist_app.domain.errors import ChecklistError

LOG_FILE = {"path": "the app's log file"}  # the GUI's start-up fills in the real path once logging is set up
MESSAGES_FILE = "text/messages.yaml"
# Wording that says what a signature means: read from the installed file even during the first paint.
INSTALLED_ONLY = ("sign.",)

_loaded: dict[str, Any] = {}  # "installed": the parsed file; "copy": what the first paint was given
_first_paint = {"from_copy": False}


def paint_from_copy() -> None:
    """Let display text come from the JSON copy until ``confirm_installed`` (start-up's first paint only)."""
    if "installed" not in _loaded:
        _first_paint["from_copy"] = True


def confirm_installed() -> None:
    """Stop using the copy: the installed file is compared with every copy served (a copy that differs is
    replaced, with a warning in the log) and its parsed data is the catalogue from now on."""
    _first_paint["from_copy"] = False
    _loaded.pop("copy", None)
    checked = cached_yaml.confirm_served()
    path = _path().resolve()
    if "installed" not in _loaded and path in checked:
        _loaded["installed"] = checked[path]


def _path() -> Path:
    return resources.resource_path(MESSAGES_FILE)


def _catalogue(message_id: str = "") -> dict[str, Any]:
    if _first_paint["from_copy"] and "installed" not in _loaded and not message_id.startswith(INSTALLED_ONLY):
        if "copy" not in _loaded:
            _loaded["copy"] = cached_yaml.load_yaml(_path())  # from its JSON copy: no PyYAML before the paint
        return _loaded["copy"]
    if "installed" not in _loaded:
        _loaded["installed"] = resources.load_yaml(_path())
    return _loaded["installed"]


def text(message_id: str, **values: Any) -> str:
    """The message with this dotted id, placeholders filled; KeyError names the id when it is missing."""
    node: Any = _catalogue(message_id)
    for part in message_id.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no message '{message_id}' in resources/{MESSAGES_FILE}")
        node = node[part]
    wording = site_wording(str(node))
    return wording.format(**values) if values else wording


def error_texts(exc: BaseException) -> tuple[str, str, str]:
    """(title, what happened, what to do) for an exception, as shown to the user."""
    errors = _catalogue()["errors"]
    if isinstance(exc, ChecklistError):
        for cls in type(exc).__mro__:
            entry = errors.get(cls.__name__)
            if entry is not None:
                return entry["title"], str(exc), entry.get("advice", "")
    entry = errors["unexpected"]
    return entry["title"], entry["text"], entry["advice"].format(log_file=LOG_FILE["path"])
