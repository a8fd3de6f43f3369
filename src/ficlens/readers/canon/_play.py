"""Stage plays.

A speech starts at a speaker label and runs to the next label or heading; blank lines and
stage directions inside it are skipped. Labels come in the three layouts printed plays use:

* ``NAME.`` on its own line, the speech below (``ROMEO.``, ``FIRST WITCH.``);
* ``NAME`` on its own line without the full stop (upper case, as in many Midsummer texts);
* ``NAME. text`` inline, the speech starting on the same line (verse reflowed into prose);
  once a name is known, ``NAME text`` with the full stop missing is read too.

Directions are lines starting with Enter, Exit, Exeunt, Re-enter, Manet or Flourish,
anything in [brackets] (over several lines too), and, in files that indent their
directions by one space, such one-space lines. ``ACT`` and ``SCENE`` headings give the
location, ``ACT III, SCENE 1``; a prologue or epilogue gives ``PROLOGUE``/``EPILOGUE``. The
list of characters (Dramatis Personae, Persons Represented) and Project Gutenberg's header
and footer are not read.
"""

from __future__ import annotations

import re

from ficlens.readers.canon import CanonLine, iter_lines, make_line
from ficlens.readers.canon._gutenberg import body_range

_NAME = r"[A-Z][A-Z’'\-]+(?:[ \t]+(?:[A-Z][A-Z’'\-]*|OF|of|&))*"
_OWN = re.compile(rf"^[ \t]*(?P<name>{_NAME})[ \t]*\.?[ \t]*$")
_INLINE = re.compile(rf"^[ \t]*(?P<name>{_NAME})\.[ \t]+(?=\S)")
_ACT = re.compile(r"^[ \t]*ACT[ \t]+(?P<n>[IVXL]+|\d+)\b\.?", re.I)
_SCENE = re.compile(r"^[ \t]*SCENE[ \t]+(?P<n>[IVXL]+|\d+)\b\.?", re.I)
_PROLOGUE = re.compile(r"^[ \t]*(?:THE[ \t]+)?(?P<p>PROLOGUE|EPILOGUE|INDUCTION)\b[. \t]*$", re.I)
_PERSONAE = re.compile(
    r"^[ \t]*(?:Dramatis[ \t]+Person\w*|Persons[ \t]+Represented|PERSONS[ \t]+OF[ \t]+THE[ \t]+PLAY|"
    r"Characters[ \t]+(?:in|of)[ \t]+the[ \t]+Play)\b",
    re.I,
)
_DIRECTION = re.compile(
    r"^[ \t]*(?:Enter|Exit|Exeunt|Re-enter|Reenter|Manet|Flourish|Alarum|Sennet|Trumpets|Dies|Dumb show)\b"
)
_INLINE_SKIP = re.compile(r"\[[^\]]*\]|(?<!\w)_[^_\r\n]+_(?!\w)")
_NOT_NAMES = frozenset(
    {"ACT", "SCENE", "THE", "END", "FINIS", "EPILOGUE", "PROLOGUE", "CONTENTS", "INDUCTION", "SONG", "THE END",
     "CURTAIN", "FINIS."}
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _arabic(n: str) -> str:
    if n.isdigit():
        return n
    total, prev = 0, 0
    for ch in reversed(n.upper()):
        v = _ROMAN.get(ch, 0)
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return str(total)


def _name_ok(name: str) -> bool:
    bare = name.strip(" .\t")
    return len(bare) >= 2 and not re.fullmatch(r"[IVXL]+", bare) and bare.upper() not in _NOT_NAMES and not _ACT.match(bare) and not _SCENE.match(bare)


def play_score(text: str) -> int:
    """How much ``text`` looks like a stage play: speaker labels, plus ten per ACT/SCENE heading.

    Zero below three labels, or when labels and headings are too sparse for the file's size.
    """
    a, b = body_range(text)
    rows = [text[x:y] for x, y in iter_lines(text, a, min(b, a + 400_000))]
    nonblank = sum(1 for r in rows if r.strip())
    headings = sum(1 for r in rows if _ACT.match(r) or _SCENE.match(r))
    labels = 0
    for i, r in enumerate(rows):
        own = _OWN.match(r)
        inline = _INLINE.match(r)
        own_ok = own is not None and _name_ok(own.group("name")) and i + 1 < len(rows) and bool(rows[i + 1].strip())
        if own_ok or (inline is not None and _name_ok(inline.group("name"))):
            labels += 1
    if labels < 3:
        return 0
    score = labels + 10 * headings
    return score if score >= max(3, nonblank // 25) else 0


def parse_play(text: str) -> list[CanonLine]:
    """The speeches of a stage play, one canon line per speech."""
    a0, b0 = body_range(text)
    rows = list(iter_lines(text, a0, b0))
    one_space = sum(1 for x, y in rows if re.match(r"^ (?:Enter|Exit|Exeunt|Re-enter)\b", text[x:y])) >= 3
    known: set[str] = set()
    for x, y in rows:
        row = text[x:y]
        m = _INLINE.match(row) or (_OWN.match(row) if row.rstrip().endswith(".") else None)
        if m and _name_ok(m.group("name")):
            known.add(m.group("name").strip())
    known_rx = (
        re.compile(r"^[ \t]*(?P<name>" + "|".join(re.escape(k) for k in sorted(known, key=len, reverse=True)) + r")[ \t]+(?=[A-Z])")
        if known
        else None
    )

    has_headings = any(_ACT.match(text[x:y]) or _SCENE.match(text[x:y]) for x, y in rows)
    lines: list[CanonLine] = []
    act: str | None = None
    scene: str | None = None
    special: str | None = None
    speaker: str | None = None
    start: int | None = None
    last_end = 0
    skips: list[tuple[int, int]] = []
    in_personae = False
    in_bracket = False
    in_direction = False
    prev_blank = True

    def location() -> str:
        if special:
            return f"ACT {act}, {special}" if act else special
        if act and scene:
            return f"ACT {act}, SCENE {scene}"
        if act:
            return f"ACT {act}"
        return f"SCENE {scene}" if scene else "play"

    def flush() -> None:
        nonlocal start, skips
        if speaker is not None and start is not None:
            line = make_line(text, start, last_end, speaker, location(), _INLINE_SKIP, skips)
            if line:
                lines.append(line)
        start, skips = None, []

    for x, y in rows:
        row = text[x:y]
        blank = not row.strip()
        if in_bracket:
            if speaker is not None:
                skips.append((x, y))
            if "]" in row:
                in_bracket = False
            prev_blank = blank
            continue
        if blank:
            in_direction = False
            prev_blank = True
            continue
        if _PERSONAE.match(row):
            flush()
            speaker = None
            act = scene = special = None
            in_personae = True
            prev_blank = False
            continue
        act_m, scene_m, pro_m = _ACT.match(row), _SCENE.match(row), _PROLOGUE.match(row)
        if act_m or scene_m or pro_m:
            flush()
            speaker = None
            in_personae = False
            if act_m:
                act, scene, special = act_m.group("n").upper(), None, None
                rest = row[act_m.end() :]
                sm = re.search(r"\bSCENE[ \t]+([IVXL]+|\d+)\b", rest, re.I)
                if sm:
                    scene = _arabic(sm.group(1))
            elif scene_m:
                scene, special = _arabic(scene_m.group("n")), None
            else:
                special = pro_m.group("p").upper()  # type: ignore[union-attr]
            prev_blank = False
            continue
        if in_personae or (has_headings and act is None and scene is None and special is None):
            prev_blank = False
            continue
        stripped = row.lstrip()
        is_direction = (
            bool(_DIRECTION.match(row))
            or stripped.startswith("[")
            or (one_space and re.match(r"^ [^ \t]", row) is not None)
            or (in_direction and not prev_blank)
        )
        if is_direction:
            in_direction = True
            if stripped.startswith("[") and "]" not in row:
                in_bracket = True
            if speaker is not None:
                skips.append((x, y))
            prev_blank = False
            continue
        in_direction = False
        label: re.Match[str] | None = None
        own = _OWN.match(row)
        bare = own.group("name").strip(" .\t").upper() if own else ""
        if (own and bare in _NOT_NAMES) or re.fullmatch(r"[ \t]*[IVXL]+\.?[ \t]*", row):  # THE END, SONG., "II."
            flush()
            speaker = None
            prev_blank = True  # a separator: the next line may be a speaker label
            continue
        if own and _name_ok(own.group("name")) and (row.rstrip().endswith(".") or prev_blank):
            flush()
            speaker = own.group("name").strip()
            prev_blank = False
            continue
        label = _INLINE.match(row)
        if not (label and _name_ok(label.group("name"))) and known_rx is not None:
            label = known_rx.match(row)  # a known name whose full stop is missing
        if label and _name_ok(label.group("name")) and (prev_blank or label.group("name").strip() in known):
            flush()
            speaker = label.group("name").strip()
            start = x + label.end()
            last_end = y
            prev_blank = False
            continue
        if speaker is not None:
            if start is None:
                start = x
            last_end = y
        prev_blank = False
    flush()
    return lines
