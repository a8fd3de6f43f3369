"""Markdown: ``*italics*`` and ``_italics_`` become italic markup over a text without the
marks; ``#`` headings become heading markup. Everything else is kept as written."""

from __future__ import annotations

import re
from pathlib import Path

from ficlens.readers._header import split_header
from ficlens.readers._text import check_text, decode
from ficlens.story import Markup, Metadata, Story

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
# **bold** / __bold__ first, then *italic* / _italic_; never across a blank line
_BOLD = re.compile(r"(?<![\w*])(\*\*|__)(?=\S)((?:(?!\n[ \t]*\n).)+?)(?<=\S)\1(?![\w*])", re.S)
_BREAK_LINE = re.compile(r"^[ \t]*(?:[*_\-~=#][ \t]*){3,}$", re.M)
_ITALIC = re.compile(r"(?<![\w*\\])(\*|_)(?=[^\s*_])((?:(?!\n[ \t]*\n).)+?)(?<=[^\s\\])\1(?![\w*])", re.S)


def parse_markdown(raw: str, *, source: str | None, encoding: str | None, fallback: bool) -> Story:
    out: list[str] = []
    markup: list[Markup] = []
    pos = 0
    length = 0
    # One pass over heading lines and emphasis, in document order.
    events: list[tuple[int, int, str, re.Match[str]]] = []
    for m in _HEADING.finditer(raw):
        events.append((m.start(), m.end(), "heading", m))
    taken = [(s, e) for s, e, _, _ in events] + [(m.start(), m.end()) for m in _BREAK_LINE.finditer(raw)]
    for rx, kind in ((_BOLD, "bold"), (_ITALIC, "italic")):
        for m in rx.finditer(raw):
            if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
                continue
            events.append((m.start(), m.end(), kind, m))
            taken.append((m.start(), m.end()))
    events.sort(key=lambda e: e[0])
    for start, end, kind, m in events:
        out.append(raw[pos:start])
        length += start - pos
        inner = m.group(2)
        out.append(inner)
        markup.append(Markup(kind, length, length + len(inner)))  # type: ignore[arg-type]
        length += len(inner)
        pos = end
    out.append(raw[pos:])
    text = "".join(out)
    meta = Metadata(source=source, format="markdown", encoding=encoding, encoding_fallback=fallback, **split_header(text))
    return Story(text, metadata=meta, markup=markup)


def read_markdown(data: bytes, path: Path) -> Story:
    raw, enc, fallback = decode(data, path)
    check_text(raw, path)
    story = parse_markdown(raw, source=str(path), encoding=enc, fallback=fallback)
    check_text(story.text, path)
    return story
