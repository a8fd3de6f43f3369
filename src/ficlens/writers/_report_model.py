"""What the HTML report shows, read defensively from the JSON contract (``story_to_dict``).

The report is rendered from the JSON dict, never from a :class:`~ficlens.story.Story`, so
the server can render stored analyses. Every layer beyond the core ones (``thoughts``,
``pov``, ``network``, ``relationships``, ``tags``, ``canon``) is optional: when it is absent
the report leaves its panel out; when its records have an unexpected shape the bad records
are skipped. Nothing here trusts the dict: offsets are clamped, strings are kept as data and
escaped by whoever writes them into HTML.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

__all__ = ["N_COLOURS", "N_STYLES", "PALETTE", "Char", "EvidenceSpan", "ReportModel", "Scene", "build_model"]

#: Okabe–Ito colours, most distinct first: (name, colour). The CSS defines the same slots.
PALETTE: tuple[tuple[str, str], ...] = (
    ("blue", "#0072B2"),
    ("orange", "#E69F00"),
    ("bluish green", "#009E73"),
    ("vermillion", "#D55E00"),
    ("reddish purple", "#CC79A7"),
    ("sky blue", "#56B4E9"),
    ("yellow", "#F0E442"),
    ("black", "#000000"),
)
N_COLOURS = len(PALETTE)
#: Underline styles (solid, dashed, dotted, double) and chart patterns that tell slots apart
#: beyond the colours, so colour is never the only cue.
N_STYLES = 4


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [s for s in (_str(v) for v in _list(value)) if s]


@dataclass(frozen=True, slots=True)
class EvidenceSpan:
    """A stretch of the story that supports a claim, with a short excerpt for the link."""

    start: int
    end: int
    excerpt: str
    note: str | None = None

    @property
    def key(self) -> str:
        """``start-end``: the ``data-span`` value of the span's marks in the story."""
        return f"{self.start}-{self.end}"

    @property
    def anchor(self) -> str:
        """The id of the span's first mark in the story."""
        return f"span-{self.start}-{self.end}"


@dataclass(slots=True)
class Char:
    """One character as the report shows it."""

    id: str
    name: str
    aliases: list[str]
    gender: str
    source: str
    mentions: int
    quotes: int = 0
    words: int = 0
    thoughts: int = 0
    first_offset: int | None = None
    first_paragraph: int | None = None
    first_label: str = ""
    slot: int = -1

    @property
    def css(self) -> str:
        """Palette classes: colour ``s0``–``s7`` and line style ``u0``–``u3``; ``sx`` past them."""
        if self.slot < 0 or self.slot >= N_COLOURS * N_STYLES:
            return "sx"
        return f"s{self.slot % N_COLOURS} u{self.slot // N_COLOURS}"

    @property
    def colour_name(self) -> str:
        if self.slot < 0 or self.slot >= N_COLOURS * N_STYLES:
            return "grey"
        style = ("solid", "dashed", "dotted", "double")[self.slot // N_COLOURS]
        return f"{PALETTE[self.slot % N_COLOURS][0]}, {style} line"


@dataclass(slots=True)
class Scene:
    id: str
    label: str
    first_paragraph: int | None = None
    words: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.words.values())


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    count: int


@dataclass(slots=True)
class PovRow:
    scene_label: str
    scene_anchor: str | None
    person: str | None
    character: str | None
    confidence: float | None
    evidence: list[EvidenceSpan]


@dataclass(slots=True)
class TagRow:
    category: str
    value: str
    confidence: float | None
    declared: bool | None
    evidence: list[EvidenceSpan]
    note: str | None = None


@dataclass(slots=True)
class RecordRow:
    """A record of a layer whose shape the report does not know in detail (relationships)."""

    title: str
    details: list[tuple[str, str]]
    evidence: list[EvidenceSpan]


@dataclass(slots=True)
class CanonView:
    sources: list[str]
    quotes: int
    words: int
    canon_words: int
    verbatim: int
    altered: int
    original: int
    share: float
    by_character: list[tuple[str, str, dict[str, Any]]]  # (char id or "", name, share dict)
    runs: list[tuple[str, str, str, int, int]]  # (label, first quote id, last quote id, quotes, words)


@dataclass(slots=True)
class ReportModel:
    """Everything the templates and the SVG builders need, normalised."""

    text: str
    title: str
    meta_rows: list[tuple[str, list[str]]]
    summary: str | None
    notes_declared: bool
    paragraphs: list[dict[str, Any]]
    sections: dict[str, dict[str, Any]]
    section_order: list[str]
    chars: list[Char]
    by_id: dict[str, Char]
    quotes: list[dict[str, Any]]
    thoughts: list[dict[str, Any]]
    scenes: list[Scene]
    scene_of_paragraph: dict[int, str]
    edges: list[Edge]
    copresence: list[Edge]
    network_from_layer: bool
    pov: list[PovRow]
    tags: list[TagRow]
    tags_present: bool
    tag_comparison: list[tuple[str, list[str]]]
    canon: CanonView | None
    relationships: list[RecordRow]
    evidence: list[EvidenceSpan]
    word_count: int
    markup: list[dict[str, Any]]
    source_name: str | None
    layers_present: list[str]

    def name(self, ref: Any) -> str:
        """A character's name from its id (or the reference itself when it is not an id)."""
        s = _str(ref)
        if s is None:
            return "unknown"
        c = self.by_id.get(s)
        return c.name if c else s

    def css(self, ref: Any) -> str:
        """The palette classes of a character id ("sn" when it is no known character)."""
        s = _str(ref)
        c = self.by_id.get(s) if s else None
        return c.css if c else "sn"


# -- core layers ------------------------------------------------------------------------------


def _clamp_span(obj: Any, n: int) -> tuple[int, int] | None:
    """(start, end) from a dict with start/end or a pair, clamped into the text; None if empty."""
    if isinstance(obj, dict):
        s, e = _int(obj.get("start")), _int(obj.get("end"))
    elif isinstance(obj, (list, tuple)) and len(obj) == 2:
        s, e = _int(obj[0]), _int(obj[1])
    else:
        return None
    if s is None or e is None:
        return None
    s, e = max(0, min(s, n)), max(0, min(e, n))
    return (s, e) if e > s else None


def _excerpt(text: str, s: int, e: int, limit: int = 90) -> str:
    piece = " ".join(text[s:e].split())
    return piece if len(piece) <= limit else piece[: limit - 1].rstrip() + "…"


def _evidence(value: Any, text: str) -> list[EvidenceSpan]:
    """Evidence in any of the shapes layers use: a span dict, a [start, end] pair, or a list of them."""
    if value is None:
        return []
    items: list[Any]
    if (
        isinstance(value, dict)
        or isinstance(value, (list, tuple))
        and len(value) == 2
        and all(_int(v) is not None for v in value)
    ):
        items = [value]
    else:
        items = _list(value)
    out: list[EvidenceSpan] = []
    seen: set[tuple[int, int]] = set()
    for item in items:
        span = _clamp_span(item, len(text))
        if span is None or span in seen:
            continue
        seen.add(span)
        note = None
        if isinstance(item, dict):
            note = (
                _str(item.get("label"))
                or _str(item.get("cue"))
                or _str(item.get("kind"))
                or _str(item.get("reason"))
            )
        out.append(EvidenceSpan(span[0], span[1], _excerpt(text, *span), note))
    return out


def _paragraphs(d: Mapping[str, Any], text: str) -> list[dict[str, Any]]:
    """Paragraph records, sorted and clamped; text outside every paragraph becomes one, so none is lost."""
    n = len(text)
    paras: list[dict[str, Any]] = []
    for i, p in enumerate(_list(d.get("paragraphs"))):
        span = _clamp_span(p, n)
        if span is None:
            continue
        pid = _int(p.get("id"))
        kind = _str(p.get("kind")) or "text"
        paras.append(
            {
                "id": pid if pid is not None else i,
                "start": span[0],
                "end": span[1],
                "section": _str(p.get("section")) or "",
                "kind": kind if kind in ("text", "heading", "break", "note") else "text",
            }
        )
    paras.sort(key=lambda p: (p["start"], p["end"]))
    # drop overlaps, then fill the gaps that hold more than whitespace
    clean: list[dict[str, Any]] = []
    pos = 0
    next_id = max((p["id"] for p in paras), default=-1) + 1
    for p in [*paras, None]:
        limit = p["start"] if p is not None else n
        if limit > pos:
            for chunk_start, chunk_end in _blocks(text, pos, limit):
                clean.append(
                    {
                        "id": next_id,
                        "start": chunk_start,
                        "end": chunk_end,
                        "section": clean[-1]["section"] if clean else "",
                        "kind": "text",
                    }
                )
                next_id += 1
        if p is None:
            break
        if p["start"] < pos:
            if p["end"] <= pos:
                continue
            p = {**p, "start": pos}
        clean.append(p)
        pos = p["end"]
    return clean


def _blocks(text: str, a: int, b: int) -> Iterable[tuple[int, int]]:
    """Blank-line separated blocks of non-whitespace text inside [a, b)."""
    i = a
    while i < b:
        while i < b and text[i].isspace():
            i += 1
        if i >= b:
            return
        j = text.find("\n\n", i, b)
        j = b if j < 0 else j
        k = j
        while k > i and text[k - 1].isspace():
            k -= 1
        yield i, k
        i = j


def _quotes(d: Mapping[str, Any], n: int) -> list[dict[str, Any]]:
    out = []
    seen: set[str] = set()
    for i, q in enumerate(_list(d.get("quotes"))):
        if not isinstance(q, dict):
            continue
        span = _clamp_span(q, n)
        if span is None:
            continue
        qid = _str(q.get("id")) or f"q{i + 1}"
        if qid in seen:
            qid = f"{qid}.{i}"
        seen.add(qid)
        canon = q.get("canon")
        out.append(
            {
                "id": qid,
                "start": span[0],
                "end": span[1],
                "kind": _str(q.get("kind")) or "speech",
                "group": _str(q.get("group")) or qid,
                "paragraph": _int(q.get("paragraph")),
                "speaker": _str(q.get("speaker")),
                "addressees": _strings(q.get("addressees")),
                "cue": _str(q.get("cue")) or "none",
                "confidence": _float(q.get("confidence")),
                "canon": canon if isinstance(canon, dict) else None,
            }
        )
    return out


def _thoughts(d: Mapping[str, Any], text: str) -> list[dict[str, Any]]:
    raw = d.get("thoughts")
    if isinstance(raw, dict):
        raw = raw.get("thoughts") or raw.get("records") or raw.get("items")
    out = []
    for i, t in enumerate(_list(raw)):
        if not isinstance(t, dict):
            continue
        span = _clamp_span(t, len(text))
        if span is None:
            continue
        out.append(
            {
                "id": f"t{i + 1}",
                "start": span[0],
                "end": span[1],
                "thinker": _str(t.get("thinker")) or _str(t.get("character")),
                "cue": _str(t.get("cue")),
            }
        )
    return out


_SECTION_LABELS = {
    "front_matter": "Header",
    "summary": "Summary",
    "notes": "Author's note",
    "end_notes": "End note",
}


def _sections(d: Mapping[str, Any], n: int) -> tuple[dict[str, dict[str, Any]], list[str]]:
    secs: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for s in _list(d.get("sections")):
        if not isinstance(s, dict):
            continue
        sid = _str(s.get("id"))
        span = _clamp_span(s, n) or (0, 0)
        if not sid or sid in secs:
            continue
        secs[sid] = {
            "id": sid,
            "kind": _str(s.get("kind")) or "chapter",
            "start": span[0],
            "end": span[1],
            "title": _str(s.get("title")),
            "parent": _str(s.get("parent")),
        }
        order.append(sid)
    chapters = [sid for sid in order if secs[sid]["kind"] == "chapter"]
    for number, sid in enumerate(chapters, 1):
        secs[sid]["label"] = secs[sid]["title"] or f"Chapter {number}"
    scene_no: Counter[str] = Counter()
    for sid in order:
        s = secs[sid]
        if s["kind"] == "scene":
            parent = s["parent"] or ""
            scene_no[parent] += 1
            base = f"Scene {scene_no[parent]}"
            if len(chapters) > 1 and parent in secs:
                base = f"{secs[parent]['label']}, scene {scene_no[parent]}"
            s["label"] = s["title"] or base
        elif s["kind"] != "chapter":
            s["label"] = s["title"] or _SECTION_LABELS.get(
                s["kind"], s["kind"].replace("_", " ").capitalize()
            )
    return secs, order


def _meta_rows(meta: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    rows = [
        ("By", _strings(meta.get("authors"))),
        ("Fandom", _strings(meta.get("fandoms"))),
        ("Rating", _strings(meta.get("rating"))),
        ("Warnings", _strings(meta.get("warnings"))),
        ("Category", _strings(meta.get("categories"))),
        ("Relationships", _strings(meta.get("relationships"))),
        ("Characters", _strings(meta.get("characters"))),
        ("Tags", _strings(meta.get("additional_tags"))),
        ("Series", _strings(meta.get("series"))),
        ("Published", _strings(meta.get("published"))),
        ("Language", _strings(meta.get("language"))),
    ]
    return [(k, v) for k, v in rows if v]


# -- optional layers -----------------------------------------------------------------------------

_SOURCE_KEYS = ("source", "speaker", "from", "a")
_TARGET_KEYS = ("target", "addressee", "to", "b")
_COUNT_KEYS = ("count", "weight", "n", "quotes", "lines", "value")


def _first(rec: Mapping[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        if rec.get(k) is not None:
            return rec[k]
    return None


def _edges(raw: Any) -> list[Edge]:
    out: list[Edge] = []
    for rec in _list(raw):
        if isinstance(rec, dict):
            pair = _list(rec.get("characters")) or _list(rec.get("pair"))
            src = _str(pair[0]) if len(pair) == 2 else _str(_first(rec, _SOURCE_KEYS))
            dst = _str(pair[1]) if len(pair) == 2 else _str(_first(rec, _TARGET_KEYS))
            count = _float(_first(rec, _COUNT_KEYS))
        elif isinstance(rec, (list, tuple)) and len(rec) in (2, 3):
            src, dst = _str(rec[0]), _str(rec[1])
            count = _float(rec[2]) if len(rec) == 3 else 1.0
        else:
            continue
        if src and dst and src != dst:
            out.append(Edge(src, dst, max(1, round(count if count is not None else 1.0))))
    return out


def _network(d: Mapping[str, Any], quotes: list[dict[str, Any]]) -> tuple[list[Edge], list[Edge], bool]:
    raw = d.get("network")
    directed: list[Edge] = []
    co: list[Edge] = []
    if isinstance(raw, dict):
        for key in ("edges", "directed", "speech", "talks_to", "speaker_addressee"):
            if raw.get(key) is not None:
                directed = _edges(raw[key])
                break
        for key in ("copresence", "co_presence", "co-presence", "cooccurrence", "co_occurrence"):
            if raw.get(key) is not None:
                co = _edges(raw[key])
                break
    elif isinstance(raw, list):
        directed = _edges(raw)
    if directed or co:
        merged: Counter[tuple[str, str]] = Counter()
        for e in directed:
            merged[(e.source, e.target)] += e.count
        return [Edge(s, t, c) for (s, t), c in merged.items()], co, True
    counts: Counter[tuple[str, str]] = Counter()
    for q in quotes:
        if q["kind"] != "speech" or not q["speaker"]:
            continue
        for a in q["addressees"]:
            if a != q["speaker"]:
                counts[(q["speaker"], a)] += 1
    return [Edge(s, t, c) for (s, t), c in counts.items()], [], False


def _pov(d: Mapping[str, Any], text: str, secs: Mapping[str, dict[str, Any]]) -> list[PovRow]:
    raw = d.get("pov")
    records: list[tuple[str | None, Any]] = []
    if isinstance(raw, dict):
        inner = raw.get("scenes") or raw.get("records") or raw.get("items")
        if inner is not None:
            records = [(None, r) for r in _list(inner)]
        else:
            records = [(k, v) for k, v in raw.items() if isinstance(v, dict)]
    else:
        records = [(None, r) for r in _list(raw)]
    out = []
    for key, r in records:
        if not isinstance(r, dict):
            continue
        scene = _str(r.get("scene")) or _str(r.get("section")) or _str(r.get("id")) or key
        sec = secs.get(scene or "")
        label = sec["label"] if sec else (scene or "Story")
        out.append(
            PovRow(
                scene_label=label,
                scene_anchor=f"sec-{scene}" if sec else None,
                person=_str(r.get("person")),
                character=_str(r.get("character")) or _str(r.get("focal")) or _str(r.get("viewpoint")),
                confidence=_float(r.get("confidence")),
                evidence=_evidence(r.get("evidence"), text),
            )
        )
    return out


_DECLARED_FIELDS = {
    "rating": "rating",
    "warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "freeform": "additional_tags",
    "additional": "additional_tags",
    "tag": "additional_tags",
}


def _declared(meta: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        f: _strings(meta.get(f))
        for f in (
            "rating",
            "warnings",
            "categories",
            "fandoms",
            "relationships",
            "characters",
            "additional_tags",
        )
    }


def _field_for(category: str) -> str | None:
    c = category.lower().replace(" ", "_")
    for prefix, fld in _DECLARED_FIELDS.items():
        if c.startswith(prefix):
            return fld
    return None


def _tags(
    d: Mapping[str, Any], text: str, meta: Mapping[str, Any]
) -> tuple[list[TagRow], bool, list[tuple[str, list[str]]]]:
    raw = d.get("tags")
    if raw is None:
        return [], False, []
    comparison: Any = None
    if isinstance(raw, dict):
        suggestions = raw.get("suggested") or raw.get("suggestions") or raw.get("tags") or []
        comparison = raw.get("comparison") or raw.get("compare")
    else:
        suggestions = raw
    declared = _declared(meta)
    all_declared = {v.casefold() for vs in declared.values() for v in vs}
    rows: list[TagRow] = []
    for s in _list(suggestions):
        if not isinstance(s, dict):
            continue
        value = _str(s.get("value")) or _str(s.get("tag")) or _str(s.get("name"))
        if not value:
            continue
        category = _str(s.get("category")) or _str(s.get("kind")) or _str(s.get("type")) or "tag"
        flag = s.get("declared")
        if not isinstance(flag, bool):
            fld = _field_for(category)
            pool = {v.casefold() for v in declared.get(fld, [])} if fld else all_declared
            flag = value.casefold() in pool
        rows.append(
            TagRow(
                category=category,
                value=value,
                confidence=_float(s.get("confidence"))
                if s.get("confidence") is not None
                else _float(s.get("score")),
                declared=flag,
                evidence=_evidence(s.get("evidence"), text),
                note=_str(s.get("reason")) or _str(s.get("note")),
            )
        )
    rows.sort(key=lambda r: (r.category.casefold(), -(r.confidence or 0.0), r.value.casefold()))
    compare: list[tuple[str, list[str]]] = []
    if isinstance(comparison, dict):
        for key, values in comparison.items():
            items = []
            for v in _list(values) if not isinstance(values, str) else [values]:
                label = _str(v) if not isinstance(v, dict) else (_str(v.get("value")) or _str(v.get("tag")))
                if label:
                    items.append(label)
            if items:
                compare.append((str(key).replace("_", " ").capitalize(), items))
    elif rows:
        suggested = {r.value.casefold() for r in rows}
        fields = {_field_for(r.category) for r in rows} - {None}
        missing = [
            v
            for f in sorted(f for f in fields if f)
            for v in declared.get(f, [])
            if v.casefold() not in suggested
        ]
        if missing:
            compare.append(("Declared but not suggested", missing))
    return rows, True, compare


def _share(value: Any) -> dict[str, Any]:
    v = _dict(value)
    keys = ("quotes", "words", "canon_words", "verbatim", "altered", "original")
    out: dict[str, Any] = {k: _int(v.get(k)) or 0 for k in keys}
    share = _float(v.get("share"))
    out["share"] = (
        share if share is not None else (out["canon_words"] / out["words"] if out["words"] else 0.0)
    )
    return out


def _canon(d: Mapping[str, Any], quotes: list[dict[str, Any]], by_id: Mapping[str, Char]) -> CanonView | None:
    raw = d.get("canon")
    matched = [q for q in quotes if q["canon"] is not None]
    if not isinstance(raw, dict) and not matched:
        return None
    raw = _dict(raw)
    summary = _dict(raw.get("summary"))
    overall = _share(summary.get("overall")) if summary.get("overall") is not None else None
    if overall is None:
        statuses = Counter(_str(q["canon"].get("status")) for q in matched)
        overall = {
            "quotes": len(matched),
            "words": 0,
            "canon_words": 0,
            "verbatim": statuses.get("verbatim", 0),
            "altered": statuses.get("altered", 0),
            "original": statuses.get("original", 0),
            "share": (statuses.get("verbatim", 0) + statuses.get("altered", 0)) / len(matched)
            if matched
            else 0.0,
        }
    by_char = []
    for cid, share in _dict(summary.get("by_character")).items():
        c = by_id.get(cid)
        by_char.append((cid if c else "", c.name if c else str(cid), _share(share)))
    if summary.get("unattributed") is not None:
        u = _share(summary.get("unattributed"))
        if u["quotes"]:
            by_char.append(("", "Unattributed", u))
    by_char.sort(key=lambda r: -r[2]["words"])
    runs = []
    for key, label in (
        ("longest_canon_run", "Longest run from canon"),
        ("longest_original_run", "Longest original run"),
    ):
        r = _dict(summary.get(key))
        first, last = _str(r.get("first")), _str(r.get("last"))
        if first and last:
            runs.append((label, first, last, _int(r.get("quotes")) or 0, _int(r.get("words")) or 0))
    sources = [PurePath(s).name or s for s in _strings(raw.get("sources"))]
    return CanonView(
        sources=sources,
        quotes=overall["quotes"],
        words=overall["words"],
        canon_words=overall["canon_words"],
        verbatim=overall["verbatim"],
        altered=overall["altered"],
        original=overall["original"],
        share=float(overall["share"]),
        by_character=by_char,
        runs=runs,
    )


def _relationships(d: Mapping[str, Any], text: str, model_name: Any) -> list[RecordRow]:
    raw = d.get("relationships")
    if isinstance(raw, dict):
        raw = raw.get("pairs") or raw.get("relationships") or raw.get("edges") or raw.get("records")
    rows = []
    for r in _list(raw):
        if not isinstance(r, dict):
            continue
        pair = _list(r.get("characters")) or _list(r.get("pair"))
        if not pair:
            pair = [x for x in (_first(r, _SOURCE_KEYS), _first(r, _TARGET_KEYS)) if x is not None]
        names = [model_name(p) for p in pair if _str(p)]
        skip = {"characters", "pair", "evidence", *_SOURCE_KEYS, *_TARGET_KEYS}
        details = []
        for k, v in r.items():
            if k in skip:
                continue
            if isinstance(v, float):
                details.append((str(k), f"{v:.2f}"))
            elif isinstance(v, (str, int)) and not isinstance(v, bool):
                details.append((str(k), str(v)))
            elif isinstance(v, bool):
                details.append((str(k), "yes" if v else "no"))
            elif isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v) and v:
                details.append((str(k), ", ".join(model_name(x) for x in v)))
        rows.append(
            RecordRow(" & ".join(names) or "Relationship", details, _evidence(r.get("evidence"), text))
        )
    return rows


# -- the model ----------------------------------------------------------------------------------


def build_model(d: Mapping[str, Any]) -> ReportModel:
    """Normalise a JSON-contract dict into what the report shows."""
    text = d.get("text") if isinstance(d.get("text"), str) else ""
    assert isinstance(text, str)
    n = len(text)
    meta = _dict(d.get("metadata"))
    paragraphs = _paragraphs(d, text)
    secs, order = _sections(d, n)
    quotes = _quotes(d, n)
    thoughts = _thoughts(d, text)

    # characters
    chars: list[Char] = []
    by_id: dict[str, Char] = {}
    for i, c in enumerate(_list(d.get("characters"))):
        if not isinstance(c, dict):
            continue
        cid = _str(c.get("id")) or f"char{i}"
        if cid in by_id:
            continue
        ch = Char(
            id=cid,
            name=_str(c.get("name")) or cid,
            aliases=_strings(c.get("aliases")),
            gender=_str(c.get("gender")) or "unknown",
            source=_str(c.get("source")) or "inferred",
            mentions=_int(c.get("mention_count")) or 0,
        )
        chars.append(ch)
        by_id[cid] = ch

    para_starts = [p["start"] for p in paragraphs]
    para_by_id = {p["id"]: p for p in paragraphs}

    def paragraph_at(offset: int) -> dict[str, Any] | None:
        i = bisect.bisect_right(para_starts, offset) - 1
        return paragraphs[i] if 0 <= i < len(paragraphs) and offset < paragraphs[i]["end"] else None

    # scenes: scene sections, else chapters, else the whole story
    scene_ids = [sid for sid in order if secs[sid]["kind"] == "scene"]
    chapter_ids = [sid for sid in order if secs[sid]["kind"] == "chapter"]
    with_scenes = {secs[s]["parent"] for s in scene_ids}
    units = scene_ids + [c for c in chapter_ids if c not in with_scenes]
    units.sort(key=lambda s: secs[s]["start"])
    scenes = [Scene(sid, secs[sid]["label"]) for sid in units]
    if not scenes:
        scenes = [Scene("", "Whole story")]
    scene_by_id = {s.id: s for s in scenes}
    scene_of_paragraph: dict[int, str] = {}
    for p in paragraphs:
        sid: str | None = p["section"] if p["section"] in scene_by_id else None
        if sid is None:
            for s in scenes:
                sec = secs.get(s.id)
                if sec is None or sec["start"] <= p["start"] < sec["end"]:
                    sid = s.id
                    break
        if sid is not None:
            scene_of_paragraph[p["id"]] = sid
            if scene_by_id[sid].first_paragraph is None:
                scene_by_id[sid].first_paragraph = p["id"]

    def para_label(p: dict[str, Any]) -> str:
        sid = scene_of_paragraph.get(p["id"])
        sec = secs.get(p["section"])
        where = scene_by_id[sid].label if sid else (sec["label"] if sec and "label" in sec else None)
        return f"{where}, ¶ {p['id'] + 1}" if where else f"¶ {p['id'] + 1}"

    # counts per character
    for q in quotes:
        qp = para_by_id.get(q["paragraph"]) if q["paragraph"] is not None else None
        if qp is None or not (qp["start"] <= q["start"] < qp["end"] + 1):
            qp = paragraph_at(q["start"])
        q["paragraph"] = qp["id"] if qp else None
        c = by_id.get(q["speaker"] or "")
        if q["kind"] == "speech" and c is not None:
            words = len(text[q["start"] : q["end"]].split())
            c.quotes += 1
            c.words += words
            sid = scene_of_paragraph.get(q["paragraph"]) if q["paragraph"] is not None else None
            if sid is not None and sid in scene_by_id:
                sc = scene_by_id[sid]
                sc.words[c.id] = sc.words.get(c.id, 0) + words
    # first appearance: the first mention or quotation in the story proper (not a header or note)
    firsts: dict[str, tuple[int, int]] = {}

    def seen_at(cid: str | None, offset: int | None) -> None:
        if not cid or cid not in by_id or offset is None or not 0 <= offset < n:
            return
        p = paragraph_at(offset)
        sec = secs.get(p["section"]) if p else None
        aside = p is None or p["kind"] == "note" or (sec is not None and sec["kind"] in _SECTION_LABELS)
        key = (1 if aside else 0, offset)
        if cid not in firsts or key < firsts[cid]:
            firsts[cid] = key

    for q in quotes:
        seen_at(q["speaker"], q["start"])
    for t in thoughts:
        c = by_id.get(t["thinker"] or "")
        if c is not None:
            c.thoughts += 1
    for m in _list(d.get("mentions")):
        if isinstance(m, dict):
            seen_at(_str(m.get("character")), _int(m.get("start")))
    for cid, (_aside, offset) in firsts.items():
        c = by_id[cid]
        c.first_offset = offset
        fp = paragraph_at(offset)
        if fp is not None:
            c.first_paragraph = fp["id"]
            c.first_label = para_label(fp)
    chars.sort(key=lambda c: (-c.quotes, -c.words, -c.mentions, c.name.casefold()))
    for slot, c in enumerate(chars):
        c.slot = slot

    edges, co, from_layer = _network(d, quotes)
    tags, tags_present, comparison = _tags(d, text, meta)
    pov = _pov(d, text, secs)
    canon = _canon(d, quotes, by_id)

    def name(ref: Any) -> str:
        s = _str(ref)
        c = by_id.get(s) if s else None
        return c.name if c else (s or "unknown")

    relationships = _relationships(d, text, name)

    evidence: dict[tuple[int, int], EvidenceSpan] = {}
    for row in pov:
        evidence.update({(e.start, e.end): e for e in row.evidence})
    for tag in tags:
        evidence.update({(e.start, e.end): e for e in tag.evidence})
    for rel in relationships:
        evidence.update({(e.start, e.end): e for e in rel.evidence})

    markup = []
    for m in _list(d.get("markup")):
        if isinstance(m, dict) and _str(m.get("kind")) in ("italic", "bold"):
            span = _clamp_span(m, n)
            if span:
                markup.append({"kind": m["kind"], "start": span[0], "end": span[1]})

    title = _str(meta.get("title")) or ""
    source = _str(meta.get("source"))
    source_name = PurePath(source).name if source else None
    if not title:
        title = source_name or "Untitled story"
    known = {
        "schema_version",
        "text",
        "metadata",
        "markup",
        "sections",
        "paragraphs",
        "characters",
        "mentions",
        "quotes",
    }
    return ReportModel(
        text=text,
        title=title,
        meta_rows=_meta_rows(meta),
        summary=_str(meta.get("summary")),
        notes_declared=bool(_strings(meta.get("notes"))),
        paragraphs=paragraphs,
        sections=secs,
        section_order=order,
        chars=chars,
        by_id=by_id,
        quotes=quotes,
        thoughts=thoughts,
        scenes=scenes,
        scene_of_paragraph=scene_of_paragraph,
        edges=edges,
        copresence=co,
        network_from_layer=from_layer,
        pov=pov,
        tags=tags,
        tags_present=tags_present,
        tag_comparison=comparison,
        canon=canon,
        relationships=relationships,
        evidence=sorted(evidence.values(), key=lambda e: (e.start, -e.end)),
        word_count=len(text.split()),
        markup=markup,
        source_name=source_name,
        layers_present=sorted(k for k in d if k not in known),
    )
