"""``ficlens train attribution``: rebuild the shipped attribution models from PDNC."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ficlens.cli._app import console, fail, user_errors

train_app = typer.Typer(help="Train ficlens's models from annotated data.", no_args_is_help=True)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "stages" / "attribution_weights.json"


@train_app.command("attribution")
def attribution(
    root: Annotated[Path, typer.Argument(help="The PDNC folder (holding data/<Novel>/...).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the models.")] = DEFAULT_OUT,
    stories: Annotated[
        list[Path] | None,
        typer.Option(
            "--stories",
            help="Stories annotated as `ficlens eval speakers` reads them (a file or a folder) "
            "to train on as well; repeat for several.",
        ),
    ] = None,
) -> None:
    """Train the speaker and addressee rankers on every PDNC novel (and annotated stories) and write them.

    Example: ficlens train attribution ../shared/data/pdnc --stories tests/fixtures/speakers/dev
    """
    from ficlens.stages.attribution import TreeModel, models_from_dict
    from ficlens.training.attribution import train

    if not root.is_dir():
        fail(f"{root}: not a folder; give the PDNC folder that holds data/<Novel>/")
    with user_errors():
        with console.status("training…") as status:

            def step(name: str, i: int, total: int) -> None:
                status.update(f"{name} ({i + 1}/{total})")

            try:
                payload = train(root, out, stories=stories or [], progress=step)
            except (FileNotFoundError, ValueError) as exc:
                fail(str(exc))
    extra = f" and {len(payload['stories'])} stories" if payload["stories"] else ""
    console.print(f"trained on {len(payload['novels'])} novels{extra}; wrote {out}")
    speaker, _ = models_from_dict(payload)
    if isinstance(speaker, TreeModel):
        top = sorted(speaker.importance().items(), key=lambda kv: -kv[1])[:8]
        console.print(
            f"speaker trees (temperature {speaker.temperature:.3f}, for the confidence "
            f"{speaker.confidence_temperature:.3f}), share of gain: "
            + ", ".join(f"{k} {v:.2f}" for k, v in top)
        )
    weights = payload["addressee"]["weights"]
    top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:8]
    console.print("addressee weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in top))
