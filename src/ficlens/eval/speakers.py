"""Score speakers and addressees end to end on stories whose speakers are marked by hand.

PDNC measures the attribution model on 22 public-domain novels; this measures the same model
on stories that are not in PDNC (fan fiction, stories of our own), run as a user runs it: no
cast list, ficlens finds the characters itself.

Annotation format. An annotated story is a ``.txt`` or ``.md`` file whose first line declares
the cast, every named character (speaking or not) with a canonical name and its aliases::

    ⟨cast: Harry Potter = Harry | Potter; Hermione Granger = Hermione; Ron Weasley = Ron⟩

Characters are separated by ``;``, a canonical name from its aliases by ``=``, aliases by
``|``. The alias ``I`` marks the narrator of a first-person story (``Jess Ashby = Jess | I``):
the narrator ficlens adds when the story never names its "I" (a character with source
``"narrator"``) counts as that cast member. Right after the closing quotation mark of every speech quotation, a marker names who
says it, and optionally to whom (several addressees joined by ``+``)::

    "Where were you?"⟨Hermione Granger→Harry Potter+Ron Weasley⟩ Hermione asked.

* A quotation split by a tag is marked in every part:
  ``"Well,"⟨Harry Potter→Ron Weasley⟩ said Harry, "no."⟨Harry Potter→Ron Weasley⟩``.
  Each marked part is one gold quotation.
* Names in markers are canonical names from the cast line (``->`` may stand for ``→``).
  ``⟨?⟩`` marks speech by someone who is not a named character (a voice in a crowd): it counts
  for quotations found but not for speaker accuracy. An addressee list may be left out when
  nobody in particular is addressed.
* Quotations that are not speech (titles, scare quotes, a sign) get no marker and are not
  scored. A speech running over several paragraphs is marked where it closes.

The loader reads the file as ficlens would (a Markdown file's ``*italics*`` become markup),
removes the cast line and the markers, and keeps for each marker the offset of the closing
mark in the clean text, the speaker and the addressees. A marker that does not follow a
closing quotation mark, a malformed marker or cast line, or a name not in the cast raises
``ValueError`` naming the file, the line and the offset.

Scoring, per story and overall (the rules of ``ficlens.eval.pdnc`` where they apply):

* a gold quotation is *found* when a predicted speech quotation covers its last character;
* speaker accuracy is over gold quotations with a named speaker; a quotation that was not
  found, or whose predicted speaker maps to no cast member or the wrong one, is wrong;
* a predicted character is a cast member when its name is one of that member's names or
  aliases, or failing that most of its aliases are (``ficlens.eval.pdnc.map_characters``);
* addressee accuracy is over gold quotations with at least one addressee: right when the
  first predicted addressee is one of them (as on PDNC);
* cast precision: the share of predicted characters that map to a cast member; speakers
  found: the share of the story's named speakers some predicted character maps to; split:
  how many cast members two or more predicted characters map to ("Teo" and "Mr. Lindqvist");
* speaker accuracy by tag kind, read roughly from the narration in the quotation's paragraph
  (the quotations themselves left out): ``named`` (a speech verb within four words of a cast
  name or alias: ``said Harry``, ``Potter said``), ``pronoun`` (a speech verb within four words
  of a pronoun: ``she said``), ``beat`` (other narration: ``She bit her lip.``) and ``none``
  (the paragraph is all quotation).
"""

from __future__ import annotations

import bisect
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ficlens.story import Markup, Story

__all__ = [
    "CastEntry",
    "GoldSpeech",
    "SpeakerScore",
    "evaluate_speakers",
    "load_speakers",
    "score_speakers",
]

MARK_OPEN = "⟨"
MARK_CLOSE = "⟩"
UNKNOWN = "?"
#: The alias that marks a cast member as the story's first-person narrator.
NARRATOR_ALIAS = "I"
#: Closing quotation marks a marker may follow, with the opening marks each pairs with.
_PAIRS = {"”": "“", '"': "\"“", "’": "‘", "'": "'‘", "»": "«", "›": "‹"}
TAG_KINDS = ("named", "pronoun", "beat", "none")
_CAST_LINE = re.compile(r"\s*⟨\s*cast\s*:(.*)⟩\s*$", re.IGNORECASE)
_PRONOUNS = re.compile(r"\b(?:he|she|they|i|we|you|it)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class CastEntry:
    """A character declared in the cast line: canonical name and aliases."""

    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoldSpeech:
    """One marked quotation: its span in the clean text (marks excluded) and who says it to whom.

    ``end`` is the offset of the closing quotation mark; ``speaker`` is a canonical name or
    ``None`` (``⟨?⟩``); ``kind`` is the tag kind (see the module docstring).
    """

    start: int
    end: int
    speaker: str | None
    addressees: tuple[str, ...]
    kind: str
    line: int


def _where(path: Path, text: str, pos: int, base_line: int, base_offset: int) -> str:
    line = text.count("\n", 0, pos) + 1 + base_line
    return f"{path}: line {line}, offset {pos + base_offset}"


def _parse_cast(line: str, path: Path) -> list[CastEntry]:
    m = _CAST_LINE.match(line)
    if not m:
        raise ValueError(
            f"{path}: line 1: the first line must declare the cast, "
            f"e.g. ⟨cast: Harry Potter = Harry | Potter; Ron Weasley = Ron⟩"
        )
    cast: list[CastEntry] = []
    seen: set[str] = set()
    for part in m.group(1).split(";"):
        if not part.strip():
            continue
        name, _, rest = part.partition("=")
        name = name.strip()
        aliases = tuple(a.strip() for a in rest.split("|") if a.strip())
        if not name or any(c in name for c in "→+⟨⟩|") or name == UNKNOWN:
            raise ValueError(f"{path}: line 1: cast entry {part.strip()!r} has no usable canonical name")
        if name in seen:
            raise ValueError(f"{path}: line 1: {name!r} is declared twice in the cast")
        seen.add(name)
        cast.append(CastEntry(name, aliases))
    if not cast:
        raise ValueError(f"{path}: line 1: the cast line names nobody")
    return cast


def _parse_marker(body: str, names: set[str], where: str) -> tuple[str | None, tuple[str, ...]]:
    speaker, arrow, rest = body.replace("->", "→").partition("→")
    speaker = speaker.strip()
    addressees = tuple(a.strip() for a in rest.split("+")) if arrow else ()
    if not speaker or (arrow and (not addressees or any(not a for a in addressees))):
        raise ValueError(f"{where}: malformed marker ⟨{body}⟩; write ⟨Speaker⟩ or ⟨Speaker→Addressee+Addressee⟩")
    for n in (speaker, *addressees):
        if n != UNKNOWN and n not in names:
            raise ValueError(
                f"{where}: {n!r} in ⟨{body}⟩ is not a canonical name from the cast line "
                f"({', '.join(sorted(names))})"
            )
    return (None if speaker == UNKNOWN else speaker), tuple(a for a in addressees if a != UNKNOWN)


def _opening(text: str, close: int, floor: int) -> int | None:
    """The opening mark that pairs with the closing mark at ``close``, searching back to ``floor``."""
    openers = _PAIRS[text[close]]
    for i in range(close - 1, floor - 1, -1):
        ch = text[i]
        if ch not in openers:
            continue
        if ch == "'":
            # a straight single quote opens only at a word's start: not an apostrophe (don't)
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if not (before.isspace() or before in "—–-([") or after.isspace():
                continue
        return i
    return None


def _strip(
    text: str, markup: Sequence[Markup], path: Path, names: set[str], base_line: int, base_offset: int
) -> tuple[str, list[Markup], list[tuple[int, int, str | None, tuple[str, ...]]]]:
    """Remove the markers; map markup offsets onto the clean text; return (start, close, speaker, addressees)."""
    new_pos = [0] * (len(text) + 1)
    out: list[str] = []
    gold: list[tuple[int, int, str | None, tuple[str, ...]]] = []
    n = 0
    i = 0
    last_close = -1
    while i < len(text):
        new_pos[i] = n
        ch = text[i]
        if ch == MARK_CLOSE:
            raise ValueError(f"{_where(path, text, i, base_line, base_offset)}: {MARK_CLOSE} without {MARK_OPEN}")
        if ch != MARK_OPEN:
            out.append(ch)
            n += 1
            i += 1
            continue
        j = text.find(MARK_CLOSE, i + 1)
        nl = text.find("\n", i + 1)
        where = _where(path, text, i, base_line, base_offset)
        if j < 0 or (0 <= nl < j) or MARK_OPEN in text[i + 1 : j]:
            raise ValueError(f"{where}: {MARK_OPEN} never closed on its line")
        speaker, addressees = _parse_marker(text[i + 1 : j], names, where)
        close = n - 1
        if close < 0 or out[close] not in _PAIRS or close == last_close:
            raise ValueError(f"{where}: marker ⟨{text[i + 1 : j]}⟩ does not follow a closing quotation mark")
        clean = "".join(out)
        floor = max(clean.rfind("\n", 0, close) + 1, last_close + 1)
        opening = _opening(clean, close, floor)
        if opening is None:
            raise ValueError(f"{where}: no opening quotation mark before the one marked ⟨{text[i + 1 : j]}⟩")
        gold.append((opening + 1, close, speaker, addressees))
        last_close = close
        for k in range(i, j + 1):
            new_pos[k] = n
        i = j + 1
    new_pos[len(text)] = n
    marks = [Markup(m.kind, new_pos[m.start], new_pos[m.end], m.label) for m in markup]
    return "".join(out), marks, gold


def _tag_kind(text: str, span: tuple[int, int], spans: Sequence[tuple[int, int]], names: Sequence[str]) -> str:
    """The rough tag kind of a quotation from its paragraph's narration (module docstring)."""
    a, b = span
    para_start = text.rfind("\n", 0, a) + 1
    para_end = text.find("\n", b)
    para_end = len(text) if para_end < 0 else para_end
    pieces: list[str] = []
    pos = para_start
    for s, e in sorted(spans):
        if e < para_start or s > para_end:
            continue
        pieces.append(text[pos : s - 1])
        pos = e + 1
    pieces.append(text[pos:para_end])
    narration = [p for p in pieces if _WORD.search(p)]
    if not narration:
        return "none"
    from ficlens.stages._dialogue import SPEECH_VERBS

    kind = "beat"
    for piece in narration:
        words = list(_WORD.finditer(piece))
        for k, w in enumerate(words):
            if w.group(0).lower() not in SPEECH_VERBS:
                continue
            lo = words[max(0, k - 4)].start()
            hi = words[min(len(words) - 1, k + 4)].end()
            window = piece[lo:hi]
            if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", window) for n in names):
                return "named"
            if _PRONOUNS.search(window):
                kind = "pronoun"
    return kind


def load_speakers(path: str | Path) -> tuple[Story, list[CastEntry], list[GoldSpeech]]:
    """A Story from an annotated file, its declared cast, and its gold quotations.

    RETURNS: the story (markers and cast line removed), the cast, and one GoldSpeech per
    marker, in text order.
    """
    from ficlens.readers import load_bytes
    from ficlens.readers._markdown import parse_markdown
    from ficlens.readers._text import check_text, decode, story_from_plain

    data, p = load_bytes(path)
    raw, _, _ = decode(data, p)  # one-line errors naming the file for binary or undecodable input
    check_text(raw, p)
    raw = raw.lstrip("\ufeff")
    first, nl, body = raw.partition("\n")
    cast = _parse_cast(first, p)
    names = {c.name for c in cast}
    if p.suffix.lower() in (".md", ".markdown"):
        marked = parse_markdown(body, source=str(p), encoding="utf-8", fallback=False)
    else:
        marked = story_from_plain(body, source=str(p), encoding="utf-8", fallback=False)
    text, markup, found = _strip(marked.text, marked.markup, p, names, 1, len(first) + len(nl))
    check_text(text, p)
    spans = [(a, b) for a, b, _, _ in found]
    all_names = {c.name: (c.name, *(a for a in c.aliases if a != NARRATOR_ALIAS)) for c in cast}
    every_name = sorted({n for ns in all_names.values() for n in ns}, key=len, reverse=True)
    gold = [
        GoldSpeech(a, b, speaker, addressees, _tag_kind(text, (a, b), spans, every_name), text.count("\n", 0, b) + 2)
        for a, b, speaker, addressees in found
    ]
    return Story(text, metadata=marked.metadata, markup=markup), cast, gold


@dataclass(slots=True)
class SpeakerScore:
    """Counts for one story or a set of them."""

    name: str
    quotes: int = 0  # gold quotations
    found: int = 0  # gold quotations a predicted speech quotation covers
    speaker_total: int = 0
    speaker_correct: int = 0
    addressee_total: int = 0
    addressee_correct: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [correct, total]
    characters: int = 0  # predicted characters
    characters_mapped: int = 0  # ... that map to a cast member
    gold_speakers: int = 0  # named speakers in the gold
    gold_speakers_found: int = 0  # ... that some predicted character maps to
    split: int = 0  # cast members two or more predicted characters map to
    words: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def _r(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    @property
    def quote_recall(self) -> float | None:
        return self._r(self.found, self.quotes)

    @property
    def speaker_accuracy(self) -> float | None:
        return self._r(self.speaker_correct, self.speaker_total)

    @property
    def addressee_accuracy(self) -> float | None:
        return self._r(self.addressee_correct, self.addressee_total)

    @property
    def cast_precision(self) -> float | None:
        return self._r(self.characters_mapped, self.characters)

    @property
    def speakers_found(self) -> float | None:
        return self._r(self.gold_speakers_found, self.gold_speakers)

    def kind_accuracy(self, kind: str) -> float | None:
        c, n = self.by_kind.get(kind, (0, 0))
        return self._r(c, n)

    def add(self, other: SpeakerScore) -> None:
        for f in ("quotes", "found", "speaker_total", "speaker_correct", "addressee_total", "addressee_correct",
                  "characters", "characters_mapped", "gold_speakers", "gold_speakers_found", "split", "words",
                  "seconds"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        for k, (c, n) in other.by_kind.items():
            cur = self.by_kind.setdefault(k, [0, 0])
            cur[0] += c
            cur[1] += n
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "quotes": self.quotes,
            "quote_recall": self.quote_recall,
            "speaker_accuracy": self.speaker_accuracy,
            "speakers_scored": self.speaker_total,
            "speaker_accuracy_by_tag": {
                k: {"accuracy": self.kind_accuracy(k), "n": self.by_kind[k][1]} for k in TAG_KINDS if k in self.by_kind
            },
            "addressee_accuracy": self.addressee_accuracy,
            "addressees_scored": self.addressee_total,
            "characters": self.characters,
            "cast_precision": self.cast_precision,
            "speakers_found": self.speakers_found,
            "split": self.split,
            "words": self.words,
            "seconds": round(self.seconds, 2),
            "errors": self.errors,
        }


def _mapping(story: Story, cast: Sequence[CastEntry]) -> dict[str, str]:
    """Predicted character id -> canonical name, by the PDNC rule (``map_characters``)."""
    from ficlens.eval.pdnc import Novel, _norm, map_characters

    aliases = {c.name: {_norm(c.name), *(_norm(a) for a in c.aliases if a != NARRATOR_ALIAS)} for c in cast}
    novel = Novel(story.metadata.source or "", Path(story.metadata.source or "."), story.text, [], [], aliases)
    mapping = map_characters(story, novel, with_cast=False)
    narrators = [c.name for c in cast if NARRATOR_ALIAS in c.aliases]
    for ch in story.characters:
        if ch.source == "narrator" and len(narrators) == 1:
            mapping[ch.id] = narrators[0]
    return mapping


def score_speakers(name: str, story: Story, cast: Sequence[CastEntry], gold: Iterable[GoldSpeech]) -> SpeakerScore:
    """Compare an analysed story's quotations and attributions with the gold (module docstring)."""
    gold = list(gold)
    sc = SpeakerScore(name, words=len(story.text.split()))
    mapping = _mapping(story, cast)
    pred = sorted(story.speech(), key=lambda q: q.start)
    attributions = story.attributions
    sc.characters = len(story.characters)
    sc.characters_mapped = sum(1 for c in story.characters if c.id in mapping)
    speakers = {g.speaker for g in gold if g.speaker}
    sc.gold_speakers = len(speakers)
    sc.gold_speakers_found = len(speakers & set(mapping.values()))
    sc.split = sum(1 for n in Counter(mapping.values()).values() if n > 1)

    def label(char_id: str | None) -> str:
        if char_id is None:
            return "nobody"
        ch = story.character(char_id)
        shown = ch.name if ch else char_id
        return f"{shown} (={mapping[char_id]})" if char_id in mapping and mapping[char_id] != shown else shown

    starts = [p.start for p in pred]
    for g in gold:
        sc.quotes += 1
        # the predicted speech quotation covering the gold one's last character, if any
        i = bisect.bisect_right(starts, g.end - 1) - 1
        q = pred[i] if i >= 0 and pred[i].start <= g.end - 1 < pred[i].end else None
        if q is not None:
            sc.found += 1
        att = attributions.get(q.id) if q is not None else None
        if g.speaker is None:
            continue
        predicted = mapping.get(att.speaker) if att and att.speaker else None
        ok = predicted == g.speaker
        sc.speaker_total += 1
        sc.speaker_correct += ok
        cur = sc.by_kind.setdefault(g.kind, [0, 0])
        cur[0] += ok
        cur[1] += 1
        addressee_ok = None
        if g.addressees:
            sc.addressee_total += 1
            first = mapping.get(att.addressees[0]) if att and att.addressees else None
            addressee_ok = first in g.addressees
            sc.addressee_correct += addressee_ok
        if not ok or addressee_ok is False:
            excerpt = story.text[g.start : g.end]
            excerpt = excerpt if len(excerpt) <= 50 else excerpt[:47] + "..."
            if q is None:
                got = "quotation not found"
            else:
                assert att is not None
                got = f"{label(att.speaker)}→{'+'.join(label(a) for a in att.addressees) or 'nobody'} ({att.cue})"
            sc.errors.append(
                f"{name}: line {g.line} [{g.kind}] {excerpt!r}: gold {g.speaker}→{'+'.join(g.addressees) or '-'}, "
                f"predicted {got}"
            )
    return sc


def annotated_files(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Each annotated file under ``paths`` (folders searched recursively), with its display name."""
    out: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in (".txt", ".md", ".markdown"))
            if not found:
                raise FileNotFoundError(f"{p}: no annotated .txt or .md stories here")
            out.extend((f, str(f.relative_to(p))) for f in found)
        elif p.is_file():
            out.append((p, p.name))
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return out


def evaluate_speakers(
    paths: Sequence[str | Path],
    *,
    models: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[SpeakerScore], SpeakerScore]:
    """Run the default pipeline, without a cast, over annotated stories and score it.

    Args:
        paths: annotated files, or folders searched recursively for ``.txt``/``.md`` files.
        models: the attribution models (speaker, addressee) to use instead of the shipped ones
            (``ficlens.training.attribution.fit_models``).
        progress: callback ``(story_name, index, total)``.

    RETURNS: a score per story, and the total.
    """
    from ficlens._api import build_pipeline

    files = annotated_files(paths)
    loaded = [(name, *load_speakers(f)) for f, name in files]  # every file checked before any runs
    pipeline = build_pipeline()
    if models is not None:
        for stage in pipeline.stages:
            if stage.name == "attribution":
                stage.models = models  # type: ignore[attr-defined]
    scores: list[SpeakerScore] = []
    total = SpeakerScore("TOTAL")
    for i, (name, story, cast, gold) in enumerate(loaded):
        if progress:
            progress(name, i, len(loaded))
        t0 = time.perf_counter()
        pipeline(story)
        elapsed = time.perf_counter() - t0
        sc = score_speakers(name, story, cast, gold)
        sc.seconds = elapsed
        scores.append(sc)
        total.add(sc)
    return scores, total
