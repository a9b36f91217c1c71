"""Some hard stops are fixed, never waived: a wrong wristband cannot be overridden by anyone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from checklist_app import resources
from checklist_app.cli import main
from checklist_app.domain.record import parse_record
from checklist_app.rules import evaluate, load_form, load_policy_for

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def _record(form, **extra):
    data = json.loads(resources.form_path("examples/hard-wristband-mismatch.json").read_text())
    data.update(extra)
    return parse_record(data, form, NOW)


def test_wristband_mismatch_ignores_an_override():
    form = load_form()
    policy = load_policy_for(form)
    (stop,) = evaluate(form, _record(form), policy, NOW).open_hard_stops
    override = {"finding_key": stop.key, "physician_id": "md.x", "at": "2026-12-01T07:00",
                "reason": "Looks like the same patient to me."}
    result = evaluate(form, _record(form, overrides=[override]), policy, NOW)
    (stop,) = result.open_hard_stops
    assert stop.rule_id == "ID-02-wristband" and not stop.overridable and not result.cleared


def test_other_hard_stops_stay_overridable():
    form = load_form()
    policy = load_policy_for(form)
    assert {r.id for r in policy.rules if not r.overridable} == {"ID-01-identifiers", "ID-02-wristband"}


def test_not_cleared_note_shows_on_the_open_hard_stop(tmp_path, capsys):
    data = json.loads(resources.form_path("examples/hard-inr.json").read_text())
    form, policy = load_form(), load_policy_for(load_form())
    (stop,) = evaluate(form, parse_record(data, form, NOW), policy, NOW).open_hard_stops
    data["acknowledgements"] = [{"finding_key": stop.key, "by": "rn.demo", "at": "2026-12-01T07:10",
                                 "note": "Physician notified: Dr Mensah told at 07:10, will review."}]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert main(["check", str(path), "--now", "2026-11-21T10:00"]) == 1
    out = capsys.readouterr().out
    assert "Physician notified: Dr Mensah told at 07:10" in out and "NOT CLEARED" in out
