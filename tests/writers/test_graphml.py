"""The GraphML writer."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

import ficlens
from ficlens.story import Story
from ficlens.writers import FORMATS, render
from ficlens.writers.graphml import NS

G = f"{{{NS}}}"


def test_graphml_nodes_and_edges(analyzed: Callable[..., Story]) -> None:
    story = analyzed("low-tide.txt")
    assert "graphml" in FORMATS
    root = ET.fromstring(render(story, "graphml"))
    keys = {k.get("id"): k.get("for") for k in root.iter(f"{G}key")}
    assert keys == {
        "name": "node", "gender": "node", "mentions": "node", "quotes": "node", "words": "node", "scenes": "node",
        "kind": "edge", "weight": "edge",
    }
    graph = root.find(f"{G}graph")
    assert graph is not None and graph.get("edgedefault") == "directed"
    nodes = {n.get("id"): {d.get("key"): d.text for d in n} for n in graph.iter(f"{G}node")}
    assert nodes == {
        c.id: {
            "name": c.name, "gender": c.gender, "mentions": str(c.mention_count),
            "quotes": nodes[c.id]["quotes"], "words": nodes[c.id]["words"], "scenes": nodes[c.id]["scenes"],
        }
        for c in story.characters
    }
    net = story.layer("network")
    edges = list(graph.iter(f"{G}edge"))
    assert len(edges) == len(net.edges)
    for el, e in zip(edges, net.edges):
        data = {d.get("key"): d.text for d in el}
        assert (el.get("source"), el.get("target"), data["kind"], int(data["weight"] or 0)) == (
            e.source, e.target, e.kind, e.weight,
        )
        assert el.get("directed") == (None if e.directed else "false")


def test_graphml_without_the_network_stage_builds_it() -> None:
    story = ficlens.analyze(
        '"Wait," Ana said to Ben. "Wait for me, Ben."\n\n"No," Ben said. "Hurry up, Ana."\n',
        stages=["structure", "quotations", "characters", "attribution"],
    )
    assert ET.fromstring(render(story, "graphml")).find(f"{G}graph") is not None


def test_graphml_needs_attributions() -> None:
    story = ficlens.analyze("Just one line of text.", stages=["structure"])
    with pytest.raises(ValueError, match="attributions"):
        render(story, "graphml")
