"""Transcripts and screenplays.

Two layouts, mixed freely:

* transcript: ``NAME: line`` (``Nora: ...`` or ``NORA (V.O.): ...``), continued on the
  following lines until a blank line or the next speaker;
* screenplay: a NAME on its own line (upper case, with ``(V.O.)``, ``(O.S.)``, ``(CONT'D)``
  kept as the canon writes it) above its dialogue, which runs to the next blank line;
  parenthetical lines such as ``(beat)`` inside a speech are skipped.

Scene headings (``INT. STATION - NIGHT``, ``EXT./INT. ...``, ``[Scene: The kitchen]``,
``Scene 3``) set the location, ``Scene 12: EXT. SLIPWAY - NIGHT``; without any, the location
is the line number, ``line 40``. Lines in [brackets] or (parentheses), transitions (``CUT
TO:``, ``FADE OUT.``) and action lines are not dialogue.
"""

from __future__ import annotations

import re

from ficlens.readers.canon import CanonLine, iter_lines, make_line
from ficlens.readers.canon._gutenberg import body_range

_PAREN = r"\((?:V\.?O\.?|O\.?S\.?|O\.?C\.?|CONT['’]?D|cont['’]?d|[A-Za-z .'’]{1,20})\)"
_UPPER_NAME = rf"[A-Z][A-Z0-9.'’&-]*(?: [A-Z0-9][A-Z0-9.'’&-]*){{0,3}}(?: ?{_PAREN})*"
_ANY_NAME = rf"(?:{_UPPER_NAME}|[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){{0,2}}(?: ?{_PAREN})*)"
_PREFIX = re.compile(rf"^[ \t]*(?P<name>{_ANY_NAME})[ \t]*:[ \t]+(?=\S)")
_NAME_LINE = re.compile(rf"^[ \t]*(?P<name>{_UPPER_NAME})[ \t]*:?[ \t]*$")
_HEADING = re.compile(
    r"^[ \t]*(?:(?P<num>\d+)[A-Z]?[ \t.]+)?(?P<h>(?:INT|EXT|I/E|EST)\.?(?:/(?:INT|EXT)\.?)?[ \t][^\r\n]*?)"
    r"(?:[ \t]+\d+[A-Z]?)?[ \t]*$"
    r"|^[ \t]*\[[ \t]*(?:Scene|SCENE)\b[ \t]*(?P<num2>\d+)?[ \t]*[:.\-–—]?[ \t]*(?P<h2>[^\]\r\n]*?)[ \t]*\][ \t]*$"
    r"|^[ \t]*(?:Scene|SCENE)(?:[ \t]+(?P<num3>\d+)[ \t]*[:.\-–—]?|[ \t]*[:.\-–—])[ \t]*(?P<h3>[^\r\n]*?)[ \t]*$"
)
_DIRECTION = re.compile(r"^[ \t]*(?:\[[^\]]*\]|\([^)]*\))[ \t]*$")
_TRANSITION = re.compile(r"^[ \t]*(?:[A-Z ]+ TO:|FADE (?:IN|OUT|TO BLACK)[.:]?|CUT TO BLACK[.:]?|THE END\.?|END CREDITS\.?)[ \t]*$")
_SKIP = re.compile(r"\[[^\]]*\]|\((?:[^()]|\([^)]*\))*\)")
_NOT_NAMES = frozenset({"THE END", "END", "CONTINUED", "MORE", "TITLE", "TITLES", "CREDITS", "INTERCUT", "SUPER"})


def _is_name(name: str) -> bool:
    bare = re.sub(_PAREN, "", name).strip(" .:")
    return bool(bare) and bare not in _NOT_NAMES and any(ch.isalpha() for ch in bare)


def script_score(text: str) -> int:
    """How much ``text`` looks like a transcript or screenplay (speaker-prefixed lines, headings)."""
    start, end = body_range(text)
    rows = [text[a:b] for a, b in iter_lines(text, start, min(end, start + 200_000))]
    nonblank = [r for r in rows if r.strip()]
    score = 0
    for i, row in enumerate(rows):
        if _TRANSITION.match(row):
            continue
        h = _HEADING.match(row)
        if h and h.group("h"):
            score += 3
            continue
        prefix = _PREFIX.match(row)
        speaker_prefix = prefix is not None and _is_name(prefix.group("name"))
        name_line = (
            _NAME_LINE.match(row) is not None
            and not row.rstrip().endswith(".")
            and i + 1 < len(rows)
            and bool(rows[i + 1].strip())
            and _is_name(row.strip())
        )
        score += speaker_prefix or name_line
    return score if score >= max(3, len(nonblank) // 20) else 0


def parse_script(text: str) -> list[CanonLine]:
    """The spoken lines of a transcript or screenplay."""
    rows = list(iter_lines(text, *body_range(text)))
    lines: list[CanonLine] = []
    scene_no = 0
    heading: str | None = None
    speaker: str | None = None
    speech: list[tuple[int, int]] = []
    speech_row = 0

    def location(row: int) -> str:
        if heading is None:
            return f"line {row + 1}"
        return f"Scene {scene_no}: {heading}" if heading else f"Scene {scene_no}"

    def flush() -> None:
        nonlocal speech
        if speech and speaker is not None:
            line = make_line(text, speech[0][0], speech[-1][1], speaker, location(speech_row), _SKIP)
            if line:
                lines.append(line)
        speech = []

    first_heading = next((i for i, (a, b) in enumerate(rows) if _HEADING.match(text[a:b])), 0)
    for i, (a, b) in enumerate(rows):
        if i < first_heading:  # a title page
            continue
        row = text[a:b]
        if not row.strip():
            flush()
            speaker = None
            continue
        if _TRANSITION.match(row):
            flush()
            speaker = None
            continue
        h = _HEADING.match(row)
        if h:
            flush()
            speaker = None
            num = h.group("num") or h.group("num2") or h.group("num3")
            scene_no = int(num) if num else scene_no + 1
            heading = (h.group("h") or h.group("h2") or h.group("h3") or "").strip()
            continue
        if _DIRECTION.match(row):
            if speaker is not None:  # a parenthetical inside a speech is skipped, the speech goes on
                continue
            continue
        p = _PREFIX.match(row)
        if p and _is_name(p.group("name")):
            flush()
            speaker = p.group("name").strip()
            speech = [(a + p.end(), b)]
            speech_row = i
            continue
        n = _NAME_LINE.match(row)
        if n and _is_name(n.group("name")) and not speech:
            flush()
            speaker = n.group("name").strip().rstrip(":").strip()
            speech_row = i
            continue
        if speaker is not None:
            if not speech:
                speech_row = i
            speech.append((a, b))
        # otherwise an action line: not dialogue
    flush()
    return lines
