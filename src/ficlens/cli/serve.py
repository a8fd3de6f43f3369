"""``ficlens serve``: the web app and JSON API on this computer."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from ficlens.cli._app import app, console, fail, user_errors


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on; other computers can connect unless it is 127.0.0.1."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Where analyses are kept (default: the user data folder)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=8, help="Analyses that run at once.")] = 1,
) -> None:
    """Serve the web app: upload or paste a story, see its report; analyses are kept.

    Example: ficlens serve --port 8000
    """
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - a dependency
        fail("uvicorn is not installed; reinstall ficlens")
    from ficlens.server import create_app, default_data_dir

    with user_errors():
        folder = data_dir or default_data_dir()
        application = create_app(data_dir=folder, workers=workers)
    if not _is_loopback(host):
        console.print(
            f"[yellow]warning:[/] listening on {host}: anyone who can reach this computer can use it"
        )
    console.print(
        f"ficlens at http://{'[' + host + ']' if ':' in host else host}:{port}/ (analyses in {folder}); Ctrl+C stops"
    )
    uvicorn.run(application, host=host, port=port, log_level="warning", server_header=False)
