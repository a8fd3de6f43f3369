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
) -> None:
    """Score speakers and addressees end to end (no cast given) on stories marked ⟨Speaker→Addressee⟩.

    Example: ficlens eval speakers tests/fixtures/speakers/heldout
    """
    from ficlens.eval.speakers import TAG_KINDS, evaluate_speakers
    from ficlens.writers import write_atomic

    with user_errors():
        try:
            scores, total = evaluate_speakers(paths)
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
