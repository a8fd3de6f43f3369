"""The "Key: value" header that plain-text and Markdown fan fiction often opens with.

    Title: The Long Way Round
    Fandom: Harbour Lights
    Pairing: Nora/Dev
    Rating: T

Only lines at the very start count; the first line that is not a known key (other than a
wrapped continuation of the previous value, or a paragraph of disclaimer or author's note,
"Disclaimer: I own nothing.") ends the header.
"""

from __future__ import annotations

import re
from typing import Any

_KEYS: dict[str, str] = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "pairing": "relationships",
    "pairings": "relationships",
    "relationship": "relationships",
    "relationships": "relationships",
    "ship": "relationships",
    "ships": "relationships",
    "rating": "rating",
    "rated": "rating",
    "warning": "warnings",
    "warnings": "warnings",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "character": "characters",
    "characters": "characters",
    "category": "categories",
    "categories": "categories",
    "tags": "additional_tags",
    "additional tags": "additional_tags",
    "freeform": "additional_tags",
    "summary": "summary",
    "series": "series",
    "language": "language",
}

_LINE = re.compile(r"^[ \t]*([A-Za-z][A-Za-z ]{0,20}?)[ \t]*:[ \t]*(.*?)[ \t]*$")
#: A paragraph that may stand among the header's lines without ending it: a disclaimer, an
#: author's note.
_ASIDE = re.compile(r"^[ \t]*(?:disclaimer|a/n|author['’]?s[ \t]+notes?)[ \t]*:", re.IGNORECASE)
_LIST_FIELDS = {"authors", "fandoms", "relationships", "warnings", "characters", "categories", "additional_tags"}


def _split_list(value: str) -> tuple[str, ...]:
    parts = re.split(r"\s*[,;]\s*", value)
    return tuple(p for p in (x.strip() for x in parts) if p)


def split_header(text: str) -> dict[str, Any]:
    """Declared metadata from a leading "Key: value" block, as Metadata keyword arguments."""
    found: dict[str, str] = {}
    last: str | None = None
    aside = False  # inside a disclaimer or an author's note the header goes on after
    for n, line in enumerate(text.lstrip("\ufeff").splitlines()):
        if n > 60:
            break
        if not line.strip():
            aside = False
            if found:
                last = None
                # a blank line may separate header lines; keep looking while keys follow
                continue
            continue
        if aside or _ASIDE.match(line):
            aside, last = True, None  # "Disclaimer: I own nothing." before the summary
            continue
        m = _LINE.match(line)
        key = _KEYS.get(m.group(1).strip().lower()) if m else None
        if m and key:
            found[key] = (found.get(key, "") + ", " + m.group(2)).strip(", ") if key in found else m.group(2)
            last = key
            continue
        if last is not None and (last == "summary" or not found[last].strip()):
            # a wrapped summary, or a key whose value starts on the next line ("Summary:")
            found[last] = f"{found[last]} {line.strip()}"
            continue
        break
    out: dict[str, Any] = {}
    for key, value in found.items():
        value = value.strip()
        if not value:
            continue
        out[key] = _split_list(value) if key in _LIST_FIELDS else value
    return out
