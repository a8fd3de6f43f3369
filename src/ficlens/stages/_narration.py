"""What the narrative stages read off the narration: body text, sentences, mode, focus.

Private to the thought, pov, relationships and tags stages. Everything here is a cheap,
pure function of the Story's layers (regular expressions and counts, no spaCy), so the
stages can call it on a whole novel.

* :func:`narration` cuts the body paragraphs (those inside chapters and scenes, never author's
  notes or front matter) into stretches outside speech quotations, and marks the stretches that
  are speech tags ("Dev said,");
* :func:`sentences` splits a stretch into sentences;
* :func:`narration_mode` says whether the narration is in the first, second or third person,
  past or present tense, from pronoun and verb counts;
* :func:`focal_scores` scores, per scene, the characters whose perceptions and thoughts the
  narration reports ("Nora knew", "she wondered") and who is the subject of its sentences;
* :func:`find_narrator` finds who "I" is in a first-person story;
* :class:`Lexicon` and :func:`scan` find hand-written word lists in a novel quickly.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from ficlens.stages._dialogue import (
    SPEECH_VERBS,
    MentionIndex,
    TagInfo,
    Turn,
    build_turns,
    compatible,
    read_tag,
    vocatives,
)
from ficlens.stages._letters import CAPITALISED
from ficlens.story import Character, Paragraph, Quote, Span, Story

Person = Literal["first", "second", "third"]
Tense = Literal["past", "present"]

#: Section kinds that hold the story itself (not notes, summary or front matter).
BODY_KINDS = frozenset({"chapter", "scene"})
#: Section kinds that hold what the author says about the work.
NOTE_KINDS = frozenset({"notes", "end_notes", "front_matter", "summary"})

_QUOTE_CHARS = "\"'“”‘’«»‹›"
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# A sentence ends at . ! ? or … (and any closing quotes or brackets) before white space or the end.
_SENT_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|St|Jr|Sr|Prof|Capt|Col|Lt|Sgt|Rev|vs|etc|No)|\b[A-Z])\.$")

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_FIRST = frozenset("I I'm I’m I'd I’d I'll I’ll I've I’ve me my myself mine Me My Myself".split())
_SECOND = frozenset(
    "you your yours yourself you're you’re you'd you’d you'll you’ll you've you’ve You Your Yours Yourself "
    "You're You’re You'd You’d You'll You’ll You've You’ve".split()
)
_THIRD = frozenset("he she him his her hers himself herself He She His Her".split())
_PAST_WORDS = frozenset(
    """was were had did said went came saw knew thought looked took made got felt told asked turned stood
    sat found wanted seemed began kept left heard gave held let put ran walked smiled laughed nodded""".split()
)
_PRESENT_WORDS = frozenset(
    """is are am has does says goes comes sees knows thinks looks takes makes gets feels tells asks turns
    stands sits finds wants seems begins keeps leaves hears gives holds lets puts runs walks smiles laughs
    nods""".split()
)

#: Verbs of perception and cognition: the narration is reporting this character's mind.
PERCEPTION_VERBS = frozenset(
    """
    thought thinks knew knows felt feels wondered wonders saw sees noticed notices realised realized realises
    realizes remembered remembers wanted wants hoped hopes feared fears watched watches heard hears understood
    understands decided decides wished wishes imagined imagines supposed guessed guesses suspected suspects
    recognised recognized missed misses needed needs worried worries dreaded forgot forgets believed believes
    doubted considered pictured sensed senses smelled smelt tasted liked hated loved
    """.split()
)
#: After "could" / "would": the perception or cognition it modalises ("she could see").
_MODAL_PERCEPTION = frozenset("see hear feel smell taste tell remember imagine think sense understand".split())


@dataclass(frozen=True, slots=True)
class Stretch:
    """Narration in one body paragraph between speech quotations (marks excluded).

    ``tag`` is true for a stretch attached to a quotation as its speech tag: between two
    parts of one utterance, after a quotation ending in a comma, or starting in lower case.
    """

    start: int
    end: int
    paragraph: int
    scene: str
    tag: bool


@dataclass(slots=True)
class Narration:
    """The body of a story, cut into narration stretches, with lookups by position."""

    body: list[Paragraph]
    stretches: list[Stretch]
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.stretches]

    def stretch_at(self, pos: int) -> Stretch | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and self.stretches[i].start <= pos < self.stretches[i].end:
            return self.stretches[i]
        return None

    def index_before(self, pos: int) -> int:
        """Index of the last stretch starting before ``pos`` (-1 if none)."""
        return bisect.bisect_left(self._starts, pos) - 1


def body_paragraphs(story: Story) -> list[Paragraph]:
    """Text paragraphs inside chapters and scenes."""
    kinds = {s.id: s.kind for s in story.sections}
    return [p for p in story.paragraphs if p.kind == "text" and kinds.get(p.section) in BODY_KINDS]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in _QUOTE_CHARS):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in _QUOTE_CHARS):
        b -= 1
    return a, b


def narration(story: Story) -> Narration:
    """Cut the body paragraphs into narration stretches outside speech quotations."""
    text = story.text
    body = body_paragraphs(story)
    by_para: dict[int, list[Quote]] = {}
    for q in story.quotes:
        if q.kind != "embedded":  # speech, and the quotations nested in it
            by_para.setdefault(q.paragraph, []).append(q)
    stretches: list[Stretch] = []
    for p in body:
        quotes = sorted(by_para.get(p.id, ()), key=lambda q: q.start)
        pos = p.start
        prev: Quote | None = None
        pieces: list[tuple[int, int, Quote | None, Quote | None]] = []
        for q in quotes:
            pieces.append((pos, q.start, prev, q))
            pos = q.end
            prev = q
        pieces.append((pos, p.end, prev, None))
        for a, b, before, after in pieces:
            a, b = _trim(text, a, b)
            if b <= a:
                continue
            piece = text[a:b]
            tag = (
                (before is not None and after is not None and before.group == after.group)
                or (before is not None and (text[before.end - 1 : before.end] in ",—–-" or piece[:1].islower()))
                or (after is not None and piece.rstrip()[-1:] in ",:—–" and not _SENT_END.search(piece))
            )
            stretches.append(Stretch(a, b, p.id, p.section, tag))
    return Narration(body, stretches)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as (start, end) offsets, white space trimmed."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        if _ABBREV.search(text, max(start, m.start() - 6), m.end()) and m.group(0) == ".":
            continue
        a, b = pos, m.end()
        while a < b and text[a].isspace():
            a += 1
        if b > a:
            out.append((a, b))
        pos = m.end()
    a, b = pos, end
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        out.append((a, b))
    return out


@dataclass(frozen=True, slots=True)
class Mode:
    """How a stretch of narration is told: grammatical person and tense, and the counts behind it."""

    person: Person
    tense: Tense
    first: int
    second: int
    third: int
    past: int
    present: int
    words: int


def narration_mode(counts: Counter[str]) -> Mode:
    """Person and tense of narration from the counts of its words (case kept)."""
    first = sum(counts[w] for w in _FIRST)
    second = sum(counts[w] for w in _SECOND)
    third = sum(counts[w] for w in _THIRD)
    past = sum(counts[w] for w in _PAST_WORDS)
    present = sum(counts[w] for w in _PRESENT_WORDS)
    words = max(1, sum(counts.values()))
    person: Person = "third"
    # (three uses at least: one stray "you" in a few lines of narration makes no "you" story)
    if second >= 3 and second >= 0.02 * words and second > 1.5 * first and second >= 0.5 * third:
        person = "second"
    elif first >= 0.01 * words and first >= 0.35 * third:
        person = "first"
    tense: Tense = "present" if present >= 5 and present > 1.2 * past else "past"
    return Mode(person, tense, first, second, third, past, present, words)


def scene_modes(story: Story, narr: Narration, *, min_words: int = 150) -> tuple[Mode, dict[str, Mode]]:
    """The narration's mode overall and per scene (a scene under ``min_words`` takes the overall one)."""
    text = story.text
    per_scene: dict[str, Counter[str]] = {}
    for st in narr.stretches:
        if not st.tag:
            per_scene.setdefault(st.scene, Counter()).update(_TOKEN.findall(text, st.start, st.end))
    total: Counter[str] = Counter()
    for c in per_scene.values():
        total.update(c)
    overall = narration_mode(total)
    modes = {}
    for scene, c in per_scene.items():
        m = narration_mode(c)
        modes[scene] = m if m.words >= min_words else overall
    return overall, modes


# -- focus: whose mind the narration reports -------------------------------------------------


@dataclass(slots=True)
class Focus:
    """Per scene: a score per character, and the sentences that earned it (best first)."""

    scores: dict[str, Counter[str]]
    evidence: dict[str, dict[str, list[Span]]]

    @property
    def overall(self) -> Counter[str]:
        """Scores summed over the whole story."""
        total: Counter[str] = Counter()
        for c in self.scores.values():
            total.update(c)
        return total

    def story_focal(self, *, min_score: float = 3.0, margin: float = 1.5) -> str | None:
        """The story's focal character over all scenes (same test as :meth:`focal`)."""
        ranked = self.overall.most_common(2)
        if not ranked or ranked[0][1] < min_score:
            return None
        if len(ranked) > 1 and ranked[0][1] < margin * ranked[1][1]:
            return None
        return ranked[0][0]

    def focal(self, scene: str, *, min_score: float = 3.0, margin: float = 1.5) -> str | None:
        """The scene's focal character: a clear leader with enough evidence, else None."""
        ranked = self.scores.get(scene, Counter()).most_common(2)
        if not ranked or ranked[0][1] < min_score:
            return None
        if len(ranked) > 1 and ranked[0][1] < margin * ranked[1][1]:
            return None
        return ranked[0][0]


#: "Her hands would not stop shaking": the narration feels this character's body from inside.
_OWN_BODY = re.compile(
    r"(?:[\"'“‘(]?\s*)(Her|His)\s+(?:own\s+)?(?:hands?|heart|chest|throat|stomach|head|eyes|back|legs|face|"
    r"voice|breath|breathing|mind|thoughts|pulse|skin|mouth|jaw|shoulders|knees|fingers)\b"
)
#: the rest of a sentence in which its subject leaves the scene: "She left.", "Mags went out."
_EXIT = re.compile(
    r"\s+(?:(?:then|finally|quietly|abruptly)\s+)?(?:left|went\s+out|walked\s+out|stalked\s+out|stormed\s+out|"
    r"slipped\s+out|went\s+away|was\s+gone|had\s+gone|departed)[.!]?[\"'”’]?\s*"
)
_SUBJECT_PRONOUN = re.compile(r"(?:[\"'“‘(]?\s*)(?:(?:And|But|Then|So|Now|Still|Later)\s+)?(He|She)\b")


def resolve_pronoun(
    pronoun: str,
    pos: int,
    index: MentionIndex,
    chars: dict[str, Character],
    *,
    limit: int = 12,
    exclude: Collection[str] = (),
) -> str | None:
    """The character a subject pronoun ("he", "she") at ``pos`` most likely refers to.

    The nearest character named before it whose gender matches; failing that, the nearest
    whose gender is unknown. Characters in ``exclude`` (who have left the scene) are passed over.
    """
    wanted = "male" if pronoun.lower() == "he" else "female" if pronoun.lower() == "she" else None
    fallback = None
    for m in index.narration_before(pos, limit=limit):
        ch = chars.get(m.character)
        if ch is None or m.character in exclude or not compatible(ch.gender, wanted):
            continue
        if wanted is None or ch.gender == wanted:
            return m.character
        if fallback is None:
            fallback = m.character
    return fallback


def sentence_subject(
    text: str, a: int, b: int, index: MentionIndex, chars: dict[str, Character]
) -> tuple[str | None, int]:
    """The character a sentence starts with (a name, or a resolved he/she) and where its verb may start."""
    head = text[a : min(b, a + 60)]
    m = _SUBJECT_PRONOUN.match(head)
    if m:
        return resolve_pronoun(m.group(1), a, index, chars), a + m.end()
    mentions = index.between(a, min(b, a + 40))
    if mentions:
        first = mentions[0]
        lead = text[a : first.start]
        if len(_WORD.findall(lead)) <= 1 and not re.search(r"[,;]", lead):
            return first.character, first.end
    return None, a


def _thought_tagged(text: str, a: int, b: int, index: MentionIndex) -> tuple[str, int] | None:
    """The one a thought tag inside the sentence names, after the thought ("Don't rise to it,
    Harry told himself."), and where the tag's verb starts."""
    for m in index.between(a, b):
        if _THOUGHT_TAG.match(text, m.end):
            return m.character, m.end
    return None


#: A thought tag's verb after a name: "Harry told himself", "Nora thought", "Juno wondered".
_THOUGHT_TAG = re.compile(
    r"\s+(?:[a-z]+ly\s+)?(?:thought|thinks|wondered|wonders|told\s+(?:him|her)self|tells\s+(?:him|her)self|"
    r"reminded\s+(?:him|her)self|reminds\s+(?:him|her)self)\b"
)


def focal_scores(story: Story, narr: Narration, index: MentionIndex) -> Focus:
    """Score each scene's characters by the perceptions and thoughts the narration gives them.

    A sentence's subject is a name at its start, or "he"/"she", taken to continue the last
    subject of that gender in the scene (characters of unknown gender are never "the last") ("Tamsin ran. She heard Juno shouting. She knew ..."
    are all Tamsin's), else the nearest compatible character named before. A subject with a
    verb of perception or cognition within four words scores 3; any other subject scores 1.
    A sentence opening on the body felt from inside ("Her hands would not stop shaking")
    scores 2 for its owner.

    A character who leaves the scene in a sentence of their own ("She left.", "Mags went
    out.") while the narration stays on in it is not whose mind it follows: their score in
    the scene is dropped, and the pronouns after it are someone else's, until the narration
    names them again as a subject.
    """
    text = story.text
    chars = {c.id: c for c in story.characters}
    scores: dict[str, Counter[str]] = {}
    evidence: dict[str, dict[str, list[Span]]] = {}
    last: dict[str, str] = {}
    gone: dict[str, int] = {}  # who left the scene -> where the sentence they left in ends
    scene = None
    narrated_to = 0  # where the scene's last sentence so far ends

    def drop_gone() -> None:
        # a character who left before the scene's narration did stays out of its count
        for left, exit_end in gone.items():
            if exit_end < narrated_to and scene is not None:
                scores[scene].pop(left, None)
                evidence[scene].pop(left, None)

    for st in narr.stretches:
        if st.tag:
            continue
        if st.scene != scene:
            drop_gone()
            scene = st.scene
            last = {}
            gone = {}
        sc = scores.setdefault(st.scene, Counter())
        ev = evidence.setdefault(st.scene, {})
        for a, b in sentences(text, st.start, st.end):
            narrated_to = b
            body = _OWN_BODY.match(text, a, min(b, a + 60))
            if body:
                gender = "male" if body.group(1) == "His" else "female"
                pron = "he" if gender == "male" else "she"
                owner = last.get(gender) or resolve_pronoun(pron, a, index, chars, exclude=gone)
                if owner is not None:
                    sc[owner] += 2
                    ev.setdefault(owner, []).append(Span(a, b))
                continue
            m = _SUBJECT_PRONOUN.match(text, a, min(b, a + 60))
            if m:
                gender = "male" if m.group(1) == "He" else "female"
                who = last.get(gender) or resolve_pronoun(m.group(1), a, index, chars, exclude=gone)
                after = m.end()
            else:
                who, after = sentence_subject(text, a, b, index, chars)
                if who is None and (thinker := _thought_tagged(text, a, b, index)):
                    who, after = thinker  # "Don't rise to it, Harry told himself."
                if who in gone:
                    del gone[who]  # named again: back in the scene
            if who is None:
                continue
            g = chars[who].gender if who in chars else "unknown"
            if g in ("male", "female"):
                last[g] = who
            if _EXIT.fullmatch(text, after, b):
                gone[who] = b
                if last.get(g) == who:
                    del last[g]
                continue
            verbs = [w.lower() for w in _WORD.findall(text[after : min(b, after + 50)])[:4]]
            perceives = any(v in PERCEPTION_VERBS for v in verbs) or any(
                v in ("could", "would", "can") and n in _MODAL_PERCEPTION for v, n in pairwise(verbs)
            )
            if perceives:
                sc[who] += 3
                ev.setdefault(who, []).append(Span(a, b))
            else:
                sc[who] += 1
    drop_gone()
    return Focus(scores, evidence)


def carried_pronouns(story: Story, narr: Narration, index: MentionIndex, focus: Focus) -> list[tuple[int, str]]:
    """The pronouns of a scene that stand for someone it never names before them: a scene that
    opens "Hermione found him there at midnight" after a scene told through Harry finds Harry.
    A "he" (or "she") of the narration before the scene names anyone of that gender is the
    character of that gender whose mind the scenes before followed last (their leader by
    ``focus``; a scene whose narration names no one of that gender keeps the last one). Returns
    (position, character id) per such pronoun, in order."""
    text = story.text
    chars = {c.id: c for c in story.characters}
    carry: dict[str, str] = {}  # gender -> whose mind the scenes so far followed last
    out: list[tuple[int, str]] = []
    by_scene: dict[str, list[Stretch]] = {}
    for st in narr.stretches:
        by_scene.setdefault(st.scene, []).append(st)
    for scene, stretches in by_scene.items():
        named: set[str] = set()
        for st in stretches:
            events = [(m.start, "name", m.character) for m in index.between(st.start, st.end)]
            events += [(m.start(), "pronoun", m.group(0).lower()) for m in _ANY_PRONOUN.finditer(text, st.start, st.end)]
            for pos, kind, what in sorted(events):
                if kind == "name":
                    if (g := chars[what].gender if what in chars else "unknown") in ("male", "female"):
                        named.add(g)
                    continue
                g = "male" if what in _MALE_PRONOUNS else "female"
                if g not in named and g in carry:
                    out.append((pos, carry[g]))
        scores = focus.scores.get(scene, Counter())
        for g in ("male", "female"):
            ranked = [c for c, _n in scores.most_common() if c in chars and chars[c].gender == g]
            if ranked and scores[ranked[0]] >= 3:
                carry[g] = ranked[0]
    return out


_ANY_PRONOUN = re.compile(r"\b(?:[Hh]e|[Hh]im|[Hh]is|[Hh]imself|[Ss]he|[Hh]er|[Hh]ers|[Hh]erself)\b")
_MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})


# -- the first-person narrator ----------------------------------------------------------------

_SELF_NAME = re.compile(rf"\b(?:my name is|my name was|I am|I'm|I was|call me|calls me|called me)\s+({CAPITALISED})\b")
#: The narration saying that the quotation just before named "I": "'Immy,' he says. It's the
#: first time he's said my name."
_SAID_MY_NAME = re.compile(r"\b(?:say|says|said|saying|use|uses|used|using|call|calls|called|speak|speaks|spoke)\s+my\s+name\b")
_MY_NAME_REACH = 300  # characters back from "said my name" in which the quotation that did is read


def _own_tags(text: str, turn: Turn, index: MentionIndex, para_start: Mapping[int, int]) -> list[TagInfo]:
    """The tags after a turn's quotations, and the one before it in the same paragraph (not the
    previous paragraph's "I said.", which build_turns may take as a lead-in)."""
    spans = list(turn.after)
    if turn.before[0] >= para_start.get(turn.paragraph, 0):
        spans.append(turn.before)
    return [read_tag(text, span, index, after=span is not turn.before) for span in spans]


def tag_speakers(story: Story, index: MentionIndex) -> set[str]:
    """The characters some speech tag names as the speaker ("says Teo", "Nora said")."""
    para_start = {p.id: p.start for p in story.paragraphs}
    return {t.named for turn in build_turns(story) for t in _own_tags(story.text, turn, index, para_start) if t.named}


def find_narrator(story: Story, index: MentionIndex, *, pronoun: str = "i") -> tuple[str | None, list[Span]]:
    """Who "I" (or "you", with ``pronoun="you"``) is: votes from the dialogue around them.

    * the quotation right after one the narrator speaks ("..." I said) names them as a
      vocative ("Clutch, Bea"), and so may the one before;
    * a character addressed by name again and again but hardly named by the narration;
    * a character named inside quotations far more often than in the narration;
    * "my name is X" / "I'm X" / "Kez calls me X" in the narration;
    * the vocative of a quotation the narration says named "I" ('"Immy," he says. It's the
      first time he's said my name.').

    No one a speech tag names ("says Teo") is "I", and the winner needs a vote of the first or
    one of the last two kinds (a witness): a name only the dialogue uses may be someone the narration
    calls otherwise ("Ivy" in the dialogue, "Mrs. Pardoe" in the narration). Failing these,
    "I" (or "you") is the unnamed narrator the characters stage added, if it did ("Narrator",
    or "Reader"). Returns the character id (or None) and the spans that voted for it.
    """
    votes, why = _narrator_votes(story, index, pronoun)
    # failing a named one, the narrator the characters stage added for a story that names no
    # "I" (or no "you")
    unnamed = next((c.id for c in story.characters if c.source == "narrator"), None)
    if not votes:
        return unnamed, []
    ranked = votes.most_common(2)
    best, n = ranked[0]
    if n < 2 or (len(ranked) > 1 and ranked[1][1] * 1.5 > n) or best not in why:
        return unnamed, []
    return best, why[best][:5]


def narrator_witnesses(story: Story, index: MentionIndex, *, pronoun: str = "i") -> set[str]:
    """The characters the dialogue names as "I" (or "you") directly: a vocative in a reply
    to '"…," I said', or "my name is X" in the narration. (``find_narrator`` names no one
    else.)"""
    return set(_narrator_votes(story, index, pronoun)[1])


def _narrator_votes(story: Story, index: MentionIndex, pronoun: str) -> tuple[Counter[str], dict[str, list[Span]]]:
    """``find_narrator``'s votes, with no one a tag names, and the spans of its witnesses."""
    text = story.text
    chars = {c.id: c for c in story.characters}
    votes: Counter[str] = Counter()
    why: dict[str, list[Span]] = {}
    turns = build_turns(story)
    para_start = {p.id: p.start for p in story.paragraphs}
    said_by_narrator: list[bool] = []
    speaking: set[str] = set()  # named by a speech tag ("says Teo"): someone "I" talks about
    for turn in turns:
        if pronoun == "i":
            tags = _own_tags(text, turn, index, para_start)
            said_by_narrator.append(any(t.pronoun == "i" and not t.named for t in tags))
            speaking.update(t.named for t in tags if t.named)
        else:
            said_by_narrator.append(_you_tag(text, turn.after, turn.before))
    addressed: Counter[str] = Counter()
    for k, turn in enumerate(turns):
        for q in turn.quotes:
            for cid in vocatives(text, q, index):
                addressed[cid] += 1
        if not said_by_narrator[k]:
            continue
        for j in (k - 1, k + 1):
            if 0 <= j < len(turns) and not said_by_narrator[j]:
                for q in turns[j].quotes:
                    for cid in vocatives(text, q, index):
                        votes[cid] += 2
                        why.setdefault(cid, []).append(Span(q.start, q.end))
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for m, in_q in zip(index.mentions, index.in_quote):
        (inside if in_q else outside)[m.character] += 1
    for cid, n in inside.items():
        if n >= 3 and n / (1 + outside[cid]) >= 1.5:
            votes[cid] += 1
    for cid, n in addressed.items():
        # called by name again and again, hardly ever named by the narration
        if n >= 2 and outside[cid] * 2 <= n:
            votes[cid] += 2
    if pronoun == "i":
        names = {c.name.split(" ")[0]: c.id for c in chars.values()}
        quotes = sorted((q.start, q.end) for q in story.quotes)
        for hit in _SELF_NAME.finditer(text):
            named = names.get(hit.group(1))
            if named and not _in_quote(quotes, hit.start()):
                votes[named] += 3
                why.setdefault(named, []).append(Span(hit.start(), hit.end()))
        ordered = sorted(story.quotes, key=lambda q: q.start)
        starts = [q.start for q in ordered]
        for hit in _SAID_MY_NAME.finditer(text):
            i = bisect.bisect_left(starts, hit.start()) - 1
            if i < 0 or hit.start() < ordered[i].end or hit.start() - ordered[i].end > _MY_NAME_REACH:
                continue  # inside a quotation, or none close before it
            q = ordered[i]
            for cid in vocatives(text, q, index):
                votes[cid] += 3
                why.setdefault(cid, []).append(Span(q.start, q.end))
    for cid in speaking:
        votes.pop(cid, None)
        why.pop(cid, None)
    return votes, why


def _in_quote(quotes: Sequence[tuple[int, int]], pos: int) -> bool:
    """Is ``pos`` inside one of these (sorted, non-overlapping) quotation spans?"""
    i = bisect.bisect_right([a for a, _ in quotes], pos) - 1
    return i >= 0 and pos < quotes[i][1]


_YOU_AFTER = re.compile(r"^\W*(?:you|You)\s+(?:\w+ly\s+)?(\w+)")
_YOU_BEFORE = re.compile(r"\b(?:you|You)\s+(?:\w+ly\s+)?(\w+)[^.!?]{0,40}$")


def _you_tag(text: str, after: Sequence[tuple[int, int]], before: tuple[int, int]) -> bool:
    """Does a speech tag say "you said" / "you ask"?"""
    for a, b in after[:1]:
        m = _YOU_AFTER.match(text[a : min(b, a + 40)])
        if m and m.group(1).lower() in SPEECH_VERBS:
            return True
    a, b = before
    m = _YOU_BEFORE.search(text[max(a, b - 60) : b])
    return bool(m and m.group(1).lower() in SPEECH_VERBS)


def scene_ids(story: Story) -> list[str]:
    """Scene section ids in text order."""
    return [s.id for s in sorted(story.sections, key=lambda s: s.start) if s.kind == "scene"]


def note_spans(story: Story) -> list[tuple[int, int]]:
    """Author's notes, summary and front matter sections, in text order."""
    return [(s.start, s.end) for s in sorted(story.sections, key=lambda s: s.start) if s.kind in NOTE_KINDS]


def chars_by_id(story: Story) -> dict[str, Character]:
    return {c.id: c for c in story.characters}


def lower_keep_offsets(text: str) -> str:
    """``text.lower()``, except characters whose lower case is longer ("İ") stay as they are,
    so every offset into the result is an offset into ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# -- lexicons ------------------------------------------------------------------------------------

_LEAD_GROUP = re.compile(r"^\(\?:([a-z|]+)\)")
_LEAD_WORD = re.compile(r"^[a-z]+")
_WORD_START = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A hand-written list of word patterns (case-insensitive regular expressions).

    Each pattern starts with a literal word or a group of them ("kiss(?:ed)?",
    "(?:held|took)\\s+her\\s+hand"); :func:`scan` tries the patterns only where a word with
    the same first three letters starts, so a novel costs one pass over its words.
    """

    rx: re.Pattern[str]
    keys: frozenset[str]

    @classmethod
    def of(cls, *patterns: str) -> Lexicon:
        keys: set[str] = set()
        for p in patterns:
            group = _LEAD_GROUP.match(p)
            words = group.group(1).split("|") if group else [w.group(0) for w in [_LEAD_WORD.match(p)] if w]
            if not words:
                raise ValueError(f"lexicon pattern {p!r} must start with a lower-case word or a (?:a|b) group")
            keys.update(w[:3] for w in words)
        rx = re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.I)
        return cls(rx, frozenset(keys))


def scan(lexicons: Mapping[str, Lexicon], text: str, spans: Iterable[tuple[int, int]]) -> dict[str, list[Span]]:
    """Every match of every lexicon inside ``spans``, by lexicon name, in text order."""
    by_key: dict[str, list[tuple[str, Lexicon]]] = {}
    for name, lex in lexicons.items():
        for k in lex.keys:
            by_key.setdefault(k, []).append((name, lex))
    out: dict[str, list[Span]] = {name: [] for name in lexicons}
    lower = lower_keep_offsets(text)
    for a, b in spans:
        for w in _WORD_START.finditer(lower, a, b):
            start = w.start()
            if start > 0 and lower[start - 1].isalnum():
                continue
            hits = by_key.get(w.group(0)[:3])
            if not hits:
                continue
            for name, lex in hits:
                m = lex.rx.match(text, start, b)
                if m:
                    out[name].append(Span(m.start(), m.end()))
    return out
