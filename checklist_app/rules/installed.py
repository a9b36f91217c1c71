"""Which clinical policies this installation may use: the policy files installed in the site's policy folder,
``forms/policies/`` (through ``resources``), named by id (``sir-2019``) and, optionally, version.

A record or a command line names a policy; it never supplies one. A record file holding the path of a
copied policy (with the INR rules taken out) once made ``check`` apply that copy and print CLEARED while the
PDF footer named the site's policy. So a name is only ever looked up among the installed files: a path, a
name with ``..`` or a folder in it, an id not installed, or a version other than the installed file's is
refused in words naming the field and the installed choices. Which policies a site may use is the site's
decision, made by installing the file (and having it signed off), not the record's.

There is no policy store in the shared database today; when a site keeps its policies there, this is the
one place that must also look there.
"""

from __future__ import annotations

import re
from pathlib import Path

from checklist_app import resources
from checklist_app.domain.errors import PolicyDefinitionError

# What an installed policy's file name (without .yaml) may be: a plain id, no folder, no "..".
POLICY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")
MAX_ID_LENGTH = 100  # the signed versions' policy_id column is 100 characters
POLICY_SUFFIX = ".yaml"


class PolicyChoiceError(PolicyDefinitionError):
    """A policy was named that this installation does not have (or not in that version). Reads
    ``<field>: <what is wrong>; installed: ...``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, "", message)


def policy_folder() -> Path:
    """The site's policy folder (``forms/policies/`` of this installation)."""
    return resources.data_root() / "forms" / "policies"


def installed_ids() -> list[str]:
    """The ids of the installed policies, sorted."""
    folder = policy_folder()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob(f"*{POLICY_SUFFIX}")
                  if p.is_file() and POLICY_ID.fullmatch(p.stem) and len(p.stem) <= MAX_ID_LENGTH)


def installed_choices() -> str:
    """'asra-2018 v2026.11-1, sir-2019 v2026.11-1' (a file that cannot be read is listed by id alone)."""
    from checklist_app.rules.policy import load_policy

    choices = []
    for policy_id in installed_ids():
        try:
            choices.append(f"{policy_id} v{load_policy(policy_folder() / f'{policy_id}{POLICY_SUFFIX}').version}")
        except PolicyDefinitionError:
            choices.append(f"{policy_id} (its file has a problem)")
    return ", ".join(choices) or "none (forms/policies/ holds no policy file)"


def installed_path(policy_id: object, field: str) -> Path:
    """The installed file for ``policy_id``; PolicyChoiceError naming ``field`` for anything else."""
    text = policy_id if isinstance(policy_id, str) else repr(policy_id)
    shown = text if len(text) <= 80 else text[:77] + "..."
    if not isinstance(policy_id, str) or not policy_id:
        problem = f"{shown} is not a policy id"
    elif ("/" in policy_id or "\\" in policy_id or ".." in policy_id or Path(policy_id).is_absolute()
          or policy_id.lower().endswith((".yaml", ".yml", ".json"))):
        problem = (f"'{shown}' is a file path; a policy is named by its id, and only the policies installed "
                   f"at this site can be used")
    elif policy_id not in installed_ids():
        problem = f"no policy '{shown}' is installed at this site"
    else:
        return policy_folder() / f"{policy_id}{POLICY_SUFFIX}"
    raise PolicyChoiceError(field, f"{problem}; installed: {installed_choices()}")
