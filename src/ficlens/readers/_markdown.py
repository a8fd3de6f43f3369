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


_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~])")


def _render(raw: str, *, top: bool) -> tuple[str, list[Markup]]:
    """``raw`` without its Markdown marks, and the markup they made (offsets into the result).

    Headings (top level only), then bold, then italics, in document order; the inside of a
    heading or of bold text is rendered the same way, so ``***both***`` is bold and italic.
    A backslash escape (``\\*``) keeps its character and loses the backslash.
    """
    events: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    if top:
        for m in _HEADING.finditer(raw):
            events.append((m.start(), m.end(), "heading", m.group(2)))
            taken.append((m.start(), m.end()))
        taken += [(m.start(), m.end()) for m in _BREAK_LINE.finditer(raw)]
    for rx, kind in ((_BOLD, "bold"), (_ITALIC, "italic")):
        for m in rx.finditer(raw):
            if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
                continue
            events.append((m.start(), m.end(), kind, m.group(2)))
            taken.append((m.start(), m.end()))
    for m in _ESCAPE.finditer(raw):
        if not any(s <= m.start() < e for s, e in taken):
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
            inner, inside = _render(inner_raw, top=False)
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
