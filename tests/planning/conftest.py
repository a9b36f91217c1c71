"""Fixtures for the planning tests: the shipped form, policy and site settings, and the test plan."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # plan_helpers, imported by name as the other folders do

from plan_helpers import CALL_AT, plan_record  # noqa: E402

from checklist_app import resources  # noqa: E402
from checklist_app.domain.record import parse_record  # noqa: E402
from checklist_app.domain.site import load_site  # noqa: E402
from checklist_app.rules import load_form, load_policy_for  # noqa: E402


@pytest.fixture(scope="session")
def form():
    return load_form()


@pytest.fixture(scope="session")
def policy(form):
    return load_policy_for(form, "sir-2019")


@pytest.fixture(scope="session")
def site():
    return load_site(resources.form_path("site.yaml"))


@pytest.fixture
def plan_answers(form):
    def build(**answers):
        return parse_record(plan_record(**answers), form, CALL_AT).answer_values()

    return build
