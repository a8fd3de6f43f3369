"""The story as HTML: one walk over the text, every piece escaped, layers as nested spans.

Inline spans (quotations, thoughts, italics and bold, evidence anchors) may overlap in any
way; the walk cuts the text at every span boundary and keeps the open elements properly
nested, closing and reopening an element where another crosses it. The first fragment of a
span carries its ``id`` (and is the one that takes keyboard focus); later fragments repeat
its class and ``data-`` attributes only.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from ficlens.writers._report_model import ReportModel

__all__ = ["describe_quote", "render_story"]

#: Nesting order when two spans start and end together: lower is outer.
_ORDER = {"ev": 0, "q": 1, "thought": 2, "em": 3, "strong": 3}


@dataclass(slots=True)
class _Inline:
    start: int
    end: int
    kind: str
    tag: str
    key: str
    attrs: dict[str, str] = field(default_factory=dict)
    first_attrs: dict[str, str] = field(default_factory=dict)


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())


def _pct(x: float | None) -> str:
    return "unknown" if x is None else f"{x * 100:.0f}%"


def describe_quote(model: ReportModel, q: dict[str, Any], owner: str | None = None) -> str:
    """The plain-text description of a quotation (tooltip and screen-reader description);
    ``owner`` is the speaker of the utterance a nested quotation sits in."""
    if q["kind"] == "nested":
        who = model.name(owner) if owner else "an unknown speaker"
        return f"Quoted inside {who}'s speech: words they report, not their own"
    if q["kind"] != "speech":
        return "Quoted phrase inside narration (not speech)"
    who = model.name(q["speaker"]) if q["speaker"] else "Unknown speaker"
    to = ", ".join(model.name(a) for a in q["addressees"]) or "no one identified"
    parts = [f"{who} to {to}", f"cue: {q['cue']}", f"confidence {_pct(q['confidence'])}"]
    canon = q["canon"]
    if canon is not None:
        status = canon.get("status") if isinstance(canon.get("status"), str) else "unknown"
        sim = canon.get("similarity")
        where = canon.get("location") if isinstance(canon.get("location"), str) else None
        text = f"canon: {status}"
        if status != "original" and isinstance(sim, (int, float)) and not isinstance(sim, bool):
            text += f" ({sim * 100:.0f}% similar)"
        if status != "original" and where:
            text += f" at {where}"
        parts.append(text)
    return " · ".join(parts)


def _describe_thought(model: ReportModel, t: dict[str, Any]) -> str:
    who = model.name(t["thinker"]) if t["thinker"] else "unknown thinker"
    return f"Thought: {who}" + (f" · cue: {t['cue']}" if t["cue"] else "")


def _inlines(model: ReportModel) -> tuple[list[_Inline], list[tuple[str, str]]]:
    """Every inline span, and the (id, text) of each hidden description."""
    spans: list[_Inline] = []
    descriptions: list[tuple[str, str]] = []
    owners = {q["group"]: q["speaker"] for q in model.quotes if q["kind"] == "speech" and q["speaker"]}
    for q in model.quotes:
        speech = q["kind"] == "speech"
        css = "q " + (model.css(q["speaker"]) if speech else "embedded")
        attrs = {"class": css, "data-qid": q["id"]}
        if speech:
            attrs["data-speaker"] = q["speaker"] or ""
        canon = q["canon"]
        if canon is not None and isinstance(canon.get("status"), str):
            attrs["data-canon"] = canon["status"]
        desc_id = f"d-{q['id']}"
        descriptions.append((desc_id, describe_quote(model, q, owners.get(q["group"]))))
        first = {"id": f"q-{q['id']}", "tabindex": "0", "aria-describedby": desc_id}
        spans.append(_Inline(q["start"], q["end"], "q", "span", f"q:{q['id']}", attrs, first))
    for t in model.thoughts:
        css = "thought " + model.css(t["thinker"])
        attrs = {"class": css, "data-thinker": t["thinker"] or ""}
        desc_id = f"d-{t['id']}"
        descriptions.append((desc_id, _describe_thought(model, t)))
        first = {"id": t["id"], "tabindex": "0", "aria-describedby": desc_id}
        spans.append(_Inline(t["start"], t["end"], "thought", "span", f"t:{t['id']}", attrs, first))
    for e in model.evidence:
        key = f"{e.start}-{e.end}"
        attrs = {"class": "ev", "data-span": key}
        spans.append(_Inline(e.start, e.end, "ev", "mark", f"ev:{key}", attrs, {"id": e.anchor}))
    for i, m in enumerate(model.markup):
        tag = "em" if m["kind"] == "italic" else "strong"
        spans.append(_Inline(m["start"], m["end"], tag, tag, f"m:{i}"))
    return spans, descriptions


def _render_inline(text: str, a: int, b: int, spans: list[_Inline], opened: set[str]) -> str:
    """Escaped text[a:b] with ``spans`` (already clipped to it) as properly nested elements."""
    if not spans:
        return str(escape(text[a:b]))
    points = sorted({a, b, *(s.start for s in spans), *(s.end for s in spans)})
    order = sorted(spans, key=lambda s: (s.start, -s.end, _ORDER[s.kind], s.key))
    rank = {id(s): i for i, s in enumerate(order)}
    out: list[str] = []
    stack: list[_Inline] = []
    for x, y in itertools.pairwise(points):
        active = sorted((s for s in spans if s.start <= x and s.end >= y), key=lambda s: rank[id(s)])
        k = 0
        while k < len(stack) and k < len(active) and stack[k] is active[k]:
            k += 1
        for s in reversed(stack[k:]):
            out.append(f"</{s.tag}>")
        for s in active[k:]:
            attrs = dict(s.attrs)
            if s.key not in opened:
                opened.add(s.key)
                attrs.update(s.first_attrs)
            out.append(f"<{s.tag}{_attrs(attrs)}>")
        stack = active
        out.append(str(escape(text[x:y])))
    for s in reversed(stack):
        out.append(f"</{s.tag}>")
    return "".join(out)


def render_story(model: ReportModel) -> tuple[Markup, Markup]:
    """The story body (sections, paragraphs, highlighted spans) and the hidden descriptions."""
    text = model.text
    paras = model.paragraphs
    starts = [p["start"] for p in paras]
    per_para: list[list[_Inline]] = [[] for _ in paras]
    spans, descriptions = _inlines(model)
    for s in spans:
        i = max(0, bisect.bisect_right(starts, s.start) - 1)
        while i < len(paras) and paras[i]["start"] < s.end:
            p = paras[i]
            a, b = max(s.start, p["start"]), min(s.end, p["end"])
            if a < b:
                per_para[i].append(_Inline(a, b, s.kind, s.tag, s.key, s.attrs, s.first_attrs))
            i += 1
    opened: set[str] = set()
    used: set[str] = set()

    def anchor(section_id: str | None) -> str:
        """` id="sec-…"` the first time a section is opened, else nothing (ids stay unique)."""
        if not section_id or section_id in used:
            return ""
        used.add(section_id)
        return f' id="sec-{escape(section_id)}"'

    out: list[str] = []
    secs = model.sections
    n_chapters = sum(1 for s in secs.values() if s["kind"] == "chapter")
    current_group: str | None = None
    current_chapter: str | None = None
    group_close = ""
    for i, p in enumerate(paras):
        sid = p["section"]
        sec = secs.get(sid)
        kind = sec["kind"] if sec else ("notes" if p["kind"] == "note" else "")
        if sid != current_group or current_group is None:
            out.append(group_close)
            current_group = sid
            chapter = sid if kind == "chapter" else (sec["parent"] if sec and kind == "scene" else None)
            if chapter and chapter != current_chapter and chapter in secs:
                current_chapter = chapter
                if n_chapters > 1 or secs[chapter]["title"]:
                    out.append(
                        f'<h2 class="chapter-title"{anchor(chapter)}>{escape(secs[chapter]["label"])}</h2>'
                    )
            label = (sec.get("label") if sec else None) or ("Note" if kind == "notes" else "")
            if kind in ("front_matter", "summary", "notes", "end_notes"):
                out.append(
                    f'<aside class="note-block kind-{escape(kind)}"{anchor(sid)} aria-label="{escape(label)}">'
                    f'<p class="block-label">{escape(label)}</p>'
                )
                group_close = "</aside>"
            elif kind == "scene":
                out.append(
                    f'<section class="scene"{anchor(sid)} aria-label="{escape(label)}">'
                    f'<p class="block-label scene-label">{escape(label)}</p>'
                )
                group_close = "</section>"
            else:
                out.append(f'<div class="block"{anchor(sid)}>')
                group_close = "</div>"
        body = _render_inline(text, p["start"], p["end"], per_para[i], opened)
        pid = f"p-{p['id']}"
        if p["kind"] == "break":
            out.append(
                f'<div class="scene-break" id="{pid}" role="separator" aria-label="Scene break">'
                f'<span aria-hidden="true">{body}</span></div>'
            )
        elif p["kind"] == "heading":
            out.append(f'<h3 class="heading" id="{pid}">{body}</h3>')
        elif p["kind"] == "note":
            out.append(f'<p class="para note" id="{pid}">{body}</p>')
        else:
            out.append(f'<p class="para" id="{pid}">{body}</p>')
    out.append(group_close)
    desc = "".join(f'<span id="{escape(i)}">{escape(t)}</span>' for i, t in descriptions)
    return Markup("".join(out)), Markup(desc)
