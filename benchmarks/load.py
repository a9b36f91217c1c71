"""The load benchmark: workstations sharing one PostgreSQL server, each doing a nurse's day at bay speed.

    .venv/bin/python benchmarks/load.py [--quick] [--json] [--stations 8] [--seconds 120]

A throwaway PostgreSQL cluster is started from the installed server binaries (``tests/pg_cluster.py``, the
tests' own), set to production durability (``fsync``, ``synchronous_commit`` and ``full_page_writes`` on,
``shared_buffers`` 128 MB), and removed at the end. Its database is the 50,000-checklist history of
``dataset.py`` copied in (``COPY``, a few seconds; ``--quick``: 500 checklists), schema and grants by ``db init``;
workstations connect as the application role, with staff accounts whose PINs are hashed at the production
scrypt cost.

Each workstation is a process (``load.py station ...``) running the app's own use cases without Qt
(``workflows.session.Session``, ``opening``/``sharing``, ``OpenChecklist``, ``signing``, ``packet``,
``worklist_rows.build_rows``) with the real ``Autosaver`` and ``BoardWatcher``:

- it opens checklists (a new one, pre-filled as from a wristband scan, or a draft nobody holds, claimed);
- types into them in bursts, a keystroke every 150-300 ms (each one evaluated by the rules engine and handed
  to autosave unaudited, as the window does), Enter commits the field (an audited save), a pause between;
- now and then commits a *marker*: the patient's name with a unique suffix, timed at Enter;
- signs some (the real PIN check, production scrypt; both PDFs rendered, sealed and stored, as at signing),
  lets the others go for another bay to finish;
- reprints a signed checklist now and then (both stored PDFs read back, ``printed`` recorded);
- keeps a worklist as the window does: refreshed within 300 ms of its own saves and of the board watcher
  (polling ``board_stamp`` every 0.5 s) noticing a change elsewhere (a refresh already due is not put off);
  each refresh looks for other bays' markers, and notes when it first showed each one.

First one workstation runs alone (the baseline), then all of them together, on the same server. Meanwhile
the parent commits its own markers (a bare ``save_draft``, timed at commit) every 2 s and a bare psycopg
``INSERT`` + ``COMMIT`` of the same JSON bytes as a draft every 0.5 s, so each figure has a baseline taken
under the same load. At the end, the database is checked: every answer a workstation committed must be in
the audit trail, and the final draft or signed version must hold the last one committed, with no change
nobody typed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT / "tests"))

import common  # noqa: E402

TYPED = ("proceduralist", "dc_extra_instructions", "dc_follow_up")  # free text fields visible on the example
MARKER = re.compile(r" mark (w\d+|p) n([a-z]?\d+)$")
PIN = "2468"
WORDS = ("warm", "steady", "called", "family", "notes", "checked", "review", "left", "bay", "plan", "clear",
         "dose", "ride", "home", "ok")


def station_id(index: int) -> str:
    """The staff account of workstation ``index``."""
    return f"rn.bay{index}"


def workstation(index: int) -> str:
    """The workstation name of ``index`` (BAY-0 runs alone, BAY-1... together)."""
    return f"BAY-{index}"


# ==========================================================================================================
# A workstation (child process)
# ==========================================================================================================

class Station:
    """One workstation: a Session with its autosaver and board watcher, and a nurse working through checklists."""

    def __init__(self, url: str, index: int, seed: int, bursts: tuple[int, int] = (4, 9)) -> None:
        from checklist_app import storage
        from checklist_app.storage import autosave as autosave_module
        from checklist_app.workflows.session import Session
        from checklist_app.workflows.store import ChecklistStore

        self.index, self.name, self.bursts = index, workstation(index), bursts
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.autosave_ms: list[float] = []
        self.audited_ms: list[float] = []  # Enter: answers recorded in the audit trail
        self.typing_ms: list[float] = []  # keystrokes: data only
        self.stamp_ms: list[float] = []
        self.refresh_ms: list[float] = []
        self.sign_ms: list[float] = []
        self.reprint_ms: list[float] = []
        self.open_ms: list[float] = []
        self.errors: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.intents: list[list[Any]] = []  # [record, field, value, wall time of Enter]
        self.markers_made: list[list[Any]] = []  # [marker, record, wall time of Enter]
        self.markers_seen: dict[str, list[float | None]] = {}  # marker -> [noticed by the poll, shown]
        self.conflicts: list[str] = []
        self.signed: list[str] = []
        self._refresh_due: float | None = None
        self._noticed: float | None = None
        self._rows: list[Any] = []

        original = autosave_module.save_draft

        def timed_save(*args: Any, **kwargs: Any) -> Any:  # what autosave's worker spends per save
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                ms = (time.perf_counter() - t0) * 1000
                with self.lock:
                    self.autosave_ms.append(ms)
                    (self.audited_ms if kwargs.get("audit", True) else self.typing_ms).append(ms)

        autosave_module.save_draft = timed_save
        self.tmp = Path(tempfile.mkdtemp(prefix=f"bench-{self.name}-"))
        db = storage.open_database(url, workstation=self.name)
        station = self

        class StationSession(Session):
            def on_saved(self) -> None:  # the worklist window: a refresh within 300 ms, if none is due
                station._refresh_timer(restart=False)

            def on_save_failed(self, exc: BaseException) -> None:
                station._error(exc, "autosave")
                if exc.__class__.__name__ == "DraftConflictError":
                    station.conflicts.append(str(getattr(exc, "record_id", "")))

            def on_board_changed(self) -> None:  # the worklist window: a refresh within 300 ms, if none is due
                with station.lock:
                    if station._noticed is None:
                        station._noticed = time.time()
                station._refresh_timer(restart=False)

            def on_board_error(self, exc: BaseException | None) -> None:
                if exc is not None:
                    station._error(exc, "board")

        self.session = StationSession(store=ChecklistStore(db, self.tmp))
        member = self.session.store.staff(station_id(index))
        self.session.set_user(member)
        stamp = self.session.store.board_stamp

        def timed_stamp() -> Any:
            t0 = time.perf_counter()
            try:
                return stamp()
            finally:
                with self.lock:
                    self.stamp_ms.append((time.perf_counter() - t0) * 1000)

        self.session.store.board_stamp = timed_stamp  # type: ignore[method-assign]
        self.session.policy()
        self.session.autosaver  # noqa: B018  (created now, as the app does on the first open)
        from checklist_app.pdf import seal

        # The app starts loading the seal machinery (pyHanko, fonts, the site certificate) when "Review and
        # sign" opens, while the review is read and the PIN typed; here once, before the clock starts.
        seal.preload().join()

    # -- the window's event loop, without Qt ---------------------------------------------------------------
    def _refresh_timer(self, *, restart: bool) -> None:
        with self.lock:  # restart=False everywhere now, as in the window (a due refresh is never put off)
            if restart or self._refresh_due is None:
                self._refresh_due = time.monotonic() + 0.3

    def _error(self, exc: BaseException, where: str) -> None:
        with self.lock:
            self.errors[f"{exc.__class__.__name__} ({where})"] += 1

    def wait(self, seconds: float) -> None:
        """Let time pass as the GUI thread would: the worklist refresh runs when its timer fires."""
        until = time.monotonic() + seconds
        while True:
            now = time.monotonic()
            with self.lock:
                due = self._refresh_due
            if due is not None and due <= now:
                with self.lock:
                    self._refresh_due = None
                self.refresh()
                continue
            if now >= until:
                return
            time.sleep(max(0.0, min(until, due if due is not None else until) - now))

    def refresh(self) -> None:
        """The worklist's rows, as the window builds them; notes the first showing of other bays' markers."""
        from checklist_app.workflows.worklist_rows import build_rows

        s = self.session
        with self.lock:
            noticed, self._noticed = self._noticed, None
        t0 = time.perf_counter()
        try:
            rows = build_rows(s.store, s.form, s.policy, s.completeness_rules, s.now(),
                              default_policy=s.site.default_policy, session_id=s.session_id)
        except Exception as exc:  # noqa: BLE001  (counted by kind; the loop goes on, as the window's would)
            self._error(exc, "worklist")
            return
        shown = time.time()
        self.refresh_ms.append((time.perf_counter() - t0) * 1000)
        self._rows = rows
        own = f"w{self.index}"
        for row in rows:
            found = MARKER.search(row.patient)
            if found and found.group(1) != own:
                marker = f"{found.group(1)}.{found.group(2)}"
                if marker not in self.markers_seen:
                    self.markers_seen[marker] = [noticed, shown]

    # -- what the nurse does -----------------------------------------------------------------------------
    def run(self, until: float) -> None:
        self.session.watch_board()
        self.refresh()
        next_reprint = time.monotonic() + self.rng.uniform(3, 10)
        marker_n = 0
        next_marker = time.monotonic() + self.rng.uniform(1, 4)
        while time.monotonic() < until:
            try:
                next_reprint, marker_n, next_marker = self._checklist(until, next_reprint, marker_n, next_marker)
            except Exception as exc:  # noqa: BLE001  (counted by kind; the nurse opens the next checklist)
                self._error(exc, "typing")

    def _checklist(self, until: float, next_reprint: float, marker_n: int, next_marker: float
                   ) -> tuple[float, int, float]:
        """Open one checklist, type into it in bursts (a marker now and then), then sign it or let it go."""
        checklist = self._open()
        if checklist is None:
            self.wait(1.0)
            return next_reprint, marker_n, next_marker
        for _burst in range(self.rng.randint(*self.bursts)):
            if time.monotonic() >= until:
                break
            if time.monotonic() >= next_marker:
                marker_n += 1
                base = checklist.state.answers.get("patient_name") or "Patient"
                base = MARKER.sub("", str(base))
                self._type(checklist, "patient_name", base, f" mark w{self.index} n{marker_n}",
                           marker=f"w{self.index}.{marker_n}")
                next_marker = time.monotonic() + self.rng.uniform(4, 8)
            else:
                field = self.rng.choice(TYPED)
                before = str(checklist.state.answers.get(field) or "")
                if len(before) + 40 > (getattr(self.session.form.item(field), "max_length", None) or 300):
                    before = ""  # a full field is cleared and typed again
                word = " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 3)))
                text = f"{' ' if before else ''}{word} {self.index}x{len(self.intents)}"  # unique: each commit shows
                self._type(checklist, field, before, text)
            self.wait(self.rng.uniform(0.5, 2.0))  # reading, thinking, the next question
            if time.monotonic() >= next_reprint:
                self._reprint()
                next_reprint = time.monotonic() + self.rng.uniform(8, 20)
        self._finish(checklist, sign=self.rng.random() < 0.5 and time.monotonic() < until)
        self.wait(self.rng.uniform(0.5, 1.5))
        return next_reprint, marker_n, next_marker

    def _open(self) -> Any:
        """A new checklist (60%) or a draft on the worklist that nobody holds, claimed; None when refused."""
        from checklist_app.workflows import sharing
        from checklist_app.workflows.open_checklist import OpenChecklist
        from checklist_app.workflows.opening import load_checklist

        s = self.session
        t0 = time.perf_counter()
        try:
            waiting = [row for row in self._rows if row.is_draft and not row.open_at
                       and row.status != "policy_unavailable" and row.record_id.startswith("bay-")]
            if waiting and self.rng.random() < 0.4:
                row = self.rng.choice(waiting)
                loaded = load_checklist(s, row.record_id)
                if loaded is None or loaded.signed is not None:
                    self.counts["gone_meanwhile"] += 1
                    return None
                holder = sharing.hold(s, loaded)
                if holder is not None:
                    self.counts["held_elsewhere"] += 1
                    return None
                self.counts["opened_draft"] += 1
                state = loaded.state
            else:
                state = self._new_checklist()
                self.counts["created"] += 1
            checklist = OpenChecklist(s, state)
        except Exception as exc:  # noqa: BLE001  (counted by kind, as the screen would report it)
            self._error(exc, "open")
            return None
        self.open_ms.append((time.perf_counter() - t0) * 1000)
        return checklist

    def _new_checklist(self) -> Any:
        """As ``workflows.opening.new_checklist``, with the answers a wristband scan and the EHR would give."""
        from pydantic_core import to_jsonable_python

        from checklist_app.workflows.checklist_state import ChecklistState
        from checklist_app.workflows.demo import demo_data

        s = self.session
        now = s.now()
        record_id = f"bay-{self.index}-{now:%H%M%S}-{secrets.token_hex(3)}"
        data = demo_data(s.form, now.date())
        data["record_id"] = record_id
        data["answers"]["patient_name"] = f"{dataset_name(self.rng)} Bay{self.index}"
        data["answers"]["scheduled_start"] = now.replace(minute=0, second=0, microsecond=0).isoformat()
        state, _ = ChecklistState.from_data(s.form, data, fallback_staff=s.user_id(), now=now,
                                            policy_id=s.site.default_policy)
        state.touch(s.user_id(), now)
        draft = s.store.save_draft_based_on(record_id, state.draft_data(), s.user_id(), based_on=0,
                                            session_id=s.session_id)
        s.store.claim(record_id, s.session_id, s.user_id())
        s.autosaver.track(record_id, draft.revision)
        t = time.time()
        for field, value in to_jsonable_python(state.draft_data()["answers"]).items():
            self.intents.append([record_id, field, value, t])
        return state

    def _type(self, checklist: Any, field: str, before: str, text: str, marker: str | None = None) -> None:
        """Type ``text`` after ``before`` into a field, key by key, then Enter (committed: an audited save)."""
        value = before
        for char in text:
            value += char
            checklist.state.set_answer(field, value)
            checklist.touch()
            checklist.refresh()  # the rules engine, as on every key in the window
            checklist.save(audit=False)
            self.counts["keystrokes"] += 1
            self.wait(self.rng.uniform(0.15, 0.3))
        value = value.rstrip()
        checklist.state.set_answer(field, value)
        checklist.touch()
        checklist.refresh()
        checklist.save(audit=True)
        t = time.time()
        self.counts["commits"] += 1
        self.intents.append([checklist.record_id, field, value, t])
        if marker is not None:
            self.markers_made.append([marker, checklist.record_id, t])

    def _finish(self, checklist: Any, *, sign: bool) -> None:
        """Sign the checklist (PIN, both PDFs sealed and stored), or let it go for another bay to finish."""
        from checklist_app.workflows import packet, sharing, signing

        s = self.session
        if sign:
            t0 = time.perf_counter()
            try:
                meaning, _ = signing.meaning_of(checklist)
                version = signing.sign(checklist, s.user_id(), PIN, meaning)
                signing.settle_signed(checklist, version)
                packet.keep_packet(s, version, s.staff_name)
                self.sign_ms.append((time.perf_counter() - t0) * 1000)
                self.signed.append(checklist.record_id)
                s.store.release(checklist.record_id, s.session_id)
                return
            except Exception as exc:  # noqa: BLE001  (counted by kind, as the screen would report it)
                self._error(exc, "sign")
        try:
            s.autosaver.flush()
        except Exception as exc:  # noqa: BLE001  (counted by kind, as the screen would report it)
            self._error(exc, "close")
        s.store.mark_closed(checklist.record_id)
        s.autosaver.forget(checklist.record_id)
        sharing.let_go(s, checklist.record_id)
        self.counts["let_go"] += 1

    def _reprint(self) -> None:
        """A signed checklist from the worklist: both stored PDFs read back, and 'printed' recorded."""
        from checklist_app.workflows import packet

        s = self.session
        signed = [row for row in self._rows if not row.is_draft]
        if not signed:
            return
        row = self.rng.choice(signed)
        t0 = time.perf_counter()
        try:
            version = s.store.latest_version(row.record_id)
            if version is None:
                return
            documents = packet.packet_documents(s, version, s.staff_name)
            packet.record_printed(s, version)
        except Exception as exc:  # noqa: BLE001  (counted by kind, as the screen would report it)
            self._error(exc, "reprint")
            return
        self.reprint_ms.append((time.perf_counter() - t0) * 1000)
        self.counts["reprinted"] += 1
        self.counts["reprint_remade"] += len(documents.remade)

    def close(self) -> None:
        try:
            self.session.close()
        except Exception as exc:  # noqa: BLE001
            self._error(exc, "close")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def report(self) -> dict[str, Any]:
        return {"name": self.name, "autosave_ms": self.autosave_ms, "audited_ms": self.audited_ms,
                "typing_ms": self.typing_ms, "stamp_ms": self.stamp_ms,
                "refresh_ms": self.refresh_ms, "sign_ms": self.sign_ms, "reprint_ms": self.reprint_ms,
                "open_ms": self.open_ms, "errors": dict(self.errors), "counts": dict(self.counts),
                "intents": self.intents, "markers_made": self.markers_made, "markers_seen": self.markers_seen,
                "conflicts": self.conflicts, "signed": self.signed}


def dataset_name(rng: random.Random) -> str:
    """A patient's name, from the dataset's lists."""
    import dataset

    return f"{rng.choice(dataset.NAMES)}, {rng.choice(dataset.GIVEN)}"


def station_main(url: str, index: int, seed: int, bursts: tuple[int, int]) -> None:
    """Get ready, say so, wait for 'go SECONDS' on stdin, work until then, print the report as JSON."""
    station = Station(url, index, seed, bursts)
    print("ready", flush=True)
    line = sys.stdin.readline().split()
    seconds = float(line[1])
    until = time.monotonic() + seconds
    try:
        station.run(until)
    except Exception as exc:  # noqa: BLE001  (counted by kind, as the screen would report it)
        station._error(exc, "run")
    station.close()
    common.emit(station.report())


# ==========================================================================================================
# The worklist on the large database (child process)
# ==========================================================================================================

def worklist_main(url: str, bare_dsn: str, runs: int) -> None:
    """build_rows on the 50,000-checklist database (its own day), first and warm, against a bare SELECT."""
    import psycopg

    from checklist_app import storage
    from checklist_app.rules import load_form, load_policy_for
    from checklist_app.workflows.store import ChecklistStore
    from checklist_app.workflows.worklist_rows import build_rows

    folder = Path(tempfile.mkdtemp(prefix="bench-worklist-"))
    form = load_form()
    policies = {"sir-2019": load_policy_for(form, "sir-2019")}

    def policy_for(policy_id: str) -> Any:
        if policy_id not in policies:
            policies[policy_id] = load_policy_for(form, policy_id)
        return policies[policy_id]

    def completeness(policy: Any) -> frozenset[str]:
        return frozenset(rule.id for rule in policy.rules if rule.check == "required_items")

    store = ChecklistStore(storage.open_database(url, workstation="BENCH"), folder)
    moment = common.now()
    samples, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = len(build_rows(store, form, policy_for, completeness, moment))
        samples.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    all_rows = len(build_rows(store, form, policy_for, completeness, moment, all_dates=True))
    all_ms = (time.perf_counter() - t0) * 1000
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    baseline, fetched = [], 0
    with psycopg.connect(bare_dsn) as conn:
        for _ in range(runs):
            t0 = time.perf_counter()
            fetched = len(conn.execute("SELECT record_id, signed_at FROM signed_versions").fetchall())
            conn.commit()
            baseline.append((time.perf_counter() - t0) * 1000)
    common.emit({"samples": samples, "rows": rows, "all_dates_ms": all_ms, "all_dates_rows": all_rows,
                 "baseline": baseline, "baseline_rows": fetched})


# ==========================================================================================================
# The parent: server, data, phases, checks, figures
# ==========================================================================================================

def prerequisites() -> str | None:
    """Why the benchmark cannot run here (no psycopg, no server binaries), or None."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the driver psycopg is not installed (pip install -e '.[postgresql]')"
    from pg_cluster import find_bindir

    if find_bindir() is None:
        return "the PostgreSQL server binaries (initdb, pg_ctl) are not installed (apt-get install postgresql)"
    return None


def production_settings(cluster: Any) -> dict[str, str]:
    """The test cluster trades durability for speed; a benchmark must not. PostgreSQL's defaults, restarted."""
    settings = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "128MB"}
    for key, value in settings.items():
        cluster.psql(f"ALTER SYSTEM SET {key} = '{value}'")
    cluster.restart()
    return {key: cluster.psql(f"SHOW {key}")[0][0] for key in settings}


def copy_dataset(cluster: Any, folder: Path, database: str) -> dict[str, int]:
    """The SQLite dataset's rows into the (``db init``-made) server database, with COPY, as the superuser."""
    import sqlite3

    from checklist_app.storage import tables

    source = sqlite3.connect(f"{(folder / 'checklist.sqlite3').as_uri()}?mode=ro", uri=True)
    copied = {}
    with cluster.connect(database) as conn:
        if conn.execute("SELECT count(*) FROM audit_events").fetchone()[0]:
            raise RuntimeError("the new server database already has audit events; the copied chain would not fit")
        for table in (tables.staff, tables.signed_versions, tables.audit_events, tables.drafts):
            columns = [c.name for c in table.columns]
            bools = {c.name for c in table.columns if _is_bool(c)}
            with conn.cursor().copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                n = 0
                for row in source.execute(f"SELECT {', '.join(columns)} FROM {table.name}"):
                    copy.write_row([bool(v) if k in bools and v is not None else v for k, v in zip(columns, row,
                                                                                                  strict=True)])
                    n += 1
            copied[table.name] = n
        seq, digest = source.execute("SELECT last_seq, last_hash FROM chain_head WHERE id = 1").fetchone()
        conn.execute("UPDATE chain_head SET last_seq = %s, last_hash = %s WHERE id = 1", (seq, digest))
        conn.execute("SELECT setval(pg_get_serial_sequence('signed_versions', 'version_id'), "
                     "(SELECT max(version_id) FROM signed_versions))")
        conn.execute("ANALYZE")
    source.close()
    return copied


def bare_table(cluster: Any, database: str) -> None:
    """A scratch table for the bare INSERT baseline, in its own database (the app's schema stays as db init made it)."""
    from pg_cluster import APP, OWNER

    cluster.psql(f"CREATE DATABASE {database} OWNER {OWNER}")
    cluster.psql("CREATE TABLE bare (id bigserial PRIMARY KEY, data text NOT NULL)", database=database, role=OWNER)
    cluster.psql(f"GRANT INSERT, SELECT ON bare TO {APP}", database=database, role=OWNER)
    cluster.psql(f"GRANT USAGE ON SEQUENCE bare_id_seq TO {APP}", database=database, role=OWNER)


def _is_bool(column: Any) -> bool:
    try:
        return column.type.python_type is bool
    except NotImplementedError:
        return False


def dsn(cluster: Any, database: str) -> str:
    """A libpq connection string for ``database`` as the application role."""
    from pg_cluster import APP, PASSWORDS

    return f"host=127.0.0.1 port={cluster.port} dbname={database} user={APP} password={PASSWORDS[APP]}"


def seed(url: str, stations: int, signed: int) -> None:
    """Staff accounts (production scrypt cost) and a few checklists signed today with their sealed PDFs."""
    from checklist_app import storage
    from checklist_app.workflows import packet, signing
    from checklist_app.workflows.checklist_state import NOTIFIED_PREFIX, ChecklistState
    from checklist_app.workflows.demo import demo_data
    from checklist_app.workflows.open_checklist import OpenChecklist
    from checklist_app.workflows.session import Session
    from checklist_app.workflows.store import ChecklistStore

    folder = Path(tempfile.mkdtemp(prefix="bench-seed-"))
    db = storage.open_database(url, workstation="SEED")
    try:
        for n in range(stations + 1):
            storage.add_staff(db, station_id(n), f"Nurse {n} Bay", "RN", "nurse", PIN, actor="bench")
        session = Session(store=ChecklistStore(db, folder))
        session.set_user(storage.get_staff(db, station_id(0)))
        for n in range(signed):
            now = session.now()
            data = demo_data(session.form, now.date())
            data["record_id"] = record_id = f"seed-{n}"
            # This hour, but never before the demo's own morning times (fasting, doses): signed today at any hour.
            data["answers"]["scheduled_start"] = now.replace(hour=max(now.hour, 9), minute=0, second=0,
                                                             microsecond=0).isoformat()
            state, _ = ChecklistState.from_data(session.form, data, fallback_staff=session.user_id(), now=now,
                                                policy_id=session.site.default_policy)
            session.store.save_draft(record_id, state.draft_data(), session.user_id())
            checklist = OpenChecklist(session, state)
            # The start is moved to this hour, so advisories that depend on the clock (fasting far longer than
            # needed) can appear: acknowledged as a nurse would, so the history holds signed checklists.
            for finding in checklist.evaluation.unacknowledged_warnings:
                checklist.acknowledge(finding.key, "Told the proceduralist (benchmark seed)")
            # Near midnight the demo's times can raise a hard stop: signed NOT CLEARED with the physician told.
            for finding in checklist.evaluation.open_hard_stops:
                checklist.acknowledge(finding.key, NOTIFIED_PREFIX + "Dr. Bench (benchmark seed)")
            checklist.refresh()
            version = signing.sign(checklist, session.user_id(), PIN, signing.meaning_of(checklist)[0])
            signing.settle_signed(checklist, version)
            packet.keep_packet(session, version, session.staff_name)
        session.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Probe:
    """The parent's own load during a phase: a marker committed with a bare save_draft every 2 s (timed at
    commit), and a bare psycopg INSERT + COMMIT of a draft's JSON bytes every 0.5 s."""

    def __init__(self, url: str, bare_dsn: str, payload: str, phase: str) -> None:
        self.url, self.bare_dsn, self.payload, self.phase = url, bare_dsn, payload, phase
        self.stop = threading.Event()
        self.bare_ms: list[float] = []
        self.markers: list[list[Any]] = []  # [marker, wall time committed]
        self.errors: Counter[str] = Counter()
        self.threads = [threading.Thread(target=self._bare, daemon=True),
                        threading.Thread(target=self._markers, daemon=True)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _bare(self) -> None:
        import psycopg

        with psycopg.connect(self.bare_dsn) as conn:
            while not self.stop.wait(0.5):
                t0 = time.perf_counter()
                conn.execute("INSERT INTO bare (data) VALUES (%s)", (self.payload,))
                conn.commit()
                self.bare_ms.append((time.perf_counter() - t0) * 1000)

    def _markers(self) -> None:
        from checklist_app import storage
        from checklist_app.workflows.demo import demo_data

        db = storage.open_database(self.url, workstation="PARENT")
        record_id = f"marker-{self.phase}"
        data = demo_data(_form(), _today())
        data["record_id"] = record_id
        n = 0
        revision = 0
        while not self.stop.wait(2.0):
            n += 1
            data["answers"]["patient_name"] = f"Marker, Parent mark p n{self.phase}{n}"
            try:
                revision = storage.save_draft(db, record_id, data, staff_id=station_id(0), based_on=revision).revision
            except Exception as exc:  # noqa: BLE001
                self.errors[exc.__class__.__name__] += 1
                continue
            self.markers.append([f"p.{self.phase}{n}", time.time()])
        db.close()


def _form() -> Any:
    from checklist_app.workflows.session import shipped_form

    return shipped_form()


def _today() -> Any:
    from datetime import date

    return date.today()


def run_phase(url: str, bare_dsn: str, payload: str, count: int, seconds: float, phase: str,
              first_index: int, bursts: tuple[int, int]) -> dict[str, Any]:
    """``count`` stations started together, working for ``seconds``, with the parent's probe running."""
    env = {**os.environ, "CHECKLIST_APP_SITE_SECRET": SITE_SECRET}
    procs, logs = [], []
    for n in range(count):
        index = first_index + n
        log = tempfile.TemporaryFile(mode="w+")  # stderr to a file: a full pipe would stall a chatty station
        logs.append(log)
        command = [sys.executable, str(Path(__file__).resolve()), "station", url, str(index), str(1000 * index + 7),
                   *map(str, bursts)]
        procs.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                                      cwd=ROOT, env=env))
    for proc, log in zip(procs, logs, strict=True):
        line = proc.stdout.readline() if proc.stdout else ""
        if line.strip() != "ready":
            for other in procs:
                other.kill()
            log.seek(0)
            raise RuntimeError(f"a workstation did not start: {line.strip()} {log.read()[-2000:]}")
    probe = Probe(url, bare_dsn, payload, phase)
    probe.start()
    started = time.monotonic()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(f"go {seconds}\n")
        proc.stdin.flush()
    reports = []
    for proc, log in zip(procs, logs, strict=True):
        out, _ = proc.communicate(timeout=seconds + 180)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        log.seek(0)
        err = log.read()
        log.close()
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"a workstation failed ({proc.returncode}): {err[-2000:]}")
        reports.append(json.loads(lines[-1]))
    probe.finish()
    return {"stations": reports, "bare_ms": probe.bare_ms, "parent_markers": probe.markers,
            "probe_errors": dict(probe.errors), "seconds": time.monotonic() - started}


SITE_SECRET = secrets.token_urlsafe(32)


def check_database(cluster: Any, database: str, reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Every committed answer in the trail and in the final state; no change nobody typed. From the database."""
    from checklist_app.domain.canonical import canonical_json

    def key(value: Any) -> str:
        return canonical_json(value).decode()

    names = {r["name"] for r in reports}
    with cluster.connect(database) as conn:
        events = conn.execute("SELECT seq, record_id, workstation, details, occurred_at FROM audit_events "
                              "WHERE event_type = 'field_changed' AND workstation = ANY(%s) ORDER BY seq",
                              (sorted(names),)).fetchall()
        drafts, audited = {}, {}
        for record_id, data, audited_data in conn.execute("SELECT record_id, data, audited_data FROM drafts"):
            drafts[record_id] = json.loads(data)
            audited[record_id] = json.loads(audited_data or data)
        signed = {}
        for record_id, content in conn.execute(
                "SELECT v.record_id, v.content_json FROM signed_versions v WHERE v.workstation = ANY(%s) AND "
                "v.version_no = (SELECT max(w.version_no) FROM signed_versions w WHERE w.record_id = v.record_id)",
                (sorted(names),)):
            signed[record_id] = json.loads(content)["content"]["record"]
        set_aside = conn.execute("SELECT record_id, data FROM set_aside").fetchall()
    trail: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (record, field) -> [(workstation, value key)]
    committed_at: dict[tuple[str, str, str], str] = {}
    for _seq, record_id, where, details, occurred_at in events:
        d = json.loads(details)
        if not str(d.get("field", "")).startswith("answers."):
            continue
        field = d["field"][len("answers."):]
        trail.setdefault((record_id, field), []).append((where, key(d.get("to"))))
        committed_at.setdefault((record_id, field, key(d.get("to"))), occurred_at)
    intents: dict[tuple[str, str, str], list[str]] = {}  # (station, record, field) -> values typed, in order
    conflicted = {(r["name"], rec) for r in reports for rec in r["conflicts"]}
    for report in reports:
        for record_id, field, value, _t in report["intents"]:
            intents.setdefault((report["name"], record_id, field), []).append(key(value))
    lost, coalesced, unexplained, final_wrong, set_aside_kept = [], 0, [], [], 0
    aside = {(r, json.dumps(json.loads(d).get("answers", {}), sort_keys=True)) for r, d in set_aside}
    for (name, record_id, field), values in intents.items():
        in_trail = {v for w, v in trail.get((record_id, field), []) if w == name}
        if values[-1] not in in_trail:
            if (name, record_id) in conflicted and any(r == record_id for r, _ in aside):
                set_aside_kept += 1
            else:
                lost.append(f"{name} {record_id} {field}={values[-1]}")
        coalesced += sum(1 for v in values[:-1] if v not in in_trail)
    for (record_id, field), changes in trail.items():
        if field not in TYPED and field != "patient_name":
            continue  # only typed fields change after a checklist is made (derived answers follow the clock)
        for where, value in changes:
            if value not in intents.get((where, record_id, field), []):
                unexplained.append(f"{where} {record_id} {field}={value}")
        final = drafts.get(record_id, {}).get("answers") if record_id in drafts else \
            signed.get(record_id, {}).get("answers")
        if final is None:
            continue  # a record only the dataset or the parent wrote
        last = changes[-1][1]
        if record_id in drafts and key(audited[record_id].get("answers", {}).get(field)) == last and \
                str(final.get(field) or "").startswith(json.loads(last) or ""):
            continue  # the draft also holds typing after that commit (not yet committed): allowed, by design
        if key(final.get(field)) != last:
            final_wrong.append(f"{record_id} {field}: stored {final.get(field)!r}, last committed {changes[-1][1]}")
    return {"intents": sum(len(v) for v in intents.values()), "fields": len(intents), "lost": lost,
            "overwritten": unexplained + final_wrong, "coalesced_by_own_later_commit": coalesced,
            "set_aside_kept": set_aside_kept, "events_checked": len(events), "records_signed": len(signed),
            "records_draft": sum(1 for r in drafts if r.startswith("bay-")), "committed_at": committed_at}


def propagation(reports: list[dict[str, Any]], committed_at: dict[tuple[str, str, str], str],
                parent_markers: list[list[Any]]) -> dict[str, Any]:
    """For every marker and every other station: from the commit (and from Enter) to the worklist showing it."""
    from datetime import datetime

    from checklist_app.domain.canonical import canonical_json

    commit_of: dict[str, tuple[float | None, float]] = {}  # marker -> (commit wall time, Enter wall time)
    for report in reports:
        for marker, record_id, t_enter in report["markers_made"]:
            value = next((v for rec, f, v, _t in report["intents"] if rec == record_id and f == "patient_name"
                          and str(v).endswith(f"mark {marker.replace('.', ' n')}")), None)
            at = committed_at.get((record_id, "patient_name", canonical_json(value).decode()))
            commit_of[marker] = (datetime.fromisoformat(at).timestamp() if at else None, t_enter)
    for marker, t in parent_markers:
        commit_of[marker] = (t, t)
    from_commit, from_enter, from_notice, unseen, seen_pairs, parent = [], [], [], 0, 0, []
    for report in reports:
        own = report["name"].replace("BAY-", "w")
        seen = report["markers_seen"]
        for marker, (t_commit, t_enter) in commit_of.items():
            if marker.split(".")[0] == own:
                continue
            if marker not in seen:
                unseen += 1
                continue
            noticed, shown = seen[marker]
            seen_pairs += 1
            if marker.startswith("p."):
                parent.append((shown - t_commit) * 1000)
                continue
            if t_commit is not None:
                from_commit.append((shown - t_commit) * 1000)
                if noticed is not None:
                    from_notice.append((shown - noticed) * 1000)
            from_enter.append((shown - t_enter) * 1000)
    return {"from_commit": from_commit, "from_enter": from_enter, "notice_to_shown": from_notice,
            "parent": parent, "unseen": unseen, "seen": seen_pairs,
            "markers": sum(1 for m in commit_of if not m.startswith("p."))}


def pooled(reports: list[dict[str, Any]], name: str) -> list[float]:
    """Every station's samples of ``name``, together."""
    return [v for r in reports for v in r[name]]


def figure(what: str, unit: str, value: float, baseline: float | None, baseline_what: str,
           budget: float | None = None, samples: int | None = None) -> dict[str, Any]:
    """One figure beside its baseline, with its ratio and budget (a figure must stay under the budget)."""
    return {"what": what, "unit": unit, "value": value, "baseline": baseline, "baseline_what": baseline_what,
            "ratio": value / baseline if baseline else None, "limit": budget,
            "budget": f"< {budget:g} {unit}" if budget is not None else None,
            "passed": (value < budget) if budget is not None else None, "samples": samples}


def main(argv: list[str] | None = None) -> int:
    """Start the server, load the data, run one station alone then all together, check, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 checklists, ~20 s of load")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--stations", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=None, help="seconds all stations work (default 120; 12 quick)")
    options = parser.parse_args(argv)
    quick = options.quick
    checklists = 500 if quick else 50_000
    seconds = options.seconds or (10.0 if quick else 120.0)
    alone = 4.0 if quick else 40.0
    why = prerequisites()
    if why is not None:
        print(f"load benchmark not run: {why}", file=sys.stderr)
        return 3
    import dataset
    from pg_cluster import PgCluster, find_bindir

    started = time.monotonic()
    notes: list[str] = []
    os.environ["CHECKLIST_APP_SITE_SECRET"] = SITE_SECRET  # the site's seal, made by the first to sign
    folder, made = dataset.ensure(checklists)
    if made:
        notes.append(f"made the {checklists:,}-checklist SQLite dataset in {folder}")
    cluster = PgCluster(find_bindir())  # type: ignore[arg-type]
    try:
        cluster.init()
        settings = production_settings(cluster)
        version = cluster.psql("SHOW server_version")[0][0]
        database = cluster.new_database(initialised=True)
        t0 = time.monotonic()
        copied = copy_dataset(cluster, folder, database)
        copy_s = time.monotonic() - t0
        notes.append(f"copied the dataset into the server in {copy_s:.1f} s: " +
                     ", ".join(f"{n:,} {t}" for t, n in copied.items()))
        bare_table(cluster, "bare")
        url = cluster.url(database)
        bare_dsn = dsn(cluster, "bare")
        worklist = _child_json(["worklist", url, dsn(cluster, database), "2" if quick else "4"])
        seed(url, options.stations, 2 if quick else 4)
        payload = _payload()
        bursts = (2, 3) if quick else (4, 9)  # bursts of typing per checklist: quick runs finish some too
        one = run_phase(url, bare_dsn, payload, 1, alone, "a", 0, bursts)
        many = run_phase(url, bare_dsn, payload, options.stations, seconds, "b", 1, bursts)
        checks = check_database(cluster, database, one["stations"] + many["stations"])
        committed_at = checks.pop("committed_at")
        prop_one = propagation(one["stations"], committed_at, one["parent_markers"])
        prop_many = propagation(many["stations"], committed_at, many["parent_markers"])
    finally:
        cluster.remove()
    report = build_report(quick, options.stations, seconds, alone, checklists, version, settings, worklist, one,
                          many, checks, prop_one, prop_many, notes)
    report["seconds"] = time.monotonic() - started
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        print(table(report))
        print(f"\n({report['seconds']:.0f} s)")
    return 0


def _payload() -> str:
    from checklist_app.domain.canonical import canonical_json
    from checklist_app.workflows.demo import demo_data

    data = demo_data(_form(), _today())
    return canonical_json(data).decode()


def _child_json(args: list[str]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=600)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
    return json.loads(lines[-1])


def build_report(quick: bool, stations: int, seconds: float, alone: float, checklists: int, version: str,
                 settings: dict[str, str], worklist: dict[str, Any], one: dict[str, Any], many: dict[str, Any],
                 checks: dict[str, Any], prop_one: dict[str, Any], prop_many: dict[str, Any],
                 notes: list[str]) -> dict[str, Any]:
    """The figures, the checks and what every station did, as one JSON-able document."""
    p = common.percentile
    r1, rn = one["stations"], many["stations"]
    a1, an = pooled(r1, "autosave_ms"), pooled(rn, "autosave_ms")
    bare1, baren = one["bare_ms"], many["bare_ms"]
    w_first, w_warm = worklist["samples"][0], common.median(worklist["samples"][1:])
    w_bare = common.median(worklist["baseline"])
    n = stations
    figures = {
        "lost": figure("committed answers lost (every station, checked in the database)", "", len(checks["lost"]),
                       None, "", 1),
        "overwritten": figure("committed answers silently overwritten", "", len(checks["overwritten"]), None, "", 1),
        "autosave_p50": figure(f"autosave commit (save_draft), {n} stations, p50", "ms", p(an, 50), p(a1, 50),
                               "the same station alone on the same server", samples=len(an)),
        "autosave_p99": figure(f"autosave commit (save_draft), {n} stations, p99", "ms", p(an, 99), p(a1, 99),
                               "the same station alone on the same server", 50.0, len(an)),
        "autosave_audited_p99": figure(f"autosave, Enter (answers audited: the audit chain's head locked), {n} "
                                       "stations, p99", "ms", p(pooled(rn, "audited_ms"), 99),
                                       p(pooled(r1, "audited_ms"), 99), "the same station alone on the same server",
                                       samples=len(pooled(rn, "audited_ms"))),
        "autosave_typing_p99": figure(f"autosave, keystrokes (data only), {n} stations, p99", "ms",
                                      p(pooled(rn, "typing_ms"), 99), p(pooled(r1, "typing_ms"), 99),
                                      "the same station alone on the same server",
                                      samples=len(pooled(rn, "typing_ms"))),
        "bare_p50": figure(f"bare psycopg INSERT+COMMIT of the same bytes, during {n} stations, p50", "ms",
                           p(baren, 50), p(bare1, 50), "the same, during one station", samples=len(baren)),
        "bare_p99": figure(f"bare psycopg INSERT+COMMIT of the same bytes, during {n} stations, p99", "ms",
                           p(baren, 99), p(bare1, 99), "the same, during one station", samples=len(baren)),
        "autosave_vs_bare_p99": figure(f"autosave p99 against the bare INSERT p99, both during {n} stations", "ms",
                                       p(an, 99), p(baren, 99), "bare INSERT+COMMIT p99, same phase"),
        "propagation_p50": figure(f"a committed change to another station's worklist, {n} stations, p50", "ms",
                                  p(prop_many["from_commit"], 50), p(prop_one["parent"], 50),
                                  "a bare save_draft seen by one station alone",
                                  samples=len(prop_many["from_commit"])),
        "propagation_p99": figure(f"a committed change to another station's worklist, {n} stations, p99", "ms",
                                  p(prop_many["from_commit"], 99), p(prop_one["parent"], 99),
                                  "a bare save_draft seen by one station alone", 1000.0,
                                  len(prop_many["from_commit"])),
        "enter_to_worklist_p99": figure("Enter at one station to another's worklist (autosave's wait too), p99",
                                        "ms", p(prop_many["from_enter"], 99), p(prop_one["parent"], 99),
                                        "a bare save_draft seen by one station alone",
                                        samples=len(prop_many["from_enter"])),
        "parent_marker_p99": figure(f"a bare save_draft to a station's worklist, during {n} stations, p99", "ms",
                                    p(prop_many["parent"], 99), p(prop_one["parent"], 99),
                                    "the same, one station alone", samples=len(prop_many["parent"])),
        "refresh_p50": figure(f"worklist refresh (build_rows) at a station, {n} stations, p50", "ms",
                              p(pooled(rn, "refresh_ms"), 50), p(pooled(r1, "refresh_ms"), 50),
                              "the same station alone", samples=len(pooled(rn, "refresh_ms"))),
        "refresh_p99": figure(f"worklist refresh (build_rows) at a station, {n} stations, p99", "ms",
                              p(pooled(rn, "refresh_ms"), 99), p(pooled(r1, "refresh_ms"), 99),
                              "the same station alone", samples=len(pooled(rn, "refresh_ms"))),
        "stamp_p99": figure(f"board_stamp poll, {n} stations, p99", "ms", p(pooled(rn, "stamp_ms"), 99),
                            p(pooled(r1, "stamp_ms"), 99), "the same station alone",
                            samples=len(pooled(rn, "stamp_ms"))),
        "sign_p50": figure(f"sign (PIN, scrypt n=2^15) + both PDFs sealed and stored, {n} stations, p50", "ms",
                           p(pooled(rn, "sign_ms"), 50), p(pooled(r1, "sign_ms"), 50) if pooled(r1, "sign_ms")
                           else None, "the same station alone", samples=len(pooled(rn, "sign_ms"))),
        "reprint_p50": figure(f"reprint (both stored PDFs read, 'printed' recorded), {n} stations, p50", "ms",
                              p(pooled(rn, "reprint_ms"), 50), p(pooled(r1, "reprint_ms"), 50)
                              if pooled(r1, "reprint_ms") else None, "the same station alone",
                              samples=len(pooled(rn, "reprint_ms"))),
        "worklist_50k": figure(f"worklist rows (build_rows, no Qt) on {checklists:,} checklists, first", "ms",
                               w_first, w_bare, f"bare SELECT of all {worklist['baseline_rows']:,} signed versions",
                               200.0),
        "worklist_50k_warm": figure(f"worklist rows on {checklists:,} checklists, warm", "ms", w_warm, w_bare,
                                    f"bare SELECT of all {worklist['baseline_rows']:,} signed versions", 200.0),
        "worklist_50k_all": figure(f"worklist rows on {checklists:,} checklists, 'All dates'", "ms",
                                   worklist["all_dates_ms"], w_bare,
                                   f"bare SELECT of all {worklist['baseline_rows']:,} signed versions"),
    }
    errors = {r["name"]: r["errors"] for r in r1 + rn}
    for key, fig in figures.items():
        if key in ("lost", "overwritten"):
            fig["budget"] = "0"
    counts = {r["name"]: r["counts"] for r in rn}
    totals = Counter()
    for c in counts.values():
        totals.update(c)
    return {"quick": quick, "stations": stations, "seconds_all": seconds, "seconds_alone": alone,
            "checklists": checklists, "server": {"version": version, **settings}, "cpus": os.cpu_count(),
            "python": sys.version.split()[0], "figures": figures, "errors_by_station": errors,
            "activity_by_station": counts, "activity_total": dict(totals),
            "checks": {k: v for k, v in checks.items()}, "propagation": {
                "markers": prop_many["markers"], "seen": prop_many["seen"], "unseen": prop_many["unseen"],
                "notice_to_shown_p50": p(prop_many["notice_to_shown"], 50),
                "notice_to_shown_p99": p(prop_many["notice_to_shown"], 99),
                "enter_p50": p(prop_many["from_enter"], 50)},
            "probe_errors": {"alone": one["probe_errors"], "all": many["probe_errors"]},
            "worklist_rows": {"today": worklist["rows"], "all_dates": worklist["all_dates_rows"]},
            "notes": notes}


def table(report: dict[str, Any]) -> str:
    """The report as a text table, with notes under it."""
    def fmt(value: float | None, unit: str) -> str:
        if value is None or value != value:
            return "-"
        if not unit:
            return f"{value:.0f}"
        return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"

    rows = [("figure", "value", "baseline", "ratio", "budget", "result")]
    for fig in report["figures"].values():
        result = {True: "met", False: "NOT MET", None: ""}[fig["passed"]]
        ratio = f"{fig['ratio']:.2f}x" if fig.get("ratio") else "-"
        rows.append((fig["what"], fmt(fig["value"], fig["unit"]), fmt(fig["baseline"], fig["unit"]), ratio,
                     fig["budget"] or "", result))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join(cell.ljust(w) if i in (0, 4, 5) else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    s = report["server"]
    head = (f"checklist_app load benchmark ({'quick' if report['quick'] else 'full'}): {report['stations']} "
            f"stations for {report['seconds_all']:.0f} s (one alone for {report['seconds_alone']:.0f} s first), "
            f"PostgreSQL {s['version']} (fsync {s['fsync']}, synchronous_commit {s['synchronous_commit']}, "
            f"shared_buffers {s['shared_buffers']}), {report['checklists']:,} checklists, Python {report['python']}, "
            f"{report['cpus']} cores")
    out = [head, "", *lines, ""]
    pr, ch = report["propagation"], report["checks"]
    out.append("baselines: " + "; ".join(sorted({f'{f["baseline_what"]}' for f in report["figures"].values()
                                                  if f["baseline_what"]})))
    out.append(f"markers: {pr['markers']} made at the stations, {pr['seen']} sightings at other stations, "
               f"{pr['unseen']} never shown before being replaced or the end; poll noticed -> rows shown p50 "
               f"{pr['notice_to_shown_p50']:.0f} ms, p99 {pr['notice_to_shown_p99']:.0f} ms; Enter -> shown p50 "
               f"{pr['enter_p50']:.0f} ms")
    out.append(f"check: {ch['intents']} committed answers ({ch['fields']} station/record/field), "
               f"{ch['events_checked']} field_changed events, {ch['records_signed']} records signed, "
               f"{ch['records_draft']} left as drafts; lost {len(ch['lost'])}, overwritten {len(ch['overwritten'])}, "
               f"superseded by the same station's next commit before a save {ch['coalesced_by_own_later_commit']}, "
               f"set aside after a conflict {ch['set_aside_kept']}")
    for item in (ch["lost"] + ch["overwritten"])[:10]:
        out.append(f"  PROBLEM: {item}")
    out.append("activity: " + ", ".join(f"{k} {v}" for k, v in sorted(report["activity_total"].items())))
    out.append(f"worklist rows on the large database: today {report['worklist_rows']['today']}, "
               f"all dates {report['worklist_rows']['all_dates']}")
    out.append("errors by kind per station:")
    for name, errors in report["errors_by_station"].items():
        out.append(f"  {name}: " + (", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"))
    probe = report["probe_errors"]
    if probe["alone"] or probe["all"]:
        out.append(f"  parent's probe: {probe}")
    out += [f"note: {n}" for n in report["notes"]]
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "station":
        station_main(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), (int(sys.argv[5]), int(sys.argv[6])))
    elif len(sys.argv) > 1 and sys.argv[1] == "worklist":
        worklist_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(main())
