"""The network stage: speech, mention and co-presence edges."""

from __future__ import annotations

from collections.abc import Callable

from ficlens.stages.network import build_network
from ficlens.story import Story


def by_name(story: Story) -> dict[str, str]:
    return {c.name: c.id for c in story.characters}


def test_network_low_tide_edges(analyzed: Callable[..., Story]) -> None:
    story = analyzed("low-tide.txt")
    net = story.layer("network")
    ids = by_name(story)
    nora, dev, mags = ids["Nora"], ids["Dev Okafor"], ids["Mags Fell"]
    assert {n.id for n in net.nodes} == {c.id for c in story.characters}
    assert net.weight(nora, dev, "speech") > 0 and net.weight(dev, nora, "speech") > 0
    assert net.weight(dev, mags, "mention") == 1  # "Mags radioed it in ten minutes ago."
    assert net.weight(nora, dev, "copresence") == 2 == net.weight(dev, nora, "copresence")
    for e in net.edges:
        assert e.weight > 0 and e.source != e.target
        assert e.directed == (e.kind != "copresence")
        if not e.directed:
            assert e.source < e.target


def test_network_node_counts_match_the_attributions(analyzed: Callable[..., Story]) -> None:
    story = analyzed("notes-pairing.txt")
    net = story.layer("network")
    quotes: dict[str, int] = {}
    for q in story.speech():
        a = story.attributions[q.id]
        if a.speaker:
            quotes[a.speaker] = quotes.get(a.speaker, 0) + 1
    assert {n.id: n.quotes for n in net.nodes if n.quotes} == quotes
    assert build_network(story) == net
