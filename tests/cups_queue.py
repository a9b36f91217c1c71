"""A throwaway CUPS scheduler with one cups-pdf queue, for the printing tests (fixture ``cups_queue``), and
no print queue at all (fixture ``no_print_queue``): neither sees the system scheduler's queues.

The fixture starts its own ``cupsd`` (in the foreground, as a child of the test run) from a temporary
ServerRoot, listening on a free 127.0.0.1 port with an open policy, adds the queue with ``lpadmin`` and
points both ``lp`` (``$CUPS_SERVER``) and the CUPS library inside this process (which Qt uses; the library
reads ``$CUPS_SERVER`` once, so it is told again with ``cupsSetServer``) at it; the system's own scheduler,
if any, is left alone. Start-up takes well under a second; the scheduler is stopped when the module's tests
are done.

What arrived is read back as a print system would report it: each job's attributes (media, sides, copies,
page-ranges, collate, state) with ``ipptool``, and the PDF cups-pdf wrote in its output folder (``Out`` in
/etc/cups/cups-pdf.conf, ``~/PDF`` by default; cups-pdf reads only that file, so the folder is the system's).

It needs root (cups-pdf's backend runs only as root) and the Debian packages ``cups``, ``cups-ipp-utils`` and
``printer-driver-cups-pdf`` (scripts/bootstrap.sh installs them). Without them the tests are skipped with the
reason, except when ``$CI`` is set: CI must print to a real queue, so there it is an error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
# cups-pdf's driver has no two-sided printing; a ward printer has, and the print dialog offers it only where
# the printer's description lists it, so the test queue's description gets the standard option.
DUPLEX = """
*OpenUI *Duplex/Two-Sided Printing: PickOne
*OrderDependency: 10 AnySetup *Duplex
*DefaultDuplex: None
*Duplex None/Off: "<</Duplex false>>setpagedevice"
*Duplex DuplexNoTumble/Long Edge: "<</Duplex true /Tumble false>>setpagedevice"
*Duplex DuplexTumble/Short Edge: "<</Duplex true /Tumble true>>setpagedevice"
*CloseUI: *Duplex
"""
JOB_ATTRIBUTES_TEST = Path("/usr/share/cups/ipptool/get-job-attributes.test")
_ATTRIBUTE = re.compile(r"^\s+([\w-]+) \([^)]*\) = (.*)$")


@dataclass
class CupsQueue:
    """The running test queue: its name, the scheduler's host:port and cups-pdf's output folder."""

    name: str
    server: str
    out_dir: Path

    def job_attributes(self, request_id: str) -> dict[str, str]:
        """The job's IPP attributes as ``ipptool`` prints them ("media" -> "A4", "copies" -> "2")."""
        number = request_id.rsplit("-", 1)[-1]
        result = subprocess.run(["ipptool", "-tv", f"ipp://{self.server}/jobs/{number}", str(JOB_ATTRIBUTES_TEST)],
                                capture_output=True, text=True, timeout=30)
        return {m.group(1): m.group(2) for line in result.stdout.splitlines() if (m := _ATTRIBUTE.match(line))}

    def completed(self) -> set[str]:
        """The request ids ``lpstat -W completed`` lists for this queue."""
        result = subprocess.run(["lpstat", "-W", "completed", "-o", self.name], capture_output=True, text=True,
                                timeout=30, env=self.env())
        return {line.split()[0] for line in result.stdout.splitlines() if line.strip()}

    def pending(self) -> bool:
        """Whether the queue still holds jobs not completed."""
        return bool(subprocess.run(["lpstat", "-o", self.name], capture_output=True, text=True, timeout=30,
                                   env=self.env()).stdout.strip())

    def wait_for_pdf(self, marker: str, request_id: str = "", seconds: float = 60) -> Path:
        """The PDF cups-pdf wrote for the job whose title holds ``marker``, once the job is completed."""
        def found() -> Path | None:
            if request_id and self.job_attributes(request_id).get("job-state") != "completed":
                return None
            if self.pending():  # cups-pdf writes the file while the job is still processing
                return None
            files = sorted(self.out_dir.glob(f"*{marker}*.pdf")) if self.out_dir.is_dir() else []
            return files[0] if len(files) == 1 and files[0].stat().st_size else None

        end = time.monotonic() + seconds
        while (path := found()) is None:
            if time.monotonic() > end:
                pytest.fail(f"no PDF for '{marker}' in {self.out_dir} after {seconds} s; queue: "
                            f"{self.job_attributes(request_id) if request_id else '(no job id)'}")
            time.sleep(0.1)
        return path

    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.server}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI must print to a real CUPS queue, but {reason}", pytrace=False)
    pytest.skip(f"CUPS printing tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _out_dir() -> Path:
    """cups-pdf's output folder for jobs sent by this user (its Out setting; ~/PDF by default)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.match(r"^\s*Out\s+", line):
                out = line.split(None, 1)[1].strip()
    account = pwd.getpwuid(os.getuid())  # cups-pdf takes the job owner's home from the account, not $HOME
    return Path(out.replace("${HOME}", account.pw_dir).replace("${USER}", account.pw_name))


def _write_config(root: Path, port: int) -> tuple[Path, Path]:
    for folder in ("etc/ppd", "spool/tmp", "cache", "state", "log"):
        (root / folder).mkdir(parents=True)
    files = root / "etc" / "cups-files.conf"
    files.write_text(
        f"ServerRoot {root}/etc\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\nCacheDir {root}/cache\n"
        f"StateDir {root}/state\nErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
        f"PageLog {root}/log/page_log\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\nSystemGroup root\n",
        encoding="utf-8")
    conf = root / "etc" / "cupsd.conf"
    conf.write_text(  # a scheduler for this test alone, on the loopback interface: no authentication
        f"Listen 127.0.0.1:{port}\nLogLevel info\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow from 127.0.0.1\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n", encoding="utf-8")
    return conf, files


def _tell_this_process(server: str | None) -> None:
    """Point the CUPS library Qt uses in this process at ``server`` (None: back to $CUPS_SERVER or the default)."""
    name = ctypes.util.find_library("cups")
    if name:
        library = ctypes.CDLL(name)
        library.cupsSetServer.argtypes = [ctypes.c_char_p]
        library.cupsSetServer(server.encode() if server else None)


@pytest.fixture
def no_print_queue(qapp) -> Iterator[None]:
    """No print queue in sight, whatever queues the system's own scheduler has: ``lp`` and the CUPS library in
    this process are pointed at a scheduler that is not there (a free port) for the test."""
    saved_server = os.environ.get("CUPS_SERVER")
    nowhere = f"127.0.0.1:{_free_port()}"
    os.environ["CUPS_SERVER"] = nowhere
    _tell_this_process(nowhere)
    try:
        yield
    finally:
        if saved_server is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = saved_server
        _tell_this_process(saved_server)


@pytest.fixture(scope="module")
def cups_queue(qapp) -> Iterator[CupsQueue]:
    if os.geteuid() != 0:
        _unavailable("they start a CUPS scheduler and cups-pdf, which only root can run")
    missing = [name for name in ("cupsd", "lpadmin", "lp", "lpstat", "ipptool") if not shutil.which(name)
               and not Path("/usr/sbin", name).exists()]
    missing += [str(path) for path in (BACKEND, PPD) if not path.exists()]
    if missing:
        _unavailable(f"{', '.join(missing)} not found; install the Debian packages cups, cups-ipp-utils and "
                     "printer-driver-cups-pdf (scripts/bootstrap.sh does, as root)")
    root = Path(tempfile.mkdtemp(prefix="checklist-cups-"))
    root.chmod(0o755)  # the filters run as the lp user and read the spool inside it
    port = _free_port()
    conf, files = _write_config(root, port)
    ppd = root / "checklist-test.ppd"
    ppd.write_text(PPD.read_text(encoding="latin-1") + DUPLEX, encoding="latin-1")
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    process = subprocess.Popen([cupsd, "-f", "-c", str(conf), "-s", str(files)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    queue = CupsQueue(f"checklist-test-{uuid.uuid4().hex[:6]}", f"127.0.0.1:{port}", _out_dir())
    saved_server = os.environ.get("CUPS_SERVER")
    try:
        end = time.monotonic() + 15
        while "scheduler is running" not in subprocess.run(["lpstat", "-r"], capture_output=True, text=True,
                                                          env=queue.env(), timeout=10).stdout:
            if process.poll() is not None or time.monotonic() > end:
                log = (root / "log" / "error_log")
                pytest.fail(f"cupsd did not start: {process.stderr.read() if process.poll() is not None else ''}"
                            f"{log.read_text() if log.exists() else ''}")
            time.sleep(0.05)
        added = subprocess.run(["lpadmin", "-p", queue.name, "-E", "-v", "cups-pdf:/", "-P", str(ppd)],
                               capture_output=True, text=True, env=queue.env(), timeout=30)
        if added.returncode != 0:
            pytest.fail(f"lpadmin could not add the cups-pdf queue: {added.stderr}")
        os.environ["CUPS_SERVER"] = queue.server
        _tell_this_process(queue.server)
        yield queue
    finally:
        if saved_server is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = saved_server
        _tell_this_process(None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
        shutil.rmtree(root, ignore_errors=True)
