"""``ficlens bench canon``: how long the canon check takes on a novel-sized story.

With the reuse data (../shared/data/reuse) the story is Lamb's *Tales from Shakespeare*
(about 100,000 words, cut to ``--story-words``) and the canon the six Shakespeare plays
plus Tyndale's Gospels, one line per verse (about 200,000 spoken words). Without it, or with
``--synthetic``, both are generated: a Zipf-distributed vocabulary, canon lines with
speakers, and a story whose quotations copy, alter or ignore canon lines.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import time
from pathlib import Path
from typing import Annotated

import typer

from ficlens.cli._app import bench_app, console, user_errors
from ficlens.cli.bench import peak_rss_mb

DEFAULT_FOLDER = Path("../shared/data/reuse")


def real_inputs(folder: Path, story_words: int) -> tuple[str, list[object]]:
    """The Lamb story text and the canon texts (plays and Tyndale verses) from the reuse folder."""
    from ficlens.readers._text import decode
    from ficlens.readers.canon import CanonText, read_canon

    lamb = folder / "lamb-shakespeare"
    book = decode((lamb / "lamb_tales_from_shakespeare_pg573.txt").read_bytes(), None)[0]
    kept, count = [], 0
    for line in book.split("\n"):
        kept.append(line)
        count += len(line.split())
        if count >= story_words:
            break
    canons: list[object] = [read_canon(p) for p in sorted(lamb.glob("shakespeare_*.txt"))]
    tsv = folder / "tyndale-kjv-gospels" / "gospels_kjv_tyndale_verses.tsv"
    with tsv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    canons.append(
        CanonText.from_lines(
            str(tsv) + "#tyndale",
            ((None, f"{r['book']} {r['chapter']}:{r['verse']}", r["tyndale_1526_scrollmapper"]) for r in rows),
        )
    )
    return "\n".join(kept), canons


def synthetic_inputs(story_words: int, canon_words: int, seed: int = 11) -> tuple[str, list[object]]:
    """A generated story and canon of the requested sizes (words)."""
    from ficlens.readers.canon import CanonText

    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ren", "tha", "vo", "sel", "dun", "bri", "ast", "or", "el", "ian", "mor", "tes"]
    vocab = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))) for _ in range(20_000)]
    weights = [1 / (k + 1) for k in range(len(vocab))]
    speakers = ["NORA", "DEV", "MAGS", "TAM", "THE SKIPPER", "HARBOURMASTER"]

    cumulative = list(itertools.accumulate(weights))

    def words(n: int) -> list[str]:
        return rng.choices(vocab, cum_weights=cumulative, k=n)

    lines: list[tuple[str | None, str, str]] = []
    total = 0
    while total < canon_words:
        n = rng.randint(3, 24)
        lines.append((rng.choice(speakers), f"line {len(lines) + 1}", " ".join(words(n)).capitalize() + "."))
        total += n
    canon = CanonText.from_lines("synthetic-canon", lines)
    paragraphs: list[str] = []
    total = 0
    while total < story_words:
        narration = " ".join(words(rng.randint(10, 60))).capitalize() + "."
        roll = rng.random()
        if roll < 0.25:
            quote = lines[rng.randrange(len(lines))][2]
        elif roll < 0.45:
            qw = lines[rng.randrange(len(lines))][2].rstrip(".").split()
            for _ in range(max(1, len(qw) // 5)):
                qw[rng.randrange(len(qw))] = rng.choice(vocab)
            quote = " ".join(qw) + "."
        else:
            quote = " ".join(words(rng.randint(3, 20))).capitalize() + "."
        paragraphs.append(f'{narration} "{quote}" {rng.choice(speakers).title()} said.')
        total += len(paragraphs[-1].split())
    return "\n\n".join(paragraphs), [canon]


@bench_app.command("canon")
def canon_bench(
    folder: Annotated[Path, typer.Argument(help="The reuse data folder; synthetic data is used when it is absent.")] = DEFAULT_FOLDER,
    story_words: Annotated[int, typer.Option("--story-words", help="Story size in words.")] = 100_000,
    canon_words: Annotated[int, typer.Option("--canon-words", help="Canon size in words (synthetic only).")] = 200_000,
    synthetic: Annotated[bool, typer.Option("--synthetic", help="Generate the story and canon even if the data is there.")] = False,
    narration: Annotated[bool, typer.Option("--narration", help="Align narration too.")] = False,
) -> None:
    """Time the canon check: reading and indexing the canon, then aligning a story's dialogue.

    Example: ficlens bench canon ../shared/data/reuse
    """
    from ficlens.pipeline import Pipeline, stage_by_name
    from ficlens.readers import read_text
    from ficlens.stages.canon import CanonStage

    with user_errors():
        real = not synthetic and (folder / "lamb-shakespeare").is_dir() and (folder / "tyndale-kjv-gospels").is_dir()
        t0 = time.perf_counter()
        text, canons = real_inputs(folder, story_words) if real else synthetic_inputs(story_words, canon_words)
        # reading the canon files counts; generating synthetic data does not
        t_read = time.perf_counter() - t0 if real else 0.0
        t_make = 0.0 if real else time.perf_counter() - t0
        t0 = time.perf_counter()
        stage = CanonStage(sources=canons, align_narration=narration)  # type: ignore[arg-type]
        t_index = time.perf_counter() - t0
        story = read_text(text)
        Pipeline([stage_by_name("structure"), stage_by_name("quotations"), stage_by_name("characters", use_ner=False)])(story)
        t0 = time.perf_counter()
        stage(story)
        t_align = time.perf_counter() - t0
    layer = story.layer("canon")
    story_n = len(story.text.split())
    canon_n = stage.index.n
    o = layer.summary.overall
    console.print(f"data: {'reuse folder ' + str(folder) if real else 'synthetic'}; {os.cpu_count()} CPUs visible, one used")
    console.print(
        f"story {story_n:,} words, {o.quotes:,} quotations ({o.words:,} words of dialogue); "
        f"canon {len(canons)} files, {canon_n:,} spoken words in {len(stage.index.lines):,} lines"
    )
    made = f" (generating the data took {t_make:.2f} s, not counted)" if not real else ""
    console.print(f"read canon {t_read:.2f} s; index {t_index:.2f} s; align {t_align:.2f} s{made}")
    console.print(
        f"TOTAL canon check {t_read + t_index + t_align:.2f} s "
        f"({o.verbatim} verbatim, {o.altered} altered, {o.original} original"
        f"{', ' + str(len(layer.narration)) + ' narration matches' if narration else ''}); "
        f"peak memory {peak_rss_mb():,.0f} MB"
    )
