"""The terminal summary's content, as plain rows (the CLI renders them with rich)."""

from __future__ import annotations

from typing import Any

from ficlens.story import Story


def summary_rows(story: Story, *, limit: int = 15) -> dict[str, Any]:
    words: dict[str, int] = {}
    quotes: dict[str, int] = {}
    for q in story.speech():
        a = story.attributions.get(q.id)
        if a and a.speaker:
            quotes[a.speaker] = quotes.get(a.speaker, 0) + 1
            words[a.speaker] = words.get(a.speaker, 0) + len(story.text[q.start : q.end].split())
    chars = sorted(story.characters, key=lambda c: (-quotes.get(c.id, 0), -c.mention_count))
    rows = [
        (c.name, c.gender, c.mention_count, quotes.get(c.id, 0), words.get(c.id, 0)) for c in chars[:limit]
    ]
    speech = list(story.speech())
    unattributed = sum(1 for q in speech if not (story.attributions.get(q.id) and story.attributions[q.id].speaker))
    lines = [
        f"{len([s for s in story.sections if s.kind == 'chapter'])} chapter(s), "
        f"{len([s for s in story.sections if s.kind == 'scene'])} scene(s), {len(story.paragraphs)} paragraphs; "
        f"{len(speech)} quotations ({unattributed} unattributed), {len(story.characters)} characters"
    ]
    if len(chars) > limit:
        lines.append(f"… and {len(chars) - limit} more characters")
    title = story.metadata.title or (story.metadata.source or "story")
    return {"title": title, "characters": rows, "lines": lines}
