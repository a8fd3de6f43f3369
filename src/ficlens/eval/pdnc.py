"""PDNC, the Project Dialogism Novel Corpus: load it, run ficlens on it, score the result.

Data layout (see ../shared/data/pdnc/PROVENANCE.md): ``data/<Novel>/novel_text.txt``,
``quotation_info.csv`` (quoteByteSpans are *str* offsets, marks excluded; list columns are
Python literals) and ``character_info.csv``.

Scoring:

* quotations: a gold sub-quotation span is found when a predicted speech span overlaps it
  by at least half of the longer of the two (after stripping white space); precision is
  the share of predicted speech spans that overlap some gold span that way;
* speakers: over gold quotations whose speaker is a named character (not ``_group``,
  ``_unknowable`` or ``_narr``); a quotation counts as right when its first sub-span was
  found and the predicted speaker is that character. A quotation that was not found counts
  as wrong, so the figure is end to end;
* end to end, a predicted character is the gold one when its name is one of the gold
  character's names or aliases, or failing that when most of its aliases are;
* addressees: over gold quotations with at least one named addressee; right when the first
  predicted addressee is one of them.
"""

from __future__ import annotations

import ast
import bisect
import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from ficlens.readers._cast import CastMember, parse_cast
from ficlens.story import Story

NON_CHARACTERS = frozenset({"_group", "_unknowable", "_narr", "_unknown", ""})


@dataclass(frozen=True, slots=True)
class GoldQuote:
    id: str
    spans: tuple[tuple[int, int], ...]
    speaker: str
    addressees: tuple[str, ...]
    type: str  # explicit / anaphoric / implicit / ""


@dataclass(slots=True)
class Novel:
    name: str
    path: Path
    text: str
    quotes: list[GoldQuote]
    cast: list[CastMember]
    aliases: dict[str, set[str]]  # gold main name -> normalised names


def novels_in(root: str | Path) -> list[Path]:
    """Novel folders under a PDNC checkout (``root`` or ``root/data``)."""
    base = Path(root)
    if (base / "data").is_dir():
        base = base / "data"
    return sorted(p for p in base.iterdir() if (p / "novel_text.txt").is_file())


def _norm(name: str) -> str:
    """Names compared loosely: case, full stops, spacing and a leading "the" don't matter."""
    out = re.sub(r"\s+", " ", name.replace(".", "").strip().lower())
    return out.removeprefix("the ")


def load_novel(path: str | Path) -> Novel:
    p = Path(path)
    raw = (p / "novel_text.txt").read_bytes()
    text = raw.decode("utf-8-sig")
    quotes: list[GoldQuote] = []
    with open(p / "quotation_info.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            spans = []
            for a, b in ast.literal_eval(row["quoteByteSpans"]):
                seg = text[a:b]
                a2 = a + len(seg) - len(seg.lstrip())
                b2 = b - (len(seg) - len(seg.rstrip()))
                spans.append((a2, b2))
            try:
                addressees = tuple(ast.literal_eval(row["addressees"])) if row["addressees"].strip() else ()
            except (ValueError, SyntaxError):
                addressees = ()
            qtype = (row.get("quoteType") or "").strip().lower()
            quotes.append(
                GoldQuote(row["quoteID"], tuple(sorted(spans)), row["speaker"].strip(), addressees, "" if qtype == "nan" else qtype)
            )
    cast_text = (p / "character_info.csv").read_text(encoding="utf-8")
    cast = [m for m in parse_cast(cast_text, path=p / "character_info.csv", format="csv") if m.name not in NON_CHARACTERS]
    aliases = {m.name: {_norm(m.name), *(_norm(a) for a in m.aliases)} for m in cast}
    main = _main_name_of(aliases)
    quotes = [
        GoldQuote(q.id, q.spans, main(q.speaker), tuple(main(a) for a in q.addressees), q.type) for q in quotes
    ]
    quotes.sort(key=lambda q: q.spans[0] if q.spans else (0, 0))
    return Novel(p.name, p, text, quotes, cast, aliases)


def _main_name_of(aliases: dict[str, set[str]]) -> Callable[[str], str]:
    """A function from a name the annotation uses for a character to its main name.

    PDNC's ``speaker`` and ``addressees`` columns sometimes give an alias ("Lucy") rather than
    the main name ("Miss Honeychurch"); an alias that belongs to one character only is read as
    that character. Main names, and names that fit no character or several, stay as they are.
    """
    owners: dict[str, set[str]] = {}
    for name, names in aliases.items():
        for n in names:
            owners.setdefault(n, set()).add(name)

    def main(name: str) -> str:
        if name in aliases:
            return name
        found = owners.get(_norm(name), set())
        return next(iter(found)) if len(found) == 1 else name

    return main


_TYPO_MIN_LENGTH = 8  # shorter names one letter apart are often two people ("Lucy", "Lucky")


def map_characters(story: Story, novel: Novel, *, with_cast: bool) -> dict[str, str]:
    """Predicted character id -> gold main name."""
    out: dict[str, str] = {}
    if with_cast:
        for i, m in enumerate(novel.cast):
            out[f"c{i + 1}"] = m.name
        return out
    by_alias: dict[str, list[str]] = {}
    for gold, names in novel.aliases.items():
        for n in names:
            by_alias.setdefault(n, []).append(gold)
    for c in story.characters:
        owners = by_alias.get(_norm(c.name), [])
        if len(owners) == 1:
            out[c.id] = owners[0]
            continue
        # failing the name, most of its aliases ("Denham", aliases "Mr. Denham": Ralph Denham)
        votes: Counter[str] = Counter()
        for alias in c.aliases:
            for g in by_alias.get(_norm(alias), []):
                votes[g] += 1
        if votes:
            top, count = votes.most_common(1)[0]
            if count * 2 > len(c.aliases) or (owners and top in owners):
                out[c.id] = top
                continue
        # failing both, a name one letter off one character's alias, past the first word (not
        # "Mr."/"Mrs."), and not a plural (a family): PDNC's lists have typos ("May Wellend"
        # for May Welland)
        name = _norm(c.name)
        if not owners and len(name) >= _TYPO_MIN_LENGTH and " " in name:
            first = name.split(" ")[0]
            near = {
                g
                for n, gs in by_alias.items()
                if n.split(" ")[0] == first and name != f"{n}s" and Levenshtein.distance(n, name, score_cutoff=1) <= 1
                for g in gs
            }
            if len(near) == 1:
                out[c.id] = near.pop()
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter * 2 >= max(a[1] - a[0], b[1] - b[0])


@dataclass(slots=True)
class Score:
    """Counts for one novel (or summed over several)."""

    name: str
    gold_spans: int = 0
    found_spans: int = 0
    pred_spans: int = 0
    correct_pred_spans: int = 0
    speaker_total: int = 0
    speaker_correct: int = 0
    by_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [correct, total]
    addressee_total: int = 0
    addressee_correct: int = 0
    deciles: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in range(10)])
    seconds: float = 0.0
    words: int = 0

    def add(self, other: Score) -> None:
        for f in ("gold_spans", "found_spans", "pred_spans", "correct_pred_spans", "speaker_total",
                  "speaker_correct", "addressee_total", "addressee_correct", "words"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.seconds += other.seconds
        for t, (c, n) in other.by_type.items():
            cur = self.by_type.setdefault(t, [0, 0])
            cur[0] += c
            cur[1] += n
        for i in range(10):
            self.deciles[i][0] += other.deciles[i][0]
            self.deciles[i][1] += other.deciles[i][1]

    @staticmethod
    def _r(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "novel": self.name,
            "quote_recall": self._r(self.found_spans, self.gold_spans),
            "quote_precision": self._r(self.correct_pred_spans, self.pred_spans),
            "speaker_accuracy": self._r(self.speaker_correct, self.speaker_total),
            "speaker_accuracy_by_type": {t: self._r(c, n) for t, (c, n) in sorted(self.by_type.items())},
            "addressee_accuracy": self._r(self.addressee_correct, self.addressee_total),
            "quotes_scored": self.speaker_total,
            "addressees_scored": self.addressee_total,
            "accuracy_by_confidence_decile": [
                {"decile": f"{i / 10:.1f}-{(i + 1) / 10:.1f}", "accuracy": self._r(c, n), "n": n}
                for i, (c, n) in enumerate(self.deciles)
            ],
            "seconds": round(self.seconds, 2),
            "words": self.words,
        }


def score_story(story: Story, novel: Novel, *, with_cast: bool) -> Score:
    """Score one analysed novel against its gold annotation."""
    score = Score(novel.name, words=len(novel.text.split()))
    mapping = map_characters(story, novel, with_cast=with_cast)
    pred = sorted((q.start, q.end, q.id) for q in story.speech())
    starts = [p[0] for p in pred]
    gold_spans = sorted({s for g in novel.quotes for s in g.spans})
    def find(span: tuple[int, int]) -> str | None:
        i = bisect.bisect_left(starts, span[0]) - 1
        for j in range(max(0, i), min(len(pred), i + 4)):
            if _overlap(span, pred[j][:2]):
                return pred[j][2]
        return None

    score.gold_spans = len(gold_spans)
    score.found_spans = sum(1 for s in gold_spans if find(s))
    gstarts = [s[0] for s in gold_spans]
    score.pred_spans = len(pred)
    for a, b, _ in pred:
        i = bisect.bisect_left(gstarts, a) - 1
        if any(_overlap((a, b), gold_spans[j]) for j in range(max(0, i), min(len(gold_spans), i + 4))):
            score.correct_pred_spans += 1
    attributions = story.attributions
    for g in novel.quotes:
        if g.speaker in NON_CHARACTERS or g.speaker not in novel.aliases or not g.spans:
            continue
        qid = find(g.spans[0])
        att = attributions.get(qid) if qid else None
        predicted = mapping.get(att.speaker) if att and att.speaker else None
        ok = predicted == g.speaker
        score.speaker_total += 1
        score.speaker_correct += ok
        t = g.type or "unknown"
        cur = score.by_type.setdefault(t, [0, 0])
        cur[0] += ok
        cur[1] += 1
        if att is not None:
            d = min(9, int(att.confidence * 10))
            score.deciles[d][0] += ok
            score.deciles[d][1] += 1
        named = [x for x in g.addressees if x in novel.aliases]
        if named:
            score.addressee_total += 1
            first = mapping.get(att.addressees[0]) if att and att.addressees else None
            score.addressee_correct += first in named
    return score


def evaluate_pdnc(
    root: str | Path,
    *,
    novels: Sequence[str] | None = None,
    with_cast: bool = False,
    cross_validate: bool = False,
    stories: Sequence[str | Path] = (),
    progress: Any = None,
) -> tuple[list[Score], Score]:
    """Run ficlens over PDNC novels and score it.

    Args:
        root: the PDNC folder (holding ``data/``).
        novels: folder names to include (default: all).
        with_cast: feed each novel's ``character_info.csv`` as the cast.
        cross_validate: leave-novel-out: the attribution model for each novel is trained
            on all the other novels under ``root`` (never on the novel itself).
        stories: annotated stories (files or folders, as ``ficlens eval speakers`` reads
            them) the leave-novel-out models also train on, as the shipped models do.
        progress: callback ``(novel_name, index, total)``.

    RETURNS: per-novel scores and the sum.
    """
    import time

    from ficlens._api import build_pipeline
    from ficlens.readers import read_text

    paths = novels_in(root)
    if novels:
        wanted = set(novels)
        missing = wanted - {p.name for p in paths}
        if missing:
            from ficlens.errors import InputError

            raise InputError(f"no such novel(s) under {root}: {', '.join(sorted(missing))}")
        chosen = [p for p in paths if p.name in wanted]
    else:
        chosen = paths
    models_for: dict[str, Any] = {}
    if cross_validate:
        from ficlens.training.attribution import collect_all, collect_stories, fit_models

        story_data = collect_stories(stories, progress=progress) if stories else []
        data = collect_all(paths, with_cast=with_cast, progress=progress)
        for p in chosen:
            models_for[p.name] = fit_models([d for name, d in data.items() if name != p.name], stories=story_data)
    scores: list[Score] = []
    total = Score("ALL")
    for i, p in enumerate(chosen):
        if progress:
            progress(p.name, i, len(chosen))
        novel = load_novel(p)
        t0 = time.perf_counter()
        pipeline = build_pipeline(cast=novel.cast if with_cast else None)
        if p.name in models_for:
            for stage in pipeline.stages:
                if stage.name == "attribution":
                    stage.models = models_for[p.name]  # type: ignore[attr-defined]
        story = pipeline(read_text(novel.text))
        s = score_story(story, novel, with_cast=with_cast)
        s.seconds = time.perf_counter() - t0
        scores.append(s)
        total.add(s)
    return scores, total


def iter_gold_turns(story: Story, novel: Novel) -> Iterable[tuple[Any, GoldQuote | None]]:
    """Each turn ficlens found in ``story``, with the gold quotation its first part overlaps."""
    from ficlens.stages._dialogue import build_turns

    spans = sorted((s[0], s[1], g) for g in novel.quotes for s in g.spans)
    starts = [s[0] for s in spans]
    for turn in build_turns(story):
        q = turn.quotes[0]
        i = bisect.bisect_left(starts, q.start) - 1
        gold = None
        for j in range(max(0, i), min(len(spans), i + 4)):
            if _overlap((q.start, q.end), spans[j][:2]):
                gold = spans[j][2]
                break
        yield turn, gold
