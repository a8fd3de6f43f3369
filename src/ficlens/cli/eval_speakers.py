"""``ficlens eval speakers``: speakers and addressees, end to end, on stories marked by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ficlens.cli._app import console, eval_app, fail, user_errors


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


@eval_app.command("speakers")
def speakers(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Annotated stories (.txt/.md with a ⟨cast: …⟩ line and ⟨Speaker→Addressee⟩ markers), or folders of them."),
    ],
    show: Annotated[bool, typer.Option("--show", help="List every quotation whose speaker or addressee is wrong.")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
    retrain: Annotated[
        Path | None,
        typer.Option(
            "--retrain",
            help="Score models trained here and now on this PDNC folder (and --stories), "
            "never on the stories being scored, instead of the shipped ones.",
        ),
    ] = None,
    stories: Annotated[
        list[Path] | None,
        typer.Option("--stories", help="With --retrain: annotated stories to train on too (files being scored are left out)."),
    ] = None,
) -> None:
    """Score speakers and addressees end to end (no cast given) on stories marked ⟨Speaker→Addressee⟩.

    Example: ficlens eval speakers tests/fixtures/speakers/heldout
    """
    from ficlens.eval.speakers import TAG_KINDS, annotated_files, evaluate_speakers
    from ficlens.writers import write_atomic

    if stories and retrain is None:
        fail("--stories needs --retrain: the shipped models are already trained")
    if retrain is not None and not retrain.is_dir():
        fail(f"{retrain}: not a folder; give the PDNC folder that holds data/<Novel>/")
    with user_errors():
        try:
            models = None
            if retrain is not None:
                scored = {f.resolve() for f, _ in annotated_files(paths)}
                train_on = [f for f, _ in annotated_files(stories or []) if f.resolve() not in scored]
                with console.status("training…"):
                    models = _retrained(retrain, train_on)
            scores, total = evaluate_speakers(paths, models=models)
        except (FileNotFoundError, ValueError) as exc:
            fail(str(exc))
    table = Table(title="speakers (end to end, no cast)", title_justify="left")
    for col in ("story", "quotes", "found", "speaker", "addressee", "cast P", "speakers found", "split"):
        table.add_column(col, justify="left" if col == "story" else "right")
    for s in [*scores, total]:
        table.add_row(
            s.name, str(s.quotes), _pct(s.quote_recall), _pct(s.speaker_accuracy), _pct(s.addressee_accuracy),
            _pct(s.cast_precision), _pct(s.speakers_found), str(s.split), style="bold" if s is total else None,
        )
    console.print(table)
    kinds = Table(title="speaker accuracy by tag kind (all stories)", title_justify="left")
    for col in ("tag", "quotes", "speaker"):
        kinds.add_column(col, justify="left" if col == "tag" else "right")
    for k in TAG_KINDS:
        if k in total.by_kind:
            kinds.add_row(k, str(total.by_kind[k][1]), _pct(total.kind_accuracy(k)))
    console.print(kinds)
    if show:
        for line in total.errors:
            console.print(f"[red]wrong[/] {escape(line)}", markup=True, highlight=False)
    if json_out:
        payload = {"stories": [s.as_dict() for s in scores], "overall": total.as_dict()}
        write_atomic(json_out, json.dumps(payload, indent=2) + "\n")
        console.print(f"wrote {json_out}")


def _retrained(root: Path, stories: list[Path]) -> object:
    """Attribution models trained as the shipped ones are (PDNC with and without the gold
    cast, and these stories)."""
    from ficlens.training.attribution import train_models

    return train_models(root, stories=stories)[0]
