"""The first window (painted before the full start) already writes dates in the site's conventions: the locale
is read from the shipped site file with the quick reader."""

from __future__ import annotations

from datetime import datetime

import pytest

from checklist_app.domain import conventions
from checklist_app.workflows import first_view


@pytest.fixture
def british_site_file(monkeypatch):
    real = first_view.load_yaml

    def load(path):
        data = real(path)
        return {**data, "locale": "en-GB"} if path.name == "site.yaml" else data

    monkeypatch.setattr(first_view, "load_yaml", load)
    yield "en-GB"
    conventions.set_site_locale("en-US")


def test_the_first_view_sets_the_site_locale(tmp_path, british_site_file):
    assert conventions.site_locale() == "en-US"
    first_view.read_first_view(tmp_path, datetime.now().astimezone())
    assert conventions.site_locale() == british_site_file
    assert conventions.format_date(datetime(2026, 12, 1).date()) == "01/12/2026"
