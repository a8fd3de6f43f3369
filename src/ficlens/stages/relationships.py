"""Relationships: the pairs a story centres, and the pairings the work declares.

Provides ``relationships``, a :class:`Relationships` with

* ``declared``: the pairings the work names: the relationship tags of an AO3 download or a
  "Pairing:" header line, and, in the author's notes, summary and front matter, "A/B" and
  "A x B" (romantic) and "A & B" (platonic) pairings and ship names, portmanteaus of two
  characters' names ("Norev" = Nora + Dev). Each is resolved to the story's characters by
  name and alias; one the story's characters cannot account for is kept with
  ``resolved: false``.
* ``pairs``: the pairs of characters the story centres, scored from the dialogue between
  them (both directions, from the network), the scenes they share, and romantic cues in
  those scenes (a hand-written lexicon: kisses, held hands, "in love", blushing ...). A pair
  the work declares has ``source: declared`` and the declared kind; otherwise ``inferred``,
  ``romantic`` with two or more romantic cues, ``platonic`` with two or more family or
  friendship cues ("my sister", "her best friend") and no romantic one, and ``unknown``
  otherwise.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from ficlens.stages._dialogue import MentionIndex
from ficlens.stages._letters import CAPITALISED, LOWER, UPPER
from ficlens.stages._narration import NOTE_KINDS, Lexicon, scan
from ficlens.stages.network import Network, build_network, scene_presence
from ficlens.story import Character, Section, Span, Story

__all__ = [
    "DeclaredPairing",
    "Relationship",
    "RelationshipStage",
    "Relationships",
    "parse_pairing",
    "resolve_name",
    "ship_name_parts",
]

Kind = Literal["romantic", "platonic", "unknown"]

#: Pairs scoring below this are not reported (declared pairs always are).
MIN_SCORE = 0.25
#: At most this many inferred pairs.
MAX_PAIRS = 6


@dataclass(frozen=True, slots=True)
class DeclaredPairing:
    """A pairing the work declares.

    Attributes:
        text: as written ("Nora Vance/Dev Okafor", "Norev").
        names: the names read from it; for a ship name, the character names it was built from.
        characters: the character ids, in order; empty when unresolved.
        kind: ``romantic`` ("/", " x ", ship names) or ``platonic`` ("&").
        form: ``slash``, ``ampersand`` or ``ship_name``.
        origin: ``metadata`` (tags, "Pairing:" header) or ``notes`` (notes, summary, front matter).
        resolved: whether every name was matched to one of the story's characters.
        span: where it is in the text (for ``notes``), else None.
    """

    text: str
    names: tuple[str, ...]
    characters: tuple[str, ...]
    kind: Literal["romantic", "platonic"]
    form: Literal["slash", "ampersand", "ship_name"]
    origin: Literal["metadata", "notes"]
    resolved: bool
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    """A pair (or group) of characters the story centres.

    Attributes:
        characters: character ids.
        kind: ``romantic``, ``platonic`` or ``unknown``.
        source: ``declared`` (the work names it) or ``inferred``.
        score: how central the pair is (0..1): dialogue, shared scenes and romantic cues.
        evidence: spans: romantic or platonic cues, then an exchange between them.
        dialogue: utterances one addresses to the other, both ways.
        scenes: scenes they share.
        cues: romantic cues in their shared scenes.
    """

    characters: tuple[str, ...]
    kind: Kind
    source: Literal["declared", "inferred"]
    score: float
    evidence: tuple[Span, ...]
    dialogue: int = 0
    scenes: int = 0
    cues: int = 0


@dataclass(frozen=True, slots=True)
class Relationships:
    """The ``relationships`` layer: centred ``pairs`` and ``declared`` pairings."""

    pairs: tuple[Relationship, ...]
    declared: tuple[DeclaredPairing, ...]


class RelationshipStage:
    """Read declared pairings and score the pairs the story centres."""

    name = "relationships"
    requires: tuple[str, ...] = ("paragraphs", "sections", "quotes", "characters", "mentions", "attributions")
    provides: tuple[str, ...] = ("relationships",)

    def __call__(self, story: Story) -> None:
        story.add_layer("relationships", find_relationships(story))


# -- names ------------------------------------------------------------------------------------


def _tokens(name: str) -> list[str]:
    bare = re.sub(r"\([^)]*\)", " ", name)
    return [t.lower() for t in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", bare)]


_TITLES = frozenset("mr mrs miss ms mx dr doctor captain lady lord sir dame madam professor".split())


def resolve_name(name: str, characters: Sequence[Character]) -> str | None:
    """The id of the character a declared name refers to, or None.

    An exact match with a name or alias wins; otherwise the one character whose name words
    are all among the declared ones (or the other way round: "Nora" for "Nora Vance"), titles
    and quoted nicknames included ('Marguerite "Mags" Fell' is Mags).
    """
    want = [t for t in _tokens(name) if t not in _TITLES]
    if not want:
        return None
    full = " ".join(want)
    forms = {c.id: [[t for t in _tokens(n) if t not in _TITLES] for n in (c.name, *c.aliases)] for c in characters}
    exact = [cid for cid, fs in forms.items() if any(" ".join(f) == full for f in fs)]
    if len(exact) == 1:
        return exact[0]
    wset = set(want)
    best: list[tuple[int, str]] = []
    for cid, fs in forms.items():
        overlap = max((len(set(f) & wset) for f in fs if f and (set(f) <= wset or wset <= set(f))), default=0)
        if overlap:
            best.append((overlap, cid))
    if not best:
        return None
    best.sort(reverse=True)
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]


_NAME = r"[A-Z][\w'’.\-]*[\w](?:[ \t]+(?:\"[^\"]+\"|“[^”]+”|[A-Z][\w'’.\-]*[\w])){0,3}"  # on one line
_PAIRING = re.compile(rf"({_NAME}(?:\s*(?:/|&|\s[xX×]\s)\s*{_NAME})+)")
_SEPARATOR = re.compile(r"\s*(/|&|\s[xX×]\s)\s*")
_DECLARING = re.compile(r"\b(?:pairings?|ships?|shipping|relationships?|otp|romance|slash|femslash|het)\b", re.I)


def parse_pairing(text: str) -> tuple[list[str], Literal["slash", "ampersand"]] | None:
    """Split "A/B", "A x B" or "A & B" (or longer chains) into names and its form."""
    parts = _SEPARATOR.split(text.strip())
    names = [p.strip() for p in parts[::2] if p.strip()]
    seps = {p.strip() for p in parts[1::2]}
    if len(names) < 2 or any(len(n) < 2 for n in names):
        return None
    return names, ("ampersand" if seps == {"&"} else "slash")


# -- ship names ---------------------------------------------------------------------------------

_SHIP_CUE = re.compile(
    r"^\s*(?:forever|endgame|fic|fics|fans?|feels|rights|is\s+canon|otp|nation|hive|shippers?|trash|week|"
    r"brainrot|agenda|supremacy)\b",
    re.I,
)
_SHIP_CUE_BEFORE = re.compile(r"\b(?:ship|shipping|ships|otp|for the|team|#)\s*$", re.I)


def ship_name_parts(word: str, names: Sequence[tuple[str, str]]) -> tuple[str, str, float] | None:
    """Read a ship name as a prefix of one name and a suffix of another.

    Args:
        word: the candidate ("Norev").
        names: (character id, name word) pairs to build it from.

    RETURNS: the two character ids (prefix first) and how much of each name it keeps (the
    smaller share), or None.
    """
    w = word.lower()
    best: tuple[str, str, float] | None = None
    for i in range(2, len(w) - 1):
        pre, suf = w[:i], w[i:]
        for cid_a, a in names:
            al = a.lower()
            if not al.startswith(pre) or len(pre) < 2:
                continue
            for cid_b, b in names:
                bl = b.lower()
                if cid_b == cid_a or not bl.endswith(suf) or len(suf) < 2:
                    continue
                strength = min(len(pre) / len(al), len(suf) / len(bl))
                if best is None or strength > best[2]:
                    best = (cid_a, cid_b, strength)
    return best


def _ship_names(text: str, a: int, b: int, characters: Sequence[Character]) -> Iterable[DeclaredPairing]:
    """Ship names in ``text[a:b]``: resolved portmanteaus, and unresolved words the notes call a ship."""
    known_words = {t for c in characters for n in (c.name, *c.aliases) for t in _tokens(n)}
    name_words = [(c.id, w) for c in characters for n in (c.name, *c.aliases) for w in re.findall(CAPITALISED, n)]
    names = {c.id: c.name for c in characters}
    for m in re.finditer(rf"#?\b([{UPPER}][{LOWER}]{{3,}}|{CAPITALISED}{CAPITALISED})\b", text[a:b]):
        word = m.group(1)
        if word.lower() in known_words:
            continue
        start, end = a + m.start(1), a + m.end(1)
        if _NO_SHIP_LINE.match(text, text.rfind("\n", 0, start) + 1):
            continue  # "Rating: Teen And Up Audiences": no ship name ("Teen", Teo and Fen)
        after = text[end : min(b, end + 20)]
        before = text[max(a, start - 12) : start]
        cue = bool(_SHIP_CUE.match(after) or _SHIP_CUE_BEFORE.search(before) or m.group(0).startswith("#"))
        parts = ship_name_parts(word, name_words)
        strength = parts[2] if parts else 0.0
        if parts and ((strength >= 0.5 and cue) or (strength >= 0.6 and _only_capitalised(word, text))):
            ca, cb = parts[0], parts[1]
            yield DeclaredPairing(word, (names[ca], names[cb]), (ca, cb), "romantic", "ship_name", "notes", True, Span(start, end))
        elif cue:
            yield DeclaredPairing(word, (), (), "romantic", "ship_name", "notes", False, Span(start, end))


#: A header line whose values are no ship names: the rating, warnings, category, fandom, the
#: title and the figures of an archive's header.
_NO_SHIP_LINE = re.compile(
    r"[ \t]*(?:rating|ratings|archive\s+warnings?|warnings?|category|categories|fandoms?|language|words|chapters|"
    r"title|author|authors|series|published|updated|completed|status|stats|kudos|hits|bookmarks|comments)[ \t]*:",
    re.I,
)


def _only_capitalised(word: str, text: str) -> bool:
    """Never written in lower case anywhere in the text (a coinage, not a common word)."""
    return re.search(rf"\b{re.escape(word.lower())}\b", text) is None


# -- declared pairings --------------------------------------------------------------------------


def declared_names(story: Story) -> list[str]:
    """The names in what a work declares, read before any character is known: its declared
    characters, the names of its declared pairings, and those of the "A/B" pairings in its
    notes, summary and front matter (an "A & B" or "A x B" there only on a line that speaks of
    pairings), as the characters stage reads them."""
    names = list(story.metadata.characters)
    for rel in story.metadata.relationships:
        if parsed := parse_pairing(rel):
            names.extend(parsed[0])
    for sec in _note_sections(story):
        for m, (found, form) in _pairings_in(story.text, sec):
            if _says_pairing(story.text, m, form):
                names.extend(found)
    return names


def _note_sections(story: Story) -> list[Section]:
    return sorted((s for s in story.sections if s.kind in NOTE_KINDS), key=lambda s: s.start)


def _pairings_in(text: str, sec: Section) -> Iterable[tuple[re.Match[str], tuple[list[str], Literal["slash", "ampersand"]]]]:
    """Every pairing written in a section of notes, summary or front matter, with its match."""
    for m in _PAIRING.finditer(text, sec.start, sec.end):
        if parsed := parse_pairing(m.group(1)):
            yield m, parsed


def _says_pairing(text: str, m: re.Match[str], form: str) -> bool:
    """Whether a pairing the characters cannot account for is one anyway: written "A/B", or
    on a line that speaks of pairings ("thanks to Sam & Alex" is none)."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    return (form != "ampersand" and "/" in m.group(1)) or _DECLARING.search(text[line_start : m.start()]) is not None


def declared_pairings(story: Story) -> list[DeclaredPairing]:
    """Pairings from the metadata, then from notes, summary and front matter (deduplicated)."""
    chars = story.characters
    out: list[DeclaredPairing] = []
    for rel in story.metadata.relationships:
        parsed = parse_pairing(rel)
        if not parsed:
            continue
        names, form = parsed
        ids = [resolve_name(n, chars) for n in names]
        out.append(
            DeclaredPairing(
                rel, tuple(names), tuple(i for i in ids if i), "platonic" if form == "ampersand" else "romantic",
                form, "metadata", all(ids),
            )
        )
    text = story.text
    for sec in _note_sections(story):
        for m, (names, form) in _pairings_in(text, sec):
            ids = [resolve_name(n, chars) for n in names]
            if not all(ids) and not _says_pairing(text, m, form):
                continue
            out.append(
                DeclaredPairing(
                    m.group(1), tuple(names), tuple(i for i in ids if i),
                    "platonic" if form == "ampersand" else "romantic", form, "notes", all(ids),
                    Span(m.start(1), m.end(1)),
                )
            )
        out.extend(_ship_names(text, sec.start, sec.end, chars))
    seen: set[tuple[object, ...]] = set()
    unique: list[DeclaredPairing] = []
    for d in out:
        key: tuple[object, ...] = (
            (d.form if d.form == "ship_name" else "pair", tuple(sorted(d.characters)), d.kind)
            if d.resolved
            else (d.text.lower(),)
        )
        if key in seen:
            continue
        seen.add(key)
        unique.append(d)
    return unique


# -- cues in shared scenes ----------------------------------------------------------------------

ROMANTIC = Lexicon.of(
    "kiss(?:ed|es|ing)?", r"(?:made|make|making)\s+love", "lovers?", r"in\s+love", r"love\s+you", "darling",
    "sweetheart", "boyfriend", "girlfriend", "husband", "wife", "married", "wedding", "engaged", "fianc[ée]e?",
    "dating", "flirt(?:ed|ing|s)?", "blush(?:ed|es|ing)?",
    r"(?:held|holding|hold|took|take|taking)\s+(?:her|his|their|my)\s+hand",
    r"(?:laced|linked|twined|tangled)\s+(?:their\s+)?fingers", "embrac(?:e|ed|ing)", "caress(?:ed|ing)?",
    "cuddl(?:e|ed|ing)", "nuzzl(?:e|ed|ing)", r"(?:in|into)\s+(?:his|her|my|their)\s+arms",
    r"arms?\s+(?:came|went|slid|wrapped)\s+(?:round|around)",
    r"heart\s+(?:raced|pounded|hammered|skipped|stuttered)", "butterflies", "desire[ds]?",
    r"undress(?:ed|ing)?", "naked", "moan(?:ed|ing)?", r"(?:forehead|cheek)\s+against",
)
PLATONIC = Lexicon.of(
    r"(?:my|your|his|her|our|their)\s+(?:best\s+friend|oldest\s+friend|friend|mate|sister|brother|sibling|mum|mom|"
    r"dad|mother|father|daughter|son|cousin|aunt|uncle|niece|nephew)s?",
    "friendship",
    r"like\s+a\s+(?:sister|brother|daughter|son|mother|father)",
)
#: Platonic cues needed (with no romantic one) to call a pair platonic.
MIN_PLATONIC = 2


@dataclass(frozen=True, slots=True)
class _PairStats:
    score: float
    dialogue: int
    scenes: int
    cues: int
    evidence: list[Span]
    platonic: bool


def find_relationships(story: Story) -> Relationships:
    """The :class:`Relationships` of a story with characters, mentions and attributions."""
    declared = declared_pairings(story)
    net: Network = story.layer("network") if story.has_layer("network") else build_network(story)
    index = MentionIndex(story)
    present = scene_presence(story, index)
    n_scenes = max(1, sum(1 for s in story.sections if s.kind == "scene"))
    speech = Counter({(e.source, e.target): e.weight for e in net.edges if e.kind == "speech"})
    copresence = Counter({frozenset((e.source, e.target)): e.weight for e in net.edges if e.kind == "copresence"})
    weight = {n.id: n.mentions + 2 * n.quotes for n in net.nodes}
    ranked = sorted(weight, key=lambda c: -weight[c])[:12]
    candidates = {frozenset(p) for p in combinations(ranked, 2)}
    for d in declared:
        if d.resolved and len(d.characters) >= 2:
            candidates.update(frozenset(p) for p in combinations(d.characters, 2))
    max_dialogue = max((speech[(a, b)] + speech[(b, a)] for a, b in (sorted(p) for p in candidates)), default=0) or 1
    paras = _paragraph_cues(story, index)
    exchanges = _first_exchanges(story)
    stats: dict[frozenset[str], _PairStats] = {}
    for pair in candidates:
        a, b = sorted(pair)
        talk = speech[(a, b)] + speech[(b, a)]
        shared = copresence[pair]
        if talk == 0 and shared == 0:
            continue
        cues, platonic, spans = _cues(paras, present, a, b)
        score = 0.4 * talk / max_dialogue + 0.25 * min(1.0, shared / n_scenes) + 0.35 * (1 - math.exp(-cues / 2))
        evidence = spans[:3] + ([exchanges[pair]] if pair in exchanges else [])
        stats[pair] = _PairStats(round(score, 4), talk, shared, cues, evidence, platonic >= MIN_PLATONIC)
    pairs: list[Relationship] = []
    done: set[frozenset[str]] = set()
    for d in declared:
        group = frozenset(d.characters)
        if not d.resolved or len(group) < 2 or group in done:
            continue
        done.add(group)
        members = [frozenset(p) for p in combinations(d.characters, 2)]
        got = [stats[p] for p in members if p in stats]
        score = round(sum(g.score for g in got) / len(members), 4)
        evidence = ([d.span] if d.span is not None else []) + [sp for g in got for sp in g.evidence][:4]
        pairs.append(
            Relationship(
                tuple(d.characters), d.kind, "declared", score, tuple(evidence),
                sum(g.dialogue for g in got), sum(g.scenes for g in got), sum(g.cues for g in got),
            )
        )
    # equal scores in the order of the characters' ids: the pairs come from a set, whose order
    # changes from run to run
    inferred = sorted(
        ((p, st) for p, st in stats.items() if p not in done and st.score >= MIN_SCORE),
        key=lambda x: (-x[1].score, sorted(x[0])),
    )[:MAX_PAIRS]
    for pair, st in inferred:
        kind: Kind = "romantic" if st.cues >= 2 else "platonic" if st.platonic and st.cues == 0 else "unknown"
        pairs.append(
            Relationship(tuple(sorted(pair)), kind, "inferred", st.score, tuple(st.evidence), st.dialogue, st.scenes, st.cues)
        )
    pairs.sort(key=lambda r: (r.source != "declared", -r.score))
    return Relationships(tuple(pairs), tuple(declared))


def _first_exchanges(story: Story) -> dict[frozenset[str], Span]:
    """For each pair, the first quotation one of them addresses to the other."""
    out: dict[frozenset[str], Span] = {}
    for q in story.speech():
        att = story.attributions.get(q.id)
        if att is None or not att.speaker:
            continue
        for target in att.addressees:
            out.setdefault(frozenset((att.speaker, target)), Span(q.start, q.end))
    return out


@dataclass(slots=True)
class _ParaCues:
    """What each body paragraph holds: who is there, and its romantic and platonic cues."""

    section: str
    who: set[str]
    romantic: list[Span]
    platonic: int


def _paragraph_cues(story: Story, index: MentionIndex) -> list[_ParaCues]:
    speakers: dict[int, set[str]] = {}
    for q in story.speech():
        att = story.attributions.get(q.id)
        if att and att.speaker:
            speakers.setdefault(q.paragraph, set()).add(att.speaker)
            speakers[q.paragraph].update(att.addressees)
    paragraphs = story.paragraphs
    text_paras = [p for p in paragraphs if p.kind == "text"]
    found = scan({"romantic": ROMANTIC, "platonic": PLATONIC}, story.text, [(p.start, p.end) for p in text_paras])
    starts = [p.start for p in text_paras]
    romantic: dict[int, list[Span]] = {}
    platonic: Counter[int] = Counter()
    for sp in found["romantic"]:
        romantic.setdefault(bisect.bisect_right(starts, sp.start) - 1, []).append(sp)
    for sp in found["platonic"]:
        platonic[bisect.bisect_right(starts, sp.start) - 1] += 1
    out: list[_ParaCues] = []
    for k, p in enumerate(text_paras):
        if k not in romantic and k not in platonic:
            continue  # only paragraphs with a cue matter
        prev = paragraphs[max(0, p.id - 1)]
        window = {m.character for m in index.between(prev.start, p.end)}
        window |= speakers.get(p.id, set()) | speakers.get(p.id - 1, set())
        out.append(_ParaCues(p.section, window, romantic.get(k, []), platonic[k]))
    return out


def _cues(
    paras: Sequence[_ParaCues], present: dict[str, set[str]], a: str, b: str
) -> tuple[int, int, list[Span]]:
    """Romantic and platonic cues where both are: anywhere in a scene with just the two of
    them, else in a paragraph that (with the one before) names or hears both."""
    shared = {sid for sid, members in present.items() if a in members and b in members}
    romantic = 0
    platonic = 0
    spans: list[Span] = []
    if not shared:
        return 0, 0, spans
    for p in paras:
        if p.section not in shared or not (p.romantic or p.platonic):
            continue
        if len(present[p.section]) > 2 and not (a in p.who and b in p.who):
            continue
        romantic += len(p.romantic)
        spans.extend(p.romantic)
        platonic += p.platonic
    return romantic, platonic, spans
