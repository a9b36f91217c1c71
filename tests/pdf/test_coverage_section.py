"""The US coverage documentation section prints on the checklist where the site's policy switches it on,
with its status line ("Incomplete: N items missing") and the advisory listing what is missing; a site that
has not switched it on prints none of it."""

from __future__ import annotations

import copy

import pytest
from pdf_helpers import NOW, SIGNED_AT, example_data, flat, page_texts

from checklist_app.domain.record import parse_record
from checklist_app.pdf import Signature, SignedPacket
from checklist_app.pdf.checklist import render_checklist
from checklist_app.rules import evaluate

COVERAGE = {"cov_fracture_age": "acute", "cov_nonsurgical_tried": True,
            "cov_nonsurgical_details": "Brace and paracetamol for 4 weeks", "cov_pain_course": "stable",
            "cov_height_loss": True, "cov_kyphosis": False, "cov_rmdq_over_17": False, "cov_bone_density": True,
            "cov_osteoporosis_education": False}


def _pdf_text(form, policy) -> str:
    data = copy.deepcopy(example_data("clean"))
    data["answers"].update(COVERAGE)
    record = parse_record(data, form, NOW)
    packet = SignedPacket(record=record, form=form, evaluation=evaluate(form, record, policy, NOW), policy=policy,
                          signature=Signature("rn.whitfield", "Dana Whitfield", "RN", SIGNED_AT), record_version=1)
    return flat(" ".join(page_texts(render_checklist(packet))))


@pytest.mark.parametrize("switched_on", [True, False])
def test_the_section_prints_only_where_switched_on(form, policy, switched_on):
    chosen = policy.model_copy(update={"sections_on": ("coverage_us",) if switched_on else ()})
    text = _pdf_text(form, chosen)
    printed = ("Coverage documentation (US)" in text, "Incomplete: 2 items missing" in text,
               "Coverage documentation incomplete: worsening pain" in text, "osteoporosis education" in text)
    assert printed == (switched_on,) * 4
