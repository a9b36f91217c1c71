"""A record with 200 medications: the list runs over several pages, each row whole on one page, the
table header and the patient identifiers on every page it touches."""

from __future__ import annotations

import re

import pytest
from pdf_helpers import flat, page_texts

from checklist_app.pdf import render_checklist

pytestmark = pytest.mark.pdf

COUNT = 200


def _medications() -> list[dict]:
    meds = []
    for n in range(1, COUNT + 1):
        meds.append({"agent": "other", "name": f"Remedy {n:03d} extended-release tablet with a long name",
                     "dose": f"{n} mg", "frequency": "daily", "last_dose": "2026-11-20T08:00"})
    return meds


@pytest.fixture(scope="module")
def long_pdf(make_packet):
    packet = make_packet("clean", answers={"medications": _medications()})
    return packet, render_checklist(packet, invariant=True)


def test_every_medication_prints_once_with_its_row_on_one_page(long_pdf):
    _, pdf = long_pdf
    pages = [flat(p) for p in page_texts(pdf)]
    assert len(pages) >= 6
    seen = []
    for number, text in enumerate(pages, start=1):
        for match in re.finditer(r"Remedy (\d{3}) extended-release tablet with a long name (\d+) mg Once a day "
                                 r"11/20/2026 8:00 AM", text):
            assert int(match.group(1)) == int(match.group(2)), "a row's cells are on the same page, in order"
            seen.append((int(match.group(1)), number))
    assert [n for n, _ in seen] == list(range(1, COUNT + 1))


def test_identifiers_and_table_header_on_every_page_of_the_list(long_pdf):
    packet, pdf = long_pdf
    pages = [flat(p) for p in page_texts(pdf)]
    row = re.compile(r"Remedy \d{3} extended-release tablet with a long name \d+ mg Once a day")
    with_rows = [p for p in pages if row.search(p)]  # (each "Other" entry is also a finding, on other pages)
    assert len(with_rows) >= 4
    for text in with_rows:
        assert "Medicine Dose How often Last dose taken" in text
    for n, text in enumerate(pages, start=1):
        assert "Okafor, Grace Adaeze" in text and "MRN MRN-204811" in text and "DOB 03/12/1954" in text
        assert f"Page {n} of {len(pages)}" in text
        assert packet.fingerprint in text


def test_the_section_heading_is_on_the_page_where_the_list_starts(long_pdf):
    """A long list never leaves its section's heading alone on an otherwise empty page."""
    _, pdf = long_pdf
    pages = [flat(p) for p in page_texts(pdf)]
    heading_page = next(n for n, text in enumerate(pages) if re.search(r"\b\d+\. Medications\b", text))
    assert "Remedy 001 extended-release tablet" in pages[heading_page]
