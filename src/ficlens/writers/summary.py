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
    return {"title": title, "characters": rows, "lines": lines, "narrative": narrative_lines(story)}


def narrative_lines(story: Story) -> list[str]:
    """Point of view, thought, relationships and suggested tags, one idea a line (empty when
    the narrative stages did not run)."""
    names = {c.id: c.name for c in story.characters}
    out: list[str] = []
    if story.has_layer("pov"):
        pov = story.layer("pov")
        who = names.get(pov.character)
        scenes = [sc for sc in pov.scenes if sc.character]
        line = f"Point of view: {pov.person} person" + (f", {who}" if who else "")
        if pov.scenes:
            per = ", ".join(f"{sc.section} {names.get(sc.character, '–')}" for sc in pov.scenes[:6])
            more = f", … {len(pov.scenes) - 6} more" if len(pov.scenes) > 6 else ""
            line += f" ({len(scenes)} of {len(pov.scenes)} scenes with a POV character: {per}{more})"
        out.append(line)
    if story.has_layer("thoughts"):
        thoughts = story.layer("thoughts")
        cues: dict[str, int] = {}
        for t in thoughts:
            cues[t.cue] = cues.get(t.cue, 0) + 1
        detail = ", ".join(f"{n} {cue.replace('_', ' ')}" for cue, n in sorted(cues.items()))
        out.append(f"Thought: {len(thoughts)} passage(s)" + (f" ({detail})" if detail else ""))
    if story.has_layer("relationships"):
        rels = story.layer("relationships")
        shown = []
        for r in rels.pairs[:5]:
            sep = {"romantic": "/", "platonic": " & "}.get(r.kind, " + ")
            shown.append(f"{sep.join(names.get(c, c) for c in r.characters)} ({r.kind}, {r.source}, {r.score:.2f})")
        out.append("Relationships: " + ("; ".join(shown) if shown else "none found"))
        declared = [
            f"{d.text}" + (f" = {'/'.join(names.get(c, c) for c in d.characters)}" if d.form == "ship_name" and d.resolved else "")
            + ("" if d.resolved else " (unresolved)")
            for d in rels.declared
        ]
        if declared:
            out.append("Declared pairings: " + "; ".join(declared))
    if story.has_layer("tags"):
        tags = story.layer("tags")
        values = [tags.rating.value, *(t.value for t in tags.warnings), *(t.value for t in tags.category),
                  *(t.value for t in tags.relationships), *(t.value for t in tags.freeform)]
        out.append("Suggested tags: " + " · ".join(values))
        out.append("Characters: " + ", ".join(t.value for t in tags.characters[:10]))
        disagree = [c for c in tags.comparison if c.agree is False and c.declared]
        if tags.comparison:
            notes = "; ".join(f"{c.field} {c.value!r}" + (f" ({c.note})" if c.note else "") for c in disagree[:6])
            extra = [c.value for c in tags.comparison if c.agree is False and not c.declared and c.field != "rating"]
            line = f"Declared vs suggested: {len(disagree)} declared tag(s) not suggested"
            if notes:
                line += f": {notes}"
            if extra:
                line += f"; suggested but not declared: {', '.join(extra[:6])}"
            out.append(line)
    return out
