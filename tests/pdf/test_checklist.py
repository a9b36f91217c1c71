"""The checklist PDF read back with pypdf: identifiers and footer on every page, every visible answered item,
no hidden item, findings with override/acknowledgement, signature block, NOT CLEARED and DRAFT marks."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pdf_helpers import SIGNED_AT, flat, page_texts
from pypdf import PdfReader

from checklist_app.domain.answer_text import format_answer
from checklist_app.domain.errors import PdfRenderError
from checklist_app.domain.items import InfoItem, RepeatItem
from checklist_app.pdf import Signature, render_checklist

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def clean_pdf(make_packet):
    packet = make_packet("clean", drawn=True)
    return packet, render_checklist(packet, invariant=True)


def test_identifiers_and_footer_on_every_page(clean_pdf):
    packet, pdf = clean_pdf
    pages = page_texts(pdf)
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        text = flat(text)
        assert "Okafor, Grace Adaeze" in text
        assert "DOB 03/12/1954" in text and "MRN MRN-204811" in text
        assert "Kyphoplasty (balloon), level(s) L1" in text
        assert f"Page {n} of {len(pages)}" in text
        assert "Form vertebral_augmentation v1.0.0" in text and "Policy sir-2019 v2026.12-1" in text
        assert "Record demo-clean, version 3" in text
        assert f"SHA-256 of the signed record: {packet.fingerprint}" in text
        assert "NOT CLEARED" not in text and "CLEARED" in text


def test_sha256_is_the_canonical_hash_of_the_record(make_packet):
    from checklist_app.domain.canonical import sha256_hex

    packet = make_packet("clean")
    assert packet.fingerprint == sha256_hex(packet.record.to_json_data())
    given = dataclasses.replace(packet, sha256="ab" * 32)  # what storage passes for a signed version
    assert "ab" * 32 in flat(page_texts(render_checklist(given))[0])


def test_mrn_barcode_is_drawn_on_every_page(clean_pdf):
    _, pdf = clean_pdf
    for page in PdfReader(io.BytesIO(pdf)).pages:
        content = page.get_contents().get_data().decode("latin-1")
        bars = len(re.findall(r" re\b", content))
        assert bars > 30, "Code 128 bars are drawn as many filled rectangles"


def test_every_visible_answered_item_prints_with_its_answer(clean_pdf):
    packet, pdf = clean_pdf
    text = flat(" ".join(page_texts(pdf)))
    for item in packet.form.iter_items():
        value = packet.visible_answer(item.id)
        if value is None or isinstance(item, InfoItem):
            continue
        assert flat(item.label) in text, item.id
        if isinstance(item, RepeatItem):
            for entry in value:
                for field in item.fields:
                    if entry.get(field.id) is not None:
                        assert flat(format_answer(field, entry[field.id])) in text, (item.id, field.id)
        else:
            assert flat(format_answer(item, value)) in text, item.id


def test_hidden_items_are_left_out(make_packet):
    # neuro_deficit is "no", so its details item is hidden; a stale answer must not print.
    packet = make_packet("clean", answers={"neuro_deficit": False, "neuro_deficit_details": "STALE-HIDDEN-TEXT"})
    assert "neuro_deficit_details" not in packet.evaluation.visible_items
    text = flat(" ".join(page_texts(render_checklist(packet))))
    assert "STALE-HIDDEN-TEXT" not in text and "Describe the deficit" not in text
    assert "Pregnancy status" in text  # visible for a female patient


def test_unanswered_required_item_prints_not_answered(make_packet):
    packet = make_packet("clean", drop=("proceduralist",), signed=False)
    text = flat(" ".join(page_texts(render_checklist(packet))))
    assert "Proceduralist NOT ANSWERED" in text


def test_findings_print_severity_message_action_source(make_packet):
    packet = make_packet("hard-inr")
    assert packet.evaluation.open_hard_stops
    text = flat(" ".join(page_texts(render_checklist(packet))))
    for finding in packet.evaluation.findings:
        assert flat(finding.message) in text
        assert flat(finding.action) in text
        assert finding.source_id in text
    assert "HARD STOP" in text and "OPEN: stops the procedure" in text


def test_not_cleared_in_the_header_of_every_page(make_packet):
    packet = make_packet("hard-anticoagulant-hold")
    pages = page_texts(render_checklist(packet))
    n = len(packet.evaluation.open_hard_stops)
    assert all(f"NOT CLEARED: {n} open hard stop" in flat(p) for p in pages)


def test_override_prints_who_when_why_and_clears(make_packet):
    packet = make_packet("overridden")
    assert packet.evaluation.cleared and packet.evaluation.overridden
    pages = [flat(p) for p in page_texts(render_checklist(packet))]
    assert not any("NOT CLEARED" in p for p in pages)
    text = " ".join(pages)
    assert "Overridden by A. Mensah, MD (md.mensah) at 12/01/2026 7:50 AM" in text
    assert "Post-op atelectasis, cultures negative; benefit outweighs risk." in text


def test_acknowledged_warning_prints_who_when_note(make_packet):
    base = make_packet("warnings-only")
    warning = base.evaluation.warnings[0]
    ack = {"finding_key": warning.key, "by": "rn.okoro", "at": "2026-11-21T09:40", "note": "Told Dr Mensah <ok>"}
    packet = make_packet("warnings-only", acknowledgements=[ack])
    text = flat(" ".join(page_texts(render_checklist(packet))))
    assert "WARNING" in text
    assert "Acknowledged by rn.okoro at 11/21/2026 9:40 AM. Note: Told Dr Mensah <ok>" in text
    assert "Not acknowledged" in text or len(base.evaluation.warnings) == 1


def test_signature_block(clean_pdf):
    _, pdf = clean_pdf
    text = flat(page_texts(pdf)[-1])
    assert "Dana Whitfield, RN (staff ID rn.whitfield)" in text
    assert "12/01/2026 7:55 AM (UTC-05:00)" in text
    assert "I have checked this patient's pre-procedure checklist" in text
    images = [name for page in PdfReader(io.BytesIO(pdf)).pages for name in page.images]
    assert images, "the drawn signature is embedded as an image"


def test_unsigned_packet_is_a_marked_draft(make_packet):
    pages = [flat(p) for p in page_texts(render_checklist(make_packet("clean", signed=False)))]
    assert all("DRAFT - NOT SIGNED" in p for p in pages)
    assert "Signed by" not in " ".join(pages)
    assert "SHA-256 of this unsigned record" in pages[0]


def test_signing_time_needs_a_time_zone():
    with pytest.raises(PdfRenderError, match="time zone"):
        Signature("x", "X", "RN", SIGNED_AT.replace(tzinfo=None))


def test_free_text_prints_as_typed(make_packet):
    typed = 'Pain <worse> at L1 & L2; says "it\'s sharp" </b><br/> & done'
    packet = make_packet("clean", answers={"neuro_deficit": True, "neuro_deficit_details": typed,
                                           "patient_name": 'O\'Brien & <Sons> "Jr"'})
    pages = page_texts(render_checklist(packet))
    text = flat(" ".join(pages))
    assert flat(typed) in text
    assert all('O\'Brien & <Sons> "Jr"' in p for p in pages)


@pytest.mark.parametrize("name", ["山田 太郎", "Nguyễn Văn Ánh", "Müller, Jürgen", "김민준", "Łukasz Żółć"])
def test_accented_and_cjk_names_render(make_packet, name):
    pdf = render_checklist(make_packet("clean", answers={"patient_name": name}))
    pages = page_texts(pdf)
    assert all(name in p for p in pages)
    fonts = {str(f.get_object()["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in f for f in fonts)
    if any(ord(c) > 0x2E80 for c in name):
        assert any("WenQuanYi" in f or "wqy" in f.lower() for f in fonts), fonts


def test_fonts_are_embedded(clean_pdf):
    _, pdf = clean_pdf
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]


def test_output_is_reproducible_with_invariant(make_packet):
    packet = make_packet("clean")
    assert render_checklist(packet, invariant=True) == render_checklist(packet, invariant=True)


def test_discharge_plan_shows_physician_values_or_the_clinic_default(make_packet):
    text = flat(" ".join(page_texts(render_checklist(make_packet("clean", answers={"dc_rest_hours": 48})))))
    assert "Rest after the procedure (hours) 48 h" in text
    assert "No heavy lifting or strenuous activity for (weeks) 6 weeks (clinic default; not set for this patient)" \
        in text


def test_other_medicine_prints_its_typed_name(make_packet):
    meds = [{"agent": "other", "name": "Fish oil <1 g>", "dose": "1 g", "frequency": "daily",
             "last_dose": "2026-11-20T08:00"}]
    text = flat(" ".join(page_texts(render_checklist(make_packet("clean", answers={"medications": meds})))))
    assert "Fish oil <1 g> 1 g Once a day 11/20/2026 8:00 AM" in text


def test_not_cleared_with_physician_notified_prints_the_note(make_packet):
    """Completing as NOT CLEARED is recorded as a note on the open hard stop, and must print."""
    base = make_packet("hard-inr")
    (stop,) = base.evaluation.open_hard_stops
    note = {"finding_key": stop.key, "by": "rn.okoro", "at": "2026-12-01T07:10",
            "note": "Physician notified: Dr Mensah, by phone at 07:10"}
    packet = make_packet("hard-inr", acknowledgements=[note])
    text = " ".join(flat(p) for p in page_texts(render_checklist(packet)))
    assert "OPEN - NOT CLEARED" in text and "Physician notified: Dr Mensah, by phone at 07:10" in text
    assert "rn.okoro" in text and "NOT CLEARED: 1 open hard stop" in text


def test_a_wristband_mismatch_says_it_cannot_be_overridden(make_packet):
    text = " ".join(flat(p) for p in page_texts(render_checklist(make_packet("hard-wristband-mismatch"))))
    assert "cannot be overridden" in text
    assert "until each one is resolved; it cannot be overridden." in text
    assert "a physician records an override" not in text  # the verdict must not offer what is impossible


def test_an_amendment_prints_what_it_replaces_and_why(make_packet):
    packet = dataclasses.replace(make_packet("clean"), amends=(1, "INR re-drawn <today> & corrected"))
    text = " ".join(flat(p) for p in page_texts(render_checklist(packet)))
    assert "Amendment Replaces version 1. Reason: INR re-drawn <today> & corrected" in text
