"""``ficlens eval reuse``: measure the canon check on the reuse data in ../shared/data/reuse.

Two measurements, both importable (:func:`evaluate_tyndale_kjv`, :func:`evaluate_lamb`):

* Tyndale's 1526 Gospels are the canon, one line per verse (location ``Matthew 1:2``), and
  every King James verse is a quotation in a story of its own verses, in book order. A KJV
  verse is *correct* when its canon match is its own Tyndale verse. Precision = correct /
  verses aligned (verbatim or altered); recall = correct / verses with a Tyndale text.
* Each of Lamb's tales whose play is in the folder (``tales_index.tsv``) is a story, and the
  play its canon: the share of the tale's quoted dialogue (words, weighted by coverage) that
  aligns with the play. As a control, each tale is also aligned with the other plays,
  where every match is a false positive.
"""

from __future__ import annotations

import csv
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ficlens.cli._app import console, eval_app, fail, user_errors
from ficlens.pipeline import Stage

DEFAULT_FOLDER = Path("../shared/data/reuse")


@dataclass(frozen=True, slots=True)
class KjvResult:
    """Tyndale/KJV verse alignment: counts, precision, recall and seconds."""

    verses: int
    aligned: int
    correct: int
    verbatim: int
    precision: float
    recall: float
    seconds: float


@dataclass(frozen=True, slots=True)
class TaleResult:
    """One Lamb tale against one play. ``share`` is the canon share of its quoted words."""

    tale: str
    play: str
    quotes: int
    words: int
    canon_words: int
    verbatim: int
    altered: int
    share: float
    control: bool
    sample: tuple[tuple[str, str, str, float, str], ...] = field(default=())


def _stages(canon_stage: Stage) -> list[Stage]:
    from ficlens.pipeline import stage_by_name

    return [
        stage_by_name("structure"),
        stage_by_name("quotations"),
        stage_by_name("characters", use_ner=False),
        canon_stage,
    ]


def evaluate_tyndale_kjv(folder: str | Path) -> KjvResult:
    """Align every KJV Gospel verse with Tyndale's Gospels and score it against its verse id."""
    from ficlens.pipeline import Pipeline
    from ficlens.readers import read_text
    from ficlens.readers.canon import CanonText
    from ficlens.stages.canon import CanonStage

    path = Path(folder) / "tyndale-kjv-gospels" / "gospels_kjv_tyndale_verses.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["tyndale_1526_scrollmapper"].strip()]
    t0 = time.perf_counter()
    canon = CanonText.from_lines(
        str(path) + "#tyndale",
        ((None, f"{r['book']} {r['chapter']}:{r['verse']}", r["tyndale_1526_scrollmapper"]) for r in rows),
    )
    # the story: each KJV verse a quotation in its own paragraph
    text = "\n\n".join('"' + " ".join(r["kjv_pg10900"].replace('"', "'").split()) + '"' for r in rows)
    story = Pipeline(_stages(CanonStage(sources=[canon])))(read_text(text))
    layer = story.layer("canon")
    aligned = correct = verbatim = 0
    quotes = list(story.speech())
    for r, q in zip(rows, quotes, strict=False):
        m = layer.matches[q.id]
        if m.status == "original":
            continue
        aligned += 1
        verbatim += m.status == "verbatim"
        correct += m.location == f"{r['book']} {r['chapter']}:{r['verse']}"
    seconds = time.perf_counter() - t0
    if len(quotes) != len(rows):
        raise ValueError(f"{len(rows)} verses became {len(quotes)} quotations; the story was not built as planned")
    return KjvResult(
        len(rows), aligned, correct, verbatim,
        correct / aligned if aligned else 0.0, correct / len(rows) if rows else 0.0, seconds,
    )


def evaluate_lamb(folder: str | Path, *, controls: bool = True, sample: int = 0, seed: int = 7) -> list[TaleResult]:
    """The canon share of each Lamb tale's quoted dialogue, against its play (and the others)."""
    from ficlens.pipeline import Pipeline
    from ficlens.readers import read_text
    from ficlens.readers._text import decode
    from ficlens.readers.canon import read_canon
    from ficlens.stages.canon import CanonStage

    base = Path(folder) / "lamb-shakespeare"
    with (base / "tales_index.tsv").open(encoding="utf-8", newline="") as fh:
        index = [r for r in csv.DictReader(fh, delimiter="\t") if r["play_file_in_this_folder"]]
    books: dict[str, list[str]] = {}
    stages: dict[str, CanonStage] = {}
    for r in index:
        if r["file"] not in books:
            books[r["file"]] = decode((base / r["file"]).read_bytes(), base / r["file"])[0].split("\n")
        play = r["play_file_in_this_folder"]
        if play not in stages:
            stages[play] = CanonStage(sources=[read_canon(base / play)])
    rng = random.Random(seed)
    out: list[TaleResult] = []
    for r in index:
        lines = books[r["file"]][int(r["start_line"]) - 1 : int(r["end_line_exclusive"]) - 1]
        text = "\n".join(lines)
        for play, stage in stages.items():
            control = play != r["play_file_in_this_folder"]
            if control and not controls:
                continue
            story = Pipeline(_stages(stage))(read_text(text))
            layer = story.layer("canon")
            o = layer.summary.overall
            picked: tuple[tuple[str, str, str, float, str], ...] = ()
            if sample and not control:
                speech = list(story.speech())
                chosen = sorted(rng.sample(range(len(speech)), min(sample, len(speech))))
                rows = []
                for k in chosen:
                    q = speech[k]
                    m = layer.matches[q.id]
                    canon_text = ""
                    if m.source is not None and m.start is not None and m.end is not None:
                        canon_text = " ".join(stage.canons[0].text[m.start : m.end].split())
                    rows.append((q.id, " ".join(story.text[q.start : q.end].split()), m.status, m.similarity, canon_text))
                picked = tuple(rows)
            out.append(
                TaleResult(r["play"], play, o.quotes, o.words, o.canon_words, o.verbatim, o.altered, o.share, control, picked)
            )
    return out


def _short(play_file: str) -> str:
    """``shakespeare_hamlet_pg1524.txt`` -> ``hamlet``."""
    name = play_file.removeprefix("shakespeare_").rsplit("_pg", 1)[0]
    return name.replace("_", " ")


@eval_app.command("reuse")
def reuse_cli(
    folder: Annotated[Path, typer.Argument(help="The reuse data folder (lamb-shakespeare/, tyndale-kjv-gospels/).")] = DEFAULT_FOLDER,
    sample: Annotated[int, typer.Option("--sample", help="Print this many random quotations per tale to check by hand.")] = 0,
    no_controls: Annotated[bool, typer.Option("--no-controls", help="Skip aligning each tale with the other plays.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the --sample draw.")] = 7,
) -> None:
    """Tyndale/KJV verse precision and recall, and the canon share of each Lamb tale's dialogue.

    Example: ficlens eval reuse ../shared/data/reuse --sample 5
    """
    if not (folder / "lamb-shakespeare").is_dir() or not (folder / "tyndale-kjv-gospels").is_dir():
        fail(f"{folder}: not the reuse data folder (expected lamb-shakespeare/ and tyndale-kjv-gospels/ inside)")
    with user_errors():
        kjv = evaluate_tyndale_kjv(folder)
        tales = evaluate_lamb(folder, controls=not no_controls, sample=sample, seed=seed)
    console.print(
        f"Tyndale -> KJV Gospels: {kjv.verses:,} verses, {kjv.aligned:,} aligned ({kjv.verbatim} verbatim), "
        f"{kjv.correct:,} to their own verse: precision {kjv.precision:.3f}, recall {kjv.recall:.3f} "
        f"({kjv.seconds:.1f} s)"
    )
    table = Table(title="Lamb's tales: share of quoted dialogue found in the play", title_justify="left", show_edge=False)
    for col in ("tale", "play", "quotes", "words", "canon words", "verbatim", "altered", "share"):
        table.add_column(col, justify="left" if col in ("tale", "play") else "right")
    for t in tales:
        if not t.control:
            table.add_row(t.tale.title(), _short(t.play), str(t.quotes), str(t.words), str(t.canon_words), str(t.verbatim),
                          str(t.altered), f"{t.share:.3f}")
    console.print(table)
    ctrl = [t for t in tales if t.control]
    if ctrl:
        words = sum(t.words for t in ctrl)
        wrong = sum(t.canon_words for t in ctrl)
        matched = sum(t.verbatim + t.altered for t in ctrl)
        console.print(
            f"controls (each tale against the other {len({t.play for t in tales}) - 1} plays): {matched} quotations matched, "
            f"{wrong} of {words:,} words = {wrong / max(words, 1):.4f} share (all false positives)"
        )
    for t in tales:
        for qid, text, status, sim, canon_text in t.sample:
            console.print(f"[bold]{t.tale} {qid}[/] {status} {sim:.2f}\n  story: {text[:300]}\n  canon: {canon_text[:300]}")
