"""``ficlens bench speed``: words per second and peak memory of ``analyze``."""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Annotated

import typer

from ficlens.cli._app import bench_app, console, user_errors


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@bench_app.command("speed")
def speed(
    paths: Annotated[list[Path], typer.Argument(help="Stories or novels to analyse.")],
    cast: Annotated[Path | None, typer.Option("--cast", help="Cast file for every input.")] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Runs per file; the best is reported.")] = 1,
) -> None:
    """Time the whole analysis of each file and print words/s and peak memory.

    Example: ficlens bench speed ../shared/data/pdnc/data/Emma/novel_text.txt
    """
    from ficlens import analyze
    from ficlens.stages._nlp import ner

    with user_errors():
        t0 = time.perf_counter()
        ner()  # load the model once, outside the timings
        load = time.perf_counter() - t0
        console.print(f"model load: {load:.2f} s (not counted below)")
        total_words = 0
        total_time = 0.0
        for path in paths:
            best = float("inf")
            story = None
            for _ in range(repeat):
                t = time.perf_counter()
                story = analyze(path, cast=cast)
                best = min(best, time.perf_counter() - t)
            assert story is not None
            words = len(story.text.split())
            total_words += words
            total_time += best
            stages = ", ".join(f"{k} {v:.2f}s" for k, v in story.timings.items())
            console.print(f"{path.name}: {words:,} words in {best:.2f} s = {words / best:,.0f} words/s ({stages})")
        console.print(
            f"TOTAL {total_words:,} words in {total_time:.2f} s = {total_words / max(total_time, 1e-9):,.0f} words/s; "
            f"peak memory {peak_rss_mb():,.0f} MB"
        )
