"""``seal.preload``: pyHanko, the fonts and the certificate loaded on a background thread, once; sealing waits for
it instead of importing beside it; a failure there is logged and left for ``seal_pdf`` to report. And what
makes a warm seal cheaper: the certificate loaded once, the seal's room in the file learnt once."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

import pytest

from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf import render_checklist, seal
from checklist_app.pdf.certificates import FILES

pytestmark = pytest.mark.pdf


def test_preload_loads_pyhanko_fonts_and_the_certificate_once_in_the_background(tmp_path):
    code = """
import sys, threading
from checklist_app.pdf import fonts, seal
assert not any(name.startswith("pyhanko") for name in sys.modules)
thread = seal.preload()
assert thread is not threading.current_thread() and thread.daemon
assert seal.preload() is thread, "a second call starts nothing new"
thread.join(120)
assert not thread.is_alive()
assert "pyhanko.sign.signers" in sys.modules and "pyhanko.pdf_utils.incremental_writer" in sys.modules
assert fonts._register_fonts.cache_info().currsize == 1
assert seal.preload() is thread, "nor does a call after it finished"
print("preloaded")
"""
    env = {**os.environ, "CHECKLIST_APP_DATA_DIR": str(tmp_path)}
    env.pop("CHECKLIST_APP_PKCS12", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "preloaded" in result.stdout
    assert all((tmp_path / "seal" / name).is_file() for name in FILES.values()), "the certificate was made"


def test_sealing_waits_for_a_preload_that_is_still_running(make_packet, seal_identity, monkeypatch):
    finished = []

    def slow_load() -> None:
        time.sleep(1.5)  # far longer than a warm seal
        finished.append(time.monotonic())

    pdf = render_checklist(make_packet("clean"))
    seal.seal_pdf(pdf, seal_identity)  # pyHanko imported: the seal below takes tens of milliseconds
    thread = threading.Thread(target=slow_load, daemon=True)
    monkeypatch.setattr(seal, "_preloading", thread)
    thread.start()
    seal.seal_pdf(pdf, seal_identity)
    assert finished, "seal_pdf returned before the preload thread had finished"


def test_a_failed_preload_is_logged_and_sealing_reports_the_error(make_packet, monkeypatch, caplog):
    def no_certificate(directory=None):
        raise PdfRenderError("The sealing certificate folder is incomplete (test).")

    monkeypatch.setattr(seal, "_preloading", None)
    monkeypatch.setattr(seal, "installation_identity", no_certificate)
    with caplog.at_level(logging.WARNING, logger="checklist_app.pdf.seal"):
        seal.preload().join(60)
    assert "loading the seal machinery in the background failed" in caplog.text
    with pytest.raises(PdfRenderError, match="incomplete"):
        seal.seal_pdf(render_checklist(make_packet("clean")))


def test_later_seals_reuse_the_room_the_first_one_needed_and_still_validate(make_packet, seal_identity, monkeypatch):
    monkeypatch.setattr(seal, "_reserved", {})
    pdf = render_checklist(make_packet("clean"))
    first = seal.seal_pdf(pdf, seal_identity)
    room = seal._reserved[seal_identity]
    assert room == seal._room_of_last_seal(first) > 1000
    seal._reserved[seal_identity] = room + 200  # not what pyHanko's own estimate would choose
    second = seal.seal_pdf(pdf, seal_identity)
    assert seal._room_of_last_seal(second) == room + 200, "the second seal used the room it was given"
    assert seal.validate_sealed(second, identity=seal_identity).valid


def test_a_room_learnt_too_small_is_measured_again(make_packet, seal_identity, monkeypatch):
    monkeypatch.setattr(seal, "_reserved", {seal_identity: 64})
    sealed = seal.seal_pdf(render_checklist(make_packet("clean")), seal_identity)
    assert seal.validate_sealed(sealed, identity=seal_identity).valid
    assert seal._reserved[seal_identity] > 1000


def test_the_certificate_is_loaded_once_and_again_when_its_files_change(seal_identity, monkeypatch):
    loads = []
    real = seal._load_signer
    monkeypatch.setattr(seal, "_signers", {})
    monkeypatch.setattr(seal, "_load_signer", lambda identity: loads.append(identity) or real(identity))
    first = seal._signer(seal_identity)
    assert seal._signer(seal_identity) is first and len(loads) == 1
    stamp = seal_identity.cert.stat().st_mtime_ns + 1_000_000_000
    os.utime(seal_identity.cert, ns=(stamp, stamp))
    assert seal._signer(seal_identity) is first and len(loads) == 1  # touched, not changed
    # Replaced with other bytes but the old time (cp -p, tar, rsync -t): loaded again.
    original = seal_identity.cert.read_bytes()
    try:
        seal_identity.cert.write_bytes(original + b"\n")
        os.utime(seal_identity.cert, ns=(stamp, stamp))
        assert seal._signer(seal_identity) is not first and len(loads) == 2
    finally:
        seal_identity.cert.write_bytes(original)
