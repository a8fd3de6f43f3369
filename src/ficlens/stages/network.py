"""The interaction network: who speaks to whom, who shares scenes, who talks about whom.

Provides ``network``, a :class:`Network` of :class:`Node` (characters) and :class:`Edge`.

Edges come in three kinds:

* ``speech`` (directed): speaker to addressee, one per utterance (the parts of a quotation
  interrupted by a speech tag count once), from the attribution layer;
* ``mention`` (directed): a speaker names another character inside their speech, other than
  to address them ("Mags radioed it in" said by Dev);
* ``copresence`` (undirected, ``source`` < ``target``): the number of scenes both characters
  are in, where being in a scene means being named in its narration, speaking in it or being
  spoken to.

``ficlens analyze --format graphml`` and ``--format csv`` write the network.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from ficlens.stages._dialogue import MentionIndex, vocatives
from ficlens.story import Story

__all__ = ["Edge", "Network", "NetworkStage", "Node", "build_network"]

EdgeKind = Literal["speech", "mention", "copresence"]


@dataclass(frozen=True, slots=True)
class Node:
    """A character in the network, with its counts."""

    id: str
    name: str
    gender: str
    mentions: int
    quotes: int
    words: int
    scenes: int


@dataclass(frozen=True, slots=True)
class Edge:
    """A weighted edge. ``directed`` is false for co-presence."""

    source: str
    target: str
    kind: EdgeKind
    weight: int
    directed: bool


@dataclass(frozen=True, slots=True)
class Network:
    """Characters and the weighted edges between them."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def weight(self, a: str, b: str, kind: EdgeKind) -> int:
        """The weight of an edge of ``kind`` from ``a`` to ``b`` (either way for co-presence)."""
        for e in self.edges:
            if e.kind != kind:
                continue
            if (e.source, e.target) == (a, b) or (not e.directed and (e.source, e.target) == (b, a)):
                return e.weight
        return 0


class NetworkStage:
    """Build the interaction network from attributions, mentions and scenes."""

    name = "network"
    requires: tuple[str, ...] = ("paragraphs", "sections", "quotes", "characters", "mentions", "attributions")
    provides: tuple[str, ...] = ("network",)

    def __call__(self, story: Story) -> None:
        story.add_layer("network", build_network(story))


def scene_presence(story: Story, index: MentionIndex | None = None) -> dict[str, set[str]]:
    """The characters in each scene: named in its narration, speaking, or spoken to."""
    index = index or MentionIndex(story)
    scene_of_para = {p.id: p.section for p in story.paragraphs}
    scenes = sorted((s for s in story.sections if s.kind == "scene"), key=lambda s: s.start)
    present: dict[str, set[str]] = {s.id: set() for s in scenes}
    starts = [s.start for s in scenes]
    for m, in_quote in zip(index.mentions, index.in_quote):
        if in_quote:
            continue
        i = bisect.bisect_right(starts, m.start) - 1
        if i >= 0 and scenes[i].start <= m.start < scenes[i].end:
            present[scenes[i].id].add(m.character)
    for q in story.speech():
        a = story.attributions.get(q.id)
        sid = scene_of_para.get(q.paragraph)
        if a is None or sid not in present:
            continue
        if a.speaker:
            present[sid].add(a.speaker)
        present[sid].update(a.addressees)
    return present


def build_network(story: Story) -> Network:
    """The :class:`Network` of a story that has characters, mentions and attributions."""
    text = story.text
    index = MentionIndex(story)
    known = {c.id for c in story.characters}
    speech: Counter[tuple[str, str]] = Counter()
    mention: Counter[tuple[str, str]] = Counter()
    quotes: Counter[str] = Counter()
    words: Counter[str] = Counter()
    seen_groups: set[str] = set()
    for q in story.speech():
        a = story.attributions.get(q.id)
        if a is None or not a.speaker or a.speaker not in known:
            continue
        quotes[a.speaker] += 1
        words[a.speaker] += len(text[q.start : q.end].split())
        if q.group not in seen_groups:
            seen_groups.add(q.group)
            for target in a.addressees:
                if target != a.speaker and target in known:
                    speech[(a.speaker, target)] += 1
        addressed = set(vocatives(text, q, index))
        for m in index.between(q.start, q.end):
            # a name opening a quotation is taken as a vocative only when punctuation follows it
            voc = m.character in addressed and (m.end >= q.end or text[m.end : m.end + 1] in ",!?.;—")
            if m.character != a.speaker and not voc and m.character in known:
                mention[(a.speaker, m.character)] += 1
    present = scene_presence(story, index)
    copresence: Counter[tuple[str, str]] = Counter()
    scenes_of: Counter[str] = Counter()
    for members in present.values():
        members = {c for c in members if c in known}
        scenes_of.update(members)
        for a_, b_ in combinations(sorted(members), 2):
            copresence[(a_, b_)] += 1
    nodes = tuple(
        Node(c.id, c.name, c.gender, c.mention_count, quotes[c.id], words[c.id], scenes_of[c.id])
        for c in story.characters
    )
    edges: list[Edge] = []
    edges.extend(Edge(s, t, "speech", n, True) for (s, t), n in sorted(speech.items()))
    edges.extend(Edge(s, t, "mention", n, True) for (s, t), n in sorted(mention.items()))
    edges.extend(Edge(s, t, "copresence", n, False) for (s, t), n in sorted(copresence.items()))
    return Network(nodes, tuple(edges))
