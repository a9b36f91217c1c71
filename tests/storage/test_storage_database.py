"""Opening the database: where it goes, who can read it, SQLite settings, migrations, URLs, backups."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect
from storage_helpers import raw

from checklist_app.domain.errors import StorageError
from checklist_app.storage import (
    Database,
    add_staff,
    backup_to,
    list_staff,
    load_draft,
    migrations,
    open_database,
    paths,
    save_draft,
    tables,
)
from checklist_app.storage.paths import DATABASE_URL_ENV


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.sqlite_only
def test_folder_and_files_are_private_to_the_user(data_dir: Path, staffed: Database) -> None:
    save_draft(staffed, "r1", {"answers": {"note": "x"}}, staff_id="rn1")  # WAL files exist while open
    assert mode(data_dir) == 0o700
    files = sorted(data_dir.iterdir())
    assert [f.name for f in files] == ["checklist-database-made.txt", "checklist.sqlite3", "checklist.sqlite3-shm",
                                       "checklist.sqlite3-wal"]
    assert all(mode(f) == 0o600 for f in files), {f.name: oct(mode(f)) for f in files}


@pytest.mark.sqlite_only
def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    import os

    old = os.umask(0)
    try:
        with open_database(data_dir=tmp_path / "loose") as db:
            save_draft(db, "r1", {"a": 1}, staff_id="rn1")
            assert db.path is not None
            assert mode(db.path) == 0o600 and mode(db.path.parent) == 0o700
            assert mode(Path(f"{db.path}-wal")) == 0o600
    finally:
        os.umask(old)


@pytest.mark.sqlite_only
def test_the_default_folder_is_the_platform_user_data_folder_and_kept_private(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    home = tmp_path / "home" / ".local" / "share" / "checklist_app"
    home.mkdir(parents=True, mode=0o755)
    monkeypatch.delenv("CHECKLIST_APP_DATA_DIR", raising=False)
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(home))
    with open_database() as db:
        assert db.path == home / "checklist.sqlite3"
    assert mode(home) == 0o700  # our own folder is tightened; a folder the site chose is not


@pytest.mark.sqlite_only
def test_environment_variable_chooses_the_folder(data_dir: Path) -> None:
    with open_database() as db:
        assert db.path == (data_dir / "checklist.sqlite3").resolve()


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_full_sync(db: Database) -> None:
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_migrations_are_recorded_once(data_dir: Path) -> None:
    for _ in range(2):
        open_database(data_dir=data_dir).close()
    with open_database(data_dir=data_dir) as db, db.read() as conn:
        rows = conn.exec_driver_sql("SELECT version FROM schema_version").fetchall()
    assert [r[0] for r in rows] == [s.version for s in migrations.STEPS]


def test_a_fresh_database_has_exactly_the_declared_tables(db: Database) -> None:
    # Guards the rule in migrations.py: tables.py and the migration steps must describe the same schema.
    with db.read() as conn:
        inspector = inspect(conn)
        found = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    declared = {t.name: {c.name for c in t.columns} for t in tables.metadata.sorted_tables}
    assert found == declared


def test_a_database_from_a_newer_app_is_refused_and_left_alone(data_dir: Path, db: Database) -> None:
    with raw(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00+00:00')")
    db.close()
    with pytest.raises(StorageError, match="newer version of the checklist app.*Install the newer version"):
        open_database(data_dir=data_dir)


@pytest.mark.sqlite_only
def test_a_database_url_can_be_given(tmp_path: Path) -> None:
    target = tmp_path / "site" / "shared.sqlite3"
    with open_database(f"sqlite:///{target}") as db:
        save_draft(db, "r1", {"a": 1}, staff_id="rn1")
    assert target.exists() and mode(target) == 0o600


@pytest.mark.sqlite_only
def test_the_url_environment_variable_wins_over_the_folder(tmp_path: Path, data_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "by-url.sqlite3"
    monkeypatch.setenv(DATABASE_URL_ENV, f"sqlite:///{target}")
    with open_database() as db:
        assert db.path == target.resolve()
    assert not data_dir.exists()


@pytest.mark.sqlite_only
def test_admin_commands_do_not_create_a_database_in_a_mistyped_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="There is no checklist database"):
        open_database(data_dir=tmp_path / "typo", create=False)
    assert not (tmp_path / "typo").exists()


@pytest.mark.sqlite_only
def test_backup_is_a_private_consistent_copy_and_never_overwrites(tmp_path: Path, staffed: Database) -> None:
    save_draft(staffed, "r1", {"answers": {"note": "in the wal"}}, staff_id="rn1")
    (tmp_path / "backups").mkdir()
    copy = backup_to(staffed, tmp_path / "backups")  # a folder: a dated file goes in it
    assert copy.parent == tmp_path / "backups" and copy.name.startswith("checklist-")
    assert mode(copy) == 0o600
    with open_database(f"sqlite:///{copy}") as restored:
        assert [m.staff_id for m in list_staff(restored)] == ["it1", "md1", "rn1"]
        assert load_draft(restored, "r1").data == {"answers": {"note": "in the wal"}}
    with pytest.raises(StorageError, match="never overwrites"):
        backup_to(staffed, copy)


def test_staff_ids_are_checked(db: Database) -> None:
    with pytest.raises(StorageError, match="not usable"):
        add_staff(db, "bad id!", "Name", "RN", "nurse", "2468", actor="os:test")
    with pytest.raises(StorageError, match="role 'surgeon' is not known"):
        add_staff(db, "x1", "Name", "RN", "surgeon", "2468", actor="os:test")


@pytest.mark.parametrize(("url", "expected"), [
    ("not a url", "not a valid SQLAlchemy URL"),
    ("nosuchdb://host/checklist", "driver is missing or the URL names an unknown database kind"),
])
def test_an_unusable_url_is_explained(url: str, expected: str) -> None:
    with pytest.raises(StorageError, match=expected):
        open_database(url)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p"])
def test_an_sqlite_file_on_a_network_share_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     fstype: str) -> None:
    share = tmp_path / "mnt" / "ward share"
    # As /proc/self/mounts has them: the root, the share (a space written as \040), a local disk inside it.
    monkeypatch.setattr(paths, "read_mounts", lambda: [("/", "ext4"), (str(share), fstype),
                                                       (str(share / "local"), "ext4")])
    with pytest.raises(StorageError) as caught:
        open_database(data_dir=share / "checklists")
    message = str(caught.value)
    assert f"is on a network share ({fstype} at {share})" in message
    assert "A shared server for the whole unit (PostgreSQL)" in message and "--data-dir" in message
    assert not (share / "checklists").exists()  # refused before anything was created
    with open_database(data_dir=share / "local" / "checklists") as db:  # the longest mount decides
        assert db.path is not None and db.path.exists()


def test_the_mount_table_is_read_with_its_escapes_and_a_unc_path_is_a_share(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import PureWindowsPath

    assert paths.network_filesystem(PureWindowsPath(r"\\records-srv\ward\checklists")) == (
        "a Windows network share", r"\\records-srv\ward")
    assert paths.network_filesystem(PureWindowsPath(r"C:\Users\rn\AppData\Local\checklist_app")) is None
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\nsrv:/export /mnt/ward\\040share nfs4 rw 0 0\n")
    real_open = open
    monkeypatch.setattr("builtins.open", lambda file, *a, **k: real_open(
        mounts if file == "/proc/self/mounts" else file, *a, **k))
    assert paths.read_mounts() == [("/", "ext4"), ("/mnt/ward share", "nfs4")]
    assert paths.network_filesystem(Path("/mnt/ward share/data")) == ("nfs4", "/mnt/ward share")
    assert paths.network_filesystem(Path("/mnt/ward shares")) is None  # a prefix of the name is not inside
