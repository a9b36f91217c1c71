"""The chart exchange adds nothing to the first window: the app started as a user starts it (``--gui
--exit-when-open``, a new process, ``-X importtime``) imports none of fhir.resources, httpx or hl7, whether
the site exchanges nothing with the chart or its chart connection is set (then only the sender's own small
modules load, once the app is open, and its libraries only when there is something to send or read)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fhir", "fhir_core", "httpx", "httpcore", "hl7")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def imported(data_dir: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLIST_APP_")}
    env.update(QT_QPA_PLATFORM="offscreen", CHECKLIST_APP_DATA_DIR=str(data_dir))
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "checklist_app", "--gui", "--data-dir",
                             str(data_dir), "--exit-when-open"], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return [line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
            and "|" in line]


@pytest.mark.parametrize("chart", ["nothing exchanged", "chart connection set"])
def test_opening_the_app_imports_no_fhir_http_or_hl7_library(tmp_path: Path, chart: str) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if chart == "chart connection set":
        (data_dir / "site.yaml").write_text(f"chart:\n  fhir_base_url: http://127.0.0.1:{closed_port()}/fhir\n"
                                            f"  mllp_host: 127.0.0.1\n  mllp_port: {closed_port()}\n")
    modules = imported(data_dir)
    assert "checklist_app.ui.worklist.window" in modules  # the first window was built in this process
    heavy = [m for m in modules if m.split(".")[0] in HEAVY]
    assert heavy == []
    ehr = [m for m in modules if m.startswith("checklist_app.ehr")]
    if chart == "nothing exchanged":
        assert ehr == []
    else:  # the sender started behind the open window, with nothing to send yet
        assert "checklist_app.ehr.sender" in ehr  # the site's setting reached the running app
        assert set(ehr) <= {"checklist_app.ehr", "checklist_app.ehr.export_config", "checklist_app.ehr.sender"}
