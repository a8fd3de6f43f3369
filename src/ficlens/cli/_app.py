"""The typer app every command registers on, and the helpers commands share."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from ficlens.errors import FicLensError

app = typer.Typer(
    name="ficlens",
    help="Read fiction as data: structure, quotations, speakers, characters, thought, tags and canon reuse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

#: ``ficlens eval ...``: measure against annotated data (one module per data set).
eval_app = typer.Typer(help="Measure ficlens against annotated data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

#: ``ficlens bench ...``: speed and memory figures (one module per benchmark).
bench_app = typer.Typer(help="Print speed and memory figures (for BENCHMARKS.md).", no_args_is_help=True)
app.add_typer(bench_app, name="bench")

#: Human-facing output goes to stderr so stdout can carry JSON (``-o -``).
console = Console(stderr=True, highlight=False)



def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on one line and exit with ``code``."""
    console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn ficlens errors (and a few OS errors) into one line and exit status 2."""
    try:
        yield
    except FicLensError as exc:
        fail(exc.one_line())
    except BrokenPipeError:
        # the reader of standard output went away (``ficlens analyze x -o - | head``): stop
        # quietly, as cat does, and keep Python from complaining when it flushes at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
