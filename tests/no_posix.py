"""A pytest plugin that takes from this Linux process what Windows does not have, for every test it runs.

``pytest -p no_posix`` (with ``tests/`` on PYTHONPATH; tests/test_portable.py runs the storage tests so):
the POSIX-only functions and constants of ``os`` and ``signal`` are removed, ``pwd``, ``grp``,
``fcntl``, ``termios`` and ``resource`` cannot be imported, ``/proc`` cannot be read, ``os.chmod`` behaves as
on Windows (it only sets or clears the read-only flag), and ``checklist_app.file_modes`` takes its Windows
branch. ``socket.AF_UNIX`` stays: asyncio (pyHanko's) needs it for socketpair on Linux, where Windows has
an emulation; tests/test_portable.py checks the app's source never names it. ``os.name`` itself stays
"posix": pathlib picks its path flavour from it, and a Windows path flavour on Linux is not something a
Windows workstation ever sees.

``windows_like(monkeypatch)`` does the same inside one test.
"""

from __future__ import annotations

import builtins
import os
import shutil
import signal
import stat
import sys

import pytest

from checklist_app import file_modes

POSIX_ONLY_OS = (
    "fchmod", "lchmod", "fchown", "chown", "lchown", "getuid", "geteuid", "getgid", "getegid", "getgroups",
    "setuid", "seteuid", "setgid", "getpgid", "setpgid", "setsid", "killpg", "fork", "forkpty", "mkfifo",
    "mknod", "statvfs", "fstatvfs", "uname", "sync", "getloadavg", "sysconf", "pathconf", "fpathconf",
    "sched_getaffinity", "getpriority", "nice", "posix_fadvise", "posix_fallocate",
    "O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "O_NOCTTY", "O_NONBLOCK", "O_SYNC", "O_DSYNC", "O_ASYNC",
)
POSIX_ONLY_SIGNALS = ("SIGKILL", "SIGBUS", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT",
                      "SIGTSTP", "SIGPIPE", "SIGCHLD")  # SIGALRM stays: pytest-timeout times the test with it
POSIX_ONLY_MODULES = ("pwd", "grp", "fcntl", "termios", "resource")


def windows_like(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Make this process look like Windows to the app until the test ends; the os.chmod calls made (path, mode)."""
    real_statvfs = os.statvfs

    def disk_usage(path):  # Windows has shutil.disk_usage too (GetDiskFreeSpaceEx), only not through statvfs
        st = real_statvfs(path)
        total, free = st.f_blocks * st.f_frsize, st.f_bavail * st.f_frsize
        return shutil._ntuple_diskusage(total, total - st.f_bfree * st.f_frsize, free)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    for name in POSIX_ONLY_OS:
        if hasattr(os, name):
            monkeypatch.delattr(os, name)
    for name in POSIX_ONLY_SIGNALS:
        if hasattr(signal, name):
            monkeypatch.delattr(signal, name)
    for name in POSIX_ONLY_MODULES:
        monkeypatch.setitem(sys.modules, name, None)  # "import pwd" now raises ImportError
    monkeypatch.setattr(file_modes, "SYSTEM", "nt")
    # getpass.getuser() reads these before falling back to pwd; Windows always sets USERNAME.
    if not any(os.environ.get(n) for n in ("LOGNAME", "USER", "LNAME", "USERNAME")):
        monkeypatch.setenv("USERNAME", "nurse")

    real_open = builtins.open

    def open_without_proc(file, *args, **kwargs):
        if isinstance(file, str | os.PathLike) and os.fspath(file).startswith("/proc/"):
            raise FileNotFoundError(2, "No such file or directory (Windows has no /proc)", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_without_proc)

    calls: list[tuple[str, int]] = []
    real_chmod = os.chmod

    def windows_chmod(path, mode, **_options):
        # Windows' chmod looks at the write bit only: with it the read-only flag is cleared, without it set.
        calls.append((os.fspath(path), mode))
        current = stat.S_IMODE(os.stat(path).st_mode)
        real_chmod(path, current | stat.S_IWUSR if mode & stat.S_IWRITE else current & ~0o222)

    monkeypatch.setattr(os, "chmod", windows_chmod)
    return calls


@pytest.fixture(autouse=True)
def windows_workstation(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp_path_factory.getbasetemp()  # pytest's own: made once, with os.getuid, before the names go
    windows_like(monkeypatch)


def pytest_report_header(config: pytest.Config) -> str:
    return "no_posix: POSIX-only os/signal names removed, file_modes on its Windows branch"
