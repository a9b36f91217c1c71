"""Policy inheritance: ``extends: sir-2019`` starts from another policy file and changes only what differs.

A site variant lists its own ``sources``, ``medicines`` (each replaces the base entry of the same key) and
``rules`` (a rule with a base rule's id replaces it; a new id is added), and may drop base rules with
``remove_rules``. The merged result is validated like any policy, so a variant cannot break the rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from checklist_app.domain import limits
from checklist_app.domain.errors import PolicyDefinitionError
from checklist_app.domain.loading import read_data

_MAX_DEPTH = 4


def resolve_extends(data: Any, path: Path, depth: int = 0) -> Any:
    """Return ``data`` merged onto the policy it extends (recursively); other data is returned as is."""
    if not isinstance(data, dict) or "extends" not in data:
        return data
    if depth >= _MAX_DEPTH:
        raise PolicyDefinitionError(path, "extends", f"policies extend each other more than {_MAX_DEPTH} deep")
    base_id = data["extends"]
    # At most 100 characters, as an installed policy's id (rules.installed): a longer name is no policy, and
    # the file system refuses it with an OSError ("File name too long") when looked for.
    if not isinstance(base_id, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", base_id) or ".." in base_id:
        raise PolicyDefinitionError(path, "extends", f"{limits.shown(base_id)} is not a policy id (like sir-2019)")
    base_path = path.with_name(f"{base_id}.yaml")
    if not base_path.is_file():
        raise PolicyDefinitionError(path, "extends", f"no policy file '{base_id}.yaml' next to this one")
    base = resolve_extends(read_data(base_path, PolicyDefinitionError), base_path, depth + 1)
    if not isinstance(base, dict):
        raise PolicyDefinitionError(base_path, "", "must be a mapping of keys")
    return merge(base, data, path)


def merge(base: dict[str, Any], variant: dict[str, Any], path: Path) -> dict[str, Any]:
    """Merge a variant onto its base policy data (PolicyDefinitionError for a part of the wrong shape)."""
    for part, shape in (("sources", dict), ("medicines", dict), ("rules", list), ("remove_rules", list)):
        for data, where in ((variant, path), (base, None)):
            if data.get(part) is not None and not isinstance(data[part], shape):
                # Said here, not by validation after the merge: merging would fail on it first.
                kind = "a mapping of ids" if shape is dict else "a list"
                raise PolicyDefinitionError(where or f"the base policy of {path}", part, f"must be {kind}, not "
                                            f"{type(data[part]).__name__}")
    merged = {k: v for k, v in base.items() if k not in ("rules", "sources", "medicines")}
    merged.update({k: v for k, v in variant.items()
                   if k not in ("extends", "rules", "sources", "medicines", "remove_rules")})
    merged["sources"] = {**(base.get("sources") or {}), **(variant.get("sources") or {})}
    merged["medicines"] = {**(base.get("medicines") or {}), **(variant.get("medicines") or {})}
    removed = set(variant.get("remove_rules") or [])
    base_ids = {r.get("id") for r in base.get("rules") or [] if isinstance(r, dict)}
    unknown = sorted(str(r) for r in removed - base_ids)
    if unknown:
        raise PolicyDefinitionError(path, "remove_rules", f"rule '{unknown[0]}' is not in the base policy")
    replacements = {r.get("id"): r for r in variant.get("rules") or [] if isinstance(r, dict)}
    rules = [replacements.pop(r.get("id"), r) for r in base.get("rules") or []
             if isinstance(r, dict) and r.get("id") not in removed]
    rules.extend(replacements.values())
    merged["rules"] = rules
    return merged
