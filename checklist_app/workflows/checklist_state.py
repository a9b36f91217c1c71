"""One checklist as the window holds it: typed answers, acknowledgements, overrides, physicians'
attestations, and who made it. No Qt.

The window changes it one answer at a time and asks the rules engine about it after every change;
``draft_data()`` is the draft saved by autosave, ``to_data(visible)`` what is validated and signed. Answers
to questions that are hidden (``show_if`` false) stay in the draft, so toggling a question back restores
them, but they are left out of the signed record. An amendment is a draft made from a signed version:
``base_version_id`` is that version (storage refuses a draft or signature based on anything but the
latest one) and ``amendment_reason`` why it is amended (kept in the draft, signed with the new version).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from checklist_app.domain.findings import Evaluation
from checklist_app.domain.form import FormDefinition
from checklist_app.domain.record import Acknowledgement, Attestation, Override
from checklist_app.domain.timeutil import aware, parse_datetime
from checklist_app.rules import evaluate_answers
from checklist_app.rules.policy import PolicyDefinition
from checklist_app.workflows.answer_codec import JsonCache, answers_from_json, answers_to_json

NOTIFIED_PREFIX = "Physician notified: "
AMENDMENT_KEY = "amendment_reason"  # in an amendment's draft only; the signed version carries it itself


@dataclass
class ChecklistState:
    """A checklist being filled in (or a signed one being read)."""

    form: FormDefinition
    record_id: str
    created_by: str
    created_at: datetime
    policy_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    acknowledgements: list[Acknowledgement] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    attestations: list[Attestation] = field(default_factory=list)
    updated_by: str | None = None
    updated_at: datetime | None = None
    base_version_id: int | None = None  # the signed version this draft amends (None: never signed)
    amendment_reason: str | None = None
    # Answers pre-filled from the chart and the nurse's choices on a pull again (domain/sources.py), as JSON.
    sources: dict[str, Any] = field(default_factory=dict)
    import_choices: dict[str, Any] = field(default_factory=dict)
    # Each answer's JSON, converted again only when the answer changes: draft_data() runs on every keystroke.
    _json: JsonCache = field(default_factory=JsonCache, init=False, repr=False, compare=False)

    @property
    def is_amendment(self) -> bool:
        """Whether this draft amends a signed version."""
        return self.base_version_id is not None

    @classmethod
    def new(cls, form: FormDefinition, record_id: str, staff_id: str, now: datetime,
            policy_id: str) -> ChecklistState:
        """An empty checklist started now by ``staff_id``."""
        return cls(form, record_id, staff_id, aware(now), policy_id)

    @classmethod
    def from_data(cls, form: FormDefinition, data: dict[str, Any], *, fallback_staff: str, now: datetime,
                  policy_id: str, base_version_id: int | None = None) -> tuple[ChecklistState, list[str]]:
        """Rebuild from a saved draft (or a signed record); also returns the ids of answers that could not
        be read back. ``base_version_id``: the draft's (``Draft.base_version_id``) when it is an amendment."""
        answers, dropped = answers_from_json(form, data.get("answers") or {})
        acks = _models(Acknowledgement, data.get("acknowledgements"), dropped, "acknowledgements")
        overrides = _models(Override, data.get("overrides"), dropped, "overrides")
        attestations = _models(Attestation, data.get("attestations"), dropped, "attestations")
        state = cls(
            form=form,
            record_id=str(data.get("record_id")),
            created_by=str(data.get("created_by") or fallback_staff),
            created_at=_moment(data.get("created_at")) or aware(now),
            policy_id=str(data.get("policy_id") or policy_id),
            answers=answers,
            acknowledgements=acks,
            overrides=overrides,
            attestations=attestations,
            updated_by=data.get("updated_by"),
            updated_at=_moment(data.get("updated_at")),
            base_version_id=base_version_id,
            amendment_reason=data.get(AMENDMENT_KEY) if base_version_id is not None else None,
            sources=_mapping(data.get("sources")),
            import_choices=_mapping(data.get("import_choices")),
        )
        return state, dropped

    def set_answer(self, item_id: str, value: Any) -> bool:
        """Store an answer (None clears it); True when it changed."""
        if self.answers.get(item_id) == value:
            return False
        if value is None:
            self.answers.pop(item_id, None)
        else:
            self.answers[item_id] = value
        return True

    def evaluate(self, policy: PolicyDefinition, now: datetime) -> Evaluation:
        """Ask the rules engine about the current answers (fast; called after every change)."""
        return evaluate_answers(self.form, self.answers, policy, now,
                                acknowledged={a.finding_key for a in self.acknowledgements},
                                overridden={o.finding_key for o in self.overrides})

    def acknowledgement(self, key: str) -> Acknowledgement | None:
        """The latest acknowledgement of a finding (for a hard stop: the 'physician notified' note)."""
        return next((a for a in reversed(self.acknowledgements) if a.finding_key == key), None)

    def override(self, key: str) -> Override | None:
        """The physician override of a hard stop, if any."""
        return next((o for o in reversed(self.overrides) if o.finding_key == key), None)

    def attestation(self, item_id: str) -> Attestation | None:
        """Who attests a ticked physician's statement, if anyone does."""
        return next((a for a in reversed(self.attestations) if a.item_id == item_id), None)

    def unattested(self) -> list[str]:
        """Ids of physician's statements ticked with no physician named (a record from a file or an older app)."""
        return [item.id for item in self.form.iter_items()
                if getattr(item, "attested_by", None) and self.answers.get(item.id) is True
                and self.attestation(item.id) is None]

    def touch(self, staff_id: str, now: datetime) -> None:
        """Note who changed the checklist last, and when."""
        self.updated_by, self.updated_at = staff_id, aware(now)

    def to_data(self, visible: frozenset[str] | None = None) -> dict[str, Any]:
        """The record as JSON-ready data; with ``visible``, only the answers to visible questions.

        The answers' JSON is shared with the state's cache of it: read the data (save, validate, copy it),
        never change it in place."""
        answers = self.answers if visible is None else {k: v for k, v in self.answers.items() if k in visible}
        data: dict[str, Any] = {
            "schema_version": 1,
            "record_id": self.record_id,
            "form_id": self.form.id,
            "form_version": self.form.version,
            "policy_id": self.policy_id,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "acknowledgements": [a.model_dump(mode="json") for a in self.acknowledgements],
            "overrides": [o.model_dump(mode="json") for o in self.overrides],
            "answers": answers_to_json(self.form, answers, self._json),
        }
        if self.attestations:  # only when there are any: records without them read exactly as before
            data["attestations"] = [a.model_dump(mode="json") for a in self.attestations]
        if self.updated_by:
            data["updated_by"] = self.updated_by
        if self.updated_at:
            data["updated_at"] = self.updated_at.isoformat(timespec="seconds")
        if self.sources:
            data["sources"] = self.sources
        if self.import_choices:
            data["import_choices"] = self.import_choices
        return data

    def prepare_drafts(self) -> None:
        """Convert every answer to JSON now (when the window opens), so that the first keystroke's draft
        converts only what it changed; the first conversion also builds the list entries' validators."""
        self.to_data()

    def draft_data(self) -> dict[str, Any]:
        """What autosave keeps: every answer, and for an amendment its reason (not part of the record)."""
        data = self.to_data()
        if self.is_amendment and self.amendment_reason:
            data[AMENDMENT_KEY] = self.amendment_reason
        return data


def _moment(value: Any) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _mapping(raw: Any) -> dict[str, Any]:
    return dict(raw) if isinstance(raw, dict) else {}


def _models(model: type, raw: Any, dropped: list[str], name: str) -> list[Any]:
    out = []
    for entry in raw or []:
        try:
            out.append(model.model_validate(entry))
        except ValidationError:
            dropped.append(name)
    return out
