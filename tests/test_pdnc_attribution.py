"""Speaker and addressee accuracy on two PDNC novels, leave-novel-out: a regression check.

Each novel is scored with a model trained on the other PDNC novels (never on itself) and on
the annotated stories the shipped model trains on, as ``ficlens eval pdnc --stories`` does. The thresholds sit a little under the figures measured when
they were set (BENCHMARKS.md), so a change that makes attribution worse fails CI.
Skipped, with the reason, when ../shared/data/pdnc (or $FICLENS_PDNC) is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ficlens.eval.pdnc import evaluate_pdnc
from ficlens.stages.attribution import shipped_weights

REPO = Path(__file__).parents[1]
NOVELS = ("PrideAndPrejudice", "TheSignOfTheFour")

#: (with the gold cast?) -> novel -> (speaker accuracy, addressee accuracy) floors
FLOORS: dict[bool, dict[str, tuple[float, float]]] = {
    # measured 2026-11-30 (session 15, with the stories in training, 14:50-15:20 UTC): P&P
    # 0.826 / 0.878, Sign of the Four 0.719 / 0.812 (session 12, on the novels alone: P&P
    # 0.845 / 0.889, Sign of the Four 0.720 / 0.856). A retrain moves The Sign of the Four by up
    # to 0.04 (session 6), and the stories moved P&P by 0.02: the floors leave that much room.
    True: {"PrideAndPrejudice": (0.79, 0.85), "TheSignOfTheFour": (0.66, 0.77)},
    # measured the same run: P&P 0.832 / 0.869, Sign of the Four 0.731 / 0.862 (session 12:
    # P&P 0.861 / 0.899, Sign of the Four 0.720 / 0.859)
    False: {"PrideAndPrejudice": (0.80, 0.84), "TheSignOfTheFour": (0.66, 0.77)},
}


@pytest.fixture(scope="module", params=[True, False], ids=["gold-cast", "end-to-end"])
def scored(request: pytest.FixtureRequest, pdnc_root: Path) -> tuple[bool, dict[str, dict[str, Any]]]:
    missing = [n for n in NOVELS if not (pdnc_root / "data" / n / "novel_text.txt").is_file()]
    if missing:
        pytest.skip(f"{', '.join(missing)} not in the PDNC checkout at {pdnc_root}")
    stories = [REPO / p for p in shipped_weights().get("stories", [])]  # what the shipped model trains on
    scores, _ = evaluate_pdnc(
        pdnc_root, novels=list(NOVELS), with_cast=request.param, cross_validate=True, stories=stories
    )
    return request.param, {s.name: s.as_dict() for s in scores}


@pytest.mark.slow
@pytest.mark.parametrize("novel", NOVELS)
def test_pdnc_speaker_accuracy_leave_novel_out(scored: tuple[bool, dict[str, dict[str, Any]]], novel: str) -> None:
    with_cast, by_novel = scored
    floor = FLOORS[with_cast][novel][0]
    assert by_novel[novel]["speaker_accuracy"] >= floor, by_novel[novel]


@pytest.mark.slow
@pytest.mark.parametrize("novel", NOVELS)
def test_pdnc_addressee_accuracy_leave_novel_out(
    scored: tuple[bool, dict[str, dict[str, Any]]], novel: str
) -> None:
    with_cast, by_novel = scored
    floor = FLOORS[with_cast][novel][1]
    assert by_novel[novel]["addressee_accuracy"] >= floor, by_novel[novel]


@pytest.mark.slow
def test_pdnc_confidence_tracks_accuracy(scored: tuple[bool, dict[str, dict[str, Any]]]) -> None:
    """Quotations the model is sure of are right more often than those it doubts."""
    _, by_novel = scored
    for novel, d in by_novel.items():
        bins = [b for b in d["accuracy_by_confidence_decile"] if b["n"] >= 20]
        assert bins[-1]["accuracy"] > bins[0]["accuracy"], (novel, bins)
