"""Fixtures for the PDF tests: packets built from the shipped examples, and one sealing certificate
per test session.

``make_packet("clean", answers={...}, signed=True)`` starts from ``forms/examples/<name>.json``, applies
the changes, parses and evaluates the record at a fixed moment, and wraps it in a ``SignedPacket``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pdf_helpers import NOW, SIGNED_AT, example_data, tiny_png

from checklist_app.domain.record import parse_record
from checklist_app.pdf import Signature, SignedPacket
from checklist_app.rules import evaluate, load_form, load_policy_for


@pytest.fixture(scope="session")
def form():
    return load_form()


@pytest.fixture(scope="session")
def policy(form):
    return load_policy_for(form, "sir-2019")


@pytest.fixture(scope="session")
def make_packet(form, policy):
    def build(name: str = "clean", *, answers: dict[str, Any] | None = None, drop: tuple[str, ...] = (),
              signed: bool = True, drawn: bool = False, **envelope: Any) -> SignedPacket:
        data = copy.deepcopy(example_data(name))
        data["answers"].update(answers or {})
        for key in drop:
            data["answers"].pop(key, None)
        data.update(envelope)
        record = parse_record(data, form, NOW)
        signature = None
        if signed:
            signature = Signature("rn.whitfield", "Dana Whitfield", "RN", SIGNED_AT,
                                  drawn_png=tiny_png() if drawn else None)
        return SignedPacket(record=record, form=form, evaluation=evaluate(form, record, policy, NOW), policy=policy,
                            signature=signature, record_version=3 if signed else None,
                            staff={"md.mensah": "A. Mensah, MD"})

    return build


@pytest.fixture(scope="session")
def seal_identity(tmp_path_factory):
    """One installation certificate for the whole session (made in a private temporary folder)."""
    from checklist_app.pdf.certificates import installation_identity

    return installation_identity(tmp_path_factory.mktemp("data") / "seal")
