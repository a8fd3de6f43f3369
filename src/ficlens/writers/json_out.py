"""The JSON contract (docs/json-contract.md): the Story's layers as one JSON object.

Quotations carry their attribution (speaker, addressees, cue, confidence) merged from the
``attributions`` layer; characters carry ``quote_count`` counted from it. Every other layer
is written under its own name, record by record.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ficlens.story import Story

SCHEMA_VERSION = "1.2"

#: Layers written by dedicated code below, or not written at all.
_SPECIAL = {
    "metadata", "markup", "sections", "paragraphs", "quotes", "characters", "mentions", "attributions", "canon",
}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def story_to_dict(story: Story) -> dict[str, Any]:
    text = story.text
    attributions = story.attributions
    canon = story.layer("canon") if story.has_layer("canon") else None
    quote_counts: dict[str, int] = {}
    for att in attributions.values():
        if att.speaker:
            quote_counts[att.speaker] = quote_counts.get(att.speaker, 0) + 1
    quotes = []
    for q in story.quotes:
        a = attributions.get(q.id)
        quotes.append(
            {
                "id": q.id,
                "start": q.start,
                "end": q.end,
                "text": text[q.start : q.end],
                "kind": q.kind,
                "mark": q.mark,
                "group": q.group,
                "paragraph": q.paragraph,
                "speaker": a.speaker if a else None,
                "addressees": list(a.addressees) if a else [],
                "cue": a.cue if a else "none",
                "confidence": round(a.confidence, 4) if a else 0.0,
                "conflict": a.conflict if a else None,
            }
        )
        if canon is not None:
            match = canon.matches.get(q.id)
            quotes[-1]["canon"] = _plain(match) if match is not None else None
    characters = [
        {
            "id": c.id,
            "name": c.name,
            "aliases": list(c.aliases),
            "gender": c.gender,
            "mention_count": c.mention_count,
            "quote_count": quote_counts.get(c.id, 0),
            "source": c.source,
        }
        for c in story.characters
    ]
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "text": text,
        "metadata": _plain(story.metadata),
        "markup": _plain(story.markup),
        "sections": _plain(story.sections),
        "paragraphs": _plain(story.paragraphs),
        "characters": characters,
        "mentions": _plain(story.mentions),
        "quotes": quotes,
    }
    if canon is not None:
        from ficlens.stages.canon import summarize

        out["canon"] = {
            "sources": list(canon.sources),
            "summary": _plain(summarize(story)),
            "narration": _plain(canon.narration),
        }
    for name, layer in story.layers.items():
        if name not in _SPECIAL:
            out[name] = _plain(layer)
    return out


def story_to_json(story: Story, *, indent: int | None = 2) -> str:
    return json.dumps(story_to_dict(story), ensure_ascii=False, indent=indent)
