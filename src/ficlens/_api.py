"""``ficlens.analyze``: read a story and run the pipeline over it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ficlens.pipeline import DEFAULT_STAGES, Pipeline, stage_by_name
from ficlens.readers import read, read_text
from ficlens.readers._cast import CastMember, load_cast
from ficlens.story import Story

__all__ = ["analyze", "build_pipeline"]

SourceTypes = str | Path
CastTypes = str | Path | Sequence[CastMember] | None

_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".text")


def _is_path(source: SourceTypes) -> bool:
    if isinstance(source, Path):
        return True
    if "\n" in source or len(source) > 4096:
        return False
    if source.lower().endswith(_SUFFIXES):
        return True
    try:
        return Path(source).is_file()
    except OSError:  # a one-line story longer than a file name may be ("File name too long")
        return False


def build_pipeline(
    *,
    cast: CastTypes = None,
    stages: Sequence[str] | None = None,
    canon: Sequence[str | Path] | None = None,
    min_confidence: float = 0.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> Pipeline:
    """The pipeline ``analyze`` runs, for reuse over many stories."""
    members = load_cast(cast) if isinstance(cast, (str, Path)) else list(cast) if cast else None
    options: dict[str, dict[str, Any]] = {
        "characters": {"cast": members},
        "attribution": {"min_confidence": min_confidence},
    }
    if canon:
        options["canon"] = {"sources": list(canon)}
    names = list(stages) if stages is not None else list(DEFAULT_STAGES)
    if canon and "canon" not in names:
        # canon runs before attribution, which takes a verbatim canon line's speaker as evidence
        names.insert(names.index("attribution") if "attribution" in names else len(names), "canon")
    return Pipeline([stage_by_name(n, **options.get(n, {})) for n in names], progress=progress)


def analyze(
    source: SourceTypes,
    *,
    cast: CastTypes = None,
    canon: Sequence[str | Path] | None = None,
    stages: Sequence[str] | None = None,
    format: str | None = None,
    min_confidence: float = 0.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> Story:
    """Read a story and analyse it.

    Args:
        source: a path to a .txt, .md, .html (AO3) or .epub file, or the text itself.
        cast: a cast file (YAML or PDNC ``character_info.csv``) or a list of CastMember;
            when given it is authoritative.
        canon: canon files (subtitles, transcripts, plays, books) to align the dialogue with.
        stages: stage names to run, in order (default: ``ficlens.pipeline.DEFAULT_STAGES``).
        format: force a reader ("text", "markdown", "html", "epub").
        min_confidence: leave quotations unattributed below this confidence.
        progress: callback ``(stage, index, total)``.

    RETURNS (Story): the text and every layer the stages added.
    """
    pipeline = build_pipeline(
        cast=cast, stages=stages, canon=canon, min_confidence=min_confidence, progress=progress
    )
    if _is_path(source):
        story = read(source, format=format)
    else:
        story = read_text(str(source), format=format or "text")
    return pipeline(story)
