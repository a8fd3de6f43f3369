"""Quotation recall on PDNC novels against the gold spans (needs ../shared/data/pdnc or $FICLENS_PDNC).

The ``pdnc_root`` fixture skips these tests, with the reason, when the corpus is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens import build_pipeline
from ficlens.eval.pdnc import load_novel, score_story
from ficlens.readers import read_text

NOVELS = ["PrideAndPrejudice", "AnneOfGreenGables"]


@pytest.mark.slow
@pytest.mark.parametrize("novel", NOVELS)
def test_pdnc_quotation_recall(pdnc_root: Path, novel: str) -> None:
    folder = pdnc_root / "data" / novel
    if not (folder / "novel_text.txt").is_file():
        pytest.skip(f"{novel} is not in the PDNC checkout at {pdnc_root}")
    gold = load_novel(folder)
    story = build_pipeline(stages=["structure", "quotations"])(read_text(gold.text))
    assert story.text == gold.text
    score = score_story(story, gold, with_cast=False).as_dict()
    assert score["quote_recall"] >= 0.95, score
    assert score["quote_precision"] >= 0.90, score
