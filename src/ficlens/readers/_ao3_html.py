"""HTML files, and AO3's "Download > HTML" in particular.

An AO3 download has three parts::

    <div id="preface">    title, byline, <dl class="tags"> (Rating, Archive Warning, Category,
                          Fandom, Relationship, Character, Additional Tags, Language, Series,
                          Stats), then "Summary" and "Notes" blockquotes
    <div id="chapters">   one <div class="userstuff"> for a one-chapter work; otherwise per
                          chapter a <div class="meta"> (<h2 class="heading">, "Chapter
                          Summary"/"Chapter Notes" blockquotes), the <div class="userstuff">
                          text, and a "Chapter End Notes" <div class="meta">
    <div id="afterword">  "End Notes" blockquote

The tag list becomes :class:`~ficlens.story.Metadata`. The summary, notes and end notes stay
in the text (so the structure stage makes sections of them) under "summary", "notes" and
"end_notes" markup; each chapter of a multi-chapter work is a "chapter" markup starting at its
heading. Any other HTML is read as body text, with every ``h1``-``h6`` marked "heading".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ficlens.errors import EmptyInputError
from ficlens.readers._html_text import (
    SKIP,
    Action,
    Doc,
    Walker,
    check_looks_like_html,
    classes,
    decode_html,
    node_text,
    parse_html,
)
from ficlens.story import Metadata, Story

__all__ = ["AO3Hook", "ao3_metadata", "html_metadata", "is_ao3", "metadata_from_doc", "read_html"]

#: The label paragraph before a preface, chapter or afterword blockquote, and what it holds.
_LABELS = {
    "summary": "summary",
    "notes": "notes",
    "end notes": "end_notes",
    "chapter summary": "summary",
    "chapter notes": "notes",
    "chapter end notes": "end_notes",
}
#: AO3 tag-list labels (singular and plural) and the Metadata field each fills.
_FIELDS = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "warnings",
    "archive warnings": "warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tag": "additional_tags",
    "additional tags": "additional_tags",
    "language": "language",
    "series": "series",
    "stats": "stats",
}
_AO3_ONLY = {"rating", "ratings", "archive warning", "archive warnings", "fandom", "fandoms"}
_LIST_FIELDS = {"warnings", "categories", "fandoms", "relationships", "characters", "additional_tags"}
_CHAPTERISH = re.compile(r"^chapter\s+\d+\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"\bPublished:\s*(\d{4}-\d{2}-\d{2}|\S+)")
_WORDS = re.compile(r"\bWords:\s*([\d][\d,.\s]*\d|\d)")


# -- finding AO3's parts ------------------------------------------------------------------


def _element_sibling(node: LexborNode, forward: bool) -> LexborNode | None:
    n = node.next if forward else node.prev
    while n is not None and (n.tag or "").startswith("-"):
        n = n.next if forward else n.prev
    return n


def _label(node: LexborNode | None) -> str | None:
    """The region kind a label paragraph ("Summary", "Chapter End Notes") announces."""
    if node is None or node.tag != "p":
        return None
    return _LABELS.get(node_text(node).rstrip(":").strip().lower())


def _in_userstuff(node: LexborNode) -> bool:
    """Inside story or note text (AO3 marks both ``userstuff``; ``#chapters`` does not count)."""
    n = node.parent
    while n is not None:
        if "userstuff" in classes(n) and n.attributes.get("id") != "chapters":
            return True
        n = n.parent
    return False


class AO3Hook:
    """Steers the :class:`Walker` through an AO3 download: keep summary, notes and chapter
    text; drop the tag list, title, byline, labels and archive messages; start a chapter at
    each chapter heading."""

    def __call__(self, node: LexborNode, mode: str | None) -> Action | None:
        if mode == "body":
            return None
        tag = node.tag or ""
        ident = node.attributes.get("id") or ""
        names = classes(node)
        if ident in ("preface", "afterword"):
            return Action(mode="meta", end_chapter=ident == "afterword")
        if tag == "blockquote":
            kind = _label(_element_sibling(node, forward=False))
            if kind:
                return Action(mode="body", region=kind)
            return SKIP if mode == "meta" else None
        if "userstuff" in names and ident != "chapters":
            return Action(mode="body")
        if tag == "h2" and "toc-heading" not in names:
            title = node_text(node)
            if title and ("heading" in names or _CHAPTERISH.match(title)):
                return Action(chapter=title, heading=True, mode="body")
        if tag == "p" and _label(node):
            after = _element_sibling(node, forward=True)
            if after is not None and (after.tag == "blockquote" or "endnote-link" in classes(after)):
                return SKIP
        if mode == "meta":
            return Action(mode="meta") if tag == "div" else SKIP
        if "meta" in names or ident.startswith("endnotes"):
            return Action(mode="meta")
        return None


def _tag_list(tree: LexborHTMLParser) -> LexborNode | None:
    for dl in tree.css("dl"):
        labels = {node_text(dt).rstrip(":").strip().lower() for dt in dl.css("dt")}
        if labels & _AO3_ONLY and not _in_userstuff(dl):
            return dl
    return None


def is_ao3(tree: LexborHTMLParser) -> bool:
    """Whether a parsed document has AO3's download layout (preface or tag list)."""
    return tree.css_first("#preface") is not None or _tag_list(tree) is not None


# -- metadata -------------------------------------------------------------------------------


def _split_tags(dd: LexborNode) -> list[str]:
    links = [node_text(a) for a in dd.css("a")]
    values = links if any(links) else re.split(r"\s*,\s*", node_text(dd))
    return [v for v in values if v]


def _int(value: str) -> int | None:
    digits = re.sub(r"\D", "", value)
    return int(digits) if digits else None


def ao3_metadata(tree: LexborHTMLParser) -> dict[str, Any]:
    """Metadata keyword arguments from an AO3 preface (tag list, title, byline)."""
    out: dict[str, Any] = {}
    dl = _tag_list(tree)
    if dl is not None:
        field: str | None = None
        for child in dl.iter():
            if child.tag == "dt":
                field = _FIELDS.get(node_text(child).rstrip(":").strip().lower())
            elif child.tag == "dd" and field:
                if field in _LIST_FIELDS:
                    out[field] = tuple(dict.fromkeys(out.get(field, ()) + tuple(_split_tags(child))))
                elif field == "rating":
                    out["rating"] = ", ".join(_split_tags(child)) or None
                elif field == "stats":
                    stats = node_text(child)
                    if m := _PUBLISHED.search(stats):
                        out["published"] = m.group(1)
                    if m := _WORDS.search(stats):
                        out["words"] = _int(m.group(1))
                else:
                    out[field] = node_text(child) or None
                field = None
    preface = tree.css_first("#preface")
    scope = preface or tree.root
    title = node_text(scope.css_first("h1")) if scope is not None else ""
    if not title and preface is not None:
        title = node_text(preface.css_first("p.message b"))
    if not title:
        title = node_text(tree.css_first("title"))
    if title:
        out["title"] = title
    authors = [node_text(a) for a in (scope.css('a[rel="author"]') if scope is not None else [])]
    if not any(authors) and scope is not None:
        byline = node_text(scope.css_first(".byline"))
        authors = [byline[3:] if byline.lower().startswith("by ") else byline] if byline else []
    if any(authors):
        out["authors"] = tuple(dict.fromkeys(a for a in authors if a))
    return out


def html_metadata(tree: LexborHTMLParser) -> dict[str, Any]:
    """Metadata keyword arguments from a plain HTML page (``<title>``, author meta, lang)."""
    out: dict[str, Any] = {}
    title = node_text(tree.css_first("title")) or node_text(tree.css_first("h1"))
    if title:
        out["title"] = title
    author = tree.css_first('meta[name="author"]')
    if author is not None and (name := " ".join((author.attributes.get("content") or "").split())):
        out["authors"] = (name,)
    html = tree.css_first("html")
    lang = (html.attributes.get("lang") or "").strip() if html is not None else ""
    if lang:
        out["language"] = lang
    return out


def metadata_from_doc(doc: Doc) -> dict[str, Any]:
    """Summary, notes and end notes as written in the text, for Metadata.

    The work's summary is the first summary outside any chapter; every notes and end-notes
    region counts, in order.
    """
    out: dict[str, Any] = {}
    chapters = [(r.first, r.last) for r in doc.regions if r.kind == "chapter"]
    for r in doc.regions:
        if r.kind == "summary" and not any(a <= r.first <= b for a, b in chapters):
            out["summary"] = "\n\n".join(p.text for p in doc.paras[r.first : r.last + 1])
            break
    for kind in ("notes", "end_notes"):
        texts = doc.region_texts(kind)
        if texts:
            out[kind] = tuple(texts)
    return out


# -- the reader -------------------------------------------------------------------------------


def walk_html(tree: LexborHTMLParser, *, ao3: bool) -> Doc:
    """The text of a parsed page as a Doc (AO3 layout or plain body text)."""
    root = tree.body or tree.root
    walker = Walker(hook=AO3Hook(), headings=False) if ao3 else Walker(headings=True)
    if root is not None:
        walker.walk(root)
    return walker.finish()


def read_html(data: bytes, path: Path) -> Story:
    """Read an HTML file (an AO3 download or any page) into a Story.

    Args:
        data (bytes): the file's bytes.
        path (Path): where they came from (for messages and ``Metadata.source``).

    RETURNS (Story): text, metadata and markup (italic, bold, heading, chapter, summary,
        notes, end_notes, scene_break).
    """
    text, encoding, fallback = decode_html(data, path)
    check_looks_like_html(text, path)
    tree = parse_html(text)
    ao3 = is_ao3(tree)
    doc = walk_html(tree, ao3=ao3)
    if not doc.paras:
        raise EmptyInputError("has no readable text in its HTML body", path=path)
    meta = ao3_metadata(tree) if ao3 else html_metadata(tree)
    meta.update(metadata_from_doc(doc))
    body, markup = doc.layout()
    metadata = Metadata(
        source=str(path), format="html", encoding=encoding, encoding_fallback=fallback, **meta
    )
    return Story(body, metadata=metadata, markup=markup)
