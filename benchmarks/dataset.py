"""A database of N signed checklists (five years of a busy site at N = 50,000), made once and cached.

The schema is the app's own (``storage.open_database`` creates and migrates it); the rows are written with
bulk SQL in one transaction, because signing 50,000 records through ``storage.sign`` would spend an hour
in scrypt. Each signed version has the real payload shape (the clean example's record and evaluation,
with its own name, MRN, dates and id), its true SHA-256, and audit events (created, signed, mostly printed)
chained with the app's own event hash, so ``verify-audit`` accepts the file. One in a hundred records was
amended once (version 2). Today (the benchmark's fixed day) has its usual 27 signed checklists, and 12
drafts are open: 8 from today, 4 abandoned earlier. Cached as ``benchmarks/.cache/worklist-N-vK-schemaS/``.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

VERSION = 1  # bump when the generator or the schema changes, so old caches are not reused
PER_DAY = 27
DRAFTS_TODAY, DRAFTS_OLD = 8, 4
SIGNER = "rn.bulk"
NAMES = ["Okafor", "Nguyen", "Garcia", "Smith", "Kowalski", "Haddad", "Tanaka", "Murphy", "Ivanova", "Mensah",
         "Rossi", "Fischer", "Dubois", "Silva", "Kim", "Patel", "Cohen", "Larsen", "Novak", "O'Brien"]
GIVEN = ["Grace", "Ahmed", "Maria", "John", "Anna", "Yusuf", "Hiro", "Siobhan", "Olga", "Kofi", "Luca", "Eva"]


def folder_for(count: int) -> Path:
    """Where the database of ``count`` checklists is cached (per schema version: a newer app would migrate it)."""
    from checklist_app.storage.migrations import LATEST_VERSION

    return common.CACHE / f"worklist-{count}-v{VERSION}-schema{LATEST_VERSION}"


def ensure(count: int) -> tuple[Path, bool]:
    """The cached data folder for ``count`` checklists (made when missing); True when it was just made."""
    folder = folder_for(count)
    if (folder / "complete").exists():
        return folder, False
    shutil.rmtree(folder, ignore_errors=True)
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    _build(building, count)
    (building / "complete").write_text("ok\n")
    building.rename(folder)
    return folder, True


def _template(form: Any, policy: Any) -> dict[str, Any]:
    from checklist_app.domain.record import parse_record

    data = common.record_data(form, record_id="template", count=2)
    moment = common.now()
    record = parse_record(data, form, moment)
    from checklist_app.rules import evaluate

    evaluation = evaluate(form, record, policy, moment)
    return {"record": record.to_json_data(), "evaluation": evaluation.model_dump(mode="json"),
            "cleared": evaluation.cleared, "drawn_signature_png": None}


def _build(folder: Path, count: int) -> None:
    from checklist_app import storage
    from checklist_app.domain.canonical import canonical_json, sha256_hex
    from checklist_app.rules import load_form, load_policy_for
    from checklist_app.storage.audit import event_hash
    from checklist_app.storage.clock import to_text

    form = load_form()
    policy = load_policy_for(form, "sir-2019")
    db = storage.open_database(data_dir=folder)
    storage.add_staff(db, SIGNER, "Bulk Nurse", "RN", "nurse", "2468", actor="bench")
    with db.read() as conn:
        head = conn.exec_driver_sql("SELECT last_seq, last_hash FROM chain_head WHERE id = 1").one()
    db.close()
    template = _template(form, policy)
    rng = random.Random(20261121)
    today = common.now().replace(hour=8, minute=0, second=0, microsecond=0)
    days = max(1, -(-count // PER_DAY))
    seq, prev = head.last_seq, head.last_hash
    conn = sqlite3.connect(folder / "checklist.sqlite3", isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    made = 0
    versions_sql = ("INSERT INTO signed_versions (record_id, version_no, replaces_version_id, amendment_reason, "
                    "signer_id, meaning, signed_at, workstation, form_id, form_version, policy_id, policy_version, "
                    "content_json, content_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    events_sql = ("INSERT INTO audit_events (seq, event_type, record_id, staff_id, workstation, occurred_at, "
                  "details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)")

    def event(kind: str, record_id: str, at: str, details: dict[str, Any]) -> None:
        nonlocal seq, prev
        seq += 1
        digest = event_hash(seq, kind, record_id, SIGNER, "bench-ws", at, details, prev)
        conn.execute(events_sql, (seq, kind, record_id, SIGNER, "bench-ws", at, canonical_json(details).decode(),
                                  prev, digest))
        prev = digest

    for day in range(days - 1, -1, -1):
        for slot in range(PER_DAY):
            if made >= count:
                break
            made += 1
            start = today - timedelta(days=day) + timedelta(minutes=20 * slot)
            record_id = f"chk-{start:%Y%m%d-%H%M}-{made:06d}"
            content = _vary(template, record_id, start, rng)
            replaces = None
            for number in (1, 2) if made % 100 == 0 else (1,):
                signed_at = to_text(start - timedelta(minutes=30) + timedelta(hours=number - 1))
                payload = {"record_id": record_id, "version_no": number, "replaces_version_id": replaces,
                           "amendment_reason": "corrected weight" if replaces else None,
                           "meaning": "Checklist completed and verified", "signed_at": signed_at,
                           "workstation": "bench-ws",
                           "signer": {"staff_id": SIGNER, "name": "Bulk Nurse", "credentials": "RN", "role": "nurse"},
                           "form": {"id": form.id, "version": form.version},
                           "policy": {"id": policy.id, "version": policy.version}, "content": content}
                digest = sha256_hex(payload)
                if number == 1:
                    event("created", record_id, signed_at, {})
                cursor = conn.execute(versions_sql, (
                    record_id, number, replaces, payload["amendment_reason"], SIGNER, payload["meaning"], signed_at,
                    "bench-ws", form.id, form.version, policy.id, policy.version,
                    canonical_json(payload).decode(), digest))
                version_id = cursor.lastrowid
                event("amended" if replaces else "signed", record_id, signed_at, {
                    "version_id": version_id, "version_no": number, "sha256": digest,
                    "meaning": payload["meaning"], "replaces_version_id": replaces,
                    "reason": payload["amendment_reason"]})
                replaces = version_id
            if day > 0 and rng.random() < 0.9:
                event("printed", record_id, to_text(start), {"version_id": replaces, "kind": "packet"})
    conn.execute("UPDATE chain_head SET last_seq = ?, last_hash = ? WHERE id = 1", (seq, prev))
    conn.execute("COMMIT")
    conn.close()
    db = storage.open_database(data_dir=folder)
    try:
        for n in range(DRAFTS_TODAY + DRAFTS_OLD):
            start = today + timedelta(minutes=20 * (PER_DAY + n)) if n < DRAFTS_TODAY \
                else today - timedelta(days=3 * n)
            draft = common.record_data(form, record_id=f"draft-{n:02d}", count=2 + n)
            draft["answers"]["patient_name"] = f"{NAMES[n % len(NAMES)]}, {GIVEN[n % len(GIVEN)]}"
            draft["answers"]["scheduled_start"] = start.isoformat(timespec="minutes")
            if n % 3 == 0:
                del draft["answers"]["inr"]  # half typed: a hard stop or a missing answer
            storage.save_draft(db, draft["record_id"], draft, staff_id=SIGNER)
    finally:
        db.close()


def _vary(template: dict[str, Any], record_id: str, start: Any, rng: random.Random) -> dict[str, Any]:
    import copy

    content = copy.deepcopy(template)
    record = content["record"]
    record["record_id"] = record_id
    answers = record["answers"]
    answers["patient_name"] = f"{rng.choice(NAMES)}, {rng.choice(GIVEN)}"
    answers["mrn"] = answers["wristband_scan"] = f"MRN-{rng.randrange(100000, 999999)}"
    answers["scheduled_start"] = start.isoformat(timespec="minutes")
    return content


if __name__ == "__main__":
    where, made_now = ensure(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
    print(where, "made" if made_now else "cached")
