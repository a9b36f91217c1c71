"""The measurements, each run in a fresh child process by ``run.py``: ``python benchmarks/children.py NAME [ARGS]``.

Every child prints one JSON line (its last line of output) with its samples in milliseconds or bytes; the
parent computes medians and percentiles. A child measures its figure and the figure's baseline in the same
way, so both suffer the same noise of a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import common  # noqa: E402

NURSE, PIN = "rn.bench", "2468"


# --- cold start -----------------------------------------------------------------------------------------

def _quit_on_first_paint(*classes: type, live: Any = None) -> None:
    """Make the first paint of any of ``classes`` print the moment it finished and leave the event loop.

    The moment is taken in a zero timer after the paint event, when the whole window has been painted and
    flushed (children paint in the same pass). time.monotonic() is CLOCK_MONOTONIC, the same clock the
    parent read before starting this process. With ``live`` (a dict the app's start fills with ``live_at``
    once it has opened everything), the child waits for that too and prints both moments.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    state: dict[str, Any] = {"done": False}

    def finished(which: str) -> None:
        state.update(painted_at=time.monotonic(), window=which)
        wait_for_live()

    def wait_for_live() -> None:
        if live is not None and "live_at" not in live:
            QTimer.singleShot(1, wait_for_live)
            return
        common.emit({"painted_at": state["painted_at"], "window": state["window"], **(live or {})})
        QApplication.exit(0)

    for cls in classes:
        def paint(self: Any, event: Any, original: Any = cls.paintEvent) -> None:
            original(self, event)
            if not state["done"]:
                state["done"] = True
                QTimer.singleShot(0, lambda: finished(type(self).__name__))

        cls.paintEvent = paint


def startup_app(data_dir: str) -> None:
    """The real start (``python -m checklist_app --gui --data-dir DIR``) until its first window is painted,
    and until the app is live.

    The start has two steps (``ui/startup/``): the first window is painted from a read-only ``sqlite3``
    read of the database file (the worklist with today's rows; the sign-in screen alone where staff accounts
    exist; the empty worklist frame on a fresh install, which has no file yet); then the rest is opened
    (SQLAlchemy, migrations, form, policies, the rules engine's status of drafts, the demo patient on a fresh
    install). ``painted_at`` is the first; ``live_at`` the end of the second (``Opening.finish`` returned).
    """
    from checklist_app.__main__ import main
    from checklist_app.ui.lock.idle_lock import LockScreen
    from checklist_app.ui.startup import opening as startup
    from checklist_app.ui.worklist.window import WorklistWindow

    live: dict[str, float] = {}
    original_finish = startup.Opening.finish

    def finish(self: Any) -> None:
        original_finish(self)
        live["live_at"] = time.monotonic()

    startup.Opening.finish = finish
    _quit_on_first_paint(WorklistWindow, LockScreen, live=live)
    status = main(["--gui", "--data-dir", data_dir])
    sys.exit(status)


def startup_bare() -> None:
    """A bare QApplication and QMainWindow (with a label), shown until painted: the floor for any Qt app."""
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    class Bare(QMainWindow):
        pass

    _quit_on_first_paint(Bare)
    app = QApplication(sys.argv[:1])
    window = Bare()
    window.setCentralWidget(QLabel("Checklist worklist"))
    window.resize(1366, 768)
    window.show()
    sys.exit(app.exec())


# --- keystroke to findings updated ----------------------------------------------------------------------

def _context(data_dir: Path) -> Any:
    from PySide6.QtWidgets import QApplication

    from checklist_app.ui import theme
    from checklist_app.ui.context import AppContext
    from checklist_app.workflows.store import ChecklistStore

    app = QApplication.instance() or QApplication(sys.argv[:1])
    theme.apply_theme(app)
    moment = common.now()
    return AppContext(ChecklistStore.open(data_dir), clock=lambda: moment)


def _open_window(ctx: Any, data: dict[str, Any]) -> Any:
    from checklist_app.ui.checklist.window import ChecklistWindow
    from checklist_app.workflows.checklist_state import ChecklistState

    ctx.store.save_draft(data["record_id"], data, ctx.user_id())
    state, dropped = ChecklistState.from_data(ctx.form, data, fallback_staff=ctx.user_id(), now=ctx.now(),
                                              policy_id="sir-2019")
    if dropped:
        raise SystemExit(f"the benchmark record no longer fits the form: {dropped}")
    window = ChecklistWindow(ctx, state)
    window.resize(1366, 768)
    window.show()
    return window


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def keystroke_app(count: int, medications: int) -> None:
    """Real keys into the checklist window holding the 200-medication record, each until the screen is updated.

    One sample: ``QTest.keyClick`` on a field, then the event loop until idle (the findings, section list,
    banner and inline messages are updated synchronously by the key's signal chain; layout and painting are
    done by the processEvents calls). Autosave runs on its worker thread as in the app, so a save that
    overlaps a key shows in the tail. Two kinds of key, alternating runs of each:

    - ``text``: 'x' / Backspace in the dose of medication 1 (every key re-evaluates; findings unchanged);
    - ``finding``: Y / N on "Systemic infection" (each key adds or removes a hard stop card).
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    guarded = common.guard_none()
    folder = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    ctx = _context(folder)
    try:
        started = time.perf_counter()
        window = _open_window(ctx, common.record_data(ctx.form, count=medications))
        _settle()
        open_ms = (time.perf_counter() - started) * 1000
        sections = [s.id for s in ctx.form.sections]
        meds_page = window.pages[sections.index("medications")]
        dose = meds_page.items["medications"].select_entry(0).fields["dose"].edit
        infection_index = sections.index("infection")
        infection = window.pages[infection_index].items["systemic_infection"]
        samples: dict[str, list[float]] = {"text": [], "finding": []}
        cards_seen = set()
        for block in range(0, count, 10):
            kind = "text" if (block // 10) % 2 == 0 else "finding"
            if kind == "text":
                window.show_section(sections.index("medications"), focus=False)
                target = dose
            else:
                window.show_section(infection_index, focus=False)
                target = infection.first_focus()
            target.setFocus()
            _settle()
            for n in range(min(10, count - block)):
                if kind == "text":
                    key = Qt.Key.Key_X if n % 2 == 0 else Qt.Key.Key_Backspace
                else:
                    key = Qt.Key.Key_Y if n % 2 == 0 else Qt.Key.Key_N
                t0 = time.perf_counter()
                QTest.keyClick(target, key)
                _settle()
                samples[kind].append((time.perf_counter() - t0) * 1000)
                cards_seen.add(len(window.findings.cards))
        if len(cards_seen) < 2 and samples["finding"]:
            raise SystemExit("the 'finding' keys did not change the findings panel: the benchmark is broken")
        ctx.autosaver.wait_until_saved(5)
        window.close()
    finally:
        ctx.close()
        shutil.rmtree(folder, ignore_errors=True)
    common.emit({"samples": samples["text"] + samples["finding"], "by_kind": samples, "open_ms": open_ms,
                 "guarded": guarded})


def keystroke_bare(count: int) -> None:
    """The floor: a key into a bare QLineEdit whose textChanged sets a label, until the event loop is idle."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow, QVBoxLayout, QWidget

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    central = QWidget()
    layout = QVBoxLayout(central)
    edit, label = QLineEdit(), QLabel()
    edit.textChanged.connect(label.setText)
    layout.addWidget(edit)
    layout.addWidget(label)
    window.setCentralWidget(central)
    window.resize(1366, 768)
    window.show()
    edit.setFocus()
    _settle()
    samples = []
    for n in range(count):
        t0 = time.perf_counter()
        QTest.keyClick(edit, Qt.Key.Key_X if n % 2 == 0 else Qt.Key.Key_Backspace)
        _settle()
        samples.append((time.perf_counter() - t0) * 1000)
    del app
    common.emit({"samples": samples})


def crash_check(medications: int, keys: int) -> None:
    """Without the None guard: open the 200-medication window and type; prints only when it survived."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    folder = Path(tempfile.mkdtemp(prefix="bench-crash-"))
    ctx = _context(folder)
    window = _open_window(ctx, common.record_data(ctx.form, count=medications))
    _settle()
    dose = window.pages[[s.id for s in ctx.form.sections].index("medications")].items["medications"] \
        .select_entry(0).fields["dose"].edit
    for n in range(keys):
        QTest.keyClick(dose, Qt.Key.Key_X if n % 2 == 0 else Qt.Key.Key_Backspace)
        _settle()
    common.emit({"survived": True, "none_refs_left": sys.getrefcount(None)})
    os._exit(0)


# --- autosave commit ------------------------------------------------------------------------------------

def autosave(count: int, medications: int) -> None:
    """``storage.save_draft`` of the 200-medication draft into a real SQLite file, one answer changed per save
    (as typing does: one ``field_changed`` event each); baseline: a bare sqlite3 INSERT of the same JSON bytes
    with the same durability settings (WAL, synchronous=FULL), committed."""
    from checklist_app import storage
    from checklist_app.domain.canonical import canonical_json
    from checklist_app.rules import load_form

    form = load_form()
    folder = Path(tempfile.mkdtemp(prefix="bench-autosave-"))
    try:
        db = storage.open_database(data_dir=folder / "app")
        data = common.record_data(form, count=medications)
        storage.save_draft(db, data["record_id"], data, staff_id=NURSE)
        app_ms = []
        for n in range(count):
            data["answers"]["medications"][0]["dose"] = f"{n % 7 + 1} mg"
            t0 = time.perf_counter()
            storage.save_draft(db, data["record_id"], data, staff_id=NURSE)
            app_ms.append((time.perf_counter() - t0) * 1000)
        db.close()
        payload = canonical_json(data).decode()
        conn = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE drafts (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        bare_ms = []
        for _ in range(count):
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO drafts (data) VALUES (?)", (payload,))
            conn.execute("COMMIT")
            bare_ms.append((time.perf_counter() - t0) * 1000)
        conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    common.emit({"samples": app_ms, "baseline": bare_ms, "json_bytes": len(payload)})


# --- sign to packet ---------------------------------------------------------------------------------------

def _staffed_db(folder: Path) -> Any:
    """A database with one nurse, and the installation's seal certificate already made (as on a used install)."""
    import subprocess

    from checklist_app import storage

    subprocess.run([sys.executable, "-c", "from checklist_app.pdf.certificates import installation_identity as i; i()"],
                   check=True, env={**os.environ, "CHECKLIST_APP_DATA_DIR": str(folder)})

    db = storage.open_database(data_dir=folder)
    storage.add_staff(db, NURSE, "Bench Nurse", "RN", "nurse", PIN, actor="bench")
    return db


def sign_packet(medications: int, runs: int) -> None:
    """Sign a draft and store both PDFs, sealed: what signing in the app does (``workflows.signing.sign`` then
    ``workflows.packet.keep_packet``), in this order, step by step so each step is timed.

    Timed: evaluate and validate the record, ``storage.sign`` (PIN check with scrypt, freeze, audit), the
    packet from the signed version (``workflows.packet.packet_for``), the checklist and discharge PDFs, a PAdES
    seal on each, both stored with the signed version in the database (``attach_pdf``). Before the clock
    starts: the app's own start-up imports (Qt windows, reportlab), and ``seal.preload()`` joined, which the
    app starts in the background when "Review and sign" opens (so "first" assumes the nurse took the ~0.5 s
    it needs to read the review and type the PIN).
    """
    import checklist_app.ui.startup.opening  # noqa: F401  (what the running app has imported before anyone signs)

    folder = Path(tempfile.mkdtemp(prefix="bench-sign-"))
    os.environ["CHECKLIST_APP_DATA_DIR"] = str(folder)  # the seal certificate lives in the data folder
    try:
        from checklist_app.domain.record import parse_record
        from checklist_app.domain.signed import SignedContent
        from checklist_app.pdf import render_checklist, render_discharge, seal
        from checklist_app.pdf.seal import seal_pdf
        from checklist_app.ui import gc_pause
        from checklist_app.ui.context import AppContext
        from checklist_app.workflows.checklist_state import ChecklistState
        from checklist_app.workflows.packet import packet_for
        from checklist_app.workflows.store import ChecklistStore

        db = _staffed_db(folder)
        # What the app has done by the time a nurse signs: opening "Review and sign" started loading the seal
        # machinery (pyHanko, fonts, certificate) in the background while the review is read and the PIN
        # typed, and the open checklist window froze the long-lived heap (no full garbage collections).
        seal.preload().join()
        gc_pause.window_opened()
        moment = common.now()
        ctx = AppContext(ChecklistStore(db, folder), clock=lambda: moment)
        policy = ctx.policy("sir-2019")
        timings = []
        for run in range(runs):
            data = common.record_data(ctx.form, record_id=f"bench-sign-{run}", count=medications)
            ctx.store.save_draft(data["record_id"], data, NURSE)
            state, _ = ChecklistState.from_data(ctx.form, data, fallback_staff=NURSE, now=moment, policy_id=policy.id)
            steps = {}
            t0 = time.perf_counter()
            evaluation = state.evaluate(policy, moment)
            record = parse_record(state.to_data(evaluation.visible_items), ctx.form, moment)
            content = SignedContent.of(record, evaluation)
            steps["validate"] = time.perf_counter()
            version = ctx.store.sign(state.record_id, signer_id=NURSE, pin=PIN, meaning="Checklist completed",
                                     content=content, form_id=ctx.form.id, form_version=ctx.form.version,
                                     policy_id=policy.id, policy_version=policy.version)
            steps["sign"] = time.perf_counter()
            packet = packet_for(ctx, version, lambda staff_id: staff_id)
            checklist = render_checklist(packet)
            steps["checklist_pdf"] = time.perf_counter()
            discharge = render_discharge(packet)
            steps["discharge_pdf"] = time.perf_counter()
            checklist, discharge = seal_pdf(checklist), seal_pdf(discharge)
            steps["seal"] = time.perf_counter()
            for kind, pdf in (("checklist", checklist), ("discharge", discharge)):  # as workflows.packet.keep_packet
                ctx.store.attach_pdf(version.version_id, pdf, staff_id=NURSE, kind=kind)
            steps["store"] = time.perf_counter()
            previous, split = t0, {}
            for name, at in steps.items():
                split[name] = (at - previous) * 1000
                previous = at
            timings.append({"total": (previous - t0) * 1000, "steps": split, "pages_bytes": len(checklist)})
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    common.emit({"runs": timings})


def sign_baseline(runs: int) -> None:
    """reportlab alone building a two-page document (paragraphs and a table), first time in a process and warm."""
    import io

    t_import = time.perf_counter()
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    import_ms = (time.perf_counter() - t_import) * 1000
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        styles = getSampleStyleSheet()
        story: list[Any] = []
        for page in range(2):
            story.append(Paragraph(f"Page {page + 1}", styles["Title"]))
            story += [Paragraph(f"Line {n}: the quick brown fox jumps over the lazy dog.", styles["Normal"])
                      for n in range(12)]
            story.append(Table([[f"row {r} column {c}" for c in range(4)] for r in range(30)], repeatRows=1))
            if page == 0:
                story.append(PageBreak())
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=letter).build(story)
        timings.append((time.perf_counter() - t0) * 1000)
    common.emit({"runs": timings, "import_ms": import_ms})


# --- worklist on a large database -------------------------------------------------------------------------

def worklist(data_dir: str, runs: int) -> None:
    """Open the worklist window (rows built from the database, shown, painted) on an already open database.

    The database is opened first and not timed (that is start-up, measured apart); then each run builds a
    WorklistWindow, shows it and processes events until it is painted. Baseline: a bare sqlite3
    ``SELECT record_id, signed_at FROM signed_versions`` of every row.
    """
    from PySide6.QtWidgets import QApplication

    from checklist_app.ui.worklist.window import WorklistWindow

    t0 = time.perf_counter()
    ctx = _context(Path(data_dir))
    open_ms = (time.perf_counter() - t0) * 1000
    app = QApplication.instance()
    samples, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        window = WorklistWindow(ctx)
        window.resize(1366, 768)
        window.show()
        _settle()
        samples.append((time.perf_counter() - t0) * 1000)
        rows = window.model.rowCount()
        window.close()
        window.deleteLater()
        _settle()
    t0 = time.perf_counter()
    window = WorklistWindow(ctx)
    window.show()
    _settle()
    window.scope_combo.setCurrentIndex(1)  # "All dates"
    _settle()
    all_dates_ms = (time.perf_counter() - t0) * 1000
    all_rows = window.model.rowCount()
    window.close()
    ctx.close()
    del app
    baseline = []
    path = Path(data_dir).resolve() / "checklist.sqlite3"
    for _ in range(runs):
        t0 = time.perf_counter()
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        fetched = conn.execute("SELECT record_id, signed_at FROM signed_versions").fetchall()
        conn.close()
        baseline.append((time.perf_counter() - t0) * 1000)
    common.emit({"samples": samples, "baseline": baseline, "rows": rows, "baseline_rows": len(fetched),
                 "all_dates_ms": all_dates_ms, "all_dates_rows": all_rows, "database_open_ms": open_ms})


# --- peak memory ------------------------------------------------------------------------------------------

def memory_app(medications: int) -> None:
    """Complete a checklist in a fresh process: the app started, the 200-medication draft loaded into the
    checklist window and evaluated, then signed and both PDFs of the packet rendered and sealed; ru_maxrss."""
    guarded = common.guard_none()
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    os.environ["CHECKLIST_APP_DATA_DIR"] = str(folder)
    try:
        from checklist_app import storage
        from checklist_app.pdf import render_checklist, render_discharge
        from checklist_app.pdf.seal import seal_pdf
        from checklist_app.workflows.packet import packet_for
        from checklist_app.workflows.signing import meaning_of, sign

        db = _staffed_db(folder)
        db.close()
        ctx = _context(folder)
        ctx.set_user(ctx.store.staff(NURSE))  # as after the sign-in screen: actions are the nurse's
        window = _open_window(ctx, common.record_data(ctx.form, count=medications))
        _settle()
        for warning in window.checklist.evaluation.unacknowledged_warnings:  # as a nurse does before signing
            window.checklist.acknowledge(warning.key, "Physician told, agreed to go ahead")
        version = sign(window.checklist, NURSE, PIN, meaning_of(window.checklist)[0])
        packet = packet_for(ctx, version, window.staff_name)
        documents = [seal_pdf(render_checklist(packet)), seal_pdf(render_discharge(packet))]
        assert all(d.startswith(b"%PDF") for d in documents)
        assert isinstance(version, storage.SignedVersion)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        window.close()
        ctx.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    common.emit({"peak_bytes": peak, "guarded": guarded})


def memory_bare() -> None:
    """A bare QApplication with a QMainWindow shown and painted; ru_maxrss."""
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Checklist worklist"))
    window.resize(1366, 768)
    window.show()
    _settle()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    del app
    common.emit({"peak_bytes": peak})


def environment() -> None:
    """Versions, and whether this Qt binding leaks references to None."""
    import platform

    import PySide6
    import reportlab
    import sqlalchemy
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    leak = common.none_leak_per_call()
    del app
    common.emit({"python": platform.python_version(), "pyside6": PySide6.__version__,
                 "reportlab": reportlab.Version, "sqlalchemy": sqlalchemy.__version__,
                 "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(), "machine": platform.machine(),
                 "none_refs_lost_per_qt_call": leak, "none_refs_at_start": sys.getrefcount(None)})


def main() -> None:
    """Dispatch to one measurement."""
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    a = options.args
    table = {
        "startup-app": lambda: startup_app(a[0]),
        "startup-bare": startup_bare,
        "keystroke-app": lambda: keystroke_app(int(a[0]), int(a[1])),
        "keystroke-bare": lambda: keystroke_bare(int(a[0])),
        "crash-check": lambda: crash_check(int(a[0]), int(a[1])),
        "autosave": lambda: autosave(int(a[0]), int(a[1])),
        "sign": lambda: sign_packet(int(a[0]), int(a[1])),
        "sign-baseline": lambda: sign_baseline(int(a[0])),
        "worklist": lambda: worklist(a[0], int(a[1])),
        "memory-app": lambda: memory_app(int(a[0])),
        "memory-bare": memory_bare,
        "environment": environment,
    }
    table[options.name]()


if __name__ == "__main__":
    main()
