"""The narrative layers in the JSON contract, the default pipeline and the terminal summary."""

from __future__ import annotations

import json
from collections.abc import Callable

from ficlens.pipeline import DEFAULT_STAGES
from ficlens.story import Story
from ficlens.writers.summary import summary_rows

NARRATIVE = ("thought", "pov", "network", "relationships", "tags")


def test_contract_default_stages_end_with_the_narrative_stages() -> None:
    names = list(DEFAULT_STAGES)
    assert names[names.index("attribution") + 1 :] == list(NARRATIVE)


def test_contract_json_has_the_narrative_layers(analyzed: Callable[..., Story]) -> None:
    story = analyzed("low-tide.txt")
    data = json.loads(story.to_json())
    text = data["text"]
    assert {"thoughts", "pov", "network", "relationships", "tags"} <= set(data)
    for t in data["thoughts"]:
        assert set(t) == {"start", "end", "text", "thinker", "cue"}
        assert text[t["start"] : t["end"]] == t["text"]
    pov = data["pov"]
    assert set(pov) == {"person", "character", "evidence", "confidence", "scenes"}
    assert set(pov["scenes"][0]) == {"section", "person", "character", "evidence", "confidence"}
    assert set(data["network"]) == {"nodes", "edges"}
    assert set(data["network"]["edges"][0]) == {"source", "target", "kind", "weight", "directed"}
    rels = data["relationships"]
    assert set(rels) == {"pairs", "declared"}
    assert {"characters", "kind", "source", "score", "evidence"} <= set(rels["pairs"][0])
    assert {"text", "characters", "kind", "form", "origin", "resolved", "span"} <= set(rels["declared"][0])
    tags = data["tags"]
    assert set(tags) == {"rating", "warnings", "category", "characters", "relationships", "freeform", "comparison"}
    assert set(tags["rating"]) == {"value", "evidence", "reason"}
    assert set(tags["comparison"][0]) == {"field", "value", "declared", "suggested", "agree", "note"}
    # every evidence span indexes the text
    spans = [e for e in pov["evidence"]] + [e for p in rels["pairs"] for e in p["evidence"]]
    spans += [e for f in ("warnings", "category", "characters", "relationships", "freeform") for t in tags[f] for e in t["evidence"]]
    assert all(0 <= e["start"] < e["end"] <= len(text) for e in spans)


def test_contract_summary_shows_pov_relationships_and_tags(analyzed: Callable[..., Story]) -> None:
    rows = summary_rows(analyzed("low-tide.txt"))
    assert {"title", "characters", "lines", "narrative"} <= set(rows)
    text = "\n".join(rows["narrative"])
    assert "Point of view: third person, Nora" in text
    assert "Relationships: Nora/Dev Okafor (romantic, declared" in text
    assert "Norev = Nora/Dev Okafor" in text
    assert "Suggested tags: General Audiences" in text
    assert "rating 'Teen And Up Audiences'" in text
