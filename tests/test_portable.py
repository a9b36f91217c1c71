"""Portable by construction: the app takes no POSIX-only path on Windows.

- ``file_modes`` sets 0600/0700 on POSIX and leaves Windows' folder ACLs alone, without calling the functions
  Windows lacks (``os.fchmod``) or relying on ``os.chmod``, which there only sets the read-only flag.
- The storage tests (database open and create, drafts, signing, backup of SQLite, staff, site files...), the
  seal's certificate and headless signing run again in a child pytest with the ``no_posix`` plugin
  (tests/no_posix.py): os.fchmod, os.getuid and the rest removed, pwd/grp/fcntl unimportable, no /proc.
- The app's source names none of those (an AST scan), apart from the few places listed with their reason.
"""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from no_posix import POSIX_ONLY_MODULES, POSIX_ONLY_OS, POSIX_ONLY_SIGNALS, windows_like

from checklist_app import file_modes

ROOT = Path(__file__).resolve().parents[1]

# Run again without the POSIX-only names. Left out, each with why it cannot mean anything there:
NOT_ON_WINDOWS = {
    "tests/storage/test_storage_database.py::test_folder_and_files_are_private_to_the_user[sqlite]":
        "asserts POSIX modes 0600/0700; on Windows the profile folder's ACL keeps the files private",
    "tests/storage/test_storage_database.py::test_the_default_folder_is_the_platform_user_data_folder_and_kept_private":
        "asserts a folder is tightened to 0700; on Windows its ACL is left as the profile made it",
    "tests/storage/test_storage_failures.py::test_a_full_disk_keeps_the_draft_in_memory_until_space_is_freed":
        "the test mounts a tiny tmpfs as root (os.geteuid, mount): a Linux harness",
}
IGNORED_FILES = {
    "tests/storage/test_storage_kill9.py": "the test kills its child with SIGKILL (Windows: TerminateProcess)",
    "tests/storage/test_storage_postgresql.py": "runs a throwaway PostgreSQL cluster under a POSIX account",
}
# The seal's certificate files and a validation, and signing end to end (named tests: the seal's own file is
# long and not about files).
RUN = ["tests/storage", "tests/pdf/test_seal.py::test_seal_validates_with_the_installation_root",
       "tests/pdf/test_seal.py::test_certificate_files_are_private", "tests/workflows/test_headless_signing.py"]
# What must have run and passed for the claim to hold (test names, the [sqlite] run where parametrized).
MUST_PASS = (
    "test_storage_database.py::test_private_even_with_a_permissive_umask",
    "test_storage_database.py::test_a_fresh_database_has_exactly_the_declared_tables[sqlite]",
    "test_storage_database.py::test_backup_is_a_private_consistent_copy_and_never_overwrites[sqlite]",
    "test_storage_drafts.py::",
    "test_storage_versions.py::test_signing_freezes_the_payload_with_its_sha256[sqlite]",
    "test_storage_versions.py::test_a_signed_record_is_changed_only_by_an_amendment[sqlite]",
    "test_storage_lost_database.py::",
    "test_seal.py::test_seal_validates_with_the_installation_root",
    "test_headless_signing.py::",
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_posix_files_and_folders_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        os.close(file_modes.create_private(tmp_path / "new"))
        loose_file, loose_dir = tmp_path / "loose", tmp_path / "folder"
        loose_file.write_bytes(b"x")
        loose_dir.mkdir(mode=0o777)
        file_modes.make_private_file(loose_file)
        file_modes.make_private_dir(loose_dir)
        file_modes.write_private(tmp_path / "pdf", b"%PDF\n\x00\r\n")
    finally:
        os.umask(old)
    assert [_mode(tmp_path / n) for n in ("new", "loose", "folder", "pdf")] == [0o600, 0o600, 0o700, 0o600]
    assert (tmp_path / "pdf").read_bytes() == b"%PDF\n\x00\r\n"
    with pytest.raises(FileExistsError):  # never replaces a file
        file_modes.write_private(tmp_path / "pdf", b"other")


def test_on_windows_modes_are_left_to_the_folder_and_nothing_posix_is_called(tmp_path, monkeypatch):
    from checklist_app.storage import backup_to, open_database, save_draft

    chmods = windows_like(monkeypatch)
    assert not hasattr(os, "fchmod") and not hasattr(os, "getuid")
    folder = tmp_path / "data"
    with open_database(data_dir=folder, workstation="bay-1") as db:  # first start: creates folder and file
        save_draft(db, "r1", {"answers": {"note": "x"}}, staff_id="rn1")
        copy = backup_to(db, tmp_path / "backups")
    file_modes.write_private(tmp_path / "key.pem", b"-----BEGIN\n")
    assert (folder / "checklist.sqlite3").stat().st_size > 0 and copy.is_file()
    # os.chmod exists on Windows but only sets or clears the read-only flag: the app must not count on it.
    assert chmods == []


@pytest.mark.slow  # about 35 s: the storage tests again, in a child pytest
def test_the_storage_tests_pass_with_the_posix_only_functions_removed(tmp_path):
    report = tmp_path / "junit.xml"
    args = [sys.executable, "-m", "pytest", "-p", "no_posix", "-p", "no:cacheprovider", "-k", "not postgresql",
            f"--junitxml={report}", *RUN]
    args += [f"--deselect={node}" for node in NOT_ON_WINDOWS] + [f"--ignore={path}" for path in IGNORED_FILES]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tests"),
                                                                     os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=280, env=env)
    tail = (result.stdout + result.stderr)[-6000:]
    assert "no_posix: POSIX-only" in result.stdout, tail
    assert result.returncode == 0, tail
    passed = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if not any(child.tag in ("failure", "error", "skipped") for child in case):
            passed.append(f"{case.get('classname', '').rsplit('.', 1)[-1]}.py::{case.get('name')}")
    missing = [name for name in MUST_PASS if not any(p.startswith(name) for p in passed)]
    assert not missing, f"did not run and pass without the POSIX-only names: {missing}"
    assert len(passed) > 100, len(passed)


# --- the source -----------------------------------------------------------------------------------------

# Where the app may name something POSIX-only, and why that is safe on Windows.
ALLOWED = {
    ("file_modes.py", "os.fchmod"): "only on its POSIX branch (posix_modes())",
    ("storage/paths.py", "/proc/"): "read_mounts: an OSError (no /proc on Windows or macOS) means no mounts; "
                                    "Windows' network shares are recognised by their UNC path instead",
    ("pdf/fonts.py", "/usr/"): "Debian's CJK font, used only when the file exists (the bundled one comes first)",
}


def _posix_names(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner, name = node.value.id, node.attr
            if ((owner == "os" and name in POSIX_ONLY_OS) or (owner == "signal" and name in POSIX_ONLY_SIGNALS)
                    or (owner == "socket" and name == "AF_UNIX")):
                found.append(f"{owner}.{name}")
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] in POSIX_ONLY_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY_MODULES:
            found.append(node.module or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [prefix for prefix in ("/proc/", "/usr/", "/etc/", "/tmp/", "/var/", "/dev/")
                      if node.value.startswith(prefix)]
    return found


def test_the_app_names_no_posix_only_function_module_or_path():
    package = ROOT / "checklist_app"
    unexpected = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        for name in _posix_names(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if (relative, name) not in ALLOWED:
                unexpected.append(f"{relative}: {name}")
    assert not unexpected, f"POSIX-only on a path Windows takes (use file_modes, or allow it with why): {unexpected}"


def test_the_scan_finds_what_it_looks_for():
    source = "import os, pwd\nfrom fcntl import flock\nos.fchmod(1, 2)\nos.getuid()\nsignal.SIGKILL\nopen('/proc/x')"
    assert sorted(_posix_names(ast.parse(source))) == ["/proc/", "fcntl", "os.fchmod", "os.getuid", "pwd",
                                                       "signal.SIGKILL"]
