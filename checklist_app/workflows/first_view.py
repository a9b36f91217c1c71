"""The first view at start-up: the worklist's rows, built from what ``storage.first_view`` reads from the
database file with the standard library's ``sqlite3``, before SQLAlchemy, pydantic and the rules are
imported (``ui.startup`` paints them first). No Qt.

The rows are those ``worklist_rows.build_rows`` makes once the app is open, except each draft's status,
"Checking..." until the rules engine rates it; where staff must sign in, no patient is read at all. Anything
that cannot be read gives no rows and the reason (``FirstView.problem``); the full start then says it on
screen. The form's procedure labels and the facility's name come from ``cached_yaml``: display only, until
the app is live and reads the installed files.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from checklist_app import resources
from checklist_app.cached_yaml import load_yaml
from checklist_app.domain import conventions
from checklist_app.domain.errors import ChecklistError
from checklist_app.storage.first_view import (
    KNOWN_SCHEMA,
    FirstViewError,
    Snapshot,
    database_file,
    default_data_dir,
    read_snapshot,
    unreadable_record,
)
from checklist_app.storage.paths import DATA_DIR_ENV, DATABASE_FILE, DATABASE_URL_ENV
from checklist_app.workflows.worklist_rows import (
    WorklistRow,
    answer_texts,
    scheduled_at,
    signed_rows,
    signed_since,
    sorted_rows,
)

# What the start-up and the tests take from storage through here, besides the first view itself.
__all__ = ["DATABASE_FILE", "DATABASE_URL_ENV", "DATA_DIR_ENV", "KNOWN_SCHEMA", "FirstView", "FirstViewError",
           "database_file", "default_data_dir", "procedure_labels", "read_first_view", "read_rows"]


@dataclass(frozen=True)
class FirstView:
    """What the first window shows: the worklist's rows, whether staff must sign in, the facility's name."""

    rows: list[WorklistRow] = field(default_factory=list)
    has_staff: bool = False
    facility_name: str = ""
    problem: str = ""  # why the rows could not be read (then there are none; the full start reports it)


def read_first_view(data_dir: Path, now: datetime) -> FirstView:
    """The first view of ``data_dir``; never raises (a file it cannot read gives no rows and a ``problem``).

    Where staff must sign in first, no patient is read: the sign-in screen shows none, and the worklist
    behind it is made once the app is open.
    """
    facility = _facility_name(data_dir)
    _use_site_locale()
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
    snapshot = read_snapshot(path, signed_since(now, all_dates), unless_staff=unless_staff)
    if not (snapshot.drafts or snapshot.versions):
        return [], snapshot.has_staff  # nothing to label: the form is not read
    try:
        return _rows(snapshot, now, all_dates), snapshot.has_staff
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise unreadable_record(path, exc) from None


def _rows(snapshot: Snapshot, now: datetime, all_dates: bool) -> list[WorklistRow]:
    labels = procedure_labels()

    def label(value: str) -> str:
        return labels.get(value, value)

    rows = []
    for record_id, data, base_version_id in snapshot.drafts:
        answers = data.get("answers") or {}
        rows.append(WorklistRow(record_id, scheduled=scheduled_at(answers.get("scheduled_start")), status="checking",
                                is_draft=True, amendment=base_version_id is not None,
                                **answer_texts(label, answers)))
    drafts = {row.record_id for row in rows}
    # Read as storage reads it (domain.signed.SignedContent): a version that does not say is not cleared.
    signed = ((record_id, version_id, amendment, content.get("record", {}).get("answers", {}),
               content.get("cleared", False)) for record_id, version_id, amendment, content in snapshot.versions)
    rows += signed_rows(signed, snapshot.printed, drafts, label, now, all_dates)
    return sorted_rows(rows)


def procedure_labels() -> dict[str, str]:
    """The shipped form's procedure options (value -> label); {} if the form cannot be read (the value shows)."""
    try:
        form = load_yaml(resources.form_path(resources.DEFAULT_FORM))
        items = [item for section in form["sections"] for item in section["items"]]
        options = next(item["options"] for item in items if item.get("id") == "procedure_type")
        return {str(o["value"]): str(o["label"]) for o in options}
    except (OSError, ValueError, LookupError, TypeError, AttributeError, StopIteration, ChecklistError):
        return {}


def _use_site_locale() -> None:
    """The first window's dates in the site's conventions: the locale is set only in the shipped site file
    (no workstation overrides it), so it is read from there now; the full start sets it again."""
    # A broken file keeps the default (en-US) until the full start, which reports it.
    with suppress(OSError, ValueError, AttributeError, ChecklistError):
        conventions.set_site_locale(load_yaml(resources.form_path("site.yaml")).get("locale", "en-US"))


def _facility_name(data_dir: Path) -> str:
    """The facility's name from the site settings (the data folder's file over the shipped one); "" if unsure."""
    for path in (data_dir / "site.yaml", resources.form_path("site.yaml")):
        try:
            data = load_yaml(path)
        except FileNotFoundError:
            continue
        except (OSError, ValueError, ChecklistError):
            return ""  # a broken file: the full start names it
        if isinstance(data, dict) and "facility_name" in data:
            return data["facility_name"] if isinstance(data["facility_name"], str) else ""
    return ""
