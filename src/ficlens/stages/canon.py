"""Canon: align the story's dialogue with the canon and say what is verbatim, altered or original.

Provides ``canon``, a :class:`CanonLayer`. Every speech quotation gets a :class:`CanonMatch`:

* ``verbatim``: its words are the canon's, up to case, punctuation, quotation marks, dashes
  and ellipses, spelling variants and line breaks: strict similarity over the whole quotation
  at least ``VERBATIM_MIN`` (0.97);
* ``altered``: part or all of it aligns with canon (a block passing the engine's thresholds:
  at least 3 matched words, 2 of them content words, loose similarity at least 0.5, and
  enough information), but it is not verbatim; ``coverage`` says how much of it aligned;
* ``original``: the writer's own.

The parts of one utterance split by speech tags (quotes sharing a ``group``) are aligned
together, so a canon line split by "Dev said" still aligns, and a quotation may run over
several canon lines (subtitle cues, speeches). Nothing assumes the story follows the canon's
order; when two canon places fit a quotation almost equally well, the one nearest the
previous quotation's wins. Quotations too short to align on their own (up to
``SHORT_MAX`` words: "You're soaked.") match a canon line with exactly their words, or those
words inside a longer line (not for a single word), and only next to other canon matches
(within ``CONTEXT_QUOTES`` quotations and ``CONTEXT_CHARS`` characters in the story, and
``CONTEXT_LINES`` canon lines for a whole line, ``CONTEXT_LINES_PART`` for words inside one),
or next to each other. Words inside a longer line need a content word or three words.

Canon speaker names are mapped to the story's characters ("NORA (V.O.)" -> Nora Vance) by
name and alias, titles and parentheticals ignored; :func:`canon_speaker_for` gives the
attribution stage that evidence. The engine is in ``ficlens.stages._align``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal

from ficlens.readers.canon import CanonText, read_canon
from ficlens.stages._align import Block, CanonIndex, Tokens, tokenize
from ficlens.story import Character, Quote, Story

__all__ = [
    "CanonStage",
    "CanonLayer",
    "CanonMatch",
    "NarrationMatch",
    "CanonShare",
    "CanonRun",
    "CanonSummary",
    "canon_speaker_for",
    "map_speaker",
    "summarize",
    "VERBATIM_MIN",
    "SHORT_MAX",
]

Status = Literal["verbatim", "altered", "original"]

#: Strict similarity over a whole quotation at or above which it is verbatim.
VERBATIM_MIN = 0.97
#: Quotations of at most this many words that do not align on their own may match a whole
#: canon line with the same words, given context.
SHORT_MAX = 6
#: Context for short quotations: another canon match within this many quotations ...
CONTEXT_QUOTES = 4
#: ... aligned within this many canon lines (when the quotation is a whole canon line) ...
CONTEXT_LINES = 12
#: ... or this many (when it is a few words inside a longer line) ...
CONTEXT_LINES_PART = 6
#: ... and within this many characters of it in the story.
CONTEXT_CHARS = 1500
#: Narration stretches shorter than this many words are not aligned.
NARRATION_MIN_WORDS = 6


@dataclass(frozen=True, slots=True)
class CanonMatch:
    """How one speech quotation relates to the canon.

    Attributes:
        status: ``verbatim``, ``altered`` or ``original``.
        source: the canon file (as given), or None when original.
        start, end: str offsets of the aligned words in that file's decoded text.
        speaker: the speaker as the canon names it ("NORA (V.O.)"), when known.
        character: the story character id that speaker maps to, or None.
        location: where in the canon ("00:41:07,250", "ACT III, SCENE 1", "Chapter 4").
        similarity: strict word similarity between the whole quotation and the aligned
            canon words (0..1).
        coverage: share of the quotation's words inside aligned canon blocks (0..1).
    """

    status: Status
    source: str | None = None
    start: int | None = None
    end: int | None = None
    speaker: str | None = None
    character: str | None = None
    location: str | None = None
    similarity: float = 0.0
    coverage: float = 0.0


@dataclass(frozen=True, slots=True)
class NarrationMatch:
    """A stretch of narration that reuses canon (only with ``align_narration``).

    ``start``/``end`` are offsets into the story; ``canon_start``/``canon_end`` into the
    canon file's decoded text.
    """

    start: int
    end: int
    status: Literal["verbatim", "altered"]
    source: str
    canon_start: int
    canon_end: int
    speaker: str | None
    location: str
    similarity: float


@dataclass(frozen=True, slots=True)
class CanonShare:
    """Counts for a set of quotations. ``share`` = canon_words / words (0 when no words).

    ``canon_words`` counts each verbatim or altered quotation's words times its coverage.
    """

    quotes: int = 0
    words: int = 0
    canon_words: int = 0
    verbatim: int = 0
    altered: int = 0
    original: int = 0
    share: float = 0.0


@dataclass(frozen=True, slots=True)
class CanonRun:
    """A run of consecutive speech quotations, first to last quote id."""

    first: str
    last: str
    quotes: int
    words: int


@dataclass(frozen=True, slots=True)
class CanonSummary:
    """The share of dialogue that is canon: overall, per character id, per scene id.

    Quotations with no known speaker count under ``unattributed``. The longest runs are
    counted in quotations (words break ties).
    """

    overall: CanonShare
    by_character: dict[str, CanonShare]
    unattributed: CanonShare
    by_scene: dict[str, CanonShare]
    longest_canon_run: CanonRun | None
    longest_original_run: CanonRun | None


@dataclass(frozen=True, slots=True)
class CanonLayer:
    """The ``canon`` layer: sources, a match per speech quotation, narration matches, summary."""

    sources: tuple[str, ...]
    matches: dict[str, CanonMatch]
    narration: tuple[NarrationMatch, ...]
    summary: CanonSummary


# -- speaker mapping ---------------------------------------------------------------------------

_TITLES = frozenset(
    """mr mrs miss ms mx dr doctor captain capt cpt lady lord sir dame madam madame master mister father
    mother sister brother aunt uncle prince princess king queen duke duchess officer detective det
    sergeant sgt inspector professor prof agent commander chief nurse young old first second third
    fourth little big""".split()
)


def _name_tokens(name: str) -> list[str]:
    bare = re.sub(r"\([^)]*\)", " ", name)
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", bare.lower().replace("’", "'"))


def map_speaker(speaker: str | None, characters: Sequence[Character]) -> str | None:
    """The id of the story character a canon speaker name refers to, or None.

    Case is ignored, and so are parentheticals ("(V.O.)", "(CONT'D)") and titles. In order:
    the full name equals a character's name or alias; it does with titles dropped on both
    sides; its words are all among one character's name words ("NORA" -> "Nora Vance").
    Ambiguous names ("MACBETH" when the story has Macbeth and Lady Macbeth is fine; "SMITH"
    for two Smiths is not) map to the character whose own name matches fully, else None.
    """
    if not speaker:
        return None
    words = _name_tokens(speaker)
    if not words:
        return None
    full = " ".join(words)
    core = [w for w in words if w not in _TITLES] or words
    forms: dict[str, list[list[str]]] = {}
    for c in characters:
        forms[c.id] = [_name_tokens(n) for n in (c.name, *c.aliases)]
    exact = [cid for cid, fs in forms.items() if any(" ".join(f) == full for f in fs)]
    if len(exact) == 1:
        return exact[0]
    bare = [cid for cid, fs in forms.items() if any([w for w in f if w not in _TITLES] == core for f in fs)]
    if len(bare) == 1:
        return bare[0]
    subset = [cid for cid, fs in forms.items() if any(set(core) <= {w for w in f if w not in _TITLES} for f in fs)]
    if len(subset) == 1:
        return subset[0]
    return None


# -- the stage -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    quotes: list[Quote]
    tokens: Tokens
    parts: list[tuple[int, int]]  # token range of each quote
    order: int
    blocks: list[Block]
    short: list[tuple[int, int, bool]]  # where a short quotation's words occur: (line, position, whole line?)
    hit: tuple[int, int] | None = None  # the (line, position) a short quotation matched
    family: int = -1  # the utterance (first group) a split-off part came from
    at: int = 0  # story offset of its first quotation


class CanonStage:
    """Align the story's speech quotations (and, optionally, narration) with canon files.

    Args:
        sources: canon files (paths) or already read :class:`CanonText` objects.
        align_narration: also align narration outside quotations (``narration`` field).
    """

    name = "canon"
    requires: tuple[str, ...] = ("quotes", "characters")
    provides: tuple[str, ...] = ("canon",)

    def __init__(self, *, sources: Sequence[str | Path | CanonText], align_narration: bool = False) -> None:
        if not sources:
            raise ValueError("the canon stage needs at least one canon source")
        canons: list[CanonText] = []
        seen: set[str] = set()
        for s in sources:
            canon = s if isinstance(s, CanonText) else read_canon(s)
            if canon.source in seen:
                continue
            seen.add(canon.source)
            canons.append(canon)
        self.canons = canons
        self.align_narration = align_narration
        self.index = CanonIndex(canons)

    def __call__(self, story: Story) -> None:
        groups = self._groups(story)
        hint: int | None = None
        for g in groups:
            g.blocks = self.index.align(g.tokens, hint=hint)
            if g.blocks:
                hint = g.blocks[-1].c_hi - 1
        groups = self._split_uncovered(story, groups)
        for g in groups:
            if not g.blocks and len(g.tokens) <= SHORT_MAX:
                # a single word matches whole lines only ("Indeed!" is not any "indeed")
                g.short = [c for c in self.index.short_candidates(g.tokens) if c[2] or len(g.tokens) > 1]
        self._resolve_short(groups)
        matches: dict[str, CanonMatch] = {}
        for g in groups:
            for q, part in zip(g.quotes, g.parts):
                matches[q.id] = self._match(story, g, part)
        matches = {q.id: matches[q.id] for q in story.speech()}
        narration = tuple(self._narration(story)) if self.align_narration else ()
        summary = summarize(story, matches)
        story.add_layer(
            "canon", CanonLayer(tuple(c.source for c in self.canons), matches, narration, summary)
        )

    # -- groups and short quotations ------------------------------------------------------

    def _groups(self, story: Story) -> list[_Group]:
        by_id: dict[str, _Group] = {}
        out: list[_Group] = []
        for q in story.speech():
            g = by_id.get(q.group)
            if g is None:
                g = _Group([], Tokens(), [], len(out), [], [], family=len(out), at=q.start)
                by_id[q.group] = g
                out.append(g)
            toks = tokenize(story.text, q.start, q.end)
            a = len(g.tokens)
            g.tokens.extend(toks)
            g.quotes.append(q)
            g.parts.append((a, len(g.tokens)))
        return out

    def _split_uncovered(self, story: Story, groups: list[_Group]) -> list[_Group]:
        """Parts of a group that its alignment left untouched are aligned again on their own.

        (A speech tag can join two utterances the canon keeps apart: "'Ah me!' ... she said:
        'O Romeo, Romeo!'")
        """
        out: list[_Group] = []
        for g in groups:
            if len(g.quotes) == 1 or not g.blocks:
                out.append(g)
                continue
            kept = _Group([], Tokens(), [], g.order, g.blocks, [], family=g.family, at=g.at)
            loose: list[_Group] = []
            for q, (a, b) in zip(g.quotes, g.parts):
                if any(blk.q_lo < b and a < blk.q_hi for blk in g.blocks):
                    kept.quotes.append(q)
                    kept.parts.append((a, b))
                    continue
                toks = tokenize(story.text, q.start, q.end)
                sub = _Group([q], toks, [(0, len(toks))], g.order, [], [], family=g.family, at=q.start)
                sub.blocks = self.index.align(toks, hint=g.blocks[0].c_lo)
                loose.append(sub)
            kept.tokens = g.tokens
            out.append(kept)
            out.extend(loose)
        for k, g in enumerate(out):
            g.order = k
        return out

    def _anchor_lines(self, g: _Group) -> list[int]:
        if g.hit is not None:
            return [g.hit[0]]
        return [self.index.t_line[c] for b in g.blocks for c in (b.c_lo, b.c_hi - 1)]

    def _resolve_short(self, groups: list[_Group]) -> None:
        """Accept short quotations' matches that have canon matches around them.

        A whole canon line needs a match within ``CONTEXT_LINES`` lines; words inside a
        longer line ("I like not that." in "Ha! I like not that.") within ``CONTEXT_LINES_PART``.
        Two neighbouring short quotations matching neighbouring whole lines support each other.
        """
        idx = self.index
        pending = [g for g in groups if g.short]

        def near(cand: tuple[int, int, bool], other: int) -> bool:
            line = cand[0]
            reach = CONTEXT_LINES if cand[2] else CONTEXT_LINES_PART
            return idx.lines[line][0] == idx.lines[other][0] and abs(line - other) <= reach

        changed = True
        while changed and pending:
            changed = False
            for g in list(pending):
                lo, hi = max(0, g.order - CONTEXT_QUOTES), min(len(groups), g.order + CONTEXT_QUOTES + 1)
                anchors = [
                    (abs(h.order - g.order), h.order, line, h.family == g.family)
                    for h in groups[lo:hi]
                    if h is not g and abs(h.at - g.at) <= CONTEXT_CHARS
                    for line in self._anchor_lines(h)
                ]
                best: tuple[int, tuple[int, int]] | None = None
                for cand in g.short:
                    # words inside a longer line need a content word or three words, unless the
                    # rest of the same utterance aligned right there ("Nay, then," ... "I will set")
                    weak = not cand[2] and len(g.tokens) < 3 and all(idx.is_stop(idx.t_loose[p]) for p in
                                                                      range(cand[1], cand[1] + len(g.tokens)))
                    for dist, h_order, line, sibling in anchors:
                        if not near(cand, line) or (weak and not (sibling and cand[0] == line)):
                            continue
                        # the story's order is a weak hint: a later quotation, a later line
                        c = cand[0]
                        wrong_side = (h_order < g.order and c < line) or (h_order > g.order and c > line)
                        key = (dist * 100 + abs(c - line) + (50 if wrong_side else 0) + (0 if cand[2] else 5), (c, cand[1]))
                        if best is None or key < best:
                            best = key
                if best is not None:
                    g.hit = best[1]
                    pending.remove(g)
                    changed = True
            if not changed:
                for g1, g2 in pairwise(pending):
                    if g2.order - g1.order > 2:
                        continue
                    pair = next(
                        (
                            (c1, c2)
                            for c1 in g1.short
                            for c2 in g2.short
                            if c1[2] and c2[2] and c1[0] < c2[0] <= c1[0] + 3 and near(c1, c2[0])
                        ),
                        None,
                    )
                    if pair:
                        g1.hit, g2.hit = (pair[0][0], pair[0][1]), (pair[1][0], pair[1][1])
                        pending.remove(g1)
                        pending.remove(g2)
                        changed = True
                        break

    # -- matches -----------------------------------------------------------------------------

    def _match(self, story: Story, g: _Group, part: tuple[int, int]) -> CanonMatch:
        a, b = part
        n = b - a
        idx = self.index
        if n == 0:
            return CanonMatch("original")
        if g.hit is not None:
            la = g.hit[1]
            pairs = [
                (j, la + j, 1.0 if g.tokens.strict[j] == idx.t_strict[la + j] else 0.5, 1.0)
                for j in range(len(g.tokens))
            ]
            blocks = [Block(0, len(g.tokens), la, la + len(g.tokens), pairs, 0.0, 1.0, 0.0, 0)]
        else:
            blocks = g.blocks
        inside = [[p for p in blk.pairs if a <= p[0] < b] for blk in blocks]
        best = max(range(len(blocks)), key=lambda k: len(inside[k]), default=None)
        # a part needs two aligned words, or half its words when it is shorter ("Sleep, then,")
        if best is None or (len(inside[best]) < 2 and len(inside[best]) * 2 < n) or not inside[best]:
            return CanonMatch("original")
        pp = _trim_edges(idx, inside[best])
        c_lo, c_hi = pp[0][1], pp[-1][1] + 1
        similarity = idx.strict_similarity(n, c_hi - c_lo, pp)
        covered = sum(max(0, min(b, blk.q_hi) - max(a, blk.q_lo)) for blk in blocks)
        coverage = min(1.0, covered / n)
        line_no = Counter(idx.t_line[c] for _q, c, _s, _l in pp).most_common(1)[0][0]
        src, line = idx.lines[line_no]
        status: Status = "verbatim" if similarity >= VERBATIM_MIN and coverage >= VERBATIM_MIN else "altered"
        return CanonMatch(
            status,
            self.canons[src].source,
            idx.t_start[c_lo],
            idx.t_end[c_hi - 1],
            line.speaker,
            map_speaker(line.speaker, story.characters),
            line.location,
            round(similarity, 4),
            round(coverage, 4),
        )

    def _narration(self, story: Story) -> Iterable[NarrationMatch]:
        text = story.text
        speech_by_para: dict[int, list[Quote]] = {}
        for q in story.speech():
            speech_by_para.setdefault(q.paragraph, []).append(q)
        idx = self.index
        hint: int | None = None
        for p in story.paragraphs:
            if p.kind != "text":
                continue
            pos = p.start
            stretches = []
            for q in speech_by_para.get(p.id, []):
                stretches.append((pos, q.start))
                pos = q.end
            stretches.append((pos, p.end))
            for s, e in stretches:
                toks = tokenize(text, s, e)
                if len(toks) < NARRATION_MIN_WORDS:
                    continue
                for blk in idx.align(toks, hint=hint):
                    hint = blk.c_hi - 1
                    sim = idx.strict_similarity(blk.q_hi - blk.q_lo, blk.c_hi - blk.c_lo, blk.pairs)
                    line_no = Counter(idx.t_line[c] for _q, c, _s, _l in blk.pairs).most_common(1)[0][0]
                    src, line = idx.lines[line_no]
                    yield NarrationMatch(
                        toks.starts[blk.q_lo],
                        toks.ends[blk.q_hi - 1],
                        "verbatim" if sim >= VERBATIM_MIN else "altered",
                        self.canons[src].source,
                        idx.t_start[blk.c_lo],
                        idx.t_end[blk.c_hi - 1],
                        line.speaker,
                        line.location,
                        round(sim, 4),
                    )


def _trim_edges(idx: CanonIndex, pairs: list[tuple[int, int, float, float]]) -> list[tuple[int, int, float, float]]:
    """Drop a function word matched at either end of a part when it sits far from the rest.

    ("... gaze upon." against "... gaze on him ... And sails upon": the part's canon span
    should end at "gaze".)
    """
    out = list(pairs)
    while len(out) > 2 and idx.is_stop(idx.t_loose[out[-1][1]]):
        (qa, ca, *_r1), (qb, cb, *_r2) = out[-2], out[-1]
        if (cb - ca) - (qb - qa) <= 3:
            break
        out.pop()
    while len(out) > 2 and idx.is_stop(idx.t_loose[out[0][1]]):
        (qa, ca, *_r1), (qb, cb, *_r2) = out[0], out[1]
        if (cb - ca) - (qb - qa) <= 3:
            break
        out.pop(0)
    return out


# -- summary and the attribution hook ------------------------------------------------------------


class _Tally:
    __slots__ = ("canon", "counts", "quotes", "words")

    def __init__(self) -> None:
        self.quotes = 0
        self.words = 0
        self.canon = 0.0
        self.counts: Counter[str] = Counter()

    def add(self, m: CanonMatch, words: int) -> None:
        self.quotes += 1
        self.words += words
        if m.status != "original":
            self.canon += words * m.coverage
        self.counts[m.status] += 1

    def share(self) -> CanonShare:
        canon = round(self.canon)
        return CanonShare(
            self.quotes,
            self.words,
            canon,
            self.counts["verbatim"],
            self.counts["altered"],
            self.counts["original"],
            round(canon / self.words, 4) if self.words else 0.0,
        )


def summarize(story: Story, matches: Mapping[str, CanonMatch] | None = None) -> CanonSummary:
    """The canon summary of a story.

    Speakers come from the ``attributions`` layer when the story has one, else from the
    canon speaker a matched quotation maps to. Call it again after attribution has run to
    get per-character shares with every quotation's speaker.
    """
    if matches is None:
        matches = story.layer("canon").matches
    attributions = story.attributions
    overall, unattributed = _Tally(), _Tally()
    by_char: dict[str, _Tally] = {}
    by_scene: dict[str, _Tally] = {}
    runs: dict[bool, CanonRun | None] = {True: None, False: None}
    current: list[tuple[str, int]] = []
    current_kind: bool | None = None

    def close() -> None:
        if current_kind is None or not current:
            return
        run = CanonRun(current[0][0], current[-1][0], len(current), sum(w for _q, w in current))
        best = runs[current_kind]
        if best is None or (run.quotes, run.words) > (best.quotes, best.words):
            runs[current_kind] = run

    paragraphs = story.paragraphs
    for q in story.speech():
        m = matches.get(q.id)
        if m is None:
            continue
        words = len(tokenize(story.text, q.start, q.end))
        overall.add(m, words)
        a = attributions.get(q.id)
        speaker = a.speaker if a and a.speaker else m.character
        (by_char.setdefault(speaker, _Tally()) if speaker else unattributed).add(m, words)
        scene = paragraphs[q.paragraph].section if 0 <= q.paragraph < len(paragraphs) else ""
        by_scene.setdefault(scene or "", _Tally()).add(m, words)
        kind = m.status != "original"
        if kind != current_kind:
            close()
            current, current_kind = [], kind
        current.append((q.id, words))
    close()
    return CanonSummary(
        overall.share(),
        {k: v.share() for k, v in by_char.items()},
        unattributed.share(),
        {k: v.share() for k, v in by_scene.items()},
        runs[True],
        runs[False],
    )


def canon_speaker_for(story: Story, quote_id: str) -> tuple[str | None, Status, float]:
    """Canon evidence for who says a quotation: (character id or None, status, similarity).

    For the attribution stage: a ``verbatim`` match's character is strong evidence, an
    ``altered`` one weaker (weigh it by similarity); ``original`` gives none. Returns
    ``(None, "original", 0.0)`` when the story has no canon layer or the quote no match.
    """
    if not story.has_layer("canon"):
        return None, "original", 0.0
    m = story.layer("canon").matches.get(quote_id)
    if m is None:
        return None, "original", 0.0
    return m.character, m.status, m.similarity
