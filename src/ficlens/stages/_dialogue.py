"""What attribution reads off the text around a quotation: tags, beats, vocatives, turns.

Private to the attribution stage (and its training command). Everything here is a pure
function of the Story's layers, so the same features are computed at training and at run
time.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ficlens.stages._letters import UPPER
from ficlens.stages.characters import KIN_NAMES, ROLE_TITLES, TITLE_RX, TITLES, rank_of
from ficlens.story import Mention, Quote, Story

SPEECH_VERBS = frozenset(
    """
    said says say saying asked asks ask asking replied replies reply answered answers answer cried cries
    shouted shouts yelled yells whispered whispers murmured murmurs muttered mutters called calls added
    adds continued continues began begins exclaimed exclaims snapped snaps sighed sighs laughed laughs
    repeated repeats returned returns observed observes remarked remarks told tells demanded demands
    insisted insists protested protests interrupted interrupts hissed hisses growled growls breathed
    pleaded pleads begged begs agreed agrees admitted admits explained explains announced announces
    declared declares whimpered screamed screams groaned groans mumbled mumbles retorted retorts rejoined
    resumed resumes went thought thinks wondered wonders mouthed sang cooed drawled grumbled quipped
    teased corrected offered suggested warned reminded promised urged ventured stammered stuttered
    faltered sobbed gasped panted roared bellowed barked shrieked squeaked croaked chuckled giggled
    sneered scoffed snorted huffed grunted admonished persisted pursued concluded assented exclaimed
    inquired enquired responded whined wailed moaned uttered spoke speaks spoken echoed confessed
    interposed put objected cut addressed accosted saying replying adding crying exclaiming asking
    answering observing continuing returning calling whispering murmuring muttering repeating beginning
    speaking interrupting rejoining retorting resuming shouting
    wrote writes typed types texted texts messaged messages posted posts signed signs sent sends
    """.split()
)
#: Verbs of speech in the present tense of "I" and "you", which fan fiction is often told in
#: ('"name one," I text back'; '"Go," you whisper'), only after "I" or "you": alone most are
#: nouns too ("a text", "the sign"). ("Say", "ask", "reply" and "answer" are above.)
_PRESENT_SPEECH = frozenset(
    """
    whisper mutter murmur mumble shout yell call add snap sigh hiss growl laugh groan tell text type
    write message sign repeat continue begin agree admit explain protest insist demand interrupt
    """.split()
)
#: Infinitives of speech verbs, a tag's verb after "to" or a modal ("and she had only to add,";
#: "he could only exclaim,"): alone most are words of other uses ("add sugar", "begin again").
_BASE_SPEECH = _PRESENT_SPEECH | frozenset("exclaim observe remark cry retort rejoin inquire enquire reply answer".split())
#: The verbs of "enabled her to say," "forced him to answer," (not "help her to put heart into").
_MADE_TO = _BASE_SPEECH | frozenset("say ask speak".split())
_BEFORE_BASE = frozenset("to could would might must should can will shall".split())


def _after_modal(words: Sequence[tuple[int, int, str]], k: int) -> bool:
    """Does word ``k`` follow "to" or a modal, with an adverb at most between ("could only")?
    Not "could not answer", "did not protest": a verb denied says nothing."""
    j = k - 1
    if j >= 1 and (words[j][2].endswith("ly") or words[j][2] in ("but", "then", "just")):
        j -= 1
    return j >= 0 and words[j][2] in _BEFORE_BASE


_SENT_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\b[A-Z])[.!?]\s")


@dataclass(slots=True)
class Turn:
    """One speech utterance: the parts of a quotation group, in one paragraph or several."""

    index: int
    quotes: list[Quote]
    paragraph: int  # paragraph of the first part
    last_paragraph: int
    before: tuple[int, int]  # narration span right before the first part, in its paragraph
    after: list[tuple[int, int]] = field(default_factory=list)  # narration right after each part
    para_narration: list[tuple[int, int]] = field(default_factory=list)  # all narration of its paragraphs

    @property
    def start(self) -> int:
        return self.quotes[0].start

    @property
    def end(self) -> int:
        return self.quotes[-1].end


def build_turns(story: Story) -> list[Turn]:
    """Group speech quotations into turns and find the narration around each."""
    text = story.text
    paragraphs = story.paragraphs
    by_group: dict[str, list[Quote]] = {}
    order: list[str] = []
    for q in story.speech():
        if q.group not in by_group:
            by_group[q.group] = []
            order.append(q.group)
        by_group[q.group].append(q)
    # all quotes (speech, nested and embedded) per paragraph, to cut narration around them
    in_para: dict[int, list[Quote]] = {}
    for q in story.quotes:
        in_para.setdefault(q.paragraph, []).append(q)
    turns: list[Turn] = []
    for gid in order:
        parts = by_group[gid]
        first = parts[0]
        p = paragraphs[first.paragraph]
        prev_end = p.start
        for q in in_para[first.paragraph]:
            if q.end <= first.start and q.kind != "embedded":
                prev_end = _after_mark(text, q.end)
        before = (prev_end, _before_mark(text, first.start))
        if not text[before[0] : before[1]].strip() and first.paragraph > 0:
            # "…and soon afterwards Mr. Darcy, drawing near Elizabeth, said to her--" ends the
            # paragraph before the quotation: that lead-in is this quotation's tag.
            prev = paragraphs[first.paragraph - 1]
            lead = text[prev.start : prev.end].rstrip()
            last_q = max((q.end for q in in_para.get(prev.id, []) if q.kind != "embedded"), default=prev.start)
            tail = text[_after_mark(text, last_q) : prev.end] if last_q > prev.start else lead
            if prev.kind == "text" and lead and last_q < prev.end - 2 and (
                lead[-1] in ",:—–-" or _ends_with_speech_sentence(lead[-160:])
            ) and not (last_q > prev.start and _is_own_tag(tail)):
                before = (max(_after_mark(text, last_q), prev.end - 300), prev.end)
        after = []
        for part in parts:
            pp = paragraphs[part.paragraph]
            nxt = pp.end
            for q in in_para[part.paragraph]:
                if q.start > part.end and q.kind != "embedded":
                    nxt = _before_mark(text, q.start)
                    break
            after.append((_after_mark(text, part.end), nxt))
        narration: list[tuple[int, int]] = []
        for pid in sorted({x.paragraph for x in parts}):
            pp = paragraphs[pid]
            pos = pp.start
            for q in in_para[pid]:
                if q.kind == "embedded":
                    continue
                a = _before_mark(text, q.start)
                if a > pos:
                    narration.append((pos, a))
                pos = _after_mark(text, q.end)
            if pos < pp.end:
                narration.append((pos, pp.end))
        turns.append(Turn(len(turns), parts, first.paragraph, parts[-1].paragraph, before, after, narration))
    return turns


def _is_own_tag(tail: str) -> bool:
    """Is this narration after a quotation just that quotation's tag (", Dev Okafor said.")?

    Then it belongs to the quotation before it, not to the next paragraph's. A tag is one
    sentence that does not end in a lead-in mark.
    """
    body = tail.strip()
    return bool(body) and body[-1] not in ",:—–-" and not _SENT_END.search(body[:-1])


#: Verbs of speech that also take a thing: "resumed her seat", "returned the book", "began
#: the letter" are no lead-in to speech.
_ALSO_ACTS = frozenset([
    "resumed", "resumes", "resuming", "returned", "returns", "returning", "put", "cut", "went", "sent", "sends",
    "offered", "continued", "continues", "continuing", "began", "begins", "beginning", "pursued", "posted",
    "posts", "signed", "signs", "sang",
])
#: What opens a noun phrase in a tag ("said the old lady", "her sister cried").
_DETERMINERS = ("the", "his", "her", "their", "my", "our", "your", "a", "an")
_DETERMINER = frozenset((*_DETERMINERS, "its", "this", "that", "some"))  # and a thing's
_THING_AFTER = re.compile(r"[ \t\n]+([A-Za-z]+)")


def _ends_with_speech_sentence(tail: str) -> bool:
    """Does this narration end with a sentence like "Mrs. Hurst began again."? (Not "Miss
    Pellingham resumed her stool.")"""
    ends = [m.end() for m in _SENT_END.finditer(tail[:-1])]
    last = tail[ends[-1] :] if ends else tail
    for m in re.finditer(r"[A-Za-z]+", last):
        w = m.group(0).lower()
        if w in SPEECH_VERBS:
            thing = _THING_AFTER.match(last, m.end()) if w in _ALSO_ACTS else None
            if not (thing and thing.group(1).lower() in _DETERMINER):
                return True
    return False


def _after_mark(text: str, end: int) -> int:
    return end + 1 if end < len(text) and text[end] in "\"'”’»—―–" else end


def _before_mark(text: str, start: int) -> int:
    return start - 1 if start > 0 and text[start - 1] in "\"'“‘«—―–" else start


class MentionIndex:
    """Character mentions by position, split into narration and in-quotation mentions."""

    def __init__(self, story: Story, extra: Sequence[Mention] = ()):
        if extra:  # a mention the extra ones cover ("Caroline" in "Caroline's brother") gives way
            spans = sorted((m.start, m.end) for m in extra)
            starts = [a for a, _ in spans]

            def covered(m: Mention) -> bool:
                i = bisect.bisect_right(starts, m.start) - 1
                return i >= 0 and spans[i][0] <= m.start < spans[i][1]

            kept = [m for m in story.mentions if not covered(m)]
        else:
            kept = list(story.mentions)
        self.mentions: list[Mention] = sorted([*kept, *extra], key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        quotes = sorted((q.start, q.end) for q in story.quotes if q.kind != "embedded")
        self._qstarts = [a for a, _ in quotes]
        self._quotes = quotes
        self.in_quote = [self.inside_quote(m.start) for m in self.mentions]

    def inside_quote(self, pos: int) -> bool:
        """Is ``pos`` inside a speech quotation?"""
        i = bisect.bisect_right(self._qstarts, pos) - 1
        return i >= 0 and self._quotes[i][0] <= pos < self._quotes[i][1]

    def between(self, a: int, b: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, a)
        j = bisect.bisect_left(self.starts, b)
        return self.mentions[i:j]

    def narration_before(self, pos: int, limit: int = 40) -> list[Mention]:
        """Narration mentions before ``pos``, nearest first."""
        i = bisect.bisect_left(self.starts, pos) - 1
        out: list[Mention] = []
        while i >= 0 and len(out) < limit:
            if not self.in_quote[i]:
                out.append(self.mentions[i])
            i -= 1
        return out


@dataclass(slots=True)
class TagInfo:
    """A speech tag next to a quotation: who it names, or which pronoun it uses."""

    named: str | None = None  # character id named next to a speech verb
    pronoun: str | None = None  # "he", "she", "i", "they", "you" next to a speech verb
    verb: bool = False  # a speech verb is there at all
    first_named: str | None = None  # first character named in the stretch (any verb)
    subject: str | None = None  # first character named as a subject in the speech-verb sentence
    subject_pronoun: str | None = None  # or the first subject pronoun there, if it comes first
    nominal: tuple[str, str] | None = None  # a description instead: ("the old lady", "lady")
    objects: tuple[str, ...] = ()  # characters the stretch names as spoken to or acted on ("said she to Charlotte")
    span: tuple[int, int] = field(kw_only=True)  # the narration stretch read; read_tag always sets it

    @property
    def complete(self) -> bool:
        """Whether the stretch is a speech tag by itself: it names, or says "he", or describes a speaker."""
        return bool(self.named or self.pronoun or (self.verb and self.nominal))


#: A speech verb reporting what was said rather than saying it: "said that", "asked whether".
_INDIRECT = re.compile(r",?\s+(?:that|whether|if|how)\b")
#: A stretch that ends as a finished sentence (before the quotation's opening mark).
_FINISHED = re.compile(r"[.!?][\"'”’)]*\s*$")
#: Words between a speech verb and a name after it that put the name in another clause:
#: "I cried as I fixed Mr. Astley", "she said when Tom came in".
_CLAUSE_WORDS = re.compile(r"\b(?:as|while|when|and|but|till|until|because|I|he|she|they|we|who)\b")


#: The name that labels a line of a chat or a script: up to three capitalised words ("Rhys",
#: "Kit"), or a chat handle of one word in lower case ("sam", "pip_23"; see
#: ``quotations.chat_lines``).
LABEL_NAME = rf"(?:[{UPPER}][\w'’.-]*(?:[ \t]+[{UPPER}][\w'’.-]*){{0,2}}|[a-z_@][\w@'’.-]*)"
#: What may follow the name before the colon: a time or a note in brackets ("Kit (10:42)").
LABEL_NOTE = r"(?:[ \t]*[(\[][^)\]\n]{1,24}[)\]])?"
#: A stage direction in brackets that opens a line of a script, and the space after it:
#: "JUNE: (putting the kettle on) You're up early."
LABEL_DIRECTION = r"[(\[][^)\]\n]{1,80}[)\]][ \t]*"
#: A speaker's label alone on its line before their words: "Rhys: ", "Kit (10:42): ", "JUNE:
#: (putting the kettle on) ".
_SPEAKER_LABEL = re.compile(rf"(?:^|\n)[ \t]*{LABEL_NAME}{LABEL_NOTE}[ \t]*:[ \t]*(?:{LABEL_DIRECTION})?$")


#: A chat label that is the narrator's own ("Me: omw") or, in a story told to "you", the
#: reader's ("You: omw").
_OWN_LABEL = re.compile(r"\n?[ \t]*(me|Me|ME|you|You|YOU)[ \t]*:")


def read_tag(
    text: str, span: tuple[int, int], index: MentionIndex, *, after: bool, window: int = 160, you: bool = False
) -> TagInfo:
    """Read the speech tag in a stretch of narration right after (or before) a quotation:
    after it, up to ``window`` characters and the first sentence end; before it, the last
    sentence, up to twice ``window`` back.
    ``you``: the story is told in the second person, so '"…," you say' is a tag."""
    a, b = span
    if after:
        b = min(b, a + window)
        # the tag ends at the first sentence end
        m = _SENT_END.search(text, a, b)
        if m and m.start() > a + 1:
            b = m.start() + 1
    else:
        # a lead-in may be a long sentence whose subject is far from its verb ("Charlotte had
        # seen them from her husband's room, crossing the road, and … told the girls what an
        # honour they might expect, adding,")
        a = max(a, b - 2 * window)
        # only the sentence that leads into the quotation
        ends = [m.end() for m in _SENT_END.finditer(text, a, max(a, b - 1))]
        if ends:
            a = ends[-1]
    info = TagInfo(span=(a, b))
    if b <= a:
        return info
    stretch = text[a:b]
    mentions = index.between(a, b)
    words = [(m.start() + a, m.end() + a, m.group(0)) for m in re.finditer(r"[A-Za-z]+(?:['’][a-z]+)?", stretch)]
    verb_pos = [
        (s, e) for k, (s, e, w) in enumerate(words)
        if w.lower() in SPEECH_VERBS
        or (w in _PRESENT_SPEECH and k and (words[k - 1][2] == "I" or (you and words[k - 1][2].lower() == "you")))
        or (w in _BASE_SPEECH and _after_modal(words, k))
    ]
    if after and not verb_pos and (m := _VERB_PARTICLE.match(stretch)) and m.group(1) in _PARTICLE_VERBS:
        # '"…," broke in her son' / '"…," put in the girl': a verb of two words opening the
        # stretch is its speech verb, the particle with it (a name there is read by its shape)
        verb_pos = [(a + m.start(1), a + len(m.group(0).rstrip()))]
    if not after and _FINISHED.search(stretch) and any(_INDIRECT.match(text, ve) for _vs, ve in verb_pos):
        # "Lucy said that this was most kind." reports what was said, in a finished sentence:
        # it leads into no quotation (the words after it are mostly another's answer)
        verb_pos = []
    info.verb = bool(verb_pos)
    # "said to Darcy": Darcy is spoken to ("…," asked Kemp: Kemp speaks, and is not asked)
    spoken_to = {
        m.start
        for m in mentions
        if _object_name(text, a, m.start) and not (after and _inverted(text[a : m.start]))
    }
    info.objects = tuple(m.character for m in mentions if m.start in spoken_to)
    if mentions:
        info.first_named = mentions[0].character
    if not after and (label := _SPEAKER_LABEL.search(stretch)):
        if mentions and mentions[-1].start - a >= label.start():
            # a chat's or a script's speaker label: "Rhys: are you coming or not"
            info.named = info.subject = mentions[-1].character
            info.verb = True
            return info
        if (own := _OWN_LABEL.match(stretch, label.start())) is not None:
            # the narrator's own line in a chat: "Me: home. mum waited up"
            info.pronoun = "i" if own.group(1).lower() == "me" else "you"
            info.verb = True
            return info
    if source := _uttered_by(text, a, mentions, verb_pos, after=after):
        # the one the words came from is not the one spoken to ('came from Dev's room')
        info.named = info.subject = source
        info.objects = tuple(c for c in info.objects if c != source)
        info.verb = True
        return _unless_silent(text, info)
    shaped = _tag_by_shape(text, a, b, mentions, after=after)
    if shaped:
        info.named, info.pronoun = shaped
        info.subject = info.named
        info.verb = True
        return _unless_silent(text, info)
    if verb_pos and not after:
        # "Nora looked at Dev, who said in a low voice, '…'": the one the relative clause
        # leading into the quotation is about speaks, though looked at
        for mention in mentions:
            rel = _WHO_SAID.match(text, mention.end)
            if rel and (
                rel.end() == verb_pos[-1][0]
                # "Miss Steele, who seemed disposed for conversation, and who now said"
                or (
                    _AND_WHO_SAID.search(text, rel.end(), verb_pos[-1][0])
                    and not any(rel.end() <= m.start < verb_pos[-1][0] for m in mentions)
                )
            ):
                info.named = info.subject = mention.character
                info.objects = tuple(c for c in info.objects if c != mention.character)
                return _unless_silent(text, info)
    if verb_pos:
        named_at = named_verb = -1
        parenthetical = False  # the name closes an aside before the verb: "Fielding, who liked Miss Derek, replied"
        # a name within three words of a speech verb: "said Nora", "Nora said", "Nora quietly
        # said"; not "said, and Katharine wondered", nor "I cried as I fixed Mr. Astley". Of
        # two, the nearer: "Elinor then heard Willoughby say," is Willoughby's. Before a
        # quotation the verb nearest it leads in: "called Helen, while Margaret said:"
        for vs, ve in verb_pos if after else verb_pos[::-1]:
            near: tuple[int, Mention, str] | None = None
            for mention in mentions:
                if mention.start in spoken_to:
                    continue
                gap = text[min(mention.end, ve) : max(mention.start, vs)]
                if mention.start > vs and (voice := _VOICE_OF.search(gap)):
                    gap = gap[: voice.start()]  # "said the shattered voice of Aziz" is Aziz's
                if mention.start > vs and ("," in gap or _CLAUSE_WORDS.search(gap)):
                    continue
                n = len(gap.split())
                if n <= 3 and not re.search(r"[.!?;\"“”]", gap) and (near is None or n < near[0]):
                    near = (n, mention, gap)
            if near is not None:
                _n, mention, gap = near
                info.named = mention.character
                named_at = mention.start
                named_verb = vs
                parenthetical = mention.end <= vs and "," in gap
                break
        pronoun_at = -1
        # a pronoun within two words of a speech verb: after a quotation the first, before one
        # the one of the verb nearest it ("When Nora said that she supposed …, he replied," is his)
        pairs = (
            ((s, e, w, vs, ve) for s, e, w in words for vs, ve in verb_pos)
            if after
            else ((s, e, w, vs, ve) for vs, ve in verb_pos[::-1] for s, e, w in words)
        )
        for s, e, w, vs, ve in pairs:
            lw = w.lower()
            if lw in ("he", "she", "i", "they") or (you and lw == "you"):
                gap = text[min(e, ve) : max(s, vs)]
                if len(gap.split()) <= 2 and not re.search(r"[.!?;]", gap):
                    info.pronoun = lw
                    pronoun_at = s
                    break
            elif (
                not after
                and lw in ("him", "her")
                and text[e:vs].split() == ["to"]
                and text[vs:ve] in _MADE_TO
                and not text[ve:b].strip(" \t\n,:;—–-")
            ):
                # the one made to speak, right before the words: "A moment's recollection
                # enabled her to say," (not "forced her to tell him …, and he owned that")
                info.pronoun = "he" if lw == "him" else "she"
                pronoun_at = s
                break
        if info.named and info.pronoun:
            # two tags in one stretch: the one nearer the quotation is its tag
            # ('"…," she said, and Katharine answered'; 'Darcy looked up, and she said,')
            if (pronoun_at < named_at) if after else (pronoun_at > named_at):
                info.named = None
            else:
                info.pronoun = None
        # The sentence holding the verb: its subject, however far from the verb
        # ("Mr. Darcy, drawing near Elizabeth, said to her"; "accosted by Miss Bingley";
        # "met Maria in the landing place, who, breathless, cried out").
        # A clause joined on with the verb as its first word shares the sentence's subject:
        # "Archer sat down beside May, and said in a low tone:" is Archer's.
        vs = verb_pos[0][0] if after else verb_pos[-1][0]
        sentence = max([a] + [m.end() for m in _SENT_END.finditer(text, a, vs)])
        lo = max(
            [sentence]
            + [
                m.end()
                for rx in (_CLAUSE, _JOINED_CLAUSE)
                for m in rx.finditer(text, a, vs)
                if not _SHARED_SUBJECT.fullmatch(text, m.end(), vs)
                # "He took the hint, and when Mary had finished, said aloud,": the clause put
                # before the verb has a subject of its own, and the verb goes on with He
                and not _SUBORDINATE_THEN_VERB.fullmatch(text, m.end(), vs)
                # "Weston shook his head, and looked solemn, and said,": each verb is Weston's
                and not (_AND_BUT.search(m.group(0)) and _DOES.match(text, m.end() - 1))
            ]
        )
        # a clause put before the subject is not where the subject is: "The next morning, when
        # Anne was washing the dishes, Matthew paused to say to Marilla:" is Matthew's
        fronted = _FRONTED.search(text[sentence:vs])
        if fronted and sentence + fronted.end() > lo:
            lo = sentence + fronted.end()
        for mention in mentions:
            if mention.start < lo or mention.start > vs + 40:
                continue
            lead = text[max(lo, mention.start - 12) : mention.start]
            if _object_name(text, lo, mention.start) and not re.search(r"\bby\s+$", lead) and not (
                after and _inverted(text[a : mention.start])
            ):
                continue
            if text.startswith(("'s ", "’s "), mention.end):
                continue  # "Mrs. Struthers's name had been introduced by Mrs. Archer": not the subject
            info.subject = mention.character
            break
        for s, _e, w in words:
            if s < lo or s > vs:
                continue
            if w.lower() in ("he", "she", "i") and (info.subject is None or s < _first_start(mentions, info.subject, lo)):
                info.subject_pronoun = w.lower()
                # a pronoun before the name is the subject, the name an object: "She met Mr.
                # Weston on his entrance, exclaiming," is hers (but "I heard Dev say," Dev's)
                info.subject = None
                if not after and lo <= named_at < vs and s < named_at:
                    between = text[_mention_end(mentions, named_at) : named_verb]
                    if len(between.split()) >= 2 or "," in between:
                        info.named = None
                break
        if not after and info.subject_pronoun and (
            (info.pronoun and pronoun_at < lo) or (info.named and 0 <= named_at < lo and not info.subject)
        ):
            # the pronoun or name went with a verb of an earlier clause, and the clause leading
            # in has a pronoun of its own: "He told the whole; and she had only to add," is hers
            info.named = None
            info.pronoun = info.subject_pronoun
        if parenthetical and info.named and info.subject and info.subject != info.named:
            # "Isabella, embracing Catherine, thus began:" is Isabella's
            info.named = info.subject
        elif (
            not after
            and info.named
            and named_verb != verb_pos[-1][0]
            and info.subject
            and info.subject != info.named
            and _first_start(mentions, info.subject, lo) > named_at
        ):
            # the name went with an earlier verb, and the verb leading in has a subject of its
            # own: '"…," said Mary, and Katharine, after a moment, said:' is Katharine's
            info.named = info.subject
        if not info.named and not info.pronoun:
            info.nominal = _nominal_tag(text, a, b, verb_pos, after=after)
    return _unless_silent(text, info)


def _unless_silent(text: str, info: TagInfo) -> TagInfo:
    """"Catherine said nothing.", the whole sentence, is no tag: she is the one spoken to.
    A speech verb after the silence ends it: "Archer was silent, and Jackson said:" and "He
    was silent for a moment; then he said," are tags."""
    a, b = info.span
    silent = _SILENT.search(text, a, b)
    lead = text[a : silent.start()] if silent else ""
    if silent and any(w.lower() in SPEECH_VERBS for w in re.findall(r"[A-Za-z]+", text[silent.end() : b])):
        return info
    if silent and (info.named or info.pronoun) and len(lead.split()) <= 3 and "," not in lead:
        if info.named:
            info.objects = (*info.objects, info.named)
        info.named = info.pronoun = info.subject = None
    return info


#: A tag that says its subject kept silent ("said nothing", "made no answer", "did not reply").
_SILENT = re.compile(
    r"\b(?:said|answered|replied|spoke)\s+(?:nothing|no\s+more|not\s+a\s+word)\b"
    r"|\bmade\s+no\s+(?:answer|reply|rejoinder|response)\b"
    r"|\b(?:did\s+not|didn['’]t|could\s+not|couldn['’]t|would\s+not|wouldn['’]t)\s+(?:answer|reply|speak|respond)\b"
    r"|\b(?:was|remained|kept)\s+silent\b"
)


#: Head nouns of descriptions that tell a speaker's gender ("said the old lady", "her brother cried").
NOUN_GENDER: dict[str, str] = {
    **dict.fromkeys(
        "man men gentleman boy lad father husband brother son uncle nephew king prince duke lord sir fellow "
        "master squire gentlemen grandfather grandson waiter butler footman coachman landlord priest monk "
        "bishop vicar curate parson guy dude".split(), "male"),
    **dict.fromkeys(
        "woman women lady girl mother wife sister daughter aunt niece queen princess duchess mistress madam "
        "maid housemaid matron widow grandmother granddaughter landlady nun governess nurse hostess "
        "gal".split(), "female"),
}
_NP_STOP = frozenset(
    "who whom whose which that with in at to as and but or from on of by for into upon while when after before "
    "then again once still too very quite behind beside beneath below above across over under through outside "
    "inside near past around along against towards toward without within beyond "
    "him her them me us you it".split()
)


def _nominal_tag(
    text: str, a: int, b: int, verb_pos: Sequence[tuple[int, int]], *, after: bool
) -> tuple[str, str] | None:
    """A description in the speech tag instead of a name or pronoun: ("the old lady", "lady") for
    "…," said the old lady; ("her mother", "mother") for her mother observed, "…"."""
    for vs, ve in verb_pos if after else reversed(verb_pos):
        # "said the old lady" / "replied her sister" / "cut in her son" (not "whispered in her ear")
        particle = _PARTICLE + "?" if text[vs:ve].split()[0].lower() in _PARTICLE_VERBS else ""
        m = re.match(rf"\s+{particle}(?:[a-z]+ly\s+)?(\w+)((?:\s+[\w'’-]+){{1,4}})", text[ve:b])
        if m and m.group(1).lower() in _DETERMINERS:
            words = _np_words(m.group(2).split())
            if words:
                return " ".join([m.group(1).lower(), *words]).lower(), words[-1].lower()
        # "the old lady said" / "her sister cried"
        before = re.findall(r"[\w'’-]+", text[max(a, vs - 50) : vs])
        for k in range(len(before) - 1, max(-1, len(before) - 6), -1):
            if before[k].lower() in _DETERMINERS:
                words = _np_words(before[k + 1 :])
                if words and len(words) == len(before) - k - 1 - sum(w.endswith("ly") for w in before[k + 1 :]):
                    return " ".join([before[k].lower(), *words]).lower(), words[-1].lower()
                break
    return None


def _np_words(words: Sequence[str]) -> list[str]:
    """The words of a short noun phrase, up to the first that ends it (adverbs dropped)."""
    out: list[str] = []
    for w in words:
        lw = w.lower()
        if lw in _NP_STOP or lw in SPEECH_VERBS:
            break
        if lw.endswith("ly") and lw not in ("lily", "family", "holly"):
            continue
        out.append(w)
    return out[:3]


_NOT_VERBS = frozenset(
    """
    and but or nor so yet then to of for with at in on from by as that which who whom whose when
    while if though the a an his her their its my your our this these those was were is are had has
    have would could should will shall might may must did does do not also too only just still even
    himself herself themselves
    """.split()
)


def _verb_like(word: str) -> bool:
    """Could this word, next to a name in a tag, be its verb ("admitted", "broke", "said")?"""
    return word not in _NOT_VERBS and (word.endswith("ed") or word in SPEECH_VERBS or word in _IRREGULAR_SPEECH)


_PRONOUN_SHAPE = re.compile(r"[\s,—–-]*(he|she|they|I)\s+(?:[a-z]+ly\s+)?([a-z]+)\b")
_IRREGULAR_SPEECH = frozenset("broke burst spoke began went put cut said told ran flung threw shot".split())


def _tag_by_shape(
    text: str, a: int, b: int, mentions: Sequence[Mention], *, after: bool
) -> tuple[str | None, str | None] | None:
    """A tag known by its shape, whatever its verb: (character, pronoun), one of them set.

    After a quotation: "…," quavered Lucy / "…," broke in Adela / "…," Cassandra admitted /
    "…," Oakley broke in; "…," was Mrs. Weston's parting question / "…," was her answer.
    Before one: 'Mrs. Moore shivered, "A ghost!"' / 'Aziz joined in: "Why talk about the
    English?"'.
    """
    # '"… where that is." Winterbourne learned more': after a full stop the quotation's sentence
    # is over, and a name with any verb is the next sentence, not a tag
    closed = after and _CLOSED.search(text, max(0, a - 3), a) is not None
    if after and not closed:
        if mentions:
            first = mentions[0]
            m = re.fullmatch(
                rf"[\s,—–-]*(?:([a-z]+)\s+{_PARTICLE}?)?(?:[a-z]+ly\s+)?{_EPITHET}?", text[a : first.start]
            )
            if m and m.group(1):
                if m.group(1) not in _NOT_VERBS and not m.group(1).endswith("ly"):
                    return first.character, None
            elif m:
                m2 = re.match(r"(?:\s+[a-z]+ly)?\s+([a-z]+)\b", text[first.end : b])
                if m2 and _verb_like(m2.group(1)):
                    return first.character, None
    if after:
        # '"…," he broke out' / '"…," she owned': a pronoun and any verb, before any name (a
        # speech verb is read with the rest of the tag below)
        m = _PRONOUN_SHAPE.match(text, a, b)
        if (
            m
            and m.group(2) not in SPEECH_VERBS
            and _verb_like(m.group(2))
            and not (mentions and mentions[0].start < m.end())
        ):
            return None, m.group(1).lower()
        m = re.match(r"[\s,—–-]*(?:was|were)\s+(?:(his|her|my)\b|(?=\S))", text[a:b])
        if m and m.group(1):
            return None, {"his": "he", "her": "she", "my": "i"}[m.group(1)]
        if m and mentions and mentions[0].start == a + m.end() and text.startswith(("'s", "’s"), mentions[0].end):
            return mentions[0].character, None
    elif mentions:
        last = mentions[-1]
        m = re.fullmatch(r"\s+(?:[a-z]+ly\s+)?([a-z]+)(?:\s+(?:in|out|up|on|back|again))?\s*[,:—–-]+\s*", text[last.end : b])
        if m and _verb_like(m.group(1)):
            return last.character, None
    return None


#: A word of feeling or age a narrator puts before a name in a tag: "…," pleaded poor Alice,
#: "…," broke in old Isaac Brown.
_EPITHET = r"(?:(?:old|young|little|poor|dear|good|big)\s+)"
_CLOSED = re.compile(r"\.[\"'”’]\s*$")
_CLAUSE = re.compile(r"[;:]\s*(?:and\s+|but\s+)?")
#: What may stand between a clause's "and" and its verb when the clause has no subject of its
#: own: "…, and said", "…, and then quietly said".
_SHARED_SUBJECT = re.compile(r"(?:(?:[a-z]+ly|then|again|now|presently|at\s+once|at\s+last)\s+)*")
#: A relative clause whose verb is the speech verb: "Dev, who said", "Dev, who at once replied".
_WHO_SAID = re.compile(r",?\s+who,?\s+(?:(?:[a-z]+ly|then|now|at\s+once)\s+)?")
#: A second relative clause of the same name, whose verb is the speech verb: "Miss Steele, who
#: seemed disposed for conversation, and who now said".
_AND_WHO_SAID = re.compile(r",?\s+and\s+who,?\s+(?:(?:[a-z]+ly|then|now|at\s+once)\s+)?$")
#: A clause joined on with "and" or "but" (not "while", "when": those open clauses of their own).
_AND_BUT = re.compile(r"\b(?:and|but)\b")
#: A clause opening the sentence before its subject, up to the comma that closes it: "when Anne
#: was washing the dishes," in "The next morning, when Anne was washing the dishes, Matthew said";
#: "Neglecting her sister's pressure," in "Neglecting her sister's pressure, she said". A clause
#: with a conjunction may hold commas of its own; it ends at the first comma with a capital or a
#: pronoun after it ("When Nora said that the boats, like everyone else's, were late, he
#: replied,").
_FRONTED = re.compile(
    r"(?:^\s*(?:(?:[Tt]hen|[Bb]ut|[Aa]nd|[Ss]o),?\s+)?|(?<=[,;:]\s)(?:(?:and|but|then)\s+)?|(?<=\n))"
    r"(?:(?:[Ww]hen|[Ww]hile|[Ww]hilst|[Aa]s|[Aa]fter|[Bb]efore|[Ss]ince|[Tt]hough|[Aa]lthough|[Ii]f|[Uu]ntil|"
    r"[Oo]nce)\s+[^;:]+?|[A-Za-z]+ing\b[^,;:]*),\s+(?=[A-Z]|(?:he|she|they|we|I)\b)"
)
#: A subordinate clause and its comma right before the verb, which so goes on with the subject
#: before them: "when Mary had finished her second song, said aloud".
_SUBORDINATE_THEN_VERB = re.compile(
    r"(?:when|while|whilst|as|after|before|till|until|since|though|although|if)\b[^;:.!?,]*,\s*"
    r"(?:(?:[a-z]+ly|then|again|now)\s+)*"
)
#: A clause joined on after a comma: "called Helen, while Margaret said"; "looked up, and Elizabeth said".
_JOINED_CLAUSE = re.compile(r",\s+(?:while|whilst|and|but|when|whereupon)\s+")
#: The particle of a verb of two words ("…," broke in Adela; "…," put in Mrs. Hurst).
_PARTICLE = r"(?:(?:in|out|up|forth|back|on)\s+)"
#: Verbs that speak with a particle: "…," broke in / put in / cut in / called out her mother.
_PARTICLE_VERBS = frozenset("broke put cut chimed struck burst went called cried spoke piped blurted rang sang".split())
#: An inverted tag's verb of two words at the start of the stretch: "…," broke in / put in / cut in.
_VERB_PARTICLE = re.compile(rf"[\s,—–-]*(?:[a-z]+ly\s+)?([a-z]+)\s+{_PARTICLE}(?=(?:[a-z]+ly\s+)?(?:{'|'.join(_DETERMINERS)})\b)")
_INVERTED = re.compile(rf"[\s,—–-]*(?:[a-z]+ly\s+)?([a-z]+)\s+{_PARTICLE}?(?:[a-z]+ly\s+)?", re.IGNORECASE)


def _inverted(lead: str) -> bool:
    """Is this the opening of an inverted tag, a speech verb straight after the quotation
    ("…," asked Kemp; "…," answered Mrs. Hurst), so that the name after it is the speaker?"""
    m = _INVERTED.fullmatch(lead)
    return m is not None and m.group(1).lower() in SPEECH_VERBS


def _mention_end(mentions: Sequence[Mention], start: int) -> int:
    return next(m.end for m in mentions if m.start == start)


def _first_start(mentions: list[Mention], who: str, lo: int) -> int:
    return next((m.start for m in mentions if m.character == who and m.start >= lo), 10**12)


_OBJECT_BEFORE = re.compile(
    r"\b(?:to|at|towards|toward|upon|on|with|of|from|for|near|beside|behind|about|after|before|into|"
    r"round|around|see|saw|watched|told|asked|tell|ask|answered|reminded|addressing|made|met|kissed|thanked|"
    r"followed|joined|embraced|greeted|approaching|seized|pinched)\s+$",
    re.IGNORECASE,
)

#: A voice standing for its owner: "said the voice of Mr. Haq", "the muffled voice of Kemp was
#: heard": the name after "of" is the one speaking, not one spoken of.
_VOICE_OF = re.compile(r"\b(?:the\s+)?(?:[a-z]+\s+)?(?:voice|voices|tones)\s+of\s+$")


#: Words come from the one who says them: '"…!" burst from Dev', '"…!" broke explosively from
#: Nora', '"…" came from Mr. Haq's tight lips', 'There broke from Dev the cry, "…"'. Before a
#: quotation only "broke" and "burst" ("a letter came from Dev", "she escaped from Nora" are no
#: tags).
_FROM_AFTER = re.compile(r"[\s,—–-]*(?:(?:[a-z]+ly|at\s+last|at\s+once|then|now)\s+)*(?:broke|burst|came|escaped|fell|issued)\s+"
                         r"(?:forth\s+|[a-z]+ly\s+)*from\s+"
                         r"(?:the\s+lips\s+of\s+)?")
_FROM_BEFORE = re.compile(r"\b(?:broke|burst)\s+(?:forth\s+)?from\s+(?:the\s+lips\s+of\s+)?$")


def _object_name(text: str, lo: int, start: int) -> bool:
    """Do the words before the name at ``start`` (not before ``lo``) make it one spoken to or
    acted on ("said to Darcy", "looked at Jane")? Not when a voice stands for it ("the voice of
    Mr. Haq"), nor when the words burst from it ("burst from Dev")."""
    return (
        bool(_OBJECT_BEFORE.search(text, max(lo, start - 12), start))
        and not _VOICE_OF.search(text, max(lo, start - 40), start)
        and not _FROM_BEFORE.search(text, max(lo, start - 40), start)
    )


def _uttered_by(text: str, a: int, mentions: Sequence[Mention], verbs: Sequence[tuple[int, int]], *, after: bool) -> str | None:
    """The character the words came from ("…!" burst from Dev; "There broke from Dev the
    cry,"): after a quotation the stretch opens with it; before one, no speech verb follows it."""
    if after:
        # only the stretch's first name can be the one "…from" leads to
        if mentions and _FROM_AFTER.fullmatch(text, a, mentions[0].start):
            return mentions[0].character
        return None
    for mention in mentions:
        if _FROM_BEFORE.search(text, max(a, mention.start - 40), mention.start) and not any(
            vs > mention.start for vs, _ve in verbs
        ):
            return mention.character
    return None


VOCATIVE = re.compile(r"(?:^|(?:[,;!?.—–]|--)\s*|\b(?:oh|dear|my dear|hey|hi|hello|yes|no|well)\s+)$", re.IGNORECASE)

#: A quotation broken by its tag after its subject: '"Hollis," said Kessler, "is the only one of
#: you who tells me anything."' The part after the tag goes on with the subject's verb, and no
#: subject of its own follows that verb, as one would in a question ('"Lucy," said her mother,
#: "is it true?"'), or an imperative opens it ('"Hollis," said Kessler, "come here."').
_SUBJECT_GOES_ON = re.compile(
    r"[\"”’']?[^\n\"“”‘’]{1,80}?,\s*[\"“‘']"
    r"(?:is|was|has|had|will|would|can|could|does|did|must|should|shall|may|might|knows|talks|thinks|says|seems|"
    r"never|always|isn['’]t|wasn['’]t|hasn['’]t|won['’]t|doesn['’]t|didn['’]t|can['’]t|couldn['’]t)"
    r"\s+(?!(?:i|you|he|she|it|we|they|there|that|this|not|anybody|anyone|somebody|someone|nobody|everyone|[A-Z]\w*)\b)",
)


def vocatives(text: str, quote: Quote, index: MentionIndex) -> list[str]:
    """Characters addressed by name in a quotation ("Nora, wait", "Listen to me, Dev."); not a
    name that is all of a quotation's first part when the part after the tag goes on with its
    verb ('"Hollis," said Kessler, "is the only one …"')."""
    out: list[str] = []
    mentions = index.between(quote.start, quote.end)
    if (
        len(mentions) == 1
        and not text[quote.start : mentions[0].start].strip("\"“‘' ")
        and text[mentions[0].end : quote.end].strip("\"”’' ") == ","
        and _SUBJECT_GOES_ON.match(text, quote.end)
    ):
        return out
    for m in mentions:
        before = text[max(quote.start, m.start - 12) : m.start]
        after = text[m.end : min(quote.end, m.end + 2)]
        at_start = m.start - quote.start <= 12 and VOCATIVE.search(before) is not None
        # the stop may be a dash typed as two hyphens ("Ellen--I must ask you")
        at_end = quote.end - m.end <= 2 or after[:1] in (",", "!", "?", ".", ";", "—", "–") or after == "--"
        # a name that opens the quotation is its subject, not the one spoken to, unless a
        # stop follows it: "Dr. Reyes will be pleased" against "Reyes, wait"
        if (at_start or VOCATIVE.search(before)) and at_end:
            out.append(m.character)
    return out


_RANK = re.compile(rf"\b({'|'.join(sorted(t.capitalize() for t in ROLE_TITLES))})(?=\s*(?:[,;!?.—–]|--)|\s*$)")


def rank_address(story: Story, index: MentionIndex) -> list[Mention]:
    """Mentions for a rank or role used alone to address someone inside a quotation ("Captain,
    Pell's got something", "I can make it louder, Captain."): the one character the story names
    with that title ("Captain Solberg"). A rank nobody or several hold ("Doctor" with two
    doctors) is left alone, and so is one after "the" ("the Captain", a mention already)."""
    owners: dict[str, set[str]] = {}
    for c in story.characters:
        for name in (c.name, *c.aliases):
            if rank := rank_of(name):
                owners.setdefault(rank, set()).add(c.id)
    if not owners:
        return []
    text = story.text
    out = []
    for q in story.quotes:
        if q.kind == "embedded":
            continue
        for m in _RANK.finditer(text, q.start, q.end):
            who = owners.get(m.group(1).lower(), set())
            before = text[max(q.start, m.start() - 12) : m.start()]
            if len(who) == 1 and (m.start() - q.start <= 1 or VOCATIVE.search(before)):
                out.append(Mention(m.start(), m.end(), next(iter(who)), "title"))
    return out


def role_mentions(story: Story, index: MentionIndex, reach: int = 8000) -> list[Mention]:
    """Mentions for a role's description that is a character of its own ("The Doctor", in a
    cast that also lists "Doctor Losberne"): where the narration names the one character holding
    that role within ``reach`` characters, "the doctor" is that character, as it is to a
    reader; anywhere else it is the other, unnamed doctor. A role two characters hold is left
    alone, and so is a holder named only by the characters ("I guess Dr. Spencer would go")."""
    holders: dict[str, set[str]] = {}
    for c in story.characters:
        for name in (c.name, *c.aliases):
            if rank := rank_of(name):
                holders.setdefault(rank, set()).add(c.id)
    described: dict[str, str] = {}
    for c in story.characters:
        names = {n.lower() for n in (c.name, *c.aliases)}
        role = next(iter(names)).removeprefix("the ") if len(names) == 1 else ""
        owners = holders.get(role, set())
        if len(owners) == 1 and c.id not in owners and next(iter(names)) == f"the {role}":
            described[c.id] = next(iter(owners))
    if not described:
        return []
    named: dict[str, list[int]] = {}
    for m, quoted in zip(index.mentions, index.in_quote):
        if m.character in described.values() and not quoted:  # the narrator names him
            named.setdefault(m.character, []).append(m.start)
    out = []
    for m in index.mentions:
        holder = described.get(m.character)
        if holder is None:
            continue
        near = named.get(holder, [])
        i = bisect.bisect_left(near, m.start - reach)
        if i < len(near) and near[i] <= m.start + reach:
            out.append(Mention(m.start, m.end, holder, "title"))
    return out


#: Forms of address that say whether the one spoken to is a man or a woman ("Yes, sir.",
#: "Mamma, look!", "my dear fellow"). Kin words count only as address, never as mentions.
_ADDRESS_MALE = (
    r"sir|my lord|your lordship|your grace|papa|pa|father|grandpapa|grandfather|uncle|brother|"
    r"my (?:dear |good |poor |old |dear old |fine |young )*(?:fellow|boy|man|chap|lad|sir|son)|"
    r"young man|old man|master|mister|monsieur|signor|señor|herr|mein herr"
)
_ADDRESS_FEMALE = (
    r"madam|madame|ma'am|ma’am|mum|miss|my lady|your ladyship|mamma|mama|ma|mother|mummy|mommy|mom|"
    r"grandmamma|grandmother|granny|aunt|auntie|sister|"
    r"my (?:dear |good |poor |old |dear old |fine |young |sweet )*(?:girl|woman|lady|daughter)|"
    r"young lady|young woman|signora|señora|mademoiselle|fräulein|ma chère"
)
_ADDRESS = re.compile(
    rf"(?:^|(?:[,;!?.:—–]|--)\s*|\b(?:oh|o|yes|no|well|dear)\s+)(?:(?P<m>{_ADDRESS_MALE})|(?P<f>{_ADDRESS_FEMALE}))"
    r"(?=\s*(?:[,;!?.:—–]|--|$))",
    re.IGNORECASE,
)


def addressed_gender(text: str, quote: Quote) -> str | None:
    """"male" or "female" when a quotation addresses someone by a gendered form of address
    ("Yes, sir.", "Come here, my girl."), else None; the first such form decides."""
    m = _ADDRESS.search(text[quote.start : quote.end].strip(" \t\n\"'“”‘’"))
    if m is None:
        return None
    return "male" if m.group("m") else "female"


def pronoun_gender(p: str | None) -> str | None:
    if p == "he":
        return "male"
    if p == "she":
        return "female"
    return None


def compatible(gender: str, wanted: str | None) -> bool:
    return wanted is None or gender in (wanted, "unknown", "nonbinary") and gender != ("female" if wanted == "male" else "male")


def subjects(text: str, spans: Sequence[tuple[int, int]], index: MentionIndex) -> list[str]:
    """Characters named as the first word(s) of a sentence in these narration stretches, or of
    a clause after "and", "but", "then", "when", "while" or "as" when a verb follows the name
    ("The door opened, and the doctor came in.")."""
    return [m.character for a, b in spans for m in index.between(a, b) if _is_subject(text, m, a)]


def subject_mentions(text: str, index: MentionIndex) -> list[bool]:
    """Per mention of ``index``: is it a narration mention that is a subject as
    :func:`subjects` reads one ("Helen entered", "and Philip rose")?"""
    return [not quoted and _is_subject(text, m, 0) for m, quoted in zip(index.mentions, index.in_quote)]


def _is_subject(text: str, m: Mention, lo: int) -> bool:
    """Does mention ``m`` open a sentence (or the stretch from ``lo``), or a clause with a verb after it?"""
    if opens_sentence(text, m.start, lo):
        return True
    return bool(_CLAUSE_OPENS.search(text, max(lo, m.start - 8), m.start) and _DOES.match(text, m.end))


def opens_sentence(text: str, pos: int, lo: int = 0) -> bool:
    """Does the name at ``pos`` open a sentence (or the stretch starting at ``lo``)? Quotation
    marks before it don't count, nor a title the mention leaves out ("Detective
    Superintendent Moira Haldane", a mention of "Superintendent Moira Haldane")."""
    title = _TITLES_BEFORE.search(text, max(lo, pos - 40), pos)
    j = (title.start() if title else pos) - 1
    while j >= lo and text[j] in " \t\n\"'“”‘’":
        j -= 1
    return j < lo or text[j] in ".!?;:—" or (text[j] == "-" and j > lo and text[j - 1] == "-")


_TITLES_BEFORE = re.compile(rf"(?<![\w.])(?:(?:{TITLE_RX})\.?[ \t]+)+$")


_CLAUSE_OPENS = re.compile(r"(?:^|\W)(?:and|but|then|when|while|as)\s+$")
_DOES = re.compile(r"\s+(?:[a-z]+ly\s+)?(?:[a-z]+ed|came|went|said|sat|stood|took|gave|got|put|ran|made|saw|knew|"
                   r"felt|held|kept|left|shook|turned|looked|rose|spoke|began|was|had|did|heard|found|thought|"
                   # the participles a clause after "had" goes on with: "who had heard it all, and
                   # borne Dev company"
                   r"borne|been|done|gone|seen|given|taken|known|grown|drawn|shown|spoken|written|fallen|"
                   r"brought|caught|sought|lost|met)\b")


#: Kin words that name one member of a family: (gender, relation). A parent or spouse is the
#: family's "Mr./Mrs. <surname>"; a sibling shares the surname and is not that. (A son or
#: daughter is left out: the daughters of a house are too many and too rarely surnamed.)
_KIN: dict[str, tuple[str, str]] = {
    "father": ("male", "parent"), "papa": ("male", "parent"), "mother": ("female", "parent"),
    "mamma": ("female", "parent"), "husband": ("male", "spouse"), "wife": ("female", "spouse"),
    "brother": ("male", "sibling"), "sister": ("female", "sibling"),
}
_KIN_WORDS = "|".join(_KIN)
# (not "her mother-in-law": of another family)
_KIN_AFTER_PRONOUN = re.compile(rf"\b(his|her)\s+({_KIN_WORDS})\b(?!-)")
_KIN_AFTER_NAME = re.compile(rf"['’]s\s+({_KIN_WORDS})\b(?!-)")


def _surname_and_head(names: Sequence[str]) -> tuple[set[str], bool]:
    """A character's surnames (the last word of a name of two words or more, titles aside), and
    whether one of the names is a title and a surname alone ("Mrs. Honeychurch": the head of the
    household or the wife)."""
    out: set[str] = set()
    head = False
    for name in names:
        toks = name.split()
        bare = [t for t in toks if t.lower().rstrip(".") not in TITLES]
        if len(toks) >= 2 and bare and bare[-1][:1].isupper():
            out.add(bare[-1])
            if len(bare) == 1 and toks[0].lower().rstrip(".") in ("mr", "mrs"):
                head = True
    return out, head


def kin_mentions(story: Story, index: MentionIndex) -> list[Mention]:
    """Kin descriptions in the narration resolved to characters by surname: "her mother" is Mrs.
    Honeychurch when "her" is Lucy Honeychurch, "Caroline's brother" is Mr. Bingley.

    The owner is the character named just before (or named in the phrase); the kin is the one
    character of the right gender who shares the owner's surname and is (for a parent or a
    spouse) or is not (for a sibling) a "Mr./Mrs. <surname>". Anything ambiguous is left out.
    """
    text = story.text
    chars = {c.id: c for c in story.characters}
    families: dict[str, list[tuple[str, str, bool]]] = {}  # surname -> (id, gender, head)
    surnames: dict[str, set[str]] = {}
    for c in story.characters:
        names, head = _surname_and_head([c.name, *c.aliases])
        surnames[c.id] = names
        for s in names:
            families.setdefault(s, []).append((c.id, c.gender, head))

    def kin_of(owner: str, word: str) -> str | None:
        gender, relation = _KIN[word]
        found: set[str] = set()
        for s in surnames.get(owner, ()):
            for cid, g, head in families.get(s, ()):
                if cid == owner or g != gender:
                    continue
                if head == (relation != "sibling"):
                    found.add(cid)
        return next(iter(found)) if len(found) == 1 else None

    out: list[Mention] = []
    for m in _KIN_AFTER_PRONOUN.finditer(text):
        if index.inside_quote(m.start()):
            continue
        wanted = "male" if m.group(1) == "his" else "female"
        owner = next(
            (x.character for x in index.narration_before(m.start(), limit=8)
             if x.character in chars and chars[x.character].gender == wanted),
            None,
        )
        who = kin_of(owner, m.group(2)) if owner else None
        if who:
            out.append(Mention(m.start(), m.end(), who, "name"))
    for mention, quoted in zip(index.mentions, index.in_quote):
        k = _KIN_AFTER_NAME.match(text, mention.end)
        if k and not quoted:
            who = kin_of(mention.character, k.group(1))
            if who:
                out.append(Mention(mention.start, k.end(), who, "name"))
    out.extend(_family(story, index, {m.start for m in out}))
    out.extend(_styled(story, index))
    return sorted(out, key=lambda m: m.start)


#: Kin nouns of a family story's narration ("said their mother"), as (gender, generation).
_FAMILY_NOUNS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("mother", "mum", "mom", "mummy", "mommy", "mamma"), ("female", "parent")),
    **dict.fromkeys(("father", "dad", "daddy", "papa"), ("male", "parent")),
    **dict.fromkeys(("grandmother", "gran", "granny", "grandma", "nan", "nana"), ("female", "grandparent")),
    **dict.fromkeys(("grandfather", "grandpa", "grandad", "granddad"), ("male", "grandparent")),
}
_FAMILY_KIN = re.compile(rf"\b(?:[Tt]heir|[Hh]is|[Hh]er|[Mm]y|[Oo]ur)\s+({'|'.join(_FAMILY_NOUNS)})\b(?!-)")


def _family(story: Story, index: MentionIndex, taken: set[int]) -> list[Mention]:
    """Mentions for "their mother", "her father", "my gran" in the narration when the story's
    narration names one character by that kin word twice or more ("Mum said", "Dad got the fire
    going"): a family story calls the parents so, and "their mother" in the tags ("said their
    mother"). Not a "Mamma" only the dialogue says, as a novel's daughters do: there "her
    mother" is the family's Mrs. …, which the surname rule above resolves. The kin phrases it
    resolved (``taken``, their start offsets) stay as they are."""
    named: dict[tuple[str, str], list[str]] = {}
    for c in story.characters:
        for word in (c.name, *c.aliases):
            kin = _FAMILY_NOUNS.get(word.lower())
            if not kin or word not in KIN_NAMES or c.id in named.get(kin, []):
                continue
            uses = re.finditer(rf"\b{word}\b", story.text)
            if sum(not index.inside_quote(m.start()) for m in uses) >= 2:
                named.setdefault(kin, []).append(c.id)
    if not named:
        return []
    out = []
    for m in _FAMILY_KIN.finditer(story.text):
        who = named.get(_FAMILY_NOUNS[m.group(1)], [])
        if len(who) == 1 and m.start() not in taken and not index.inside_quote(m.start()):
            out.append(Mention(m.start(), m.end(), who[0], "name"))
    return out


#: "her ladyship" is a Lady, "his lordship" a Lord, "His Grace" a Duke (capitalised: "her
#: grace" may be her elegance).
_STYLES = {"ladyship": ("lady",), "lordship": ("lord",), "grace": ("duke", "duchess")}
_STYLED = re.compile(r"\b(?:[Hh]er|[Hh]is)\s+([Ll]adyship|[Ll]ordship)\b|\b(?:Her|His)\s+(Grace)\b")


def _styled(story: Story, index: MentionIndex) -> list[Mention]:
    """Mentions for "her ladyship" in the narration ("said her ladyship"): the Lady of the story,
    or when there are several, the one named last before it (of the last eight characters named)."""
    titled: dict[str, set[str]] = {}
    for c in story.characters:
        for name in (c.name, *c.aliases):
            first = name.split(" ")[0].lower()
            for style, titles in _STYLES.items():
                if first in titles and " " in name:
                    titled.setdefault(style, set()).add(c.id)
    out: list[Mention] = []
    if not titled:
        return out
    for m in _STYLED.finditer(story.text):
        owners = titled.get((m.group(1) or m.group(2)).lower(), set())
        if not owners or index.inside_quote(m.start()):
            continue
        who = next(iter(owners)) if len(owners) == 1 else next(
            (x.character for x in index.narration_before(m.start(), limit=8) if x.character in owners), None
        )
        if who:
            out.append(Mention(m.start(), m.end(), who, "name"))
    return out
