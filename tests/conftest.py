"""Shared fixtures: paths to our own test stories and a cache of analysed ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import ficlens
from ficlens.story import Story

FIXTURES = Path(__file__).parent / "fixtures"
STORIES = FIXTURES / "stories"
EXAMPLES = Path(__file__).parents[1] / "examples"
#: The cast of our "Tidewater" stories (tests/fixtures/stories).
TIDEWATER_CAST = STORIES / "tidewater-cast.yaml"


@pytest.fixture(scope="session")
def analyzed() -> Callable[..., Story]:
    """Analyse a story from tests/fixtures/stories (with the Tidewater cast) or examples/, once.

    Tests only read the Story they get; it is shared across the session.
    """
    cache: dict[tuple[str, bool], Story] = {}

    def run(name: str, *, cast: bool = True) -> Story:
        key = (name, cast)
        if key not in cache:
            path = STORIES / name
            if path.exists():
                cache[key] = ficlens.analyze(path, cast=TIDEWATER_CAST if cast else None)
            else:
                cache[key] = ficlens.analyze(EXAMPLES / name)
        return cache[key]

    return run
