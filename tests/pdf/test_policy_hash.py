"""The checked policy's SHA-256 travels with the evaluation: inside the signed version's frozen content
(under its hash), and on every page of the checklist beside the policy's id and version. Versions signed
before it was kept still load and print, saying it was not recorded."""

from __future__ import annotations

import io

import pytest
from pdf_helpers import flat, page_texts
from pypdf import PdfReader
from signed_record import sign_example

from checklist_app import storage
from checklist_app.domain.canonical import sha256_hex
from checklist_app.domain.signed import SignedContent
from checklist_app.pdf import SignedPacket, render_checklist
from checklist_app.rules import load_form, load_policy_for

pytestmark = pytest.mark.pdf


def footer_policy_lines(pdf: bytes) -> list[str]:
    """The footer's policy line of each page (text extraction keeps a drawn line together)."""
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    return [" ".join(next(line for line in page.splitlines() if line.startswith("Policy ")).split()) for page in pages]


def test_the_hash_is_in_the_signed_content_and_on_every_page_of_the_sealed_pdf(tmp_path):
    expected = load_policy_for(load_form(), "sir-2019").content_sha256
    version = sign_example(tmp_path / "data", "clean", keep=True)
    assert version.content.evaluation is not None and version.content.evaluation.policy_sha256 == expected
    assert version.payload["content"]["evaluation"]["policy_sha256"] == expected
    assert sha256_hex(version.payload) == version.sha256  # inside what the version's fingerprint covers
    with storage.open_database(data_dir=tmp_path / "data") as db:
        stored = storage.get_pdf(db, version.version_id, "checklist")
    lines = footer_policy_lines(stored)
    assert len(lines) >= 2 and set(lines) == {f"Policy sir-2019 v2026.12-1 · SHA-256 {expected}"}


def test_a_version_signed_before_the_hash_was_kept_still_loads_and_prints(make_packet):
    packet = make_packet("clean")
    old = packet.evaluation.model_dump(mode="json")
    del old["policy_sha256"]  # what an older app stored
    content = SignedContent.model_validate({"record": packet.record.to_json_data(), "evaluation": old,
                                            "cleared": True})
    assert content.evaluation is not None and content.evaluation.policy_sha256 == ""
    reprinted = SignedPacket(record=packet.record, form=packet.form, evaluation=content.evaluation,
                             policy=packet.policy, signature=packet.signature, record_version=1)
    pdf = render_checklist(reprinted)
    assert set(footer_policy_lines(pdf)) == {
        "Policy sir-2019 v2026.12-1 · SHA-256 not recorded (evaluated before the app kept it)"}
    assert "CLEARED" in flat(page_texts(pdf)[0])
