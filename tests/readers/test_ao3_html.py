"""The HTML reader: AO3 downloads and plain pages (fixtures in tests/fixtures, all invented)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ficlens.errors import BinaryInputError, EmptyInputError, InputError, MalformedError
from ficlens.readers import read
from ficlens.readers._ao3_html import read_html
from ficlens.stages.structure import StructureStage
from ficlens.story import Story

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _read(name: str) -> Story:
    path = FIXTURES / name
    return read_html(path.read_bytes(), path)


def _marked(story: Story, kind: str) -> list[str]:
    return [story.text[m.start : m.end] for m in story.markup if m.kind == kind]


@pytest.fixture(scope="module")
def multi() -> Story:
    return _read("ao3_multi.html")


def test_ao3_html_metadata_fields(multi: Story) -> None:
    meta = multi.metadata
    assert meta.format == "html"
    assert meta.source is not None and meta.source.endswith("ao3_multi.html")
    assert meta.encoding == "utf-8" and meta.encoding_fallback is False
    assert meta.title == "Salt and Signal"
    assert meta.authors == ("quillwick",)
    assert meta.rating == "General Audiences"
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.categories == ("Gen", "F/F")
    assert meta.fandoms == ("The Lantern Keepers (Radio)",)
    assert meta.relationships == ("Ines Marlow/Wren Abbot",)
    assert meta.characters == ("Ines Marlow", "Wren Abbot", "Tobias & the Gull")
    assert meta.additional_tags == ("Fluff", "Lighthouses", "Storms")
    assert meta.language == "English"
    assert meta.series == "Part 2 of Keepers' Logs"
    assert meta.published == "2023-04-05"
    assert meta.words == 1234


def test_ao3_html_tag_list_and_archive_chrome_stay_out_of_the_text(multi: Story) -> None:
    for chrome in (
        "Rating:",
        "General Audiences",
        "Posted originally",
        "Preface",
        "Afterword",
        "Chapter Notes",
        "End Notes",
        "See the end",
        "Please drop by",
        "quillwick",
    ):
        assert chrome not in multi.text


def test_ao3_html_chapters_and_titles(multi: Story) -> None:
    chapters = [m for m in multi.markup if m.kind == "chapter"]
    assert [m.label for m in chapters] == ["Chapter 1: The Lamp Room", "Chapter 2: Fog Horn"]
    assert _marked(multi, "heading") == ["Chapter 1: The Lamp Room", "Chapter 2: Fog Horn"]
    for m in chapters:
        assert multi.text[m.start :].startswith(m.label or "?")
    assert "The horn coughed once" in multi.text[chapters[1].start : chapters[1].end]
    assert "The horn coughed once" not in multi.text[chapters[0].start : chapters[0].end]


def test_ao3_html_italic_and_bold_offsets(multi: Story) -> None:
    assert _marked(multi, "italic") == ["very", "Always the lamp,", "finally", "that’s"]
    assert _marked(multi, "bold") == ["wrench"]


def test_ao3_html_summary_notes_and_end_notes(multi: Story) -> None:
    assert _marked(multi, "summary") == ["Two keepers, one very stubborn lamp.", "The horn breaks."]
    assert _marked(multi, "notes") == ["Written for a prompt about fog.", "The first night."]
    assert _marked(multi, "end_notes") == ["Thanks for reading this far.", "Come say hello on the forum."]
    meta = multi.metadata
    assert meta.summary == "Two keepers, one very stubborn lamp."
    assert meta.notes == ("Written for a prompt about fog.", "The first night.")
    assert meta.end_notes == ("Thanks for reading this far.", "Come say hello on the forum.")


def test_ao3_html_scene_breaks(multi: Story) -> None:
    assert "\n\n* * *\n\n" in multi.text  # from <hr/>
    assert "\n\n~ ~ ~\n\n" in multi.text  # a centred paragraph keeps its own symbols
    assert _marked(multi, "scene_break") == ["* * *", "~ ~ ~"]


def test_ao3_html_never_keeps_scripts_styles_comments_or_attributes(multi: Story) -> None:
    for bad in (
        "MUST-NOT-APPEAR",
        "alert",
        "javascript",
        "onclick",
        "document.write",
        "font-family",
        "chapter content",
        "<",
        ">",
    ):
        assert bad not in multi.text
    assert "the gull came back" in multi.text  # the link's text stays


def test_ao3_html_paragraphs_are_single_lines_joined_by_blank_lines(multi: Story) -> None:
    paragraphs = multi.text.split("\n\n")
    assert all(p and p == p.strip() and "\n" not in p and "  " not in p for p in paragraphs)
    assert paragraphs[0] == "Two keepers, one very stubborn lamp."


def test_ao3_html_every_markup_span_is_inside_the_text(multi: Story) -> None:
    for m in multi.markup:
        assert 0 <= m.start < m.end <= len(multi.text)
        assert multi.text[m.start : m.end] == multi.text[m.start : m.end].strip()


def test_ao3_html_single_chapter_work() -> None:
    story = _read("ao3_single.html")
    assert story.text.startswith("A short one.\n\nSecond summary paragraph.\n\nThe oil ran low")
    assert "Ines counted the cans twice and then a third time." in story.text
    assert "“We’ll manage,” said Wren." in story.text
    assert not [m for m in story.markup if m.kind == "chapter"]
    assert story.metadata.authors == ("quillwick", "tern_and_tide")
    assert story.metadata.warnings == ("Creator Chose Not To Use Archive Warnings", "Major Character Death")
    assert story.metadata.summary == "A short one.\n\nSecond summary paragraph."
    assert story.metadata.words == 87
    assert story.text.endswith("said Wren.")  # the afterword's archive message is dropped


def test_ao3_html_structure_stage_makes_sections(multi: Story) -> None:
    story = _read("ao3_multi.html")
    StructureStage()(story)
    kinds = [(s.kind, story.text[s.start : s.end]) for s in story.sections if s.kind != "scene"]
    assert ("summary", "Two keepers, one very stubborn lamp.") in kinds
    assert ("notes", "Written for a prompt about fog.") in kinds
    assert ("end_notes", "Come say hello on the forum.") in kinds
    chapters = [s for s in story.sections if s.kind == "chapter"]
    assert len(chapters) == 2
    assert all(s.title and "Chapter 1: The Lamp Room" in s.title for s in chapters[:1])
    scenes = [s for s in story.sections if s.kind == "scene" and s.parent == chapters[0].id]
    assert len(scenes) == 2  # split at the <hr/>
    assert story.text[scenes[1].start :].startswith("By dawn the fog")


def test_ao3_html_plain_page() -> None:
    story = _read("plain_page.html")
    assert story.metadata.title == "The Ferry Keeper"
    assert story.metadata.authors == ("A. N. Writer",)
    assert story.metadata.language == "en-GB"
    assert _marked(story, "heading") == ["The Ferry Keeper", "Chapter One", "Chapter Two"]
    paragraphs = story.text.split("\n\n")
    assert "The ferry left at six & came back at nine." in paragraphs
    assert ["Some lines of a song:", "row, row", "row again"] == paragraphs[3:6]  # <br> splits
    assert "A quoted sign on the pier." in paragraphs
    assert ["rope", "lantern"] == paragraphs[7:9]
    assert ["Text straight in a div,", "then a paragraph inside it", "and a tail."] == paragraphs[11:14]
    assert _marked(story, "italic") == ["two lines"]
    assert "Across two lines of source." in paragraphs
    assert "comment" not in story.text and "NOSCRIPT" not in story.text and "margin" not in story.text


def test_ao3_html_read_dispatches_by_suffix() -> None:
    story = read(FIXTURES / "ao3_multi.html")
    assert story.metadata.title == "Salt and Signal"


_CP1252_PAGE = "<html><head>{meta}</head><body><p>“Caf\u00e9,” she said \u2014 twice.</p></body></html>"


@pytest.mark.parametrize(
    ("data", "encoding", "fallback"),
    [
        (_CP1252_PAGE.format(meta='<meta charset="windows-1252">').encode("cp1252"), "cp1252", False),
        (
            _CP1252_PAGE.format(
                meta='<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
            ).encode("cp1252"),
            "cp1252",
            False,
        ),
        (_CP1252_PAGE.format(meta="").encode("cp1252"), "cp1252", True),
        (_CP1252_PAGE.format(meta="").encode("utf-8"), "utf-8", False),
        (
            b"\xef\xbb\xbf" + _CP1252_PAGE.format(meta='<meta charset="windows-1252">').encode("utf-8"),
            "utf-8",
            False,
        ),
        (_CP1252_PAGE.format(meta="").encode("utf-16"), "utf-16", False),
    ],
    ids=["meta-charset", "http-equiv-latin1", "undeclared-cp1252", "utf8", "bom-beats-meta", "utf16-bom"],
)
def test_ao3_html_decoding(data: bytes, encoding: str, fallback: bool, tmp_path: Path) -> None:
    story = read_html(data, tmp_path / "page.html")
    assert story.text == "“Café,” she said — twice."
    assert (story.metadata.encoding, story.metadata.encoding_fallback) == (encoding, fallback)


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"", EmptyInputError, "empty"),
        (b"  \n\t ", EmptyInputError, "empty"),
        (
            b"<html><head><title>Only a title</title></head><body>  </body></html>",
            EmptyInputError,
            "no readable text",
        ),
        (
            b"<html><body><script>alert(1)</script><!-- nothing --></body></html>",
            EmptyInputError,
            "no readable text",
        ),
        (b"Just a plain sentence, with no markup at all.\n", MalformedError, "does not look like HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", BinaryInputError, "binary"),
        (bytes(range(1, 32)) * 20, BinaryInputError, "binary"),
    ],
    ids=["empty", "whitespace", "empty-body", "script-only", "not-html", "png", "control-bytes"],
)
def test_ao3_html_bad_input_raises_one_line_error(
    data: bytes, error: type[InputError], words: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.html"
    with pytest.raises(error) as info:
        read_html(data, path)
    assert words in info.value.message
    assert "\n" not in info.value.one_line()
    assert info.value.path == str(path)


def test_ao3_html_deeply_nested_markup_does_not_recurse(tmp_path: Path) -> None:
    data = ("<html><body>" + "<div><em>" * 3000 + "deep" + "</em></div>" * 3000 + "</body></html>").encode()
    story = read_html(data, tmp_path / "deep.html")
    assert story.text == "deep"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048))
def test_ao3_html_random_bytes_raise_only_input_errors(data: bytes) -> None:
    try:
        story = read_html(data, Path("fuzz.html"))
    except InputError:
        return
    for m in story.markup:
        assert 0 <= m.start <= m.end <= len(story.text)


_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<em>",
        "</em>",
        "<i>",
        "</b>",
        "<b>",
        "<br>",
        "<hr>",
        "<h2>",
        "</h2>",
        "<blockquote>",
        "</blockquote>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        '<div id="preface">',
        '<div class="userstuff">',
        "<p>Summary</p>",
        '<h2 class="heading">',
        '<dl class="tags"><dt>Rating:</dt>',
        "<dd>",
        "</dl>",
        "&amp;",
        "&nbsp;",
        "&#x27;",
        "word",
        "  two words ",
        "\n",
        "“",
        "<title/>",
        "<div/>",
    ]
)


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(_PIECES, max_size=60))
def test_ao3_html_random_tag_soup_gives_consistent_markup_or_an_input_error(parts: list[str]) -> None:
    try:
        story = read_html(("<html><body>" + "".join(parts)).encode(), Path("soup.html"))
    except InputError:
        return
    assert "<script" not in story.text
    for m in story.markup:
        assert 0 <= m.start < m.end <= len(story.text)
        if m.kind in ("italic", "bold", "heading", "scene_break"):
            assert "\n\n" not in story.text[m.start : m.end]


def test_ao3_html_reads_the_low_tide_example() -> None:
    path = FIXTURES.parent.parent / "examples" / "low-tide.html"
    story = read_html(path.read_bytes(), path)
    meta = story.metadata
    assert (meta.title, meta.rating, meta.categories) == ("Low Tide", "Teen And Up Audiences", ("F/M",))
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.fandoms == ("Harbour Lights (TV)",)
    assert meta.relationships == ("Nora Vance/Dev Okafor",)
    assert meta.characters == ("Nora Vance", "Dev Okafor", 'Marguerite "Mags" Fell')
    assert "Episode: s01e08 The Long Night" in meta.additional_tags
    assert meta.notes and "Nora Vance/Dev Okafor" in meta.notes[0] and "The Long Night" in meta.notes[0]
    assert meta.end_notes and meta.summary
    assert "Not again. Not tonight." in _marked(story, "italic")
    assert "“Wait,” Dev said, pulling on his coat, “you forgot the keys.”" in story.text
    assert _marked(story, "scene_break") == ["* * *"]
    StructureStage()(story)
    assert len([s for s in story.sections if s.kind == "scene"]) == 2
