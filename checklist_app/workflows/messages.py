"""User-facing wording as data (``resources/text/messages.yaml``), read by its stable id. No Qt.

``text("sign.blocked_missing", count=3, first="INR")`` reads a message and fills its placeholders;
``error_texts(exc)`` gives the title, text and advice shown for an exception (the screens show them with
``ui.messages.show_error``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from checklist_app import resources
from checklist_app.cached_yaml import load_yaml
from checklist_app.domain.errors import ChecklistError

LOG_FILE = {"path": "the app's log file"}  # the GUI's start-up fills in the real path once logging is set up


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    return load_yaml(resources.resource_path("text/messages.yaml"))  # read at start-up: from its JSON copy


def text(message_id: str, **values: Any) -> str:
    """The message with this dotted id, placeholders filled; KeyError names the id when it is missing."""
    node: Any = _catalogue()
    for part in message_id.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no message '{message_id}' in resources/text/messages.yaml")
        node = node[part]
    return str(node).format(**values) if values else str(node)


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


