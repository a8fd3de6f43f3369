"""``ficlens analyze``: the main job."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ficlens.cli._app import app, console, fail, user_errors


def _outputs(path: Path, out: str | None, fmt: str) -> dict[str, str]:
    """Map each format to the file it is written to ("-" is stdout)."""
    from ficlens.writers import FORMATS, SUFFIXES

    wanted = [f for f in FORMATS if f in ("json", "html")] if fmt == "all" else [fmt]
    if fmt != "all" and fmt not in FORMATS:
        fail(f"--format {fmt!r} is not available; choose from {', '.join([*FORMATS, 'all'])}")
    stem = path.name.split(".")[0] or "story"
    if out == "-":
        if len(wanted) > 1:
            fail("-o - writes one format to standard output; give a folder with --format all")
        return {wanted[0]: "-"}
    if out is None:
        return {f: f"{stem}.ficlens{SUFFIXES[f]}" for f in wanted}
    target = Path(out)
    # a folder: one that exists, or a new one written with a trailing slash ("-o results/")
    if len(wanted) > 1 or target.is_dir() or out.endswith(("/", os.sep)):
        return {f: str(target / f"{stem}.ficlens{SUFFIXES[f]}") for f in wanted}
    return {wanted[0]: out}


@app.command()
def analyze(
    path: Annotated[Path, typer.Argument(help="A story: .txt, .md, .html (AO3 download) or .epub.")],
    cast: Annotated[
        Path | None, typer.Option("--cast", help="Cast list: YAML (name, aliases, gender) or PDNC character_info.csv.")
    ] = None,
    canon: Annotated[
        list[Path] | None,
        typer.Option("--canon", help="Canon file (.srt, .vtt, transcript, play, book); repeat for several."),
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="json, html, csv, graphml, or all (html+json).")] = "json",
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Output file or folder; '-' for standard output.")
    ] = None,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help="Leave quotations unattributed below this confidence (0-1).")
    ] = 0.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table.")] = False,
) -> None:
    """Analyse a story and write the JSON (or a report); print a summary.

    Example: ficlens analyze examples/low-tide.txt -o low-tide.json
    """
    from ficlens import analyze as run
    from ficlens.writers import render, write_atomic

    if not 0.0 <= min_confidence <= 1.0:
        fail(f"--min-confidence must be between 0 and 1, not {min_confidence}")
    with user_errors():
        targets = _outputs(path, out, format)
        t0 = time.perf_counter()
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=quiet or not console.is_terminal,
        ) as progress:
            task = progress.add_task(f"reading {path.name}", total=None)

            def step(name: str, i: int, total: int) -> None:
                progress.update(task, description=f"{path.name}: {name}", completed=i, total=total)

            story = run(path, cast=cast, canon=canon or None, min_confidence=min_confidence, progress=step)
        elapsed = time.perf_counter() - t0
        rendered = {fmt: render(story, fmt) for fmt in targets}
        for fmt, target in targets.items():
            if target == "-":
                sys.stdout.write(rendered[fmt])
                sys.stdout.write("\n")
            else:
                write_atomic(target, rendered[fmt])
    if not quiet:
        _summary(story, elapsed, [t for t in targets.values() if t != "-"])


def _summary(story: object, elapsed: float, written: list[str]) -> None:
    from ficlens.story import Story
    from ficlens.writers.summary import summary_rows

    assert isinstance(story, Story)
    info = summary_rows(story)
    table = Table(title=info["title"], title_justify="left", show_edge=False)
    for col, justify in (("character", "left"), ("gender", "left"), ("mentions", "right"), ("quotes", "right"), ("words spoken", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for row in info["characters"]:
        table.add_row(*[str(x) for x in row])
    console.print(table)
    # soft_wrap: a long path or count line is never broken in two
    for line in info["lines"]:
        console.print(line, soft_wrap=True, markup=False)
    for line in info.get("narrative", ()):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    words = len(story.text.split())
    console.print(f"{words:,} words in {elapsed:.2f} s ({words / max(elapsed, 1e-9):,.0f} words/s)", soft_wrap=True)
    for target in written:
        console.print(f"wrote {target}", soft_wrap=True, markup=False, highlight=False)
