"""The worklist's rows: one per checklist, from drafts and signed versions, with a status in words. No Qt.

A draft's status comes from the rules engine (hard stop, warnings, draft, ready to sign); a signed
record's from how it was signed (cleared or NOT CLEARED) and whether it was printed. "Today" shows the
checklists scheduled today plus every unfinished draft, whatever its date: a draft left yesterday must
not disappear from view.

Two ways to build them. ``build_rows`` works on the open store, the form and the policies (the rules
engine needs pydantic and the whole storage layer, imported here only when called). At start-up the
window is painted before those are loaded, with ``read_first_view``'s rows: the same rows read from the
database file with the standard library's ``sqlite3``, opened read-only, each draft's status
"Checking..." until ``build_rows`` replaces them.

That read belongs in ``checklist_app.storage``, but importing any module of that package imports its
``__init__``, and with it SQLAlchemy and the pydantic models (~400 ms, more than the whole start-up
budget); so it lives here, on storage's tables, until that package imports lazily.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from checklist_app import resources
from checklist_app.domain.errors import ChecklistError
from checklist_app.domain.timeutil import aware, parse_datetime
from checklist_app.ui import messages

if TYPE_CHECKING:  # pydantic models: loaded with the storage layer, after the first paint
    from checklist_app.domain.form import FormDefinition
    from checklist_app.rules.policy import PolicyDefinition

# States the worklist adds to messages.yaml's (kept here until they move there, outside the ui package).
UI_STATES = {
    "policy_unavailable": "Policy unavailable",
    "checking": "Checking...",  # a draft listed at start-up before the rules engine is loaded
}


@dataclass(frozen=True)
class WorklistRow:
    """One checklist in the worklist."""

    record_id: str
    patient: str
    mrn: str
    procedure: str
    levels: str
    scheduled: datetime | None
    status: str  # a key of messages "states" (draft, hard_stop, warnings, ready, signed, ...) or of UI_STATES
    is_draft: bool
    problem: str = ""  # why the status could not be worked out (policy_unavailable): names the file
    amendment: bool = False  # a draft amending a signed version, or a signed version that is an amendment

    @property
    def status_text(self) -> str:
        """The status in words ('Amendment: Ready to sign', 'Signed (amended)' for amendments)."""
        text = UI_STATES.get(self.status) or messages.text(f"states.{self.status}")
        if self.amendment:
            return f"Amendment: {text}" if self.is_draft else f"{text} (amended)"
        return text

    def matches(self, query: str) -> bool:
        """Whether a search (name or MRN, any case, spaces ignored in the MRN) finds this row."""
        wanted = query.strip().lower()
        if not wanted:
            return True
        compact = "".join(wanted.split())
        return wanted in self.patient.lower() or compact in "".join(self.mrn.lower().split())


def answer_texts(procedure_label: Callable[[str], str], answers: dict[str, Any]) -> dict[str, Any]:
    """The row's patient, MRN, procedure (its label) and levels, from a record's answers."""
    procedure = answers.get("procedure_type")
    return {
        "patient": str(answers.get("patient_name") or "(name not entered)"),
        "mrn": str(answers.get("mrn") or ""),
        "procedure": procedure_label(procedure) if procedure else "",
        "levels": ", ".join(str(v) for v in levels) if isinstance(levels := answers.get("levels"), list) else "",
    }


def scheduled_at(value: Any) -> datetime | None:
    """A record's scheduled start (decoded or ISO text), or None when absent or unreadable."""
    if isinstance(value, datetime):
        return aware(value)
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def signed_since(now: datetime, all_dates: bool) -> datetime | None:
    """How far back signed checklists are read for "Today" (those scheduled today are kept from them)."""
    return None if all_dates else aware(now) - timedelta(days=2)


def signed_rows(versions: Iterable[tuple[str, int, bool, dict[str, Any]]], printed: set[int], drafts: set[str],
                procedure_label: Callable[[str], str], now: datetime, all_dates: bool) -> list[WorklistRow]:
    """Rows of the latest signed versions, given as (record_id, version_id, is_amendment, content)."""
    rows: list[WorklistRow] = []
    today = aware(now).astimezone().date()
    for record_id, version_id, amendment, content in versions:
        if record_id in drafts:
            continue  # an amendment in progress: the draft row stands for it
        answers = content.get("record", {}).get("answers", {})
        scheduled = scheduled_at(answers.get("scheduled_start"))
        if not all_dates and (scheduled is None or scheduled.astimezone().date() != today):
            continue
        cleared = content.get("cleared", True)
        status = "printed" if version_id in printed else ("signed" if cleared else "signed_not_cleared")
        rows.append(WorklistRow(record_id, scheduled=scheduled, status=status, is_draft=False, amendment=amendment,
                                **answer_texts(procedure_label, answers)))
    return rows


def sorted_rows(rows: list[WorklistRow]) -> list[WorklistRow]:
    """Soonest scheduled first, unscheduled last, then by patient."""
    far = aware(datetime.max - timedelta(days=2))
    return sorted(rows, key=lambda r: (r.scheduled or far, r.patient))


def form_procedure_label(form: FormDefinition) -> Callable[[str], str]:
    """The form's label for a procedure value (the value itself when the form has no such option)."""
    item = form.item("procedure_type") if form.has_item("procedure_type") else None
    return item.option_label if item is not None else (lambda value: "")  # type: ignore[attr-defined]


def build_rows(store: Any, form: FormDefinition, policy_for: Callable[[str], PolicyDefinition],
               completeness: Callable[[PolicyDefinition], frozenset[str]], now: datetime, *,
               all_dates: bool = False, default_policy: str = "sir-2019") -> list[WorklistRow]:
    """Rows for the worklist, soonest scheduled first (unscheduled drafts last)."""
    from checklist_app.ui.checklist_state import ChecklistState
    from checklist_app.ui.section_state import overview

    label = form_procedure_label(form)
    rows: list[WorklistRow] = []
    for draft in store.drafts():
        state, _ = ChecklistState.from_data(form, draft.data, fallback_staff=draft.saved_by, now=now,
                                            policy_id=default_policy, base_version_id=draft.base_version_id)
        problem = ""
        try:
            policy = policy_for(state.policy_id)
            evaluation = state.evaluate(policy, now)
            status = overview(form, evaluation, state.answers, completeness(policy)).status
        except ChecklistError as exc:
            # One draft's missing or broken policy file must not take the whole worklist down: that row
            # says so (opening it shows the file and the fix), every other row is listed as usual.
            status, problem = "policy_unavailable", str(exc)
        rows.append(WorklistRow(draft.record_id, scheduled=scheduled_at(state.answers.get("scheduled_start")),
                                status=status, is_draft=True, problem=problem, amendment=state.is_amendment,
                                **answer_texts(label, state.answers)))
    since = signed_since(now, all_dates)
    versions = store.latest_versions(since)
    printed = store.printed(versions)
    signed = ((v.record_id, v.version_id, v.replaces_version_id is not None, v.content) for v in versions)
    rows += signed_rows(signed, printed, {row.record_id for row in rows}, label, now, all_dates)
    return sorted_rows(rows)


# --- the first view: read before storage, pydantic and the rules are imported ---------------------------

DATABASE_FILE = "checklist.sqlite3"  # storage.paths.DATABASE_FILE (tests keep these three equal to storage's)
DATA_DIR_ENV, DATABASE_URL_ENV = "CHECKLIST_APP_DATA_DIR", "CHECKLIST_APP_DATABASE_URL"
KNOWN_SCHEMA = 3  # storage.migrations.LATEST_VERSION: a newer database is left to the full start to refuse
SQLITE_HEADER = b"SQLite format 3\x00"


class FirstViewError(ChecklistError):
    """The database file could not be read for the first view (the full start then says why, on screen)."""


@dataclass(frozen=True)
class FirstView:
    """What the first window shows: the worklist's rows, whether staff must sign in, the facility's name."""

    rows: list[WorklistRow] = field(default_factory=list)
    has_staff: bool = False
    facility_name: str = ""
    problem: str = ""  # why the rows could not be read (then there are none; the full start reports it)


def database_file(data_dir: Path) -> Path:
    """The SQLite file in a data folder."""
    return data_dir / DATABASE_FILE


def read_first_view(data_dir: Path, now: datetime) -> FirstView:
    """The first view of ``data_dir``; never raises (a file it cannot read gives no rows and a ``problem``).

    Where staff must sign in first, no patient is read: the sign-in screen shows none, and the worklist
    behind it is made once the app is open.
    """
    facility = _facility_name(data_dir)
    try:
        rows, has_staff = read_rows(database_file(data_dir), now, unless_staff=True)
    except FirstViewError as exc:
        return FirstView([], False, facility, str(exc))
    return FirstView(rows, has_staff, facility)


def read_rows(path: Path, now: datetime, *, all_dates: bool = False,
              unless_staff: bool = False) -> tuple[list[WorklistRow], bool]:
    """(the worklist's rows, whether active staff accounts exist) from the SQLite file, opened read-only.

    Rows as ``build_rows`` makes them, except each draft's status: "checking" (the rules engine decides it).
    No file, or an empty one, is a database not made yet: no rows. ``unless_staff``: no rows either when
    staff accounts exist. FirstViewError when the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return [], False
    except OSError as exc:
        raise FirstViewError(f"The database {path} could not be read ({exc.strerror or exc}).") from None
    if not header:
        return [], False
    if header != SQLITE_HEADER:
        raise FirstViewError(f"The database {path} does not start like an SQLite database.")
    import sqlite3  # not before there is a file: a new installation's first paint does without

    # SQLite makes the -wal and -shm files of a WAL database even for a read-only connection: readable by
    # this account only, like the database (nothing else runs yet, so changing the umask affects nothing else).
    umask = os.umask(0o077)
    try:
        # mode=ro: whatever is wrong with the file, this read never writes to it (nor replays its -wal).
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0)
        try:
            return _read(conn, path, now, all_dates, unless_staff)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FirstViewError(f"The database {path} could not be read ({exc}).") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise FirstViewError(f"The database {path} holds a record that could not be read ({type(exc).__name__}).") from None
    finally:
        os.umask(umask)


def _read(conn: Any, path: Path, now: datetime, all_dates: bool, unless_staff: bool) -> tuple[list[WorklistRow], bool]:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
        return [], False  # created, not yet migrated
    schema = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    if schema > KNOWN_SCHEMA:
        raise FirstViewError(f"The database {path} was written by a newer version of the app (schema {schema}).")
    has_staff = bool(conn.execute("SELECT EXISTS (SELECT 1 FROM staff WHERE active)").fetchone()[0])
    if has_staff and unless_staff:
        return [], True
    label = procedure_labels().get
    rows = []
    for record_id, data, base_version_id in conn.execute(
            "SELECT record_id, data, base_version_id FROM drafts ORDER BY saved_at DESC, record_id"):
        answers = json.loads(data).get("answers") or {}
        rows.append(WorklistRow(record_id, scheduled=scheduled_at(answers.get("scheduled_start")), status="checking",
                                is_draft=True, amendment=base_version_id is not None,
                                **answer_texts(lambda value: label(value, value), answers)))
    since = signed_since(now, all_dates)
    query = ("SELECT v.version_id, v.record_id, v.replaces_version_id, v.content_json FROM signed_versions v "
             "WHERE NOT EXISTS (SELECT 1 FROM signed_versions later WHERE later.record_id = v.record_id "
             "AND later.version_no > v.version_no)" + (" AND v.signed_at >= ?" if since else "") +
             " ORDER BY v.signed_at DESC, v.version_id DESC LIMIT 500")
    since_text = [since.astimezone(UTC).isoformat(timespec="microseconds")] if since else []
    versions = [(record_id, version_id, replaces is not None, json.loads(content)["content"])
                for version_id, record_id, replaces, content in conn.execute(query, since_text)]
    printed: set[int] = set()
    if versions:
        records = sorted({v[0] for v in versions})
        marks = ", ".join("?" * len(records))
        for (details,) in conn.execute("SELECT details FROM audit_events WHERE event_type = 'printed' "
                                       f"AND record_id IN ({marks})", records):
            printed.add(json.loads(details).get("version_id"))
    drafts = {row.record_id for row in rows}
    rows += signed_rows(versions, printed, drafts, lambda value: label(value, value), now, all_dates)
    return sorted_rows(rows), has_staff


def procedure_labels() -> dict[str, str]:
    """The shipped form's procedure options (value -> label), read from that one item's lines of the file.

    Parsing the whole 27 KB form takes ~25 ms even with libyaml, a tenth of the start-up budget; the
    item is a few lines. Anything unexpected gives {} (the stored value is shown until the full start).
    """
    try:
        text = resources.form_path(resources.DEFAULT_FORM).read_text(encoding="utf-8")
        start = text.index("- id: procedure_type\n")
        indent = text.rindex("\n", 0, start) + 1
        prefix = text[indent:start]
        end = text.find("\n" + prefix + "- ", start)
        block = [line[len(prefix):] for line in text[indent:end if end >= 0 else None].splitlines()]
        item = yaml.load("\n".join(block), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))[0]
        return {str(o["value"]): str(o["label"]) for o in item["options"]}
    except (OSError, ValueError, yaml.YAMLError, LookupError, TypeError, ChecklistError):
        return {}


def _facility_name(data_dir: Path) -> str:
    """The facility's name from the site settings (the data folder's file over the shipped one); "" if unsure."""
    for path in (data_dir / "site.yaml", resources.form_path("site.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except FileNotFoundError:
            continue
        except (OSError, ValueError, yaml.YAMLError, ChecklistError):
            return ""  # a broken file: the full start names it
        if isinstance(data, dict) and "facility_name" in data:
            return data["facility_name"] if isinstance(data["facility_name"], str) else ""
    return ""


def default_data_dir() -> Path:
    """The data folder as ``storage.paths.data_dir()`` finds it (``$CHECKLIST_APP_DATA_DIR`` or the user's)."""
    chosen = os.environ.get(DATA_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("checklist_app", appauthor=False))
