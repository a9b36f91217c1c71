"""Build hooks; everything else about the package is in pyproject.toml.

The customer fixed the repository's top-level layout (checklist_app/, forms/, resources/, tests/), so the
data folders are not inside the package in the source tree. A built package carries them inside itself, as
``checklist_app/_data/forms`` and ``checklist_app/_data/resources``, where ``checklist_app.resources``
looks (and where ``importlib.resources.files("checklist_app")`` reaches them). setuptools' own ways would
not do: ``data-files`` installs outside the package, and mapping ``package-dir`` onto the top-level folders
turns the editable install into an import hook that every start of the app would pay for. So ``build_py``,
the documented place to customise what goes into the package (setuptools: "Extending or Customizing
Setuptools"), copies the two folders and writes ``checklist_app/_build.py`` with the version and the git
commit built from (``checklist_app.version`` reads it). An editable install (the checkout's .venv) gets
neither: it reads forms/ and resources/ in place and the commit from .git.

``sdist`` writes the same ``_build.py`` into the source archive, so a wheel built from the archive (no .git
there) still names its commit; MANIFEST.in puts forms/ and resources/ into the archive.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
PACKAGE = "checklist_app"
DATA_FOLDERS = ("forms", "resources")
# The files a wheel is made of: a change to any of them not yet committed marks the build id "-dirty".
SHIPPED = ["checklist_app", "forms", "resources", "pyproject.toml", "setup.py", "MANIFEST.in"]
STAMP = "_build.py"


def git_build_id() -> str | None:
    """``abc1234``, or ``abc1234-dirty`` when a shipped file differs from that commit; None without git."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=normal",
                                "--", *SHIPPED], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if not commit:
        return None
    return commit[:7] + ("-dirty" if dirty.strip() else "")


def stamp_text(version: str, build: str) -> str:
    """The text of ``checklist_app/_build.py``."""
    return (f'"""Written by setup.py when this package was built; read by checklist_app.version."""\n\n'
            f"VERSION = {version!r}\nBUILD = {build!r}\n")


class BuildPy(build_py):
    """build_py, plus forms/ and resources/ under checklist_app/_data and the build stamp."""

    def run(self) -> None:
        package = Path(self.build_lib) / PACKAGE
        if not self.editable_mode:
            # build/lib outlives a build: what was deleted from the source since must not ship again.
            shutil.rmtree(package, ignore_errors=True)
        super().run()
        if self.editable_mode:
            return
        for name in DATA_FOLDERS:
            source = ROOT / name
            if source.is_dir():  # absent when building from an archive made without them: fails below
                shutil.copytree(source, package / "_data" / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]"))
        missing = [name for name in DATA_FOLDERS if not (package / "_data" / name).is_dir()]
        if missing:
            raise SystemExit(f"setup.py: {', '.join(missing)} not found next to setup.py; the package cannot run "
                             "without them")
        build = git_build_id()
        if build is None and (package / STAMP).is_file():
            return  # built from a source archive: sdist stamped it (build_py copied it over)
        (package / STAMP).write_text(stamp_text(self.distribution.get_version(), build or "unknown"),
                                     encoding="utf-8")


class Sdist(sdist):
    """sdist, with the build stamp in the archive (it has no .git to read the commit from)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        target = Path(base_dir) / PACKAGE / STAMP
        target.unlink(missing_ok=True)  # a hard link to the source tree's copy, if there was one
        target.write_text(stamp_text(self.distribution.get_version(), git_build_id() or "unknown"),
                          encoding="utf-8")


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
