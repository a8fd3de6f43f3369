"""Smoke runs of the canon check on the real reuse data (../shared/data/reuse) and the benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
REUSE = ROOT.parent / "shared" / "data" / "reuse"
HAVE_REUSE = (REUSE / "lamb-shakespeare").is_dir() and (REUSE / "tyndale-kjv-gospels").is_dir()
needs_reuse = pytest.mark.skipif(not HAVE_REUSE, reason=f"the reuse data is not at {REUSE}")


@pytest.mark.slow
@needs_reuse
def test_reuse_tyndale_kjv_verses_align_to_their_own_verse() -> None:
    from ficlens.cli.eval_reuse import evaluate_tyndale_kjv

    result = evaluate_tyndale_kjv(REUSE)
    assert result.verses > 3700
    assert result.precision >= 0.9
    assert result.recall >= 0.85


@pytest.mark.slow
@needs_reuse
def test_reuse_lamb_tales_quote_their_plays() -> None:
    from ficlens.cli.eval_reuse import evaluate_lamb

    results = evaluate_lamb(REUSE, controls=True)
    own = [r for r in results if not r.control]
    assert len(own) == 6
    for r in own:
        assert r.quotes > 5 and 0.2 <= r.share <= 0.95, r
    controls = [r for r in results if r.control]
    wrong = sum(r.canon_words for r in controls) / sum(r.words for r in controls)
    assert wrong < 0.01


def test_bench_canon_synthetic_runs() -> None:
    from ficlens.cli import app

    result = CliRunner().invoke(
        app, ["bench", "canon", "--synthetic", "--story-words", "3000", "--canon-words", "6000"]
    )
    assert result.exit_code == 0, result.output
    assert "TOTAL canon check" in result.stderr


def test_eval_reuse_refuses_a_wrong_folder(tmp_path: Path) -> None:
    from ficlens.cli import app

    result = CliRunner().invoke(app, ["eval", "reuse", str(tmp_path)])
    assert result.exit_code == 2
    assert "not the reuse data folder" in result.stderr
