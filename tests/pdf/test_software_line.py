"""Every page of both documents names the software that made it (``checklist_app 0.1.0 (build ...)``, the
version from pyproject.toml), small and grey in its corner, clear of the footer's own text: above the
checklist's footer rule, below the discharge sheet's page number (same size in large print)."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from checklist_app.pdf import render_checklist, render_discharge
from checklist_app.version import describe

pytestmark = pytest.mark.pdf
ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def placed_text(pdf: bytes) -> list[list[tuple[str, float, float, float]]]:
    """Per page: (text, size in points, x, y) of every piece drawn."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        pieces: list[tuple[str, float, float, float]] = []

        def visit(text, cm, tm, _font_dict, font_size, into=pieces):
            if text.strip():  # the text's origin on the page: the text matrix, then the drawing's matrix
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                into.append((text.strip(), round(font_size * tm[0], 1), x, y))

        page.extract_text(visitor_text=visit)
        pages.append(pieces)
    return pages


def software_and_others(page: list[tuple[str, float, float, float]]):
    mine = [p for p in page if p[0] == describe()]
    return mine, [p for p in page if p[0] != describe()]


@pytest.mark.parametrize("kind", ["checklist", "discharge", "discharge-large", "signed-checklist"])
def test_every_page_names_the_software_small_in_its_corner(make_packet, kind):
    packet = make_packet("clean", signed=kind.startswith("signed"))
    pdf = (render_checklist(packet) if kind.endswith("checklist")
           else render_discharge(packet, large_print=kind == "discharge-large"))
    assert describe().startswith(f"checklist_app {pyproject_version()} (build ")
    assert PdfReader(io.BytesIO(pdf)).metadata.creator == describe()
    pages = placed_text(pdf)
    assert len(pages) >= 2
    for page in pages:
        mine, others = software_and_others(page)
        assert len(mine) == 1, f"one software line per page, found {mine}"
        _, size, x, y = mine[0]
        assert size == 6
        assert x > 100 * mm  # right-hand side
        footer = [p for p in others if p[3] < 22 * mm]  # below the body's frame
        assert footer, "the page has its footer"
        if kind.endswith("checklist"):
            # Between the body (ending at 22 mm) and the footer rule (17 mm); the footer lines stay below it.
            assert 17 * mm < y < 20 * mm
            assert all(p[3] <= 13 * mm + 0.01 for p in footer)
        else:
            page_label = [p for p in footer if p[0].startswith("Page ")]
            assert len(page_label) == 1 and y < page_label[0][3] - size - 2  # below it, not touching
            assert y >= 5 * mm  # inside what printers print


def test_the_checklists_own_footer_lines_keep_their_full_width(make_packet):
    # The policy's id, version and whole SHA-256 are never cut short for the software line or the page label.
    packet = make_packet("clean")
    texts = [p[0] for p in placed_text(render_checklist(packet))[0]]
    ev = packet.evaluation
    line = next(t for t in texts if t.startswith("Policy "))
    assert len(ev.policy_sha256) == 64
    assert line == f"Policy {ev.policy_id} v{ev.policy_version}  ·  SHA-256 {ev.policy_sha256}" and "…" not in line
