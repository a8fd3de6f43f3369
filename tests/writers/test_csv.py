"""The CSV edge-list writer, and ``ficlens analyze --format csv``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from ficlens.cli import app
from ficlens.story import Story
from ficlens.writers import render
from ficlens.writers.csv_out import COLUMNS

EXAMPLE = Path(__file__).parents[2] / "examples" / "low-tide.txt"


def test_csv_rows_are_the_network_edges(analyzed: Callable[..., Story]) -> None:
    story = analyzed("low-tide.txt")
    rows = list(csv.DictReader(io.StringIO(render(story, "csv"))))
    assert tuple(rows[0]) == COLUMNS
    assert COLUMNS[:4] == ("source", "target", "kind", "weight")
    net = story.layer("network")
    names = {c.id: c.name for c in story.characters}
    assert [(r["source"], r["target"], r["kind"], int(r["weight"])) for r in rows] == [
        (e.source, e.target, e.kind, e.weight) for e in net.edges
    ]
    assert all(r["source_name"] == names[r["source"]] for r in rows)


def test_csv_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "edges.csv"
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLE), "--format", "csv", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("source,target,kind,weight,")
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLE), "--format", "graphml", "-o", str(tmp_path / "g.graphml"), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "g.graphml").read_text(encoding="utf-8").startswith("<?xml")
