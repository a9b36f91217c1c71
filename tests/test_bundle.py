"""The desktop bundle (scripts/build-bundle, PyInstaller) builds and runs: from a temporary folder outside the
checkout, its programs print the version, start the window offscreen and exit once it is open, check and
render an example record with the shipped forms and fonts, and verify a seal (pyHanko inside the bundle).

Slow (about a minute with pip's cache warm: a wheel, a fresh virtual environment, PyInstaller), so it runs
only when CHECKLIST_TEST_BUNDLE=1 is set.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-21T10:00"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(os.environ.get("CHECKLIST_TEST_BUNDLE") != "1",
                       reason="builds the desktop bundle with PyInstaller (about a minute, more without pip's cache); "
                              "set CHECKLIST_TEST_BUNDLE=1 to run it"),
]


def _env(**extra: str) -> dict[str, str]:
    """A workstation's environment: nothing of this checkout's venv, pytest or the test session's folders."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("PYTEST", "CHECKLIST_APP"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The bundle folder, built once for this module from the working tree."""
    folder = tmp_path_factory.mktemp("bundle")
    result = subprocess.run([sys.executable, ROOT / "scripts" / "build-bundle", "--out", folder / "dist",
                             "--work", folder / "work"], cwd=folder, capture_output=True, text=True, timeout=1400,
                            env=_env())
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stdout.strip().splitlines()[-1])  # "build-bundle: <folder> (N MB) in N s"
    return folder / "dist" / "checklist_app"


def _run(program: Path, *args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(program), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=_env(**env))


def test_the_bundle_has_both_programs_and_no_test_tools_or_qt_quick(bundle):
    assert (bundle / "checklist-app").is_file() and (bundle / "checklist-app-cli").is_file()
    internal = bundle / "_internal"
    assert (internal / "checklist_app" / "_data" / "forms" / "vertebral_augmentation.yaml").is_file()
    assert (internal / "checklist_app" / "_data" / "resources" / "fonts").is_dir()
    names = {p.name for p in internal.rglob("*")}
    assert not names & {"pytest", "_pytest", "hypothesis", "ruff", "vulture", "importlinter"}
    assert not [n for n in names if n.startswith(("libQt6Quick", "libQt6Qml", "libQt6Designer"))]


def test_the_bundle_prints_its_version(bundle, tmp_path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    for program in ("checklist-app-cli", "checklist-app"):
        result = _run(bundle / program, "--version", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"checklist_app {version} (build "), result.stdout
        assert "unknown" not in result.stdout and "dev" not in result.stdout  # the wheel's stamp, not a checkout's


def test_the_bundle_opens_its_window_offscreen(bundle, tmp_path):
    data = tmp_path / "data"
    result = _run(bundle / "checklist-app", "--gui", "--exit-when-open", cwd=tmp_path,
                  QT_QPA_PLATFORM="offscreen", CHECKLIST_APP_DATA_DIR=str(data))
    assert result.returncode == 0, result.stdout + result.stderr
    log = (data / "logs" / "app.log").read_text(encoding="utf-8")
    assert "checklist_app " in log.splitlines()[0] and "open; exiting as asked" in log


def test_the_bundle_checks_renders_and_verifies_a_seal(bundle, tmp_path):
    from checklist_app.pdf.certificates import installation_identity
    from checklist_app.pdf.seal import seal_pdf

    record = ROOT / "forms" / "examples" / "clean.json"
    env = {"CHECKLIST_APP_DATA_DIR": str(tmp_path / "data")}
    checked = _run(bundle / "checklist-app-cli", "check", record, cwd=tmp_path, **env)
    assert checked.returncode == 0 and "CLEARED" in checked.stdout, checked.stdout + checked.stderr
    rendered = _run(bundle / "checklist-app-cli", "render", record, "--out", tmp_path / "out", "--now", NOW,
                    cwd=tmp_path, **env)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    pdf = tmp_path / "out" / "demo-clean-checklist.pdf"
    text = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert "Okafor" in text and "DRAFT" in text
    identity = installation_identity(tmp_path / "seal")
    sealed = tmp_path / "sealed.pdf"
    sealed.write_bytes(seal_pdf(pdf.read_bytes(), identity))
    verified = _run(bundle / "checklist-app-cli", "verify-seal", sealed, "--trust", identity.trust_root,
                    cwd=tmp_path, **env)
    assert verified.returncode == 0 and ": Seal valid: sealed by" in verified.stdout, verified.stdout + verified.stderr
    sealed.write_bytes(sealed.read_bytes() + b"\n% appended\n")
    assert _run(bundle / "checklist-app-cli", "verify-seal", sealed, "--trust", identity.trust_root,
                cwd=tmp_path, **env).returncode == 1
