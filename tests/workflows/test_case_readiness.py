"""Readiness by the site's deadline, from drafts in a real SQLite database: what a case lacks is what the
planning scope requires and the rules engine, evaluated at the scheduled start, finds unanswered, out of date
or stopped; the worklist's rows carry it, and the day view lists a day's cases, those at risk first."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from checklist_app import resources
from checklist_app.domain.timeutil import aware
from checklist_app.rules import evaluate_answers
from checklist_app.workflows.checklist_state import ChecklistState
from checklist_app.workflows.demo import demo_data
from checklist_app.workflows.readiness import ReadinessRules, case_readiness, cases_on, rules_for
from checklist_app.workflows.session import Session
from checklist_app.workflows.store import ChecklistStore
from checklist_app.workflows.worklist_rows import build_rows

START = aware(datetime(2026, 12, 4, 8, 30))  # a Friday: due Thursday 12:00
DUE = aware(datetime(2026, 12, 3, 12, 0))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """For the tests that name it: the database on a real SQLite file, then on PostgreSQL."""
    return request.param


@pytest.fixture
def session(tmp_path, monkeypatch, request):
    """A session on a real SQLite file, or on the test cluster's PostgreSQL for a test that asks ``backend``."""
    from pg_cluster import APP

    monkeypatch.setenv("CHECKLIST_APP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHECKLIST_APP_DATABASE_URL", raising=False)
    cluster = name = None
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        name = cluster.new_database(initialised=True)
        monkeypatch.setenv("CHECKLIST_APP_DATABASE_URL", cluster.url(name, APP))
    clock = {"now": DUE}
    opened = Session(store=ChecklistStore.open(tmp_path), clock=lambda: clock["now"])
    opened.clock = clock
    assert opened.store.db.engine.dialect.name == ("postgresql" if cluster is not None else "sqlite")
    yield opened
    opened.close()
    if cluster is not None:
        cluster.drop_database(name)


def case_answers(session, start: datetime = START, **changes) -> dict:
    """The demo patient scheduled at ``start``, labs from a week before, as the answers' JSON."""
    data = demo_data(session.form, start.date())
    answers = data["answers"]
    answers["scheduled_start"] = start.isoformat()
    lab_day = (start.date() - timedelta(days=7)).isoformat()
    for lab in ("inr", "platelets", "creatinine"):
        answers[lab] = {**answers[lab], "date": lab_day}
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return data


def save(session, record_id: str, data: dict) -> None:
    data = {**data, "record_id": record_id}
    session.store.save_draft(record_id, data, "rn.x")


def rows_at(session, now: datetime, **kwargs):
    rules = rules_for(session.site, session.form)
    return build_rows(session.store, session.form, session.policy, session.completeness_rules, now,
                      readiness_rules=rules, **kwargs)


def decoded(session, data: dict) -> ChecklistState:
    state, dropped = ChecklistState.from_data(session.form, data, fallback_staff="rn.x", now=DUE,
                                              policy_id="sir-2019")
    assert not dropped
    return state


@pytest.mark.parametrize(("minutes", "state"), [(-1, "not_ready"), (0, "deadline_passed"), (1, "deadline_passed")])
def test_a_case_missing_its_inr_at_12_01_the_day_before_is_not_ready(backend, session, minutes, state):
    save(session, "r-no-inr", case_answers(session, inr=None))
    save(session, "r-ok", case_answers(session))
    rows = {row.record_id: row for row in rows_at(session, DUE + timedelta(minutes=minutes))}
    assert rows["r-no-inr"].readiness.state == state
    assert rows["r-no-inr"].readiness.missing == ("INR",)
    assert rows["r-no-inr"].readiness.details == ("INR: not recorded.",)
    assert rows["r-ok"].readiness.state == "ready"
    # The day view of Friday lists the case without an INR first.
    listed = cases_on(rows.values(), START.astimezone().date())
    assert [row.record_id for row in listed] == ["r-no-inr", "r-ok"]


def test_a_lab_too_old_for_the_scheduled_start_is_out_of_date(session):
    old = (START.date() - timedelta(days=31)).isoformat()
    data = case_answers(session)
    data["answers"]["platelets"] = {**data["answers"]["platelets"], "date": old}
    save(session, "r-old", data)
    (row,) = rows_at(session, DUE - timedelta(hours=3))
    assert row.readiness.missing == ("Platelets (out of date)",)
    assert "31 days before the procedure" in row.readiness.details[0]
    assert "(in 3 h): Platelets (out of date)" in row.readiness.text()


def test_a_lab_a_month_old_at_the_start_is_still_in_date(session):
    data = case_answers(session)
    data["answers"]["inr"] = {**data["answers"]["inr"], "date": (START.date() - timedelta(days=30)).isoformat()}
    save(session, "r-30", data)
    (row,) = rows_at(session, DUE)
    assert row.readiness.state == "ready"


def test_an_item_the_form_hides_is_not_lacking(session):
    # No imaging: the imaging date is not asked, so it is not missing (the policy's stop on no imaging is).
    save(session, "r-img", case_answers(session, imaging_modality="none", imaging_date=None))
    (row,) = rows_at(session, DUE)
    assert not any(name.startswith("Imaging date") for name in row.readiness.missing)
    save(session, "r-img", case_answers(session, imaging_date=None))
    (row,) = rows_at(session, DUE)
    assert "Imaging date" in row.readiness.missing


def test_an_open_hard_stop_on_a_required_item_is_lacking_until_overridden(session):
    data = case_answers(session)
    data["answers"]["platelets"] = {**data["answers"]["platelets"], "value": 30.0}
    state = decoded(session, data)
    rules = ReadinessRules(("platelets",), 1, "12:00")
    policy = session.policy("sir-2019")
    case = case_readiness(session.form, policy, state.answers, rules, DUE)
    assert case.missing == ("Platelets (hard stop)",) and "requires at least 50" in case.details[0]
    stop = next(f for f in evaluate_answers(session.form, state.answers, policy, START).open_hard_stops
                if f.item_id == "platelets")
    overridden = case_readiness(session.form, policy, state.answers, rules, DUE, overridden=frozenset({stop.key}))
    assert overridden.state == "ready"


def test_an_incomplete_medicine_entry_is_lacking(session):
    data = case_answers(session)
    medicines = [dict(entry) for entry in data["answers"]["medications"]]
    medicines[0].pop("last_dose")
    data["answers"]["medications"] = medicines
    save(session, "r-med", data)
    (row,) = rows_at(session, DUE)
    assert "Medications (incomplete)" in row.readiness.missing


def test_no_scheduled_start_and_a_signed_case(session):
    save(session, "r-nostart", case_answers(session, scheduled_start=None))
    (row,) = rows_at(session, DUE)
    assert row.readiness.state == "no_start"
    assert cases_on([row], START.date()) == []


def test_the_deadline_follows_the_site_setting(session):
    site = session.site.model_copy(update={"readiness_deadline": session.site.readiness_deadline.model_copy(
        update={"business_days_before": 2, "time": "15:30"})})
    rules = rules_for(site, session.form)
    assert (rules.business_days_before, rules.clock) == (2, "15:30")
    state = decoded(session, case_answers(session, start=aware(datetime(2026, 12, 7, 8, 0)), inr=None))
    case = case_readiness(session.form, session.policy("sir-2019"), state.answers, rules,
                          aware(datetime(2026, 12, 3, 15, 29)))
    assert case.deadline == aware(datetime(2026, 12, 3, 15, 30)) and case.state == "not_ready"
    assert date(2026, 12, 3) == case.deadline.date()


def test_a_signed_plan_is_rated_on_its_answers_and_the_day_view_shows_one_case(backend, session):
    from checklist_app import storage
    from checklist_app.workflows.plan_records import sign_plan

    storage.add_staff(session.store.db, "rn.x", "Test Nurse", "RN", "nurse", "1357", actor="test")
    session.set_user(session.store.staff("rn.x"))
    session.clock["now"] = DUE - timedelta(days=2)  # the call, on Tuesday
    plan = decoded(session, {**case_answers(session, inr=None), "record_id": "plan-20261201-call"})
    session.store.save_draft(plan.record_id, plan.draft_data(), "rn.x")
    version = sign_plan(session, plan, "rn.x", "1357")
    assert version.record_id == "plan-20261201-call"
    friday = START.astimezone().date()
    # Signed, yet not ready: signing a plan does not clear the patient, its answers lack the INR.
    (row,) = cases_on(rows_at(session, DUE + timedelta(minutes=1), all_dates=True), friday)
    assert row.record_id == "plan-20261201-call" and row.readiness.state == "deadline_passed"
    assert row.readiness.missing == ("INR",)
    # The day's checklist for the same patient, started with everything: one case, rated on it.
    save(session, "r-day", case_answers(session))
    (row,) = cases_on(rows_at(session, DUE + timedelta(minutes=1), all_dates=True), friday)
    assert row.record_id == "r-day" and row.readiness.state == "ready"
    # A day's checklist barely begun lacks more than the plan: the case is shown by the plan.
    save(session, "r-day", case_answers(session, inr=None, allergies=None, escort_present=None))
    (row,) = cases_on(rows_at(session, DUE + timedelta(minutes=1), all_dates=True), friday)
    assert row.record_id == "plan-20261201-call"


@pytest.mark.parametrize("example", [p.name for p in resources.example_records()])
def test_with_a_scheduled_start_the_engine_finds_the_same_whatever_the_clock(session, example):
    """The worklist rates readiness on the evaluation it made for the row's status, at 'now': that is the
    evaluation at the scheduled start only while no rule reads the clock when a start is known."""
    data = demo_data(session.form, START.date(), f"examples/{example}")
    state = decoded(session, data)
    start = state.answers.get("scheduled_start")
    if start is None:
        pytest.skip("no scheduled start: readiness is not evaluated")
    policy = session.policy(state.policy_id)
    at_start = state.evaluate(policy, start)
    for now in (start - timedelta(days=6), start - timedelta(hours=20), start + timedelta(days=2)):
        other = state.evaluate(policy, now)
        assert (other.findings, other.visible_items, other.missing_required, other.derived) == \
            (at_start.findings, at_start.visible_items, at_start.missing_required, at_start.derived)


def test_the_day_view_finds_a_plan_signed_long_ago(backend, session, monkeypatch):
    from checklist_app import storage
    from checklist_app.workflows.plan_records import sign_plan

    storage.add_staff(session.store.db, "rn.x", "Test Nurse", "RN", "nurse", "1357", actor="test")
    session.set_user(session.store.staff("rn.x"))
    session.clock["now"] = DUE - timedelta(days=6)  # the call, the day the labs were drawn
    plan = decoded(session, {**case_answers(session, inr=None), "record_id": "plan-20261127-call"})
    session.store.save_draft(plan.record_id, plan.draft_data(), "rn.x")
    sign_plan(session, plan, "rn.x", "1357")
    # Five hundred checklists signed since: the plan is no longer among the latest the worklist reads.
    monkeypatch.setattr(session.store, "latest_versions", lambda since=None: [])
    friday = START.astimezone().date()
    assert cases_on(rows_at(session, DUE, all_dates=True), friday) == []
    (row,) = cases_on(rows_at(session, DUE, all_dates=True, plans_of=friday), friday)
    assert row.record_id == "plan-20261127-call" and row.readiness.missing == ("INR",)


def test_a_signed_plan_is_rated_once_and_the_clock_applied_on_every_read(session, monkeypatch):
    from checklist_app import rules, storage
    from checklist_app.workflows.plan_records import sign_plan

    storage.add_staff(session.store.db, "rn.x", "Test Nurse", "RN", "nurse", "1357", actor="test")
    session.set_user(session.store.staff("rn.x"))
    session.clock["now"] = DUE - timedelta(days=2)
    plan = decoded(session, {**case_answers(session, inr=None), "record_id": "plan-20261201-once"})
    session.store.save_draft(plan.record_id, plan.draft_data(), "rn.x")
    sign_plan(session, plan, "rn.x", "1357")
    friday = START.astimezone().date()
    (before,) = cases_on(rows_at(session, DUE - timedelta(minutes=1), all_dates=True), friday)
    assert before.readiness.state == "not_ready"
    evaluated = []
    original = rules.evaluate_answers
    monkeypatch.setattr(rules, "evaluate_answers", lambda *a, **k: evaluated.append(a[0]) or original(*a, **k))
    (after,) = cases_on(rows_at(session, DUE + timedelta(minutes=1), all_dates=True), friday)
    assert after.readiness.state == "deadline_passed" and after.readiness.missing == ("INR",)
    assert evaluated == []  # the signed plan was not evaluated again
