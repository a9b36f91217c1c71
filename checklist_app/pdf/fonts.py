"""Embedded fonts with per-character fallback, so any name prints: Nguyễn, Müller, 山田 太郎, 김민준.

DejaVu Sans draws Latin (every accent), Greek, Cyrillic and symbols; WenQuanYi Micro Hei draws CJK
and hangul. Reportlab has no font fallback of its own, so ``markup`` wraps each run of characters
DejaVu lacks in a ``<font>`` tag for the CJK font, and ``draw_string`` does the same on a canvas.
All user text goes through ``markup`` (which XML-escapes it) before it reaches a Paragraph.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from checklist_app import resources
from checklist_app.domain.errors import PdfRenderError

log = logging.getLogger(__name__)

SANS, SANS_BOLD, CJK = "ChecklistSans", "ChecklistSans-Bold", "ChecklistCJK"
# Used when resources/fonts/ lacks the CJK font (a trimmed install): the Debian package's copy.
CJK_SYSTEM_PATHS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)
REPLACEMENT = "\ufffd"  # printed for a character no embedded font has, so the gap is visible
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class FontSet:
    """Which characters each registered font can draw (the CJK font is loaded the first time it is asked)."""

    latin: frozenset[int]

    @property
    def cjk(self) -> frozenset[int]:
        """The characters of the CJK font (registering it on first use)."""
        return register_cjk_font()

    def face_for(self, char: str) -> str | None:
        """SANS when DejaVu has the character, CJK when only the CJK font has it, else None."""
        code = ord(char)
        if code in self.latin or char in "\n\t ":
            return SANS
        if code in self.cjk:
            return CJK
        return None


def _cjk_path() -> Path | None:
    try:
        return resources.resource_path("fonts/wqy-microhei.ttc")
    except FileNotFoundError:
        pass
    for path in CJK_SYSTEM_PATHS:
        if path.is_file():
            return path
    log.warning("No CJK font found (resources/fonts/wqy-microhei.ttc or Debian's fonts-wqy-microhei); "
                "Chinese, Japanese and Korean characters will print as %r", REPLACEMENT)
    return None


def _load_font(name: str, resource: str) -> TTFont:
    try:
        return TTFont(name, str(resources.resource_path(resource)))
    except (OSError, ValueError, TTFError) as exc:
        raise PdfRenderError(f"resources/{resource}: the font the PDFs embed cannot be read ({exc}); "
                             "reinstall the app or restore the file") from None


# Fonts are registered once per process, possibly on the seal preload thread (``seal.preload``) while the
# window renders: the lock makes the second caller wait for the first instead of registering them again.
_REGISTERING = threading.RLock()


def register_fonts() -> FontSet:
    """Register the embedded fonts with reportlab (once) and return their coverage.

    The CJK font is registered only when a text first needs it (``FontSet.cjk``): parsing its 30,000 glyphs
    takes about 100 ms and 24 MB, which a packet without a CJK character should not pay.
    """
    with _REGISTERING:
        return _register_fonts()


@lru_cache(maxsize=1)
def _register_fonts() -> FontSet:
    regular = _load_font(SANS, "fonts/DejaVuSans.ttf")
    bold = _load_font(SANS_BOLD, "fonts/DejaVuSans-Bold.ttf")
    for font in (regular, bold):
        pdfmetrics.registerFont(font)
    # <b> inside a Paragraph looks up the family's bold face; italic falls back to upright.
    for is_bold, is_italic, name in ((0, 0, SANS), (1, 0, SANS_BOLD), (0, 1, SANS), (1, 1, SANS_BOLD)):
        addMapping(SANS, is_bold, is_italic, name)
    latin = frozenset(regular.face.charToGlyph)
    _SANS_ONLY.clear()
    _SANS_ONLY.update(latin | {ord(c) for c in "\n\t "})
    return FontSet(latin=latin)


register_fonts.cache_clear = _register_fonts.cache_clear  # type: ignore[attr-defined]  # forget them (tests)


# The characters DejaVu draws, plus the white space ``face_for`` gives to it: text made only of these (nearly
# all text) is one DejaVu run, found with one set comparison instead of a look-up per character.
_SANS_ONLY: set[int] = set()


def register_cjk_font() -> frozenset[int]:
    """Register the CJK font with reportlab (once) and return the characters it has (none when missing)."""
    with _REGISTERING:
        return _register_cjk_font()


@lru_cache(maxsize=1)
def _register_cjk_font() -> frozenset[int]:
    path = _cjk_path()
    if path is None:
        return frozenset()
    cjk = TTFont(CJK, str(path), subfontIndex=0) if path.suffix == ".ttc" else TTFont(CJK, str(path))
    pdfmetrics.registerFont(cjk)
    for is_bold in (0, 1):  # there is no bold CJK face; bold CJK text prints regular
        for is_italic in (0, 1):
            addMapping(CJK, is_bold, is_italic, CJK)
    return frozenset(cjk.face.charToGlyph)


def clean(text: str) -> str:
    """User text with line ends normalised and control characters (which no font draws) removed."""
    if text.isprintable():  # nearly all text: no line end, tab or control character to deal with
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def sans_only(text: str) -> bool:
    """Whether DejaVu draws every character of ``text`` (already ``clean``): one font, no fallback run."""
    register_fonts()
    return _SANS_ONLY.issuperset(map(ord, text))


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font name, piece) runs; characters no font has become U+FFFD in DejaVu."""
    fonts = register_fonts()
    text = clean(text)
    if _SANS_ONLY.issuperset(map(ord, text)):
        return [(SANS, text)] if text else []
    out: list[tuple[str, str]] = []
    for char in text:
        face = fonts.face_for(char)
        # A space or punctuation inside CJK text stays in the CJK run: one run reads back as one word.
        if out and out[-1][0] == CJK and ord(char) in fonts.cjk and unicodedata.category(char)[0] in "PZ":
            face = CJK
        if face is None:
            face, char = SANS, REPLACEMENT
        if out and out[-1][0] == face:
            out[-1] = (face, out[-1][1] + char)
        else:
            out.append((face, char))
    return out


def markup(text: object) -> str:
    """Paragraph markup for user text: XML-escaped, CJK runs in the CJK font, line breaks kept.

    ``markup('A < B & "C" 山田')`` gives ``'A &lt; B &amp; "C" <font face="ChecklistCJK">山田</font>'``.
    """
    parts = []
    for face, piece in runs(str(text)):
        escaped = escape(piece).replace("\n", "<br/>")
        parts.append(escaped if face == SANS else f'<font face="{face}">{escaped}</font>')
    return "".join(parts)


def string_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of one line drawn by ``draw_string``."""
    base = SANS_BOLD if bold else SANS
    return sum(pdfmetrics.stringWidth(piece, base if face == SANS else face, size) for face, piece in runs(text))


def draw_string(canv, x: float, y: float, text: str, size: float, *, bold: bool = False,
                anchor: str = "left", max_width: float | None = None) -> float:
    """Draw one line on a canvas with fallback fonts; returns its width.

    ``anchor`` is left, right or centre. With ``max_width``, a line that is too long is shortened with
    an ellipsis instead of running off the page (only headers and footers use this).
    """
    text = " ".join(clean(text).split("\n"))
    if max_width is not None and string_width(text, size, bold) > max_width:
        while text and string_width(text + "…", size, bold) > max_width:
            text = text[:-1]
        text += "…"
    width = string_width(text, size, bold)
    if anchor == "right":
        x -= width
    elif anchor == "centre":
        x -= width / 2
    base = SANS_BOLD if bold else SANS
    for face, piece in runs(text):
        font = base if face == SANS else face
        canv.setFont(font, size)
        canv.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, font, size)
    return width
