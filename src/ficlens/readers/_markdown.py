"""Markdown: ``*italics*`` and ``_italics_`` become italic markup over a text without the
marks; ``#`` headings become heading markup. Everything else is kept as written."""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from ficlens.readers._header import split_header
from ficlens.readers._text import check_text, decode
from ficlens.story import Markup, Metadata, Story

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_BREAK_LINE = re.compile(r"^[ \t]*(?:[*_\-~=#][ \t]*){3,}$", re.M)
# **bold** / __bold__ first, then *italic* / _italic_; never across a blank line. Every place
# a delimiter may open or close (zero-width, so overlapping places are all found):
_BOLD_OPEN = re.compile(r"(?<![\w*])(?=(\*\*|__)\S)")
_BOLD_CLOSE = re.compile(r"(?<=\S)(?=(\*\*|__)(?![\w*]))")
_ITALIC_OPEN = re.compile(r"(?<![\w*\\])(?=(\*|_)[^\s*_])")
_ITALIC_CLOSE = re.compile(r"(?<=[^\s\\])(?=(\*|_)(?![\w*]))")
_BLANK_AT = re.compile(r"(?=\n[ \t]*\n)")
# the same, of asterisks only (plain text: see ``render_emphasis``)
_STAR_BOLD_OPEN = re.compile(r"(?<![\w*])(?=(\*\*)\S)")
_STAR_BOLD_CLOSE = re.compile(r"(?<=\S)(?=(\*\*)(?![\w*]))")
_STAR_ITALIC_OPEN = re.compile(r"(?<![\w*])(?=(\*)[^\s*])")
_STAR_ITALIC_CLOSE = re.compile(r"(?<=[^\s])(?=(\*)(?![\w*]))")


def _emphasis(raw: str, opener: re.Pattern[str], closer: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """(start, end, inner) of each emphasis, left to right, without overlaps.

    The same matches as the lazy regex ``OPEN (.+?) CLOSE`` (never across a blank line), but
    in linear time: each opener takes the first closer of its delimiter after it, found by
    bisection, so a long paragraph full of stray ``*`` cannot make reading quadratic.
    """
    closers: dict[str, list[int]] = {}
    for m in closer.finditer(raw):
        closers.setdefault(m.group(1), []).append(m.start())
    blanks = [m.start() for m in _BLANK_AT.finditer(raw)]
    out: list[tuple[int, int, str]] = []
    pos = 0
    for m in opener.finditer(raw):
        i, delim = m.start(), m.group(1)
        if i < pos:
            continue
        n = len(delim)
        ends = closers.get(delim, [])
        k = bisect.bisect_left(ends, i + n + 1)  # at least one character inside
        if k == len(ends):
            continue
        j = ends[k]
        b = bisect.bisect_left(blanks, i + n)
        if b < len(blanks) and blanks[b] < j:
            continue  # the first closer is past a blank line
        out.append((i, j + n, raw[i + n : j]))
        pos = j + n
    return out


_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~])")


class _Taken:
    """Stretches of the raw text already claimed, kept sorted and disjoint (overlapping ones
    are merged), so each overlap check is a bisection, not a scan."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def _between(self, start: int, end: int) -> tuple[int, int]:
        return bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)

    def overlaps(self, start: int, end: int) -> bool:
        lo, hi = self._between(start, end)
        return lo < hi

    def add(self, start: int, end: int) -> None:
        lo, hi = self._between(start, end)
        if lo < hi:
            start, end = min(start, self.starts[lo]), max(end, self.ends[hi - 1])
        self.starts[lo:hi] = [start]
        self.ends[lo:hi] = [end]


def asterisk_emphasis(raw: str) -> int:
    """How many runs of emphasis in asterisks (``*italics*``, ``**bold**``) ``raw`` holds."""
    return sum(len(_emphasis(raw, opener, closer)) for opener, closer in (
        (_STAR_BOLD_OPEN, _STAR_BOLD_CLOSE), (_STAR_ITALIC_OPEN, _STAR_ITALIC_CLOSE)
    ))


def render_emphasis(raw: str) -> tuple[str, list[Markup]]:
    """``raw`` without the asterisks of its emphasis (``*italics*``, ``**bold**``), and the
    markup they made: how plain text marks emphasis. Nothing else is read as Markdown."""
    return _render(raw, top=True, plain=True)


def _render(raw: str, *, top: bool, plain: bool = False) -> tuple[str, list[Markup]]:
    """``raw`` without its Markdown marks, and the markup they made (offsets into the result).

    Headings (top level only), then bold, then italics, in document order; the inside of a
    heading or of bold text is rendered the same way, so ``***both***`` is bold and italic.
    A backslash escape (``\\*``) keeps its character and loses the backslash. With ``plain``,
    only emphasis in asterisks.
    """
    events: list[tuple[int, int, str, str]] = []
    taken = _Taken()
    if top:
        if not plain:
            for m in _HEADING.finditer(raw):
                events.append((m.start(), m.end(), "heading", m.group(2)))
                taken.add(m.start(), m.end())
        for m in _BREAK_LINE.finditer(raw):
            taken.add(m.start(), m.end())
    kinds = (
        (("bold", _STAR_BOLD_OPEN, _STAR_BOLD_CLOSE), ("italic", _STAR_ITALIC_OPEN, _STAR_ITALIC_CLOSE)) if plain
        else (("bold", _BOLD_OPEN, _BOLD_CLOSE), ("italic", _ITALIC_OPEN, _ITALIC_CLOSE))
    )
    for kind, opener, closer in kinds:
        for start, end, inner in _emphasis(raw, opener, closer):
            if not taken.overlaps(start, end):
                events.append((start, end, kind, inner))
                taken.add(start, end)
    if not plain:
        for m in _ESCAPE.finditer(raw):
            if not taken.overlaps(m.start(), m.end()):
                events.append((m.start(), m.end(), "escape", m.group(1)))
    events.sort(key=lambda e: e[0])
    out: list[str] = []
    markup: list[Markup] = []
    pos = length = 0
    for start, end, kind, inner_raw in events:
        out.append(raw[pos:start])
        length += start - pos
        inside: list[Markup] = []
        if kind == "escape":
            inner = inner_raw
        else:
            inner, inside = _render(inner_raw, top=False, plain=plain)
            markup.append(Markup(kind, length, length + len(inner)))  # type: ignore[arg-type]
        markup.extend(Markup(m.kind, length + m.start, length + m.end, m.label) for m in inside)
        out.append(inner)
        length += len(inner)
        pos = end
    out.append(raw[pos:])
    return "".join(out), markup


def parse_markdown(raw: str, *, source: str | None, encoding: str | None, fallback: bool) -> Story:
    text, markup = _render(raw, top=True)
    meta = Metadata(source=source, format="markdown", encoding=encoding, encoding_fallback=fallback, **split_header(text))
    return Story(text, metadata=meta, markup=markup)


def read_markdown(data: bytes, path: Path) -> Story:
    raw, enc, fallback = decode(data, path)
    check_text(raw, path)
    story = parse_markdown(raw, source=str(path), encoding=enc, fallback=fallback)
    check_text(story.text, path)
    return story
