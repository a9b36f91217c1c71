"""Files that hold patient data or keys, kept readable by this user only, on every platform.

POSIX (Linux, macOS): files 0600 and folders 0700, set explicitly after creating them, because the modes
given to ``os.open`` and ``mkdir`` are filtered by the umask (often 022, so 0644 and readable by every
account on a shared workstation).

Windows has no such modes: ``os.chmod`` there only sets or clears the read-only flag, and ``os.fchmod``
does not exist (before Python 3.13), so calling them as on Linux either fails (first start raised
AttributeError) or does nothing useful. There, privacy comes from the folder's access control list: the
default data folder is under ``%LOCALAPPDATA%``, inside the user's profile, which Windows makes readable by
that user (and SYSTEM and the Administrators) only, and every file created in it inherits that list. A folder
the site chooses (``--data-dir``) keeps the list IT gave it. Setting lists ourselves would need pywin32 (or
ctypes calls into the security API) for no gain inside the profile, so on Windows nothing is changed.

The platform is read at call time from ``SYSTEM``, so a test can take the Windows branch on Linux
(``os.name`` itself cannot be changed in a running process: pathlib picks its path flavour from it).
Standard library only; imported on the start-up path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SYSTEM = os.name  # "posix" or "nt"

# O_BINARY (Windows only): without it the file is opened in text mode and every b"\n" written becomes
# b"\r\n", which breaks a PDF's byte offsets and a backup's pages.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def posix_modes() -> bool:
    """Whether file modes are how this platform keeps a file private (POSIX), rather than folder ACLs."""
    return SYSTEM == "posix"


def create_private(path: Path) -> int:
    """Create ``path`` for writing, private to this user; the open descriptor (the caller closes it).

    FileExistsError when it exists: nothing is ever truncated or replaced here.
    """
    fd = os.open(path, _CREATE, PRIVATE_FILE_MODE)
    if posix_modes():
        try:
            os.fchmod(fd, PRIVATE_FILE_MODE)  # the umask may have taken bits off; say exactly what we mean
        except BaseException:
            os.close(fd)
            raise
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Create ``path`` (never replacing a file: FileExistsError) private to this user, holding ``data``."""
    with os.fdopen(create_private(path), "wb") as handle:
        handle.write(data)


def make_private_file(path: Path) -> None:
    """Make an existing file ours alone (0600) if it is readable by others; on Windows, its folder decides."""
    if posix_modes() and stat.S_IMODE(os.stat(path).st_mode) & 0o077:
        os.chmod(path, PRIVATE_FILE_MODE)


def make_private_dir(path: Path) -> None:
    """Make an existing folder ours alone (0700); on Windows its ACL stays as the profile or IT set it."""
    if posix_modes() and stat.S_IMODE(os.stat(path).st_mode) != PRIVATE_DIR_MODE:
        os.chmod(path, PRIVATE_DIR_MODE)
