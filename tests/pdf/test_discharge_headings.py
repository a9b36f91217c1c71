"""No heading, and no lead-in line ending in ':', is left alone at the foot of a discharge-sheet page, in any
shipped language, normal or large print.

reportlab reports every flowable it places (``afterFlowable``, with the page number); the test records them
and looks at the last one on each page. Space is added above the content in small steps, so each heading
passes through every height on a page, the foot included."""

from __future__ import annotations

import pytest
from reportlab.platypus import BaseDocTemplate, Paragraph, Spacer

from checklist_app.pdf import discharge, layout
from checklist_app.pdf.discharge_text import LANGUAGES

pytestmark = pytest.mark.pdf

HEADING_STYLES = {"h1", "h2", "lead"}
MEDICATIONS = [{"agent": "apixaban", "dose": "5 mg", "frequency": "bid", "last_dose": "2026-11-27T20:00"},
               {"agent": "warfarin", "dose": "3 mg", "frequency": "daily", "last_dose": "2026-11-25T20:00"}]


class _Recording(BaseDocTemplate):
    placed: list[tuple[int, object]] = []

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's hook
        _Recording.placed.append((self.page, flowable))


class _Padded(discharge.DischargeRenderer):
    """The sheet with ``pad`` points of space above its content."""

    pad = 0.0

    def story(self):
        flow = super().story()
        return [Spacer(1, self.pad), *flow] if self.pad else flow


def _last_on_each_page(renderer) -> list[tuple[int, str, str]]:
    _Recording.placed = []
    renderer.render()
    last: dict[int, object] = {}
    for page, flowable in _Recording.placed:
        if not isinstance(flowable, Spacer):
            last[page] = flowable
    return [(page, getattr(getattr(f, "style", None), "name", ""), f.getPlainText() if isinstance(f, Paragraph)
             else type(f).__name__) for page, f in sorted(last.items())]


@pytest.mark.parametrize("large_print", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_heading_is_last_on_a_page(make_packet, monkeypatch, language, large_print):
    monkeypatch.setattr(layout, "BaseDocTemplate", _Recording)
    packet = make_packet("clean", answers={"medications": MEDICATIONS, "thrombotic_risk_high": False,
                                           "dc_extra_instructions": "Wear the brace when you walk."})
    probe = _Padded(packet, language=language, large_print=large_print, invariant=True)
    frame_height = probe.page_size[1] - probe.top_margin - probe.bottom_margin
    step = probe.style["item"].leading  # a bullet's line: every heading meets the foot of a page
    orphans, pages_seen = [], set()
    pad = 0.0
    while pad < frame_height:
        renderer = _Padded(packet, language=language, large_print=large_print, invariant=True)
        renderer.pad = pad
        for page, style, text in _last_on_each_page(renderer)[:-1]:  # the last page ends with the content
            pages_seen.add(page)
            if style in HEADING_STYLES or text.rstrip().endswith(":"):
                orphans.append(f"pad {pad:.0f} pt, page {page}: {text!r}")
        pad += step
    assert len(pages_seen) >= 2
    assert not orphans, "\n".join(orphans[:10])
