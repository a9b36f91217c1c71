"""The unit manager's figures against a hand count, on SQLite and PostgreSQL: staff, drafts, overrides and
acknowledgements given with PINs, checklists signed cleared and NOT CLEARED and one amended, all through
storage; then ``workflows.reports.build_report`` must count exactly what was done."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from storage_helpers import PINS

from checklist_app.domain.findings import Evaluation, Finding
from checklist_app.domain.signed import SignedContent
from checklist_app.storage import Database, acknowledge_finding, amend, record_override, save_draft, sign
from checklist_app.storage import reports as reads
from checklist_app.workflows.reports import RuleInfo, build_report, local_start

INR, FASTING, HOLDS, ECG = "LAB-01-inr", "NPO-01-clear", "MED-01-holds", "ECG-01-abnormal"
RULES = {INR: RuleInfo("hard_stop", "INR: outside the limit"), FASTING: RuleInfo("hard_stop", "Fasting"),
         HOLDS: RuleInfo("hard_stop", "Holds"), ECG: RuleInfo("warning", "The ECG is abnormal.")}
MEANING = "Checklist completed and verified"


def finding(rule_id: str, item: str, severity: str = "hard_stop") -> Finding:
    return Finding(key=f"{rule_id}:{item}@0badc0de", rule_id=rule_id, item_id=item, severity=severity,
                   message="m", action="a", source_id="s", citation="c")


def signed(db: Database, record_id: str, proceduralist: str, findings: list[Finding], *, override: str = "",
           acknowledge: tuple[str, ...] = (), patient: str = "Doe, Jane") -> object:
    """A draft saved, the overrides and acknowledgements given (events with PINs), then signed by rn1. ``override``:
    the rule whose hard stop md1 overrides; ``acknowledge``: the rules whose findings rn1 acknowledges."""
    answers = {"proceduralist": proceduralist, "patient_name": patient, "mrn": f"MRN-{record_id}"}
    save_draft(db, record_id, {"record_id": record_id, "answers": answers}, staff_id="rn1")
    overrides = [record_override(db, record_id, f.key, "md1", PINS["md1"], "INR re-checked")
                 for f in findings if f.rule_id == override]
    acks = [acknowledge_finding(db, record_id, f.key, "rn1", "Dr Lee told")
            for f in findings if f.rule_id in acknowledge]
    record = {"record_id": record_id, "answers": answers, "overrides": [o.model_dump(mode="json") for o in overrides],
              "acknowledgements": [a.model_dump(mode="json") for a in acks]}
    overridden = frozenset(o.finding_key for o in overrides)
    evaluation = Evaluation(form_id="f", form_version="1", policy_id="p", policy_version="1",
                            evaluated_at="2026-11-21T07:00:00+00:00", findings=tuple(findings),
                            visible_items=frozenset(answers), missing_required=(), derived={},
                            overridden=overridden, acknowledged=frozenset(a.finding_key for a in acks))
    cleared = all(f.key in overridden for f in findings if f.severity == "hard_stop")
    content = SignedContent(record=record, evaluation=evaluation, cleared=cleared)
    return sign(db, record_id, signer_id="rn1", pin=PINS["rn1"], meaning=MEANING, content=content, form_id="f",
                form_version="1")


@pytest.fixture
def seeded(staffed: Database) -> Database:
    """Five checklists, counted by hand below."""
    signed(staffed, "r1", "Dr Who", [])
    signed(staffed, "r2", "Dr Who", [finding(INR, "inr"), finding(ECG, "ecg_result", "warning")], override=INR,
           acknowledge=(ECG,))
    signed(staffed, "r3", "Dr Lee", [finding(INR, "inr"), finding(FASTING, "last_clear_liquid")],
           acknowledge=(INR, FASTING))  # left open with the physician notified: NOT CLEARED, two coded reasons
    signed(staffed, "r4", " Dr Lee ", [finding(HOLDS, "medications")], acknowledge=(HOLDS,))
    first = signed(staffed, "r5", "Dr Who", [])
    amended_content = SignedContent(record={"record_id": "r5", "answers": {"proceduralist": "Dr Who"}},
                                    evaluation=None, cleared=True)
    amend(staffed, "r5", replaces_version_id=first.version_id, reason="Weight re-measured", signer_id="rn1",
          pin=PINS["rn1"], meaning=MEANING, content=amended_content, form_id="f", form_version="1")
    return staffed


def today_report(db: Database, **options: object):
    today = datetime.now().astimezone().date()
    return build_report(db, today - timedelta(days=1), today + timedelta(days=1), rules=RULES, **options)


def test_the_figures_match_a_hand_count(seeded: Database) -> None:
    report = today_report(seeded)
    total = report.total
    assert (total.started, total.signed_cleared, total.signed_not_cleared, total.amended) == (5, 3, 2, 1)
    assert dict(total.reasons) == {INR: 1, FASTING: 1, HOLDS: 1}
    rules = {r.rule_id: (r.severity, r.checklists, r.overridden, r.deferred, r.acknowledgements) for r in report.rules}
    assert rules == {INR: ("hard_stop", 2, 1, 1, 1), FASTING: ("hard_stop", 1, 0, 1, 1),
                     HOLDS: ("hard_stop", 1, 0, 1, 1), ECG: ("warning", 1, 0, 0, 1)}
    assert {r.rule_id: r.override_rate for r in report.rules}[INR] == 0.5
    assert [(p.staff_id, p.name, p.overrides, p.checklists, p.share, p.top_rules) for p in report.physicians] == [
        ("md1", "Mark Doctor", 1, 1, 1.0, ((INR, 1),))]
    procs = {p.proceduralist: (p.checklists, p.with_hard_stop, p.overridden, p.deferred) for p in report.proceduralists}
    assert procs == {"Dr Who": (3, 1, 1, 0), "Dr Lee": (2, 2, 0, 2)}  # " Dr Lee " is the same person
    assert [(n.staff_id, n.name, n.checklists, n.signed_not_cleared) for n in report.nurses] == [
        ("rn1", "Rita Nurse", 5, 2)]
    assert report.timing.count == 5  # each first signature has its draft's created event as first answer
    assert 0 <= report.timing.median_minutes <= report.timing.p90_minutes < 5
    days = [row for row in report.periods["day"] if row.started]
    assert len(days) == 1 and days[0].signed_not_cleared == 2 and days[0].amended == 1
    assert report.deferred_cases is None


def test_no_patient_is_read_unless_asked(seeded: Database) -> None:
    start = local_start(datetime.now().astimezone().date())
    facts = reads.signed_facts(seeded, start, start + timedelta(days=1))
    assert len(facts) == 6 and all(f.patient is None for f in facts)
    asked = today_report(seeded, with_patients=True)
    assert sorted((c.record_id, c.patient_name, c.mrn, c.reasons) for c in asked.deferred_cases) == [
        ("r3", "Doe, Jane", "MRN-r3", (INR, FASTING)), ("r4", "Doe, Jane", "MRN-r4", (HOLDS,))]


def test_a_range_outside_the_signatures_counts_nothing(seeded: Database) -> None:
    report = build_report(seeded, date(2020, 1, 1), date(2020, 1, 31), rules=RULES)
    assert (report.total.started, report.total.signed_cleared, report.rules, report.physicians) == (0, 0, (), ())
    assert len(report.periods["day"]) == 31 and report.timing.count == 0
