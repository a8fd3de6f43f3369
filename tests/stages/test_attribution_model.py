"""The attribution model's machinery: training recovers a ranking, the beam beats greed,
confidence thresholds, and canon evidence against speech tags."""

from __future__ import annotations

import json

import numpy as np
import pytest

import ficlens
from ficlens.stages.attribution import (
    SPEAKER_FEATURES,
    Model,
    TreeModel,
    models_from_dict,
    shipped_models,
    softmax,
)
from ficlens.training.attribution import (
    TREE_SEEDS,
    NovelData,
    fit,
    fit_speaker_trees,
    fit_temperature,
    models_to_dict,
)


def test_training_fit_recovers_the_informative_feature() -> None:
    rng = np.random.default_rng(7)
    groups = []
    for _ in range(400):
        n = int(rng.integers(2, 6))
        x = rng.random((n, 3))
        x[:, 0] = 0.0
        gold = int(rng.integers(n))
        x[gold, 0] = 1.0  # feature 0 marks the right candidate
        groups.append((x, np.arange(n) == gold))
    w = fit(groups, 3)
    assert w[0] > 2.0
    assert abs(w[0]) > 5 * max(abs(w[1]), abs(w[2]))


def _ranking_groups(seed: int, n: int = 600) -> list[tuple[np.ndarray, np.ndarray]]:
    """Groups of candidates in which the right one has feature 0 set, unless feature 1 says
    a name is in the tag, in which case feature 2 marks it: a rule a weighted sum can't learn."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(n):
        k = int(rng.integers(2, 6))
        x = rng.random((k, len(SPEAKER_FEATURES))) * 0.1
        gold = int(rng.integers(k))
        named = rng.random() < 0.5
        x[:, 1] = float(named)
        x[gold, 2 if named else 0] = 1.0
        x[int(rng.integers(k)), 0 if named else 2] = 1.0  # the other cue points at a random candidate
        groups.append((x, np.arange(k) == gold))
    return groups


def test_training_trees_learn_a_rule_and_a_temperature() -> None:
    train = [NovelData(f"n{i}", speaker=_ranking_groups(i)) for i in range(4)]
    model = fit_speaker_trees(train)
    test = _ranking_groups(99, 300)
    right = 0
    for x, pos in test:
        scores = model.scores([dict(zip(SPEAKER_FEATURES, map(float, row))) for row in x])
        right += bool(pos[int(np.argmax(scores))])
    assert right / len(test) > 0.9
    assert 0.02 < model.temperature < 50


def test_training_averages_several_sets_of_trees_grown_with_different_seeds() -> None:
    train = [NovelData(f"n{i}", speaker=_ranking_groups(i)) for i in range(4)]
    model = fit_speaker_trees(train)
    assert len(model.trees) == len(TREE_SEEDS) > 1
    assert len(set(model.trees)) == len(model.trees)  # the seeds grew different trees
    rows = [dict(zip(SPEAKER_FEATURES, map(float, row))) for row in _ranking_groups(5, 1)[0][0]]
    alone = [TreeModel(SPEAKER_FEATURES, t).raw_scores(rows) for t in model.trees]
    assert np.allclose(model.raw_scores(rows), np.mean(alone, axis=0))
    # the shipped model is such an average too
    speaker, _ = shipped_models()
    assert isinstance(speaker, TreeModel) and len(speaker.trees) == len(TREE_SEEDS)


def test_training_temperature_softens_an_overconfident_ranker() -> None:
    # scores that always prefer the right candidate by 10 but are right only 60% of the time
    rng = np.random.default_rng(3)
    groups = []
    for _ in range(500):
        pos = np.array([rng.random() < 0.6, False])
        pos[1] = not pos[0]
        groups.append((np.array([10.0, 0.0]), pos))
    t = fit_temperature(groups)
    p = softmax([10.0 / t, 0.0])[0]
    assert abs(p - 0.6) < 0.03


def test_attribution_confidence_is_wider_than_the_beams_softmax() -> None:
    speaker, _ = shipped_models()
    assert isinstance(speaker, TreeModel)
    assert speaker.confidence_temperature > speaker.temperature
    rows = [{"tag_after_named": 1.0, "tag_subject": 1.0}, {"recency": 0.5}, {"vocative": 1.0}]
    beam = softmax(speaker.scores(rows))
    reported = speaker.probabilities(rows)
    assert max(range(3), key=lambda i: reported[i]) == max(range(3), key=lambda i: beam[i])
    assert max(reported) < max(beam)


def test_training_models_round_trip_through_json() -> None:
    speaker, addressee = shipped_models()
    assert isinstance(speaker, TreeModel)
    payload = json.loads(json.dumps(models_to_dict((speaker, addressee), novels=["A", "B"])))
    again = models_from_dict(payload)
    assert again[0].features == speaker.features
    rows = [{"tag_after_named": 1.0, "recency": 0.5}, {"vocative": 1.0}, {}]
    assert np.allclose(again[0].scores(rows), speaker.scores(rows))
    assert np.allclose(again[0].probabilities(rows), speaker.probabilities(rows))
    assert np.allclose(again[1].weights, addressee.weights, atol=1e-4)


def test_attribution_shipped_models_cover_every_feature() -> None:
    speaker, _ = shipped_models()
    assert speaker.features == SPEAKER_FEATURES
    # a name in the speech tag outranks a candidate named as the one spoken to
    named, addressed = speaker.scores([{"tag_after_named": 1.0}, {"vocative": 1.0}])
    assert named > addressed


def test_softmax_is_a_distribution() -> None:
    p = softmax([3.0, 1.0, -2.0])
    assert abs(sum(p) - 1.0) < 1e-9
    assert p[0] > p[1] > p[2]


STORY = """Nora came in from the rain.

"Where were you?" Dev asked.

"Out," said Nora.

"Out where?"

"Just out, Dev."
"""


def test_attribution_min_confidence_leaves_doubtful_quotes_unattributed() -> None:
    everything = ficlens.analyze(STORY)
    assert all(a.speaker for a in everything.attributions.values())
    strict = ficlens.analyze(STORY, min_confidence=1.0)
    assert all(a.speaker is None and a.cue == "none" for a in strict.attributions.values())


def test_attribution_model_can_be_swapped(monkeypatch: pytest.MonkeyPatch) -> None:
    # a model that only trusts vocatives the wrong way round changes the answer
    from ficlens.pipeline import Pipeline, stage_by_name
    from ficlens.readers import read_text

    features = SPEAKER_FEATURES
    weights = tuple(5.0 if f == "vocative" else 0.0 for f in features)
    odd = (Model(features, weights), shipped_models()[1])
    stages = [stage_by_name(n) for n in ("structure", "quotations", "characters")]
    attribution = stage_by_name("attribution")
    attribution.models = odd  # type: ignore[attr-defined]
    story = Pipeline([*stages, attribution])(read_text(STORY))
    last = story.quotes[-1]
    dev = next(c.id for c in story.characters if c.name.startswith("Dev"))
    assert story.attributions[last.id].speaker == dev  # "Just out, Dev." given to Dev himself


CANON_STORY = """Nora and Dev stood on the slipway, and Nora watched Dev shiver.

"You're soaked," Nora said.

"It's the sea," he said.

"Same time tomorrow?"
"""

CANON = """DEV: You're soaked.
NORA: It's the sea.
DEV: Same time tomorrow?
"""


def test_attribution_canon_speaker_wins_over_weak_cues_and_conflicts_are_reported(tmp_path) -> None:
    canon = tmp_path / "episode-transcript.txt"
    canon.write_text(CANON, encoding="utf-8")
    story = ficlens.analyze(CANON_STORY, canon=[canon])
    ids = {c.name.split()[0]: c.id for c in story.characters}
    by_text = {story.text[q.start : q.end]: story.attributions[q.id] for q in story.speech()}
    tagged = by_text["You're soaked,"]
    assert tagged.speaker == ids["Nora"]  # the tag names Nora: it is kept ...
    assert tagged.conflict and "Dev" in tagged.conflict  # ... and the disagreement is reported
    untagged = by_text["Same time tomorrow?"]
    assert untagged.speaker == ids["Dev"]
    assert untagged.cue == "canon"


def test_training_collects_a_ranking_example_per_attributed_turn_of_an_annotated_story() -> None:
    from pathlib import Path

    from ficlens.eval.speakers import load_speakers
    from ficlens.training.attribution import collect_story

    path = Path(__file__).parents[1] / "fixtures" / "speakers" / "dev" / "cold-coupling.txt"
    data = collect_story(path)
    _, _, gold = load_speakers(path)
    named = [g for g in gold if g.speaker]
    # most named turns become a group whose gold speaker is among its candidates, exactly once
    assert 0.5 * len(named) < len(data.speaker) <= len(named)
    assert all(pos.sum() >= 1 and x.shape == (len(pos), len(SPEAKER_FEATURES)) for x, pos in data.speaker)
    assert data.addressee and data.turns >= len(data.speaker)


def test_training_on_stories_pulls_the_model_towards_them() -> None:
    from ficlens.training.attribution import STORY_REPEAT, fit_models

    assert STORY_REPEAT >= 1
    novels = [NovelData(f"n{i}", speaker=_ranking_groups(i, 200)) for i in range(4)]
    # stories whose right candidate is the one feature 3 marks, a cue the novels never use
    rng = np.random.default_rng(11)
    groups = []
    for _ in range(150):
        k = int(rng.integers(2, 5))
        x = rng.random((k, len(SPEAKER_FEATURES))) * 0.1
        gold = int(rng.integers(k))
        x[gold, 3] = 1.0
        groups.append((x, np.arange(k) == gold))
    stories = [NovelData("story", speaker=groups)]
    plain, _ = fit_models(novels)
    with_stories, _ = fit_models(novels, stories=stories)

    def right(model: TreeModel) -> float:
        picks = [int(np.argmax(model.scores([dict(zip(SPEAKER_FEATURES, map(float, r))) for r in x]))) for x, _ in groups]
        return float(np.mean([pos[i] for i, (_, pos) in zip(picks, groups)]))

    # the novels alone don't know the stories' cue (measured 0.41); with the stories, 1.0
    assert right(plain) < 0.7 and right(with_stories) > 0.9
    assert with_stories.temperature == plain.temperature  # fitted on the novels alone


def test_attribution_beam_prefers_the_history_a_later_tag_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three turns between A and B. The first is tagged A; the second looks a little like A's;
    # the third is tagged A, and one speaker twice running is unlikely. Turn by turn, the
    # third turn's tag makes A certain after either history, so log probabilities alone keep
    # A, A, A; the unnormalized scores show that the tag fits A, B, A better.
    from types import SimpleNamespace

    import ficlens.stages.attribution as attribution

    evidence = [{"A": 10.0}, {"A": 3.5}, {"A": 10.0}]

    def candidates(ctx: object, turn: SimpleNamespace, history: object) -> list[str]:
        return ["A", "B"]

    def features(ctx: object, turn: SimpleNamespace, history: list, cands: list[str]) -> tuple[dict, None]:
        prev = history[-1][0] if history else None
        rows = {c: {"tag": evidence[turn.index].get(c, 0.0), "same_as_before": float(c == prev)} for c in cands}
        return rows, None

    monkeypatch.setattr(attribution, "speaker_candidates", candidates)
    monkeypatch.setattr(attribution, "speaker_features", features)
    ctx = SimpleNamespace(turns=[SimpleNamespace(index=k) for k in range(3)])
    model = Model(("tag", "same_as_before"), (1.0, -3.0))
    assert attribution.beam_decode(ctx, model) == ["A", "B", "A"]  # type: ignore[arg-type]
    monkeypatch.setattr(attribution, "_SCORE_WEIGHT", 0.0)
    assert attribution.beam_decode(ctx, model) == ["A", "A", "A"]  # type: ignore[arg-type]
