"""Score the thought stage against stories whose thoughts are marked by hand.

An annotated story is a ``.txt`` or ``.md`` file in which every thought passage is wrapped in
``⟦`` and ``⟧``. The loader reads the file as ficlens would (a Markdown file's ``*italics*``
become italic markup), removes the marks and keeps their offsets as the gold spans.

A found thought counts as correct when at least half of its characters lie inside gold spans;
a gold span counts as found when at least half of its characters are covered by found
thoughts. Character-level precision and recall are reported too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ficlens.story import Markup, Story

__all__ = ["CLOSE", "OPEN", "ThoughtScore", "evaluate_thought", "load_annotated", "score_thoughts"]

OPEN = "⟦"
CLOSE = "⟧"
#: The stages the thought stage needs, in order.
STAGES = ("structure", "quotations", "characters", "attribution", "thought")


def _strip(text: str, markup: Sequence[Markup], path: Path) -> tuple[str, list[Markup], list[tuple[int, int]]]:
    """Remove the marks; map markup offsets onto the clean text; return the gold spans."""
    new_pos = [0] * (len(text) + 1)
    out: list[str] = []
    gold: list[tuple[int, int]] = []
    opened: int | None = None
    n = 0
    for i, ch in enumerate(text):
        new_pos[i] = n
        if ch == OPEN:
            if opened is not None:
                raise ValueError(f"{path}: nested {OPEN} at offset {i}")
            opened = n
            continue
        if ch == CLOSE:
            if opened is None:
                raise ValueError(f"{path}: {CLOSE} without {OPEN} at offset {i}")
            gold.append((opened, n))
            opened = None
            continue
        out.append(ch)
        n += 1
    new_pos[len(text)] = n
    if opened is not None:
        raise ValueError(f"{path}: {OPEN} never closed")
    marks = [Markup(m.kind, new_pos[m.start], new_pos[m.end], m.label) for m in markup]
    return "".join(out), marks, gold


def load_annotated(path: str | Path) -> tuple[Story, list[tuple[int, int]]]:
    """A Story from an annotated file, and its gold thought spans (offsets into the story's text)."""
    from ficlens.readers import load_bytes
    from ficlens.readers._markdown import parse_markdown
    from ficlens.readers._text import check_text, decode, story_from_plain

    data, p = load_bytes(path)
    raw, _, _ = decode(data, p)  # one-line errors naming the file for binary or undecodable input
    check_text(raw, p)
    if p.suffix.lower() in (".md", ".markdown"):
        marked = parse_markdown(raw, source=str(p), encoding="utf-8", fallback=False)
    else:
        marked = story_from_plain(raw, source=str(p), encoding="utf-8", fallback=False)
    text, markup, gold = _strip(marked.text, marked.markup, p)
    return Story(text, metadata=marked.metadata, markup=markup), gold


@dataclass(slots=True)
class ThoughtScore:
    """Counts for one story or a set of them."""

    name: str
    gold: int = 0
    found: int = 0
    correct: int = 0  # found thoughts that are mostly gold
    recalled: int = 0  # gold thoughts mostly covered
    gold_chars: int = 0
    found_chars: int = 0
    overlap_chars: int = 0
    seconds: float = 0.0
    false_positives: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.correct / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.gold if self.gold else None

    @property
    def char_precision(self) -> float | None:
        return self.overlap_chars / self.found_chars if self.found_chars else None

    @property
    def char_recall(self) -> float | None:
        return self.overlap_chars / self.gold_chars if self.gold_chars else None

    def add(self, other: ThoughtScore) -> None:
        for f in ("gold", "found", "correct", "recalled", "gold_chars", "found_chars", "overlap_chars", "seconds"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.false_positives.extend(other.false_positives)
        self.missed.extend(other.missed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "gold": self.gold,
            "found": self.found,
            "precision": self.precision,
            "recall": self.recall,
            "char_precision": self.char_precision,
            "char_recall": self.char_recall,
            "false_positives": self.false_positives,
            "missed": self.missed,
        }


def _covered(a: int, b: int, spans: Sequence[tuple[int, int]]) -> int:
    return sum(max(0, min(b, e) - max(a, s)) for s, e in spans)


def score_thoughts(name: str, text: str, gold: Sequence[tuple[int, int]], found: Sequence[tuple[int, int]]) -> ThoughtScore:
    """Compare found thought spans with gold spans (see the module docstring)."""
    sc = ThoughtScore(name, gold=len(gold), found=len(found))
    merged_found = sorted(found)
    for a, b in found:
        if _covered(a, b, gold) * 2 >= (b - a):
            sc.correct += 1
        else:
            sc.false_positives.append(f"{name}: {text[a:b]!r}")
    for a, b in gold:
        if _covered(a, b, merged_found) * 2 >= (b - a):
            sc.recalled += 1
        else:
            sc.missed.append(f"{name}: {text[a:b]!r}")
    sc.gold_chars = sum(b - a for a, b in gold)
    sc.found_chars = sum(b - a for a, b in found)
    sc.overlap_chars = sum(_covered(a, b, gold) for a, b in found)
    return sc


def evaluate_thought(
    root: str | Path,
    *,
    use_tagger: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[ThoughtScore], ThoughtScore]:
    """Run the pipeline up to thought over every annotated story under ``root`` and score it.

    RETURNS: a score per story, and the total.
    """
    from ficlens.pipeline import Pipeline, stage_by_name

    base = Path(root)
    files = sorted(p for p in base.rglob("*") if p.suffix.lower() in (".txt", ".md", ".markdown"))
    if not files:
        raise FileNotFoundError(f"{base}: no annotated .txt or .md stories here")
    stages = [stage_by_name(n) for n in STAGES[:-1]]
    stages.append(stage_by_name("thought", use_tagger=use_tagger))
    pipeline = Pipeline(stages)
    scores: list[ThoughtScore] = []
    total = ThoughtScore("TOTAL")
    for i, path in enumerate(files):
        if progress:
            progress(path.name, i, len(files))
        story, gold = load_annotated(path)
        t0 = time.perf_counter()
        pipeline(story)
        elapsed = time.perf_counter() - t0
        found = [(t.start, t.end) for t in story.layer("thoughts")]
        sc = score_thoughts(str(path.relative_to(base)), story.text, gold, found)
        sc.seconds = elapsed
        scores.append(sc)
        total.add(sc)
    return scores, total
