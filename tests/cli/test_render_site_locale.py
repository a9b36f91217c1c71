"""``render`` writes the PDFs in the site's conventions: a British site's dates day first and its wording in
British spelling, from the same files an American site reads."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from checklist_app import resources
from checklist_app.cli import main
from checklist_app.cli import render as render_command
from checklist_app.domain import conventions

CLEAN = str(resources.form_path("examples/clean.json"))


@pytest.fixture
def british_site(monkeypatch):
    real = render_command.load_effective_site
    monkeypatch.setattr(render_command, "load_effective_site",
                        lambda *a, **kw: real(*a, **kw).model_copy(update={"locale": "en-GB"}))
    yield "en-GB"
    conventions.set_site_locale("en-US")


def _text(path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_an_american_site_prints_month_first_and_american_spelling(tmp_path):
    assert main(["render", CLEAN, "--out", str(tmp_path), "--now", "2026-11-21T10:00"]) == 0
    text = _text(tmp_path / "demo-clean-checklist.pdf")
    assert "DOB 03/12/1954" in text and "anesthesia" in text and "anaesthesia" not in text
    discharge = _text(tmp_path / "demo-clean-discharge.pdf")
    assert "Tuesday, December 1, 2026" in discharge and "A fever above 100.0 °F (37.8 °C)" in discharge


def test_a_british_site_prints_day_first_and_british_spelling(tmp_path, british_site):
    assert main(["render", CLEAN, "--out", str(tmp_path), "--now", "2026-11-21T10:00"]) == 0
    assert conventions.site_locale() == british_site
    text = _text(tmp_path / "demo-clean-checklist.pdf")
    assert "DOB 12/03/1954" in text and "anaesthesia" in text and "anesthesia" not in text
    discharge = _text(tmp_path / "demo-clean-discharge.pdf")
    assert "Tuesday, 1 December 2026" in discharge and "December 1, 2026" not in discharge
    assert "A fever above 37.8 °C (100.0 °F)" in discharge
