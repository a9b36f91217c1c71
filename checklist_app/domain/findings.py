"""What the rules engine says about a record: findings, and the evaluation they belong to.

A finding names the item, its severity, what is wrong, what to do, and the policy rule and source it
comes from. ``key`` is stable for the same problem with the same values across re-evaluations, so an
acknowledgement or an override still applies after unrelated answers change, and stops applying when
the values it was given for change (see ``finding_key``).
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Severity = Literal["hard_stop", "warning"]


def finding_key(rule_id: str, item_id: str, detail: str, message: str) -> str:
    """``rule:item[:detail]@fingerprint``: the fingerprint is of the message, which carries the values
    that raised the finding (38.2 C; last dose at 08:00). An override or acknowledgement recorded against
    a key therefore stops applying when those values change, or when list entries move under it."""
    base = ":".join(p for p in (rule_id, item_id, detail) if p)
    return f"{base}@{hashlib.sha256(message.encode()).hexdigest()[:8]}"


class Finding(BaseModel):
    """One problem found in a record."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    rule_id: str
    item_id: str
    severity: Severity
    message: str
    action: str
    source_id: str
    citation: str
    unconfirmed: bool = False
    overridable: bool = True  # False: no physician override; the cause must be fixed (e.g. wrong wristband)

    @property
    def is_hard_stop(self) -> bool:
        """Whether this finding blocks the procedure until overridden."""
        return self.severity == "hard_stop"


class Evaluation(BaseModel):
    """The engine's answer for one record at one moment."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    form_id: str
    form_version: str
    policy_id: str
    policy_version: str
    # SHA-256 of the policy's canonical data (rules.policy.PolicyDefinition.content_sha256), so the signed
    # content says exactly which rules were applied, not only a version number anyone can copy. Empty in
    # evaluations made before it was kept: those still load and print ("not recorded").
    policy_sha256: str = ""
    evaluated_at: str
    findings: tuple[Finding, ...]
    visible_items: frozenset[str]
    missing_required: tuple[str, ...]
    derived: dict[str, Any]
    overridden: frozenset[str] = frozenset()
    acknowledged: frozenset[str] = frozenset()

    @property
    def hard_stops(self) -> tuple[Finding, ...]:
        """Every hard stop, overridden or not."""
        return tuple(f for f in self.findings if f.is_hard_stop)

    @property
    def open_hard_stops(self) -> tuple[Finding, ...]:
        """Hard stops no physician has overridden: these stop the procedure."""
        return tuple(f for f in self.hard_stops if f.key not in self.overridden)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Every warning."""
        return tuple(f for f in self.findings if not f.is_hard_stop)

    @property
    def unacknowledged_warnings(self) -> tuple[Finding, ...]:
        """Warnings the nurse has not yet acknowledged."""
        return tuple(f for f in self.warnings if f.key not in self.acknowledged)

    @property
    def cleared(self) -> bool:
        """True when nothing stops the procedure (no open hard stop)."""
        return not self.open_hard_stops
