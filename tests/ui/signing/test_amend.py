"""Amending a signed checklist, end to end: the signed checklist opens read-only; "Amend..." asks for a
reason and reopens the answers as a draft based on that version; the worklist says it is an amendment;
signing goes through storage.amend, so the new version points at the one it replaces; the old version
and its PDFs stay as they were."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from ui_helpers import NURSE, PINS, attested, example_data, wait_saved

from checklist_app import storage
from checklist_app.ui.signing.amend_dialog import AmendDialog
from checklist_app.ui.signing.review_dialog import ReviewDialog
from checklist_app.ui.signing.signature_dialog import SignatureDialog
from checklist_app.ui.worklist.window import WorklistWindow

REASON = "Weight re-measured on the ward: 71 kg"


def drive(qtbot, fill):
    """Stand in for a FormDialog's ``ask``: the real dialog, shown without a modal loop, filled, accepted."""

    def ask(cls, *args, **kwargs):
        dialog = cls(*args, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        fill(dialog)
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        return dialog.result_value if dialog.result() == dialog.DialogCode.Accepted else None

    return classmethod(ask)


@pytest.fixture
def signing(monkeypatch):
    """Review shows, then the nurse signs with her PIN; records the meaning she was shown."""
    seen = {}
    monkeypatch.setattr(ReviewDialog, "ask", classmethod(lambda cls, parent, html, blocked="": not blocked))

    def sign(cls, parent, **kwargs):
        seen["meaning"] = kwargs["meaning"]
        return kwargs["sign"](NURSE, PINS[NURSE], None)

    monkeypatch.setattr(SignatureDialog, "ask", classmethod(sign))
    return seen


def status_of(worklist, record_id: str) -> str:
    worklist.refresh()
    return next(r.status_text for r in worklist.model.rows if r.record_id == record_id)


def weight(window):
    form = window.ctx.form
    return window.pages[form.sections.index(form.section_of("weight_kg"))].items["weight_kg"]


def test_amend_a_signed_checklist_end_to_end(qtbot, ctx, monkeypatch, signing):
    data = attested(ctx, example_data(ctx, "clean"))
    ctx.store.save_draft("demo-clean", data, NURSE)
    worklist = WorklistWindow(ctx)
    qtbot.addWidget(worklist)
    worklist.show()

    # Sign it, close it: the worklist says Signed.
    window = worklist.open_record("demo-clean")
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    first = window.signed
    assert first is not None and first.version_no == 1
    first_pdf = storage.get_pdf(ctx.store.db, first.version_id, "checklist")
    assert window.close()
    assert status_of(worklist, "demo-clean") == "Signed"

    # Reopened, it is read-only, with Amend...
    reader = worklist.open_record("demo-clean")
    assert reader.signed is not None and weight(reader)._read_only
    assert reader.amend_button.isVisibleTo(reader) and not reader.review_button.isVisibleTo(reader)

    # A reason is required; then the signed answers come back as a draft based on version 1.
    def fill(dialog):
        qtbot.mouseClick(dialog.primary_button, Qt.MouseButton.LeftButton)
        assert "Say why" in dialog.problem.text
        qtbot.keyClicks(dialog.reason_edit, REASON)

    monkeypatch.setattr(AmendDialog, "ask", drive(qtbot, fill))
    qtbot.mouseClick(reader.amend_button, Qt.MouseButton.LeftButton)
    assert reader.signed is None
    assert reader.state.base_version_id == first.version_id and reader.state.amendment_reason == REASON
    assert not weight(reader)._read_only and reader.review_button.isVisibleTo(reader)
    assert not reader.amend_button.isVisibleTo(reader)
    draft = ctx.store.load_draft("demo-clean")
    assert draft.base_version_id == first.version_id and draft.data["amendment_reason"] == REASON
    assert status_of(worklist, "demo-clean") == "Amendment: Ready to sign"

    # Change an answer; it is autosaved against version 1.
    weight(reader).edit.setText("71")
    weight(reader).commit()
    wait_saved(qtbot, ctx)
    assert ctx.store.load_draft("demo-clean").data["answers"]["weight_kg"] == 71

    # Closed and reopened from the worklist (as after a restart), it is still that amendment.
    assert reader.close()
    again = worklist.open_record("demo-clean")
    assert again.signed is None and again.state.base_version_id == first.version_id
    assert again.state.amendment_reason == REASON and again.state.answers["weight_kg"] == 71

    # Signed again: a new version that points at the one it replaces, with the reason.
    qtbot.mouseClick(again.review_button, Qt.MouseButton.LeftButton)
    second = again.signed
    assert second is not None and second.version_no == 2
    assert second.replaces_version_id == first.version_id and second.amendment_reason == REASON
    assert second.content.record["answers"]["weight_kg"] == 71
    assert "amendment" in signing["meaning"] and REASON in signing["meaning"]
    assert [e.event_type for e in storage.list_events(ctx.store.db, "demo-clean")
            if e.event_type in ("signed", "amended")] == ["signed", "amended"]
    assert ctx.store.load_draft("demo-clean") is None
    second_pdf = storage.get_pdf(ctx.store.db, second.version_id, "checklist")
    assert second_pdf.startswith(b"%PDF")
    printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(second_pdf)).pages)
    assert "Replaces version 1." in printed  # the stored PDF says what it replaces, and why
    assert again.amend_button.isVisibleTo(again) and REASON in again.save_label.text()

    # Version 1 is untouched, its PDF too; the worklist shows the amended status.
    versions = storage.list_versions(ctx.store.db, "demo-clean")
    assert [v.version_no for v in versions] == [1, 2]
    assert versions[0].sha256 == first.sha256 and versions[0].content.record["answers"]["weight_kg"] != 71
    assert storage.get_pdf(ctx.store.db, first.version_id, "checklist") == first_pdf
    assert status_of(worklist, "demo-clean") == "Signed (amended)"
    assert storage.verify_versions(ctx.store.db) == (2, [])  # both versions and their PDFs as hashed


def test_a_printed_version_does_not_make_its_amendment_printed(qtbot, ctx, open_example, monkeypatch, signing):
    from checklist_app.workflows.worklist_rows import build_rows

    window = open_example("clean")
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    storage.record_printed(ctx.store.db, "demo-clean", window.signed.version_id, staff_id=NURSE, kind="packet")
    rows = lambda: [r.status_text for r in build_rows(ctx.store, ctx.form, ctx.policy,  # noqa: E731
                                                      ctx.completeness_rules, ctx.now())]
    assert rows() == ["Printed"]
    monkeypatch.setattr(AmendDialog, "ask", classmethod(lambda cls, parent, text: "Allergy list corrected"))
    window.amend()
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    assert window.signed.version_no == 2
    assert rows() == ["Signed (amended)"]


def test_an_amendment_already_in_progress_is_not_started_twice(qtbot, ctx, open_example, monkeypatch, signing):
    from PySide6.QtWidgets import QMessageBox

    from checklist_app.ui.checklist.window import ChecklistWindow

    window = open_example("clean")
    qtbot.mouseClick(window.review_button, Qt.MouseButton.LeftButton)
    version = window.signed
    other = ChecklistWindow(ctx, window.state, signed=version)  # the same signed checklist, another window
    qtbot.addWidget(other)
    monkeypatch.setattr(AmendDialog, "ask", classmethod(lambda cls, parent, text: "Allergy list corrected"))
    window.amend()
    assert window.signed is None
    other.amend()
    assert other.signed is version  # still read-only
    box = other.findChild(QMessageBox, "message_box")
    assert box is not None and "already being amended" in box.text()
