"""The wheel runs where a hospital's IT team would put it: built from this tree, installed with its
dependencies but without the test extras into a clean virtual environment in a temporary folder outside the
checkout, and used from another directory: the installed ``checklist-app-cli`` checks and renders an
example record, and ``checklist-app`` starts offscreen and exits once it is open.

Slow (about half a minute: most of it is pip installing the dependencies, from pip's cache after the first
run). The build writes nothing into the checkout: DIST_EXTRA_CONFIG points setuptools' build/ and egg-info
folders into the temporary folder too, so runs at the same time cannot trip over each other.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-21T10:00"
TEST_TOOLS = ("pytest", "pytest-qt", "pytest-timeout", "hypothesis", "ruff", "vulture", "import-linter", "textstat")


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a workstation: nothing of this checkout's venv or of pytest's."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("PYTEST", "CHECKLIST_APP"))}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", **extra)
    return env


def run(args: list[str | Path], *, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=clean_env(**env))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built once for this module from the working tree."""
    folder = tmp_path_factory.mktemp("wheel-build")
    (folder / "extra.cfg").write_text(f"[build]\nbuild_base = {folder / 'build'}\n[egg_info]\negg_base = {folder}\n")
    result = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder / "dist", ROOT], cwd=folder,
                 timeout=600, DIST_EXTRA_CONFIG=str(folder / "extra.cfg"))
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (folder / "dist").glob("checklist_app-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A clean virtual environment (no system site-packages) with the wheel and its dependencies only."""
    venv = tmp_path_factory.mktemp("workstation") / "venv"
    assert ROOT not in venv.parents
    base = getattr(sys, "_base_executable", sys.executable)
    result = run([base, "-m", "venv", venv], cwd=venv.parent)
    assert result.returncode == 0, result.stderr
    result = run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=venv.parent, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return venv


@pytest.fixture(scope="module")
def workdir(installed, tmp_path_factory) -> Path:
    """Another directory, with copies of two example records."""
    folder = tmp_path_factory.mktemp("elsewhere")
    for name in ("clean.json", "hard-fasting-meal.json"):
        shutil.copy(ROOT / "forms" / "examples" / name, folder / name)
    return folder


def test_the_wheel_carries_forms_resources_and_its_build_stamp(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("forms", "resources"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
        assert shipped and {f"checklist_app/_data/{n}" for n in shipped} <= names
    assert "checklist_app/_data/forms/site.yaml" in names  # the default site settings
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]
    stamp: dict[str, str] = {}
    exec(zipfile.ZipFile(wheel).read("checklist_app/_build.py").decode(), stamp)  # noqa: S102 (our own stamp)
    assert stamp["VERSION"] == pyproject_version()
    assert re.fullmatch(r"[0-9a-f]{7}(-dirty)?", stamp["BUILD"]), stamp["BUILD"]
    if shutil.which("git") and (ROOT / ".git").exists():
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        assert stamp["BUILD"].startswith(head[:7])


def test_the_runtime_install_has_no_test_tools(installed):
    result = run([installed / "bin" / "python", "-m", "pip", "list", "--format=json"], cwd=installed)
    packages = {p["name"].lower().replace("_", "-") for p in json.loads(result.stdout)}
    assert "checklist-app" in packages and "pyside6-essentials" in packages
    assert not packages & set(TEST_TOOLS)
    check = run([installed / "bin" / "python", "-m", "pip", "check"], cwd=installed)
    assert check.returncode == 0, check.stdout


def installed_version_line(installed: Path, workdir: Path) -> str:
    result = run([installed / "bin" / "checklist-app-cli", "--version"], cwd=workdir)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_installed_package_is_used_and_names_its_version(installed, workdir):
    code = ("import checklist_app, importlib.metadata as m; from checklist_app import resources; "
            "print(checklist_app.__file__); print(resources.data_root()); print(m.version('checklist_app'))")
    result = run([installed / "bin" / "python", "-c", code], cwd=workdir)
    module, data_root, metadata_version = result.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(installed) and Path(data_root).is_relative_to(installed)
    assert Path(data_root).name == "_data"
    line = installed_version_line(installed, workdir)
    assert metadata_version == pyproject_version()
    assert re.fullmatch(rf"checklist_app {re.escape(pyproject_version())} \(build [0-9a-f]{{7}}(-dirty)?\)", line)


def test_installed_cli_checks_and_renders_from_another_directory(installed, workdir):
    cli = installed / "bin" / "checklist-app-cli"
    data = workdir / "data"
    data.mkdir(exist_ok=True)
    # A site override in the data folder still wins over the shipped defaults inside the package.
    (data / "site.yaml").write_text("facility_name: Lakeside Test Infirmary\n", encoding="utf-8")
    env = {"CHECKLIST_APP_DATA_DIR": str(data), "CHECKLIST_APP_CACHE_DIR": str(workdir / "cache")}
    clean = run([cli, "check", "clean.json", "--now", NOW], cwd=workdir, **env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "CLEARED" in clean.stdout
    stopped = run([cli, "check", "hard-fasting-meal.json", "--now", NOW], cwd=workdir, **env)
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    rendered = run([cli, "render", "clean.json", "--out", "out", "--now", NOW], cwd=workdir, **env)
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    line = installed_version_line(installed, workdir)
    for kind in ("checklist", "discharge"):
        pdf = (workdir / "out" / f"demo-clean-{kind}.pdf").read_bytes()
        pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]
        assert pages and all(line in p for p in pages)  # the footer of every page
        assert all("Okafor, Grace Adaeze" in p for p in pages)
        if kind == "discharge":
            assert "Lakeside Test Infirmary" in pages[0]


def test_installed_gui_starts_offscreen_and_exits_by_itself(installed, workdir):
    data = workdir / "gui-data"
    result = run([installed / "bin" / "checklist-app", "--gui", "--data-dir", data, "--exit-when-open"], cwd=workdir,
                 QT_QPA_PLATFORM="offscreen", CHECKLIST_APP_CACHE_DIR=str(workdir / "gui-cache"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (data / "checklist.sqlite3").is_file()
    first = (data / "logs" / "app.log").read_text(encoding="utf-8").splitlines()[0]
    assert first.endswith(f"{installed_version_line(installed, workdir)} started")
