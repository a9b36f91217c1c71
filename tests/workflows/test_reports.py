"""The unit report's figures: exact times, local days, weeks and months from facts given by hand, and the
counts after checklists are really signed through the workflows (cleared, overridden, NOT CLEARED)."""

from __future__ import annotations

import itertools
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest

from checklist_app import storage
from checklist_app.domain.timeutil import aware
from checklist_app.storage.reports import SignedFact, SignedFinding
from checklist_app.workflows import signing
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.open_checklist import OpenChecklist
from checklist_app.workflows.reports import (
    NOT_RECORDED,
    build_report,
    compile_report,
    percentile,
    rule_catalogue,
    rule_of_key,
)
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore

NOW = aware(datetime(2026, 11, 21, 7, 15))
NURSE, PHYSICIAN = "rn.test", "md.test"
PINS = {NURSE: "1357", PHYSICIAN: "2468"}
VERSION_IDS = itertools.count(1)


def test_percentiles_interpolate_as_a_spreadsheet_does():
    assert percentile([10, 20, 30, 40], 0.5) == 25
    assert percentile([40, 10, 30, 20], 0.9) == pytest.approx(37)
    assert percentile([7], 0.9) == 7


def test_a_rule_id_is_read_back_from_a_finding_key():
    assert rule_of_key("LAB-01-inr:inr@1a2b3c4d") == "LAB-01-inr"
    assert rule_of_key("MED-01-holds:medications:apixaban@00ff00ff") == "MED-01-holds"


@contextmanager
def new_york():
    """A unit five hours behind UTC, so a local evening is the next UTC day."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TZ", "America/New_York")
        time.tzset()
        try:
            yield
        finally:
            env.undo()
            time.tzset()


def local(*parts: int) -> datetime:
    """A local wall-clock time, as storage gives it back: in UTC."""
    return datetime(*parts).astimezone().astimezone(UTC)


def fact(record_id: str, signed_at: datetime, minutes: int, *, cleared: bool = True, amendment: bool = False,
         findings: tuple[SignedFinding, ...] = ()) -> SignedFact:
    return SignedFact(version_id=next(VERSION_IDS), record_id=record_id, signed_at=signed_at,
                      amendment=amendment, signer_id="rn.a", signer_name="Ann Nurse", signer_role="nurse",
                      cleared=cleared, proceduralist="Dr X", findings=findings, overridden=frozenset(), overrides=(),
                      first_answer_at=signed_at - timedelta(minutes=minutes))


def test_times_days_weeks_and_months_by_hand():
    with new_york():
        check_times_days_weeks_and_months()


def check_times_days_weeks_and_months():
    stop = (SignedFinding("LAB-01-inr:inr@1", "LAB-01-inr", "hard_stop"),)
    facts = [
        fact("a", local(2026, 11, 2, 9, 0), 30),
        fact("b", local(2026, 11, 2, 23, 30), 60, cleared=False, findings=stop),  # 04:30 UTC on the 3rd
        fact("c", local(2026, 11, 8, 12, 0), 10),  # Sunday: still the week of Monday 2 Nov
        fact("d", local(2026, 11, 9, 8, 0), 90),
        fact("d", local(2026, 11, 9, 10, 0), 5, amendment=True),
        fact("f", local(2026, 12, 1, 8, 0), 20),
    ]
    report = compile_report(date(2026, 11, 1), date(2026, 12, 1), facts, [local(2026, 11, 2, 8, 0)], [],
                            names={}, rules={})
    timing = report.timing  # over first signatures only: 10, 20, 30, 60, 90
    assert (timing.count, timing.median_minutes, timing.p90_minutes) == (5, 30, pytest.approx(78))
    days = {row.first_day: row for row in report.periods["day"]}
    assert len(days) == 31
    nov2 = days[date(2026, 11, 2)]
    assert (nov2.started, nov2.signed_cleared, nov2.signed_not_cleared) == (1, 1, 1)
    assert nov2.reasons == (("LAB-01-inr", 1),) and days[date(2026, 11, 3)].signed_not_cleared == 0
    assert (nov2.timing.median_minutes, nov2.timing.p90_minutes) == (45, pytest.approx(57))
    weeks = report.periods["week"]
    assert [(w.label, w.first_day, w.last_day) for w in weeks[:2]] == [
        ("week of 2026-10-26", date(2026, 11, 1), date(2026, 11, 1)),
        ("week of 2026-11-02", date(2026, 11, 2), date(2026, 11, 8))]
    assert (weeks[1].signed_cleared + weeks[1].signed_not_cleared, weeks[1].timing.median_minutes) == (3, 30)
    assert (weeks[2].signed_cleared, weeks[2].amended) == (1, 1)
    months = {m.label: m for m in report.periods["month"]}
    assert months["2026-11"].timing.median_minutes == 45  # 10, 30, 60, 90
    assert (months["2026-12"].signed_cleared, months["2026-12"].last_day) == (1, date(2026, 12, 1))


def test_a_not_cleared_version_whose_evaluation_cannot_be_read_is_counted_as_not_recorded():
    report = compile_report(date(2026, 11, 2), date(2026, 11, 2), [fact("x", local(2026, 11, 2, 9), 5, cleared=False)],
                            [], [], names={}, rules={})
    assert report.total.reasons == ((NOT_RECORDED, 1),)


def test_the_installed_policies_describe_every_rule():
    catalogue = rule_catalogue("sir-2019")
    assert catalogue["CONS-01-unsigned"].description == "The procedure consent is not signed."
    assert catalogue["LAB-01-inr"].description == "INR: outside the limit"
    assert catalogue["LAB-01-inr"].severity == "hard_stop"


# --- signed through the workflows, as the app does ------------------------------------------------------------

@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    store = ChecklistStore.open(tmp_path)
    storage.add_staff(store.db, NURSE, "Test Nurse", "RN", "nurse", PINS[NURSE], actor="test")
    storage.add_staff(store.db, PHYSICIAN, "Test Physician", "MD", "physician", PINS[PHYSICIAN], actor="test")
    opened = Session(store=store, clock=lambda: NOW)
    opened.set_user(store.staff(NURSE))
    yield opened
    opened.close()


def open_example(session: Session, name: str, record_id: str) -> OpenChecklist:
    data = demo_data(session.form, NOW.date(), f"examples/{name}.json")
    data["record_id"] = record_id
    for claims in ("overrides", "acknowledgements"):  # a file's claims are not given: the test gives them
        data.pop(claims, None)
    state, _ = ChecklistState.from_data(session.form, data, fallback_staff=NURSE, now=NOW, policy_id="sir-2019")
    session.store.save_draft(state.record_id, state.draft_data(), NURSE)
    return OpenChecklist(session, state)


def test_checklists_signed_through_the_workflows_are_counted(session):
    signing.sign(clean := open_example(session, "clean", "w-clean"), NURSE, PINS[NURSE],
                 signing.meaning_of(clean)[0])
    overridden = open_example(session, "hard-inr", "w-override")
    stop = overridden.evaluation.open_hard_stops[0]
    warnings = len(overridden.evaluation.warnings)
    overridden.override(stop.key, PHYSICIAN, PINS[PHYSICIAN], "INR re-checked by the lab, 1.3 at 06:50")
    overridden.refresh()
    for warning in overridden.evaluation.unacknowledged_warnings:
        overridden.acknowledge(warning.key, "Dr Physician informed")
    overridden.refresh()
    signing.sign(overridden, NURSE, PINS[NURSE], signing.meaning_of(overridden)[0])
    deferred = open_example(session, "hard-inr", "w-deferred")
    for found in deferred.evaluation.findings:
        deferred.acknowledge(found.key, "Physician notified: Dr B, by phone at 07:10.")
    deferred.refresh()
    meaning, not_cleared = signing.meaning_of(deferred)
    assert not_cleared
    signing.sign(deferred, NURSE, PINS[NURSE], meaning)

    today = datetime.now().astimezone().date()
    report = build_report(session.store.db, today, today)
    total = report.total
    assert (total.started, total.signed_cleared, total.signed_not_cleared, total.amended) == (3, 2, 1, 0)
    assert total.reasons == ((stop.rule_id, 1),)
    rule = next(r for r in report.rules if r.rule_id == stop.rule_id)
    # One override, one deferral; the deferred checklist's stop was acknowledged ("physician notified").
    assert (rule.checklists, rule.overridden, rule.deferred, rule.acknowledgements) == (2, 1, 1, 1)
    assert rule.description  # named from the installed policy
    assert [(p.staff_id, p.name, p.overrides) for p in report.physicians] == [(PHYSICIAN, "Test Physician", 1)]
    assert sum(r.acknowledgements for r in report.rules if r.severity == "warning") == 2 * warnings
    assert [(n.staff_id, n.checklists, n.signed_not_cleared) for n in report.nurses] == [(NURSE, 3, 1)]
    assert report.timing.count == 3
