"""SubRip (.srt) and WebVTT (.vtt) subtitles.

A cue becomes one canon line, or one line per speaker turn when its text lines start with
a dash ("- You're soaked." / "- It's the sea."). The location is the cue's start time as the
file writes it, padded to ``HH:MM:SS,mmm`` (SubRip) or ``HH:MM:SS.mmm`` (WebVTT). A speaker
is taken from a ``NAME:`` prefix or a WebVTT voice tag (``<v Nora>``); tags, ``{\\an8}``
overrides, ``[sound descriptions]`` and ``(sound descriptions)`` are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from ficlens.errors import MalformedError
from ficlens.readers.canon import CanonLine, iter_lines, make_line

_TIME = r"(\d{1,2}:)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}")
_ARROW = re.compile(r"-->")
_SKIP = re.compile(r"<[^>\r\n]*>|\{\\[^}\r\n]*\}|\[[^\]\r\n]*\]|\([^)\r\n]*\)|&[a-z]+;|♪")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>\r\n]+)>")
_NAME_PREFIX = re.compile(r"([A-Z][A-Z0-9 .'’-]{0,30}(?:\s*\([A-Z. ']+\))?):\s*")
_DASH = re.compile(r"[-–—]\s*")


def _stamp(m: re.Match[str], sep: str) -> str:
    hours = (m.group(1) or "0:")[:-1]
    return f"{int(hours):02d}:{int(m.group(2)):02d}:{m.group(3)}{sep}{m.group(4).ljust(3, '0')}"


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """Non-blank lines grouped into blocks separated by blank lines."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for a, b in iter_lines(text):
        if text[a:b].strip():
            current.append((a, b))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cue_lines(text: str, rows: list[tuple[int, int]], location: str) -> list[CanonLine]:
    """The canon lines of one cue's text rows."""
    turns: list[tuple[int, int, str | None]] = []
    dashed = any(_DASH.match(text[a:b].lstrip()) for a, b in rows) and len(rows) > 1
    for a, b in rows:
        row = text[a:b]
        lead = len(row) - len(row.lstrip())
        a += lead
        speaker: str | None = None
        voice = _VOICE.match(text, a, b)
        if voice:
            speaker = voice.group(1).strip()
        dash = _DASH.match(text, a, b)
        new_turn = not turns or (dashed and dash is not None)
        if dash:
            a = dash.end()
        name = _NAME_PREFIX.match(text, a, b)
        if name and not voice:
            speaker = name.group(1).strip()
            a = name.end()
            new_turn = True
        if new_turn:
            turns.append((a, b, speaker))
        else:
            s, _e, sp = turns[-1]
            turns[-1] = (s, b, sp or speaker)
    out = []
    for a, b, speaker in turns:
        line = make_line(text, a, b, speaker, location, _SKIP)
        if line:
            out.append(line)
    return out


def _parse_cues(
    text: str, blocks: list[list[tuple[int, int]]], path: Path | None, *, name: str, sep: str, example: str
) -> list[CanonLine]:
    """The spoken lines of subtitle cue blocks (SubRip and WebVTT share the layout)."""
    lines: list[CanonLine] = []
    cues = 0
    for block in blocks:
        k = next((i for i, (a, b) in enumerate(block[:2]) if _ARROW.search(text, a, b)), None)
        if k is None:
            continue
        a, b = block[k]
        m = _TIMING.match(text, a, b)
        if not m:
            row = text[:a].count("\n") + 1
            raise MalformedError(f"line {row}: bad {name} timing {text[a:b].strip()!r}", path=path)
        cues += 1
        lines.extend(_cue_lines(text, block[k + 1 :], _stamp(m, sep)))
    if not cues:
        raise MalformedError(f"no {name} cues found (expected '{example}' lines)", path=path)
    return lines


def parse_srt(text: str, path: Path | None = None) -> list[CanonLine]:
    """The lines of a SubRip file. Raises MalformedError when it has no valid cue."""
    return _parse_cues(text, _blocks(text), path, name="SubRip", sep=",", example="00:00:01,000 --> 00:00:03,000")


def parse_vtt(text: str, path: Path | None = None) -> list[CanonLine]:
    """The lines of a WebVTT file. Raises MalformedError without the WEBVTT header or any cue."""
    if not re.match(r"^\ufeff?WEBVTT\b", text):
        raise MalformedError("not WebVTT: the first line must start with 'WEBVTT'", path=path)
    blocks = [
        block for block in _blocks(text)[1:]
        if not (
            text[block[0][0] : block[0][1]].strip().startswith(("NOTE", "STYLE", "REGION"))
            and "-->" not in text[block[0][0] : block[0][1]]
        )
    ]
    return _parse_cues(text, blocks, path, name="WebVTT", sep=".", example="00:01.000 --> 00:03.000")
