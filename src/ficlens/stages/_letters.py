"""Letter classes for the regular expressions that read names.

Python's ``re`` has no Unicode case classes (``\\p{Lu}``), and ``[A-Z][a-z]+`` reads "Lucía"
as "Luc", and "Zoë", "Chloé", "Søren" or "Siobhán" not at all. ``UPPER`` and ``LOWER`` are the
upper- and lower-case letters of the Latin script (ASCII, Latin-1, Latin Extended-A and -B,
Latin Extended Additional), written to go inside a character class: ``rf"[{UPPER}][{LOWER}]+"``.
"""

from __future__ import annotations

_LATIN = (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))


def _class(upper: bool) -> str:
    extra = "".join(ch for ch in map(chr, _LATIN) if (ch.isupper() if upper else ch.islower()))
    return ("A-Z" if upper else "a-z") + extra


#: Upper-case Latin letters, for inside ``[...]``.
UPPER = _class(upper=True)
#: Lower-case Latin letters, for inside ``[...]``.
LOWER = _class(upper=False)
#: A capitalised word: "Nora", "Lucía", "Zoë".
CAPITALISED = rf"[{UPPER}][{LOWER}]+"
