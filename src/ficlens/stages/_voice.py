"""Voices: how like each character a quotation sounds, learned from the story itself.

Private to the attribution stage. Characters have habits of speech: the names they call
others ("Lizzy", "Papa", "my dear Mr. Bennet"), their oaths and fillers ("upon my word",
"I say", "ma'am"), their exclamations. The quotations a speech tag gives to a character by
name ("…," said Mrs. Bennet) show those habits without any guessing, so each character with
tagged quotations gets a word profile, and every other quotation is scored against each
profile: the log-likelihood ratio of its words under the character's profile against all
the story's quoted words, smoothed towards the latter (a Dirichlet prior), per square root of
its length. A quotation's own words never count for its own tagged speaker (leave one out),
so a tagged quotation is scored exactly as an untagged one would be. Some characters run on
and others answer in a word, so the lengths of each character's tagged turns are a profile
too: a normal on the log of the word count, pulled towards the story's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z]+(?:['’][a-z]+)?|[!?;]|--|—")
_PRIOR = 300.0  # strength of the pull towards the story's quoted words (in words)
_MIN_WORDS = 30  # a profile thinner than this is no profile
_MIN_TURNS = 5  # a character tagged fewer times has no length profile
_LENGTH_PRIOR = 5.0  # strength of the pull of a length profile towards the story's (in turns)


def words(text: str) -> list[str]:
    """The tokens a voice is made of: lower-cased words, and ! ? ; and dashes."""
    return _WORD.findall(text.lower())


class Voices:
    """Word profiles of the characters a speech tag names, and scores of quotations against them.

    Args:
        turn_words (Sequence[Counter[str]]): per turn, the word counts of its quotations.
        tagged (Sequence[str | None]): per turn, the character its speech tag names, if any.
    """

    def __init__(self, turn_words: Sequence[Counter[str]], tagged: Sequence[str | None]):
        self._turn_words = turn_words
        self._tagged = tagged
        self._background: Counter[str] = Counter()
        self._profiles: dict[str, Counter[str]] = {}
        for counts, who in zip(turn_words, tagged):
            self._background.update(counts)
            if who:
                self._profiles.setdefault(who, Counter()).update(counts)
        self._total = max(1, sum(self._background.values()))
        self._sizes = {c: sum(p.values()) for c, p in self._profiles.items()}
        self._lengths = [sum(counts.values()) for counts in turn_words]
        self._vocabulary = max(1, len(self._background))
        self._scores: dict[tuple[str, int], float] = {}  # the beam asks for the same pairs again
        self._length_scores: dict[tuple[str, int], float] = {}
        # how long each character's tagged turns run (log words): sum, sum of squares, count
        self._len_stats: dict[str, list[float]] = {}
        for n, who in zip(self._lengths, tagged):
            if who and n:
                st = self._len_stats.setdefault(who, [0.0, 0.0, 0])
                x = math.log(n)
                st[0] += x
                st[1] += x * x
                st[2] += 1
        logs = [math.log(n) for n in self._lengths if n]
        self._bg_mean = sum(logs) / max(1, len(logs))
        self._bg_var = max(0.25, sum((x - self._bg_mean) ** 2 for x in logs) / max(1, len(logs)))

    def length_score(self, character: str, turn: int) -> float:
        """Log-likelihood ratio of the turn's length (log words) under the lengths of the
        character's tagged turns against all turns' (0 with fewer than 5 tagged turns)."""
        key = (character, turn)
        if key not in self._length_scores:
            self._length_scores[key] = self._length_score(character, turn)
        return self._length_scores[key]

    def _length_score(self, character: str, turn: int) -> float:
        st = self._len_stats.get(character)
        n = self._lengths[turn]
        if st is None or not n:
            return 0.0
        x = math.log(n)
        s, ss, k = st
        if self._tagged[turn] == character:
            s, ss, k = s - x, ss - x * x, k - 1
        if k < _MIN_TURNS:
            return 0.0
        # the character's mean and spread, pulled towards the story's
        mean = s / k
        var = (max(0.0, ss / k - mean * mean) * k + self._bg_var * _LENGTH_PRIOR) / (k + _LENGTH_PRIOR)
        mean = (mean * k + self._bg_mean * _LENGTH_PRIOR) / (k + _LENGTH_PRIOR)
        return _log_normal(x, mean, var) - _log_normal(x, self._bg_mean, self._bg_var)

    def score(self, character: str, turn: int) -> float:
        """Log-likelihood ratio of the turn's words under the character's profile against the
        story's quoted words, per square root of the number of words (0 without a profile)."""
        key = (character, turn)
        if key not in self._scores:
            self._scores[key] = self._score(character, turn)
        return self._scores[key]

    def _score(self, character: str, turn: int) -> float:
        profile = self._profiles.get(character)
        counts = self._turn_words[turn]
        n = self._lengths[turn]
        if profile is None or not n:
            return 0.0
        own = self._tagged[turn] == character
        size = self._sizes[character] - (n if own else 0)
        if size < _MIN_WORDS:
            return 0.0
        total = self._total
        vocab = self._vocabulary
        llr = 0.0
        for w, k in counts.items():
            bg = (self._background[w] + 0.5) / (total + 0.5 * vocab)
            c = profile.get(w, 0) - (k if own else 0)
            llr += k * math.log((c + _PRIOR * bg) / (size + _PRIOR) / bg)
        return llr / math.sqrt(n)


def _log_normal(x: float, mean: float, var: float) -> float:
    """The log density of a normal at ``x``, up to a constant."""
    return -0.5 * math.log(var) - (x - mean) ** 2 / (2 * var)
