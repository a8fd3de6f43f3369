"""``ficlens eval thought``: precision and recall of interior-thought detection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ficlens.cli._app import console, eval_app, fail, user_errors


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


@eval_app.command("thought")
def thought(
    root: Annotated[Path, typer.Argument(help="A folder of annotated stories (.txt/.md with ⟦thoughts⟧ marked).")],
    no_tagger: Annotated[bool, typer.Option("--no-tagger", help="Rules only: do not confirm candidates with spaCy.")] = False,
    show: Annotated[bool, typer.Option("--show", help="List false positives and missed thoughts.")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
) -> None:
    """Score interior-thought detection against stories with their thoughts marked ⟦like this⟧.

    Example: ficlens eval thought tests/fixtures/thought
    """
    from ficlens.eval.thought import evaluate_thought
    from ficlens.writers import write_atomic

    if not root.is_dir():
        fail(f"{root}: not a folder; give a folder of annotated .txt/.md stories")
    with user_errors():
        try:
            scores, total = evaluate_thought(root, use_tagger=not no_tagger)
        except (FileNotFoundError, ValueError) as exc:
            fail(str(exc))
    table = Table(title=f"thought ({'rules only' if no_tagger else 'rules + tagger'})", title_justify="left")
    for col in ("story", "gold", "found", "precision", "recall", "char P", "char R"):
        table.add_column(col, justify="left" if col == "story" else "right")
    for s in [*scores, total]:
        table.add_row(
            s.name, str(s.gold), str(s.found), _pct(s.precision), _pct(s.recall),
            _pct(s.char_precision), _pct(s.char_recall), style="bold" if s is total else None,
        )
    console.print(table)
    if show:
        for line in total.false_positives:
            console.print(f"[red]false positive[/] {line}", markup=True, highlight=False)
        for line in total.missed:
            console.print(f"[yellow]missed[/] {line}", markup=True, highlight=False)
    if json_out:
        payload = {"tagger": not no_tagger, "stories": [s.as_dict() for s in scores], "overall": total.as_dict()}
        write_atomic(json_out, json.dumps(payload, indent=2) + "\n")
        console.print(f"wrote {json_out}")
