"""The package type-checks cleanly under the strict mypy settings in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    # mypy reads [tool.mypy] (strict, files = src/ficlens) from the repo root's pyproject.toml
    monkeypatch.chdir(ROOT)
    stdout, stderr, status = api.run([])
    assert status == 0, f"mypy failed (exit {status}):\n{stdout}{stderr}"
