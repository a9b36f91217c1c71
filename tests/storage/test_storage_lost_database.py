"""Damaged environments: a database emptied or removed in a data folder that had one is refused (never a
fresh install over it), an unwritable -shm or -wal is named before SQLite maps it, and a full disk is
reported as a full disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from storage_helpers import Immutable, chattr_works

from checklist_app.domain.errors import DatabaseCorruptError, StorageError
from checklist_app.storage import list_events, open_database, save_draft

pytestmark = pytest.mark.sqlite_only


def used_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with open_database(data_dir=folder) as db:
        save_draft(db, "r1", {"answers": {"inr": 1.1}}, staff_id="rn1")
    return folder


def test_a_database_emptied_to_zero_bytes_is_refused_not_started_afresh(tmp_path: Path) -> None:
    folder = used_folder(tmp_path)
    (folder / "checklist.sqlite3").write_bytes(b"")
    for sidecar in ("-wal", "-shm"):
        (folder / f"checklist.sqlite3{sidecar}").unlink(missing_ok=True)
    with pytest.raises(DatabaseCorruptError, match=r"is empty \(0 bytes\), but this data folder was used before "
                                                   r"\(checklist-database-made.txt\)"):
        open_database(data_dir=folder)
    assert (folder / "checklist.sqlite3").stat().st_size == 0  # left exactly as found


def test_a_removed_database_is_refused_and_so_is_an_empty_one_in_a_folder_used_before_the_marker(
        tmp_path: Path) -> None:
    folder = used_folder(tmp_path)
    for name in ("checklist.sqlite3", "checklist.sqlite3-wal", "checklist.sqlite3-shm"):
        (folder / name).unlink(missing_ok=True)
    with pytest.raises(DatabaseCorruptError, match="is missing"):
        open_database(data_dir=folder)
    old = tmp_path / "old"  # an older version's folder: settings and the open-checklists file, no marker
    old.mkdir()
    (old / "site.yaml").write_text("facility_name: X\n")
    (old / "open-checklists.json").write_text("{}")
    (old / "checklist.sqlite3").write_bytes(b"")
    with pytest.raises(DatabaseCorruptError, match=r"used before \(open-checklists.json\)"):
        open_database(data_dir=old)


def test_a_new_install_still_starts_cleanly_with_logs_and_site_settings_already_there(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    (folder / "logs").mkdir(parents=True)  # the app logs before it opens the database
    (folder / "site.yaml").write_text("facility_name: X\n")  # IT may place the settings before the first start
    with open_database(data_dir=folder) as db:
        assert list_events(db) == []
    assert (folder / "checklist-database-made.txt").exists()
    with open_database(data_dir=folder) as db:  # and opens again
        assert db.path is not None


def test_an_unwritable_shm_file_is_named_and_nothing_is_opened(tmp_path: Path) -> None:
    if not chattr_works(tmp_path):
        pytest.skip("this machine cannot mark files immutable (chattr +i needs root on ext4/xfs/btrfs)")
    folder = used_folder(tmp_path)
    shm = folder / "checklist.sqlite3-shm"
    shm.write_bytes(b"\0" * 32768)
    with Immutable(shm), pytest.raises(StorageError, match=r"checklist.sqlite3-shm next to the database cannot "
                                                           r"be written"):
        open_database(data_dir=folder)


def test_a_full_disk_at_start_is_reported_as_a_full_disk(tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        (mount / "fill").write_bytes(b"\0" * 12 * 1024)  # room for the folder and an empty file, not for SQLite
        with pytest.raises(StorageError, match="is full, so nothing was written"):
            open_database(data_dir=mount / "data")
    finally:
        subprocess.run(["umount", str(mount)], check=True)
