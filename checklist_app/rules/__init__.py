"""The clinical policy and the rules engine. Pure Python: no Qt, no I/O during evaluation."""

from __future__ import annotations

from pathlib import Path

from checklist_app import resources
from checklist_app.domain.conventions import local_definition
from checklist_app.domain.errors import FormDefinitionError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.loading import read_data, validate_data
from checklist_app.rules.engine import evaluate, evaluate_answers
from checklist_app.rules.installed import PolicyChoiceError, installed_choices, installed_path
from checklist_app.rules.policy import PolicyDefinition, check_fits_form, load_policy

__all__ = ["evaluate", "evaluate_answers", "load_form", "load_policy_file", "load_policy_for", "PolicyChoiceError",
           "PolicyDefinition"]


def load_form(path: Path | None = None) -> FormDefinition:
    """Load a form file (default: the shipped vertebral augmentation form), its wording in the site's spelling."""
    path = path or resources.form_path(resources.DEFAULT_FORM)
    data = local_definition(read_data(path, FormDefinitionError))
    return validate_data(data, FormDefinition, path, FormDefinitionError)


def load_policy_for(form: FormDefinition, policy_id: str | None = None, *, version: str | None = None,
                    field: str = "policy", version_field: str = "") -> PolicyDefinition:
    """The installed policy ``policy_id`` (default: the shipped default), checked against ``form``.

    Only policies installed in the site's policy folder can be used (``rules.installed``): a path, ``..``
    or an unknown id is refused with PolicyChoiceError naming ``field`` (what the user wrote it in, e.g.
    "record policy_id") and the installed choices; so is a ``version`` other than the installed file's (named
    as ``version_field``, default ``field``).
    """
    if policy_id is None:
        policy_id = resources.DEFAULT_POLICY
    path = installed_path(policy_id, field)
    loaded = load_policy(path)
    if loaded.id != policy_id:  # the footer and the signed version name loaded.id: it must be the one asked for
        raise PolicyChoiceError(field, f"the installed file {path.name} says it is policy '{loaded.id}', not "
                                       f"'{policy_id}'; installed: {installed_choices()}")
    if version is not None and version != loaded.version:
        raise PolicyChoiceError(version_field or field,
                                f"policy {policy_id} version '{version}' is not installed at this site; "
                                f"installed: {installed_choices()}")
    check_fits_form(loaded, form, path)
    return loaded


def load_policy_file(form: FormDefinition, path: Path) -> PolicyDefinition:
    """A policy file anywhere, checked against ``form``: for ``validate-form`` and for tests of a file before
    it is installed. Never for evaluating a record, which uses only installed policies (``load_policy_for``)."""
    loaded = load_policy(path)
    check_fits_form(loaded, form, path)
    return loaded
