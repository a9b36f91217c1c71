"""One checklist open for work, without its window: its state, the policy it is checked against, what the
rules engine says now, and the actions taken on it (acknowledge, override, notify, a physician's attestation). No Qt.

The checklist window holds one and shows it; a command or a test can hold one and do the same steps.
``refresh()`` asks the rules engine again after every change; the actions record in storage first (which
checks PINs and roles and writes the audit trail) and only then change the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checklist_app.domain.findings import Evaluation
from checklist_app.domain.record import Acknowledgement, Attestation, Override
from checklist_app.domain.signed import SignedVersion
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.findings import StatusKind, finding_statuses
from checklist_app.workflows.plan_comparison import with_plan
from checklist_app.workflows.section_state import Overview, overview
from checklist_app.workflows.session import Session


@dataclass
class OpenChecklist:
    """A checklist being filled in (``signed`` None) or read (``signed``: the version on screen)."""

    session: Session
    state: ChecklistState
    signed: SignedVersion | None = None
    policy: PolicyDefinition = field(init=False)
    completeness: frozenset[str] = field(init=False)
    evaluation: Evaluation = field(init=False)
    view: Overview = field(init=False)
    statuses: dict[str, tuple[StatusKind, str]] = field(init=False, default_factory=dict)
    _names: dict[str, str] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.use_policy()
        self.refresh()

    def use_policy(self) -> None:
        """Load the state's policy (a missing or broken policy file: PolicyDefinitionError)."""
        self.policy = self.session.policy(self.state.policy_id)
        self.completeness = self.session.completeness_rules(self.policy)

    def refresh(self) -> None:
        """Ask the rules engine about the current answers now."""
        self.evaluation = with_plan(self.session, self.record_id, self.state.answers, self.policy,  # the day's plan
                                    self.state.evaluate(self.policy, self.session.now()),
                                    {a.finding_key for a in self.state.acknowledgements})
        self.view = overview(self.session.form, self.evaluation, self.state.answers, self.completeness)
        self.statuses = finding_statuses(self.state, self.evaluation, self.staff_name)

    def staff_name(self, staff_id: str) -> str:
        """'A. Mensah, MD' for a staff ID (looked up once per checklist), else the ID itself."""
        if staff_id not in self._names:
            self._names[staff_id] = self.session.staff_name(staff_id)
        return self._names[staff_id]

    @property
    def record_id(self) -> str:
        """The record's id."""
        return self.state.record_id

    # --- answers -------------------------------------------------------------------------------------
    def touch(self) -> None:
        """Note that the signed-in user changed the checklist now."""
        self.state.touch(self.session.user_id(), self.session.now())

    def save(self, *, audit: bool) -> None:
        """Hand the draft to autosave (saved within a second, in the background). ``audit=False`` for text
        still being typed: saved, so a crash loses at most a second of it, but not yet in the audit trail.
        RuntimeError or ValueError when autosave refuses it (closed, or the record id is not valid)."""
        session, state = self.session, self.state
        session.autosaver.update(state.record_id, state.draft_data(), staff_id=session.user_id(),
                                 base_version_id=state.base_version_id, audit=audit)

    # --- what is done about findings ----------------------------------------------------------------
    def acknowledge(self, finding_key: str, note: str) -> Acknowledgement:
        """Record the signed-in user's acknowledgement of a warning (or a hard stop's 'physician notified'
        note, which never clears it)."""
        session = self.session
        ack = session.store.acknowledge(self.record_id, finding_key, session.user_id(), note)
        self.state.acknowledgements.append(ack)
        return ack

    def override(self, finding_key: str, physician_id: str, pin: str, reason: str) -> Override:
        """A physician's override of a hard stop, with their own ID and PIN checked by storage now."""
        override = self.session.store.override(self.record_id, finding_key, physician_id, pin, reason)
        self.state.overrides.append(override)
        return override

    def attest_in_person(self, item_id: str, physician_id: str, pin: str) -> Attestation:
        """A physician attests a statement with their own ID and PIN, checked by storage now."""
        attestation = self.session.store.attest_in_person(self.record_id, item_id, physician_id, pin)
        self.state.attestations.append(attestation)
        return attestation

    def attest_on_word(self, item_id: str, physician: str) -> Attestation:
        """The signed-in nurse records a physician's statement on the physician's word."""
        session = self.session
        attestation = session.store.attest_on_word(self.record_id, item_id, physician, session.user_id(),
                                                   session.user_display())
        self.state.attestations.append(attestation)
        return attestation

    def withdraw_attestation(self, item_id: str) -> None:
        """The statement was unticked: its attestation is withdrawn (audited) and no longer in the record."""
        attestation = self.state.attestation(item_id)
        if attestation is None:
            return
        self.session.store.withdraw_attestation(self.record_id, attestation, self.session.user_id())
        self.state.attestations = [a for a in self.state.attestations if a.item_id != item_id]
