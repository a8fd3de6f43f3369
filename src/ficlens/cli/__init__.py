"""The ``ficlens`` command line: one module per command, each a thin wrapper over the API."""

from __future__ import annotations

# Importing a command module registers its command on the app.
from ficlens.cli import analyze as _analyze  # noqa: F401
from ficlens.cli import bench as _bench  # noqa: F401
from ficlens.cli import bench_canon as _bench_canon  # noqa: F401
from ficlens.cli import canon as _canon  # noqa: F401
from ficlens.cli import eval_pdnc as _eval_pdnc  # noqa: F401
from ficlens.cli import eval_reuse as _eval_reuse  # noqa: F401
from ficlens.cli import eval_speakers as _eval_speakers  # noqa: F401
from ficlens.cli import eval_thought as _eval_thought  # noqa: F401
from ficlens.cli import serve as _serve  # noqa: F401
from ficlens.cli._app import app
from ficlens.cli.train import train_app

app.add_typer(train_app, name="train")

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``ficlens`` script."""
    app()
