"""Train the attribution rankers (speaker and addressee) on PDNC, and on annotated stories.

Each turn ficlens finds in a novel becomes one ranking example: the candidates' feature
vectors and which candidate the gold annotation names. Stories annotated as ``ficlens eval
speakers`` reads them give examples the same way, run end to end (``collect_story``), and
count ``STORY_REPEAT`` times. The speaker ranker is boosted trees
(LightGBM's LambdaRank), whose raw scores are divided by a temperature fitted on novels the
trees did not see; the addressee ranker is a conditional logit (a softmax over the candidates
of one turn) with an L2 penalty, fitted by Newton's method with numpy. Both are stored as JSON
in the package (``ficlens/stages/attribution_weights.json``).

Turn-taking features depend on who spoke before. Examples are collected with the gold
speakers as history, a tenth of them replaced at random, so the model learns to lean on
history only as much as history can be trusted at run time, where the history is its own.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import json
import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ficlens.stages.attribution import (
    ADDRESSEE_FEATURES,
    SPEAKER_FEATURES,
    Model,
    TreeModel,
    addressee_features,
    make_context,
    speaker_candidates,
    speaker_features,
)


@dataclass(slots=True)
class NovelData:
    """Ranking examples from one novel: lists of (candidate matrix, positive mask)."""

    name: str
    speaker: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    addressee: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    turns: int = 0


def _vector(feats: dict[str, float], names: Sequence[str]) -> list[float]:
    return [feats.get(n, 0.0) for n in names]


def collect(
    path: str | Path,
    *,
    with_cast: bool,
    history_noise: float = 0.1,
    seed: int = 0,
) -> NovelData:
    """Ranking examples from one PDNC novel, with the gold speakers as history.

    With gold history, a share ``history_noise`` of the previous speakers is replaced by
    another candidate at random, so the model learns not to trust turn-taking blindly: at
    run time the history is its own guesses.
    """
    from ficlens._api import build_pipeline
    from ficlens.eval.pdnc import NON_CHARACTERS, iter_gold_turns, load_novel, map_characters
    from ficlens.readers import read_text

    novel = load_novel(path)
    pipeline = build_pipeline(cast=novel.cast if with_cast else None, stages=["structure", "quotations", "characters"])
    story = pipeline(read_text(novel.text))
    ctx = make_context(story)
    mapping = map_characters(story, novel, with_cast=with_cast)
    golds = [
        (g.speaker if g and g.speaker not in NON_CHARACTERS else None, tuple(g.addressees) if g else ())
        for _, g in iter_gold_turns(story, novel)
    ]
    return _examples(novel.name, ctx, mapping, golds, history_noise=history_noise, seed=seed)


def collect_story(path: str | Path, *, history_noise: float = 0.1, seed: int = 0) -> NovelData:
    """Ranking examples from one story annotated as ``ficlens eval speakers`` reads them
    (``ficlens.eval.speakers``), analysed as a user runs it: no cast, the characters ficlens
    finds, each mapped to the story's cast by the PDNC rule."""
    from ficlens._api import build_pipeline
    from ficlens.eval.speakers import _mapping, load_speakers

    story, cast, gold = load_speakers(path)
    build_pipeline(stages=["structure", "quotations", "characters"])(story)
    ctx = make_context(story)
    ends = sorted((g.end - 1, g) for g in gold)
    at = [e for e, _ in ends]
    golds: list[tuple[str | None, tuple[str, ...]]] = []
    for turn in ctx.turns:
        # the turn's first gold quotation: the first whose closing mark falls inside it
        i = bisect.bisect_left(at, turn.start)
        g = ends[i][1] if i < len(ends) and ends[i][0] < turn.end else None
        golds.append((g.speaker, g.addressees) if g else (None, ()))
    return _examples(Path(path).name, ctx, _mapping(story, cast), golds, history_noise=history_noise, seed=seed)


def _examples(
    name: str,
    ctx: Any,
    mapping: Mapping[str, str],
    golds: Sequence[tuple[str | None, tuple[str, ...]]],
    *,
    history_noise: float,
    seed: int,
) -> NovelData:
    """The ranking examples of one analysed text: ``mapping`` takes a character id to its gold
    name, ``golds`` gives each turn's gold speaker (None when not a character) and addressees."""
    reverse: dict[str, str] = {}
    for cid in sorted(mapping, key=lambda c: -(ctx.chars[c].mention_count if c in ctx.chars else 0)):
        reverse.setdefault(mapping[cid], cid)
    data = NovelData(name)
    history: list[tuple[str | None, tuple[str, ...]]] = []
    gold_ids = [reverse.get(speaker) if speaker else None for speaker, _ in golds]
    # the speaker of the turn after each, as the addressee ranker reads it: at run time it is
    # decoded, so a share of them (the decoder's error rate) is another character present
    next_speakers = [*gold_ids[1:], None]
    for k, who in enumerate(next_speakers):
        if not who:
            continue
        next_rng = _turn_rng(seed + 1, name, ctx.turns[k].start)
        if next_rng.random() < NEXT_SPEAKER_NOISE:
            others = [c for c in ctx.present[k + 1] if c != who]  # a next turn exists: ``who`` is its speaker
            next_speakers[k] = others[int(next_rng.integers(len(others)))] if others else None
    for k, (turn, (gold_speaker, gold_addressees)) in enumerate(zip(ctx.turns, golds)):
        gold_id = gold_ids[k]
        gold_addr = tuple(reverse[a] for a in gold_addressees if a in reverse)
        cands = speaker_candidates(ctx, turn, history)
        if gold_id is not None:
            # a gold character the analysis split in two ("Ralph", "Mr. Denham"): either is right
            gold_id = next((c for c in cands if mapping.get(c) == gold_speaker), gold_id)
        data.turns += 1
        speaker, addressees = gold_id, gold_addr
        if cands and history_noise:
            rng = _turn_rng(seed, name, turn.start)
            if rng.random() < history_noise:
                speaker = cands[int(rng.integers(len(cands)))]
        if gold_id is not None and cands:
            feats, _ = speaker_features(ctx, turn, history, cands)
            pos = np.array([mapping.get(c) == gold_speaker for c in cands])
            if pos.any():
                x = np.array([_vector(feats[c], SPEAKER_FEATURES) for c in cands], dtype=np.float32)
                data.speaker.append((x, pos))
        if gold_id is not None and gold_addr:
            afeats = addressee_features(ctx, turn, history, gold_id, next_speakers[k])
            acands = list(afeats)
            pos = np.array([c in gold_addr for c in acands])
            if acands and pos.any():
                x = np.array([_vector(afeats[c], ADDRESSEE_FEATURES) for c in acands], dtype=np.float32)
                data.addressee.append((x, pos))
        history.append((speaker, addressees))
    return data


def _turn_rng(seed: int, name: str, start: int) -> np.random.Generator:
    """The random draws of one turn, fixed by the text and where the turn starts in it: a
    change to how some turns are read leaves the noise of every other turn as it was, so two
    trainings on nearly the same readings differ only where the readings do."""
    return np.random.default_rng([seed, zlib.crc32(name.encode()), start])


def _group_index(sizes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """For candidates stacked group after group: where each group starts, and each candidate's group."""
    sizes_ = np.asarray(sizes)
    return np.concatenate([[0], np.cumsum(sizes_)[:-1]]), np.repeat(np.arange(len(sizes_)), sizes_)


def _softmax_by_group(
    s: np.ndarray, pos: np.ndarray, starts: np.ndarray, owner: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Softmax within each group of stacked scores ``s``: the summed negative log probability
    of each group's positive candidates, per candidate exp(score) (all, positives only), and
    per group their sums."""
    e = np.exp(s - np.maximum.reduceat(s, starts)[owner])
    z_all = np.add.reduceat(e, starts)
    e_pos = np.where(pos, e, 0.0)
    z_pos = np.maximum(np.add.reduceat(e_pos, starts), 1e-300)
    return float(-(np.log(z_pos) - np.log(z_all)).sum()), e, e_pos, z_all, z_pos


def fit(groups: Sequence[tuple[np.ndarray, np.ndarray]], n_features: int, *, l2: float = 1e-4, steps: int = 30) -> np.ndarray:
    """Fit a conditional logit: maximise log P(positive candidates) under a softmax per group.

    Candidates of all groups are stacked into one matrix; per-group sums use
    ``np.add.reduceat`` over the group boundaries.
    """
    groups = [(x, p) for x, p in groups if len(x)]
    if not groups:
        return np.zeros(n_features)
    X = np.concatenate([x for x, _ in groups]).astype(np.float64)
    pos = np.concatenate([p for _, p in groups])
    starts, owner = _group_index([len(x) for x, _ in groups])
    X32 = X.astype(np.float32)
    multi = np.add.reduceat(pos.astype(np.int64), starts) > 1
    n = len(groups)
    w = np.zeros(n_features)

    def softmax_sums(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Loss, and per candidate exp(score) (all, positives only), per group their sums."""
        nll, e, e_pos, z_all, z_pos = _softmax_by_group(X @ w, pos, starts, owner)
        return nll / n + 0.5 * l2 * float(w @ w), e, e_pos, z_all, z_pos

    def stats(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        loss, e, e_pos, z_all, z_pos = softmax_sums(w)
        p_all = e / z_all[owner]
        p_pos = e_pos / z_pos[owner]
        grad = -((p_pos - p_all) @ X) / n + l2 * w
        m_all = np.add.reduceat(p_all[:, None] * X, starts)
        h_all = (X32 * p_all[:, None].astype(np.float32)).T @ X32 - m_all.T @ m_all
        if multi.any():
            # groups with one positive contribute nothing here; only the rest are computed
            pm = np.where(multi[owner], p_pos, 0.0)
            m_pos = np.add.reduceat(pm[:, None] * X, starts)
            h_all = h_all - ((X32 * pm[:, None].astype(np.float32)).T @ X32 - m_pos.T @ m_pos)
        hess = h_all / n + l2 * np.eye(n_features)
        return loss, grad, hess

    # Newton's method with a backtracking line search: a few dozen weights, a convex-ish loss.
    loss, grad, hess = stats(w)
    for _ in range(steps):
        try:
            step = np.linalg.solve(hess + 1e-6 * np.eye(n_features), grad)
        except np.linalg.LinAlgError:
            step = grad
        t = 1.0
        while t > 1e-4:
            new_w = w - t * step
            new_loss = softmax_sums(new_w)[0]
            if new_loss <= loss - 1e-4 * t * float(grad @ step):
                break
            t /= 2
        else:
            break
        w = new_w
        prev = loss
        loss, grad, hess = stats(w)
        if prev - loss < 1e-7:
            break
    return w


#: LightGBM settings for the speaker trees: chosen in leave-novel-out runs on PDNC
#: (BENCHMARKS.md); one thread and a fixed seed, so a retrain gives the same trees.
TREE_PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "num_leaves": 31,
    "learning_rate": 0.1,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.8,
    "num_threads": 1,
    "seed": 0,
    "deterministic": True,
    "force_col_wise": True,
    "verbose": -1,
}
TREE_ROUNDS = 150
#: One set of trees per feature-sampling seed, averaged (``TreeModel``); 2437 is LightGBM's
#: default, so the first set is the one ficlens shipped alone before (BENCHMARKS.md).
TREE_SEEDS: tuple[int, ...] = (2437, 1, 2, 3)
#: How many times each annotated story's examples count in training, beside PDNC's novels:
#: the stories are few and short (about 2,800 turns against PDNC's 27,000 in each mode), and
#: they are the kind of text users bring. Chosen by training without each story set in turn
#: and scoring it (BENCHMARKS.md: 1, 3 and 6 tried).
STORY_REPEAT = 3
#: How often the next turn's speaker, read by the addressee ranker, is replaced in training by
#: another character present: decoding gets about one turn in six wrong.
NEXT_SPEAKER_NOISE = 0.15
#: The confidence is the softmax at this multiple of the fitted temperature. The temperature
#: is fitted on turns with gold history; decoding its own history the model is right less
#: often. Chosen leave-novel-out with the gold cast (BENCHMARKS.md: 1.0, 1.4, 1.8 tried).
CONFIDENCE_SPREAD = 1.4


def fit_trees(groups: Sequence[tuple[np.ndarray, np.ndarray]], n_features: int) -> list[Any]:
    """Boosted trees that rank each group's positive candidates first (LambdaRank), one set
    for each of ``TREE_SEEDS``."""
    import lightgbm

    groups = [(x, p) for x, p in groups if len(x)]
    if not groups:
        raise ValueError("no training examples")
    x = np.concatenate([x for x, _ in groups]).astype(np.float64)
    y = np.concatenate([p for _, p in groups]).astype(np.int32)
    data = lightgbm.Dataset(x, y, group=[len(g) for g, _ in groups], free_raw_data=True)
    # the seeds differ in which features each tree may use (the data's binning is shared)
    return [
        lightgbm.train({**TREE_PARAMS, "feature_fraction_seed": seed}, data, num_boost_round=TREE_ROUNDS)
        for seed in TREE_SEEDS
    ]


def _predict(boosters: Sequence[Any], x: np.ndarray) -> np.ndarray:
    """The sets' raw scores, averaged, as ``TreeModel`` scores them."""
    return np.asarray(np.mean([b.predict(x, raw_score=True) for b in boosters], axis=0))


def fit_temperature(scored: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """The temperature T that makes ``softmax(scores / T)`` the likeliest reading of which
    candidates were right (groups of raw scores and positive masks)."""
    from scipy.optimize import minimize_scalar

    scored = [(s, p) for s, p in scored if len(s) and p.any()]
    if not scored:
        return 1.0
    scores = np.concatenate([s for s, _ in scored]).astype(np.float64)
    pos = np.concatenate([p for _, p in scored])
    starts, owner = _group_index([len(s) for s, _ in scored])

    def nll(log_t: float) -> float:
        return _softmax_by_group(scores / math.exp(log_t), pos, starts, owner)[0]

    best = minimize_scalar(nll, bounds=(math.log(0.02), math.log(50.0)), method="bounded")
    return float(math.exp(best.x))


def fit_speaker_trees(data: Sequence[NovelData], stories: Sequence[NovelData] = ()) -> TreeModel:
    """Speaker trees over every novel in ``data`` and every story in ``stories`` (each
    ``STORY_REPEAT`` times), with a temperature fitted on novels the trees did not see: trees
    fitted on half the novels score the other half, and back. (The stories stay out of that
    fit: too few to stand for the turns the confidence is reported on.)"""
    halves = [data[0::2], data[1::2]]
    scored: list[tuple[np.ndarray, np.ndarray]] = []
    if all(halves):
        for train_half, test_half in (halves, halves[::-1]):
            half = fit_trees([g for d in train_half for g in d.speaker], len(SPEAKER_FEATURES))
            groups = [g for d in test_half for g in d.speaker if len(g[0])]
            raw = _predict(half, np.concatenate([x for x, _ in groups]).astype(np.float64))
            bounds = np.cumsum([len(x) for x, _ in groups])[:-1]
            scored.extend(zip(np.split(raw, bounds), (p for _, p in groups)))
    boosters = fit_trees([g for d in _with_stories(data, stories) for g in d.speaker], len(SPEAKER_FEATURES))
    t = fit_temperature(scored)
    return TreeModel.from_boosters(SPEAKER_FEATURES, boosters, t, CONFIDENCE_SPREAD * t)


def fit_models(
    data: Iterable[NovelData], *, stories: Sequence[NovelData] = (), l2: float = 1e-4
) -> tuple[TreeModel, Model]:
    """The speaker trees and the addressee ranker, trained on the novels in ``data`` and the
    annotated ``stories`` (each ``STORY_REPEAT`` times)."""
    items = list(data)
    aw = fit([g for d in _with_stories(items, stories) for g in d.addressee], len(ADDRESSEE_FEATURES), l2=l2)
    return fit_speaker_trees(items, stories), Model(tuple(ADDRESSEE_FEATURES), tuple(float(x) for x in aw))


def _with_stories(novels: Sequence[NovelData], stories: Sequence[NovelData]) -> list[NovelData]:
    """The novels, then each story ``STORY_REPEAT`` times: what both rankers train on."""
    return [*novels, *(list(stories) * STORY_REPEAT)]


def collect_all(
    paths: Sequence[Path],
    *,
    with_cast: bool,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, NovelData]:
    out = {}
    for i, p in enumerate(paths):
        if progress:
            progress(f"features: {p.name}", i, len(paths))
        out[p.name] = collect(p, with_cast=with_cast)
    return out


def collect_stories(
    paths: Sequence[str | Path], *, progress: Callable[[str, int, int], None] | None = None
) -> list[NovelData]:
    """Ranking examples from every annotated story under ``paths`` (files, or folders searched
    recursively), in the format ``ficlens eval speakers`` reads."""
    from ficlens.eval.speakers import annotated_files

    files = [f for f, _ in annotated_files(paths)]
    out = []
    for i, f in enumerate(files):
        if progress:
            progress(f"features: {f.name}", i, len(files))
        out.append(collect_story(f))
    return out


def models_to_dict(
    models: tuple[TreeModel, Model], *, novels: Sequence[str], stories: Sequence[str] = (), note: str = ""
) -> dict[str, Any]:
    sp, ad = models
    return {
        "format": 3,
        "trained": _dt.date.today().isoformat(),
        "novels": list(novels),
        "stories": list(stories),
        "note": note,
        "speaker": {
            "features": list(sp.features),
            "temperature": round(sp.temperature, 5),
            "confidence_temperature": round(sp.confidence_temperature, 5),
            "trees": sp.trees,
        },
        "addressee": {"weights": {f: round(w, 5) for f, w in zip(ad.features, ad.weights)}},
    }


def train_models(
    root: str | Path,
    *,
    stories: Sequence[str | Path] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[tuple[TreeModel, Model], list[Path], list[Path]]:
    """The models ``train`` writes: trained on every novel under ``root`` (with and without the
    gold cast) and the annotated ``stories`` (files or folders). Returns them, the novels'
    folders and the story files."""
    from ficlens.eval.pdnc import novels_in
    from ficlens.eval.speakers import annotated_files

    paths = novels_in(root)
    story_files = [f for f, _ in annotated_files(stories)] if stories else []  # every path checked first
    data: list[NovelData] = []
    # both modes, since the shipped model serves stories with a cast and without one. (A second
    # round on the history a first model predicts was dropped: leave-novel-out it scored lower.)
    for with_cast in (True, False):
        data.extend(collect_all(paths, with_cast=with_cast, progress=progress).values())
    return fit_models(data, stories=collect_stories(story_files, progress=progress)), paths, story_files


def train(
    root: str | Path,
    out: str | Path,
    *,
    stories: Sequence[str | Path] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Train on every novel under ``root`` (with and without the gold cast) and the annotated
    ``stories`` (files or folders), and write the weights."""
    from ficlens.writers import write_atomic

    models, paths, story_files = train_models(root, stories=stories, progress=progress)
    note = "trained with and without the gold cast"
    if story_files:
        note += f", and on {len(story_files)} annotated stories ({STORY_REPEAT} times each)"
    payload = models_to_dict(
        models, novels=[p.name for p in paths], stories=[f.as_posix() for f in story_files], note=note
    )
    write_atomic(out, json.dumps(payload, indent=2) + "\n")
    return payload
