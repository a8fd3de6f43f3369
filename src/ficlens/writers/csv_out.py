"""CSV: the interaction network as an edge list.

Columns: ``source``, ``target``, ``kind`` (speech, mention, copresence), ``weight``, then
``directed``, ``source_name`` and ``target_name``. Sources and targets are character ids.
"""

from __future__ import annotations

import csv
import io

from ficlens.story import Story
from ficlens.writers.graphml import story_network

__all__ = ["COLUMNS", "to_csv"]

COLUMNS = ("source", "target", "kind", "weight", "directed", "source_name", "target_name")


def to_csv(story: Story) -> str:
    """The network's edges, one row each, with a header row."""
    net = story_network(story)
    names = {n.id: n.name for n in net.nodes}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in net.edges:
        w.writerow((e.source, e.target, e.kind, e.weight, str(e.directed).lower(), names.get(e.source, ""), names.get(e.target, "")))
    return out.getvalue()
