"""Signed content for tests that sign records without going through the rules engine."""

from __future__ import annotations

from typing import Any

from checklist_app.domain.findings import Evaluation
from checklist_app.domain.signed import SignedContent


def signed_content(record: dict[str, Any], *, cleared: bool = True) -> SignedContent:
    """Content signing ``record`` with an evaluation that found nothing (``cleared`` as given)."""
    evaluation = Evaluation(form_id=str(record.get("form_id", "f")), form_version=str(record.get("form_version", "1")),
                            policy_id="test-policy", policy_version="1", evaluated_at="2026-11-21T07:00:00+00:00",
                            findings=(), visible_items=frozenset(record.get("answers", {})), missing_required=(),
                            derived={})
    return SignedContent(record=record, evaluation=evaluation, cleared=cleared)
