"""Fixtures shared by every test (the only place fixtures live; see STYLE.md §9): paths to
our own test stories, a cache of analysed ones, and file helpers.

Stories used here are short pieces written for these tests; no published text is copied.
"""

from __future__ import annotations

import os
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


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout (holding examples/, docs/, src/)."""
    return REPO


@pytest.fixture(scope="session")
def low_tide_path() -> Path:
    """The example story shipped in examples/ (original writing, plain text)."""
    return REPO / "examples" / "low-tide.txt"


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, bytes | str], Path]:
    """Write bytes (or UTF-8 text, written byte for byte) to ``tmp_path/name``; return the path."""

    def write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def quote_texts() -> Callable[[Story], list[str]]:
    """The text of each quotation of a story, in order (marks excluded by the contract)."""

    def texts(story: Story) -> list[str]:
        return [story.text[q.start : q.end] for q in story.quotes]

    return texts


@pytest.fixture(scope="session")
def pdnc_root() -> Path:
    """The PDNC checkout: $FICLENS_PDNC, else ../shared/data/pdnc beside the repository."""
    env = os.environ.get("FICLENS_PDNC")
    root = Path(env) if env else REPO.parent / "shared" / "data" / "pdnc"
    if not (root / "data").is_dir():
        pytest.skip(
            f"PDNC not found at {root} (set FICLENS_PDNC to a checkout holding data/<Novel>/); "
            "the PDNC recall test needs the annotated novels"
        )
    return root
