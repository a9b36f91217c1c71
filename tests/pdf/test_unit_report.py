"""The printable unit report: a report made with patients says so on every page and lists the deferred
checklists; one made without names nobody; a long range draws months, not a thousand bars."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from pypdf import PdfReader

from checklist_app.pdf.unit_report import PATIENTS_WARNING, chart_granularity, render_unit_report
from checklist_app.storage.reports import SignedFact, SignedFinding
from checklist_app.workflows.reports import compile_report


def deferred_fact(day: date, number: int) -> SignedFact:
    signed_at = datetime(day.year, day.month, day.day, 9).astimezone()
    stop = SignedFinding(f"LAB-01-inr:inr@{number:08x}", "LAB-01-inr", "hard_stop")
    return SignedFact(version_id=number, record_id=f"r{number}", signed_at=signed_at, amendment=False,
                      signer_id="rn.a", signer_name="Ann Nurse", signer_role="nurse", cleared=False,
                      proceduralist="Dr X", findings=(stop,), overridden=frozenset(), overrides=(),
                      first_answer_at=signed_at - timedelta(minutes=40),
                      patient=("Okafor, Grace", f"MRN-{number}", "2026-11-02T08:30"))


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_a_report_with_patients_says_so_on_every_page_and_lists_them():
    facts = [deferred_fact(date(2026, 11, 2), n) for n in range(1, 4)]
    report = compile_report(date(2026, 11, 1), date(2026, 11, 30), facts, [], [], names={}, rules={},
                            with_patients=True, site="Riverside")
    pages, text = text_of(render_unit_report(report, invariant=True))
    assert text.count(PATIENTS_WARNING) == pages
    assert "Checklists signed NOT CLEARED, with the patients" in text and "MRN-3" in text
    without = compile_report(date(2026, 11, 1), date(2026, 11, 30), [f._replace(patient=None) for f in facts], [], [],
                             names={}, rules={}, site="Riverside")
    _, text = text_of(render_unit_report(without, invariant=True))
    assert PATIENTS_WARNING not in text and "Okafor" not in text and "MRN-" not in text
    assert "LAB-01-inr 3" in text  # the coded reasons, per day


def test_a_long_range_is_charted_by_month_and_an_empty_one_still_renders():
    five_years = compile_report(date(2021, 12, 1), date(2026, 11, 30), [], [], [], names={}, rules={})
    assert chart_granularity(five_years) == "month"
    pdf = render_unit_report(five_years, invariant=True)
    _, text = text_of(pdf)
    assert "No checklist signed NOT CLEARED in the range." in text and "Per month" in text
    assert render_unit_report(five_years, invariant=True) == pdf  # reproducible: the tests compare text, not dates
