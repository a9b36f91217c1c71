"""``fhir ...``: exchanging with the hospital's chart. This module owns only the command group; each side
of the exchange adds its actions from its own module (``FHIR_ACTION_MODULES``, each with ``register(actions)``),
so the export and the import commands are written and changed apart.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

FHIR_ACTION_MODULES = ["checklist_app.cli.fhir_export", "checklist_app.cli.fhir_import"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``fhir`` and the actions of the modules that exist."""
    group = subparsers.add_parser(
        "fhir", help="exchange with the hospital's chart (FHIR R4, HL7 v2)",
        description="Exchange with the hospital's chart: export the form as a FHIR Questionnaire, send the "
                    "signed checklists waiting in the outbox, see what is waiting.")
    actions = group.add_subparsers(dest="fhir_action", metavar="ACTION", required=True)
    for name in FHIR_ACTION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that side is not built yet
            raise
        module.register(actions)


def use_site_chart(db: Any) -> None:
    """Put the site settings' chart connection in force for this command (the environment still overrides)."""
    from checklist_app.storage import outbox, paths
    from checklist_app.workflows.site_settings import load_effective_site

    outbox.use_site_chart(load_effective_site(paths.data_dir(), db).chart)
