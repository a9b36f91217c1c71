"""Two workstations as real processes on one database: editing the same checklist never silently replaces
what the other committed, signing while the other autosaves ends in one clear outcome, and a server restart
mid-typing loses nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from signed_helpers import signed_content
from storage_helpers import PINS

from checklist_app.storage import Database, list_events, list_versions, load_draft, save_draft, sign
from checklist_app.storage import checkouts as co

CHILD = Path(__file__).with_name("workstation_child.py")


def url_of(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def child(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def result(process: subprocess.Popen, timeout: float = 60) -> dict:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_two_workstations_editing_one_checklist_never_overwrite_each_other(staffed: Database) -> None:
    save_draft(staffed, "r1", {"record_id": "r1", "answers": {}}, staff_id="rn1")
    bays = [child("edit", url_of(staffed), name, "2.5") for name in ("BAY-1", "BAY-2")]
    results = {name: result(p) for name, p in zip(("BAY-1", "BAY-2"), bays, strict=True)}
    final = load_draft(staffed, "r1")
    committed = [key for r in results.values() for key in r["committed"]]
    assert all(r["committed"] for r in results.values()), results  # both got work done
    assert set(committed) <= set(final.data["answers"]), "a committed answer was replaced by a stale copy"
    assert final.revision == 1 + len(committed)  # every revision is one committed save, none lost
    # The trail names the workstation that really made each change.
    changes = [e for e in list_events(staffed, "r1")
               if e.event_type == "field_changed" and e.details["field"].startswith("answers.")]
    assert {e.details["field"].split(".")[1]: e.workstation for e in changes} == {
        key: key.split("_")[0] for key in committed}


def test_signing_while_the_other_workstation_autosaves_ends_in_one_clear_outcome(staffed: Database) -> None:
    record = {"record_id": "r1", "answers": {"inr": 1.1}}
    save_draft(staffed, "r1", record, staff_id="rn1")
    typist = child("type", url_of(staffed), "BAY-1")
    assert typist.stdout.readline().strip() == "ready"
    time.sleep(1.0)  # a second of typing saved
    version = sign(staffed, "r1", signer_id="md1", pin=PINS["md1"], meaning="Checklist completed and verified",
                   content=signed_content(record), form_id="f", form_version="1")
    outcome = result(typist)
    assert outcome["signed"] and "signed since it was opened" in outcome["conflict"], outcome
    assert outcome["other"] == []  # no "Saving failed unexpectedly", no retry loop
    assert [v.version_id for v in list_versions(staffed, "r1")] == [version.version_id]
    assert load_draft(staffed, "r1") is None  # no draft re-created after signing
    (kept,) = co.open_set_asides(staffed, "r1")  # the typing after the signature, kept for an amendment
    assert kept.workstation == "BAY-1" and kept.data["answers"]["note"].startswith("keystroke ")
    assert int(kept.data["answers"]["note"].split()[1]) <= outcome["last"]


def test_a_server_restart_mid_typing_keeps_the_typing_and_saves_it_when_the_server_is_back(pg_cluster) -> None:
    from pg_cluster import APP

    from checklist_app.storage import open_database

    name = pg_cluster.new_database(initialised=True)
    url = pg_cluster.url(name, APP)
    with open_database(url, workstation="parent") as db:
        save_draft(db, "r1", {"record_id": "r1", "answers": {}}, staff_id="rn1")
    typist = child("type", url, "BAY-1", "6")
    assert typist.stdout.readline().strip() == "ready"
    time.sleep(1.5)
    pg_cluster.restart()  # every connection the typist had is cut
    outcome = result(typist)
    assert outcome["conflict"] is None, outcome
    assert any("cannot be reached" in text or "server" in text for text in outcome["other"]), outcome
    with open_database(url, workstation="parent") as db:
        saved = load_draft(db, "r1")
    assert saved.data["answers"]["note"] == f"keystroke {outcome['last']}"  # the last keystroke, saved
    pg_cluster.drop_database(name)
