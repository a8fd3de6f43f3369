"""HTML to one plain text with stand-off markup, shared by the HTML and EPUB readers.

The walk turns block elements (``p``, ``div``, ``h1``-``h6``, ``blockquote``, ``li``, ``br``, ...)
into paragraphs, collapses white space inside a paragraph to single spaces, and records
``<em>``/``<i>`` and ``<strong>``/``<b>`` runs as offsets into the paragraph. An ``<hr>``
becomes a paragraph ``* * *``. Scripts, styles, comments and attributes never reach the
text. The result is a :class:`Doc` (paragraphs plus labelled regions such as "chapter" or
"notes"); :meth:`Doc.layout` joins the paragraphs with blank lines and turns everything into
:class:`~ficlens.story.Markup` over the final text.

A reader can steer the walk with a *hook*: a callable that looks at each element and answers
with an :class:`Action` (skip it, hide its text, wrap it in a region, start a chapter at it).
The AO3 reader uses this to keep a work's summary and notes and to drop its tag list.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast, get_args

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ficlens.errors import BinaryInputError, DecodeError, EmptyInputError, MalformedError
from ficlens.readers._text import _control_ratio
from ficlens.story import Markup, MarkupKind

__all__ = [
    "BREAK_TEXT",
    "Action",
    "Doc",
    "Para",
    "Region",
    "Walker",
    "check_looks_like_html",
    "classes",
    "decode_html",
    "node_text",
    "parse_html",
]

#: The paragraph an ``<hr>`` becomes.
BREAK_TEXT = "* * *"

#: Elements whose content is never text: dropped with everything inside them.
DROP_TAGS = frozenset(
    [
        "script",
        "style",
        "head",
        "title",
        "template",
        "noscript",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "audio",
        "video",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "link",
        "meta",
        "base",
        "img",
        "picture",
        "source",
        "map",
        "frame",
        "frameset",
    ]
)
#: Elements that start and end a paragraph.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "pre",
        "address",
        "center",
        "body",
        "html",
        "details",
        "summary",
        "fieldset",
        "form",
        "hgroup",
        "menu",
        "legend",
    ]
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
ITALIC_TAGS = frozenset({"em", "i", "cite"})
BOLD_TAGS = frozenset({"strong", "b"})
_VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_ITALIC_STYLE = re.compile(r"font-style\s*:\s*(?:italic|oblique)", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# A paragraph made of scene-break symbols only ("* * *", "~~~", "-x-x-").
_BREAK_PARA = re.compile(r"(?=.*[*~=#+•·◇◆❖✦✧★☆§°^_-])[\s*~=#+•·◇◆❖✦✧★☆§°^_.xXoO0-]{1,40}")

Hook = Callable[[LexborNode, str | None], "Action | None"]


# -- decoding -------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
# WHATWG: a page declaring latin-1 or ASCII is decoded as windows-1252.
_AS_CP1252 = {"latin_1", "iso8859-1", "ascii", "cp1252"}


def _declared_encoding(head: bytes) -> str | None:
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in _AS_CP1252:
        return "cp1252"
    if name.startswith(("utf-16", "utf-32")):
        return None  # without a BOM the bytes were written as ASCII-compatible text
    return name


def decode_html(data: bytes, path: Path | None) -> tuple[str, str, bool]:
    """Decode an HTML file. Returns ``(text, encoding, used_fallback)``.

    A byte-order mark wins, then a ``<meta charset>`` (or ``<?xml encoding?>``) declaration,
    then UTF-8, then cp1252 (``used_fallback`` is then True). NUL bytes or many control
    characters mean a binary file.
    """
    if not data.strip():
        raise EmptyInputError("is empty" if not data else "is empty (nothing but white space)", path=path)
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                raise DecodeError(
                    f"has a {enc.upper()} byte-order mark but is not valid {enc.upper()}", path=path
                ) from None
            return _checked(text, path), "utf-8" if enc == "utf-8-sig" else enc, False
    if b"\x00" in data[:65536]:
        raise BinaryInputError("looks like a binary file, not HTML (it contains NUL bytes)", path=path)
    declared = _declared_encoding(data[:4096])
    if declared:
        try:
            return _checked(data.decode(declared), path), declared, False
        except UnicodeDecodeError:
            pass  # the declaration lies; try what usually works
    try:
        return _checked(data.decode("utf-8"), path), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("cp1252"), path), "cp1252", True
    except UnicodeDecodeError:
        return _checked(data.decode("latin-1"), path), "latin-1", True


def _checked(text: str, path: Path | None) -> str:
    if _control_ratio(text) > 0.01:
        raise BinaryInputError("looks like a binary file, not HTML", path=path)
    return text.replace("\x00", "")


_LOOKS_HTML = re.compile(
    r"<\s*(?:!doctype\s+html|\?xml|html|head|body|p|div|br|span|h[1-6]|em|i|b|strong|blockquote|section|"
    r"article|table|ul|ol|li|hr|title|meta|a|center|font|pre)\b",
    re.IGNORECASE,
)
_SELF_CLOSING = re.compile(
    # no "<" inside names or values, so a failed match never runs past the next tag (no quadratic scans)
    r"""<([A-Za-z][\w.:-]*)((?:\s+[^\s/<>"'=]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'=<>`]+))?)*)\s*/>"""
)


def check_looks_like_html(text: str, path: Path | None) -> None:
    """Raise MalformedError unless the text has at least one HTML tag."""
    if not _LOOKS_HTML.search(text):
        raise MalformedError(
            "does not look like HTML (no HTML tags found); read it as plain text instead", path=path
        )


def _expand_self_closing(text: str) -> str:
    """XHTML's ``<title/>`` or ``<div/>`` would swallow what follows in an HTML parser."""

    def fix(m: re.Match[str]) -> str:
        tag = m.group(1)
        if tag.lower() in _VOID_TAGS:
            return m.group(0)
        return f"<{tag}{m.group(2)}></{tag}>"

    return _SELF_CLOSING.sub(fix, text)


def parse_html(text: str, *, xhtml: bool | None = None) -> LexborHTMLParser:
    """Parse HTML (or XHTML, whose self-closing tags are expanded first) with lexbor."""
    if xhtml is None:
        head = text[:2048].lstrip("\ufeff \t\r\n")
        xhtml = head.startswith("<?xml") or "http://www.w3.org/1999/xhtml" in head
    if xhtml:
        text = _expand_self_closing(text)
    return LexborHTMLParser(text)


# -- small helpers over selectolax nodes ----------------------------------------------------


def node_text(node: LexborNode | None) -> str:
    """The text of a node (scripts and styles excluded), white space collapsed."""
    if node is None:
        return ""
    parts: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.tag == "-text":
            parts.append(n.text_content or "")
            continue
        if n.tag in DROP_TAGS or n.tag in ("-comment",):
            continue
        if n is not node and (n.tag in BLOCK_TAGS or n.tag == "br"):
            parts.append(" ")
        stack.extend(reversed(list(n.iter(include_text=True))))
    return " ".join("".join(parts).split())


def classes(node: LexborNode) -> list[str]:
    """The class names of an element."""
    return (node.attributes.get("class") or "").split()


# -- the document model the walk produces ---------------------------------------------------


@dataclass(slots=True)
class Para:
    """One paragraph: its text and the inline runs inside it (offsets into ``text``)."""

    text: str
    marks: list[tuple[str, int, int]] = field(default_factory=list)
    from_heading: bool = False  # written as h1-h6
    heading: bool = False  # emit "heading" markup
    brk: bool = False  # a scene break


@dataclass(slots=True)
class Region:
    """A run of paragraphs ``first..last`` (inclusive) marked as one kind (chapter, notes...)."""

    kind: str
    first: int
    last: int
    label: str | None = None


@dataclass(slots=True)
class Doc:
    """Paragraphs and regions over them, before they are laid out as one text."""

    paras: list[Para] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    def extend(self, other: Doc) -> None:
        """Append another Doc's paragraphs and regions."""
        shift = len(self.paras)
        self.paras.extend(other.paras)
        self.regions.extend(Region(r.kind, r.first + shift, r.last + shift, r.label) for r in other.regions)

    def region_texts(self, kind: str) -> list[str]:
        """The text of every region of ``kind``, its paragraphs joined by blank lines."""
        return [
            "\n\n".join(p.text for p in self.paras[r.first : r.last + 1])
            for r in self.regions
            if r.kind == kind
        ]

    def layout(self) -> tuple[str, list[Markup]]:
        """The text (paragraphs joined by blank lines) and the markup over it."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        markup: list[Markup] = []
        pos = 0
        for i, p in enumerate(self.paras):
            if i:
                parts.append("\n\n")
                pos += 2
            start = pos
            parts.append(p.text)
            pos += len(p.text)
            spans.append((start, pos))
            for kind, s, e in p.marks:
                markup.append(Markup(_kind(kind), start + s, start + e))
            if p.heading:
                markup.append(Markup("heading", start, pos))
            if p.brk:
                markup.append(Markup("scene_break", start, pos))
        for r in self.regions:
            if 0 <= r.first <= r.last < len(spans):
                markup.append(Markup(_kind(r.kind), spans[r.first][0], spans[r.last][1], r.label))
        markup.sort(key=lambda m: (m.start, -m.end, m.kind))
        return "".join(parts), markup


_KINDS = frozenset(get_args(MarkupKind))


def _kind(name: str) -> MarkupKind:
    if name not in _KINDS:
        raise ValueError(f"unknown markup kind {name!r}; use one of {sorted(_KINDS)}")
    return cast(MarkupKind, name)


# -- the walk -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """What a hook tells the walker to do with one element.

    Attributes:
        skip: drop the element and everything inside it.
        mode: a name passed to the hook for every element inside this one (``None`` keeps
            the current mode). The walker itself only knows one mode: "meta", in which text
            is hidden unless a deeper element switches the mode back (e.g. to "body").
        region: wrap the element's paragraphs in a region of this kind ("notes", ...).
        label: the region's label.
        chapter: start a chapter here (closing the open one); the value is its label.
        heading: the element is a heading paragraph (emit "heading" markup).
        end_chapter: close the open chapter before this element.
    """

    skip: bool = False
    mode: str | None = None
    region: str | None = None
    label: str | None = None
    chapter: str | None = None
    heading: bool = False
    end_chapter: bool = False


SKIP = Action(skip=True)


@dataclass(slots=True, eq=False)
class _Open:
    kind: str
    start: int | None = None
    end: int | None = None


@dataclass(slots=True, eq=False)
class _Frame:
    node: LexborNode
    block: bool
    heading: bool  # an h1-h6 (or a hook-declared heading) whose paragraph closes here
    mark_heading: bool
    inline: _Open | None
    region: int | None
    mode: str | None
    pre: bool


class Walker:
    """Walks HTML trees into a :class:`Doc`.

    Args:
        hook (Hook | None): asked about every element (see :class:`Action`).
        headings (bool): emit "heading" markup for every ``h1``-``h6``. When False, only
            headings a hook declares are marked.

    One Walker can walk several trees in turn (the spine documents of an EPUB); an open
    chapter stays open across them until :meth:`close_chapter` or :meth:`finish`.
    """

    def __init__(self, *, hook: Hook | None = None, headings: bool = True) -> None:
        self.hook = hook
        self.headings = headings
        self.doc = Doc()
        self._buf: list[str] = []
        self._len = 0
        self._space = False
        self._marks: list[tuple[str, int, int]] = []
        self._inline: list[_Open] = []
        self._chapter: int | None = None
        self._open_regions: dict[int, Region] = {}
        self._handles = 0

    # -- regions ------------------------------------------------------------------------

    def open_region(self, kind: str, label: str | None = None) -> int:
        """Start a region at the next paragraph; returns a handle for :meth:`close_region`."""
        self._flush()
        self._handles += 1
        self._open_regions[self._handles] = Region(kind, len(self.doc.paras), -1, label)
        return self._handles

    def close_region(self, handle: int) -> None:
        """End a region after the last paragraph written; a region with no paragraph is dropped."""
        self._flush()
        region = self._open_regions.pop(handle, None)
        if region is None:
            return
        region.last = len(self.doc.paras) - 1
        if region.last >= region.first:
            self.doc.regions.append(region)

    def open_chapter(self, label: str | None) -> None:
        self.close_chapter()
        self._chapter = self.open_region("chapter", label)

    def close_chapter(self) -> None:
        if self._chapter is not None:
            self.close_region(self._chapter)
            self._chapter = None

    def paragraph(self, text: str, *, heading: bool = False, brk: bool = False) -> None:
        """Add a whole paragraph written by the reader (not from the HTML)."""
        self._flush()
        text = " ".join(text.split())
        if text:
            self.doc.paras.append(Para(text, heading=heading, from_heading=heading, brk=brk))

    def finish(self) -> Doc:
        """Close what is open and return the Doc."""
        self._flush()
        self.close_chapter()
        for handle in list(self._open_regions):
            self.close_region(handle)
        self.doc.regions.sort(key=lambda r: (r.first, -r.last))
        return self.doc

    # -- walking --------------------------------------------------------------------------

    def walk(self, root: LexborNode, *, mode: str | None = None) -> None:
        """Walk ``root`` and everything under it (iteratively: deep trees are fine)."""
        stack: list[tuple[LexborNode | None, _Frame | None]] = [(root, None)]
        frames: list[_Frame] = []
        cur_mode = mode
        pre = 0
        while stack:
            node, frame = stack.pop()
            if frame is not None:
                self._exit(frame)
                frames.pop()
                cur_mode = frames[-1].mode if frames else mode
                pre -= frame.pre
                continue
            assert node is not None
            tag = node.tag or ""
            if tag == "-text":
                if cur_mode != "meta":
                    self._text(node.text_content or "", pre > 0)
                continue
            if tag.startswith(("-", "!", "_")) or tag in DROP_TAGS:
                continue
            action = self.hook(node, cur_mode) if self.hook else None
            if action is not None and action.skip:
                continue
            if tag == "br":
                if cur_mode != "meta":
                    self._flush()
                continue
            if tag == "hr":
                if cur_mode != "meta":
                    self._break()
                continue
            new = self._enter(node, tag, action, cur_mode)
            frames.append(new)
            cur_mode = new.mode
            if new.pre:
                pre += 1
            stack.append((None, new))
            stack.extend((c, None) for c in reversed(list(node.iter(include_text=True))))

    def _enter(self, node: LexborNode, tag: str, action: Action | None, mode: str | None) -> _Frame:
        a = action or Action()
        if a.end_chapter or a.chapter is not None:
            self._flush()
            self.close_chapter()
        if a.chapter is not None:
            self.open_chapter(a.chapter or None)
        heading = tag in HEADING_TAGS or a.heading
        block = tag in BLOCK_TAGS or heading or a.region is not None
        if block:
            self._flush()
        region = self.open_region(a.region, a.label) if a.region else None
        inline = None
        kind = self._inline_kind(node, tag)
        if kind:
            inline = _Open(kind)
            self._inline.append(inline)
        return _Frame(
            node=node,
            block=block,
            heading=heading,
            mark_heading=a.heading or (self.headings and tag in HEADING_TAGS),
            inline=inline,
            region=region,
            mode=a.mode if a.mode is not None else mode,
            pre=tag == "pre",
        )

    def _exit(self, f: _Frame) -> None:
        if f.inline is not None:
            if f.inline.start is not None and f.inline.end is not None:
                self._marks.append((f.inline.kind, f.inline.start, f.inline.end))
            if self._inline and self._inline[-1] is f.inline:
                self._inline.pop()
            else:
                self._inline.remove(f.inline)
        if f.block:
            self._flush(heading=f.heading, mark=f.mark_heading)
        if f.region is not None:
            self.close_region(f.region)

    @staticmethod
    def _inline_kind(node: LexborNode, tag: str) -> str | None:
        if tag in ITALIC_TAGS:
            return "italic"
        if tag in BOLD_TAGS:
            return "bold"
        if tag == "span":
            style = node.attributes.get("style") or ""
            names = classes(node)
            if _ITALIC_STYLE.search(style) or "italic" in names:
                return "italic"
            if _BOLD_STYLE.search(style) or "bold" in names:
                return "bold"
        return None

    # -- text ---------------------------------------------------------------------------

    def _text(self, s: str, pre: bool) -> None:
        s = _CONTROL.sub("", s)
        if pre and "\n" in s:
            lines = s.split("\n")
            for i, line in enumerate(lines):
                if i:
                    self._flush()
                self._words(line)
            return
        self._words(s)

    def _words(self, s: str) -> None:
        words = s.split()
        if not words:
            if s:
                self._space = True
            return
        if s[0].isspace():
            self._space = True
        for i, w in enumerate(words):
            if (self._space or i) and self._len:
                self._buf.append(" ")
                self._len += 1
            self._space = False
            start = self._len
            self._buf.append(w)
            self._len += len(w)
            for o in self._inline:
                if o.start is None:
                    o.start = start
                o.end = self._len
        if s[-1].isspace():
            self._space = True

    def _flush(self, *, heading: bool = False, mark: bool = False) -> None:
        text = "".join(self._buf)
        marks = self._marks + [
            (o.kind, o.start, o.end) for o in self._inline if o.start is not None and o.end is not None
        ]
        self._buf, self._len, self._space, self._marks = [], 0, False, []
        for o in self._inline:
            o.start = o.end = None
        if not text:
            return
        para = Para(text, _merge(marks), from_heading=heading, heading=mark)
        para.brk = not heading and len(text) <= 40 and bool(_BREAK_PARA.fullmatch(text))
        self.doc.paras.append(para)

    def _break(self) -> None:
        self._flush()
        if self.doc.paras and self.doc.paras[-1].brk and self.doc.paras[-1].text == BREAK_TEXT:
            return  # two rules in a row are one break
        self.doc.paras.append(Para(BREAK_TEXT, brk=True))


def _merge(marks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Merge nested, overlapping or touching runs of the same kind."""
    out: list[tuple[str, int, int]] = []
    for kind in ("italic", "bold"):
        runs = sorted((s, e) for k, s, e in marks if k == kind and e > s)
        merged: list[list[int]] = []
        for s, e in runs:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        out.extend((kind, s, e) for s, e in merged)
    out.sort(key=lambda m: m[1])
    return out
