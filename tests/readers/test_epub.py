"""The EPUB reader. Every EPUB here is built at test time with zipfile (no binary fixtures)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ficlens.errors import EmptyInputError, InputError, MalformedError, UnsafeArchiveError
from ficlens.readers import _epub, read
from ficlens.readers._ao3_html import read_html
from ficlens.readers._epub import read_epub
from ficlens.stages.structure import StructureStage
from ficlens.story import Story

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>'
    "</container>"
)


def xhtml(body: str, *, body_attrs: str = "") -> str:
    """An XHTML 1.1 document, written the way EPUB tools write them (self-closing title)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title/>'
        '<link href="style.css" rel="stylesheet" type="text/css"/></head>'
        f"<body{body_attrs}>{body}</body></html>"
    )


def opf(docs: list[str], *, meta: str = "", spine: list[str] | None = None, extra_items: str = "") -> str:
    items = "".join(
        f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"/>' for i, name in enumerate(docs)
    )
    order = spine if spine is not None else docs
    refs = "".join(f'<itemref idref="d{docs.index(name)}"/>' for name in order)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
        f"{meta}</metadata>"
        f'<manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>{items}{extra_items}'
        f'</manifest><spine toc="ncx">{refs}</spine></package>'
    )


def ncx(titles: dict[str, str]) -> str:
    points = "".join(
        f'<navPoint id="n{i}" playOrder="{i}"><navLabel><text>{title}</text></navLabel><content src="{src}"/></navPoint>'
        for i, (src, title) in enumerate(titles.items(), 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>{points}</navMap></ncx>'
    )


def zip_bytes(entries: dict[str, str | bytes], *, mimetype: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype:
            zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def epub_bytes(
    docs: dict[str, str],
    *,
    meta: str = "",
    titles: dict[str, str] | None = None,
    spine: list[str] | None = None,
    extra: dict[str, str | bytes] | None = None,
) -> bytes:
    """An EPUB 2 book under OEBPS/ with the given XHTML documents (spine in dict order)."""
    entries: dict[str, str | bytes] = {"META-INF/container.xml": CONTAINER.format(opf="OEBPS/content.opf")}
    entries["OEBPS/content.opf"] = opf(list(docs), meta=meta, spine=spine)
    entries["OEBPS/toc.ncx"] = ncx(titles or {})
    entries["OEBPS/style.css"] = "p { margin: 0 }"
    entries.update({f"OEBPS/{name}": body for name, body in docs.items()})
    entries.update(extra or {})
    return zip_bytes(entries)


def _marked(story: Story, kind: str) -> list[str]:
    return [story.text[m.start : m.end] for m in story.markup if m.kind == kind]


# -- a FanFicFare-style book ----------------------------------------------------------------------

FFF_META = (
    "<dc:title>The Night Ferry</dc:title>"
    '<dc:creator opf:role="aut">tern_and_tide</dc:creator>'
    '<dc:creator opf:role="bkp">FanFicFare</dc:creator>'
    "<dc:language>en</dc:language>"
    "<dc:subject>Opf Subject One</dc:subject><dc:subject>Opf Subject Two</dc:subject>"
    "<dc:description>&lt;p&gt;The OPF summary.&lt;/p&gt;</dc:description>"
    '<dc:date opf:event="modification">2024-02-02</dc:date>'
    '<dc:date opf:event="publication">2023-12-24T10:00:00+00:00</dc:date>'
    '<meta name="calibre:series" content="Keepers\' Logs"/>'
)
FFF_TITLE = xhtml(
    '<h3><a href="https://example.org/s/1">The Night Ferry</a> by <a href="https://example.org/u/2">tern_and_tide</a></h3>'
    "<div>"
    "<b>Category:</b> The Lantern Keepers (Radio)<br />"
    "<b>Characters:</b> Ines M., Wren A.<br />"
    "<b>Relationships:</b> Ines M./Wren A.<br />"
    "<b>Rating:</b> Mature<br />"
    "<b>Warnings:</b> None<br />"
    "<b>Genre:</b> Romance, Hurt/Comfort<br />"
    "<b>Status:</b> Completed<br />"
    "<b>Words:</b> 2,345<br />"
    "<b>Summary:</b> A crossing at <i>midnight</i>.<br />"
    "</div>",
    body_attrs=' class="fff_titlepage"',
)
FFF_TOC = xhtml(
    '<h2>Table of Contents</h2><a href="file0001.xhtml">Departure</a><br /><a href="file0002.xhtml">Arrival</a>'
)
FFF_CH1 = xhtml(
    '<h3 class="fff_chapter_title">Departure</h3>'
    "<p>The ferry <em>groaned</em> against the pier.</p>"
    "<p>“Hold on,” Ines said, “it always does this.”</p>"
    "<hr />"
    "<p>Wren held on &amp; said <strong>nothing</strong>.</p>"
)
FFF_CH2 = xhtml("<p>They landed before dawn.</p><p>Nobody <i>clapped</i>.</p>")


@pytest.fixture(scope="module")
def fff_story() -> Story:
    data = epub_bytes(
        {
            "title_page.xhtml": FFF_TITLE,
            "toc_page.xhtml": FFF_TOC,
            "file0001.xhtml": FFF_CH1,
            "file0002.xhtml": FFF_CH2,
        },
        meta=FFF_META,
        titles={"title_page.xhtml": "Title Page", "file0001.xhtml": "Departure", "file0002.xhtml": "Arrival"},
    )
    return read_epub(data, Path("night-ferry.epub"))


def test_epub_opf_and_title_page_metadata(fff_story: Story) -> None:
    meta = fff_story.metadata
    assert (meta.format, meta.source, meta.encoding, meta.encoding_fallback) == (
        "epub",
        "night-ferry.epub",
        "utf-8",
        False,
    )
    assert meta.title == "The Night Ferry"
    assert meta.authors == ("tern_and_tide",)  # the book producer is not an author
    assert meta.language == "en"
    assert meta.series == "Keepers' Logs"
    assert meta.published == "2023-12-24"
    assert meta.fandoms == ("The Lantern Keepers (Radio)",)
    assert meta.characters == ("Ines M.", "Wren A.")
    assert meta.relationships == ("Ines M./Wren A.",)
    assert meta.rating == "Mature"
    assert meta.warnings == ("None",)
    assert meta.additional_tags == ("Romance", "Hurt/Comfort")
    assert meta.words == 2345
    assert meta.summary == "A crossing at midnight."  # the title page's, not the OPF's


def test_epub_text_chapters_and_headings(fff_story: Story) -> None:
    assert fff_story.text.split("\n\n") == [
        "A crossing at midnight.",
        "Departure",
        "The ferry groaned against the pier.",
        "“Hold on,” Ines said, “it always does this.”",
        "* * *",
        "Wren held on & said nothing.",
        "Arrival",  # no heading in the file: the NCX title is added as one
        "They landed before dawn.",
        "Nobody clapped.",
    ]
    chapters = [m for m in fff_story.markup if m.kind == "chapter"]
    assert [m.label for m in chapters] == ["Departure", "Arrival"]
    assert _marked(fff_story, "chapter")[1] == "Arrival\n\nThey landed before dawn.\n\nNobody clapped."
    assert _marked(fff_story, "heading") == ["Departure", "Arrival"]
    assert "Table of Contents" not in fff_story.text and "Status" not in fff_story.text


def test_epub_inline_markup_offsets(fff_story: Story) -> None:
    assert _marked(fff_story, "italic") == ["midnight", "groaned", "clapped"]
    assert _marked(fff_story, "bold") == ["nothing"]
    assert _marked(fff_story, "summary") == ["A crossing at midnight."]
    assert _marked(fff_story, "scene_break") == ["* * *"]


def test_epub_structure_stage_makes_chapters_and_scenes(fff_story: Story) -> None:
    story = Story(fff_story.text, metadata=fff_story.metadata, markup=list(fff_story.markup))
    StructureStage()(story)
    chapters = [s for s in story.sections if s.kind == "chapter"]
    assert len(chapters) == 2 and all(s.title and "Departure" in s.title for s in chapters[:1])
    assert [s.kind for s in story.sections if s.kind == "summary"] == ["summary"]
    scenes = [s for s in story.sections if s.kind == "scene" and s.parent == chapters[0].id]
    assert len(scenes) == 2


def test_epub_opf_subjects_and_description_when_there_is_no_title_page(tmp_path: Path) -> None:
    data = epub_bytes({"c1.xhtml": FFF_CH1}, meta=FFF_META)
    story = read_epub(data, tmp_path / "b.epub")
    assert story.metadata.additional_tags == ("Opf Subject One", "Opf Subject Two")
    assert story.metadata.summary == "The OPF summary."
    assert story.text.startswith("Departure\n\nThe ferry groaned")


def test_epub_spine_order_wins_over_archive_order(tmp_path: Path) -> None:
    docs = {"b.xhtml": xhtml("<h2>Second</h2><p>two</p>"), "a.xhtml": xhtml("<h2>First</h2><p>one</p>")}
    data = epub_bytes(docs, spine=["a.xhtml", "b.xhtml"])
    story = read_epub(data, tmp_path / "order.epub")
    assert story.text == "First\n\none\n\nSecond\n\ntwo"


def test_epub_one_file_with_several_chapters_marks_every_heading(tmp_path: Path) -> None:
    body = "<h1>Book</h1><h2>Chapter 1</h2><p>one</p><h2>Chapter 2</h2><p>two</p>"
    story = read_epub(epub_bytes({"all.xhtml": xhtml(body)}), tmp_path / "one.epub")
    assert _marked(story, "heading") == ["Book", "Chapter 1", "Chapter 2"]
    assert not _marked(story, "chapter")


# -- an AO3 export (calibre splits the download into several files) --------------------------------


def _ao3_split() -> dict[str, str]:
    html = (FIXTURES / "ao3_multi.html").read_text(encoding="utf-8")
    body = html.split("<body>", 1)[1].split("</body>", 1)[0]
    cut1 = body.index('<div id="chapters"')
    cut2 = body.index('<div class="meta group">\n    <h2 class="heading">Chapter 2')
    parts = [body[:cut1], body[cut1:cut2] + "</div>", '<div id="chapters" class="userstuff">' + body[cut2:]]
    return {f"Salt_and_Signal_split_{i:03}.xhtml": xhtml(part) for i, part in enumerate(parts)}


def test_epub_ao3_export_reads_like_the_html_download(tmp_path: Path) -> None:
    meta = (
        "<dc:title>Salt and Signal</dc:title><dc:creator>quillwick</dc:creator><dc:subject>Fluff</dc:subject>"
    )
    story = read_epub(epub_bytes(_ao3_split(), meta=meta), tmp_path / "ao3.epub")
    html_path = FIXTURES / "ao3_multi.html"
    html = read_html(html_path.read_bytes(), html_path)
    assert story.text == html.text
    assert [(m.kind, m.start, m.end, m.label) for m in story.markup] == [
        (m.kind, m.start, m.end, m.label) for m in html.markup
    ]
    meta_html = html.metadata
    for field in (
        "title",
        "authors",
        "rating",
        "warnings",
        "categories",
        "fandoms",
        "relationships",
        "characters",
        "additional_tags",
        "language",
        "series",
        "published",
        "words",
        "summary",
        "notes",
        "end_notes",
    ):
        assert getattr(story.metadata, field) == getattr(meta_html, field), field


def test_epub_read_dispatches_by_suffix(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    path.write_bytes(epub_bytes({"c.xhtml": FFF_CH2}, titles={"c.xhtml": "Only"}))
    assert read(path).text == "Only\n\nThey landed before dawn.\n\nNobody clapped."


# -- unsafe archives ---------------------------------------------------------------------------------


def _book_with(extra: dict[str, str | bytes]) -> bytes:
    return epub_bytes({"c.xhtml": FFF_CH2}, extra=extra)


@pytest.mark.parametrize("name", ["../evil", "OEBPS/../../evil.xhtml", "/etc/evil", "..\\evil", "C:/evil"])
def test_epub_refuses_path_traversal(name: str, tmp_path: Path) -> None:
    path = tmp_path / "evil.epub"
    with pytest.raises(UnsafeArchiveError) as info:
        read_epub(_book_with({name: "x"}), path)
    assert "unsafe path" in info.value.message and info.value.path == str(path)
    assert info.value.code == "E107" and "\n" not in info.value.one_line()


def test_epub_refuses_too_many_entries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_epub, "MAX_ENTRIES", 20)
    data = _book_with({f"OEBPS/img{i}.txt": "x" for i in range(20)})
    with pytest.raises(UnsafeArchiveError, match="entries, over the limit of 20"):
        read_epub(data, tmp_path / "many.epub")


def test_epub_refuses_a_huge_entry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_epub, "MAX_ENTRY_BYTES", 1_000_000)
    data = _book_with({"OEBPS/huge.xhtml": b"\0" * 2_000_000})
    assert len(data) < 50_000  # it is tiny packed
    with pytest.raises(UnsafeArchiveError, match="unpacks to 2.0 MB, over the 1 MB limit"):
        read_epub(data, tmp_path / "huge.epub")


def test_epub_refuses_a_zip_bomb_ratio(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_epub, "RATIO_MIN_BYTES", 100_000)
    data = _book_with({"OEBPS/bomb.xhtml": b" " * 500_000})
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        read_epub(data, tmp_path / "bomb.epub")


def test_epub_refuses_a_huge_total(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_epub, "MAX_TOTAL_BYTES", 100_000)
    data = _book_with({f"OEBPS/part{i}.txt": bytes(range(256)) * 200 for i in range(3)})
    with pytest.raises(UnsafeArchiveError, match="in all"):
        read_epub(data, tmp_path / "total.epub")


# -- malformed archives ------------------------------------------------------------------------------


def _corrupt(data: bytes) -> bytes:
    """Flip bytes inside the first chapter's compressed data (its CRC then fails)."""
    start = data.index(b"OEBPS/c.xhtml") + len("OEBPS/c.xhtml")
    middle = bytearray(data)
    for i in range(start + 4, start + 40):
        middle[i] ^= 0x5A
    return bytes(middle)


def _no_container() -> bytes:
    return zip_bytes(
        {"OEBPS/a.opf": opf(["c.xhtml"]), "OEBPS/b.opf": opf(["c.xhtml"]), "OEBPS/c.xhtml": FFF_CH2}
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"plain text, not a zip", "not a readable ZIP"),
        (b"PK\x03\x04" + b"\x00" * 40, "not a readable ZIP"),
        (_book_with({})[: len(_book_with({})) // 2], "not a readable ZIP"),
        (_corrupt(_book_with({})), "corrupt"),
        (_no_container(), "no META-INF/container.xml"),
        (zip_bytes({"META-INF/container.xml": "<container><rootfiles>"}), "not well-formed XML"),
        (zip_bytes({"META-INF/container.xml": "<container/>"}), "names no OPF"),
        (zip_bytes({"META-INF/container.xml": CONTAINER.format(opf="missing.opf")}), "not in the archive"),
        (
            zip_bytes(
                {
                    "META-INF/container.xml": CONTAINER.format(opf="p.opf"),
                    "p.opf": '<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest/></package>',
                }
            ),
            "no spine",
        ),
        (
            zip_bytes({"META-INF/container.xml": CONTAINER.format(opf="p.opf"), "p.opf": opf([])}),
            "no readable documents",
        ),
        (epub_bytes({"c.xhtml": "\x00\x01\x02binary\x00"}), "spine document"),
    ],
    ids=[
        "not-zip",
        "zip-magic-only",
        "truncated",
        "corrupt-entry",
        "no-container",
        "bad-container-xml",
        "container-without-rootfile",
        "missing-opf",
        "opf-without-spine",
        "empty-spine",
        "binary-spine-doc",
    ],
)
def test_epub_malformed_archives(data: bytes, words: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.epub"
    with pytest.raises(MalformedError) as info:
        read_epub(data, path)
    assert words in info.value.message
    assert info.value.path == str(path) and "\n" not in info.value.one_line()


def test_epub_container_may_be_missing_when_there_is_one_package(tmp_path: Path) -> None:
    data = zip_bytes({"OEBPS/content.opf": opf(["c.xhtml"]), "OEBPS/c.xhtml": FFF_CH2})
    assert read_epub(data, tmp_path / "loose.epub").text == "They landed before dawn.\n\nNobody clapped."


def test_epub_without_text_is_empty(tmp_path: Path) -> None:
    data = epub_bytes({"cover.xhtml": xhtml('<div><img src="cover.jpg" alt="Cover"/></div>')})
    with pytest.raises(EmptyInputError, match="no readable text"):
        read_epub(data, tmp_path / "cover.epub")
    with pytest.raises(EmptyInputError):
        read_epub(b"", tmp_path / "zero.epub")


def test_epub_xml_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    evil_opf = opf(
        ["c.xhtml"], meta="<dc:title>Title &xxe;</dc:title><dc:subject>&lol3;</dc:subject>"
    ).replace(
        "<package",
        f'<!DOCTYPE package [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY lol "lollollollollollollollol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n<package',
        1,
    )
    data = zip_bytes(
        {
            "META-INF/container.xml": CONTAINER.format(opf="content.opf"),
            "content.opf": evil_opf,
            "c.xhtml": FFF_CH2,
        }
    )
    story = read_epub(data, tmp_path / "xxe.epub")
    assert "TOP-SECRET" not in repr(story.metadata) and "TOP-SECRET" not in story.text
    assert "lollol" not in repr(story.metadata)


# -- fuzzing -------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2048))
def test_epub_random_bytes_raise_only_input_errors(data: bytes) -> None:
    with pytest.raises(InputError):
        read_epub(data, Path("fuzz.epub"))


_NAMES = st.sampled_from(["content.opf", "c.xhtml", "toc.ncx", "META-INF/container.xml", "d.xhtml"])
_XMLISH = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            opf(["c.xhtml"]).encode(),
            opf(["c.xhtml", "d.xhtml"], spine=["d.xhtml"]).encode(),
            xhtml("<p>text <em>it</em></p>").encode(),
            ncx({"c.xhtml": "T"}).encode(),
            b"<html/>",
            b"<?xml?>",
            CONTAINER.format(opf="content.opf").encode(),
        ]
    ),
)


@settings(max_examples=100, deadline=None)
@given(entries=st.dictionaries(_NAMES, _XMLISH, max_size=5))
def test_epub_random_archives_raise_only_input_errors(entries: dict[str, bytes]) -> None:
    data = zip_bytes({"META-INF/container.xml": CONTAINER.format(opf="content.opf"), **entries})
    try:
        story = read_epub(data, Path("fuzz.epub"))
    except InputError:
        return
    for m in story.markup:
        assert 0 <= m.start < m.end <= len(story.text)
