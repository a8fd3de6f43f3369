"""Plain prose: a book used as canon.

The book is split the way a story is (ficlens' own structure and quotation stages run over
it), so its dialogue is found with the same rules as the story's: each quotation becomes a
``speech`` line, and the narration around it ``narration`` lines. A speaker is read from a
speech tag next to the quotation ("..., said Nora." / "Nora said, ...") when there is one.
The location is the chapter, ``Chapter 4`` (Roman numerals read as numbers), or the
heading as written when it is not numbered; a book without chapter headings gives
``paragraph 12``. Project Gutenberg's header and footer are not read.
"""

from __future__ import annotations

import re

from ficlens.readers.canon import CanonLine, make_line
from ficlens.readers.canon._gutenberg import body_range
from ficlens.story import Story

_VERBS = (
    r"(?:said|says|asked|asks|replied|answered|cried|shouted|whispered|murmured|muttered|called|added|"
    r"continued|exclaimed|snapped|sighed|repeated|returned|observed|remarked|went on|demanded|insisted)"
)
_NAME = r"(?:(?:Mr\.?|Mrs\.?|Miss|Ms\.?|Dr\.?|Lady|Sir|Lord|Captain)\s)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?"
_AFTER = re.compile(rf"^[\s,—–-]*(?:{_VERBS}\s+(?P<a>{_NAME})|(?P<b>{_NAME})\s+{_VERBS})\b")
_BEFORE = re.compile(rf"\b(?:(?P<a>{_NAME})\s+{_VERBS}|{_VERBS}\s+(?P<b>{_NAME}))\s*[,:]?\s*$")
_PRONOUNS = frozenset({"He", "She", "They", "I", "We", "You", "It", "Someone", "Everyone", "One"})
_CHAPTER_NO = re.compile(r"^\s*(chapter|chap\.?|book|part)\s+([ivxlcdm]+|\d+)\b\.?(.*)$", re.I | re.S)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _arabic(n: str) -> int:
    if n.isdigit():
        return int(n)
    total, best = 0, 0
    for ch in reversed(n.lower()):
        v = _ROMAN[ch]
        total = total - v if v < best else total + v
        best = max(best, v)
    return total


def chapter_label(title: str | None, index: int) -> str:
    """``Chapter 4`` for "CHAPTER IV." (or "Chapter 4: The Storm"), else the title as written."""
    if not title:
        return f"Chapter {index}"
    first = " ".join(title.split())
    m = _CHAPTER_NO.match(first)
    if m:
        rest = m.group(3).strip(" .:-–—")
        label = f"{m.group(1).capitalize()} {_arabic(m.group(2))}"
        return f"{label}: {rest}" if rest else label
    return first[:80]


def _speaker(text: str, para_start: int, para_end: int, qa: int, qb: int) -> str | None:
    after = _AFTER.match(text[qb + 1 : min(para_end, qb + 60)])
    m = after or _BEFORE.search(text[max(para_start, qa - 60) : max(para_start, qa - 1)])
    if not m:
        return None
    name = (m.group("a") or m.group("b")).strip()
    return None if name in _PRONOUNS else name


def parse_prose(text: str) -> list[CanonLine]:
    """Speech and narration lines of a book, speech before narration within each paragraph."""
    from ficlens.stages.quotations import QuotationStage
    from ficlens.stages.structure import StructureStage

    lo, hi = body_range(text)
    story = Story(text)
    StructureStage()(story)
    QuotationStage()(story)
    chapters = {s.id: s for s in story.sections if s.kind == "chapter"}
    has_chapters = any(s.title for s in chapters.values())
    order = {sid: k + 1 for k, sid in enumerate(chapters)}
    by_para: dict[int, list[tuple[int, int, str]]] = {}
    for q in story.quotes:
        by_para.setdefault(q.paragraph, []).append((q.start, q.end, q.group))
    lines: list[CanonLine] = []
    for p in story.paragraphs:
        if p.kind != "text" or p.end <= lo or p.start >= hi:
            continue
        chapter_id = p.section.split(".")[0]
        if has_chapters and chapter_id in chapters:
            location = chapter_label(chapters[chapter_id].title, order[chapter_id])
        else:
            location = f"paragraph {p.id + 1}"
        quotes = by_para.get(p.id, [])
        group_speaker: dict[str, str | None] = {}
        for qa, qb, group in quotes:
            sp = _speaker(text, p.start, p.end, qa, qb)
            if sp or group not in group_speaker:
                group_speaker[group] = sp or group_speaker.get(group)
        speech = [make_line(text, qa, qb, group_speaker.get(g), location) for qa, qb, g in quotes]
        narration = []
        pos = p.start
        for qa, qb, _g in quotes:
            narration.append(make_line(text, pos, max(pos, qa - 1), None, location))
            pos = qb + 1
        narration.append(make_line(text, min(pos, p.end), p.end, None, location))
        lines.extend(line for line in speech if line)
        lines.extend(CanonLine(n.start, n.end, None, n.location, n.skip, "narration") for n in narration if n)
    return lines
