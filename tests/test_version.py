"""One version everywhere: ``--version`` on every entry point agrees with pyproject.toml, and the build id of a
checkout is the commit git itself names (read from .git's files, also through packed refs, a detached HEAD
and a linked worktree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import checklist_app
from checklist_app import version

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HAS_GIT = shutil.which("git") is not None and (ROOT / ".git").exists()


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def git(*args: str, cwd: Path = ROOT) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env,
                          timeout=60).stdout.strip()


def expected_line() -> str:
    build = f"dev+{git('rev-parse', 'HEAD')[:7]}" if HAS_GIT else "dev"
    return f"checklist_app {pyproject_version()} (build {build})"


def test_the_package_version_is_pyprojects():
    assert checklist_app.__version__ == version.version() == pyproject_version()
    with pytest.raises(AttributeError):
        checklist_app.no_such_name  # noqa: B018 (the module __getattr__ must refuse other names)


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "checklist_app", "--version"],
    [sys.executable, "-m", "checklist_app", "--gui", "--version"],
    [str(BIN / "checklist-app"), "--version"],
    [str(BIN / "checklist-app-cli"), "--version"],
    [str(ROOT / "scripts" / "run-app"), "--version"],
], ids=["python -m", "python -m --gui", "checklist-app", "checklist-app-cli", "scripts/run-app"])
def test_version_on_every_entry_point(command, tmp_path):
    if not Path(command[0]).exists():
        pytest.skip(f"{command[0]} is not installed in this environment")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # --version needs no display
    before = expected_line()
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout in (before + "\n", expected_line() + "\n")  # a commit made meanwhile (shared checkout)


def test_version_is_not_read_when_not_asked():
    # Start-up is benchmarked: importing the package and building the command parser read no file.
    code = ("import sys, checklist_app.cli as c; c.build_parser(); import checklist_app.version as v; "
            "print(v.version.cache_info().currsize, v.build_id.cache_info().currsize, 'tomllib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["0", "0", "False"]


@pytest.mark.skipif(not HAS_GIT, reason="no git checkout here")
def test_the_checkouts_commit_is_the_one_git_names():
    version.build_id.cache_clear()  # read once per process; other tests may have read it at an older commit
    assert version.build_id() == f"dev+{git('rev-parse', 'HEAD')[:7]}"
    assert version.git_head(ROOT) == git("rev-parse", "HEAD")[:7]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_head_reads_loose_and_packed_refs_detached_heads_and_worktrees(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    (repo / "a.txt").write_text("one")
    git("add", "a.txt", cwd=repo)
    git("commit", "-q", "-m", "one", cwd=repo)
    first = git("rev-parse", "HEAD", cwd=repo)
    assert version.git_head(repo) == first[:7]  # loose ref
    git("pack-refs", "--all", cwd=repo)
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert version.git_head(repo) == first[:7]  # packed-refs
    (repo / "a.txt").write_text("two")
    git("commit", "-q", "-am", "two", cwd=repo)
    second = git("rev-parse", "HEAD", cwd=repo)
    assert version.git_head(repo) == second[:7]  # a loose ref newer than the packed one wins
    git("checkout", "-q", "--detach", first, cwd=repo)
    assert version.git_head(repo) == first[:7]
    git("checkout", "-q", "main", cwd=repo)
    git("worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"), first, cwd=repo)
    assert (tmp_path / "wt" / ".git").is_file()
    assert version.git_head(tmp_path / "wt") == first[:7]
    assert version.git_head(tmp_path / "nothing") is None
