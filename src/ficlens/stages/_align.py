"""The canon alignment engine (private; the ``canon`` stage and the evaluations use it).

Three steps, the way seed-and-extend aligners work:

1. **Normalise.** Text is cut into words (letters and digits, inner apostrophes kept, so
   "we'll" is not "well"). Each word gets two keys:

   * a *strict* key: lower case, accents and curly apostrophes folded, a hand-written
     variant map (US/UK spellings, old spellings such as "onely", "yt", "wt"), a few
     spelling rules (colour/color, realise/realize, centre/center, dialogue/dialog,
     lov'd/loved, generacion/generation) and an old-spelling skeleton (``j``->``i``,
     ``v``->``u``, a ``y`` inside a word ->``i``, a final ``e`` dropped from words of five
     letters or more, doubled consonants single), so "sayde" and "said", "Iesus" and
     "Jesus", "sonne" and "son" agree;
   * a *loose* key: the strict key with archaic forms folded onto modern ones (thou/thee/ye
     -> you, thy -> your, art -> are, hath -> has, -eth -> -es, ...).

   Punctuation, case, ellipses, dashes and line breaks never reach the keys, so verse
   reflowed into prose and straight or curly quotes match.

2. **Index and look up.** The canon is one stream of tokens (every source, speech lines in
   file order, a book's narration after its dialogue). Seeds are bigrams of *seed keys*
   (the loose key without inner vowels, so "forgeve" finds "forgive") and rare content
   words; bigrams of two function words are dropped unless rare. A query (a quotation, or
   a stretch of narration) looks up its seeds; hits near one diagonal (canon position minus
   query position, within ``DIAGONAL_BAND``) form a candidate region, so reordered scenes
   and quotations from anywhere in the canon are found, and each region opens a window.

3. **Align locally.** Inside a window the query is aligned word by word with rapidfuzz
   (longest common subsequence over word symbols); a word absent from the window is
   matched to its closest window word when their keys are at least ``FUZZY_MIN`` similar
   (rapidfuzz ``ratio``), which catches spellings no rule knows. Matches of repeated words
   are moved to keep the alignment on its diagonal. The best-scoring chain of matched words
   (a Kadane pass: ``CONTENT_GAIN`` or ``STOP_GAIN`` per match, ``GAP_COST`` per skipped
   word on either side) is a block; more chains are looked for on either side of it.
   Blocks must pass :meth:`CanonIndex.accept` to count; overlapping ones are settled by
   score, and near-ties (``TIE_MARGIN``) by closeness to the previous match.

Scores (all in 0..1):

* block *loose similarity* ``2 * matched / (query words + canon words)`` over the block,
  archaic forms counting as equal; it decides whether a block is reuse at all;
* *strict similarity*, the same with each matched pair weighted: 1 for equal strict keys,
  the character ratio for a fuzzy spelling match, 0.5 for an archaic/modern pair. This is
  the ``similarity`` a quotation reports, over the whole quotation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from ficlens.readers.canon import CanonLine, CanonText

__all__ = [
    "Tokens",
    "Block",
    "CanonIndex",
    "tokenize",
    "strict_key",
    "loose_key",
    "FUZZY_MIN",
    "BLOCK_MIN_SIMILARITY",
    "BLOCK_MIN_MATCHED",
    "BLOCK_MIN_CONTENT",
    "BLOCK_MIN_INFO",
]

# -- thresholds (documented in docs/canon.md) ------------------------------------------------

#: Two different word keys count as one spelling when rapidfuzz ``ratio`` >= this (0..100),
#: and the longer key has at least 4 letters.
FUZZY_MIN = 80.0
#: A block is reuse only with a loose similarity of at least this ...
BLOCK_MIN_SIMILARITY = 0.5
#: ... at least this many matched words ...
BLOCK_MIN_MATCHED = 3
#: ... of which at least this many are content words (not in STOPWORDS) ...
BLOCK_MIN_CONTENT = 2
#: ... and enough information: the sum over matched words of ln(canon words / occurrences).
BLOCK_MIN_INFO = 18.0
#: Bigrams occurring more often than this in the canon are not used as seeds.
MAX_POSTINGS = 400
#: ... and bigrams of two function words more often than this.
MAX_STOP_POSTINGS = 40
#: A content word occurring at most this often in the canon is a seed on its own.
RARE_WORD = 8
#: Seed hits whose diagonals (canon position - query position) differ by at most this
#: chain into one candidate region.
DIAGONAL_BAND = 16
#: Cost of each unmatched word between two matched ones, on either side ...
GAP_COST = 0.4
#: ... against the gain of a matched content word and of a matched function word.
CONTENT_GAIN = 1.5
STOP_GAIN = 0.5
#: Overlapping blocks scoring at least this share of the best are ties, settled by locality.
TIE_MARGIN = 0.8

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Hand-written spelling variants (both directions map to one form). Kept small and general.
VARIANTS: dict[str, str] = {
    # US/UK
    "grey": "gray", "greys": "grays", "mum": "mom", "mums": "moms", "tyre": "tire", "tyres": "tires",
    "kerb": "curb", "cheque": "check", "cheques": "checks", "programme": "program", "programmes": "programs",
    "gaol": "jail", "plough": "plow", "draught": "draft", "jewellery": "jewelry", "aluminium": "aluminum",
    "mould": "mold", "smoulder": "smolder", "pyjamas": "pajamas", "sceptic": "skeptic",
    "sceptical": "skeptical", "manoeuvre": "maneuver", "aeroplane": "airplane", "whilst": "while",
    "amongst": "among", "towards": "toward", "afterwards": "afterward", "learnt": "learned",
    "spelt": "spelled", "dreamt": "dreamed", "burnt": "burned", "leapt": "leaped", "spoilt": "spoiled",
    "travelled": "traveled", "travelling": "traveling", "traveller": "traveler", "travellers": "travelers",
    "cancelled": "canceled", "labelled": "labeled", "modelled": "modeled", "signalled": "signaled",
    "fuelled": "fueled", "levelled": "leveled", "quarrelled": "quarreled", "marvellous": "marvelous",
    "counsellor": "counselor", "jeweller": "jeweler", "woollen": "woolen", "defence": "defense",
    "offence": "offense", "licence": "license", "pretence": "pretense", "practise": "practice",
    "practised": "practiced", "storey": "story", "okay": "ok", "doughnut": "donut", "cosy": "cozy",
    "ageing": "aging", "judgement": "judgment", "acknowledgement": "acknowledgment", "sulphur": "sulfur",
    "axe": "ax", "moustache": "mustache", "colour": "color",
    # old spellings
    "onely": "only", "yt": "that", "wt": "with", "wyth": "with", "thorow": "through", "thorough": "through",
    "thrugh": "through", "agayne": "again", "agaynst": "against", "sayd": "said", "sayde": "said",
    "hym": "him", "hir": "her", "shee": "she", "hee": "he", "wee": "we", "mee": "me", "bee": "be",
    "doe": "do", "goe": "go", "noe": "no", "soe": "so", "ioy": "joy", "vp": "up", "vs": "us",
    "o'er": "over", "ne'er": "never", "e'er": "ever", "e'en": "even", "whate'er": "whatever",
    "howe'er": "however", "than": "then", "an't": "and it", "musick": "music", "publick": "public",
    "shew": "show", "shewed": "showed", "shewn": "shown", "shews": "shows", "cloaths": "clothes",
    "chuse": "choose", "compleat": "complete", "encrease": "increase", "dutchess": "duchess",
}

# Archaic forms folded onto modern ones for the loose key only.
LENIENT: dict[str, str] = {
    "thou": "you", "thee": "you", "ye": "you", "thy": "your", "thine": "your", "yours": "your",
    "art": "are", "wert": "were", "wast": "were", "hast": "have", "hath": "has", "doth": "does",
    "dost": "do", "didst": "did", "shalt": "shall", "wilt": "will", "canst": "can", "couldst": "could",
    "wouldst": "would", "shouldst": "should", "mayst": "may", "mightst": "might", "hadst": "had",
    "unto": "to", "oh": "o", "ay": "yes", "aye": "yes", "yea": "yes", "nay": "no", "ere": "before",
    "'tis": "it's", "tis": "it's", "'twas": "it was", "twas": "it was", "saith": "says", "spake": "spoke",
    "mine": "my", "whilst": "while", "betwixt": "between", "oft": "often",
}

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being am
    i me my mine you your yours he him his she her hers it its we us our they them their this that these those
    there here what which who whom whose when where why how not no nor so do does did done have has had will
    would shall should can could may might must o oh ah ay thou thee thy thine ye art hath doth dost hast shalt
    wilt unto then than up out down off over into about just now yes all any some such very too also only own
    same again once i'm it's don't that's you're i'll let well there's he's she's we're they're can't won't
    said say says go get got come came one two more most much many other each every still yet even ever
    never always thus hence thither hither upon make made give gave take took know knew see saw tell told
    think thought good well like sir let use used put""".split()
)


def _deaccent(word: str) -> str:
    word = word.replace("’", "'").replace("æ", "ae").replace("Æ", "ae").replace("œ", "oe").replace("Œ", "oe")
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


_OUR = re.compile(r"^(\w{3,})our(s|ed|ing|able|ably|ite|ites|er|ers|less)?$")
_ISE = re.compile(r"^(\w{3,})is(e|es|ed|ing|ation|ations)$")
_YSE = re.compile(r"^(\w{2,})ys(e|es|ed|ing)$")
_TRE = re.compile(r"^(\w{3,})(t|b)re(s|d)?$")
_OGUE = re.compile(r"^(\w{3,})ogue(s)?$")
_CION = re.compile(r"^(\w{2,}[aeiou])cion(s)?$")
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1+")


def _spelling(word: str) -> str:
    """Hand-written variant map, then the US/UK and elision rules."""
    if word in VARIANTS:
        return VARIANTS[word]
    if len(word) > 3 and word.endswith("'d"):
        word = word[:-2] + "ed"
    elif len(word) > 4 and word.endswith("'st"):
        word = word[:-3] + "est"
    word = word.strip("'")
    if word in VARIANTS:
        return VARIANTS[word]
    if "'" not in word and len(word) > 5:
        word = _OUR.sub(r"\1or\2", word)
        word = _ISE.sub(r"\1iz\2", word)
        word = _YSE.sub(r"\1yz\2", word)
        word = _TRE.sub(r"\1\2er\3", word)
        word = _OGUE.sub(r"\1og\2", word)
        word = _CION.sub(r"\1tion\2", word)
    return word


def _skeleton(word: str) -> str:
    """Old-spelling skeleton: j->i, v->u, inner y->i, doubled consonants single, final e off (5+ letters)."""
    if "'" in word or word.isdigit():
        return word
    w = word.replace("j", "i").replace("v", "u")
    if len(w) > 1:
        w = w[0] + w[1:].replace("y", "i")
    if len(w) >= 5 and w.endswith("e"):
        w = w[:-1]
    return _DOUBLE.sub(r"\1", w)


def strict_key(word: str) -> str:
    """The strict key of a word: case, accents, apostrophes, spelling variants folded."""
    return _skeleton(_spelling(_deaccent(word)))


def loose_key(word: str) -> str:
    """The loose key: the strict key with archaic forms (thou, hath, -eth) folded onto modern ones."""
    base = _deaccent(word)
    base = base.strip("'") if base.strip("'") in LENIENT else base
    if base in LENIENT:
        return _skeleton(_spelling(LENIENT[base]))
    spelled = _spelling(base)
    if len(spelled) > 5 and spelled.endswith("eth") and "'" not in spelled:
        spelled = spelled[:-3] + "es"
    return _skeleton(spelled)


_STOP_KEYS = frozenset(loose_key(w) for w in STOPWORDS)
_VOWELS = re.compile(r"(?<!^)[aeiouy]+")


def seed_key(loose: str) -> str:
    """The coarse key used to find candidates: the loose key without its inner vowels.

    "forgeve" and "forgive", "sayde" and "said" share a seed key, so heavily respelled text
    still finds its region; the alignment itself then compares the loose keys.
    """
    if "'" in loose or len(loose) <= 2:
        return loose
    return _VOWELS.sub("", loose)


@dataclass(slots=True)
class Tokens:
    """Words of a stretch of text: offsets into that text and their keys (parallel lists)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    strict: list[str] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def extend(self, other: Tokens) -> None:
        self.starts.extend(other.starts)
        self.ends.extend(other.ends)
        self.strict.extend(other.strict)
        self.loose.extend(other.loose)


_KEY_CACHE: dict[str, tuple[str, str]] = {}


def _keys(word: str) -> tuple[str, str]:
    got = _KEY_CACHE.get(word)
    if got is None:
        got = (strict_key(word), loose_key(word))
        if len(_KEY_CACHE) < 500_000:
            _KEY_CACHE[word] = got
    return got


def tokenize(text: str, start: int = 0, end: int | None = None, skips: Sequence[tuple[int, int]] = ()) -> Tokens:
    """The words of ``text[start:end]``, leaving out the ``skips`` stretches."""
    stop = len(text) if end is None else end
    out = Tokens()
    pieces: list[tuple[int, int]] = []
    pos = start
    for a, b in skips:
        if a > pos:
            pieces.append((pos, min(a, stop)))
        pos = max(pos, b)
    pieces.append((pos, stop))
    for a, b in pieces:
        for m in _WORD.finditer(text, a, b):
            s, k = _keys(m.group())
            if not k:
                continue
            out.starts.append(m.start())
            out.ends.append(m.end())
            out.strict.append(s)
            out.loose.append(k)
    return out


def _skew(c: int, j: int, prev: tuple[int, int] | None, nxt: tuple[int, int] | None) -> int:
    """How far placing query word ``j`` at canon ``c`` bends the alignment off its neighbours' diagonal."""
    cost = 0
    if prev is not None:
        cost += abs((c - prev[1]) - (j - prev[0]))
    if nxt is not None:
        cost += abs((nxt[1] - c) - (nxt[0] - j))
    return cost


# -- the index -------------------------------------------------------------------------------


@dataclass(slots=True)
class Block:
    """One aligned stretch: query tokens [q_lo, q_hi) against canon stream tokens [c_lo, c_hi).

    ``pairs`` are the matched (query index, canon index, strict weight, loose weight): the
    strict weight is 1 for equal strict keys, the character ratio for a fuzzy match and 0.5
    for an archaic/modern pair; the loose weight is 1 except for a fuzzy match that changes
    the word's consonants (father/farther), which weighs its ratio and is no evidence.
    """

    q_lo: int
    q_hi: int
    c_lo: int
    c_hi: int
    pairs: list[tuple[int, int, float, float]]
    score: float
    similarity: float
    info: float
    content: int

    @property
    def matched(self) -> int:
        return len(self.pairs)


class CanonIndex:
    """Every canon source as one token stream, with a seed index for look-ups.

    Args:
        canons: the canon texts, in the order given by the user.
    """

    def __init__(self, canons: Sequence[CanonText]):
        self.canons = list(canons)
        self.lines: list[tuple[int, CanonLine]] = []
        starts: list[int] = []
        ends: list[int] = []
        strict: list[str] = []
        loose: list[int] = []
        line_of: list[int] = []
        self.bounds: list[tuple[int, int]] = []
        self._sym: dict[str, int] = {}
        self._keys: list[str] = []
        self.line_tokens: list[tuple[int, int]] = []
        for si, canon in enumerate(self.canons):
            lo = len(starts)
            ordered = [ln for ln in canon.lines if ln.kind == "speech"] + [
                ln for ln in canon.lines if ln.kind != "speech"
            ]
            for line in ordered:
                li = len(self.lines)
                self.lines.append((si, line))
                toks = tokenize(canon.text, line.start, line.end, line.skip)
                a = len(starts)
                starts.extend(toks.starts)
                ends.extend(toks.ends)
                strict.extend(toks.strict)
                loose.extend(self.sym(k) for k in toks.loose)
                line_of.extend([li] * len(toks))
                self.line_tokens.append((a, len(starts)))
            self.bounds.append((lo, len(starts)))
        self.t_start, self.t_end, self.t_strict, self.t_loose, self.t_line = starts, ends, strict, loose, line_of
        self.n = len(starts)
        self.count: Counter[int] = Counter(loose)
        self._stop_syms = frozenset(self._sym[k] for k in _STOP_KEYS if k in self._sym)
        self._seed_of: dict[int, int] = {}
        seeds = [self.seed(s) for s in loose]
        self.seed_count: Counter[int] = Counter(seeds)
        self.bigrams: dict[tuple[int, int], list[int]] = {}
        stop = self._stop_syms
        for lo, hi in self.bounds:
            for p in range(lo, hi - 1):
                self.bigrams.setdefault((seeds[p], seeds[p + 1]), []).append(p)
        # two function words say little about where a quotation is from: seeds only when rare
        for (a, b), posts in list(self.bigrams.items()):
            if len(posts) > MAX_STOP_POSTINGS and loose[posts[0]] in stop and loose[posts[0] + 1] in stop:
                del self.bigrams[(a, b)]
        self.rare: dict[int, list[int]] = {}
        for p, s in enumerate(seeds):
            if self.seed_count[s] <= RARE_WORD and loose[p] not in self._stop_syms:
                self.rare.setdefault(s, []).append(p)
        self.postings: dict[int, list[int]] = {}
        for p, s in enumerate(loose):
            self.postings.setdefault(s, []).append(p)

    # -- symbols and weights ------------------------------------------------------------------

    def sym(self, key: str) -> int:
        """The integer symbol of a loose key (new keys get new symbols)."""
        s = self._sym.get(key)
        if s is None:
            s = self._sym[key] = len(self._sym)
            self._keys.append(key)
        return s

    def seed(self, s: int) -> int:
        """The seed symbol of a loose symbol."""
        got = self._seed_of.get(s)
        if got is None:
            got = self._seed_of[s] = self.sym("\x00" + seed_key(self._key_of(s)))
        return got

    def _key_of(self, s: int) -> str:
        return self._keys[s]

    def is_stop(self, s: int) -> bool:
        return s in self._stop_syms

    def idf(self, s: int) -> float:
        """ln(canon words / occurrences of the symbol): rarer words carry more information."""
        return math.log((self.n + 1) / (self.count.get(s, 0) + 1))

    def source_of(self, p: int) -> int:
        return self.lines[self.t_line[p]][0]

    # -- look-up -------------------------------------------------------------------------------

    def _clusters(self, loose_syms: list[int]) -> list[tuple[float, int, int, int, int]]:
        """Candidate regions: (score, canon lo, canon hi, query lo, query hi), best first."""
        qs = [self.seed(s) for s in loose_syms]
        m = len(qs)
        hits: list[tuple[int, int, float]] = []
        for j in range(m - 1):
            posts = self.bigrams.get((qs[j], qs[j + 1]))
            if posts and len(posts) <= MAX_POSTINGS:
                w = math.log((self.n + 1) / len(posts))
                hits.extend((p, j, w) for p in posts)
        for j, s in enumerate(qs):
            posts = self.rare.get(s)
            if posts:
                w = math.log((self.n + 1) / len(posts)) * 0.6
                hits.extend((p, j, w) for p in posts)
        if not hits:
            return []
        # group hits lying near one diagonal (canon position - query position): one region
        # each, however long the query; insertions and cuts drift the diagonal slowly
        hits.sort(key=lambda h: (h[0] - h[1], h[1]))
        out: list[tuple[float, int, int, int, int]] = []
        group: list[tuple[int, int, float]] = [hits[0]]

        def close(g: list[tuple[int, int, float]]) -> None:
            if len(g) < 2:
                return
            best: dict[int, float] = {}
            for _p, j, w in g:
                if w > best.get(j, 0.0):
                    best[j] = w
            if len(best) < 2:
                return
            score = sum(best.values())
            out.append((score, min(h[0] for h in g), max(h[0] for h in g) + 2, min(best), max(best) + 2))

        for h in hits[1:]:
            prev = group[-1]
            if (h[0] - h[1]) - (prev[0] - prev[1]) <= DIAGONAL_BAND and self.source_of(h[0]) == self.source_of(prev[0]):
                group.append(h)
            else:
                close(group)
                group = [h]
        close(group)
        out.sort(reverse=True)
        return out

    # -- local alignment ----------------------------------------------------------------------

    def _pairs(
        self, q: Tokens, qs: list[int], q_lo: int, q_hi: int, c_lo: int, c_hi: int
    ) -> list[tuple[int, int, float, float]]:
        """Word-level alignment of query[q_lo:q_hi] with canon[c_lo:c_hi] (pairs in order)."""
        window = self.t_loose[c_lo:c_hi]
        present = set(window)
        sub = qs[q_lo:q_hi]
        fuzzy: dict[int, float] = {}
        missing = [j for j, s in enumerate(sub) if s not in present and len(q.strict[q_lo + j]) >= 3]
        if missing:
            vocab: dict[str, int] = {}
            for p in range(c_lo, c_hi):
                vocab.setdefault(self.t_strict[p], self.t_loose[p])
            choices = [k for k in vocab if len(k) >= 3]
            if choices:
                sub = list(sub)
                words = [q.strict[q_lo + j] for j in missing]
                scores = process.cdist(words, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
                for row, j in enumerate(missing):
                    best = int(scores[row].argmax())
                    score = float(scores[row][best])
                    if score >= FUZZY_MIN and max(len(words[row]), len(choices[best])) >= 4:
                        sub[j] = vocab[choices[best]]
                        fuzzy[j] = score / 100.0
        blocks = LCSseq.editops(sub, window).as_matching_blocks()
        raw = [(mb.a + k, mb.b + k) for mb in blocks for k in range(mb.size)]
        # The LCS takes the first of repeated words; move each match to the equal word that
        # keeps it on the diagonal of its neighbours, so "Somebody had to. Somebody is ..."
        # aligns compactly and "gaze upon" does not reach for a later "upon".
        where: dict[int, list[int]] = {}
        for c, sym in enumerate(window):
            where.setdefault(sym, []).append(c)
        for k in range(len(raw) - 1, -1, -1):
            j, p = raw[k]
            same = where[window[p]]
            if len(same) == 1:
                continue
            prev = raw[k - 1] if k else None
            nxt = raw[k + 1] if k + 1 < len(raw) else None
            lo = prev[1] + 1 if prev is not None else max(0, p - (j + 1))
            hi = nxt[1] if nxt is not None else p + 1
            options = same[bisect_left(same, lo) : bisect_left(same, hi)]
            if len(options) > 1:
                raw[k] = (j, min(options, key=lambda c: (_skew(c, j, prev, nxt), c)))
        pairs: list[tuple[int, int, float, float]] = []
        for j, p in raw:
            qi, ci = q_lo + j, c_lo + p
            loose_w = 1.0
            if j in fuzzy:
                strict_w = fuzzy[j]
                # a respelling keeps its consonants (forgeve/forgive); father/farther does not
                if seed_key(q.loose[qi]) != seed_key(self._key_of(self.t_loose[ci])):
                    loose_w = fuzzy[j]
            elif q.strict[qi] == self.t_strict[ci]:
                strict_w = 1.0
            else:
                strict_w = 0.5  # archaic and modern forms: equal only loosely
            pairs.append((qi, ci, strict_w, loose_w))
        return pairs

    def _chains(
        self, pairs: list[tuple[int, int, float, float]], depth: int = 0
    ) -> list[list[tuple[int, int, float, float]]]:
        """Best-scoring chains of pairs (Kadane), then the best ones left and right of it."""
        if not pairs:
            return []
        best, best_lo, best_hi = -1.0, 0, 0
        cur, cur_lo = 0.0, 0
        for k, (qi, ci, _sw, _lw) in enumerate(pairs):
            gain = STOP_GAIN if self.is_stop(self.t_loose[ci]) else CONTENT_GAIN
            if k == 0:
                cur, cur_lo = gain, 0
            else:
                pq, pc = pairs[k - 1][0], pairs[k - 1][1]
                cost = GAP_COST * ((qi - pq - 1) + (ci - pc - 1))
                if cur - cost > 0:
                    cur = cur - cost + gain
                else:
                    cur, cur_lo = gain, k
            if cur > best:
                best, best_lo, best_hi = cur, cur_lo, k + 1
        chain = pairs[best_lo:best_hi]
        out = [chain]
        if depth < 3:
            out.extend(self._chains(pairs[:best_lo], depth + 1))
            out.extend(self._chains(pairs[best_hi:], depth + 1))
        return out

    def _block(self, chain: list[tuple[int, int, float, float]]) -> Block:
        q_lo, q_hi = chain[0][0], chain[-1][0] + 1
        c_lo, c_hi = chain[0][1], chain[-1][1] + 1
        loose_matched = sum(p[3] for p in chain)
        sim = 2 * loose_matched / ((q_hi - q_lo) + (c_hi - c_lo))
        # fuzzy matches that are not plain respellings align, but are no evidence of reuse
        info = sum(self.idf(self.t_loose[ci]) for _qi, ci, _s, lw in chain if lw == 1.0)
        content = sum(1 for _qi, ci, _s, lw in chain if lw == 1.0 and not self.is_stop(self.t_loose[ci]))
        score = 0.0
        for k, (qi, ci, _s, _l) in enumerate(chain):
            score += STOP_GAIN if self.is_stop(self.t_loose[ci]) else CONTENT_GAIN
            if k:
                score -= GAP_COST * ((qi - chain[k - 1][0] - 1) + (ci - chain[k - 1][1] - 1))
        return Block(q_lo, q_hi, c_lo, c_hi, chain, score, sim, info, content)

    @staticmethod
    def accept(block: Block) -> bool:
        """Is a block reuse rather than chance? See the BLOCK_* thresholds."""
        return (
            block.matched >= BLOCK_MIN_MATCHED
            and block.content >= BLOCK_MIN_CONTENT
            and block.similarity >= BLOCK_MIN_SIMILARITY
            and block.info >= BLOCK_MIN_INFO
        )

    def align(self, q: Tokens, *, hint: int | None = None, max_regions: int | None = None) -> list[Block]:
        """Accepted blocks of the query, non-overlapping in the query, in query order.

        Args:
            q: the query's tokens.
            hint: a canon stream position the query is likely near (where the previous
                quotation aligned); among overlapping blocks scoring within
                ``TIE_MARGIN`` of the best, the one nearest the hint wins.
            max_regions: how many candidate regions to align (default grows with length).
        """
        m = len(q)
        if m < 2:
            return []
        qs = [self.sym(k) for k in q.loose]
        regions = self._clusters(qs)
        if not regions:
            return []
        limit = max_regions or (3 + m // 12)
        found: list[Block] = []
        for _score, c_lo, c_hi, j_lo, j_hi in regions[:limit]:
            src_lo, src_hi = self.bounds[self.source_of(c_lo)]
            slack = 12
            q_lo, q_hi = max(0, j_lo - slack * 2), min(m, j_hi + slack * 2)
            w_lo = max(src_lo, c_lo - (j_lo - q_lo) - slack)
            w_hi = min(src_hi, c_hi + (q_hi - j_hi) + slack)
            pairs = self._pairs(q, qs, q_lo, q_hi, w_lo, w_hi)
            for chain in self._chains(pairs):
                if chain:
                    block = self._block(chain)
                    if self.accept(block):
                        found.append(block)
        return self._choose(found, hint)

    def _choose(self, found: list[Block], hint: int | None) -> list[Block]:
        if hint is not None:
            hint = min(max(hint, 0), self.n - 1)
        found.sort(key=lambda b: (-b.score, b.q_lo, b.c_lo))
        chosen: list[Block] = []

        def free(b: Block) -> bool:
            return all(b.q_hi <= c.q_lo or b.q_lo >= c.q_hi for c in chosen)

        def distance(b: Block) -> float:
            if hint is None or self.source_of(b.c_lo) != self.source_of(hint):
                return math.inf
            return abs(b.c_lo - hint)

        for b in found:
            if not free(b):
                continue
            rivals = [
                r for r in found
                if r.score >= b.score * TIE_MARGIN and free(r) and not (r.q_hi <= b.q_lo or r.q_lo >= b.q_hi)
            ]
            chosen.append(min(rivals, key=lambda r: (distance(r), -r.score)) if hint is not None else b)
        chosen.sort(key=lambda b: b.q_lo)
        return chosen

    def short_candidates(self, q: Tokens) -> list[tuple[int, int, bool]]:
        """Where the query's words occur, in order and inside one canon line (loose keys).

        For quotations too short to align. RETURNS a list of (line index, stream position of
        the first word, whether the words are the whole line).
        """
        keys = [self._sym.get(k, -1) for k in q.loose]
        if not keys or -1 in keys:
            return []
        rarest = min(range(len(keys)), key=lambda k: len(self.postings.get(keys[k], ())))
        posts = self.postings.get(keys[rarest], [])
        if len(posts) > 5000:
            return []
        out: list[tuple[int, int, bool]] = []
        m = len(keys)
        for p in posts:
            start = p - rarest
            if start < 0 or start + m > self.n or self.t_loose[start : start + m] != keys:
                continue
            line = self.t_line[start]
            if self.t_line[start + m - 1] != line:
                continue
            a, b = self.line_tokens[line]
            out.append((line, start, a == start and b == start + m))
        return out

    def strict_similarity(self, q_len: int, c_len: int, pairs: Sequence[tuple[int, int, float, float]]) -> float:
        """``2 * sum(strict weights) / (q_len + c_len)``, clipped to 0..1."""
        if q_len + c_len == 0:
            return 0.0
        return max(0.0, min(1.0, 2 * sum(p[2] for p in pairs) / (q_len + c_len)))
