"""Canon readers: subtitles, transcripts and screenplays, stage plays and books.

``read_canon(path)`` reads one canon file into a :class:`CanonText`: the decoded text
(decoded exactly as the story reader decodes a .txt file) and the lines spoken in it, each
with its speaker when the format names one and a location a person can find again:

=================  ===================================  ===============================
format             recognised by                        location
=================  ===================================  ===============================
``srt``            ``.srt``; ``00:00:01,000 --> ...``   cue start, ``00:41:07,250``
``vtt``            ``.vtt``; a ``WEBVTT`` first line    cue start, ``00:41:07.250``
``script``         ``NAME: line``; a NAME line above    ``Scene 12: EXT. SLIPWAY - NIGHT``
                   its dialogue; INT./EXT. headings     (``line 40`` without headings)
``play``           ACT/SCENE headings; ``NAME.``        ``ACT III, SCENE 1``
``prose``          anything else (a book)               ``Chapter 4``
=================  ===================================  ===============================

Offsets are Python ``str`` offsets into :attr:`CanonText.text`. A line's ``start``/``end``
cover its spoken words only; ``skip`` lists stretches inside that are not spoken (an inline
stage direction, a subtitle tag), which the aligner leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ficlens.errors import CanonError, InputError
from ficlens.readers import load_bytes
from ficlens.readers._text import check_text, decode

__all__ = ["CanonLine", "CanonText", "read_canon", "sniff_canon_format", "CANON_FORMATS"]

#: The formats ``read_canon`` knows, by name.
CANON_FORMATS = ("srt", "vtt", "script", "play", "prose")


@dataclass(frozen=True, slots=True)
class CanonLine:
    """One line of canon: what one speaker says in one cue, speech or paragraph.

    Attributes:
        start (int): offset of the first spoken character in ``CanonText.text``.
        end (int): offset just after the last spoken character.
        speaker (str | None): the speaker as the canon names it ("NORA", "NORA (V.O.)").
        location (str): where to find the line ("00:41:07,250", "ACT III, SCENE 1").
        skip (tuple[tuple[int, int], ...]): stretches inside [start, end) that are not
            spoken words (inline directions, markup); empty for most lines.
        kind (str): ``speech``, or ``narration`` for a book's text around its dialogue.
    """

    start: int
    end: int
    speaker: str | None
    location: str
    skip: tuple[tuple[int, int], ...] = ()
    kind: Literal["speech", "narration"] = "speech"


@dataclass(frozen=True, slots=True)
class CanonText:
    """A canon file as read: its path, its decoded text and its lines, in file order."""

    source: str
    text: str
    lines: tuple[CanonLine, ...]
    format: str = "prose"

    def line_text(self, line: CanonLine) -> str:
        """The spoken words of ``line``, skipped stretches removed, whitespace collapsed."""
        parts: list[str] = []
        pos = line.start
        for a, b in line.skip:
            parts.append(self.text[pos:a])
            pos = b
        parts.append(self.text[pos : line.end])
        return " ".join(" ".join(parts).split())

    @classmethod
    def from_lines(
        cls, source: str, lines: Iterable[tuple[str | None, str, str]], *, format: str = "lines"
    ) -> CanonText:
        """Build a canon from ``(speaker, location, text)`` triples held in memory.

        The text is the lines joined by newlines; useful for canon kept in a table (the
        Tyndale/KJV evaluation) or built in tests.
        """
        chunks: list[str] = []
        out: list[CanonLine] = []
        pos = 0
        for speaker, location, words in lines:
            words = " ".join(words.split())
            if not words:
                continue
            chunks.append(words)
            out.append(CanonLine(pos, pos + len(words), speaker, location))
            pos += len(words) + 1
        return cls(source, "\n".join(chunks), tuple(out), format)


# -- shared helpers for the format modules ---------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def iter_lines(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of every line of ``text[start:end]``, line ends (``\\n``, ``\\r\\n``, ``\\r``) excluded."""
    stop = len(text) if end is None else end
    for m in _LINE.finditer(text, start, stop):
        a, b = m.start(), m.end()
        while b > a and text[b - 1] in "\r\n":
            b -= 1
        yield a, b


def strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink ``[a, b)`` past white space at both ends."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans sorted, with overlapping or touching ones merged."""
    out: list[tuple[int, int]] = []
    for x, y in sorted(spans):
        if out and x <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], y))
        else:
            out.append((x, y))
    return tuple(out)


def make_line(
    text: str,
    a: int,
    b: int,
    speaker: str | None,
    location: str,
    skip_rx: re.Pattern[str] | None = None,
    extra_skips: Iterable[tuple[int, int]] = (),
) -> CanonLine | None:
    """A CanonLine over ``text[a:b]`` trimmed, skipping ``skip_rx`` matches and ``extra_skips``.

    RETURNS (CanonLine | None): None when nothing spoken is left.
    """
    a, b = strip_span(text, a, b)
    if b <= a:
        return None
    found = [(m.start(), m.end()) for m in skip_rx.finditer(text, a, b)] if skip_rx else []
    skips = merge_spans([*found, *((x, y) for x, y in extra_skips if a <= x < b)])
    # trim skipped stretches at the edges so start/end cover spoken words only
    while skips and skips[0][0] <= a:
        a = max(a, skips[0][1])
        skips = skips[1:]
        a, b = strip_span(text, a, b)
    while skips and skips[-1][1] >= b:
        b = min(b, skips[-1][0])
        skips = skips[:-1]
        a, b = strip_span(text, a, b)
    skips = tuple((max(x, a), min(y, b)) for x, y in skips if x < b and y > a)
    if b <= a or not any(ch.isalnum() for ch in _unskipped(text, a, b, skips)):
        return None
    return CanonLine(a, b, speaker, location, skips)


def _unskipped(text: str, a: int, b: int, skips: tuple[tuple[int, int], ...]) -> str:
    out, pos = [], a
    for x, y in skips:
        out.append(text[pos:x])
        pos = y
    out.append(text[pos:b])
    return "".join(out)


# -- dispatch -------------------------------------------------------------------------------

_SRT_TIMING = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}", re.M)
_VTT_HEAD = re.compile(r"^\ufeff?WEBVTT\b")


def sniff_canon_format(text: str, path: Path) -> str:
    """The canon format of a file: by suffix for subtitles, else by what its lines look like."""
    suffix = path.suffix.lower()
    if suffix == ".srt":
        return "srt"
    if suffix == ".vtt" or _VTT_HEAD.match(text):
        return "vtt"
    if len(_SRT_TIMING.findall(text[:20000])) >= 2:
        return "srt"
    from ficlens.readers.canon._play import play_score
    from ficlens.readers.canon._script import script_score

    play, script = play_score(text), script_score(text)
    if play and play >= script:
        return "play"
    if script:
        return "script"
    return "prose"


def read_canon(path: str | Path, *, format: str | None = None) -> CanonText:
    """Read a canon file.

    Args:
        path: a subtitle file (.srt, .vtt), a transcript or screenplay, a stage play or a
            book, as text.
        format: force one of ``CANON_FORMATS`` instead of guessing.

    RETURNS (CanonText): the decoded text and its lines.

    Raises an :class:`~ficlens.errors.InputError` subclass for a file that cannot be read
    or parsed, and :class:`~ficlens.errors.CanonError` when it holds no lines to align with.
    """
    data, p = load_bytes(path)
    text, _enc, _fallback = decode(data, p)
    check_text(text, p)
    fmt = format or sniff_canon_format(text, p)
    if fmt in ("srt", "vtt"):
        from ficlens.readers.canon._subtitles import parse_srt, parse_vtt

        lines = parse_srt(text, p) if fmt == "srt" else parse_vtt(text, p)
    elif fmt == "script":
        from ficlens.readers.canon._script import parse_script

        lines = parse_script(text)
    elif fmt == "play":
        from ficlens.readers.canon._play import parse_play

        lines = parse_play(text)
    elif fmt == "prose":
        from ficlens.readers.canon._prose import parse_prose

        lines = parse_prose(text)
    else:
        raise InputError(f"unknown canon format {fmt!r}; use one of {', '.join(CANON_FORMATS)}", path=p)
    if not lines:
        raise CanonError(f"no dialogue or text lines found in this {fmt} canon file", path=p)
    return CanonText(str(p), text, tuple(lines), fmt)
