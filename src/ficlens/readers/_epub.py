"""EPUB files: AO3 exports, calibre and FanFicFare books, and EPUBs in general.

The archive is opened with :mod:`zipfile` and checked before anything parses it (see
:func:`check_archive`): too many entries, an entry or a total that unpacks too big, a
zip-bomb compression ratio, or an absolute or ``..`` entry name raise
:class:`~ficlens.errors.UnsafeArchiveError`. Nothing is extracted to disk; entries are read
into memory with a size cap.

Then ``META-INF/container.xml`` names the OPF package, whose Dublin Core metadata, manifest
and spine are read with lxml (entities unresolved, no network, no DTD). Each spine document
is turned into text by the same HTML walk as the HTML reader:

* an AO3 export (its preface has AO3's tag list) is walked as one AO3 download, so it gets
  the same metadata, summary, notes, chapters and end notes;
* a FanFicFare or calibre title page ("Category: ...", "Characters: ...", "Summary: ...")
  fills the metadata, and its summary stays in the text as "summary" markup;
* every other document with text is a chapter, labelled by its leading heading or, if it has
  none, by its title in the NCX or nav table of contents (added as a heading paragraph).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from ficlens.errors import EmptyInputError, InputError, MalformedError, UnsafeArchiveError
from ficlens.readers._ao3_html import AO3Hook, ao3_metadata, is_ao3, metadata_from_doc
from ficlens.readers._html_text import Doc, Para, Region, Walker, classes, decode_html, node_text, parse_html
from ficlens.story import Metadata, Story

__all__ = [
    "MAX_ENTRIES",
    "MAX_ENTRY_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_MIN_BYTES",
    "check_archive",
    "read_epub",
]

#: More entries than this and the archive is refused.
MAX_ENTRIES = 2_000
#: An entry that unpacks to more bytes than this is refused.
MAX_ENTRY_BYTES = 50 * 1024 * 1024
#: All entries together may unpack to at most this many bytes.
MAX_TOTAL_BYTES = 200 * 1024 * 1024
#: An entry of at least RATIO_MIN_BYTES compressed more than MAX_RATIO:1 is a likely zip bomb.
MAX_RATIO = 100
RATIO_MIN_BYTES = 1024 * 1024

_CONTAINER = "META-INF/container.xml"
_HTML_TYPES = {"application/xhtml+xml", "text/html", "application/html"}
_NCX_TYPE = "application/x-dtbncx+xml"
_SKIP_NAMES = re.compile(r"(?:^|/)(?:toc|nav|log|jacket|cover)(?:[_-]?page)?\.x?html?$", re.IGNORECASE)
_TITLE_PAGE_NAMES = re.compile(r"(?:^|/)title_?page[^/]*\.x?html?$", re.IGNORECASE)


# -- the archive ------------------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in re.split(r"[\\/]", name))


def _short(name: str) -> str:
    return repr(name if len(name) <= 80 else name[:77] + "...")


def check_archive(zf: zipfile.ZipFile, path: Path | None) -> None:
    """Refuse archives that are unsafe to read (before any entry is parsed).

    Raises UnsafeArchiveError for more than MAX_ENTRIES entries, an entry over
    MAX_ENTRY_BYTES, a total over MAX_TOTAL_BYTES, a big entry compressed more than
    MAX_RATIO:1, or an absolute or ``..`` entry name.
    """
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsafeArchiveError(f"has {len(infos)} entries, over the limit of {MAX_ENTRIES}", path=path)
    total = 0
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise UnsafeArchiveError(
                f"has an entry with an unsafe path {_short(name)} (absolute or '..')", path=path
            )
        size = info.file_size
        if size > MAX_ENTRY_BYTES:
            raise UnsafeArchiveError(
                f"entry {_short(name)} unpacks to {size / 1e6:.1f} MB, over the {MAX_ENTRY_BYTES / 1e6:g} MB limit",
                path=path,
            )
        total += size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeArchiveError(
                f"unpacks to more than {MAX_TOTAL_BYTES / 1e6:g} MB in all, over the limit", path=path
            )
        if size >= RATIO_MIN_BYTES and size > MAX_RATIO * max(1, info.compress_size):
            ratio = size / max(1, info.compress_size)
            raise UnsafeArchiveError(
                f"entry {_short(name)} is compressed {ratio:.0f}:1 (over {MAX_RATIO}:1), a likely zip bomb",
                path=path,
            )


class _Archive:
    """Reads entries of a checked archive into memory, within the size limits."""

    def __init__(self, zf: zipfile.ZipFile, path: Path) -> None:
        self.zf = zf
        self.path = path
        self.read_total = 0
        self.names = {info.filename: info for info in zf.infolist()}
        self._lower = {name.lower(): name for name in self.names}

    def find(self, name: str) -> str | None:
        """The entry called ``name`` (exactly, else ignoring case), if any."""
        if name in self.names:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        info = self.names[name]
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise MalformedError(
                f"entry {_short(name)} uses a compression EPUB does not allow (only stored or deflate)",
                path=self.path,
            )
        if info.flag_bits & 0x1:
            raise MalformedError(f"entry {_short(name)} is encrypted", path=self.path)
        try:
            with self.zf.open(info) as fh:
                data = fh.read(MAX_ENTRY_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            RuntimeError,
            NotImplementedError,
        ):
            raise MalformedError(
                f"entry {_short(name)} is corrupt and cannot be unpacked", path=self.path
            ) from None
        if len(data) > MAX_ENTRY_BYTES:
            raise UnsafeArchiveError(
                f"entry {_short(name)} unpacks to more than its declared size", path=self.path
            )
        self.read_total += len(data)
        if self.read_total > MAX_TOTAL_BYTES:
            raise UnsafeArchiveError(
                f"unpacks to more than {MAX_TOTAL_BYTES / 1e6:g} MB in all", path=self.path
            )
        return data


# -- XML ----------------------------------------------------------------------------------------


def _xml(data: bytes, what: str, path: Path) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise MalformedError(f"has a {what} that is not well-formed XML", path=path) from None
    if root is None:
        raise MalformedError(f"has an empty {what}", path=path)
    return root


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # an entity reference or other non-element node
    return tag.rsplit("}", 1)[-1].lower()


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


def _descendants(el: Any, name: str) -> list[Any]:
    return [c for c in el.iter() if _local(c) == name]


def _attr(el: Any, name: str) -> str:
    """An attribute by local name, whatever its namespace."""
    for key, value in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return str(value)
    return ""


def _el_text(el: Any) -> str:
    """An element's text with white space collapsed; entity references are left out."""
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(el, False)]
    while stack:
        node, done = stack.pop()
        if done:
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node)))
    return " ".join("".join(parts).split())


# -- the package ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Package:
    opf: str
    meta: dict[str, Any] = field(default_factory=dict)
    spine: list[str] = field(default_factory=list)
    toc_titles: dict[str, str] = field(default_factory=dict)
    nav: set[str] = field(default_factory=set)


def _resolve(base: str, href: str) -> str:
    href = urldefrag(unquote(href.strip()))[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), href)) if href else ""


def _find_opf(archive: _Archive) -> str:
    path = archive.path
    container = archive.find(_CONTAINER)
    if container is None:
        opfs = [n for n in archive.names if n.lower().endswith(".opf")]
        if len(opfs) == 1:
            return opfs[0]
        raise MalformedError("is not an EPUB: it has no META-INF/container.xml", path=path)
    root = _xml(archive.read(container), "META-INF/container.xml", path)
    for rootfile in _descendants(root, "rootfile"):
        full = _attr(rootfile, "full-path")
        kind = _attr(rootfile, "media-type")
        if full and (not kind or kind == "application/oebps-package+xml"):
            name = archive.find(posixpath.normpath(unquote(full)))
            if name is None:
                raise MalformedError(
                    f"names a package file {_short(full)} that is not in the archive", path=path
                )
            return name
    raise MalformedError("has a META-INF/container.xml that names no OPF package file", path=path)


def _read_package(archive: _Archive) -> _Package:
    path = archive.path
    opf = _find_opf(archive)
    root = _xml(archive.read(opf), "OPF package file", path)
    pkg = _Package(opf)
    for metadata in _descendants(root, "metadata")[:1]:
        pkg.meta = _dublin_core(metadata)
    manifest: dict[str, tuple[str, str, str]] = {}
    for item in _descendants(root, "item"):
        ident, href = _attr(item, "id"), _attr(item, "href")
        if ident and href:
            manifest[ident] = (
                _resolve(opf, href),
                _attr(item, "media-type").lower(),
                _attr(item, "properties"),
            )
    spines = _descendants(root, "spine")
    if not spines:
        raise MalformedError("has an OPF package file with no spine (no reading order)", path=path)
    spine = spines[0]
    for ref in _children(spine, "itemref"):
        entry = manifest.get(_attr(ref, "idref"))
        if entry is None or _attr(ref, "linear").lower() == "no":
            continue
        name, kind, props = entry
        if kind and kind not in _HTML_TYPES and not re.search(r"\.x?html?$", name, re.IGNORECASE):
            continue
        found = archive.find(name)
        if found is not None and found not in pkg.spine:
            pkg.spine.append(found)
            if "nav" in props.split():
                pkg.nav.add(found)
    # Tables of contents: the NCX (EPUB 2) and the nav document (EPUB 3).
    ncx_id = _attr(spine, "toc")
    for ident, (name, kind, props) in manifest.items():
        found = archive.find(name)
        if found is None:
            continue
        if ident == ncx_id or kind == _NCX_TYPE:
            _ncx_titles(archive, found, pkg.toc_titles)
        elif "nav" in props.split():
            pkg.nav.add(found)
            _nav_titles(archive, found, pkg.toc_titles)
    return pkg


def _ncx_titles(archive: _Archive, name: str, out: dict[str, str]) -> None:
    try:
        root = _xml(archive.read(name), "table of contents (NCX)", archive.path)
    except MalformedError:
        return  # a broken table of contents only costs chapter titles
    for point in _descendants(root, "navpoint"):
        labels = _children(point, "navlabel")
        contents = _children(point, "content")
        if labels and contents:
            src = _resolve(name, _attr(contents[0], "src"))
            title = _el_text(labels[0])
            if src and title:
                out.setdefault(src, title)


def _nav_titles(archive: _Archive, name: str, out: dict[str, str]) -> None:
    try:
        text, _, _ = decode_html(archive.read(name), archive.path)
    except InputError:
        return
    tree = parse_html(text, xhtml=True)
    for nav in tree.css("nav"):
        for a in nav.css("a"):
            src = _resolve(name, a.attributes.get("href") or "")
            title = node_text(a)
            if src and title:
                out.setdefault(src, title)


def _dublin_core(metadata: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    creators: list[str] = []
    subjects: list[str] = []
    dates: list[tuple[str, str]] = []
    for el in metadata.iter():
        if not isinstance(el.tag, str):
            continue  # comments, entity references
        name = _local(el)
        value = _el_text(el)
        if name == "title" and value and "title" not in out:
            out["title"] = value
        elif name == "creator" and value and _attr(el, "role") in ("", "aut"):
            creators.append(value)
        elif name == "language" and value and "language" not in out:
            out["language"] = value
        elif name == "subject" and value:
            subjects.append(value)
        elif name == "description" and value and "summary" not in out:
            out["summary"] = _plain(value)
        elif name == "date" and value:
            dates.append((_attr(el, "event").lower(), value))
        elif name == "meta":
            key = (_attr(el, "name") or _attr(el, "property")).lower()
            content = _attr(el, "content") or value
            if key in ("calibre:series", "belongs-to-collection") and content and "series" not in out:
                out["series"] = content
    if creators:
        out["authors"] = tuple(dict.fromkeys(creators))
    if subjects:
        out["additional_tags"] = tuple(dict.fromkeys(subjects))
    if dates:
        chosen = next((v for e, v in dates if e in ("publication", "original-publication")), dates[0][1])
        m = re.match(r"\d{4}-\d{2}-\d{2}", chosen)
        out["published"] = m.group(0) if m else chosen
    return out


def _plain(value: str) -> str:
    """A description may hold escaped HTML; keep its text only."""
    if "<" not in value:
        return value
    return node_text(LexborHTMLParser(value).body) or value


# -- title pages (FanFicFare, calibre) ------------------------------------------------------------

_TITLE_LABELS: dict[str, str] = {
    "title": "title",
    "story": "title",
    "author": "authors",
    "authors": "authors",
    "by": "authors",
    "category": "fandoms",  # FanFicFare's "category" is the fandom
    "categories": "fandoms",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "ao3 categories": "categories",
    "genre": "additional_tags",
    "genres": "additional_tags",
    "freeform tags": "additional_tags",
    "additional tags": "additional_tags",
    "tags": "additional_tags",
    "characters": "characters",
    "character": "characters",
    "relationships": "relationships",
    "relationship": "relationships",
    "pairing": "relationships",
    "pairings": "relationships",
    "ships": "relationships",
    "rating": "rating",
    "rated": "rating",
    "warnings": "warnings",
    "warning": "warnings",
    "archive warnings": "warnings",
    "language": "language",
    "series": "series",
    "published": "published",
    "words": "words",
    "summary": "summary",
    "status": "",
    "updated": "",
    "packaged": "",
    "chapters": "",
    "publisher": "",
    "url": "",
    "source": "",
    "author url": "",
    "story url": "",
    "downloaded": "",
}
_TITLE_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9 ]{0,24}?)\s*:\s*(.*)$", re.DOTALL)
_TITLE_LISTS = frozenset(
    ["authors", "fandoms", "categories", "additional_tags", "characters", "relationships", "warnings"]
)


def _title_page_fields(doc: Doc) -> list[tuple[str, list[Para]]]:
    """``(field, value paragraphs)`` for each "Label: value" entry of a title page."""
    entries: list[tuple[str, list[Para]]] = []
    current: tuple[str, list[Para]] | None = None
    for para in doc.paras:
        m = _TITLE_LINE.match(para.text)
        label = m.group(1).strip().lower() if m else ""
        if m and label in _TITLE_LABELS:
            value = _tail(para, m.start(2))
            current = (_TITLE_LABELS[label], [value] if value.text else [])
            entries.append(current)
        elif current is not None and (current[0] == "summary" or not current[1]):
            current[1].append(para)
    return entries


def _tail(para: Para, start: int) -> Para:
    """The part of a paragraph from ``start`` on, its inline runs shifted to match."""
    rest = para.text[start:]
    start += len(rest) - len(rest.lstrip())
    marks = [(k, max(s, start) - start, e - start) for k, s, e in para.marks if e > start]
    return Para(para.text[start:].rstrip(), [(k, s, e) for k, s, e in marks if e > s])


def _is_title_page(name: str, tree: LexborHTMLParser, doc: Doc) -> bool:
    body = tree.body
    if body is not None and "fff_titlepage" in classes(body):
        return True
    known = {f for f, _ in _title_page_fields(doc) if f}
    # A long document with a few "Label:" lines is a chapter, not a title page.
    return (bool(_TITLE_PAGE_NAMES.search(name)) and bool(known)) or (
        len(known) >= 3 and len(doc.paras) <= 60
    )


def _title_page(doc: Doc) -> tuple[dict[str, Any], list[Para]]:
    """Metadata from a title page, and its summary paragraphs (which stay in the text)."""
    out: dict[str, Any] = {}
    summary: list[Para] = []
    for fld, paras in _title_page_fields(doc):
        if not fld or not paras:
            continue
        if fld == "summary":
            summary = paras
            out["summary"] = "\n\n".join(p.text for p in paras)
            continue
        value = paras[0].text
        if fld in _TITLE_LISTS:
            items = tuple(v for v in re.split(r"\s*[,;]\s*", value) if v)
            out[fld] = tuple(dict.fromkeys(out.get(fld, ()) + items))
        elif fld == "words":
            digits = re.sub(r"\D", "", value)
            if digits:
                out["words"] = int(digits)
        else:
            out.setdefault(fld, value)
    return out, summary


# -- the reader ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Page:
    name: str
    tree: LexborHTMLParser
    encoding: str
    fallback: bool


def _pages(archive: _Archive, pkg: _Package) -> list[_Page]:
    pages: list[_Page] = []
    for name in pkg.spine:
        if name in pkg.nav:
            continue
        try:
            text, encoding, fallback = decode_html(archive.read(name), archive.path)
        except EmptyInputError:
            continue
        except (MalformedError, UnsafeArchiveError):
            raise
        except InputError as exc:
            raise MalformedError(f"spine document {_short(name)} {exc.message}", path=archive.path) from None
        pages.append(_Page(name, parse_html(text, xhtml=True), encoding, fallback))
    return pages


def _chapter_doc(page: _Page, toc_title: str | None) -> Doc:
    """One spine document as a chapter: leading headings marked, labelled, in a chapter region."""
    walker = Walker(headings=False)
    if page.tree.body is not None:
        walker.walk(page.tree.body)
    doc = walker.finish()
    if not doc.paras:
        return doc
    lead = 0
    while lead < len(doc.paras) and doc.paras[lead].from_heading:
        lead += 1
    headings = sum(1 for p in doc.paras if p.from_heading)
    if headings - lead >= 1 and headings >= 2:
        # Several chapters in one file: mark every heading and let the structure stage split.
        for p in doc.paras:
            p.heading = p.from_heading
        return doc
    for p in doc.paras[:lead]:
        p.heading = True
    label = doc.paras[0].text if lead else toc_title
    if not lead and toc_title:
        doc.paras.insert(0, Para(" ".join(toc_title.split()), from_heading=True, heading=True))
        doc.regions = [Region(r.kind, r.first + 1, r.last + 1, r.label) for r in doc.regions]
    if label:
        doc.regions.insert(0, Region("chapter", 0, len(doc.paras) - 1, label))
    return doc


def _build(pages: list[_Page], pkg: _Package) -> tuple[Doc, dict[str, Any]]:
    meta: dict[str, Any] = {}
    if any(is_ao3(p.tree) for p in pages):
        walker = Walker(hook=AO3Hook(), headings=False)
        for page in pages:
            if not meta and is_ao3(page.tree):
                meta = ao3_metadata(page.tree)
            if page.tree.body is not None:
                walker.walk(page.tree.body)
        doc = walker.finish()
        meta.update(metadata_from_doc(doc))
        return doc, meta
    doc = Doc()
    for page in pages:
        if _SKIP_NAMES.search(page.name):
            continue
        walker = Walker(headings=False)
        if page.tree.body is not None:
            walker.walk(page.tree.body)
        plain = walker.finish()
        if not plain.paras:
            continue
        if _is_title_page(page.name, page.tree, plain):
            found, summary = _title_page(plain)
            for key, value in found.items():
                meta.setdefault(key, value)
            if summary:
                first = len(doc.paras)
                doc.paras.extend(summary)
                doc.regions.append(Region("summary", first, len(doc.paras) - 1))
            continue
        doc.extend(_chapter_doc(page, pkg.toc_titles.get(page.name)))
    return doc, meta


def read_epub(data: bytes, path: Path) -> Story:
    """Read an EPUB into a Story, after checking the archive is safe to open.

    Args:
        data (bytes): the file's bytes.
        path (Path): where they came from (for messages and ``Metadata.source``).

    RETURNS (Story): the spine documents as one text, with the same markup as the HTML
        reader and the OPF's (or the AO3 preface's) metadata.
    """
    if not data:
        raise EmptyInputError("is empty", path=path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise MalformedError("is not an EPUB (not a readable ZIP archive)", path=path) from None
    with zf:
        check_archive(zf, path)
        archive = _Archive(zf, path)
        pkg = _read_package(archive)
        if not pkg.spine:
            raise MalformedError("has no readable documents in its spine", path=path)
        pages = _pages(archive, pkg)
    doc, content_meta = _build(pages, pkg)
    if not doc.paras:
        raise EmptyInputError("has no readable text in its spine documents", path=path)
    meta = dict(pkg.meta)
    if any(k in content_meta for k in ("fandoms", "relationships", "characters", "categories", "warnings")):
        meta.pop("additional_tags", None)  # OPF subjects repeat the preface's tags, all mixed
    meta.update({k: v for k, v in content_meta.items() if v})
    body, markup = doc.layout()
    encodings = {p.encoding for p in pages}
    metadata = Metadata(
        source=str(path),
        format="epub",
        encoding=pages[0].encoding if len(encodings) == 1 else ", ".join(sorted(encodings)),
        encoding_fallback=any(p.fallback for p in pages),
        **meta,
    )
    return Story(body, metadata=metadata, markup=markup)
