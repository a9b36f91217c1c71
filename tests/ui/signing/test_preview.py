"""Preview (QtPdf) and printing of the packet.

The preview tests run offscreen. The printing tests marked ``e2e`` print to a real CUPS queue backed by
cups-pdf and read the file it writes with pypdf; the ``cups_queue`` fixture installs cups and
printer-driver-cups-pdf when they are missing and we are root (apt-get), starts cupsd, and adds the
queue ``checklist-test``, or skips saying which of these it could not do.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from checklist_app import resources
from checklist_app.domain.record import parse_record
from checklist_app.domain.timeutil import parse_datetime
from checklist_app.pdf import SignedPacket, render_checklist, render_discharge
from checklist_app.rules import evaluate, load_form, load_policy_for

pytestmark = pytest.mark.gui
QUEUE = "checklist-test"
NOW = parse_datetime("2026-11-21T10:00")


@pytest.fixture(scope="module")
def pdfs() -> tuple[bytes, bytes]:
    import json

    form = load_form()
    policy = load_policy_for(form, "sir-2019")
    path = resources.data_root() / "forms" / "examples" / "clean.json"
    record = parse_record(json.loads(path.read_text(encoding="utf-8")), form, NOW)
    packet = SignedPacket(record, form, evaluate(form, record, policy, NOW), policy)
    return render_checklist(packet), render_discharge(packet)


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _dark_pixels(image, step: int = 4) -> int:
    return sum(1 for y in range(0, image.height(), step) for x in range(0, image.width(), step)
               if image.pixelColor(x, y).lightness() < 100)


def test_preview_shows_both_documents(qtbot, pdfs):
    from checklist_app.ui.signing.preview import PacketPreviewWidget

    widget = PacketPreviewWidget()
    qtbot.addWidget(widget)
    assert not widget.print_button.isEnabled()
    widget.set_documents(*pdfs)
    qtbot.waitUntil(lambda: widget.checklist_view.page_count() == _pages(pdfs[0]))
    assert widget.discharge_view.page_count() == _pages(pdfs[1])
    assert f"({_pages(pdfs[0])} pages)" in widget.tabs.tabText(0)
    with qtbot.waitSignal(widget.print_requested):
        widget.print_button.click()
    with qtbot.waitSignal(widget.save_requested):
        widget.save_button.click()


def test_page_image_is_painted_on_white(qtbot, pdfs):
    from checklist_app.ui.signing.preview import PdfPreviewWidget, page_image

    widget = PdfPreviewWidget()
    qtbot.addWidget(widget)
    widget.set_pdf(pdfs[0])
    qtbot.waitUntil(lambda: widget.page_count() > 0)
    image = page_image(widget.document, 0, 600)
    assert image.pixelColor(2, 2).name() == "#ffffff", "QPdfDocument's transparent background shows through"
    assert _dark_pixels(image) > 200, "the page has text"


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's note when a window is shown
def test_view_draws_the_pages(qtbot, pdfs):
    from checklist_app.ui.signing.preview import PdfPreviewWidget

    widget = PdfPreviewWidget()
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_pdf(pdfs[1])
    # QPdfView renders pages in the background: wait until the text shows, never a fixed sleep.
    qtbot.waitUntil(lambda: _dark_pixels(widget.view.viewport().grab().toImage()) > 100, timeout=10000)


def test_print_cancelled_prints_nothing(qtbot, pdfs, monkeypatch):
    from checklist_app.ui.signing import printing

    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(lambda cls, parent, name="": None))
    assert printing.print_packet(None, [("checklist", pdfs[0])]) is None


def test_save_packet_writes_both_files(qtbot, pdfs, tmp_path, monkeypatch):
    from checklist_app.ui.signing import printing

    monkeypatch.setattr(printing.SaveDialog, "ask_folder", classmethod(lambda cls, parent: tmp_path))
    written = printing.save_packet(None, [("a-checklist.pdf", pdfs[0]), ("a-discharge.pdf", pdfs[1])])
    assert [p.name for p in written] == ["a-checklist.pdf", "a-discharge.pdf"]
    assert (tmp_path / "a-checklist.pdf").read_bytes() == pdfs[0]
    monkeypatch.setattr(printing.SaveDialog, "ask_folder", classmethod(lambda cls, parent: None))
    assert printing.save_packet(None, [("x.pdf", pdfs[0])]) is None


def test_lp_failure_is_a_print_error(pdfs, tmp_path):
    from checklist_app.ui.signing.printing import PrintError, print_with_lp

    fake_lp = tmp_path / "lp"
    fake_lp.write_text("#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n")
    fake_lp.chmod(0o755)
    with pytest.raises(PrintError, match="does not exist"):
        print_with_lp([("checklist", pdfs[0])], "nowhere", lp=str(fake_lp))


# --- a real CUPS queue -----------------------------------------------------------------------------------

def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)


def _ensure_packages() -> None:
    if shutil.which("lpadmin") and Path("/usr/lib/cups/backend/cups-pdf").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("CUPS and cups-pdf are not installed and we are not root with apt-get; install them with "
                    "'apt-get install cups printer-driver-cups-pdf'")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "cups", "printer-driver-cups-pdf"]
    if subprocess.run(cmd, capture_output=True, env=env, timeout=600).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env, timeout=600)
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
        if result.returncode != 0:
            pytest.skip(f"could not install cups/printer-driver-cups-pdf: {result.stderr[-300:]}")


def _scheduler_running() -> bool:
    return "scheduler is running" in _run("lpstat", "-r").stdout


def _out_dir() -> Path:
    """cups-pdf's Out directory for this user (default ~/PDF)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.match(r"^\s*Out\s+", line):
                out = line.split(None, 1)[1].strip()
    return Path(out.replace("${HOME}", str(Path.home())).replace("${USER}", os.environ.get("USER", "root")))


@pytest.fixture(scope="module")
def cups_queue(qapp):
    _ensure_packages()
    if not _scheduler_running():
        if os.geteuid() != 0:
            pytest.skip("cupsd is not running and only root can start it")
        _run("/usr/sbin/cupsd")  # forks into the background
    deadline_ok = _wait(_scheduler_running, 30)
    if not deadline_ok:
        pytest.skip("cupsd did not start within 30 s")
    result = _run("lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-m", "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd")
    if result.returncode != 0:
        pytest.fail(f"lpadmin could not add the cups-pdf queue: {result.stderr}")
    _run("cupsenable", QUEUE)
    _run("cupsaccept", QUEUE)
    yield _out_dir()
    _run("lpadmin", "-x", QUEUE)


def _wait(condition, seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (waits on CUPS, not on Qt)."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _printed(out_dir: Path, marker: str) -> list[Path]:
    return sorted(out_dir.glob(f"*{marker}*.pdf")) if out_dir.is_dir() else []


def _jobs_done() -> bool:
    return not _run("lpstat", "-o", QUEUE).stdout.strip()


@pytest.mark.e2e
@pytest.mark.slow
def test_print_packet_through_lp_to_a_real_cups_queue(qtbot, pdfs, cups_queue, monkeypatch):
    from checklist_app.ui.signing import printing

    marker = uuid.uuid4().hex[:8]
    monkeypatch.setattr(printing.PrintDialog, "ask",
                        classmethod(lambda cls, parent, name="": _named_printer(QUEUE)))
    job = printing.print_packet(None, [(f"checklist-{marker}", pdfs[0]), (f"discharge-{marker}", pdfs[1])],
                                use_lp=True)
    assert job is not None and job.method == "lp" and len(job.job_ids) == 2
    assert job.pages == _pages(pdfs[0]) + _pages(pdfs[1])
    qtbot.waitUntil(lambda: _jobs_done() and len(_printed(cups_queue, marker)) == 2, timeout=60000)
    # cups-pdf names each file after the job title: checklist-<marker>-job_N.pdf
    for kind, source in (("checklist", pdfs[0]), ("discharge", pdfs[1])):
        printed = next(p for p in _printed(cups_queue, marker) if p.name.startswith(kind))
        reader = PdfReader(io.BytesIO(printed.read_bytes()))
        assert len(reader.pages) == _pages(source)
        assert "Okafor, Grace Adaeze" in reader.pages[0].extract_text()
        printed.unlink()


@pytest.mark.e2e
@pytest.mark.slow
def test_print_packet_through_qprinter_to_a_real_cups_queue(qtbot, pdfs, cups_queue, monkeypatch):
    from checklist_app.ui.signing import printing

    marker = uuid.uuid4().hex[:8]

    def ask(cls, parent, name=""):
        printer = _named_printer(QUEUE)
        printer.setDocName(f"packet-{marker}")
        return printer

    monkeypatch.setattr(printing.PrintDialog, "ask", classmethod(ask))
    job = printing.print_packet(None, [("checklist", pdfs[0]), ("discharge", pdfs[1])], use_lp=False)
    assert job is not None and job.method == "qprinter"
    assert job.pages == _pages(pdfs[0]) + _pages(pdfs[1])
    qtbot.waitUntil(lambda: _jobs_done() and len(_printed(cups_queue, marker)) == 1, timeout=90000)
    printed = _printed(cups_queue, marker)[0]
    reader = PdfReader(io.BytesIO(printed.read_bytes()))
    assert len(reader.pages) == job.pages  # raster pages: the text is pixels now, so count pages only
    printed.unlink()


def _named_printer(name: str):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(name)
    return printer
