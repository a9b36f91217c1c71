"""Names vulture reports as unused although something outside our code reads them.

Vulture (run by scripts/run-tests) only reads this file: a name mentioned here counts as used. It is
never imported or run. Keep it short: a name whose only reader is gone is dead code, remove it instead.
Names frameworks use by pattern (pydantic's model_config, Qt's *Event overrides, pytest hooks) are in
pyproject.toml [tool.vulture] instead.
"""

# ruff: noqa: B018 (each line only mentions a name)
import sqlite3
from types import SimpleNamespace

from checklist_app.domain.form import FormDefinition
from checklist_app.domain.sources import AnswerSource
from checklist_app.pdf.discharge_text import DischargeTemplate, Sections
from checklist_app.rules.checks.medicines import Glp1Params

# pdf/discharge.py reads these sections with getattr(self.text.sections, key).
Sections.activity
Sections.wound
Sections.call_911

# Fields of data files whose models forbid extra keys: the files carry them, so the model must declare them.
FormDefinition.locale  # forms/vertebral_augmentation.yaml `locale: en`
DischargeTemplate.language_name  # resources/text/discharge/*.yaml; no code reads it yet
Glp1Params.daily  # a policy may state the one rule for daily GLP-1 agents; refusing it would break such files
AnswerSource.imported_at  # domain/sources.py: kept in each record's sources (who imported an answer, when)
AnswerSource.imported_by

# sqlite3 reads it: None turns off pysqlite's own transaction handling (storage/database.py, _on_connect).
sqlite3.Connection.isolation_level

tests = SimpleNamespace()
tests.fast_pins  # autouse fixture (tests/storage/conftest.py): pytest applies it to every storage test
tests.no_windows  # autouse fixture (tests/ui/test_gc_pause.py)
tests.windows_workstation  # autouse fixture of the no_posix plugin (tests/no_posix.py, pytest -p no_posix)
tests.attestations_given  # autouse fixture (tests/ui/conftest.py): answers the physician's attestation dialog
tests.dialogs_closed  # fixture requested for its effect (tests/ui/checklist/test_keyboard_abuse.py)
tests.no_print_queue  # fixture requested for its effect (tests/ui/signing/test_print_dialog.py)
tests.me  # tests/ui/test_gc_pause.py Node: the attribute exists to make a reference cycle
tests.afterFlowable  # reportlab's hook, called for each flowable placed (tests/pdf/test_discharge_headings.py)
