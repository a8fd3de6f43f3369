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


def _graphml(story: Story) -> str:
    from ficlens.writers.graphml import to_graphml

    return to_graphml(story)


def _csv(story: Story) -> str:
    from ficlens.writers.csv_out import to_csv

    return to_csv(story)


#: Output formats by name: each renders a Story to text. Other writers register here.
FORMATS: dict[str, Callable[[Story], str]] = {"json": _json, "graphml": _graphml, "csv": _csv}

#: The file suffix each format is written with.
SUFFIXES: dict[str, str] = {"json": ".json", "html": ".html", "csv": ".csv", "graphml": ".graphml"}


def render(story: Story, format: str) -> str:
    try:
        return FORMATS[format](story)
    except KeyError:
        raise ValueError(f"unknown format {format!r}; available: {', '.join(FORMATS)}") from None


def write_atomic(path: str | Path, content: str) -> None:
    """Write ``content`` to ``path`` via a temporary file and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
