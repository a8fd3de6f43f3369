"""Writers read a finished Story and write it out; none changes it.

``write(story, path, format)`` writes atomically: to a temporary file beside the target,
then renamed, so a failure never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ficlens.story import Story

__all__ = ["write_atomic", "render", "FORMATS", "SUFFIXES"]


def _json(story: Story) -> str:
    return story.to_json()


def _html(story: Story) -> str:
    from ficlens.writers.html_report import render_html

    return render_html(story)


def _graphml(story: Story) -> str:
    from ficlens.writers.graphml import to_graphml

    return to_graphml(story)


def _csv(story: Story) -> str:
    from ficlens.writers.csv_out import to_csv

    return to_csv(story)


#: Output formats by name: each renders a Story to text. Other writers register here.
FORMATS: dict[str, Callable[[Story], str]] = {"json": _json, "html": _html, "graphml": _graphml, "csv": _csv}

#: The file suffix each format is written with.
SUFFIXES: dict[str, str] = {"json": ".json", "html": ".html", "csv": ".csv", "graphml": ".graphml"}


def render(story: Story, format: str) -> str:
    try:
        return FORMATS[format](story)
    except KeyError:
        raise ValueError(f"unknown format {format!r}; available: {', '.join(FORMATS)}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, content: str) -> None:
    """Write ``content`` to ``path`` via a temporary file and a rename.

    The file gets the permissions a plain ``open(path, "w")`` would give it (0666 less the
    umask), not the private 0600 of a temporary file. An OSError names ``path``, never the
    temporary file, and no temporary file is left behind.
    """
    target = Path(path)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError) and exc.filename != str(target):
            raise OSError(exc.errno, exc.strerror or str(exc), str(target)) from None
        raise
