"""The admin commands: staff add/list/unlock/set-pin, verify-audit and backup, through cli.main."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from storage_helpers import drop_guards, raw

from checklist_app import cli
from checklist_app.storage import AuthenticationError, list_events, open_database, verify_pin
from checklist_app.storage.migrations import LATEST_VERSION


@pytest.fixture
def run(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``python -m checklist_app --data-dir <tmp> ...`` in-process; returns (status, stdout, stderr).

    On PostgreSQL ``data_dir`` has set $CHECKLIST_APP_DATABASE_URL, which the commands use instead."""
    folder = tmp_path / "site-data"

    def invoke(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = cli.main(["--data-dir", str(folder), *args])
        out, err = capsys.readouterr()
        return status, out, err

    invoke.folder = folder  # type: ignore[attr-defined]
    return invoke


def add(run, staff_id: str = "jsmith", role: str = "nurse", pin: str = "2468") -> tuple[int, str, str]:
    return run("staff", "add", "--id", staff_id, "--name", "Jane Smith", "--credentials", "RN", "--role", role,
               "--pin-stdin", stdin=f"{pin}\n")


def test_add_and_list_staff(run) -> None:
    status, out, _ = add(run)
    assert status == 0 and out.startswith("Added jsmith: Jane Smith, RN (nurse).")
    status, out, _ = run("staff", "list")
    assert status == 0
    assert out.splitlines() == ["ID      NAME        CREDENTIALS  ROLE   STATUS",
                                "jsmith  Jane Smith  RN           nurse  active"]
    with open_database(data_dir=run.folder) as db:
        assert verify_pin(db, "jsmith", "2468").role == "nurse"
        assert list_events(db)[0].staff_id.startswith("os:")


def test_add_asks_for_the_pin_twice_without_echo(run, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["2468", "2486"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    status, _, err = run("staff", "add", "--id", "a1", "--name", "A", "--credentials", "RN", "--role", "nurse")
    assert status == 2 and "The two PINs differ; nothing was changed." in err


def test_user_errors_exit_2_with_a_sentence(run) -> None:
    add(run)
    status, _, err = add(run)
    assert status == 2 and "already exists" in err
    status, _, err = add(run, staff_id="short", pin="12")
    assert status == 2 and "at least 4 characters" in err
    status, _, err = run("staff", "unlock", "nobody")
    assert status == 2 and "no staff account with the ID 'nobody'" in err


@pytest.mark.sqlite_only
def test_list_in_an_empty_folder_does_not_create_a_database(run) -> None:
    status, _, err = run("staff", "list")
    assert status == 2 and "There is no checklist database" in err
    assert not run.folder.exists()


def test_unlock_and_set_pin(run) -> None:
    add(run)
    with open_database(data_dir=run.folder) as db:
        for _ in range(5):
            with pytest.raises(AuthenticationError):
                verify_pin(db, "jsmith", "0000")
    assert "LOCKED (5 wrong PINs)" in run("staff", "list")[1]
    status, out, _ = run("staff", "set-pin", "jsmith", "--pin-stdin", stdin="8642\n")
    assert status == 0 and "still locked" in out
    assert run("staff", "unlock", "jsmith")[1] == "Unlocked jsmith.\n"
    with open_database(data_dir=run.folder) as db:
        assert verify_pin(db, "jsmith", "8642").staff_id == "jsmith"


def test_verify_audit_ok_then_broken(run) -> None:
    add(run)
    add(run, staff_id="drwho", role="physician")
    status, out, _ = run("verify-audit")
    assert (status, out) == (0, "OK: 2 audit events in an unbroken chain; 0 signed versions match their "
                                "SHA-256.\n")
    with open_database(data_dir=run.folder) as db, raw(db) as conn:
        drop_guards(conn, "audit_events")
        conn.execute("UPDATE audit_events SET details = replace(details, 'physician', 'admin') WHERE seq = 2")
    status, out, _ = run("verify-audit")
    assert status == 1
    assert "event 2 (staff_added) was changed after it was written" in out


@pytest.mark.sqlite_only
def test_backup_command(run, tmp_path: Path) -> None:
    add(run)
    status, out, _ = run("backup", str(tmp_path / "copy.sqlite3"))
    assert status == 0 and (tmp_path / "copy.sqlite3").exists()
    status, _, err = run("backup", str(tmp_path / "copy.sqlite3"))
    assert status == 2 and "never overwrites" in err


@pytest.mark.sqlite_only
def test_the_real_command_line(tmp_path: Path) -> None:
    folder = str(tmp_path / "data")
    command = [sys.executable, "-m", "checklist_app", "--data-dir", folder]
    added = subprocess.run([*command, "staff", "add", "--id", "rn1", "--name", "Rita Nurse", "--credentials",
                            "RN", "--role", "nurse", "--pin-stdin"], input="2468\n", capture_output=True,
                           text=True, cwd=Path(__file__).parents[2])
    assert added.returncode == 0, added.stderr
    verified = subprocess.run([*command, "verify-audit"], capture_output=True, text=True)
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 1 audit events")


def test_db_status_says_the_schema_version_and_whether_this_account_may_change_it(run, backend: str) -> None:
    add(run)
    status, out, _ = run("db", "status")
    assert status == 0
    assert f"Schema version: {LATEST_VERSION} (this app: {LATEST_VERSION}), up to date" in out
    # A workstation on the server connects as the application role, which may not change the schema.
    expected = "yes" if backend == "sqlite" else "no (as the application role should not)"
    assert f"This account may change the schema: {expected}\n" in out


def test_once_an_admin_exists_staff_changes_need_an_admins_own_pin(run) -> None:
    assert add(run, "admin1", role="admin", pin="9753")[0] == 0  # the first admin: a new install
    add_nurse = ("staff", "add", "--id", "rn2", "--name", "Rob Nurse", "--credentials", "RN", "--role", "physician")
    status, _, err = run(*add_nurse, "--pin-stdin", stdin="1357\n")
    assert status == 2 and "a site admin must give their own ID and PIN: add --admin ID" in err
    status, _, err = run(*add_nurse, "--admin", "admin1", "--pin-stdin", stdin="0000\n1357\n")
    assert status == 2 and "PIN is not correct" in err
    status, out, _ = run(*add_nurse, "--admin", "admin1", "--pin-stdin", stdin="9753\n1357\n")
    assert status == 0 and out.startswith("Added rn2")
    status, _, err = run("staff", "set-pin", "admin1", "--pin-stdin", stdin="2222\n")
    assert status == 2 and "--admin ID" in err
    status, _, _ = run("staff", "set-pin", "rn2", "--admin", "rn2", "--pin-stdin", stdin="1357\n2468\n")
    assert status == 2  # a physician is no admin
    assert run("staff", "set-pin", "rn2", "--admin", "admin1", "--pin-stdin", stdin="9753\n2468\n")[0] == 0
    assert run("staff", "unlock", "rn2", "--admin", "admin1", "--pin-stdin", stdin="9753\n")[0] == 0
    with open_database(data_dir=run.folder) as db:
        changes = [(e.event_type, e.staff_id) for e in list_events(db) if e.event_type in
                   ("staff_added", "pin_changed", "unlocked")]
    assert changes[1:] == [("staff_added", "admin1"), ("pin_changed", "admin1"), ("unlocked", "admin1")]
