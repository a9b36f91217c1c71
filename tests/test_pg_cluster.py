"""The test PostgreSQL server's own rules: skipped with the reason where PostgreSQL is not installed, but a
failure in CI, which must run the storage tests on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
ONE_PG_TEST = "tests/storage/test_storage_drafts.py::test_a_half_typed_draft_is_saved_as_it_is[postgresql]"


def run_without_postgresql(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKLIST_TEST_PG_BINDIR": str(tmp_path / "no-postgresql-here")}
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", ONE_PG_TEST],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_without_postgresql_the_tests_are_skipped_with_the_reason(tmp_path: Path) -> None:
    result = run_without_postgresql(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "PostgreSQL tests skipped: the PostgreSQL server binaries (initdb, pg_ctl) are not installed" \
        in result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_without_postgresql_ci_fails(tmp_path: Path, ci: str) -> None:
    result = run_without_postgresql(tmp_path, ci=ci)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CI must run the storage tests on PostgreSQL too" in result.stdout
