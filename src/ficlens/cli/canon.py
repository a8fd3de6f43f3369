"""``ficlens canon``: align a story's dialogue with canon files and print what is reused."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from ficlens.cli._app import app, console, user_errors
from ficlens.story import Story

_STYLE = {"verbatim": "bold green", "altered": "yellow", "original": "dim"}


def canon_report(
    story_path: Path, canon: list[Path], *, cast: Path | None = None, narration: bool = False
) -> Story:
    """Read a story and run the built-in stages with the canon stage (before attribution).

    The library half of ``ficlens canon``; ``ficlens.analyze(path, canon=[...])`` does the
    same without the ``narration`` option.
    """
    from ficlens.pipeline import DEFAULT_STAGES, Pipeline, stage_by_name
    from ficlens.readers import read
    from ficlens.readers._cast import load_cast
    from ficlens.stages import REGISTRY

    # stages whose module is installed (attribution may come later than canon)
    stages = [s for s in DEFAULT_STAGES if s in REGISTRY and importlib.util.find_spec(f"ficlens.stages.{s}")]
    stages.insert(stages.index("attribution") if "attribution" in stages else len(stages), "canon")
    options: dict[str, dict[str, Any]] = {
        "characters": {"cast": load_cast(cast) if cast else None},
        "canon": {"sources": list(canon), "align_narration": narration},
    }
    pipeline = Pipeline([stage_by_name(n, **options.get(n, {})) for n in stages])
    return pipeline(read(story_path))


@app.command("canon")
def canon_cli(
    story: Annotated[Path, typer.Argument(help="The story: .txt, .md, .html (AO3) or .epub.")],
    canon: Annotated[
        list[Path], typer.Argument(help="Canon files: .srt, .vtt, transcripts, screenplays, plays, books.")
    ],
    cast: Annotated[Path | None, typer.Option("--cast", help="Cast list (YAML or PDNC character_info.csv).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the alignment as JSON on standard output.")] = False,
    narration: Annotated[bool, typer.Option("--narration", help="Also align narration with the canon.")] = False,
) -> None:
    """Say which quotations are verbatim canon, altered canon or the writer's own.

    Example: ficlens canon examples/low-tide.txt examples/low-tide-1x08.srt
    """
    from ficlens.stages.canon import summarize

    with user_errors():
        result = canon_report(story, canon, cast=cast, narration=narration)
    layer = result.layer("canon")
    summary = summarize(result)
    if as_json:
        from ficlens.writers.json_out import SCHEMA_VERSION, _plain

        names = {c.id: c.name for c in result.characters}
        payload = {
            "schema_version": SCHEMA_VERSION,
            "story": str(story),
            "sources": list(layer.sources),
            "quotes": [
                {"id": q.id, "text": result.text[q.start : q.end], "group": q.group, "canon": _plain(layer.matches[q.id])}
                for q in result.speech()
            ],
            "narration": _plain(layer.narration),
            "summary": _plain(summary),
            "characters": names,
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    _print(result, layer, summary)


def _print(story: Story, layer: Any, summary: Any) -> None:
    names = {c.id: c.name for c in story.characters}
    table = Table(show_edge=False, title=f"canon: {', '.join(Path(s).name for s in layer.sources)}", title_justify="left")
    for col, justify in (("quote", "left"), ("status", "left"), ("sim", "right"), ("cov", "right"),
                         ("canon speaker", "left"), ("where", "left"), ("text", "left")):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for q in story.speech():
        m = layer.matches[q.id]
        who = ""
        if m.speaker:
            who = m.speaker + (f" → {names[m.character]}" if m.character in names else "")
        where = ""
        if m.source:
            where = f"{Path(m.source).name}: {m.location}" if len(layer.sources) > 1 else str(m.location)
        text = " ".join(story.text[q.start : q.end].split())
        table.add_row(
            q.id, Text(m.status, style=_STYLE[m.status]), f"{m.similarity:.2f}" if m.source else "",
            f"{m.coverage:.2f}" if m.source else "", who, where, text[:90] + ("…" if len(text) > 90 else ""),
        )
    console.print(table)
    for n in layer.narration:
        text = " ".join(story.text[n.start : n.end].split())
        console.print(f"narration {n.status} {n.similarity:.2f} {Path(n.source).name} {n.location}: {text[:100]}")
    o = summary.overall
    console.print(
        f"dialogue: {o.words:,} words in {o.quotes} quotations; canon {o.share:.0%} "
        f"({o.verbatim} verbatim, {o.altered} altered, {o.original} original)"
    )
    for cid, share in sorted(summary.by_character.items(), key=lambda kv: -kv[1].words):
        console.print(f"  {names.get(cid, cid)}: canon {share.share:.0%} of {share.words:,} words")
    if summary.unattributed.quotes:
        console.print(f"  (speaker unknown): canon {summary.unattributed.share:.0%} of {summary.unattributed.words:,} words")
    for sid, share in summary.by_scene.items():
        console.print(f"  scene {sid or '-'}: canon {share.share:.0%} of {share.words:,} words")
    for label, run in (("canon", summary.longest_canon_run), ("original", summary.longest_original_run)):
        if run:
            console.print(f"longest {label} run: {run.first}–{run.last} ({run.quotes} quotations, {run.words} words)")
