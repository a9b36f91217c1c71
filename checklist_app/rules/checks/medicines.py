"""Medicine holds: antithrombotics from the policy's table (GLP-1 agonists: ``glp1.py``).

Holds counted in doses become hours through the recorded dosing frequency (4 doses of a twice-daily
medicine = 48 h). CrCl (Cockcroft-Gault) picks the row; when CrCl is unknown the longest row is used,
and the message says so. When the frequency is not a regular schedule, the row's approximate hours apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from checklist_app.domain import conventions
from checklist_app.domain.findings import Finding
from checklist_app.domain.timeutil import aware, format_hours
from checklist_app.rules.context import Context
from checklist_app.rules.policy import HoldRow, Medicine, Rule
from checklist_app.rules.registry import Params, check

# Hours between doses for the regular schedules on the form: what "a dose" means in time.
DOSE_INTERVAL_HOURS = {"daily": 24, "bid": 12, "tid": 8, "weekly": 168}
ADVISED_NAMED = 5  # entries named in an advice finding; the rest are counted ("and 195 more")
FREQ_WORDS = {"daily": "once a day", "bid": "twice a day", "tid": "three times a day", "weekly": "once a week"}


class HoldParams(Params):
    """Where the medication list and CrCl are on the form."""

    item: str
    crcl_item: str
    action: str = Field(min_length=3)


def _row_hours(row: HoldRow, frequency: Any, warn: bool = False) -> tuple[float | None, str]:
    doses, hours = (row.warn_doses, row.warn_hours) if warn else (row.doses, row.hours)
    if hours is not None:
        return hours, format_hours(hours)
    if doses is None:
        return None, ""
    scale = doses / (row.doses or doses)  # warning rows count more doses than the stop row
    interval = DOSE_INTERVAL_HOURS.get(frequency)
    if interval is None:
        approx = (row.approx_hours or 0) * scale
        return approx, f"{doses} doses (about {format_hours(approx)}; dosing frequency not recorded as regular)"
    floor = (row.min_hours or 0) * scale
    if doses * interval < floor:  # a more frequent schedule never shortens the hold below the source's days
        return floor, f"{doses} doses and at least {format_hours(floor)}"
    return doses * interval, f"{doses} doses ({format_hours(doses * interval)} at {FREQ_WORDS[frequency]})"


def _choose_row(med: Medicine, crcl: float | None) -> tuple[HoldRow, str]:
    banded = [r for r in med.rows if r.crcl_at_least is not None or r.crcl_below is not None]
    if not banded:
        return med.rows[0], ""
    if crcl is not None:
        for row in banded:
            if row.applies(crcl):
                return row, f" with CrCl {crcl:g} mL/min"
    longest = max(banded, key=lambda r: _row_hours(r, None)[0] or 0)
    why = "CrCl is not known" if crcl is None else f"CrCl {crcl:g} mL/min is outside the table"
    return longest, f" ({why}, so the longest hold applies)"


def _fmt(moment: datetime) -> str:
    return conventions.format_datetime(aware(moment))


@check("medicine_holds", HoldParams)
def medicine_holds(ctx: Context, rule: Rule, params: HoldParams) -> Iterator[Finding]:
    """One finding per listed medicine whose last dose is too close to the start (or not recorded); a medicine
    the policy only advises about (NSAIDs, "Other") gives one finding per kind, listing its entries, so a long
    list of home medicines is one line for the proceduralist, not one per pill."""
    entries, start = ctx.value(params.item) or [], ctx.start
    advised: dict[str, tuple[Medicine, list[tuple[int, dict[str, Any]]]]] = {}
    yield from _holds(ctx, rule, params, entries, start, advised)
    for kind, (med, listed) in advised.items():
        # Only the first few entries are named, so only those are formatted: with 200 home medicines this
        # runs on every keystroke, and formatting every entry's last dose would be most of the check's time.
        named = [_advised_entry(n, entry, med) for n, entry in listed[:ADVISED_NAMED]]
        more = len(listed) - ADVISED_NAMED
        shown = "; ".join(named) + (f"; and {more} more" if more > 0 else "")
        yield ctx.finding(rule, params.item, f"{med.name}: {shown}. {med.note}", "Tell the proceduralist.",
                          detail=kind, severity="warning", source=med.source, source_detail=kind)


def _variant_missing(ctx: Context, rule: Rule, params: HoldParams, med: Medicine, name: str,
                     detail: str) -> Finding:
    """A warning that the entry does not say what this medicine's hold depends on (dose intensity, why it is
    taken); until it does, the medicine's general row applies, which for a hold is the longer one."""
    meds = ctx.item(params.item)
    field = meds.field(med.depends_on or "")  # type: ignore[union-attr]
    label = field.label if field is not None else med.depends_on
    choices = ", ".join(v.label for v in med.variants.values())
    return ctx.finding(rule, params.item, f"{name}: '{label}' is not recorded; this policy's advice depends on it "
                       f"({choices}), so its general advice is applied.", f"Ask the patient or the prescriber and "
                       f"record '{label}' for this medicine.", detail=f"{detail}:{med.depends_on}",
                       severity="warning", source=med.source, source_detail=detail.split("#")[0])


def _advised_entry(n: int, entry: dict[str, Any], med: Medicine) -> str:
    last = entry.get("last_dose")
    when = f", last dose {_fmt(last)}" if isinstance(last, datetime) else ""
    return f"#{n + 1} {entry.get('name') or med.name}{when}"


def _holds(ctx: Context, rule: Rule, params: HoldParams, entries: list[dict[str, Any]], start: datetime | None,
           advised: dict[str, tuple[Medicine, list[tuple[int, dict[str, Any]]]]]) -> Iterator[Finding]:
    for n, entry in enumerate(entries):
        listed = ctx.policy.medicines.get(entry.get("agent"))
        if listed is None:
            continue
        med, variant = listed.for_entry(entry)
        kind = f"{entry['agent']}:{entry[listed.depends_on]}" if variant else entry["agent"]  # for the source
        detail, name = f"{entry['agent']}#{n + 1}", med.name
        if entry.get("name"):
            name += f" ({entry['name']})"
        if listed.depends_on and not variant:
            yield _variant_missing(ctx, rule, params, listed, name, detail)
        elif variant:
            name += f", {variant}"
        if med.action == "continue":
            continue
        if med.action == "defer":
            yield ctx.finding(rule, params.item, f"{name}: {med.note}", "Defer the procedure, or decide with "
                              "cardiology and the proceduralist.", detail=detail, source=med.source,
                              source_detail=kind)
            continue
        if med.action == "advise":  # one finding per medicine kind, however many entries: see medicine_holds
            advised.setdefault(kind, (med, []))[1].append((n, entry))
            continue
        last = entry.get("last_dose")
        if not isinstance(last, datetime):
            yield ctx.finding(rule, params.item, f"{name}: the time of the last dose is not recorded, so the "
                              "hold cannot be checked.", "Ask the patient or check the medication record, and "
                              "enter the date and time of the last dose.", detail=detail, source=med.source,
                              source_detail=kind)
            continue
        if start is None:
            continue
        row, crcl_text = _choose_row(med, ctx.number(params.crcl_item))
        elapsed = aware(start) - aware(last)
        source_detail = kind + (f":{row.label}" if row.label else "")
        for warn in (False, True):
            hours, what = _row_hours(row, entry.get("frequency"), warn)
            if hours is None or elapsed >= timedelta(hours=hours):
                continue
            earliest = aware(last) + timedelta(hours=hours)
            note = f" {med.note}" if med.note else ""
            if warn:
                message = (f"{name}: last dose {_fmt(last)}, {format_hours(elapsed.total_seconds() / 3600)} "
                           f"before the start, is inside the policy's range (up to {what}){crcl_text}.{note}")
                yield ctx.finding(rule, params.item, message, "Decide with the proceduralist whether to wait "
                                  f"until {_fmt(earliest)}.", detail=detail, severity="warning",
                                  source=med.source, source_detail=source_detail)
            else:
                message = (f"{name}: last dose {_fmt(last)} is {format_hours(elapsed.total_seconds() / 3600)} "
                           f"before the start; this policy holds it for {what}{crcl_text}.{note}")
                yield ctx.finding(rule, params.item, message, f"Do not start before {_fmt(earliest)}. "
                                  f"{params.action}", detail=detail, source=med.source, source_detail=source_detail)
            break
