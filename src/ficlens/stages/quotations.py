"""Quotations: every quoted stretch, its marks excluded (as in PDNC).

Provides ``quotes``. The story's dominant style is found first (double quotes, straight or
curly; single quotes, British style; em-dash dialogue), as BookNLP does, then each text
paragraph is scanned:

* the lines of a chat or a script ("Rhys: are you coming or not"; ``chat_lines``) are
  utterances each, mark ``:``, the message only;
* a quotation left open at a paragraph's end closes there and never swallows the text
  after it; when the next paragraph opens with the same mark it continues the same
  utterance (``group``), the novelist's convention for a speech over several paragraphs;
* single-quote dialogue is told apart from apostrophes (``don't``, ``'em``, ``goin'``,
  ``the Joneses' house``); after a speech tag and its comma, a mark before a word that could
  be an elision still opens the rest of the quotation the tag broke ("'Hollis,' said Kessler,
  'is the only one …'", where "'is" could be "his");
* a quotation inside speech, in the other marks (‘…’ inside “…”), is kind ``nested``: the
  speaker's words either side of it are the utterance's ``speech`` parts (one ``group``), as
  PDNC splits them. A bracketed stage direction inside speech ("(speaking lower)") is left
  out of it, as narration;
* a short phrase quoted inside a sentence of narration (a word, a title) has kind
  ``embedded``; everything else is ``speech``;
* the parts of one utterance interrupted by a speech tag share a ``group``, unless the
  narration between them ends in a lead-in that gives the second part to another speaker, an
  answering verb or a name other than the first tag's ('"…," said Mrs. Archer; and Mrs. van
  der Luyden murmured: "…"'; '"No," Cass says, at the same moment Ilya says, "Yes."'), or the
  first tag ends its sentence and the second part opens a
  tag of its own naming someone else ('"Morning, Dev," said Nora. "Morning, Nora," said
  Dev.'): that is another utterance.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ficlens.stages._dialogue import LABEL_DIRECTION, LABEL_NAME, LABEL_NOTE, SPEECH_VERBS
from ficlens.stages._letters import CAPITALISED, UPPER
from ficlens.story import Paragraph, Quote, Story

_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_DOUBLE_MARKS = "\"" + _DOUBLE_OPEN + _DOUBLE_CLOSE
_SINGLE_OPEN = "‘‹"
_SINGLE_CLOSE = "’›"
_DASHES = "—―–"
_ELISIONS = {
    "em", "tis", "twas", "twere", "twill", "til", "till", "cause", "cos", "coz", "bout", "round", "n", "im",
    "er", "ere", "ow", "is", "e", "un", "ome", "alf", "ave", "appen", "nuff", "scuse", "kay", "sup",
}
_SPEECH_VERBS = re.compile(
    r"\b(?:said|says|say|asked|asks|ask|replied|replies|answered|cried|shouted|yelled|whispered|murmured|"
    r"muttered|called|added|continued|began|exclaimed|snapped|sighed|laughed|repeated|returned|observed|"
    r"remarked|told|tells|went on|demanded|insisted|protested|interrupted|hissed|growled|breathed|"
    r"mumbled|pleaded|begged|agreed|admitted|explained|announced|declared|whimpered|screamed|groaned|"
    r"thought|wondered|mouthed|sang|cooed|drawled|grumbled|quipped|teased|corrected|offered|suggested|"
    r"warned|reminded|promised|shrugged|nodded|smiled|grinned|scoffed|snorted|huffed)\b",
    re.I,
)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
#: A closing single mark, then a speech tag ending in a comma: "'Hollis,' said Kessler, " (what
#: comes next goes on with the quotation the tag broke).
_AFTER_TAG = re.compile(rf"[,!?—–-]['’]\s+[^.!?'‘’\n]{{0,40}}{_SPEECH_VERBS.pattern}[^.!?'‘’\n]{{0,30}},\s*$", re.I)


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    mark: str
    open_at_end: bool = False


def detect_style(text: str, paragraphs: tuple[Paragraph, ...]) -> str:
    """The story's dialogue convention: ``double``, ``single`` or ``dash``."""
    doubles = text.count('"') + sum(text.count(c) for c in _DOUBLE_OPEN + _DOUBLE_CLOSE)
    singles = len(re.findall(r"(?:^|(?<=[\s(\[—–-]))['‘](?=[A-Z])", text))
    dash_paras = sum(
        1 for p in paragraphs if p.kind == "text" and text[p.start : p.start + 1] in _DASHES
    )
    if dash_paras >= 5 and dash_paras > doubles / 2 and dash_paras > singles:
        return "dash"
    if singles >= 3 and singles > doubles / 2 * 1.5:
        return "single"
    if doubles == 0 and (singles or dash_paras):
        # a short story with no double marks at all: take the convention it does show
        return "single" if singles >= dash_paras else "dash"
    return "double"


def _is_single_opener(s: str, i: int, *, tagged: bool = True) -> bool:
    """Does the single mark at ``i`` open a quotation? With ``tagged``, an elision-like word
    after a speech tag's comma may open one too, when a closing mark follows later."""
    ch = s[i]
    prev = s[i - 1] if i else " "
    nxt = s[i + 1] if i + 1 < len(s) else " "
    if nxt.isspace() or prev.isalnum():
        return False
    if ch == "‘":
        return True
    if not (prev.isspace() or prev in "([{—–-\"“/" or i == 0):
        return False
    m = _WORD.match(s, i + 1)
    word = m.group(0).lower() if m else ""
    if word == "n":
        return False  # rock 'n' roll: both marks are elisions
    if word in _ELISIONS or re.fullmatch(r"\d0s|\d\d", word):
        # an elision ('em, 'tis) unless a closing mark follows the word straight away, or the
        # mark goes on a quotation its tag broke ("'Hollis,' said Kessler, 'is the only one'")
        end = m.end() if m else i + 1
        if end < len(s) and s[end] in "'’" and (end + 1 >= len(s) or not s[end + 1].isalnum()):
            return True
        return tagged and bool(_AFTER_TAG.search(s, max(0, i - 60), i)) and _later_closer(s, end)
    return nxt.isalnum() or nxt in "….-—–\"“" or not nxt.isspace()


def _is_single_closer(s: str, i: int) -> bool:
    prev = s[i - 1] if i else " "
    nxt = s[i + 1] if i + 1 < len(s) else " "
    return not prev.isspace() and not nxt.isalnum()


def _scan_single(s: str) -> list[_Span]:
    out: list[_Span] = []
    i, n = 0, len(s)
    opened: int | None = None
    mark = "'"
    ahead: _CloserAhead | None = None
    while i < n:
        ch = s[i]
        if ch in "'‘’":
            if opened is None:
                if _is_single_opener(s, i):
                    opened, mark = i + 1, ch
            elif _is_single_closer(s, i) and ch != "‘":
                prev = s[i - 1]
                if prev.isalpha() and (ahead := ahead or _CloserAhead(s))(i + 1):
                    i += 1  # likely an apostrophe (goin', the Joneses'); a real closer follows
                    continue
                out.append(_Span(opened, i, mark))
                opened = None
        elif ch in '"“”' and opened is None:
            # double quotes at top level in a single-quote story: take them too
            j = _find_double_close(s, i + 1)
            if j is not None:
                out.append(_Span(i + 1, j, ch))
                i = j + 1
                continue
        i += 1
    if opened is not None:
        out.append(_Span(opened, n, mark, open_at_end=True))
    return out


def _single_paragraph(s: str) -> list[_Span] | None:
    """The quotations of a paragraph in single marks in a story whose dialogue is in double
    ones (a writer who slips: "'Six forty?' Theo said."): a paragraph with no double mark that
    opens with a single one before a capital and closes it. None for any other paragraph."""
    if not _SINGLE_OPENS.match(s) or any(c in s for c in _DOUBLE_MARKS):
        return None
    spans = _scan_single(s)
    return spans if spans and spans[0].start <= 2 and not spans[0].open_at_end else None


_SINGLE_OPENS = re.compile(r"\s*['‘][A-Z]")


def _later_closer(s: str, i: int) -> bool:
    """Is there a closing single quote after ``i``, before the next opening one?"""
    return _CloserAhead(s)(i)


class _CloserAhead:
    """``_later_closer`` for many positions of one paragraph: every mark is classified once
    (a closer after a non-letter, an opener, or neither), then each question is a bisection.
    Asking mark by mark from scratch made a long quotation full of "goin'" quadratic."""

    def __init__(self, s: str) -> None:
        self.positions: list[int] = []
        self.closes: list[bool] = []
        for m in re.finditer("['’]", s):
            j = m.start()
            if _is_single_closer(s, j) and not s[j - 1].isalpha():
                self.positions.append(j)
                self.closes.append(True)
            elif _is_single_opener(s, j, tagged=False):
                self.positions.append(j)
                self.closes.append(False)

    def __call__(self, i: int) -> bool:
        k = bisect.bisect_left(self.positions, i)
        return k < len(self.positions) and self.closes[k]


def _find_double_close(s: str, i: int) -> int | None:
    for j in range(i, len(s)):
        if s[j] in '"”':
            return j
        if s[j] in "“":
            return None
    return None


def _scan_double(s: str) -> list[_Span]:
    out: list[_Span] = []
    opened: int | None = None
    mark = '"'
    for i, ch in enumerate(s):
        if ch in _DOUBLE_OPEN:
            if opened is not None:
                out.append(_Span(opened, i, mark, open_at_end=True))
            opened, mark = i + 1, ch
        elif ch in _DOUBLE_CLOSE:
            if opened is not None:
                out.append(_Span(opened, i, mark))
                opened = None
        elif ch == '"':
            if opened is None:
                opened, mark = i + 1, ch
            else:
                out.append(_Span(opened, i, mark))
                opened = None
    if opened is not None:
        out.append(_Span(opened, len(s), mark, open_at_end=True))
    return out


def _scan_dash(s: str) -> list[_Span]:
    """Em-dash dialogue: ``— Speech, — said Ana, — more speech.``"""
    if not s or s[0] not in _DASHES:
        return []
    out: list[_Span] = []
    pieces = [m.start() for m in re.finditer(r"\s[—―–]\s?|[—―–](?=\s)", s[1:])]
    bounds = [0] + [p + 1 for p in pieces] + [len(s)]
    speaking = True
    for a, b in zip(bounds, bounds[1:]):
        seg_start = a + 1 if s[a] in _DASHES else a
        while seg_start < b and (s[seg_start].isspace() or s[seg_start] in _DASHES):
            seg_start += 1  # a line break and a dash alone on the next line open no speech
        in_tag = False
        if speaking and seg_start < b:
            spans, in_tag = _untagged(s, seg_start, b)
            out.extend(spans)
        # "— Then, she said — you know the town.": the tag ended the segment, and the dash
        # after it opens speech again
        speaking = in_tag or not speaking
    return out


def _untagged(s: str, a: int, b: int) -> tuple[list[_Span], bool]:
    """The speech of one dash segment without a tag no dash sets off: "— It will stop, the
    old woman said without looking up. It always does." is two pieces of speech, the tag's
    sentence between them narration. Also whether the segment ends inside such a tag."""
    out: list[_Span] = []
    while a < b:
        tag = _DASH_TAG.search(s, a, b)
        if tag is None:
            break
        out.append(_Span(a, tag.start() + 1, "—"))
        end = _TAG_SENTENCE_END.search(s, tag.end(), b)
        if end is None:
            return out, True
        a = end.end()
    if a < b:
        out.append(_Span(a, b, "—"))
    return out, False


_SPEECH_VERB_ALT = "|".join(sorted(SPEECH_VERBS))
#: A tag inside a dash segment, after the speech's comma, question or exclamation mark: ", he
#: said", "? she asked", ", the old woman said", ", said Pavel".
_DASH_TAG = re.compile(
    rf"[,?!…](?=\s+(?:(?:he|she|they|I|we|you)|(?:the|his|her|my|their)\s+(?:[a-z]+\s+){{0,2}}[a-z]+"
    rf"|[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?:[a-z]+ly\s+)?(?:{_SPEECH_VERB_ALT})\b"
    rf"|\s+(?:{_SPEECH_VERB_ALT})\s+(?:he|she|I|the\s|[A-Z]))"
)
_TAG_SENTENCE_END = re.compile(r"[.!?…]+(?:\s+|$)")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_embedded(text: str, start: int, end: int, para_start: int) -> bool:
    body = text[start:end]
    if not body.strip():
        return True
    words = body.split()
    before = text[para_start : max(para_start, start - 1)].rstrip()
    if not before:
        return False
    prev = before[-1]
    ends_clause = body.rstrip()[-1] in ",.!?…—–-;:"
    if prev.isalnum() and len(words) <= 8 and not ends_clause:
        tail = before[-40:]
        last_word = tail.split()[-1].lower() if tail.split() else ""
        if _SPEECH_VERBS.fullmatch(last_word):
            return False
        return True
    return False


class QuotationStage:
    """Find every quotation in the story's text paragraphs."""

    name = "quotations"
    requires: tuple[str, ...] = ("paragraphs",)
    provides: tuple[str, ...] = ("quotes",)

    def __init__(self, *, style: str | None = None) -> None:
        if style not in (None, "double", "single", "dash"):
            raise ValueError(f"style must be double, single or dash, not {style!r}")
        self.style = style

    def __call__(self, story: Story) -> None:
        text = story.text
        paragraphs = story.paragraphs
        style = self.style or detect_style(text, paragraphs)
        scan = {"double": _scan_double, "single": _scan_single, "dash": _scan_dash}[style]
        quotes: list[Quote] = []
        prev_open_group: str | None = None
        prev_para_id = -2
        chat = chat_lines(text, paragraphs)
        for p in paragraphs:
            if p.kind != "text":
                continue
            if p.id in chat:
                for a, b in chat[p.id]:
                    qid = f"q{len(quotes) + 1}"
                    quotes.append(Quote(qid, a, b, "speech", p.id, qid, CHAT_MARK))
                prev_open_group, prev_para_id = None, p.id
                continue
            s = text[p.start : p.end]
            spans = _single_paragraph(s) if style == "double" else None
            if spans is None:
                spans = scan(s)
            last_group: str | None = None
            last_end_char = ""
            last_end = p.start
            for k, sp in enumerate(spans):
                a, b = _trim(text, p.start + sp.start, p.start + sp.end)
                if b <= a:
                    continue
                if style != "dash" and _is_embedded(text, a, b, p.start):
                    qid = f"q{len(quotes) + 1}"
                    quotes.append(Quote(qid, a, b, "embedded", p.id, qid, sp.mark))
                    continue
                group = None
                if k == 0 and sp.start <= 1 and prev_open_group and prev_para_id == p.id - 1:
                    group = prev_open_group  # a speech continuing over paragraphs
                elif last_group is not None and _same_utterance(text, last_end, a, last_end_char):
                    # '"Morning, Dev," said Nora. "Morning, Nora," said Dev.': the second part
                    # has a tag of its own that names another speaker
                    nxt = p.start + spans[k + 1].start if k + 1 < len(spans) else p.end
                    if not _tagged_otherwise(text[last_end:a], text[b:nxt], last_end_char):
                        group = last_group
                for pa, pb, nested in _pieces(text, a, b, style):
                    qid = f"q{len(quotes) + 1}"
                    if group is None:
                        group = qid  # the utterance's id is its first piece's, nested or not
                    quotes.append(Quote(qid, pa, pb, "nested" if nested else "speech", p.id, group, sp.mark))
                    if not nested:
                        last_end_char = text[pb - 1]
                        last_end = pb
                last_group = group
            tail_open = bool(spans) and spans[-1].open_at_end and quotes and quotes[-1].paragraph == p.id
            prev_open_group = quotes[-1].group if tail_open and quotes[-1].kind != "embedded" else None
            prev_para_id = p.id
        story.add_layer("quotes", quotes)


#: The ``mark`` of a line of a chat or a script: "Rhys: are you coming or not".
CHAT_MARK = ":"
#: A line of a chat or script: a name of up to three capitalised words, perhaps a time or a
#: note in brackets ("Kit (10:42)"), a colon, and the message.
_CHAT_LINE = re.compile(rf"^[ \t]*(?P<label>{LABEL_NAME}){LABEL_NOTE}[ \t]*:[ \t]+(?P<msg>\S[^\n]*?)[ \t]*$")
#: Words that open a "Key: value" line which is no one speaking.
_NOT_SPEAKERS = frozenset(
    """chapter part book volume act scene note notes summary title author authors rating warning warnings
    fandom fandoms pairing pairings relationship relationships character characters tag tags disclaimer
    edit update ps p.s. re subject from to cc date time location place setting words status series prompt
    beta content category language published updated completed chapters kudos bookmarks hits comments
    translation dedication epigraph prologue epilogue day week year spoilers spoiler timeline verse
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def chat_lines(text: str, paragraphs: Sequence[Paragraph]) -> dict[int, list[tuple[int, int]]]:
    """The messages of a chat or a script, by paragraph: text paragraphs every line of which is
    "Name: message" ("Rhys: are you coming or not"), in a run of such paragraphs with two lines
    or more in all. A line that opens with a word of a header or a heading ("Rating: T",
    "Chapter 2: The Pier") is none. Each message is one utterance, its marks (if any) left out."""
    found: dict[int, list[tuple[int, int, str]]] = {}  # paragraph -> (start, end, label) per line
    for p in paragraphs:
        if p.kind != "text":
            continue
        lines: list[tuple[int, int, str]] = []
        pos = p.start
        for line in text[p.start : p.end].split("\n"):
            if line.strip():
                m = _CHAT_LINE.match(line)
                if not m or m.group("label").split()[0].lower().rstrip(".") in _NOT_SPEAKERS:
                    lines = []
                    break
                a, b = _trim(text, pos + m.start("msg"), pos + m.end("msg"))
                if (direction := _DIRECTION.match(text, a, b)) and direction.end() < b:
                    a = direction.end()  # a script's stage direction: "JUNE: (putting the kettle on) You're up"
                if b - a > 1 and text[a] in _DOUBLE_OPEN + _SINGLE_OPEN + "\"'" and text[b - 1] in _DOUBLE_CLOSE + _SINGLE_CLOSE + "\"'":
                    a, b = a + 1, b - 1  # a message in marks; not 'define "do"'
                lines.append((a, b, m.group("label")))
            pos += len(line) + 1
        if lines:
            found[p.id] = lines
    # a run of such paragraphs, one after another, with two lines or more in all; then a line
    # alone of someone such a run has given lines to ("Quill: fine. what", after narration)
    chat: list[int] = []
    run: list[int] = []
    for pid in sorted(found) + [-2]:
        if run and pid != run[-1] + 1:
            if sum(len(found[r]) for r in run) >= 2:
                chat.extend(run)
            run = []
        run.append(pid)
    labels = {label for pid in chat for _a, _b, label in found[pid]}
    chat.extend(pid for pid, lines in found.items() if pid not in chat and all(label in labels for *_ab, label in lines))
    return {pid: [(a, b) for a, b, _label in found[pid]] for pid in chat}


_DIRECTION = re.compile(LABEL_DIRECTION)


def chat_label(text: str, start: int) -> str:
    """The speaker's label of the chat line whose message starts at ``start`` ("Kit" of
    "Kit (10:42): omw"), or "" when the line is none."""
    end = text.find("\n", start)
    m = _CHAT_LINE.match(text[text.rfind("\n", 0, start) + 1 : len(text) if end == -1 else end])
    return m.group("label") if m else ""


def _pieces(text: str, a: int, b: int, style: str) -> list[tuple[int, int, bool]]:
    """One speech quotation cut at what it holds that its speaker does not say in their own
    voice: a quotation inside it, in the other marks (‘…’ inside “…”, “…” inside ‘…’), and a
    stage direction in brackets ("That young man (speaking lower) is very thoughtless").

    Returns (start, end, nested) pieces in order; the words around a nested quotation are the
    speaker's own, the nested quotation is kept as a piece of its own, a stage direction is
    left out (it is narration, and reads as a speech tag). Pieces with no word are dropped.
    """
    inner = text[a:b]
    cuts: list[tuple[int, int, bool]] = []  # (start, end, nested) of what is cut out, marks included
    if style in ("double", "single"):
        found = _scan_single(inner) if style == "double" else _scan_double(inner)
        for sp in found:
            if sp.open_at_end or (style == "double" and sp.mark not in "'‘’"):
                continue
            body = inner[sp.start : sp.end]
            if len(body.split()) < 2:
                continue  # a word in quotes ('poison')
            if not _NESTED_OPENING.match(body) and not (
                body.rstrip()[-1:] in _CLAUSE_END and body.split()[0].lower().strip("'’") not in _ELISIONS
            ):
                continue  # dialect ("'T ain't no use", "a 'bomination befo' de Lawd")
            cuts.append((a + sp.start - 1, a + sp.end + 1, True))
    # a stage direction overlapping a nested quotation is skipped below, as any overlapping cut is
    cuts.extend((a + m.start(), a + m.end(), False) for m in _STAGE_DIRECTION.finditer(inner))
    if not cuts:
        return [(a, b, False)]
    cuts.sort()
    out: list[tuple[int, int, bool]] = []
    pos = a
    for s, e, nested in cuts:
        if s < pos:
            continue
        out.append((pos, s, False))
        if nested:
            out.append((s + 1, e - 1, True))
        pos = e
    out.append((pos, b, False))
    trimmed = [(*_trim(text, s, e), nested) for s, e, nested in out]
    return [(s, e, nested) for s, e, nested in trimmed if e > s and _HAS_WORD.search(text, s, e)]


#: A bracketed stage direction inside speech: a gerund first ("(speaking lower)", "(turning
#: to Mr. Knightley,)"), maybe after an adverb ("(rather hesitatingly)"), and no "I" or "you"
#: in it: "(for I was in town the whole time)" is the speaker's own aside and stays speech.
_STAGE_DIRECTION = re.compile(
    r"\((?=\s*(?:[a-z]+ly\s+)?(?!(?:noth|someth|anyth|everyth|be|dur|accord|notwithstand|"
    r"except|includ|regard|concern)ing\b)[a-z]+ing\b)(?![^()]*\b(?:I|me|my|we|us|our|you|your)\b)[^()]{1,120}\)"
    r"|\((?=\s*(?:[a-z]+\s+)?[a-z]+ly\s*,?\s*\))[^()]{1,40}\)"
)
_HAS_WORD = re.compile(r"\w")
#: A nested quotation that opens in lower case ('poor Miss Taylor.') ends a clause.
_CLAUSE_END = ".,!?;:…—–-"
#: How a nested quotation opens: a capital, maybe after a dash, an ellipsis or an underscore of
#: emphasis, and a word of two letters or more (or "I", "A", "O"): not "'T ain't". An elision
#: with a capital ("'Tis") is no opening mark for _scan_single unless a closing mark follows it.
_NESTED_OPENING = re.compile(rf"[\s_—–.…-]*(?:{CAPITALISED}|[IAO]\b|[{UPPER}]{{2,}})")


def _same_utterance(text: str, prev_end: int, start: int, prev_last: str) -> bool:
    """Does a quotation continue the previous one in its paragraph (an interrupting tag)?"""
    between = text[prev_end:start]
    between = between.strip(" \t\r\n\"'“”‘’")
    if len(between) > 200:
        return False
    first = text[start : start + 1]
    if _lead_in_of_its_own(between, prev_last):
        return False
    if prev_last in ",—–-…;:" or (first.islower()):
        return True
    return not re.search(r"[.!?]", between)


def _lead_in_of_its_own(between: str, prev_last: str) -> bool:
    """Does the narration between two quotations (stripped of their marks) end in a lead-in that gives the second to
    another speaker? It must follow the first one's tag or a new sentence, and either answer
    ('"…," she asked the Gryphon, and the Gryphon answered, "…"', '"… that farce." He replied
    in an odd, sad voice, "…"') or name someone other than the first tag does ('"…," said
    Mrs. Archer; and Mrs. van der Luyden murmured: "…"'). "He added", "she went on", "the
    old man added" and a pronoun after a name ("said Philip. Then he turned to Miss Abbott and
    said") keep one utterance; another name going on does not ('said Nora. Then Dev added,')."""
    verbs = [m for m in _WORD.finditer(between) if m.group(0).lower() in SPEECH_VERBS]
    if not verbs:
        return False
    last = verbs[-1]
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(between)]
    if len(between) - last.end() >= 40 or any(b >= last.end() for b in breaks):
        return False  # the verb is not the last clause's, right before the quotation
    earlier = [b for b in breaks if b < last.start()]
    new_sentence = prev_last in ".!?" and between[:1].isupper()
    verb = last.group(0).lower()
    if not (earlier or new_sentence):
        return False
    if verb in _ANSWERING:
        return True
    cut = earlier[-1] if earlier else 0
    first_verb = next((m for m in verbs if m.start() < cut), None)
    first = _subject(between[:cut], first_verb.start()) if first_verb else None
    second = _subject(between[cut:], last.start() - cut)
    if first is None or second is None or first == second or {first, second} & _PRONOUNS:
        return False
    # going on is the same speaker's unless another name says so: '"…," said Nora. After a
    # pause Dev added,' is his; "the old man added" may be the one just named
    return verb not in _GOING_ON or not second.startswith("the ")


def _tagged_otherwise(between: str, after: str, prev_last: str) -> bool:
    """Is the narration between two quotations a tag that ends its sentence ('said Nora.'), and
    does the second open its own tag naming someone else ('"…," said Dev.')? Then they are two
    utterances. '"…," said Nora, "…"', a pronoun ("she added") and a description ("added the
    old man", who may be the one just named) keep one."""
    between = between.strip(" \t\r\n\"'“”‘’")
    after = after.lstrip(" \t\"'”’")
    if prev_last not in ",!?—–-…" or not between.endswith("."):
        return False
    first, second = _TAG_ALONE.match(between), _TAG_OPENS.match(after)
    if not first or not second:
        return False
    who = [" ".join((m.group("n1") or m.group("n2")).split()) for m in (first, second)]
    verb = (second.group("v1") or second.group("v2")).lower()
    return who[0] != who[1] and verb in SPEECH_VERBS and not set(who) & _NOT_NAMES


_NAME_RX = rf"(?:(?:Mr|Mrs|Ms|Dr|St)\.\s+)?{CAPITALISED}(?:\s+{CAPITALISED})*"
_TAG_RX = rf"(?:(?P<v1>[a-z]+)\s+(?P<n1>{_NAME_RX})|(?P<n2>{_NAME_RX})\s+(?:[a-z]+ly\s+)?(?P<v2>[a-z]+))"
#: A tag and nothing else in its sentence: "said Nora." or "Nora said, smiling."
_TAG_ALONE = re.compile(rf"{_TAG_RX}\b[^.!?\"“”]{{0,60}}\.$")
#: A tag opening the narration after a quotation: "said Dev." or "Dev said".
_TAG_OPENS = re.compile(rf",?\s*{_TAG_RX}\b")
_NOT_NAMES = frozenset(["So", "Then", "But", "And", "Now", "Here", "There", "Yes", "No", "Oh", "Well", "He", "She", "I", "They", "It"])


def _subject(clause: str, verb_at: int) -> str | None:
    """The name, description or pronoun a speech verb's clause gives as its subject: the
    nearest before the verb that no preposition governs ("he turned to Nora and said": he),
    or right after it ("said Elinor")."""
    before = [m for m in _SUBJECT.finditer(clause, 0, verb_at) if not _GOVERNED.search(clause, 0, m.start())]
    m = before[-1] if before else _SUBJECT.search(clause, verb_at)
    if m is None or (not before and m.start() - verb_at > 12):
        return None
    return " ".join(m.group(0).lower().split())


_ANSWERING = frozenset(["answered", "replied", "retorted", "rejoined", "responded", "returned"])
_GOING_ON = frozenset(["added", "continued", "resumed", "went", "repeated", "persisted", "pursued", "concluded", "proceeded"])
_PRONOUNS = frozenset(["he", "she", "i"])
_GOVERNED = re.compile(r"\b(?:to|at|with|from|of|for|on|upon|towards?|by|near|beside|after|behind|into)\s+$", re.IGNORECASE)
_SUBJECT = re.compile(rf"\b{_NAME_RX}|\b(?:[Hh]e|[Ss]he|I)\b|\bthe\s+[a-z]+")
#: A sentence or clause ends, but not at a title's full stop ("said Mr. Darcy").
_CLAUSE_BREAK = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.;!?]"
    r"|,\s+(?:and|while|but|whereupon|then|at\s+the\s+same\s+(?:moment|time|instant))\b"
)

