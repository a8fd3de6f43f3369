"""GraphML: the interaction network for Gephi, Cytoscape, networkx or yEd.

Nodes are characters (``name``, ``gender``, ``mentions``, ``quotes``, ``words``, ``scenes``);
edges carry ``kind`` (speech, mention, copresence) and ``weight``. The graph is directed;
co-presence edges say ``directed="false"``. See ``ficlens.stages.network``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ficlens.story import Story

if TYPE_CHECKING:
    from ficlens.stages.network import Network

__all__ = ["story_network", "to_graphml"]

NS = "http://graphml.graphdrawing.org/xmlns"

_NODE_KEYS = (
    ("name", "string"), ("gender", "string"), ("mentions", "int"), ("quotes", "int"), ("words", "int"), ("scenes", "int"),
)
_EDGE_KEYS = (("kind", "string"), ("weight", "int"))


def story_network(story: Story) -> Network:
    """The story's network layer, or one built now if the network stage did not run."""
    from ficlens.stages.network import build_network

    if story.has_layer("network"):
        net: Network = story.layer("network")
        return net
    if not story.has_layer("attributions"):
        raise ValueError("the network needs characters and attributions; run the default stages")
    return build_network(story)


def to_graphml(story: Story) -> str:
    """The network as a GraphML document."""
    net = story_network(story)
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}graphml")
    for name, kind in _NODE_KEYS:
        ET.SubElement(root, f"{{{NS}}}key", {"id": name, "for": "node", "attr.name": name, "attr.type": kind})
    for name, kind in _EDGE_KEYS:
        ET.SubElement(root, f"{{{NS}}}key", {"id": name, "for": "edge", "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"id": "characters", "edgedefault": "directed"})
    for n in net.nodes:
        node = ET.SubElement(graph, f"{{{NS}}}node", {"id": n.id})
        for name, _ in _NODE_KEYS:
            data = ET.SubElement(node, f"{{{NS}}}data", {"key": name})
            data.text = str(getattr(n, name))
    for i, e in enumerate(net.edges):
        attrs = {"id": f"e{i}", "source": e.source, "target": e.target}
        if not e.directed:
            attrs["directed"] = "false"
        edge = ET.SubElement(graph, f"{{{NS}}}edge", attrs)
        for name, _ in _EDGE_KEYS:
            data = ET.SubElement(edge, f"{{{NS}}}data", {"key": name})
            data.text = str(getattr(e, name))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
