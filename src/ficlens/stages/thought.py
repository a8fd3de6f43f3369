"""Thought: a character's inner words, rendered in the narration rather than spoken.

Provides ``thoughts``: one :class:`Thought` per passage, with the character who thinks it and
the cue it was found by.

* ``italic``: an italic run (HTML ``<em>``/``<i>``, EPUB, Markdown ``*x*``) in the narration that
  is sentence-like: it starts a sentence and ends one. Emphasis on a word inside a sentence,
  titles (*The Tempest*), foreign words, and text the narration says is being read (a letter,
  a sign, a text message: "A message from Sam: *running late*") are not thought.
* ``thought_verb``: the words a "she thought" tag frames without quotation marks
  ("Everything is not the same as enough, she thought").
* ``remembered_speech``: speech repeated in the narration without quotation marks, either
  matching an earlier quotation word for word ("You did everything you could.") or tagged
  as remembered ("Be nice, Ros, their mother used to say").
* ``free_direct``: in plain text, where italics were lost, a sentence in the narration that
  breaks its mode: a first-person or present-tense sentence inside past-tense third-person
  narration ("Of course he isn't."), a question or an exclamation in the narration ("What was
  she supposed to do with that?"), or an exclamatory fragment ("Not this again. Not
  tonight."); verbless fragments next to such a sentence join it. Only used when the story
  does not already mark its thoughts in italics.

Precision comes first: quotations, author's notes, speech tags and sentences with a verb of
speaking are never candidates, and the narration around a candidate must be in the mode the
cue breaks. spaCy's tagger runs only on the few candidate sentences whose tense or
verblessness the rules cannot settle, and never on more than ``tagger_budget`` tokens per
1,000 words of the story.

The thinker is the character named in a thought tag, else the narrator of a first-person
story, else the scene's focal character (the one whose perceptions the narration reports),
else the character named as the subject nearest before.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ficlens.stages._dialogue import MentionIndex, compatible
from ficlens.stages._letters import CAPITALISED
from ficlens.stages._narration import (
    Focus,
    Mode,
    Narration,
    chars_by_id,
    find_narrator,
    focal_scores,
    lower_keep_offsets,
    narration,
    resolve_pronoun,
    scene_modes,
    sentence_subject,
    sentences,
)
from ficlens.story import Character, Markup, Story

__all__ = ["Thought", "ThoughtCue", "ThoughtStage"]

ThoughtCue = Literal["italic", "thought_verb", "remembered_speech", "free_direct"]


@dataclass(frozen=True, slots=True)
class Thought:
    """One passage of interior thought.

    Attributes:
        start, end: str offsets into the story's text.
        text: ``text[start:end]``.
        thinker: the character id of who thinks it, or None when unknown.
        cue: how it was found: ``italic``, ``thought_verb``, ``remembered_speech`` or
            ``free_direct``.
    """

    start: int
    end: int
    text: str
    thinker: str | None
    cue: ThoughtCue


# -- lexicons -------------------------------------------------------------------------------

#: Verbs that make a sentence speech, not thought ("she said", "he asked").
_SPEAKING = frozenset(
    """
    said says asked asks replied replies answered shouted yelled whispered murmured muttered exclaimed
    snapped demanded called told tells hissed repeated cried
    """.split()
)
#: Words a verbless thought often opens with: interjections, evaluations, negations ("Typical.",
#: "Not tonight.", "Too late."). "No" counts only on its own ("No. No, no."); "not", "too" and
#: "so" only with more words after them.
_OPENERS = frozenset(
    """
    oh ah god christ jesus hell damn great brilliant typical perfect fantastic wonderful lovely idiot stupid
    honestly seriously obviously really okay ok not never so too enough again maybe probably hardly yes wow
    ugh hmm shit fuck bloody figures classic unbelievable ridiculous useless coward
    """.split()
)
_FIRST_PERSON = re.compile(
    r"(?<![A-Z][a-z]\s)(?<![A-Z][a-z][a-z]\s)\bI\b(?!\.)|\b(?:I['’](?:m|d|ll|ve)|me|my|myself)\b|^(?:My|Me)\b"
)
_PRESENT_AUX = re.compile(
    r"\b(?:am|is|are|isn['’]t|aren['’]t|ain['’]t|do|does|don['’]t|doesn['’]t|has|hasn['’]t|have|haven['’]t|"
    r"can|can['’]t|cannot|will|won['’]t|shall|shan['’]t|must|mustn['’]t)\b"
    r"|\b(?:he|she|it|that|this|there|what|who|here)['’]s\b|['’](?:re|m|ll)\b",
    re.I,
)
_PRESENT_S = re.compile(
    r"\b(?:he|she|it)\s+(?:still\s+|always\s+|never\s+|just\s+|even\s+|really\s+|[a-z]+ly\s+)?"
    r"(?!was\b|has\b|is\b|does\b|his\b|as\b|us\b|this\b|yes\b|less\b|unless\b)[a-z]{2,}s\b",
    re.I,
)
#: Words before "have", "do", "will", ... that make it not a present-tense finite verb.
_NOT_FINITE_BEFORE = frozenset("to could would should might must will may did didn't didn’t shall can".split())


def _present(body: str) -> bool:
    """Is there a present-tense finite verb ("is", "doesn't", "she's", "he knows")?"""
    for m in _PRESENT_AUX.finditer(body):
        prev = body[max(0, m.start() - 12) : m.start()].split()
        if not prev or prev[-1].lower() not in _NOT_FINITE_BEFORE:
            return True
    return bool(_PRESENT_S.search(body))


_PAST = re.compile(
    r"\b(?:was|were|had|did|could|would|wasn['’]t|weren['’]t|hadn['’]t|didn['’]t|couldn['’]t|wouldn['’]t)\b"
    r"|\b(?:[Hh]e|[Ss]he|[Ii]t|[Tt]hey|I|[Ww]e|[Yy]ou|" + CAPITALISED + r")\s+(?:[a-z]+ly\s+)?[a-z]{2,}ed\b",
)
_FINITE_HINT = re.compile(
    r"\b(?:am|is|are|was|were|be|been|has|have|had|do|does|did|can|could|will|would|shall|should|may|might|"
    r"must|made|took|came|went|said|saw|knew|thought|felt|got|gave|told|stood|sat|ran|held|kept|left|found|"
    r"put|let|began|heard|brought|bought|caught|fell|grew|drew|threw|wore|wrote|spoke|broke|chose|rose|"
    r"drove|ate|lay|led|lost|meant|met|paid|sent|spent|sold|sang|won|understood|stopped|looked|turned)\b"
    r"|n['’]t\b|['’](?:s|re|m|ll|ve|d)\b",
    re.I,
)
#: Present-tense sentences longer than this need a contraction to count as inner voice.
_PRESENT_MAX_WORDS = 12
_CONTRACTION = re.compile(r"n['’]t\b|['’](?:re|m|ll|ve)\b|\b(?:he|she|it|that|what|there|here)['’]s\b", re.I)
#: "-ed" words: finite past verbs or mere participles and adjectives ("Tired of being angry").
_ED_WORD = re.compile(r"\b[a-z]{3,}ed\b", re.I)
_WORDS = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
# "we"/"us"/"our" in third-person narration: a thought when the sentence is short ("Here we go
# again."); long ones are a narrator's generalisations ("We know that we come from the winds").
_FIRST_PLURAL = re.compile(r"\b(?:[Ww]e|[Uu]s|[Oo]ur|[Ww]e['’](?:re|ll|ve|d))\b")
#: Interjections that make a sentence inner speech when they open it ("God, she was tired.").
_INTERJECTIONS = frozenset(
    "oh ah god christ jesus damn hell ugh wow great brilliant typical honestly seriously okay ok".split()
)
# a quotation mark at a sentence's edge, or a double one anywhere: unrecognised dialogue
_STRAY_QUOTE = re.compile(r"^[\"'“‘]|[.!?…,][\"'”’]\s*$|[\"“”]")

# "…, she thought, …" / "…, Nora wondered." / "…, he told himself."
_THOUGHT_TAG = re.compile(
    rf",\s+(?P<who>{CAPITALISED}|he|she|I|they)\s+"
    r"(?P<verb>thought|wondered|told\s+(?:her|him|my|them)sel(?:f|ves)|realised|realized|figured|reasoned)"
    r"(?=\s*(?:[,.!?;…]|$))"
)
# "She thought: …" / "Nora thought, …"
_THOUGHT_LEAD = re.compile(rf"^(?P<who>{CAPITALISED}|He|She|I)\s+(?:thought|wondered)\s*[,:]\s+(?=\S)")
# "…, their mother used to say" / "…, he had said"
_REMEMBERED_TAG = re.compile(
    rf",\s+(?P<who>{CAPITALISED}|he|she|they|(?:his|her|their|my|our)\s+[a-z]+)\s+"
    r"(?:had\s+(?:once\s+)?(?:said|told\s+(?:her|him|me|them))|used\s+to\s+say|would\s+(?:always\s+)?say|"
    r"(?:always|once)\s+said)\b"
)
# Text the narration says is being read or written: an italic run after it is not thought.
_READING = frozenset(
    """
    read reads reading wrote writes written typed types typing texted message messages text letter note
    sign signs card label headline screen printed caption inscription poster notice email e-mail page
    post tweet banner
    """.split()
)
_SALUTATION = re.compile(r"^(?:Dear(?:est)?|My dear(?:est)?|To|Hi|Hello|Hey)\b[^.!?]{0,40},$")
_ITALIC_TAG_AFTER = re.compile(
    rf"^[,—–]?\s*({CAPITALISED}|he|she|I)\s+(?:thought|wondered|told\s+(?:her|him|my)self)\b"
)
_THINKING = frozenset("thought think thinks thinking wondered wonder wonders realised realized knew decided".split())
_READING_ONLY = frozenset("read reads reading reread rereads".split())
_INCOMPLETE_END = frozenset("was is were are be been it that the a an and but of to as".split())


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    paragraph: int
    scene: str
    stretch: int
    words: int
    flag: str | None = None  # "fp", "q", "ex", "pres", "opener"
    needs_tag: str | None = None  # "pres" or "fragment": confirm with the tagger
    fragment: bool = False  # no finite verb (by the rules, confirmed by the tagger when asked)
    ed_only: bool = False  # verbless but for "-ed" words, which only the tagger can judge


class ThoughtStage:
    """Find interior thought: italic runs, thought tags, remembered speech, free direct thought.

    Args:
        use_tagger: confirm tense and verblessness of candidate sentences with spaCy's tagger.
        tagger_budget: the most tokens tagged per 1,000 words of story (at least 400 in all).
    """

    name = "thought"
    requires: tuple[str, ...] = ("paragraphs", "quotes", "characters", "mentions", "attributions")
    provides: tuple[str, ...] = ("thoughts",)

    def __init__(self, *, use_tagger: bool = True, tagger_budget: int = 20) -> None:
        self.use_tagger = use_tagger
        self.tagger_budget = tagger_budget

    def __call__(self, story: Story) -> None:
        story.add_layer("thoughts", find_thoughts(story, use_tagger=self.use_tagger, budget=self.tagger_budget))


# -- the whole search ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    story: Story
    text: str
    narr: Narration
    index: MentionIndex
    chars: dict[str, Character]
    mode: Mode
    scene_modes: dict[str, Mode]
    focus: Focus
    narrator: str | None
    story_focal: str | None
    body_ids: list[int]  # ids of the body paragraphs, in order


def _context(story: Story) -> _Context:
    text = story.text
    narr = narration(story)
    index = MentionIndex(story)
    chars = chars_by_id(story)
    mode, modes = scene_modes(story, narr)
    focus = focal_scores(story, narr, index)
    narrator = find_narrator(story, index)[0] if mode.person == "first" else None
    return _Context(
        story, text, narr, index, chars, mode, modes, focus, narrator, focus.story_focal(), [p.id for p in narr.body]
    )


def find_thoughts(story: Story, *, use_tagger: bool = True, budget: int = 20) -> list[Thought]:
    """Every thought passage in the story, in text order."""
    ctx = _context(story)
    found: list[Thought] = []
    italic = _italic_thoughts(ctx)
    found.extend(italic)
    sents = _sentences(ctx)
    found.extend(_tagged_thoughts(ctx, sents, _Spans((t.start, t.end) for t in found)))
    found.extend(_remembered(ctx, sents, _Spans((t.start, t.end) for t in found)))
    taken = _Spans((t.start, t.end) for t in found)
    if not italic:
        # a story that italicises its thoughts does not also leave them bare
        found.extend(_free_direct(ctx, sents, taken, use_tagger=use_tagger, budget=budget))
    found.sort(key=lambda t: t.start)
    return found


class _Spans:
    """Sorted spans (they may overlap) answering "does anything here overlap [a, b)?" by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        # the furthest end among spans 0..i, so one look back answers for all earlier spans
        self.reach: list[int] = []
        far = -1
        for _, e in self.spans:
            far = max(far, e)
            self.reach.append(far)

    def overlaps(self, a: int, b: int) -> bool:
        i = bisect.bisect_left(self.starts, b) - 1
        return i >= 0 and self.reach[i] > a


def _overlaps(a: int, b: int, taken: _Spans) -> bool:
    return taken.overlaps(a, b)


def _sentences(ctx: _Context) -> list[_Sentence]:
    out: list[_Sentence] = []
    for k, st in enumerate(ctx.narr.stretches):
        if st.tag:
            continue
        for a, b in sentences(ctx.text, st.start, st.end):
            out.append(_Sentence(a, b, st.paragraph, st.scene, k, len(_WORDS.findall(ctx.text[a:b]))))
    return out


def _self_gender(passage: str) -> str | None:
    """The gender a thought's third-person self-reference implies ("what was she doing?")."""
    words = set(re.findall(r"\b(?:she|her|herself|he|him|his|himself)\b", passage.lower()))
    female = bool(words & {"she", "her", "herself"})
    male = bool(words & {"he", "him", "his", "himself"})
    return "female" if female and not male else "male" if male and not female else None


def _thinker(ctx: _Context, pos: int, scene: str, passage: str = "") -> str | None:
    """Who thinks a thought at ``pos``: the narrator, the scene's (or the story's) focal
    character, else the subject named nearest before, preferring one whose gender fits how a
    past-tense thought names its thinker ("what was she supposed to do?")."""
    if ctx.narrator:
        return ctx.narrator
    focal = ctx.focus.focal(scene)
    if focal:
        return focal
    main = ctx.story_focal
    if main is not None and ctx.focus.scores.get(scene, Counter())[main] > 0:
        return main
    # a past-tense thought names its thinker "she" ("what was she supposed to do?"); one in the
    # first person uses "he"/"she" for somebody else ("He's going to see, and I can't")
    first_person = _FIRST_PERSON.search(passage) is not None
    wanted = None if first_person else _self_gender(passage)
    avoid = _self_gender(passage) if first_person else None
    candidates: list[str] = []
    k = ctx.narr.index_before(pos)
    para = ctx.narr.stretches[k].paragraph if k >= 0 else -1
    while k >= 0 and ctx.narr.stretches[k].paragraph >= para - 1:
        st = ctx.narr.stretches[k]
        if st.scene != scene:
            break
        for a, b in reversed(sentences(ctx.text, st.start, min(st.end, pos))):
            who, _ = sentence_subject(ctx.text, a, b, ctx.index, ctx.chars)
            if who:
                candidates.append(who)
        k -= 1
    candidates.extend(m.character for m in ctx.index.narration_before(pos, limit=8))
    for cid in candidates:
        ch = ctx.chars.get(cid)
        if ch is None:
            continue
        if avoid is not None and ch.gender in ("male", "female") and ch.gender != avoid:
            return cid
        if avoid is None and compatible(ch.gender, wanted):
            return cid
    return candidates[0] if candidates else None


def _make(ctx: _Context, a: int, b: int, thinker: str | None, cue: ThoughtCue) -> Thought:
    """A Thought over ``text[a:b]`` less trailing white space, commas, dashes and closing quotes."""
    while b > a and ctx.text[b - 1] in " \t\n,;:—–\"'”’":
        b -= 1
    return Thought(a, b, ctx.text[a:b], thinker, cue)


# -- italic runs --------------------------------------------------------------------------------


def _italic_thoughts(ctx: _Context) -> list[Thought]:
    text = ctx.text
    runs = sorted((m for m in ctx.story.markup if m.kind == "italic"), key=lambda m: m.start)
    if not runs:
        return []
    quotes = _Spans((q.start - 1, q.end + 1) for q in ctx.story.quotes)  # marks included
    out: list[Thought] = []
    read_runs: list[Markup] = []  # sentence-like runs that the narration says are being read
    for m in runs:
        st = ctx.narr.stretch_at(m.start)
        if st is None or st.tag or m.end > st.end + 2:
            continue  # outside the body, in a quotation, or in a speech tag
        if quotes.overlaps(m.start, m.end):
            continue
        run = text[m.start : m.end].strip()
        words = _WORDS.findall(run)
        if not words:
            continue
        para = ctx.story.paragraphs[st.paragraph]
        before = text[para.start : m.start]
        lead = before.rstrip()
        starts_sentence = not lead or lead[-1] in ".!?…:—–\"”’'"
        after = text[m.end : para.end].lstrip()
        ends_sentence = run[-1] in ".!?…—–" or not after or after[0] in ".!?…"
        if starts_sentence and _SALUTATION.match(run):
            read_runs.append(m)  # "*Dear Margo,* it began": a letter; its italics are read, not thought
            continue
        if not starts_sentence:
            if re.search(r"\b(?:thought|wondered|told (?:her|him)self)\s*[,:]?\s*$", lead):
                out.append(_make(ctx, m.start, m.end, _tag_thinker(ctx, para.start, m.start), "italic"))
            continue
        tagged = _ITALIC_TAG_AFTER.match(after) if run[-1] in ",—–" or not ends_sentence else None
        if tagged:
            who = _who(ctx, tagged.group(1), m.end + (len(text[m.end : para.end]) - len(after)) + tagged.start(1))
            out.append(_make(ctx, m.start, m.end, who, "italic"))
            continue
        if not ends_sentence:
            continue
        if len(words) == 1 and run[-1] not in ".!?…" and after[:1] not in tuple(".!?…"):
            continue  # a lone word needs its own full stop to be a thought ("*Coward.*"), not "*A*"
        if _is_title(run):
            continue
        frame = _frame_before(text, para.start, m.start, ctx, st.paragraph)
        if frame or any(r.start >= para.start and r.end <= m.start for r in read_runs):
            read_runs.append(m)
            continue
        out.append(_make(ctx, m.start, m.end, _thinker(ctx, m.start, st.scene, text[m.start : m.end]), "italic"))
    return _merge_adjacent(ctx, out)


def _is_title(run: str) -> bool:
    words = _WORDS.findall(run)
    if len(words) < 2 or run[-1] in ".!?…":
        return False
    small = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "or", "with", "from", "by"}
    return all(w[0].isupper() or w.lower() in small for w in words) and words[0][0].isupper()


def _frame_before(text: str, para_start: int, pos: int, ctx: _Context, paragraph: int) -> bool:
    """Does the narration right before ``pos`` introduce text being read ("she read", "a sign:")?

    Within the run's sentence and the one before it, a reading or writing word among the last
    few words counts. A run opening its paragraph looks back at the previous paragraph only when
    that one ends with a colon or with someone reading.
    """
    lead = text[para_start:pos].rstrip()
    words_back = 4
    vocabulary = _READING
    if not lead:
        k = bisect.bisect_left(ctx.body_ids, paragraph) - 1
        if k < 0:
            return False
        prev = ctx.narr.body[k]
        lead = text[prev.start : prev.end].rstrip()
        if not lead:
            return False
        if lead.endswith(":"):
            return True
        vocabulary = _READING_ONLY
    last_sentence = re.split(r"(?<=[.!?…])\s+", lead.rstrip(".!?…"))[-1]
    tail = [w.lower() for w in _WORDS.findall(last_sentence)][-words_back:]
    if lead.endswith(":"):
        # "A text from Juno lit up her phone: *where r u??*" is being read; "One thought: *run*" is not
        return not any(w in _THINKING for w in _WORDS.findall(last_sentence.lower())[-6:])
    return any(w in vocabulary for w in tail)


def _tag_thinker(ctx: _Context, a: int, pos: int) -> str | None:
    m = re.search(rf"\b({CAPITALISED}|he|she|He|She)\s+(?:thought|wondered|told)", ctx.text[a:pos])
    if not m:
        return None
    return _who(ctx, m.group(1), a + m.start(1))


def _who(ctx: _Context, word: str, pos: int) -> str | None:
    if word.lower() in ("he", "she"):
        return resolve_pronoun(word, pos, ctx.index, ctx.chars)
    if word == "I":
        return ctx.narrator
    hits = ctx.index.between(pos, pos + len(word))
    return hits[0].character if hits else None


def _merge_adjacent(ctx: _Context, thoughts: list[Thought]) -> list[Thought]:
    """Join thoughts of one cue and thinker separated only by white space."""
    out: list[Thought] = []
    for t in thoughts:
        if out:
            p = out[-1]
            gap = ctx.text[p.end : t.start]
            if p.cue == t.cue and p.thinker == t.thinker and gap.strip(" \t.!?…") == "" and "\n" not in gap:
                out[-1] = Thought(p.start, t.end, ctx.text[p.start : t.end], p.thinker, p.cue)
                continue
        out.append(t)
    return out


# -- "…, she thought" -------------------------------------------------------------------------


def _tagged_thoughts(ctx: _Context, sents: list[_Sentence], taken: _Spans) -> list[Thought]:
    text = ctx.text
    out: list[Thought] = []
    for s in sents:
        if _overlaps(s.start, s.end, taken):
            continue
        body = text[s.start : s.end]
        m = _THOUGHT_TAG.search(body)
        lead = _THOUGHT_LEAD.match(body)
        if m:
            before = body[: m.start()].rstrip()
            rest = body[m.end() :]
            after = rest.lstrip(" ,") if rest.lstrip().startswith(",") else ""
            words_before = [w.lower() for w in _WORDS.findall(before)]
            who = _who(ctx, m.group("who"), s.start + m.start("who"))
            if words_before and words_before[-1] in _INCOMPLETE_END and after:
                # "it was, she thought, the best thing I have eaten all week"
                if _FIRST_PERSON.search(after) or _present(after) or after.rstrip()[-1:] in "?!":
                    a = s.start + m.end() + len(rest) - len(rest.lstrip(" ,"))
                    out.append(_make(ctx, a, _strip_end(text, a, s.end), who, "thought_verb"))
            elif words_before and not re.search(r"\b(?:whether|if|that|about|of)\s*$", before):
                out.append(_make(ctx, s.start, s.start + len(before), who, "thought_verb"))
        elif lead:
            a = s.start + lead.end()
            b = _strip_end(text, a, s.end)
            if b > a:
                out.append(_make(ctx, a, b, _who(ctx, lead.group("who"), s.start), "thought_verb"))
    return out


def _shouting(body: str) -> bool:
    """Mostly capital letters: a letter's heading, a sign, a signature."""
    letters = [c for c in body if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _strip_end(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1] in " .,;:":
        b -= 1
    return b


# -- remembered speech -----------------------------------------------------------------------------


def _remembered(ctx: _Context, sents: list[_Sentence], taken: _Spans) -> list[Thought]:
    text = ctx.text
    lowered = lower_keep_offsets(text).replace("’", "'")
    out: list[Thought] = []
    wanted: dict[tuple[str, ...], list[tuple[_Sentence, list[str]]]] = {}
    for s in sents:
        if _overlaps(s.start, s.end, taken):
            continue
        body = text[s.start : s.end]
        tag = _REMEMBERED_TAG.search(body)
        if tag and tag.start() > 0:
            thinker = _thinker(ctx, s.start, s.scene, body)
            out.append(_make(ctx, s.start, s.start + tag.start(), thinker, "remembered_speech"))
            continue
        if 3 <= s.words <= 30 and not _shouting(body):
            words = _WORDS.findall(lowered, s.start, s.end)
            if len(words) >= 3:
                wanted.setdefault(tuple(words[:3]), []).append((s, words))
    if not wanted:
        return out
    done: set[int] = set()
    for q in ctx.story.speech():
        found = list(_WORDS.finditer(lowered, q.start, q.end))
        qw = [m.group(0) for m in found]
        for i in range(len(qw) - 2):
            hits = wanted.get((qw[i], qw[i + 1], qw[i + 2]))
            if not hits:
                continue
            # a three-word echo must start where a sentence of the quotation starts
            opens = i == 0 or re.search(r"[.!?…]\W*$", text[found[i - 1].end() : found[i].start()]) is not None
            for s, words in hits:
                if len(words) == 3 and not opens:
                    continue
                if s.start not in done and q.end <= s.start and qw[i : i + len(words)] == words:
                    done.add(s.start)
                    thinker = _thinker(ctx, s.start, s.scene, text[s.start : s.end])
                    out.append(_make(ctx, s.start, s.end, thinker, "remembered_speech"))
    return out


# -- free direct thought --------------------------------------------------------------------------


def _opens_thought(low: Sequence[str], body: str) -> bool:
    """Does a sentence open like a verbless thought ("Of course not.", "Too late.", "No.")?"""
    first = low[0]
    if first == "of":
        return low[1:2] == ["course"]
    if first == "no":
        return re.match(r"^\W*No\s*[,.!]", body) is not None
    if first in ("not", "too", "so"):
        return len(low) > 1
    return first in _OPENERS


def _classify(ctx: _Context, s: _Sentence) -> None:
    """Flag a sentence that breaks the narration's mode, or mark it for the tagger."""
    text = ctx.text
    body = text[s.start : s.end]
    words = _WORDS.findall(body)
    low = [w.lower() for w in words]
    if not words or any(w in _SPEAKING for w in low):
        return
    mode = ctx.scene_modes.get(s.scene, ctx.mode)
    if mode.person != ctx.mode.person:
        return  # a scene told differently from the story: leave it alone
    if _STRAY_QUOTE.search(body):
        return  # a quotation the quotations stage did not see: not narration
    end = body.rstrip(" \"'”’)]")[-1:]
    first_word = low[0]
    opener = _opens_thought(low, body)
    s.fragment = not _FINITE_HINT.search(body)
    s.ed_only = s.fragment and _ED_WORD.search(body) is not None
    if s.ed_only:
        s.fragment = False  # the tagger may say otherwise
    if end == "?":
        s.flag = "q"
    elif end == "!":
        s.flag = "ex"
    elif mode.person != "third":
        return  # in first- and second-person narration only questions and exclamations stand out
    elif _FIRST_PERSON.search(body) or (len(words) <= 8 and _FIRST_PLURAL.search(body)):
        s.flag = "fp"
    elif first_word in _INTERJECTIONS and len(words) > 1 and re.match(r"^\W*\w+(?:\s+no)?\s*[,!.]", body):
        s.flag = "opener"
    elif s.fragment and opener and len(words) <= 8:
        s.needs_tag = "fragment"
        s.flag = "opener"
    elif (
        mode.tense == "past"
        and 2 <= len(words)
        and not _PAST.search(body)
        and _present(body)
        # a long present-tense sentence without contractions is the narrator's generalisation
        # ("Human nature is so well disposed towards those who ..."), not a character's voice
        and (len(words) <= _PRESENT_MAX_WORDS or _CONTRACTION.search(body))
    ):
        s.needs_tag = "pres"
        s.flag = "pres"


def _free_direct(
    ctx: _Context, sents: list[_Sentence], taken: _Spans, *, use_tagger: bool, budget: int
) -> list[Thought]:
    indented = _indented_paragraphs(ctx)
    live = [s for s in sents if not _overlaps(s.start, s.end, taken) and s.paragraph not in indented]
    for s in live:
        _classify(ctx, s)
    # verbless neighbours of a candidate may join it ("Nine. Eight. This is ridiculous."); mark
    # the runs of possible fragments next to each candidate for the tagger
    def maybe_fragment(s: _Sentence) -> bool:
        return s.flag is None and s.words <= _ABSORB_WORDS and (s.fragment or (use_tagger and s.ed_only))

    for i, s in enumerate(live):
        if not s.flag:
            continue
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(live) and live[j].stretch == s.stretch and maybe_fragment(live[j]):
                live[j].needs_tag = "fragment"
                j += step
    if use_tagger:
        _confirm(ctx, [s for s in live if s.needs_tag], budget)
    flagged = [s.flag is not None for s in live]
    # fragments join a flagged neighbour in the same stretch, outward from it
    changed = True
    while changed:
        changed = False
        for i, s in enumerate(live):
            if flagged[i] or not s.fragment or s.words > _ABSORB_WORDS or s.needs_tag != "fragment":
                continue
            if any(0 <= j < len(live) and flagged[j] and live[j].stretch == s.stretch for j in (i - 1, i + 1)):
                flagged[i] = True
                changed = True
    out: list[Thought] = []
    run: list[_Sentence] = []
    for i, s in enumerate(live):
        if flagged[i] and (not run or (run[-1].stretch == s.stretch and live[i - 1] is run[-1])):
            run.append(s)
            continue
        if run:
            out.append(_from_run(ctx, run))
        run = [s] if flagged[i] else []
    if run:
        out.append(_from_run(ctx, run))
    return [t for t in out if t.text.strip()]


def _indented_paragraphs(ctx: _Context) -> set[int]:
    """Paragraphs set off by deep indentation: verse, letters, inscriptions."""
    out = set()
    for p in ctx.narr.body:
        line_start = ctx.text.rfind("\n", 0, p.start) + 1
        if p.start - line_start >= 4 and not ctx.text[line_start : p.start].strip():
            out.add(p.id)
    return out


def _from_run(ctx: _Context, run: list[_Sentence]) -> Thought:
    a, b = run[0].start, run[-1].end
    return _make(ctx, a, b, _thinker(ctx, a, run[0].scene, ctx.text[a:b]), "free_direct")


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
#: Verbless sentences up to this long join a thought next to them.
_ABSORB_WORDS = 10


def _confirm(ctx: _Context, cands: list[_Sentence], budget: int) -> None:
    """Check candidates with the tagger: a present-tense verb for "pres", no finite verb for fragments."""
    if not cands:
        return
    from ficlens.stages._nlp import tagger

    limit = max(400, budget * ctx.mode.words // 1000)
    chosen: list[_Sentence] = []
    used = 0
    for s in cands:
        if used + s.words > limit:
            break
        chosen.append(s)
        used += s.words
    nlp = tagger()
    docs: list[Any] = list(nlp.pipe((ctx.text[s.start : s.end] for s in chosen), batch_size=64))
    for s, doc in zip(chosen, docs):
        tags = [t.tag_ for t in doc]
        finite = [t for t in tags if t in _FINITE_TAGS]
        if s.needs_tag == "pres":
            present = any(
                t.tag_ in ("VBZ", "VBP") or (t.tag_ == "MD" and t.lower_ in ("can", "ca", "will", "wo", "'ll", "’ll", "must", "shall"))
                for t in doc
            )
            if not present or "VBD" in tags:
                s.flag = None
                s.needs_tag = "rejected"
        elif s.needs_tag == "fragment":
            if finite and not _imperative(doc):
                s.fragment = False
                if s.flag == "opener":
                    s.flag = None
                s.needs_tag = "rejected"
            else:
                s.fragment = True


def _imperative(doc: Any) -> bool:
    """A base-form verb before any subject or finite verb ("Honestly, Hester, get a grip.")."""
    for i, t in enumerate(doc):
        if t.tag_ in ("VB", "VBP"):
            return True
        if t.tag_ in _FINITE_TAGS:
            return False
        vocative = t.tag_ == "NNP" and i + 1 < len(doc) and doc[i + 1].text == ","
        if t.tag_ in ("PRP", "NNP", "NN", "NNS", "EX", "DT") and not vocative:
            return False
    return False
