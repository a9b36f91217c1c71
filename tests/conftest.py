"""Test-wide setup that must happen before anything imports Qt or touches the data folder.

Qt runs offscreen unless the caller chose a platform, and every test session gets its own empty data
folder through ``CHECKLIST_APP_DATA_DIR`` (and cache folder through ``CHECKLIST_APP_CACHE_DIR``, where the
app keeps JSON copies of the YAML files it reads at start), so no test writes to the user's own folders.
Fixtures for forms and records live in the sub-folders' own conftest files.
"""

import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The session's throwaway PostgreSQL server (fixture ``pg_cluster``), for any test folder that needs one; a
# throwaway CUPS scheduler with a cups-pdf queue (fixture ``cups_queue``) for the printing tests.
pytest_plugins = ["pg_cluster", "cups_queue"]

# Set unconditionally: a developer's own CHECKLIST_APP_DATA_DIR must never receive test data.
_SESSION_DATA_DIR = tempfile.mkdtemp(prefix="checklist-app-tests-")
os.environ["CHECKLIST_APP_DATA_DIR"] = _SESSION_DATA_DIR
os.environ["CHECKLIST_APP_CACHE_DIR"] = os.path.join(_SESSION_DATA_DIR, "cache")


def pytest_report_header(config):
    return f"CHECKLIST_APP_DATA_DIR={_SESSION_DATA_DIR} (cache in it)  QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_DATA_DIR, ignore_errors=True)
