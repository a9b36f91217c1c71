"""Signing in the window stores both PDFs sealed, and the stored bytes validate; a seal that fails is shown,
the version stays signed and the preview makes the PDFs again and says so; a review that can go on to
signing starts loading the seal machinery in the background."""

from __future__ import annotations

import threading

import pytest
from ui_helpers import NURSE, PINS

from checklist_app import storage
from checklist_app.domain.errors import PdfRenderError
from checklist_app.pdf import seal
from checklist_app.ui import messages
from checklist_app.ui.signing import flow as signing_flow
from checklist_app.ui.signing import packet as packet_flow
from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.workflows.signing import meaning_of, sign

pytestmark = pytest.mark.gui


def test_signing_stores_both_pdfs_sealed_and_their_seals_validate(qtbot, ctx, open_example):
    window = open_example("clean")
    window.mark_signed(sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0]))
    version_id = window.signed.version_id
    stored = {kind: storage.get_pdf(ctx.store.db, version_id, kind) for kind in packet_flow.KINDS}
    for kind, pdf in stored.items():
        check = seal.validate_sealed(pdf)
        assert check.valid and check.whole_file, f"{kind}: {check.summary()}"
        assert not seal.validate_sealed(pdf + b"\n% appended after signing\n").valid
    packet = packet_flow.packet_documents(window, window.checklist)
    assert packet.remade == () and packet.note == ""
    assert [pdf for _, pdf in packet.documents] == [stored["checklist"], stored["discharge"]], \
        "preview, print and save use the sealed bytes"


def test_a_seal_that_fails_is_shown_and_the_version_stays_signed(qtbot, ctx, open_example, monkeypatch):
    shown = []
    monkeypatch.setattr(messages, "show_error", lambda parent, exc: shown.append(exc))

    def cannot_seal(pdf_bytes, *args, **kwargs):
        raise PdfRenderError("The sealing certificate cannot be loaded: wrong password or not a certificate file.")

    monkeypatch.setattr(seal, "seal_pdf", cannot_seal)
    window = open_example("clean")
    version = sign(window.checklist, NURSE, PINS[NURSE], meaning_of(window.checklist)[0])
    window.mark_signed(version)
    assert [str(e) for e in shown] == [
        "The sealing certificate cannot be loaded: wrong password or not a certificate file."]
    assert window.signed is version
    assert [v.version_id for v in storage.list_versions(ctx.store.db, "demo-clean")] == [version.version_id]
    assert all(storage.get_pdf(ctx.store.db, version.version_id, kind) is None for kind in packet_flow.KINDS), \
        "neither PDF is kept when sealing fails: an unsealed one must not pass for the signed document"
    packet = packet_flow.packet_documents(window, window.checklist)
    assert packet.remade == ("checklist", "discharge")
    assert all(pdf.startswith(b"%PDF") for _, pdf in packet.documents)
    assert "could not be made or sealed at signing" in packet.note


@pytest.mark.parametrize(("changes", "starts"), [({}, True), ({"patient_name": None}, False)])
def test_a_review_that_can_be_signed_starts_loading_the_seal(qtbot, open_example, monkeypatch, changes, starts):
    started = []

    def preload() -> threading.Thread:
        started.append("preload")
        loading = threading.Thread(target=lambda: None)
        loading.start()
        return loading

    monkeypatch.setattr(seal, "preload", preload)
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, html, blocked="": False))
    window = open_example("clean", **changes)
    assert signing_flow.review_and_sign(window, window.checklist) is None
    assert started == (["preload"] if starts else []), "only a review that can go on to signing preloads"
