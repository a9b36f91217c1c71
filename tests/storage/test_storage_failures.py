"""Bad environments: a damaged file, a read-only or full folder, a database locked by another workstation.

Each must give a StorageError that says what happened and what to do, never touch a damaged file, and
(through the autosaver) keep the latest draft in memory until it can be written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from storage_helpers import Immutable, held_lock, require_chattr

from checklist_app.domain.errors import DatabaseBusyError, DatabaseCorruptError, StorageError
from checklist_app.storage import (
    Autosaver,
    Database,
    add_staff,
    load_draft,
    open_database,
    recoverable_drafts,
    save_draft,
)


@pytest.fixture
def filled(data_dir: Path) -> Path:
    """A closed database with a few pages of content; returns the file."""
    with open_database(data_dir=data_dir) as db:
        add_staff(db, "rn1", "Rita Nurse", "RN", "nurse", "2468", actor="os:test")
        for n in range(20):
            save_draft(db, f"r{n}", {"answers": {"note": "x" * 2000, "n": n}}, staff_id="rn1")
        assert db.path is not None
        return db.path


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))}


def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        del data[len(data) // 2:]
    elif how == "header overwritten":
        data[:16] = b"not a database!!"
    elif how == "page overwritten":
        # The b-tree header and cell pointers of page 2. (Garbage inside a row's text is invisible to
        # SQLite, which has no page checksums; signed versions and the trail catch theirs by hash.)
        data[4096:4096 + 100] = b"\xff" * 100
    elif how == "not sqlite at all":
        data = bytearray(b"Patient list\nthis is a text file someone saved here\n")
    path.write_bytes(bytes(data))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", ["truncated", "header overwritten", "page overwritten", "not sqlite at all"])
def test_a_damaged_file_is_reported_and_left_untouched(filled: Path, how: str) -> None:
    damage(filled, how)
    before = folder_snapshot(filled.parent)
    for _ in range(2):  # a second start must not "repair" it either
        with pytest.raises(DatabaseCorruptError) as caught:
            open_database(data_dir=filled.parent)
        message = str(caught.value)
        assert str(filled) in message and "is damaged" in message
        assert "has not been changed or deleted" in message and "restore the last backup" in message
        assert folder_snapshot(filled.parent) == before


@pytest.mark.sqlite_only
def test_a_data_folder_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StorageError, match="cannot be written.*--data-dir"):
        open_database(data_dir=blocker / "data")
    assert blocker.read_text() == "a file where a folder should be"


@pytest.mark.sqlite_only
def test_a_data_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="exists but is not a folder"):
        open_database(data_dir=blocker)


@pytest.mark.sqlite_only
def test_a_read_only_folder_is_reported_at_start(filled: Path, tmp_path: Path) -> None:
    require_chattr(tmp_path)
    with Immutable(filled.parent), pytest.raises(StorageError, match="cannot be written.*read-only"):
        open_database(data_dir=filled.parent)


@pytest.mark.sqlite_only
def test_a_folder_turning_read_only_keeps_the_draft_in_memory_and_retries(tmp_path: Path,
                                                                           db: Database) -> None:
    require_chattr(tmp_path)
    assert db.path is not None
    saver = Autosaver(db, quiet=0.02, max_delay=0.05, retry_interval=0.05)
    saver.update("r1", {"answers": {"note": "first"}}, staff_id="rn1")
    saver.flush()
    # Not the -shm file: it is memory-mapped, and an immutable mapping would crash SQLite with SIGBUS,
    # which a folder losing its write permission never does.
    frozen = [db.path.parent, db.path, Path(f"{db.path}-wal")]
    with Immutable(*frozen):
        saver.update("r1", {"answers": {"note": "second"}}, staff_id="rn1")
        with pytest.raises(StorageError, match="cannot be written"):
            saver.flush()
        assert "read-only" in str(saver.error)
        assert saver.unsaved_data("r1") == {"answers": {"note": "second"}}
        assert load_draft(db, "r1").data == {"answers": {"note": "first"}}
    assert saver.wait_until_saved(timeout=5)  # the worker's retry, no flush needed
    assert saver.error is None
    assert load_draft(db, "r1").data == {"answers": {"note": "second"}}
    saver.close()


def test_locked_by_another_workstation(db: Database) -> None:
    save_draft(db, "r1", {"answers": {"note": "before"}}, staff_id="rn1")
    with held_lock(db):  # another workstation in the middle of a long write
        with pytest.raises(DatabaseBusyError) as caught:
            save_draft(db, "r1", {"answers": {"note": "during"}}, staff_id="rn1")
        assert "locked by another workstation" in str(caught.value)
        assert "not freed within 0.3 s" in str(caught.value)
        assert "nothing was written" in str(caught.value) and "Try again" in str(caught.value)
        assert [d.record_id for d in recoverable_drafts(db)] == ["r1"]  # reading still works
    save_draft(db, "r1", {"answers": {"note": "after"}}, staff_id="rn1")
    assert load_draft(db, "r1").data == {"answers": {"note": "after"}}


def test_the_autosaver_waits_out_a_lock_without_losing_the_draft(db: Database) -> None:
    errors: list[StorageError] = []
    saver = Autosaver(db, quiet=0.02, max_delay=0.05, retry_interval=0.05, on_error=errors.append)
    with held_lock(db):
        saver.update("r1", {"answers": {"note": "typed while locked"}}, staff_id="rn1")
        assert not saver.wait_until_saved(timeout=0.8)
        assert isinstance(saver.error, DatabaseBusyError) and errors
        assert saver.unsaved_data("r1") == {"answers": {"note": "typed while locked"}}
        assert load_draft(db, "r1") is None
    assert saver.wait_until_saved(timeout=5)
    saver.close()
    assert saver.error is None
    assert load_draft(db, "r1").data == {"answers": {"note": "typed while locked"}}


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Path:
    """A 1 MiB tmpfs: a disk that really fills up. Skipped where mounting is not allowed."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                            capture_output=True)
    if result.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


@pytest.mark.sqlite_only
def test_a_full_disk_keeps_the_draft_in_memory_until_space_is_freed(tiny_disk: Path) -> None:
    with open_database(data_dir=tiny_disk / "data", busy_timeout=0.3) as db:
        saver = Autosaver(db, quiet=0.02, max_delay=0.05, retry_interval=0.05)
        saver.update("r1", {"answers": {"note": "small"}}, staff_id="rn1")
        saver.flush()
        filler = tiny_disk / "filler"
        free = shutil.disk_usage(tiny_disk).free
        filler.write_bytes(b"\0" * max(free - 16 * 1024, 0))
        big = {"answers": {"note": "y" * 200_000}}
        saver.update("r1", big, staff_id="rn1")
        with pytest.raises(StorageError, match="full|cannot be written"):
            saver.flush()
        assert saver.unsaved_data("r1") == big
        filler.unlink()
        assert saver.wait_until_saved(timeout=5)
        saver.close()
        assert load_draft(db, "r1").data == big
