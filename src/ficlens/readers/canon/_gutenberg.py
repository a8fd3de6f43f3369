"""Project Gutenberg boilerplate: where the book's own text starts and ends.

New-style files mark the body with ``*** START OF THIS/THE PROJECT GUTENBERG EBOOK ... ***``
and ``*** END OF ...``; old-style ones end their header with ``*END*THE SMALL PRINT! ...``
and their body with ``End of Project Gutenberg Etext of ...``. Files without these marks are
used whole.
"""

from __future__ import annotations

import re

_START = re.compile(
    r"^\s*\*{3}\s*START OF (?:THIS|THE) PROJECT GUTENBERG[^\r\n]*|^\*END\*THE SMALL PRINT![^\r\n]*", re.I | re.M
)
_END = re.compile(
    r"^\s*\*{3}\s*END OF (?:THIS|THE) PROJECT GUTENBERG[^\r\n]*|^\s*End of (?:the )?Project Gutenberg[^\r\n]*",
    re.I | re.M,
)


def body_range(text: str) -> tuple[int, int]:
    """(start, end) of the text between the Gutenberg header and footer (the whole text if none)."""
    start = 0
    m = _START.search(text)
    if m:
        start = m.end()
    end = len(text)
    m2 = _END.search(text, start)
    if m2:
        end = m2.start()
    return start, end
