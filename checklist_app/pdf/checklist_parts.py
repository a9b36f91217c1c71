"""The body of the checklist PDF: status, key values, findings, each section's answers (the signature and
what follows it are in ``checklist_signature``).

Only items the engine says are visible are printed (``Evaluation.visible_items``); a required visible
item with no answer prints as NOT ANSWERED so a gap is never silent. List answers get their own
sub-table whose header repeats on every page it runs over.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from checklist_app.domain.answer_text import format_answer, format_moment, repeat_rows
from checklist_app.domain.findings import Finding
from checklist_app.domain.items import DerivedItem, InfoItem, RepeatItem
from checklist_app.pdf.fonts import markup
from checklist_app.pdf.layout import STOP_RED, WARN_AMBER
from checklist_app.pdf.model import SignedPacket
from checklist_app.pdf.plan import default_text
from checklist_app.pdf.tables import CellParagraph, cells, fit, grid

KEY_VALUES = ("procedure_type", "levels", "scheduled_start", "proceduralist", "sedation_type", "age_years",
              "weight_kg", "crcl", "egfr", "level_count")
SHORT_SECTION_ROWS = 6  # a section this short is kept on one page; longer ones flow row by row
REPEAT_START_ROOM = 22 * mm  # a list starts on a new page unless its label, header and first entry fit


def status_block(packet: SignedPacket, style: dict, width: float) -> list[Flowable]:
    """The verdict in one sentence, boxed in red when hard stops remain open."""
    ev = packet.evaluation
    n_open = len(ev.open_hard_stops)
    missing = [packet.form.item(i).label if packet.form.has_item(i) else i
               for i in (p.split("[")[0] for p in ev.missing_required)]
    if n_open:
        noun = "hard stop is" if n_open == 1 else "hard stops are"
        fixable_only = not any(f.overridable for f in ev.open_hard_stops)
        remedy = ("resolved; it cannot be overridden" if fixable_only
                  else "resolved or a physician records an override with a reason")
        text = f"<b>NOT CLEARED.</b> {n_open} {noun} open. The procedure must not start until each one is {remedy}."
        colour = STOP_RED
    else:
        unack = len(ev.unacknowledged_warnings)
        text = "<b>CLEARED.</b> No hard stop is open."
        if ev.overridden:
            n = len(ev.overridden)
            text += f" {n} hard stop{' was' if n == 1 else 's were'} overridden by a physician (see Findings)."
        if ev.warnings:
            n = len(ev.warnings)
            text += f" {n} warning{'' if n == 1 else 's'}, {unack} not yet acknowledged."
        colour = WARN_AMBER if unack else None
    if missing:
        text += f" <b>Not answered:</b> {markup(', '.join(dict.fromkeys(missing)))}."
    claims = len(packet.record.overrides) + len(packet.record.acknowledgements)
    if packet.claims_unverified and claims:
        text += (f" <b>{claims} override{'s' if claims != 1 else ''} or acknowledgement{'s' if claims != 1 else ''} "
                 f"{UNVERIFIED.lower()}</b>: not counted (only those given in the app with a PIN count).")
    extra = [("BOX", (0, 0), (-1, -1), 1.6, colour)] if colour is not None else []
    return [grid([[Paragraph(text, style["body"])]], [width], zebra=False, extra=extra), Spacer(1, 3 * mm)]


def key_values(packet: SignedPacket, style: dict, width: float) -> list[Flowable]:
    """Procedure facts and calculated values (age, CrCl, eGFR) in a compact two-pair table."""
    pairs = []
    for item_id in KEY_VALUES:
        if not packet.form.has_item(item_id):
            continue
        item = packet.form.item(item_id)
        value = packet.visible_answer(item_id)
        text = format_answer(item, value) if value is not None else "-"
        if isinstance(item, DerivedItem):
            text += " (calculated)" if value is not None else " (cannot be calculated: an input is missing)"
        pairs.append((item.label, text))
    allergies = packet.visible_answer("allergies")
    if packet.form.has_item("allergies") and isinstance(allergies, list):
        item = packet.form.item("allergies")
        names = [format_answer(item.field("substance"), a.get("substance")) for a in allergies]
        pairs.append(("Allergies", "; ".join(names) if names else (item.none_label or "None")))
    quarter = width / 4
    widths = [quarter * 0.8, quarter * 1.2, quarter * 0.8, quarter * 1.2]
    rows = []
    for n in range(0, len(pairs), 2):
        row: list[Any] = []
        for label, text in pairs[n:n + 2]:
            row += [fit(label, style["muted"], widths[len(row)]), fit(text, style["bold"], widths[len(row) + 1])]
        rows.append(row + [""] * (4 - len(row)))
    return [Paragraph("Summary", style["h2"]), grid(rows, widths, zebra=False)]


UNVERIFIED = "Recorded in the file, not verified"


def _unverified_status(packet: SignedPacket, finding: Finding) -> tuple[str, Any] | None:
    """For a record read from a file: its override or acknowledgement of ``finding``, said to be unverified
    and not counted (None when the file has none for it)."""
    claims = [f"override by {markup(o.physician_id)} at {format_moment(o.at)}. Reason: {markup(o.reason)}"
              for o in packet.record.overrides if o.finding_key == finding.key]
    claims += [f"acknowledgement by {markup(a.by)} at {format_moment(a.at)}. Note: {markup(a.note)}"
               for a in packet.record.acknowledgements if a.finding_key == finding.key]
    if not claims:
        return None
    state = "<b>OPEN</b>: stops the procedure" if finding.is_hard_stop else "<b>Not acknowledged</b>"
    return (f"{state}. <b>{UNVERIFIED}</b> (not counted): {'; '.join(claims)}",
            STOP_RED if finding.is_hard_stop else WARN_AMBER)


def _finding_status(packet: SignedPacket, finding: Finding) -> tuple[str, Any]:
    ev = packet.evaluation
    if packet.claims_unverified:
        unverified = _unverified_status(packet, finding)
        if unverified is not None:
            return unverified
    if finding.is_hard_stop:
        override = next((o for o in reversed(packet.record.overrides) if o.finding_key == finding.key), None)
        if finding.key in ev.overridden and override is not None:
            return (f"<b>Overridden</b> by {markup(packet.staff_name(override.physician_id))} at "
                    f"{format_moment(override.at)}. Reason: {markup(override.reason)}", None)
        notified = next((a for a in reversed(packet.record.acknowledgements) if a.finding_key == finding.key), None)
        if notified is not None:  # completed as NOT CLEARED: the note says who was told
            return (f"<b>OPEN - NOT CLEARED</b>. {markup(notified.note)} (recorded by "
                    f"{markup(packet.staff_name(notified.by))} at {format_moment(notified.at)})", STOP_RED)
        if not finding.overridable:
            return "<b>OPEN</b>: stops the procedure; cannot be overridden, the cause must be fixed", STOP_RED
        return "<b>OPEN</b>: stops the procedure", STOP_RED
    ack = next((a for a in reversed(packet.record.acknowledgements) if a.finding_key == finding.key), None)
    if finding.key in ev.acknowledged and ack is not None:
        return (f"<b>Acknowledged</b> by {markup(packet.staff_name(ack.by))} at {format_moment(ack.at)}. "
                f"Note: {markup(ack.note)}", None)
    return "<b>Not acknowledged</b>", WARN_AMBER


def findings(packet: SignedPacket, style: dict, width: float) -> list[Flowable]:
    """Every finding: severity, where, message, what to do, source id, and override/acknowledgement."""
    ev = packet.evaluation
    if not ev.findings:
        return [Paragraph("Findings: none", style["h2"]),
                Paragraph(f"No findings: every check of policy {markup(ev.policy_id)} passed.", style["body"])]
    n_hard, n_warn = len(ev.hard_stops), len(ev.warnings)
    head = (f"Findings: {n_hard} hard stop{'s' if n_hard != 1 else ''}, "
            f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    rows: list[list[Any]] = [cells(["Severity", "Finding, what to do, source", "Override / acknowledgement"],
                                   style["bold"])]
    extra = []
    for n, f in enumerate(ev.findings, start=1):
        where = f.item_id
        if packet.form.has_item(f.item_id):
            where = f"{packet.form.section_of(f.item_id).title} > {packet.form.item(f.item_id).label}"
        source = f"Source: {f.source_id}" + (" (UNCONFIRMED default: check local policy)" if f.unconfirmed else "")
        body = (f"<b>{markup(f.message)}</b><br/>{markup(where)}<br/><b>To do:</b> {markup(f.action)}<br/>"
                f"<font size='{style['muted'].fontSize}' color='#555555'>{markup(source)}</font>")
        status, colour = _finding_status(packet, f)
        severity = "HARD STOP" if f.is_hard_stop else "WARNING"
        tint = (STOP_RED if f.is_hard_stop else WARN_AMBER).hexval()[2:]
        rows.append([Paragraph(f"<font color='#{tint}'><b>{severity}</b></font>", style["body"]),
                     Paragraph(body, style["body"]), Paragraph(status, style["body"])])
        if colour is not None:
            extra.append(("BOX", (2, n), (2, n), 1.2, colour))
    table = grid(rows, [24 * mm, width - 24 * mm - 58 * mm, 58 * mm], header=True, extra=extra)
    return [Paragraph(head, style["h2"]), table]


def _marked_answer(item: Any, value: Any, defaults: Any) -> str | None:
    """Markup for an answer that is not plain text: calculated, a site default, or missing (None: leave out)."""
    if value is not None:
        return f"{markup(format_answer(item, value))} <font color='#555555'>(calculated)</font>"
    fallback = default_text(item.id, defaults)
    if fallback is not None:
        return f"<font color='#555555'>{markup(fallback)}</font>"
    if item.required:
        return "<font color='#b00020'><b>NOT ANSWERED</b></font>"
    return "Cannot be calculated: an input is missing" if isinstance(item, DerivedItem) else None


def _attested(packet: SignedPacket, item_id: str, answer: str) -> str:
    """'Yes, confirmed. Attested by A. Mensah, MD (...)': who stands behind a physician's statement."""
    attestation = next((a for a in reversed(packet.record.attestations) if a.item_id == item_id), None)
    if attestation is None:
        return f"{markup(answer)}. <font color='#b00020'>No physician named.</font>"
    unverified = " (recorded in the file, not verified)" if packet.claims_unverified else ""
    return f"{markup(answer)}. {markup(attestation.statement)}, {format_moment(attestation.at)}{unverified}."


def _item_rows(packet: SignedPacket, items: list[Any], style: dict, widths: list[float]) -> list[list[Any]]:
    rows = []
    defaults = packet.site_settings.discharge_defaults
    for item in items:
        value = packet.visible_answer(item.id)
        answer: Any
        if value is True and getattr(item, "attested_by", None):
            answer = CellParagraph(_attested(packet, item.id, format_answer(item, value)), style["bold"])
        elif value is not None and not isinstance(item, DerivedItem):  # nearly every row: plain text
            answer = fit(format_answer(item, value), style["bold"], widths[1])
        elif (text := _marked_answer(item, value, defaults)) is not None:
            answer = CellParagraph(text, style["bold"])
        else:
            continue
        rows.append([fit(item.label, style["body"], widths[0]), answer])
    return rows


def _repeat_block(packet: SignedPacket, item: RepeatItem, entries: list[dict], style: dict,
                  width: float) -> list[Flowable]:
    # Not keepWithNext: that keeps the label with the whole table, and a table longer than the page left
    # would then move to a new page, leaving the section's heading alone on an otherwise empty one. The label
    # only needs room for the header row and a first entry under it (the CondPageBreak below).
    label = Paragraph(f"{markup(item.label)}: <font color='#555555'>{len(entries)} "
                      f"{'entry' if len(entries) == 1 else 'entries'}</font>",
                      style["h3"].clone("h3_list", keepWithNext=0) if entries else style["h3"])
    if not entries:
        return [label, Paragraph(markup(item.none_label or "None"), style["bold"]), Spacer(1, 2 * mm)]
    header, rows = repeat_rows(item, entries)
    widths = column_widths(header, rows, width)
    data = [[fit(h, style["bold"], w) for h, w in zip(header, widths, strict=True)]]
    data += [[fit(t, style["body"], w) for t, w in zip(row, widths, strict=True)] for row in rows]
    return [CondPageBreak(REPEAT_START_ROOM), label, grid(data, widths, header=True), Spacer(1, 2 * mm)]


def _answer_widths(width: float) -> list[float]:
    return [width * 0.52, width * 0.48]


def _answers_table(rows: list[list[Any]], width: float, band: Paragraph | None) -> Flowable:
    """Question/answer rows; with ``band``, a title row that repeats at the top of each continued page."""
    widths = _answer_widths(width)
    if band is None:
        return grid(rows, widths)
    return grid([[band, ""], *rows], widths, header=True, extra=[("SPAN", (0, 0), (-1, 0))])


def column_widths(header: list[str], rows: list[list[str]], width: float) -> list[float]:
    """Share ``width`` by how much each column holds (its longest cell, within limits), so a column of
    dates is not as wide as a column of drug names and no header word has to break."""
    weights = []
    for n, title in enumerate(header):
        longest = max([len(r[n]) for r in rows] + [max(len(w) for w in title.split()) + 2])
        weights.append(min(max(longest, 9), 45))
    return [width * w / sum(weights) for w in weights]


def _section_flow(packet: SignedPacket, items: list[Any], style: dict, width: float,
                  band: Paragraph) -> tuple[list[Flowable], int]:
    out: list[Flowable] = []
    pending: list[Any] = []
    rows = 0
    for item in items:
        value = packet.visible_answer(item.id)
        if isinstance(item, RepeatItem) and isinstance(value, list):
            if pending:
                table_rows = _item_rows(packet, pending, style, _answer_widths(width))
                out.append(_answers_table(table_rows, width, band if not out else None))
                rows += len(table_rows)
                pending = []
            out += _repeat_block(packet, item, value, style, width)
            rows += len(value) + 2
        else:
            pending.append(item)
    table_rows = _item_rows(packet, pending, style, _answer_widths(width))
    if table_rows:
        out.append(_answers_table(table_rows, width, band if not out else None))
    return out, rows + len(table_rows)


def sections(packet: SignedPacket, style: dict, width: float) -> list[Flowable]:
    """One titled table per section with at least one visible item; hidden items left out.

    The title is the table's first row, so it repeats at the top of a page the section runs on to. A short
    section is kept on one page; a longer one starts on a new page only when less than about 30 mm is left.
    """
    out: list[Flowable] = []
    visible = packet.evaluation.visible_items
    number = 0
    heading = style["h2"].clone("h2_section", keepWithNext=0)
    band_style = style["bold"].clone("band", fontSize=style["h3"].fontSize, leading=style["h3"].leading)
    for section in packet.form.sections:
        items = [i for i in section.items if i.id in visible and i.print != "never" and not isinstance(i, InfoItem)]
        if not items:
            continue
        number += 1
        title = f"{number}. {markup(section.title)}"
        body, rows = _section_flow(packet, items, style, width, Paragraph(title, band_style))
        room = 30 * mm
        if not isinstance(body[0], Table):  # the section opens with a list: give it a heading of its own
            body.insert(0, Paragraph(title, heading))
            room = 14 * mm + REPEAT_START_ROOM  # the heading, and what the list needs under it
        body.insert(0, Spacer(1, 3 * mm))
        if rows <= SHORT_SECTION_ROWS:
            out.append(KeepTogether(body))
        else:
            out += [CondPageBreak(room), *body]
    return out
