"""The answer wording the PDFs print, under the names the discharge sheet and the signature block import.

Nothing here is PDF-specific: the words come from ``domain.answer_text``, shared with the review screen so
the screen and the paper say the same thing. The renderers escape them (``fonts.markup``) before layout.
"""

from __future__ import annotations

from checklist_app.domain.answer_text import entry_title, format_moment

__all__ = ["entry_title", "format_moment"]
