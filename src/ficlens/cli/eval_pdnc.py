"""``ficlens eval pdnc``: the benchmark of record for quotations, speakers and addressees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ficlens.cli._app import console, eval_app, fail, user_errors


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


@eval_app.command("pdnc")
def pdnc(
    root: Annotated[Path, typer.Argument(help="The PDNC folder (holding data/<Novel>/...).")],
    novel: Annotated[list[str] | None, typer.Option("--novel", help="A novel folder name; repeat for several.")] = None,
    cast: Annotated[bool, typer.Option("--cast", help="Give each novel its gold character list.")] = False,
    shipped: Annotated[
        bool,
        typer.Option(
            "--shipped",
            help="Score the models inside the package instead of leave-novel-out models "
            "(in-sample for the novels they were trained on).",
        ),
    ] = False,
    stories: Annotated[
        list[Path] | None,
        typer.Option(
            "--stories",
            help="Annotated stories (a file or a folder) the leave-novel-out models also train on, "
            "as `ficlens train attribution --stories` does; repeat for several.",
        ),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
) -> None:
    """Score quotations, speakers and addressees against PDNC, leave-novel-out by default.

    Example: ficlens eval pdnc ../shared/data/pdnc --cast
    """
    from ficlens.eval.pdnc import evaluate_pdnc
    from ficlens.writers import write_atomic

    if not root.is_dir():
        fail(f"{root}: not a folder; give the PDNC folder that holds data/<Novel>/")
    if shipped and stories:
        fail("--stories trains the leave-novel-out models; the shipped ones are already trained")
    with user_errors():
        with console.status("scoring…") as status:

            def step(name: str, i: int, total: int) -> None:
                status.update(f"{name} ({i + 1}/{total})")

            try:
                scores, total = evaluate_pdnc(
                    root, novels=novel, with_cast=cast, cross_validate=not shipped, stories=stories or [], progress=step
                )
            except (FileNotFoundError, ValueError) as exc:
                fail(str(exc))
    mode = ("gold cast" if cast else "end to end") + (", shipped models" if shipped else ", leave-novel-out")
    table = Table(title=f"PDNC ({mode})", title_justify="left")
    for col in ("novel", "quote R", "quote P", "speaker", "explicit", "anaphoric", "implicit", "addressee", "s"):
        table.add_column(col, justify="left" if col == "novel" else "right")
    rows = [*scores, total]
    for s in rows:
        d = s.as_dict()
        bt = d["speaker_accuracy_by_type"]
        table.add_row(
            d["novel"], _pct(d["quote_recall"]), _pct(d["quote_precision"]), _pct(d["speaker_accuracy"]),
            _pct(bt.get("explicit")), _pct(bt.get("anaphoric")), _pct(bt.get("implicit")),
            _pct(d["addressee_accuracy"]), f"{d['seconds']:.1f}",
            style="bold" if s is total else None,
        )
    console.print(table)
    dec = Table(title="speaker accuracy by confidence decile (all novels)", title_justify="left")
    dec.add_column("confidence")
    dec.add_column("accuracy", justify="right")
    dec.add_column("quotes", justify="right")
    for row in total.as_dict()["accuracy_by_confidence_decile"]:
        dec.add_row(row["decile"], _pct(row["accuracy"]), str(row["n"]))
    console.print(dec)
    if json_out:
        payload = {"mode": mode, "novels": [s.as_dict() for s in scores], "overall": total.as_dict()}
        write_atomic(json_out, json.dumps(payload, indent=2) + "\n")
        console.print(f"wrote {json_out}")
