"""The clinical policy and the rules engine. Pure Python: no Qt, no I/O during evaluation."""

from __future__ import annotations

from pathlib import Path

from checklist_app import resources
from checklist_app.domain.errors import ChecklistError, FormDefinitionError, PolicyDefinitionError
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.loading import load_definition
from checklist_app.rules.engine import evaluate, evaluate_answers
from checklist_app.rules.policy import PolicyDefinition, check_fits_form, load_policy

__all__ = ["evaluate", "evaluate_answers", "load_form", "load_policy_for", "PolicyDefinition"]


def load_form(path: Path | None = None) -> FormDefinition:
    """Load a form file (default: the shipped vertebral augmentation form)."""
    return load_definition(path or resources.form_path(resources.DEFAULT_FORM), FormDefinition, FormDefinitionError)


def load_policy_for(form: FormDefinition, policy: str | Path | None = None) -> PolicyDefinition:
    """Load a policy by id (``sir-2019``) or path, and check that it fits ``form``."""
    if policy is None:
        policy = resources.DEFAULT_POLICY
    if str(policy).endswith((".yaml", ".yml", ".json")):
        path = Path(policy)
    else:
        try:
            path = resources.policy_path(str(policy))
        except ChecklistError:
            known = ", ".join(sorted(p.stem for p in (resources.data_root() / "forms" / "policies").glob("*.yaml")))
            raise PolicyDefinitionError(f"policy '{policy}'", "", f"no such policy; available: {known}") from None
    loaded = load_policy(path)
    check_fits_form(loaded, form, path)
    return loaded
