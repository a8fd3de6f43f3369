"""Attribution: who says each quotation, and to whom.

Provides ``attributions`` (one :class:`~ficlens.story.Attribution` per speech quotation).

Each turn (the parts of one quotation group) gets a set of candidate speakers: the
characters named in the narration nearby, the recent speakers of the conversation, the
first-person narrator, and the canon's speaker when a canon was aligned. Every candidate is
described by a few dozen features (a name or pronoun in the speech tag, an action beat in
the paragraph, a vocative naming them inside the quotation, turn-taking, recency, gender
agreement with the tag's pronoun, how much the quotation sounds like the lines tags give the
character, whether the scene's narration shows them acting or they are only spoken of, ...),
and boosted trees trained on PDNC (``ficlens train attribution``) score them; the softmax
probability of the winner is the confidence. Turns are decoded left to right with a beam, so
turn-taking features see the speakers already chosen. Addressees are ranked by a second,
log-linear model.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import numpy as np

from ficlens.stages._dialogue import (
    NOUN_GENDER,
    SPEECH_VERBS,
    MentionIndex,
    TagInfo,
    Turn,
    addressed_gender,
    build_turns,
    compatible,
    kin_mentions,
    opens_sentence,
    pronoun_gender,
    rank_address,
    read_tag,
    role_mentions,
    subject_mentions,
    subjects,
    vocatives,
)
from ficlens.stages._narration import (
    carried_pronouns,
    find_narrator,
    focal_scores,
    narration,
    narrator_witnesses,
    scene_modes,
)
from ficlens.stages._voice import Voices, words
from ficlens.stages.characters import TITLE_RX, named_narrator
from ficlens.stages.characters import first_person as is_first_person
from ficlens.story import Attribution, Character, Mention, Story

SPEAKER_FEATURES: tuple[str, ...] = (
    "tag_after_named",
    "tag_before_named",
    "tag_after_first_named",
    "tag_before_last_named",
    "pron_tag_rank0",
    "pron_tag_rank1",
    "pron_tag_compatible",
    "pron_tag_incompatible",
    "beat_subject",
    "beat_first_subject",
    "para_mention",
    "para_pron_rank0",
    "vocative",
    "in_quote_mention",
    "prev_speaker",
    "prev2_speaker",
    "next_vocative",
    "recency",
    "recent_speaker_rank0",
    "recent_speaker_rank1",
    "log_mentions",
    "narrator_i",
    "narrator_no_i",
    "canon_speaker",
    "canon_speaker_verbatim",
    "conversation_pair",
    "alternation",
    "same_para_prev_speaker",
    "tag_named_other",
    "no_tag",
    "prev_tag_named",
    "prev2_tag_named",
    "next_tag_named",
    "next2_tag_named",
    "prev_vocative",
    "next2_vocative",
    "tag_subject",
    "tag_subject_pron_rank0",
    "pron_tag_subject_rank0",
    "nom_gender_compatible",
    "nom_gender_incompatible",
    "nom_assoc",
    "nom_assoc_top",
    "nom_possessor",
    "conv_tagged",
    "even_tag",
    "odd_tag",
    "scene_mentions",
    "voice",
    "voice_top",
    "voice_margin",
    "tag_object",
    "odd_vocative",
    "even_vocative",
    "nom_local",
    "nom_local_top",
    "nom_lift",
    "nom_in_name",
    "even_pron_match",
    "even_pron_clash",
    "odd_pron_match",
    "odd_pron_clash",
    "tag_named_described",
    "prev_address_match",
    "prev_address_clash",
    "next_address_match",
    "next_address_clash",
    "beat_gender_match",
    "beat_gender_clash",
    "voice_length",
    "voice_length_margin",
    "gap",
    "gap_subject",
    "gap_last_subject",
    "gap_mention",
    "gap_gender_match",
    "gap_gender_clash",
    "next_gap_subject",
    "gap_answered",
    "gap_went_on",
    "next_gap_gender_match",
    "next_gap_gender_clash",
    "talked_about",
    "nom_turns",
    "nom_turns_top",
    "described_turns_other",
    "prev_para_mention",
    "prev_tag_object",
    "prev_beat_subject",
    "next_beat_subject",
    "recent_speaker_rank2",
    "recent_speaker_any",
    "lead_in_reported",
    "scene_narration",
    "scene_subject",
    "scene_quoted_only",
    "pron_tag_agent_rank0",
)

#: Candidate features whose weight depends on what kind of tag the turn has: with "he said"
#: turn-taking decides among the characters of that gender, and with no tag at all it decides
#: alone. Each is repeated for those kinds of turn, and for a description in the tag ("said
#: the old lady"): "pron:prev2_speaker", "none:...", "nom:...".
_BY_TAG_KIND: tuple[str, ...] = (
    "prev_speaker", "prev2_speaker", "alternation", "recent_speaker_rank0", "recent_speaker_rank1",
    "conversation_pair", "recency", "beat_subject", "beat_first_subject", "para_mention", "vocative",
    "in_quote_mention", "prev_vocative", "next_vocative", "prev_tag_named", "next_tag_named",
    "prev2_tag_named", "next2_tag_named", "log_mentions", "same_para_prev_speaker", "tag_subject",
    "pron_tag_compatible", "pron_tag_rank0", "pron_tag_rank1", "para_pron_rank0", "tag_subject_pron_rank0",
    "conv_tagged", "even_tag", "odd_tag", "scene_mentions", "prev_para_mention", "prev_tag_object",
    "prev_beat_subject", "next_beat_subject", "recent_speaker_rank2", "recent_speaker_any",
)
SPEAKER_FEATURES = SPEAKER_FEATURES + tuple(f"{kind}:{f}" for kind in ("pron", "none", "nom") for f in _BY_TAG_KIND)

#: Pairs of cues that mean more together than apart ("she said" and the woman spoken to by the
#: last turn); each pair is a feature "a&b" that fires when both do.
_CROSSED: tuple[str, ...] = (
    "beat_subject", "para_mention", "vocative", "in_quote_mention", "prev_speaker", "prev2_speaker",
    "recent_speaker_rank0", "recent_speaker_rank1", "next_vocative", "prev_vocative", "even_tag", "odd_tag",
    "conv_tagged", "pron_tag_compatible", "pron_tag_rank0", "nom_assoc_top", "tag_subject", "next_tag_named",
    "prev_tag_named", "gap", "gap_subject", "gap_gender_match",
)
_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a, b) for i, a in enumerate(_CROSSED) for b in _CROSSED[i + 1 :]
)
SPEAKER_FEATURES = SPEAKER_FEATURES + tuple(f"{a}&{b}" for a, b in _PAIRS)
#: The names of those pairs and copies, spelt once rather than for every row (the rows a
#: turn's candidates keep then share the strings).
_PAIR_NAMES: dict[tuple[str, str], str] = {(a, b): f"{a}&{b}" for a, b in _PAIRS}
_KIND_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple((f, f"{kind}:{f}") for f in _BY_TAG_KIND) for kind in ("pron", "none", "nom")
}

ADDRESSEE_FEATURES: tuple[str, ...] = (
    "vocative",
    "prev_speaker",
    "next_speaker",
    "prev_speaker_addressed_speaker",
    "conversation_pair",
    "para_mention",
    "tag_to_named",
    "recency",
    "log_mentions",
    "in_quote_mention",
    "recent_speaker_rank1",
    "next_turn_speaker",
    "narrator",
)
#: Every two addressee cues together ("vocative&log_mentions", "log_mentions&next_turn_speaker"),
#: as one more feature each: one weight a cue is too little when stories and novels weigh the
#: vocative and the next speaker differently (BENCHMARKS.md, session 16).
_ADDR_PAIRS: tuple[tuple[str, str, str], ...] = tuple(
    (a, b, f"{a}&{b}") for i, a in enumerate(ADDRESSEE_FEATURES) for b in ADDRESSEE_FEATURES[i + 1 :]
)
ADDRESSEE_FEATURES = ADDRESSEE_FEATURES + tuple(name for _a, _b, name in _ADDR_PAIRS)

#: Features the model reads (speaker, then addressee) and their hand-set starting weights,
#: used only when no trained weights ship with the package.
_PRIOR = {
    "tag_after_named": 6.0, "tag_before_named": 5.0, "tag_after_first_named": 1.5, "tag_before_last_named": 1.0,
    "pron_tag_rank0": 3.0, "pron_tag_rank1": 1.0, "pron_tag_compatible": 0.5, "pron_tag_incompatible": -3.0,
    "beat_subject": 1.5, "beat_first_subject": 1.0, "para_mention": 0.5, "vocative": -3.0,
    "in_quote_mention": -0.5, "prev_speaker": -1.5, "prev2_speaker": 1.5, "prev_addressee": 1.0,
    "recency": 1.0, "log_mentions": 0.3, "narrator_i": 5.0, "canon_speaker": 2.0, "canon_speaker_verbatim": 3.0,
    "conversation_pair": 0.5, "alternation": 1.0, "same_para_prev_speaker": 2.0, "tag_named_other": -2.0,
}
_ADDR_PRIOR = {
    "vocative": 4.0, "prev_speaker": 2.0, "next_speaker": 1.5, "prev_speaker_addressed_speaker": 1.0,
    "conversation_pair": 1.0, "recency": 0.5, "tag_to_named": 2.0,
}

#: Head nouns of "his …"/"her …" that are a person related to the one "his"/"her" is (kin by
#: gender, and these): that one is then not the speaker.
_RELATIONS = frozenset(NOUN_GENDER) | frozenset(
    """
    companion companions friend friends cousin cousins partner comrade colleague neighbour neighbor guest
    visitor host hostess guardian ward servant maid master mistress parent parents child children
    family relations fiance fiancee betrothed lover spouse pupil teacher tutor employer
    """.split()
)

_CONVERSATION_GAP = 3  # narration paragraphs that end a conversation
_WINDOW = 10  # paragraphs back in which named characters are candidates


class Ranker(Protocol):
    """Scores a turn's candidates from their features; a softmax over the scores ranks them."""

    @property
    def features(self) -> tuple[str, ...]: ...

    def scores(self, rows: Sequence[Mapping[str, float]]) -> list[float]: ...

    def probabilities(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """The probabilities reported as confidence (ranked as ``scores`` ranks)."""
        ...


@dataclass(frozen=True, slots=True)
class Model:
    """A log-linear ranker: ``score = weights · features``; softmax over candidates."""

    features: tuple[str, ...]
    weights: tuple[float, ...]

    def score(self, feats: Mapping[str, float]) -> float:
        return sum(w * feats.get(f, 0.0) for f, w in zip(self.features, self.weights))

    def scores(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        return [self.score(r) for r in rows]

    def probabilities(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        return softmax(self.scores(rows))

    @classmethod
    def from_prior(cls, features: Sequence[str], prior: Mapping[str, float]) -> Model:
        return cls(tuple(features), tuple(prior.get(f, 0.0) for f in features))


class TreeModel:
    """Boosted regression trees (LightGBM, trained to rank) over the same features.

    Trees see what a weighted sum can't: that a pronoun tag matters only when no name is
    near, that turn-taking counts for more in a two-person scene. Several sets of trees,
    grown with different seeds, are averaged: one set's choice among near-equal splits can
    swing a long untagged exchange in a story unlike the training novels, and the average
    does not hang on it. For the beam, raw scores are divided by ``temperature`` (fitted on
    novels held out from the trees). The confidence reported is the softmax at
    ``confidence_temperature``, a wider one: the temperature is fitted on turns whose history
    is gold, and at run time the history is the model's own.
    """

    def __init__(
        self,
        features: Sequence[str],
        trees: str | Sequence[str],
        temperature: float = 1.0,
        confidence_temperature: float | None = None,
    ):
        import lightgbm

        self.features = tuple(features)
        self.temperature = temperature
        self.confidence_temperature = confidence_temperature or temperature
        self._column = {f: j for j, f in enumerate(self.features)}
        texts = [trees] if isinstance(trees, str) else list(trees)
        if not texts:
            raise ValueError("no trees")
        self._boosters = [lightgbm.Booster(model_str=t) for t in texts]
        for booster in self._boosters:
            if booster.num_feature() != len(self.features):
                raise ValueError(f"the trees expect {booster.num_feature()} features, not {len(self.features)}")

    @classmethod
    def from_boosters(
        cls, features: Sequence[str], boosters: Sequence[Any], temperature: float = 1.0, confidence_temperature: float | None = None
    ) -> TreeModel:
        return cls(features, [b.model_to_string() for b in boosters], temperature, confidence_temperature)

    @property
    def trees(self) -> list[str]:
        """Each set of trees as LightGBM's text model."""
        return [str(b.model_to_string()) for b in self._boosters]

    def importance(self) -> dict[str, float]:
        """Each feature's share of the trees' total gain (what the model leans on)."""
        gains = np.sum([b.feature_importance(importance_type="gain") for b in self._boosters], axis=0)
        total = float(sum(gains)) or 1.0
        return {f: float(g) / total for f, g in zip(self.features, gains)}

    def raw_scores(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        # The beam's histories mostly give a candidate the same features (no turn-taking cue
        # fires for it), so about two rows in three repeat one already there: each distinct
        # row is scored once (trees score a row alone, whatever else is in the batch).
        slot: dict[tuple[tuple[str, float], ...], int] = {}
        which = [slot.setdefault(tuple(row.items()), len(slot)) for row in rows]
        x = np.zeros((len(slot), len(self.features)))
        get = self._column.get
        for i, items in enumerate(slot):  # feature dicts are sparse: a few dozen of ~400 are set
            cols = [get(f, -1) for f, _ in items]
            vals = [v for _, v in items]
            if -1 in cols:  # a feature the trees do not read
                kept = [(j, v) for j, v in zip(cols, vals) if j >= 0]
                cols, vals = [j for j, _ in kept], [v for _, v in kept]
            x[i, cols] = vals
        mean = np.mean([b.predict(x, raw_score=True, num_threads=1) for b in self._boosters], axis=0)
        scores = [float(v) for v in mean]
        return [scores[i] for i in which]

    def scores(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        return [v / self.temperature for v in self.raw_scores(rows)]

    def probabilities(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        return softmax([v / self.confidence_temperature for v in self.raw_scores(rows)])


@lru_cache(maxsize=1)
def shipped_models() -> tuple[Ranker, Model]:
    """The trained models inside the package, or the hand-set prior if there are none."""
    data = shipped_weights()
    if not data:
        return Model.from_prior(SPEAKER_FEATURES, _PRIOR), Model.from_prior(ADDRESSEE_FEATURES, _ADDR_PRIOR)
    return models_from_dict(data)


def shipped_weights() -> dict[str, Any]:
    """The JSON of the models inside the package (with what they were trained on: ``novels``,
    ``stories``), or an empty dict if there are none."""
    try:
        raw = resources.files("ficlens.stages").joinpath("attribution_weights.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {}
    data: dict[str, Any] = json.loads(raw)
    return data


def models_from_dict(data: Mapping[str, Any]) -> tuple[Ranker, Model]:
    """Models from the JSON written by ``ficlens train attribution`` (see docs/attribution.md)."""
    sp = data["speaker"]
    ad = data["addressee"]
    speaker: Ranker
    if "trees" in sp:
        if list(sp["features"]) != list(SPEAKER_FEATURES):
            raise ValueError("the shipped speaker trees were trained on other features: retrain them")
        t = float(sp.get("temperature", 1.0))
        speaker = TreeModel(SPEAKER_FEATURES, sp["trees"], t, float(sp.get("confidence_temperature", t)))
    else:
        speaker = Model(tuple(SPEAKER_FEATURES), tuple(float(sp["weights"].get(f, 0.0)) for f in SPEAKER_FEATURES))
    addressee = Model(tuple(ADDRESSEE_FEATURES), tuple(float(ad["weights"].get(f, 0.0)) for f in ADDRESSEE_FEATURES))
    return speaker, addressee


@dataclass(slots=True)
class _Context:
    text: str
    story: Story
    index: MentionIndex
    chars: dict[str, Character]
    turns: list[Turn]
    narrator: str | None
    self_pronoun: str | None  # the narrator's own pronoun in tags: "i", "you" (second person), or None
    para_scene: list[str]
    para_starts: list[int]
    canon: Any
    tag_named: list[str | None]  # per turn: the character its speech tag names, read off the text
    turn_vocatives: list[set[str]]  # per turn: characters addressed by name inside it
    turn_address: list[str | None]  # per turn: the gender of one it addresses as "sir", "madam", "Mamma"
    turn_nominal: list[tuple[str, str] | None]  # per turn: a description in its tag, with its head noun
    epithets: _Epithets  # who "the old lady" of a tag stands for
    turn_tags: list[tuple[list[TagInfo], TagInfo]]  # per turn: the tags after each part, and before it
    voices: Voices  # how like each tagged character a turn's words sound
    # derived from the turns once the context exists:
    conversation: list[int] = field(default_factory=list)  # per turn: its conversation (turns linked one to the next)
    exchange: list[int] = field(default_factory=list)  # per turn: its exchange (see _exchanges)
    conversation_tags: list[tuple[set[str], str | None, str | None]] = field(default_factory=list)  # see _conversation_tags
    scene: list[_Scene] = field(default_factory=list)  # per turn: who its scene mentions, and how (see _scene)
    conversation_vocatives: list[tuple[set[str], set[str]]] = field(default_factory=list)  # see _conversation_vocatives
    conversation_pronouns: list[tuple[str | None, str | None]] = field(default_factory=list)  # see _conversation_pronouns
    beat_gender: list[str | None] = field(default_factory=list)  # per turn: see _beat_gender
    gap: list[_Gap | None] = field(default_factory=list)  # per turn: see _gap
    present: list[list[str]] = field(default_factory=list)  # per turn: see _present
    name_words: dict[str, list[str]] = field(default_factory=dict)  # "major" -> the characters with it in a name
    description_near: list[dict[str, float]] = field(default_factory=list)  # per turn: its tag's description, in the last pages
    description_turns: dict[str, dict[str, float]] = field(default_factory=dict)  # see _description_turns
    all_mentions: int = 1  # mentions of all the characters together
    self_mentions: list[int] = field(default_factory=list)  # an unnamed narrator's "I", "me", "my" in the narration
    carried: list[tuple[int, str]] = field(default_factory=list)  # a scene's pronouns for someone it never named (see carried_pronouns)
    carried_starts: list[int] = field(default_factory=list)
    introduced: set[int] = field(default_factory=set)  # where a quotation names its own speaker: "I'm Rhiannon"
    # kept as turns are scored (the beam reads each turn once per history it holds, and
    # decide_speaker once more):
    candidates_around: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)  # see _candidates_around
    turn_cues: _TurnCues | None = None  # the last turn's only: see _cues


class AttributionStage:
    """Attribute every speech quotation to a speaker and addressees."""

    name = "attribution"
    requires: tuple[str, ...] = ("paragraphs", "quotes", "characters", "mentions")
    provides: tuple[str, ...] = ("attributions",)

    def __init__(self, *, min_confidence: float = 0.0, models: tuple[Ranker, Model] | None = None, beam: int = 6):
        if not 0.0 <= min_confidence <= 1.0:
            raise ValueError("min_confidence must be between 0 and 1")
        self.min_confidence = min_confidence
        self.models = models
        self.beam = beam

    def __call__(self, story: Story) -> None:
        speaker_model, addressee_model = self.models or shipped_models()
        ctx = make_context(story)
        speakers = beam_decode(ctx, speaker_model, width=self.beam)

        result: dict[str, Attribution] = {}
        history: list[tuple[str | None, tuple[str, ...]]] = []
        for k, (turn, chosen) in enumerate(zip(ctx.turns, speakers)):
            cands = speaker_candidates(ctx, turn, history)
            speaker, conf, cue, evidence = decide_speaker(ctx, turn, history, cands, speaker_model, chosen=chosen)
            speaker, conf, cue, conflict = _apply_canon(ctx, turn, speaker, conf, cue)
            next_speaker = speakers[k + 1] if k + 1 < len(speakers) else None
            addressees = decide_addressees(ctx, turn, history, speaker, addressee_model, next_speaker)
            history.append((speaker, addressees))
            shown = speaker if conf >= self.min_confidence else None
            for q in turn.quotes:
                result[q.id] = Attribution(
                    q.id, shown, addressees, cue if shown else "none", conf, evidence, conflict  # type: ignore[arg-type]
                )
        story.add_layer("attributions", result)


def _apply_canon(
    ctx: _Context, turn: Turn, speaker: str | None, conf: float, cue: str
) -> tuple[str | None, float, str, str | None]:
    """A canon line's speaker outranks weak cues; against an explicit tag it is reported, not forced."""
    canon = _canon_character(ctx, turn)
    if canon is None or canon[0] == speaker:
        return speaker, conf, cue, None
    who, verbatim = canon
    if cue == "explicit":
        name = ctx.chars[who].name if who in ctx.chars else who
        return speaker, conf, cue, f"the canon gives this line to {name} ({who}); the speech tag names another speaker"
    return who, max(conf, 0.9 if verbatim else 0.75), "canon", None


_HISTORY = 8  # turns of history any feature looks at
# The share of a step's path score that is the candidate's score itself rather than its log
# probability (below): chosen leave-novel-out on PDNC (0.1 to 0.7 all beat 0, 0.25 best) and
# checked on our stories (BENCHMARKS.md).
_SCORE_WEIGHT = 0.25
_SCENE_TAGS_BACK = 40  # turns back in a scene whose tagged speakers are candidates


def beam_decode(ctx: _Context, model: Ranker, *, width: int = 6, branch: int = 3) -> list[str | None]:
    """The likeliest sequence of speakers, by beam search over the turns.

    The model scores a speaker given the speakers before it (turn-taking), so choosing each
    turn greedily lets one mistake derail a conversation; the beam keeps the ``width`` best
    partial sequences and extends each by its ``branch`` likeliest speakers.

    A path's score is not only the sum of its log probabilities. Each turn's probabilities sum
    to one whatever the history, so a tagged turn ("…," said Helen) is as certain after a
    history that has Helen's partner speaking last as after one that has Helen herself: a
    path that went wrong three turns back pays nothing when a tag shows it (the label bias of
    a model normalized turn by turn). The candidate's score before normalization does differ:
    the turn-taking cues that agree with the tag raise it. So each step adds, beside its log
    probability, ``_SCORE_WEIGHT`` times the score, and the histories that make the next
    turns' evidence fit are preferred.
    """
    # a beam entry: (path score, last turns of history, path as a linked list)
    Path = tuple[str | None, Any] | None
    beams: list[tuple[float, tuple[tuple[str | None, tuple[str, ...]], ...], Path]] = [(0.0, (), None)]
    for turn in ctx.turns:
        grown: list[tuple[float, tuple[tuple[str | None, tuple[str, ...]], ...], Path]] = []
        # beams that agree on the last turns share the turn's candidates and their scores;
        # every history the beams hold is scored in one call to the model (one call per
        # history costs more in overhead than in scoring)
        memo: dict[tuple[int, tuple[str | None, ...]], tuple[list[str], list[float]]] = {}
        pending: dict[tuple[int, tuple[str | None, ...]], tuple[list[str], list[dict[str, float]]]] = {}
        for _, hist, _ in beams:
            key = (turn.index, tuple(h[0] for h in hist))
            if key in memo or key in pending:
                continue
            cands = speaker_candidates(ctx, turn, hist)
            if cands:
                feats, _ = speaker_features(ctx, turn, hist, cands)
                pending[key] = (cands, [feats[c] for c in cands])
            else:
                memo[key] = ([], [])
        if pending:
            scores = model.scores([row for _, rows in pending.values() for row in rows])
            at = 0
            for key, (cands, rows) in pending.items():
                raw = scores[at : at + len(rows)]
                # what a step adds to its path (rising with the score, as the probability does)
                steps = [
                    (1 - _SCORE_WEIGHT) * math.log(max(p, 1e-12)) + _SCORE_WEIGHT * v for p, v in zip(softmax(raw), raw)
                ]
                memo[key] = (cands, steps)
                at += len(rows)
        for logp, hist, path in beams:
            key = (turn.index, tuple(h[0] for h in hist))
            cands, steps = memo[key]
            if not cands:
                grown.append((logp, (*hist, (None, ()))[-_HISTORY:], (None, path)))
                continue
            order = sorted(range(len(cands)), key=lambda i: -steps[i])[:branch]
            for i in order:
                c = cands[i]
                grown.append((logp + steps[i], (*hist, (c, ()))[-_HISTORY:], (c, path)))
        grown.sort(key=lambda b: -b[0])
        # keep distinct recent histories only: two paths that agree on the last turns score alike from here
        seen: set[tuple[str | None, ...]] = set()
        beams = []
        for b in grown:
            sig = tuple(h[0] for h in b[1])
            if sig in seen:
                continue
            seen.add(sig)
            beams.append(b)
            if len(beams) >= width:
                break
    out: list[str | None] = []
    node = beams[0][2] if beams else None
    while node is not None:
        out.append(node[0])
        node = node[1]
    out.reverse()
    return out


# -- context ------------------------------------------------------------------------------


def make_context(story: Story) -> _Context:
    text = story.text
    index = MentionIndex(story)
    # "her mother" as a mention of Mrs. Honeychurch, "Yes, Captain" one of Captain Solberg,
    # "the doctor" one of Doctor Losberne where the narration names him
    index = MentionIndex(
        story, [*kin_mentions(story, index), *rank_address(story, index), *role_mentions(story, index)]
    )
    chars = {c.id: c for c in story.characters}
    turns = build_turns(story)
    first_person = is_first_person(story)
    second_person = not first_person and scene_modes(story, narration(story))[0].person == "second"
    para_scene = [p.section for p in story.paragraphs]
    canon = story.layer("canon") if story.has_layer("canon") else None
    para_starts = [p.start for p in story.paragraphs]
    tag_named: list[str | None] = []
    introduced: set[int] = set()
    turn_vocatives: list[set[str]] = []
    turn_address: list[str | None] = []
    turn_nominal: list[tuple[str, str] | None] = []
    turn_tags: list[tuple[list[TagInfo], TagInfo]] = []
    for k, turn in enumerate(turns):
        after = [read_tag(text, span, index, after=True, you=second_person) for span in turn.after]
        # the turn's tag is the first one that stands by itself: '"Come here," cried her
        # father. "…" Elizabeth replied that it was.' is the father's, whatever follows
        first = next((i for i, t in enumerate(after) if t.complete), len(after))
        after = after[: first + 1]
        before = read_tag(text, turn.before, index, after=False, you=second_person)
        if (before.named or before.subject) and _lead_in_contradicted(story, turn, before, after, chars):
            before = TagInfo(span=before.span)
        untagged = not (before.named or before.pronoun or any(t.named or t.pronoun for t in after))
        if untagged and (intro := _introduced(text, turn, index, asked=k > 0 and _asks_name(text, turns[k - 1]))):
            # "I'm Rhiannon." names its speaker as surely as a tag does (with a tag, the tag
            # decides: '"I am Dame Verity," she said' is a player in her character's voice)
            after = [TagInfo(named=intro.character, subject=intro.character, verb=True, span=(intro.start, intro.end)), *after]
            introduced.add(intro.start)
        elif untagged and turn.after and _UNSEEN.match(text, *turn.after[0]):
            # '"Children," said a voice from the door. / Captain Osei stood there with two
            # coffees': the one the narration then shows is the voice
            nxt = turns[k + 1].start if k + 1 < len(turns) else len(text)
            if shown := _revealed(story, turn, index, nxt):
                after = [TagInfo(named=shown.character, subject=shown.character, verb=True, span=(shown.start, shown.end)), *after]
        turn_tags.append((after, before))
        tag_named.append(next((t.named for t in after if t.named), None) or before.named)
        turn_vocatives.append({c for q in turn.quotes for c in vocatives(text, q, index)})
        turn_address.append(next((g for q in turn.quotes if (g := addressed_gender(text, q))), None))
        turn_nominal.append(_tag_nominal(after, before) or _described(text, index, (*after, before), tag_named[-1]))
    narrator = None
    self_pronoun = None
    if first_person:
        # the named narrator (no one a tag names: "says Teo"), else the one whom the dialogue
        # around "I said" names, else the one the characters stage added for an unnamed "I"
        speaking = {c for c in tag_named if c}
        witnesses = narrator_witnesses(story, index)
        narrator = named_narrator(index.mentions, index.in_quote, speaking, witnesses) or find_narrator(story, index)[0]
        self_pronoun = "i"
    elif second_person:
        # '"…," you say': the "you" the replies name, or the Reader the characters stage added
        narrator = find_narrator(story, index, pronoun="you")[0]
        self_pronoun = "you"
    # a description that only compares ("the taller man", "the other woman") says nothing of
    # the names around it: those are as likely the one it is set against
    descriptions = {n[0] for n in turn_nominal if n and n[0].startswith("the ") and not _RELATIVE.search(n[0])}
    ctx = _Context(
        text=text, story=story, index=index, chars=chars, turns=turns, narrator=narrator,
        self_pronoun=self_pronoun, para_scene=para_scene, para_starts=para_starts, canon=canon,
        tag_named=tag_named, turn_vocatives=turn_vocatives, turn_address=turn_address, turn_nominal=turn_nominal,
        epithets=_Epithets(story, index, descriptions), turn_tags=turn_tags,
        voices=Voices([Counter(w for q in t.quotes for w in words(text[q.start : q.end])) for t in turns], tag_named),
        introduced=introduced,
    )
    for cid, ch in chars.items():
        for w in _name_words(ch):
            ctx.name_words.setdefault(w, []).append(cid)
    if narrator and self_pronoun == "i" and narrator in chars and (not chars[narrator].mention_count or chars[narrator].source == "narrator"):
        # a narrator no one names (or only the dialogue, "…, Sam") is still in every scene the
        # story tells: their "I" stands for the mentions the other characters have
        ctx.self_mentions = [m.start() for m in _SELF.finditer(text) if not index.inside_quote(m.start())]
    ctx.all_mentions = max(1, sum(c.mention_count for c in chars.values()))
    if not first_person and not second_person:
        narr = narration(story)
        ctx.carried = carried_pronouns(story, narr, index, focal_scores(story, narr, index))
        ctx.carried_starts = [pos for pos, _c in ctx.carried]
    ctx.description_near = [
        ctx.epithets.near(nominal[0], turn.start - _EPITHET_REACH, turn.start) if nominal else {}
        for turn, nominal in zip(turns, turn_nominal)
    ]
    conv = 0
    ctx.exchange = _exchanges(turns)
    acting = subject_mentions(text, index)
    for k, turn in enumerate(turns):
        if k and not _in_conversation(ctx, turn, turns[k - 1]):
            conv += 1
        ctx.conversation.append(conv)
        ctx.scene.append(_scene(ctx, turn, acting))
    ctx.conversation_tags = [_conversation_tags(ctx, k) for k in range(len(turns))]
    ctx.description_turns = _description_turns(ctx)
    ctx.conversation_vocatives = [_conversation_vocatives(ctx, k) for k in range(len(turns))]
    ctx.beat_gender = [_beat_gender(text, turn.para_narration) for turn in turns]
    ctx.gap = [_gap(ctx, k) for k in range(len(turns))]
    ctx.conversation_pronouns = [_conversation_pronouns(ctx, k) for k in range(len(turns))]
    ctx.present = [_present(ctx, k) for k in range(len(turns))]
    return ctx


def _present(ctx: _Context, k: int) -> list[str]:
    """Who is surely in turn ``k``'s scene, whether or not the narration named them lately:
    the characters its conversation's tags name, either way; those the turns next to it, or
    further on, address by name; and those the tags of the scene's last 40 turns name."""
    out: dict[str, None] = dict.fromkeys(sorted(ctx.conversation_tags[k][0]))
    for j in (k - 1, k + 1):
        if 0 <= j < len(ctx.turns) and ctx.conversation[j] == ctx.conversation[k]:
            out.update(dict.fromkeys(sorted(ctx.turn_vocatives[j])))
    scene = ctx.para_scene[ctx.turns[k].paragraph]
    for j in range(k - 1, max(-1, k - _SCENE_TAGS_BACK), -1):
        if ctx.para_scene[ctx.turns[j].paragraph] != scene:
            break
        named = ctx.tag_named[j]
        if named:
            out.setdefault(named, None)
    for group in ctx.conversation_vocatives[k]:
        out.update(dict.fromkeys(sorted(group)))
    return list(out)


def _lead_in_contradicted(
    story: Story, turn: Turn, before: TagInfo, after: Sequence[TagInfo], chars: Mapping[str, Character]
) -> bool:
    """Is the lead-in read from the paragraph before ("They were interrupted by Miss Bennet.")
    contradicted by the quotation's own pronoun tag ('"…," cried he'; '"…," I say', after
    "…he lets it out again without speaking.")? Then it is not its tag."""
    if before.span[0] >= story.paragraphs[turn.paragraph].start or any(t.named for t in after):
        return False
    if any(t.pronoun in ("i", "you") for t in after):
        return True  # the narrator's own words, whoever the narration named before them
    pron = next((t.pronoun for t in after if t.pronoun in ("he", "she")), None)
    who = chars.get(before.named or "")
    return pron is not None and who is not None and not compatible(who.gender, pronoun_gender(pron))


@dataclass(slots=True)
class _Scene:
    """Mentions per character in the last paragraphs of a turn's scene before it: all of them
    (narration and speech), the narration's, and those that are the subject of a narration
    sentence or clause ("Helen entered", "and Philip rose"). Who is only spoken of has the
    first and not the others."""

    mentions: dict[str, int] = field(default_factory=dict)
    narration: dict[str, int] = field(default_factory=dict)
    acting: dict[str, int] = field(default_factory=dict)


def _scene(ctx: _Context, turn: Turn, acting: Sequence[bool], reach: int = 30) -> _Scene:
    """The mentions of the last ``reach`` paragraphs of the turn's scene before it (``acting``:
    per mention of the index, is it a subject). An unnamed narrator who says "I" there is as
    much about, and as much acting, as anyone."""
    lo = turn.paragraph
    while lo > 0 and turn.paragraph - lo < reach and ctx.para_scene[lo - 1] == ctx.para_scene[turn.paragraph]:
        lo -= 1
    index = ctx.index
    out = _Scene()
    for x in range(bisect.bisect_left(index.starts, ctx.para_starts[lo]), bisect.bisect_left(index.starts, turn.start)):
        c = index.mentions[x].character
        out.mentions[c] = out.mentions.get(c, 0) + 1
        if not index.in_quote[x]:
            out.narration[c] = out.narration.get(c, 0) + 1
            if acting[x]:
                out.acting[c] = out.acting.get(c, 0) + 1
    if ctx.narrator and ctx.self_mentions:
        said_i = bisect.bisect_left(ctx.self_mentions, turn.start) - bisect.bisect_left(ctx.self_mentions, ctx.para_starts[lo])
        if said_i:
            for counts in (out.mentions, out.narration, out.acting):
                counts[ctx.narrator] = max(1, max(counts.values(), default=0))
    # "Hermione found him there": the one the scene's pronouns stand for, never named in it
    for x in range(bisect.bisect_left(ctx.carried_starts, ctx.para_starts[lo]), bisect.bisect_left(ctx.carried_starts, turn.start)):
        pos, c = ctx.carried[x]
        for counts in (out.mentions, out.narration):
            counts[c] = counts.get(c, 0) + 1
        if ctx.text[pos : pos + 2].lower() in ("he", "sh"):
            out.acting[c] = out.acting.get(c, 0) + 1
    return out


def _described(
    text: str, index: MentionIndex, tags: Sequence[TagInfo], named: str | None
) -> tuple[str, str] | None:
    """When the tag names a character known only by a description, and uses it as one ("said
    the doctor", for a cast's "The Doctor"): the description, so that the candidates it may
    also stand for are weighed (the doctor of the scene may be Mr. Losberne). "the Hatter",
    capitalised, is a name."""
    if named is None:
        return None
    for t in tags:
        if t.named != named:
            continue
        for m in index.between(*t.span):
            words = text[m.start : m.end].split()
            if m.character == named and len(words) == 2 and words[0] == "the" and words[1].isalpha() and words[1].islower():
                return f"the {words[1]}", words[1]
    return None


#: The words of a description that sets its character against another present: "the younger
#: man", "the other woman" (see ``make_context``).
_RELATIVE = re.compile(r"\b(?:other|taller|shorter|younger|older|smaller|bigger|larger)\b")


def _tag_nominal(after: Sequence[TagInfo], before: TagInfo) -> tuple[str, str] | None:
    """The description a turn's tag uses for its speaker, when it uses neither name nor pronoun."""
    if any(t.named or t.pronoun for t in after) or before.named or before.pronoun:
        return None
    return next((t.nominal for t in after if t.nominal), None) or before.nominal


class _Epithets:
    """Who each description used in speech tags ("the Jew", "the old lady") stands for, read
    off the characters named near its uses in the narration.

    Each use weighs the mentions around it by their distance. :meth:`shares` pools every use
    in the story; :meth:`near` pools only the uses shortly before a point, since "the old lady"
    of one chapter need not be the old lady of another.
    """

    def __init__(self, story: Story, index: MentionIndex, descriptions: set[str]) -> None:
        self.uses: dict[str, tuple[list[int], list[dict[str, float]]]] = {}
        self._shares: dict[str, dict[str, float]] = {}
        if not descriptions:
            return
        text = story.text
        alternatives = sorted(descriptions, key=len, reverse=True)
        rx = re.compile(
            r"\b(?:" + "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in alternatives) + r")\b",
            re.IGNORECASE,
        )
        for m in rx.finditer(text):
            if index.inside_quote(m.start()):
                continue
            weights: dict[str, float] = {}
            for mention in index.between(m.start() - 400, m.end() + 400):
                if mention.start < m.end() and mention.end > m.start() or index.inside_quote(mention.start):
                    continue
                dist = mention.start - m.end() if mention.start >= m.end() else m.start() - mention.end
                weights[mention.character] = weights.get(mention.character, 0.0) + math.exp(-max(0, dist) / 150)
            positions, found = self.uses.setdefault(" ".join(m.group(0).lower().split()), ([], []))
            positions.append(m.start())
            found.append(weights)

    def shares(self, phrase: str) -> dict[str, float]:
        """Character -> share of the weighted mentions near every use of ``phrase``."""
        if phrase not in self._shares:
            _, found = self.uses.get(phrase, ([], []))
            self._shares[phrase] = _normalized(found)
        return self._shares[phrase]

    def near(self, phrase: str, lo: int, hi: int) -> dict[str, float]:
        """The same shares, from the uses of ``phrase`` that start in ``[lo, hi)`` only."""
        positions, found = self.uses.get(phrase, ([], []))
        return _normalized(found[bisect.bisect_left(positions, lo) : bisect.bisect_left(positions, hi)])


def _name_words(ch: Character) -> frozenset[str]:
    """The lower-cased words of a character's name and aliases ("major", "callendar")."""
    return frozenset(w.lower() for name in (ch.name, *ch.aliases) for w in re.findall(r"[^\W\d_]+", name))


def _normalized(found: Sequence[Mapping[str, float]]) -> dict[str, float]:
    pooled: dict[str, float] = {}
    for weights in found:
        for c, w in weights.items():
            pooled[c] = pooled.get(c, 0.0) + w
    total = sum(pooled.values())
    return {c: w / total for c, w in pooled.items()} if total > 0 else {}


# -- speaker ------------------------------------------------------------------------------


def _in_conversation(ctx: _Context, turn: Turn, prev: Turn | None) -> bool:
    if prev is None:
        return False
    if ctx.para_scene[prev.last_paragraph] != ctx.para_scene[turn.paragraph]:
        return False
    return turn.paragraph - prev.last_paragraph <= _CONVERSATION_GAP


def speaker_candidates(ctx: _Context, turn: Turn, history: Sequence[tuple[str | None, tuple[str, ...]]]) -> list[str]:
    """Who may speak a turn: the characters named nearby, the recent speakers of ``history``,
    and those the scene, the tag's description and the canon point to (at most 16)."""
    cached = ctx.candidates_around.get(turn.index)
    if cached is None:
        cached = ctx.candidates_around[turn.index] = _candidates_around(ctx, turn)
    nearby, others = cached
    seen = dict.fromkeys(nearby)
    for sp, _ in reversed(history[-6:]):
        if sp and sp in ctx.chars:
            seen.setdefault(sp, None)
    for c in others:
        seen.setdefault(c, None)
    return list(seen)[:16]


def _candidates_around(ctx: _Context, turn: Turn) -> tuple[list[str], list[str]]:
    """The candidates of a turn that do not depend on its history, in order: those ranked
    before the recent speakers (named in the paragraph and just before), and those after.
    Only characters of the story are kept (``speaker_candidates`` keeps no other)."""
    paragraphs = ctx.story.paragraphs
    lo = paragraphs[max(0, turn.paragraph - _WINDOW)].start
    hi = paragraphs[min(len(paragraphs) - 1, turn.last_paragraph + 1)].end
    nearby: dict[str, None] = {}
    # nearest first: this paragraph's narration, then backwards
    for a, b in turn.para_narration:
        for m in ctx.index.between(a, b):
            nearby.setdefault(m.character, None)
    for m in ctx.index.narration_before(turn.start, limit=60):
        if m.start < lo:
            break
        nearby.setdefault(m.character, None)
    # the recent speakers come here
    others: dict[str, None] = {}
    for m in ctx.index.between(turn.end, hi):
        if not ctx.index.inside_quote(m.start):
            others.setdefault(m.character, None)
    if ctx.narrator:
        others.setdefault(ctx.narrator, None)
    for x in range(bisect.bisect_left(ctx.carried_starts, lo), bisect.bisect_left(ctx.carried_starts, hi)):
        others.setdefault(ctx.carried[x][1], None)  # one the scene's pronouns stand for
    for c in ctx.present[turn.index]:
        others.setdefault(c, None)
    nominal = ctx.turn_nominal[turn.index]
    if nominal:
        # "said the old lady": whom the description stands for, in the story and in the last
        # pages, and anyone whose name holds its head noun ("said the major")
        for shares in (ctx.epithets.shares(nominal[0]), ctx.description_near[turn.index]):
            for c in sorted(shares, key=shares.__getitem__, reverse=True)[:2]:
                others.setdefault(c, None)
        by_turns = ctx.description_turns.get(nominal[0], {})
        if by_turns:
            others.setdefault(max(by_turns, key=by_turns.__getitem__), None)
        named = ctx.name_words.get(nominal[1].lower(), [])
        if len(named) <= 3:
            for c in named:
                others.setdefault(c, None)
    canon_char = _canon_character(ctx, turn)
    if canon_char:
        others.setdefault(canon_char[0], None)
    tagged = ctx.tag_named[turn.index]
    if tagged:  # a quotation that introduces its speaker ("Beth. Bethany Moss.") names them inside it
        others.setdefault(tagged, None)
    return [c for c in nearby if c in ctx.chars], [c for c in others if c in ctx.chars and c not in nearby]


def _canon_character(ctx: _Context, turn: Turn) -> tuple[str, bool] | None:
    if ctx.canon is None:
        return None
    matches = getattr(ctx.canon, "matches", {})
    for q in turn.quotes:
        m = matches.get(q.id)
        if m is not None and getattr(m, "character", None) and m.status in ("verbatim", "altered"):
            return m.character, m.status == "verbatim"
    return None


@dataclass(slots=True)
class _CandidateCues:
    """The features of one candidate of one turn that do not depend on the turn's history.

    They are kept in four runs, in the order ``speaker_features`` has always set them, for
    the history's features (prev_speaker, recent_speaker_rank0, same_para_prev_speaker, ...)
    fall between them.
    """

    runs: tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]
    voice: float  # how like the candidate the turn's words sound (Voices.score)
    voice_length: float  # and its length (Voices.length_score)
    # the pair features ("a&b") and per-tag-kind copies ("pron:a"), by which of the
    # history's features fired (usually none): they are the costliest to spell out
    crossed: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)


@dataclass(slots=True)
class _TurnCues:
    """What ``speaker_features`` reads of one turn that its history does not change.

    The beam scores each turn under every distinct history it holds (about seven); the
    tags, beats, vocatives, pronoun antecedents and the candidates' own cues are the same
    each time, so they are read once per turn (and once per candidate) and kept on the
    context while the turn is scored.
    """

    index: int  # of the turn
    in_conv: bool  # the turn continues the previous turn's conversation
    prev2_linked: bool  # and the previous turn the one before it
    same_para: bool  # the previous turn ends in this turn's paragraph
    kind: str | None  # "pron", "none" or "nom": see _BY_TAG_KIND
    info: dict[str, Any]  # what the tags said (for the cue)
    describe: Callable[[str], _CandidateCues]  # a candidate's history-free features (see _turn_cues)
    candidates: dict[str, _CandidateCues] = field(default_factory=dict)

    def candidate(self, c: str) -> _CandidateCues:
        cues = self.candidates.get(c)
        if cues is None:
            cues = self.candidates[c] = self.describe(c)
        return cues


def _cues(ctx: _Context, turn: Turn) -> _TurnCues:
    """The turn's cues, read now unless they were for the last turn asked about. The beam,
    decide_speaker and training each go through the turns in order: keeping every turn's
    (for decide_speaker after the beam) would save it little and hold ~30 MB on a novel."""
    cues = ctx.turn_cues
    if cues is None or cues.index != turn.index:
        cues = ctx.turn_cues = _turn_cues(ctx, turn)
    return cues


def speaker_features(
    ctx: _Context,
    turn: Turn,
    history: Sequence[tuple[str | None, tuple[str, ...]]],
    cands: Sequence[str],
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Features of every candidate for one turn, and what the tags said (for the cue)."""
    cues = _cues(ctx, turn)
    in_conv = cues.in_conv
    prev_sp = history[-1][0] if history and in_conv else None
    prev2_sp = history[-2][0] if len(history) >= 2 and cues.prev2_linked else None
    recent_speakers = _recent_speakers(history)
    same_para_prev = cues.same_para and history and history[-1][0]
    kind = cues.kind
    per = {c: cues.candidate(c) for c in cands}
    voice_rival = dict(zip(per, _rivals([cc.voice for cc in per.values()])))
    length_rival = dict(zip(per, _rivals([cc.voice_length for cc in per.values()])))
    feats: dict[str, dict[str, float]] = {}
    for c, cc in per.items():
        head, middle, late, tail = cc.runs
        f = dict(head)
        fired: list[str] = []
        if prev_sp == c:
            f["prev_speaker"] = 1
            fired.append("prev_speaker")
        if prev2_sp == c:
            f["prev2_speaker"] = 1
            fired.append("prev2_speaker")
            if prev_sp and prev_sp != c:
                f["alternation"] = 1
                fired.append("alternation")
        f.update(middle)
        if recent_speakers[:1] == [c]:
            f["recent_speaker_rank0"] = 1
            fired.append("recent_speaker_rank0")
        elif recent_speakers[1:2] == [c]:
            f["recent_speaker_rank1"] = 1
            fired.append("recent_speaker_rank1")
        elif recent_speakers[2:3] == [c]:
            f["recent_speaker_rank2"] = 1
            fired.append("recent_speaker_rank2")
        if c in recent_speakers:
            f["recent_speaker_any"] = 1
            fired.append("recent_speaker_any")
        if in_conv and c in recent_speakers[:2]:
            f["conversation_pair"] = 1
            fired.append("conversation_pair")
        f.update(late)
        if same_para_prev and history[-1][0] == c:
            f["same_para_prev_speaker"] = 1
            fired.append("same_para_prev_speaker")
        f.update(tail)
        if cc.voice_length:
            f["voice_length"] = cc.voice_length
            f["voice_length_margin"] = cc.voice_length - length_rival[c]
        if cc.voice:
            # how like this character the words sound, and by how much more than the likeliest
            # other candidate with a profile (0 when there is none)
            rival = voice_rival[c]
            f["voice"] = cc.voice
            f["voice_margin"] = cc.voice - rival
            if cc.voice > rival:
                f["voice_top"] = 1
        key = tuple(fired)
        crossed = cc.crossed.get(key)
        if crossed is None:
            crossed = cc.crossed[key] = _crossed(f, kind)
        f.update(crossed)
        feats[c] = f
    return feats, cues.info


def _rivals(values: Sequence[float]) -> list[float]:
    """For each value, the largest of the others that is not 0 (0.0 when there is none): the
    two largest are found once, not all the others scanned for each."""
    best = second = -1
    for i, v in enumerate(values):
        if not v:
            continue
        if best < 0 or v > values[best]:
            best, second = i, best
        elif second < 0 or v > values[second]:
            second = i
    out = []
    for i in range(len(values)):
        j = second if i == best else best
        out.append(values[j] if j >= 0 else 0.0)
    return out


def _crossed(f: Mapping[str, float], kind: str | None) -> dict[str, float]:
    """The pair features of a candidate's features ``f``, and their per-tag-kind copies."""
    out: dict[str, float] = {}
    present = [k for k in _CROSSED if k in f]
    for n, first in enumerate(present):
        for second in present[n + 1 :]:
            out[_PAIR_NAMES[first, second]] = 1
    if kind:
        out.update({name: f[k] for k, name in _KIND_NAMES[kind] if k in f})
    return out


def _turn_cues(ctx: _Context, turn: Turn) -> _TurnCues:
    """Read the turn's tags, beats, vocatives and neighbours once (see _TurnCues)."""
    text = ctx.text
    after, before = ctx.turn_tags[turn.index]
    tag_named = next((t.named for t in after if t.named), None) or before.named
    pron = next((t.pronoun for t in after if t.pronoun), None) or before.pronoun
    first_after = after[0].first_named if after else None
    tag_subject = next((t.subject for t in after if t.subject), None) or before.subject
    subj_pron = None
    if not tag_subject:
        subj_pron = next((t.subject_pronoun for t in after if t.subject_pronoun), None) or before.subject_pronoun
    beat_subjects = subjects(text, turn.para_narration, ctx.index)
    para_mentioned = _para_mentions(ctx, turn)
    voc = ctx.turn_vocatives[turn.index]
    in_quote = _in_quote(ctx, turn)
    prev_turn = ctx.turns[turn.index - 1] if turn.index else None
    in_conv = _in_conversation(ctx, turn, prev_turn)
    next_turn = ctx.turns[turn.index + 1] if turn.index + 1 < len(ctx.turns) else None
    next_voc: set[str] = set()
    k = turn.index
    linked_next = next_turn is not None and _in_conversation(ctx, next_turn, turn)
    if linked_next:
        next_voc = ctx.turn_vocatives[k + 1]
    linked_next2 = linked_next and k + 2 < len(ctx.turns) and _in_conversation(ctx, ctx.turns[k + 2], next_turn)
    linked_prev2 = in_conv and k >= 2 and _in_conversation(ctx, prev_turn, ctx.turns[k - 2])  # type: ignore[arg-type]
    prev_tag = ctx.tag_named[k - 1] if in_conv else None
    conv_tags, even_tag, odd_tag = ctx.conversation_tags[k]
    odd_voc, even_voc = ctx.conversation_vocatives[k]
    talked_about = _talked_about(ctx, k)
    even_pron, odd_pron = ctx.conversation_pronouns[k]
    prev2_tag = ctx.tag_named[k - 2] if linked_prev2 else None
    next_tag = ctx.tag_named[k + 1] if linked_next else None
    next2_tag = ctx.tag_named[k + 2] if linked_next2 else None
    prev_voc = ctx.turn_vocatives[k - 1] if in_conv else set()
    # whom the narration of the turn before points at, in a paragraph of its own: "Elizabeth
    # looked at Jane. '…'" and "said she to Charlotte" put the next word with Jane and Charlotte
    # (and who acts in the paragraphs of the turns either side, "Jane blushed. '…'": likely
    # their speakers, and so, in an exchange, not this one's)
    prev_para: set[str] = set()
    prev_objects: set[str] = set()
    prev_beat: set[str] = set()
    if in_conv and prev_turn is not None and prev_turn.last_paragraph != turn.paragraph:
        prev_para = _para_mentions(ctx, prev_turn)
        prev_objects = _tag_objects(*ctx.turn_tags[k - 1])
        prev_beat = set(subjects(text, prev_turn.para_narration, ctx.index))
    next_beat: set[str] = set()
    if linked_next and next_turn is not None and next_turn.paragraph != turn.last_paragraph:
        next_beat = set(subjects(text, next_turn.para_narration, ctx.index))
    # "Yes, sir." just before or after: whom it addresses, likely this turn's speaker, is a man
    address = (
        ("prev_address", ctx.turn_address[k - 1] if in_conv else None),
        ("next_address", ctx.turn_address[k + 1] if linked_next else None),
    )
    next2_voc = ctx.turn_vocatives[k + 2] if linked_next2 else set()
    # most recent narration mentions, for pronoun resolution
    recent = ctx.index.narration_before(turn.start, limit=30)
    para_start = ctx.story.paragraphs[turn.paragraph].start
    # a pronoun in the tag refers to the nearest compatible character before the tag
    wanted = pronoun_gender(pron)
    # looked for before the stretch of narration holding the pronoun: for a lead-in, its own
    # sentence, so that "First Kate looked at her watch. When told the time, she rose, and
    # said:" points back to Kate, named in the lead-in's paragraph
    tag_pos = next((t.span[0] for t in after if t.pronoun), None)
    if tag_pos is None:
        tag_pos = before.span[0] if before.pronoun or before.subject_pronoun else turn.before[0]
    ranked_compatible = _ranked_by_gender(ctx, tag_pos, wanted, 30)
    ranked_subjects = _ranked_by_gender(ctx, tag_pos, wanted, 30, subjects_only=True) if pron in ("he", "she") else []
    ranked_agents = _ranked_by_gender(ctx, tag_pos, wanted, 30, agents_only=True) if pron in ("he", "she") else []
    ranked_subj: list[str] = []
    if subj_pron in ("he", "she") and not pron:
        ranked_subj = _ranked_by_gender(ctx, tag_pos, pronoun_gender(subj_pron), 30)
    para_pron = _opening_pronoun(text, turn.para_narration[0]) if turn.para_narration else None
    para_ranked = _ranked_by_gender(ctx, para_start, pronoun_gender(para_pron), 20) if para_pron else []
    beat_gender = ctx.beat_gender[turn.index]
    gap = ctx.gap[turn.index]
    next_gap = ctx.gap[k + 1] if linked_next else None
    # what the conversation's pronouns, the forms of address next door, the paragraph's beats
    # and the narration either side say of the speaker's gender
    # (each as the gender, then the names of its "x_match" and "x_clash" features)
    genders = [
        (g, f"{name}_match", f"{name}_clash")
        for name, g in (
            ("even_pron", even_pron), ("odd_pron", odd_pron), *address, ("beat_gender", beat_gender),
            ("gap_gender", gap.gender if gap else None), ("next_gap_gender", next_gap.gender if next_gap else None),
        )
        if g in ("male", "female")
    ]
    canon = _canon_character(ctx, turn)
    scene = ctx.scene[turn.index]
    scene_counts, scene_narr, scene_subj = scene.mentions, scene.narration, scene.acting
    scene_top = max(scene_counts.values(), default=0)
    narr_top = max(scene_narr.values(), default=0)
    subj_top = max(scene_subj.values(), default=0)
    total_mentions = max(1, max((c.mention_count for c in ctx.chars.values()), default=1))
    nominal = ctx.turn_nominal[turn.index]
    nom_gender = NOUN_GENDER.get(nominal[1]) if nominal else None
    mine = ctx.self_pronoun == "i" and nominal is not None and nominal[0].lower().startswith("my ")
    assoc = ctx.epithets.shares(nominal[0]) if nominal else {}
    assoc_top = max(assoc, key=assoc.__getitem__) if assoc else None
    # the description's uses in the last pages, and its head noun in a name ("the major")
    local = ctx.description_near[turn.index]
    local_top = max(local, key=local.__getitem__) if local else None
    by_turns = ctx.description_turns.get(nominal[0], {}) if nominal else {}
    by_turns_top = max(by_turns, key=by_turns.__getitem__) if by_turns else None
    in_name = ctx.name_words.get(nominal[1].lower(), []) if nominal else []
    possessor = None
    # "her companion replied": not the woman "her" is; "his eyes" and "her walk" are no one
    if nominal and nominal[0].split()[0] in ("his", "her") and nominal[1].lower() in _RELATIONS:
        owners = _ranked_by_gender(ctx, tag_pos, "male" if nominal[0].startswith("his") else "female", 30)
        possessor = owners[0] if owners else None
    if tag_named:
        kind = None
    elif pron in ("he", "she"):
        kind = "pron"
    elif nominal:
        kind = "nom"
    elif not pron:
        kind = "none"
    else:
        kind = None
    objects = _tag_objects(after, before)
    # a lead-in from the paragraph before that is a finished sentence reporting speech ("Miss
    # Bartlett uttered a cry of alarm.", "Mrs. Hurst began again.") leads into its speaker's
    # words only about half the time; one left open ("…said to her--") nearly always does
    reported = before.span[1] <= para_start and text[before.span[0] : before.span[1]].rstrip()[-1:] in (".", "!", "?")
    before_last = {m.character for m in ctx.index.between(*before.span)[-1:]} if before.span else set()
    no_tag = not tag_named and not pron and not before.verb and not any(t.verb for t in after)

    def describe(c: str) -> _CandidateCues:
        # the features of candidate ``c`` that its history does not change, in the order
        # speaker_features sets them; where the history's go is marked
        ch = ctx.chars[c]
        f: dict[str, float] = {}
        if tag_named == c and any(t.named == c for t in after):
            f["tag_after_named"] = 1
        if before.named == c:
            f["tag_before_named"] = 1
            if reported:
                f["lead_in_reported"] = 1
        if tag_named and tag_named != c:
            f["tag_named_other"] = 1
        if first_after == c:
            f["tag_after_first_named"] = 1
        if before.first_named == c or c in before_last:
            f["tag_before_last_named"] = 1
        if pron in ("he", "she") and not tag_named:
            if ranked_subjects[:1] == [c]:
                f["pron_tag_subject_rank0"] = 1
            if ranked_agents[:1] == [c]:
                f["pron_tag_agent_rank0"] = 1
            if ranked_compatible[:1] == [c]:
                f["pron_tag_rank0"] = 1
            elif ranked_compatible[1:2] == [c]:
                f["pron_tag_rank1"] = 1
            if compatible(ch.gender, wanted):
                f["pron_tag_compatible"] = 1
            else:
                f["pron_tag_incompatible"] = 1
        if pron is not None and pron == ctx.self_pronoun:  # '"…," I said', or '"…," you say'
            if c == ctx.narrator:
                f["narrator_i"] = 1
        elif c == ctx.narrator and (pron in ("he", "she") or (mine and not pron)):
            f["narrator_no_i"] = 1  # "he said", or in a story told by "I", "my brother shouted"
        if c in beat_subjects:
            f["beat_subject"] = 1
            if beat_subjects[0] == c:
                f["beat_first_subject"] = 1
        if c in para_mentioned:
            f["para_mention"] = 1
        if para_ranked[:1] == [c] and not tag_named and not pron:
            f["para_pron_rank0"] = 1
        if c in voc:
            f["vocative"] = 1
        elif c in in_quote:
            f["in_quote_mention"] = 1
        head, f = f, {}
        # (prev_speaker, prev2_speaker, alternation)
        if c in next_voc:
            f["next_vocative"] = 1
        dist = _distance(ctx, c, recent, turn)
        f["recency"] = math.exp(-dist / 3.0)
        middle, f = f, {}
        # (recent_speaker_rank0, recent_speaker_rank1, conversation_pair)
        f["log_mentions"] = math.log1p(_mentions(ctx, c, total_mentions)) / math.log1p(total_mentions)
        if scene_counts.get(c):
            f["scene_mentions"] = math.log1p(scene_counts[c]) / math.log1p(scene_top)
            if not scene_narr.get(c):
                f["scene_quoted_only"] = 1
        if scene_narr.get(c):
            f["scene_narration"] = math.log1p(scene_narr[c]) / math.log1p(narr_top)
        if scene_subj.get(c):
            f["scene_subject"] = math.log1p(scene_subj[c]) / math.log1p(subj_top)
        if canon and canon[0] == c:
            f["canon_speaker"] = 1
            if canon[1]:
                f["canon_speaker_verbatim"] = 1
        late, f = f, {}
        # (same_para_prev_speaker)
        if no_tag:
            f["no_tag"] = 1
        if tag_subject == c:
            f["tag_subject"] = 1
        if subj_pron in ("he", "she") and not pron and ranked_subj[:1] == [c]:
            f["tag_subject_pron_rank0"] = 1
        if prev_tag == c:
            f["prev_tag_named"] = 1
        if prev2_tag == c:
            f["prev2_tag_named"] = 1
        if next_tag == c:
            f["next_tag_named"] = 1
        if next2_tag == c:
            f["next2_tag_named"] = 1
        if c in prev_voc:
            f["prev_vocative"] = 1
        if c in prev_para:
            f["prev_para_mention"] = 1
        if c in prev_objects:
            f["prev_tag_object"] = 1
        if c in prev_beat:
            f["prev_beat_subject"] = 1
        if c in next_beat:
            f["next_beat_subject"] = 1
        if c in next2_voc:
            f["next2_vocative"] = 1
        if c in conv_tags:
            f["conv_tagged"] = 1
        if c == even_tag:
            f["even_tag"] = 1
        if c == odd_tag:
            f["odd_tag"] = 1
        if nom_gender:
            f["nom_gender_compatible" if compatible(ch.gender, nom_gender) else "nom_gender_incompatible"] = 1
        if c in assoc:
            f["nom_assoc"] = assoc[c]
            if c == assoc_top:
                f["nom_assoc_top"] = 1
            # more often near the description than the character is mentioned at all
            f["nom_lift"] = max(-4.0, min(4.0, math.log(assoc[c] * ctx.all_mentions / max(1, ch.mention_count))))
        if c == possessor:
            f["nom_possessor"] = 1
        if nominal and tag_named == c:
            f["tag_named_described"] = 1
        if c in local:
            f["nom_local"] = local[c]
            if c == local_top:
                f["nom_local_top"] = 1
        if c in in_name:
            f["nom_in_name"] = 1
        if c in by_turns:
            f["nom_turns"] = by_turns[c]
            if c == by_turns_top:
                f["nom_turns_top"] = 1
        if nominal and tag_named == c:
            # the tag names a cast entry by its description ("The Painter"), but the turn-taking
            # around the description's uses says it is someone else (Basil)
            other = max((v for o, v in by_turns.items() if o != c), default=0.0)
            if other > 0:
                f["described_turns_other"] = other
        if ch.gender in ("male", "female"):
            for g, match, clash in genders:
                f[match if g == ch.gender else clash] = 1
        if gap:
            f["gap"] = 1
            if c in gap.subjects:
                f["gap_subject"] = 1
                if gap.subjects[-1] == c:
                    f["gap_last_subject"] = 1
            if c in gap.mentioned:
                f["gap_mention"] = 1
            if c in gap.answered or ch.gender in gap.answered:
                f["gap_answered"] = 1
            if c in gap.went_on or ch.gender in gap.went_on:
                f["gap_went_on"] = 1
        if next_gap and c in next_gap.subjects:
            f["next_gap_subject"] = 1
        if c in objects:
            f["tag_object"] = 1
        if c in odd_voc:
            f["odd_vocative"] = 1
        if c in even_voc:
            f["even_vocative"] = 1
        if c in talked_about:
            f["talked_about"] = 1
        # (then the voice features, which compare the candidate with the others)
        return _CandidateCues(
            (head, middle, late, f), ctx.voices.score(c, turn.index), ctx.voices.length_score(c, turn.index)
        )

    return _TurnCues(
        index=turn.index,
        in_conv=in_conv,
        prev2_linked=bool(linked_prev2),
        same_para=prev_turn is not None and prev_turn.last_paragraph == turn.paragraph,
        kind=kind,
        info={"named": tag_named, "pronoun": pron, "after": after, "before": before},
        describe=describe,
    )


_EPITHET_REACH = 6000  # characters before a turn in which a description's uses are read for it
_REACH = 16  # turns either way in which a conversation's speech tags, pronouns and vocatives are read


def _para_mentions(ctx: _Context, turn: Turn) -> set[str]:
    """The characters the narration of the turn's paragraphs names."""
    return {m.character for a, b in turn.para_narration for m in ctx.index.between(a, b)}


def _tag_objects(after: Sequence[TagInfo], before: TagInfo) -> set[str]:
    """The characters a turn's tags name as spoken to or acted on ("said she to Charlotte")."""
    return {c for t in (*after, before) for c in t.objects}


def _exchanges(turns: Sequence[Turn]) -> list[int]:
    """Per turn, the number of its exchange: turns in one paragraph are one exchange ('"I'm a
    strong swimmer." He pulled the blanket tighter. "Stronger than you."' is one speaker's), and
    each paragraph that opens a turn opens the next. Two people alternate by exchanges, not by
    turns."""
    out: list[int] = []
    for k, turn in enumerate(turns):
        same = k > 0 and turn.paragraph == turns[k - 1].last_paragraph
        out.append(out[-1] if same else (out[-1] + 1 if out else 0))
    return out


def _exchanges_apart(ctx: _Context, k: int, j: int) -> int:
    """How many exchanges apart turns ``k`` and ``j`` are (0: the same paragraph)."""
    return abs(ctx.exchange[k] - ctx.exchange[j])


def _conversation_tags(ctx: _Context, k: int) -> tuple[set[str], str | None, str | None]:
    """Who the speech tags of turn ``k``'s conversation name, and the nearest tagged speaker an
    even number of exchanges away, in the same paragraph too (two people alternate: likely this
    turn's speaker) and an odd number away, three or more (likely the other). Read from tags
    only, in both directions, so a wrong guess earlier in the conversation does not carry over."""
    conv = ctx.conversation[k]
    names: set[str] = set()
    even: tuple[int, str] | None = None
    odd: tuple[int, str] | None = None
    for d in range(1, _REACH + 1):
        for j in (k - d, k + d):
            if 0 <= j < len(ctx.turns) and ctx.conversation[j] == conv and ctx.tag_named[j]:
                who = ctx.tag_named[j]
                assert who is not None
                names.add(who)
                e = _exchanges_apart(ctx, k, j)
                if e % 2 == 0 and even is None:
                    even = (d, who)
                elif e % 2 == 1 and e >= 3 and odd is None:
                    odd = (d, who)
    return names, even[1] if even else None, odd[1] if odd else None


#: How much the speech tag of a turn d turns away from a described one counts for the
#: description standing for the character it names; for it at an even number of exchanges
#: (two people alternate: likely the same speaker), against it at an odd one (see _exchanges:
#: a turn next door in the same paragraph is the same speaker's).
_DESCRIPTION_TURNS = ((1, 1.0), (2, 1.0), (3, 0.5), (4, 0.5))


def _description_turns(ctx: _Context) -> dict[str, dict[str, float]]:
    """Whom each description of the speech tags stands for, read off the turn-taking around
    all its uses in the story: when "said the painter" and "said Lord Henry" take turns and
    "said Basil" comes two turns after the painter, the painter is Basil. The names of the
    tags around every use of the description are pooled (see _DESCRIPTION_TURNS); the result
    is each character's share of the positive totals. Only tags that name a character by
    name count, so a cast entry called "The Painter" does not vote for itself."""
    votes: dict[str, dict[str, float]] = {}
    n = len(ctx.turns)
    for k, nominal in enumerate(ctx.turn_nominal):
        if not nominal:
            continue
        pooled = votes.setdefault(nominal[0], {})
        conv = ctx.conversation[k]
        for d, weight in _DESCRIPTION_TURNS:
            for j in (k - d, k + d):
                if 0 <= j < n and ctx.conversation[j] == conv and ctx.tag_named[j] and not ctx.turn_nominal[j]:
                    who = ctx.tag_named[j]
                    assert who is not None
                    # the sign by exchanges: in the same paragraph, the same speaker
                    sign = -1.0 if _exchanges_apart(ctx, k, j) % 2 else 1.0
                    pooled[who] = pooled.get(who, 0.0) + sign * weight
    return {phrase: _normalized([{c: v for c, v in pooled.items() if v > 0}]) for phrase, pooled in votes.items()}


def _conversation_pronouns(ctx: _Context, k: int) -> tuple[str | None, str | None]:
    """The gender of the nearest "he said"/"she said" tag of turn ``k``'s conversation, or of the
    beats of an untagged turn ("He shrugged.", see _beat_gender), at an even number of exchanges
    away (two people alternate: likely this turn's speaker's) and at an odd number (likely the
    other's), either way. With a man and a woman talking, a pronoun anchors the turn-taking as
    a name does."""
    conv = ctx.conversation[k]
    even: str | None = None
    odd: str | None = None
    for d in range(1, _REACH + 1):
        for j in (k - d, k + d):
            if not (0 <= j < len(ctx.turns)) or ctx.conversation[j] != conv or ctx.tag_named[j]:
                continue
            after, before = ctx.turn_tags[j]
            pron = next((t.pronoun for t in after if t.pronoun), None) or before.pronoun
            gender = pronoun_gender(pron)
            if pron is None:
                gender = ctx.beat_gender[j]  # "He shrugged. "
            if gender:
                e = _exchanges_apart(ctx, k, j)
                if e % 2 == 0 and even is None:
                    even = gender
                elif e % 2 == 1 and odd is None:
                    odd = gender
    return even, odd


_BEAT_PRONOUN = re.compile(r"(?:^|[.!?;:—–]|--)\s*[\"'“”‘’]?\s*(He|She|His|Her)\b")


def _beat_gender(text: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """The gender of the sentences in a turn's paragraph that open with "He", "She", "His" or
    "Her" ('Her face fell. "No."'), when they all agree: the one whose actions the paragraph
    narrates is likely the one speaking in it."""
    found = {m.group(1) in ("He", "His") for a, b in spans for m in _BEAT_PRONOUN.finditer(text[a:b])}
    if len(found) != 1:
        return None
    return "male" if found.pop() else "female"


@dataclass(frozen=True, slots=True)
class _Gap:
    """The narration paragraphs between a turn and the one before it."""

    subjects: tuple[str, ...]  # characters named at the start of a sentence, in order
    gender: str | None  # of its He/She sentences, when they agree (see _beat_gender)
    mentioned: frozenset[str]
    # who answers without words or is silent in it ("He smiled, and assured her that …"), and
    # who goes on ("She paused for a minute, and then went on"): character ids, or "male" and
    # "female" for a sentence that opens with "He" or "She"
    answered: frozenset[str] = frozenset()
    went_on: frozenset[str] = frozenset()


_GAP_PARAGRAPHS = 2  # narration paragraphs read back from a turn


def _gap(ctx: _Context, k: int) -> _Gap | None:
    """What the narration between turn ``k`` and the turn before it does, read from at most
    its last two paragraphs: 'She received no answer. Mrs. Wilcox appeared to be annoyed.'
    and 'He nodded.' are a turn without words. The one who takes it has answered, so the
    next words are likely the other's; at a conversation's start it is the lead-in. Its
    sentences also say who answers without words ("He smiled, and assured her that …") and who
    goes on ("She paused, and then went on")."""
    turn = ctx.turns[k]
    first = max(0, turn.paragraph - _GAP_PARAGRAPHS, ctx.turns[k - 1].last_paragraph + 1 if k else 0)
    scene = ctx.para_scene[turn.paragraph]
    spans = [
        (p.start, p.end)
        for i, p in enumerate(ctx.story.paragraphs[first : turn.paragraph], start=first)
        if ctx.para_scene[i] == scene
    ]
    if not spans:
        return None
    answered: set[str] = set()
    went_on: set[str] = set()
    for a, b in spans:
        for sentence in _SENTENCE.finditer(ctx.text, a, b):
            who = _sentence_subject(ctx, sentence.start(), sentence.end())
            if who is None:
                continue
            if _WENT_ON.search(sentence.group()):
                went_on.add(who)
            elif _ANSWERED.search(sentence.group()):
                answered.add(who)
    return _Gap(
        subjects=tuple(subjects(ctx.text, spans, ctx.index)),
        gender=_beat_gender(ctx.text, spans),
        mentioned=frozenset(m.character for a, b in spans for m in ctx.index.between(a, b)),
        answered=frozenset(answered),
        went_on=frozenset(went_on),
    )


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_ANSWERED = re.compile(
    r"\b(?:replied|answered|rejoined|assented|agreed|nodded|shrugged|bowed|obeyed|smiled|laughed|assured|"
    r"shook (?:his|her) head|was silent|made no (?:answer|reply)|did not (?:answer|reply)|said nothing|"
    r"gave no (?:answer|reply))\b"
)
_WENT_ON = re.compile(r"\b(?:went on|continued|resumed|pursued|persisted|paused|hesitated)\b")
_HE_SHE = re.compile(r"[\s\"'“”‘’]*(He|She)\b")


def _sentence_subject(ctx: _Context, a: int, b: int) -> str | None:
    """Who a narration sentence is about: the character named at its start, or "male" or
    "female" when it opens with "He" or "She"."""
    m = _HE_SHE.match(ctx.text, a, b)
    if m:
        return "male" if m.group(1) == "He" else "female"
    first = next(iter(ctx.index.between(a, min(b, a + 60))), None)
    return first.character if first and opens_sentence(ctx.text, first.start, a) else None


def _opening_pronoun(text: str, span: tuple[int, int]) -> str | None:
    """"he" or "she" when a stretch of narration opens with it ("She bit her lip.")."""
    a, b = span
    head = text[a : min(b, a + 40)].lstrip(" \"'“”‘’—–-").split(" ", 1)[0].lower()
    return head if head in ("he", "she") else None


def _conversation_vocatives(ctx: _Context, k: int) -> tuple[set[str], set[str]]:
    """Who the nearest turns of turn ``k``'s conversation address by name three or more turns
    away, at an odd number of exchanges (two people alternate: the one addressed answers, so likely this
    turn's speaker) and at an even one (likely the other). The nearest turns, one and two away,
    have features of their own."""
    conv = ctx.conversation[k]
    odd: set[str] = set()
    even: set[str] = set()
    for d in range(3, _REACH + 1):
        for j in (k - d, k + d):
            if 0 <= j < len(ctx.turns) and ctx.conversation[j] == conv and ctx.turn_vocatives[j]:
                (odd if _exchanges_apart(ctx, k, j) % 2 else even).update(ctx.turn_vocatives[j])
        if odd or even:
            break
    return odd, even


def _talked_about(ctx: _Context, k: int) -> set[str]:
    """Who two or more other turns of turn ``k``'s conversation (within ``_REACH`` turns) name
    inside their quotations but none addresses by name: likely someone the speakers talk
    about, not one of them ('"Saarinen calls it tea." … "Saarinen's wrong about a lot of
    things."' between Juno and Ike)."""
    conv = ctx.conversation[k]
    named: Counter[str] = Counter()
    addressed: set[str] = set()
    for j in range(max(0, k - _REACH), min(len(ctx.turns), k + _REACH + 1)):
        if ctx.conversation[j] != conv:
            continue
        addressed |= ctx.turn_vocatives[j]
        if j != k:
            named.update(_in_quote(ctx, ctx.turns[j]))
    return {c for c, n in named.items() if n >= 2 and c not in addressed}


def _in_quote(ctx: _Context, turn: Turn) -> set[str]:
    """Characters named anywhere inside the turn's quotations, but not the speaker introducing
    themselves ("I'm Rhiannon")."""
    return {m.character for q in turn.quotes for m in ctx.index.between(q.start, q.end) if m.start not in ctx.introduced}


_INTRODUCING = re.compile(
    rf"(?:\bI['’]m|\bI am|\b[Mm]y name is|\b[Mm]y name['’]s|\b[Nn]ame['’]s|\b[Cc]all me)\s+(?:(?:{TITLE_RX})\.?\s+){{0,2}}$"
)


#: A question for the name of the one spoken to: "What's your name?", "Who are you?", "And you are?"
_ASKS_NAME = re.compile(
    r"\b(?:[Ww]hat['’]s\s+your\s+name|[Ww]hat\s+is\s+your\s+name|[Ww]ho\s+are\s+you|[Aa]nd\s+you\s+are|"
    r"[Yy]our\s+name)\s*[?!.]*\s*$"
)


def _asks_name(text: str, turn: Turn) -> bool:
    """Does the turn end by asking the one spoken to for their name?"""
    last = turn.quotes[-1]
    return _ASKS_NAME.search(text, last.start, last.end) is not None


def _introduced(text: str, turn: Turn, index: MentionIndex, *, asked: bool = False) -> Mention | None:
    """The one character a turn's quotations introduce as the speaker ("I'm Rhiannon", "My name
    is Felix Marr", "I'm Detective Sergeant Pryce", "Call me Hask"); not "I'm Tash's friend".
    When the turn before ``asked`` for a name ("What's your name?"), a name that opens the
    answer is the speaker's too ("Beth. Bethany Moss.")."""
    if asked:
        q = turn.quotes[0]
        opening = index.between(q.start, q.end)[:1]
        if (
            opening
            and text[opening[0].start].isupper()
            and not text[q.start : opening[0].start].strip(" \"“'‘")
            and text[opening[0].end : opening[0].end + 1] in ".,!"
        ):
            return opening[0]
    found = []
    for q in turn.quotes:
        for m in index.between(q.start, q.end):
            if (
                text[m.start].isupper()  # "I am a man of self-respect" introduces no "A Man"
                and _INTRODUCING.search(text, max(q.start, m.start - 40), m.start)
                and text[m.end : m.end + 2] not in ("'s", "’s")
            ):
                found.append(m)
    return found[0] if len({m.character for m in found}) == 1 else None


_VERB = "|".join(sorted(SPEECH_VERBS))
#: A tag whose speaker is not yet seen: "said a voice from the door", "a voice behind them
#: said", "someone called".
_UNSEEN = re.compile(
    rf"[\s,]*(?:(?:{_VERB})\s+(?:a|an)\s+(?:[\w-]+\s+){{0,2}}voice\b"
    rf"|(?:a|an)\s+(?:[\w-]+\s+){{0,2}}voice\b[^.!?\"“]{{0,40}}?\b(?:{_VERB})\b"
    rf"|(?:someone|somebody)\s+(?:[a-z]+\s+)?(?:{_VERB})\b|(?:{_VERB})\s+(?:someone|somebody)\b)",
    re.IGNORECASE,
)
#: A name's verb that reacts to a voice: the one who hears it, not the one who spoke.
_HEARS = re.compile(
    r"['’]s\b|\s+(?:[a-z]+ly\s+)?(?:turned|turns|looked|looks|glanced|glances|jumped|jumps|spun|spins|whirled|"
    r"whirls|froze|freezes|started|starts|stiffened|stiffens|flinched|flinches|twisted|twists|swung|swings|"
    r"startled|startles|winced|winces|sat\s+up|sits\s+up)\b"
)


def _revealed(story: Story, turn: Turn, index: MentionIndex, limit: int) -> Mention | None:
    """Who the narration shows after a voice it did not name ("said a voice behind him"): the
    first character it names at the start of a sentence, or after "it was", in the next
    sentences up to the next quotation (``limit``) and the end of the next paragraph; not one
    who turns or looks up (that is who heard it)."""
    text = story.text
    paragraphs = story.paragraphs
    end = paragraphs[min(len(paragraphs) - 1, turn.last_paragraph + 1)].end
    tag_end = _SENTENCE_END.search(text, turn.end, min(limit, end))
    if tag_end is None:
        return None
    for m in index.between(tag_end.end(), min(limit, end)):
        if index.inside_quote(m.start) or _HEARS.match(text, m.end):
            continue
        if opens_sentence(text, m.start) or _IT_WAS.search(text, max(0, m.start - 12), m.start):
            return m
        return None
    return None


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*(?=\s)")
_IT_WAS = re.compile(r"\b(?:it|It)\s+(?:was|is)\s+$")


def _recent_speakers(history: Sequence[tuple[str | None, tuple[str, ...]]]) -> list[str]:
    """The distinct speakers of the last turns, most recent first."""
    out: list[str] = []
    for sp, _ in reversed(history[-_HISTORY:]):
        if sp and sp not in out:
            out.append(sp)
    return out


def _ranked_by_gender(
    ctx: _Context, pos: int, wanted: str | None, limit: int, *, subjects_only: bool = False, agents_only: bool = False
) -> list[str]:
    """Characters named in the narration before ``pos``, nearest first, that a pronoun of
    gender ``wanted`` can refer to (what "she said" most likely points back to); with
    ``subjects_only``, only names that open a sentence or clause (the likelier antecedents);
    with ``agents_only``, not names that are acted on or owners ("looked at Katharine",
    "nodded to Denham", "Emma's"): the one who looks and nods is the likelier "she"."""
    out: list[str] = []
    text = ctx.text
    for m in ctx.index.narration_before(pos, limit=limit):
        if subjects_only and not opens_sentence(text, m.start):
            continue
        if agents_only and (_ACTED_ON_BEFORE.search(text, max(0, m.start - 20), m.start) or _POSSESSIVE.match(text, m.end)):
            continue
        g = ctx.chars[m.character].gender if m.character in ctx.chars else "unknown"
        if m.character not in out and compatible(g, wanted):
            out.append(m.character)
    return out


#: A preposition, or a verb that takes a person as its object, just before a name ("looked at
#: Katharine", "told Ralph"): the name is acted on, not acting. Read back 20 characters, for
#: the antecedent of a tag's pronoun; _dialogue's _object_name, which reads the names inside
#: tags, has a list of its own (the two differ in a dozen verbs; one list for both, _dialogue's,
#: measured lower on PDNC: BENCHMARKS.md, session 38).
_ACTED_ON_BEFORE = re.compile(
    r"\b(?:to|at|with|for|from|by|of|on|upon|towards?|into|about|than|behind|beside|after|before|like|"
    r"saw|see|seen|watched|told|asked|kissed|met|left|joined|followed|answered|addressed|thanked|"
    r"took|gave|let|made|heard|helped|found|called|pleased)\s+$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s\b")
_SELF = re.compile(r"\b(?:I|me|my|myself)\b")


def _mentions(ctx: _Context, c: str, most: int) -> int:
    """How often a character is mentioned; an unnamed narrator counts as the most mentioned."""
    return most if ctx.self_mentions and c == ctx.narrator else ctx.chars[c].mention_count


def _distance(ctx: _Context, c: str, recent: Sequence[Any], turn: Turn, *, by_name: bool = False) -> float:
    """Paragraphs since the candidate was last named in narration (a large number if never
    nearby); for an unnamed narrator, unless ``by_name``, since the narration last said "I",
    "me" or "my"."""
    if ctx.self_mentions and c == ctx.narrator and not by_name:
        if any(bisect.bisect_left(ctx.self_mentions, a) < bisect.bisect_left(ctx.self_mentions, b) for a, b in turn.para_narration):
            return 0.0
        i = bisect.bisect_left(ctx.self_mentions, turn.start) - 1
        return float(min(20, max(0, turn.paragraph - _paragraph_at(ctx, ctx.self_mentions[i])))) if i >= 0 else 20.0
    for a, b in turn.para_narration:
        for m in ctx.index.between(a, b):
            if m.character == c:
                return 0.0
    for m in recent:
        if m.character == c:
            k = _paragraph_at(ctx, m.start)
            return float(max(0, turn.paragraph - k))
    return 20.0


def _paragraph_at(ctx: _Context, pos: int) -> int:
    return max(0, bisect.bisect_right(ctx.para_starts, pos) - 1)


def softmax(scores: Sequence[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def decide_speaker(
    ctx: _Context,
    turn: Turn,
    history: Sequence[tuple[str | None, tuple[str, ...]]],
    cands: Sequence[str],
    model: Ranker,
    *,
    chosen: str | None = None,
) -> tuple[str | None, float, str, tuple[int, int] | None]:
    """The likeliest speaker (or ``chosen``, when a search already picked it) and its confidence."""
    if not cands:
        return None, 0.0, "none", None
    feats, info = speaker_features(ctx, turn, history, cands)
    probs = model.probabilities([feats[c] for c in cands])
    best = max(range(len(cands)), key=lambda i: probs[i])
    if chosen is not None and chosen in cands:
        best = list(cands).index(chosen)
    speaker = cands[best]
    f = feats[speaker]
    if f.get("tag_after_named") or f.get("tag_before_named"):
        cue = "explicit"
    elif f.get("pron_tag_rank0") or f.get("pron_tag_rank1") or f.get("pron_tag_compatible") or f.get("narrator_i"):
        cue = "anaphoric"
    else:
        cue = "implicit"
    evidence = None
    for t in (*info["after"], info["before"]):
        if isinstance(t, TagInfo) and (t.named == speaker or t.pronoun) and t.span:
            evidence = t.span
            break
    return speaker, probs[best], cue, evidence


# -- addressees -----------------------------------------------------------------------------


def addressee_features(
    ctx: _Context,
    turn: Turn,
    history: Sequence[tuple[str | None, tuple[str, ...]]],
    speaker: str | None,
    next_speaker: str | None = None,
) -> dict[str, dict[str, float]]:
    """Features of every candidate addressee of one turn. ``next_speaker`` is whoever speaks
    the next turn (decoded): in a conversation the one spoken to mostly answers."""
    text = ctx.text
    voc = ctx.turn_vocatives[turn.index]
    in_quote = _in_quote(ctx, turn)
    prev_turn = ctx.turns[turn.index - 1] if turn.index else None
    in_conv = _in_conversation(ctx, turn, prev_turn)
    prev_sp = history[-1][0] if history and in_conv else None
    prev_addr = history[-1][1] if history and in_conv else ()
    next_turn = ctx.turns[turn.index + 1] if turn.index + 1 < len(ctx.turns) else None
    linked_next = next_turn is not None and _in_conversation(ctx, next_turn, turn)
    next_named = ctx.tag_named[turn.index + 1] if linked_next else None
    recent_speakers = _recent_speakers(history)
    para_mentioned = _para_mentions(ctx, turn)
    to_named = set()
    for a, b in turn.para_narration:
        for m in re.finditer(r"\b(?:to|at|towards|toward)\s+", text[a:b]):
            for mm in ctx.index.between(a + m.end(), a + m.end() + 20)[:1]:
                to_named.add(mm.character)
    cands: dict[str, None] = {}
    for c in (*sorted(voc), *([prev_sp] if prev_sp else []), *recent_speakers[:4], *sorted(para_mentioned), *sorted(to_named)):
        if c and c != speaker and c in ctx.chars:
            cands.setdefault(c, None)
    if not linked_next:
        next_speaker = None
    for who in (next_named, next_speaker):
        if who and who != speaker and who in ctx.chars:
            cands.setdefault(who, None)
    # the "I" of the story is in every scene it tells, named or not. (Not the "you" of a story
    # in the second person: no training novel is one, and in our reader-insert the feature drew
    # talk between two others to the Reader.)
    narrator = ctx.narrator if ctx.self_pronoun == "i" and ctx.narrator != speaker and ctx.narrator in ctx.chars else None
    if narrator:
        cands.setdefault(narrator, None)
    recent = ctx.index.narration_before(turn.start, limit=30)
    total_mentions = max(1, max((c.mention_count for c in ctx.chars.values()), default=1))
    out: dict[str, dict[str, float]] = {}
    for c in cands:
        f: dict[str, float] = {}
        if c in voc:
            f["vocative"] = 1
        elif c in in_quote:
            f["in_quote_mention"] = 1
        if c == prev_sp:
            f["prev_speaker"] = 1
            if speaker in prev_addr:
                f["prev_speaker_addressed_speaker"] = 1
        if c == next_named:
            f["next_speaker"] = 1
        if c == next_speaker:
            f["next_turn_speaker"] = 1
        if in_conv and c in recent_speakers[:2]:
            f["conversation_pair"] = 1
        if recent_speakers[1:2] == [c]:
            f["recent_speaker_rank1"] = 1
        if c in para_mentioned:
            f["para_mention"] = 1
        if c in to_named:
            f["tag_to_named"] = 1
        if c == narrator:
            f["narrator"] = 1
        # (an unnamed narrator is weighed by name here, as the model was trained: the one
        # spoken to is named, and "I" would make the narrator everyone's listener)
        f["recency"] = math.exp(-_distance(ctx, c, recent, turn, by_name=True) / 3.0)
        f["log_mentions"] = math.log1p(ctx.chars[c].mention_count) / math.log1p(total_mentions)
        for first, second, pair in _ADDR_PAIRS:
            if first in f and second in f:
                f[pair] = f[first] * f[second]
        out[c] = f
    return out


def decide_addressees(
    ctx: _Context,
    turn: Turn,
    history: Sequence[tuple[str | None, tuple[str, ...]]],
    speaker: str | None,
    model: Model,
    next_speaker: str | None = None,
) -> tuple[str, ...]:
    feats = addressee_features(ctx, turn, history, speaker, next_speaker)
    if not feats:
        return ()
    cands = list(feats)
    probs = model.probabilities([feats[c] for c in cands])
    order = sorted(range(len(cands)), key=lambda i: -probs[i])
    chosen = [cands[order[0]]]
    # a second addressee only when clearly addressed too (a vocative naming both)
    for i in order[1:]:
        if feats[cands[i]].get("vocative") and probs[i] > 0.2:
            chosen.append(cands[i])
    return tuple(chosen)
