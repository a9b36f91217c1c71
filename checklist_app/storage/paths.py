"""Where the data lives, and creating it readable by this user only.

The data folder is ``$CHECKLIST_APP_DATA_DIR`` when set (the CLI's ``--data-dir`` sets it), otherwise the
platform's user data folder (``~/.local/share/checklist_app`` on Linux, ``%LOCALAPPDATA%\\checklist_app``
on Windows, ``~/Library/Application Support/checklist_app`` on macOS). The database is one SQLite file in
it. A site with several workstations can point ``$CHECKLIST_APP_DATABASE_URL`` at a shared server instead;
an SQLite file on a network share is refused (``refuse_network_folder``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from checklist_app import file_modes
from checklist_app.domain.errors import StorageError

DATA_DIR_ENV = "CHECKLIST_APP_DATA_DIR"
DATABASE_URL_ENV = "CHECKLIST_APP_DATABASE_URL"
DATABASE_FILE = "checklist.sqlite3"
# SQLite keeps committed-but-not-checkpointed pages in -wal and the lock table in -shm: they hold patient
# data too, and a backup of the main file alone can miss the last changes.
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")

# File systems on another computer: SQLite's locking is unreliable on them (its own FAQ), so two
# workstations sharing a file there lose or corrupt each other's changes.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "davfs",
    "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs",
})
SERVER_SETUP_HINT = "README: 'A shared server for the whole unit (PostgreSQL)'"

PRIVATE_DIR_MODE = file_modes.PRIVATE_DIR_MODE
PRIVATE_FILE_MODE = file_modes.PRIVATE_FILE_MODE


def data_dir() -> Path:
    """The folder for the database: ``$CHECKLIST_APP_DATA_DIR`` or the platform's user data folder."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    return _platform_data_dir()


def _platform_data_dir() -> Path:
    # platformdirs is imported here, not at the top: the first view imports this module for its constants
    # and must not pay ~12 ms for them.
    import platformdirs

    return Path(platformdirs.user_data_dir("checklist_app", appauthor=False))


def database_path(directory: Path | None = None) -> Path:
    """The SQLite file inside ``directory`` (default: ``data_dir()``)."""
    return (directory if directory is not None else data_dir()) / DATABASE_FILE


def ensure_private_dir(directory: Path, *, tighten: bool = False) -> None:
    """Create ``directory`` (mode 0700) if missing; refuse a path that cannot be a folder.

    An existing folder keeps its mode unless ``tighten`` (our own default folder): a folder chosen by
    the site may be shared on purpose, and the files we put in it are 0600 whatever the folder allows.
    On Windows the folder's ACL decides instead (``file_modes``).
    """
    try:
        if directory.is_dir():
            if tighten:
                file_modes.make_private_dir(directory)
            return
        directory.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=False)
        # mkdir's mode is filtered by the umask; say exactly what we mean.
        file_modes.make_private_dir(directory)
    except FileExistsError:
        raise StorageError(
            f"The data folder {directory} exists but is not a folder. Choose another place with "
            f"--data-dir or {DATA_DIR_ENV}, or move that file away."
        ) from None
    except OSError as exc:
        raise unwritable_folder_error(directory, exc) from None


def is_default_data_dir(directory: Path) -> bool:
    """Whether ``directory`` is the platform's user data folder (ours alone, so always made 0700)."""
    default = _platform_data_dir()
    return directory.expanduser().resolve() == default.resolve()


# Written next to the database once it is first made: a data folder holding it has had a database, so a
# missing or empty database file there is a loss to restore, never a new install to start.
USED_MARKER = "checklist-database-made.txt"
# What earlier use leaves in a data folder (for folders from before the marker): files the app writes only
# once its database is open. Not site.yaml (IT may put one there before the first start), nor seal/ (a
# certificate can be made before any database, by the commands and the benchmark).
EARLIER_USE = ("site-files", "open-checklists.json", USED_MARKER)


def earlier_use(directory: Path) -> list[str]:
    """What in ``directory`` shows it held a checklist database before ([] for a new data folder)."""
    return [name for name in EARLIER_USE if (directory / name).exists()]


def mark_used(db_file: Path) -> None:
    """Note, next to a database just made, that this folder now has one (see USED_MARKER)."""
    marker = db_file.parent / USED_MARKER
    if not marker.exists():
        marker.write_text(f"{db_file.name} was made here. If it is ever missing or empty, restore it from a backup; "
                          f"the app will not start a new one in its place.\n", encoding="utf-8")
        restrict(marker)


def ensure_private_file(path: Path) -> bool:
    """Create an empty ``path`` with mode 0600 unless it exists; True when it was created.

    SQLite would create the file with the process umask (often 0644, readable by every account on a
    shared workstation); an empty file is a valid empty database, so we create it first ourselves.
    It is never truncated: O_EXCL fails on an existing file, which is then only re-moded.
    """
    try:
        fd = file_modes.create_private(path)
    except FileExistsError:
        restrict(path)
        return False
    except OSError as exc:
        raise unwritable_folder_error(path.parent, exc) from None
    os.close(fd)
    return True


def restrict(path: Path) -> None:
    """Make an existing file we own readable by this user only; silently skip what is not there."""
    try:
        file_modes.make_private_file(path)
    except FileNotFoundError:
        pass
    except OSError:
        # A read-only folder or a file owned by someone else: opening will report the real problem.
        pass


def restrict_sidecars(db_file: Path) -> None:
    """Apply 0600 to SQLite's -wal/-shm/-journal files next to ``db_file``.

    SQLite gives them the database file's mode already; this is the explicit guarantee in case the
    file was copied in with looser permissions.
    """
    for suffix in SIDECAR_SUFFIXES:
        restrict(db_file.with_name(db_file.name + suffix))


def unwritable_folder_error(directory: Path, exc: OSError) -> StorageError:
    """A StorageError for a folder we cannot write, saying what to do about it."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(f"The disk holding the data folder {directory} is full, so nothing was written. Free "
                            f"some disk space (or ask IT to), then try again.")
    reason = exc.strerror or exc.__class__.__name__
    return StorageError(
        f"The data folder {directory} cannot be written ({reason}). Ask IT to make it writable for this "
        f"user, or choose another folder with --data-dir or {DATA_DIR_ENV}."
    )


def read_mounts() -> list[tuple[str, str]]:
    """(mount point, file system type) of every mount this process sees; empty where there is no table."""
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    mounts = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 3:
            # The kernel writes a space in a path as \040 (and tab, newline, backslash likewise).
            point = fields[1].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
            mounts.append((point.replace("\\134", "\\"), fields[2]))
    return mounts


def network_filesystem(path: Path) -> tuple[str, str] | None:
    """(file system type, mount point) when ``path`` is on a network share, else None.

    On Windows a UNC path (``\\\\server\\share``) is one; elsewhere the mount with the longest matching
    prefix decides. Reads one small kernel table, well under a millisecond.
    """
    text = str(path)
    if text.startswith("\\\\"):  # resolved paths elsewhere start with / or a drive letter
        server_share = text.lstrip("\\").split("\\")[:2]
        return ("a Windows network share", "\\\\" + "\\".join(server_share))
    best: tuple[str, str] | None = None
    for point, fstype in read_mounts():
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > len(best[1])):
            best = (fstype, point)
    if best is not None and best[0].lower() in NETWORK_FILESYSTEMS:
        return best
    return None


def refuse_network_folder(db_file: Path) -> None:
    """A StorageError when the SQLite file would live on a network file system."""
    found = network_filesystem(db_file.parent)
    if found is None:
        return
    fstype, where = found
    raise StorageError(
        f"The database file {db_file} is on a network share ({fstype} at {where}). SQLite loses or damages "
        f"changes when it is used over a network, so it is not opened there. For several workstations use a "
        f"shared PostgreSQL server ({SERVER_SETUP_HINT}); for this workstation alone, choose a folder on a "
        f"local disk with --data-dir or {DATA_DIR_ENV}."
    )
