"""Fixtures for domain tests: the shipped form and the clean example record's data."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from checklist_app import resources
from checklist_app.rules import load_form

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def form():
    return load_form()


@pytest.fixture(scope="session")
def _clean_data():
    return json.loads(resources.form_path("examples/clean.json").read_text())


@pytest.fixture
def clean_data(_clean_data):
    return copy.deepcopy(_clean_data)
