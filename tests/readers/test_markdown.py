"""The Markdown reader: emphasis becomes markup over a text without the marks."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ficlens.readers import _markdown, read, read_text
from ficlens.story import Story

WriteFile = Callable[[str, bytes | str], Path]


def _marked(story: Story) -> list[tuple[str, str]]:
    return [(m.kind, story.text[m.start : m.end]) for m in story.markup]


@pytest.mark.parametrize(
    ("raw", "text", "marked"),
    [
        ("She was *so* tired.", "She was so tired.", [("italic", "so")]),
        ("She was _so_ tired.", "She was so tired.", [("italic", "so")]),
        ("**Never** again.", "Never again.", [("bold", "Never")]),
        ("A ***very*** long night.", "A very long night.", [("bold", "very"), ("italic", "very")]),
        (
            "*Hush,* she thought. _Not now._",
            "Hush, she thought. Not now.",
            [("italic", "Hush,"), ("italic", "Not now.")],
        ),
        ("_Nora_'s boat", "Nora's boat", [("italic", "Nora")]),
        ("I said \\*not\\* that.", "I said *not* that.", []),
    ],
    ids=["star", "underscore", "bold", "bold-italic", "two", "possessive", "escaped"],
)
def test_markdown_italics_markup_offsets(raw: str, text: str, marked: list[tuple[str, str]]) -> None:
    story = read_text(raw, format="markdown")
    assert story.text == text
    assert _marked(story) == marked


@pytest.mark.parametrize(
    "raw",
    [
        "snake_case_name and 2*3*4",
        "It cost £5 * 2 at the kiosk.",
        "x *y*z",
        "*an italic that never\n\ncloses on its own paragraph*",
    ],
)
def test_markdown_stray_marks_are_kept_as_written(raw: str) -> None:
    story = read_text(raw, format="markdown")
    assert story.text == raw
    assert story.markup == ()


@pytest.mark.parametrize("rule", ["***", "* * *", "___", "---", "- - -", "~~~"])
def test_markdown_break_lines_are_untouched(rule: str) -> None:
    raw = f"The tide went out.\n\n{rule}\n\nThe tide came *back*.\n"
    story = read_text(raw, format="markdown")
    assert f"\n\n{rule}\n\n" in story.text
    assert _marked(story) == [("italic", "back")]


def test_markdown_headings_lose_their_hashes_and_become_markup() -> None:
    story = read_text("# Chapter *One*\n\nBody text.\n\n## Later\n\nMore.\n", format="markdown")
    assert story.text == "Chapter One\n\nBody text.\n\nLater\n\nMore.\n"
    assert _marked(story) == [("heading", "Chapter One"), ("italic", "One"), ("heading", "Later")]


def test_markdown_quotations_index_the_rendered_text() -> None:
    from ficlens import analyze

    story = analyze(
        '"I *hate* the ferry," said Nora.\n', format="markdown", stages=["structure", "quotations"]
    )
    (q,) = story.quotes
    assert story.text[q.start : q.end] == "I hate the ferry,"
    (italic,) = story.markup
    assert q.start < italic.start < italic.end < q.end


def test_markdown_file_by_suffix_with_header(write_file: WriteFile) -> None:
    path = write_file("story.md", "Title: *Slack* Water\nRating: G\n\nThe harbour was *quiet*.\n")
    story = read(path)
    assert story.metadata.format == "markdown"
    assert story.metadata.encoding == "utf-8"
    assert (story.metadata.title, story.metadata.rating) == ("Slack Water", "G")
    assert story.text == "Title: Slack Water\nRating: G\n\nThe harbour was quiet.\n"


def test_markdown_crlf_file_keeps_its_line_endings(write_file: WriteFile) -> None:
    story = read(write_file("story.markdown", b"One *two*\r\n\r\nthree\r\n"))
    assert story.text == "One two\r\n\r\nthree\r\n"
    assert _marked(story) == [("italic", "two")]


# The lazy regexes _emphasis replaces: the specification of which marks pair up.
_BOLD_SPEC = re.compile(r"(?<![\w*])(\*\*|__)(?=\S)((?:(?!\n[ \t]*\n).)+?)(?<=\S)\1(?![\w*])", re.DOTALL)
_ITALIC_SPEC = re.compile(
    r"(?<![\w*\\])(\*|_)(?=[^\s*_])((?:(?!\n[ \t]*\n).)+?)(?<=[^\s\\])\1(?![\w*])", re.DOTALL
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["*", "_", "**", "__", "a", "b", " ", "\n", "\n\n", "\t", "\\", "."]), max_size=20
    )
)
def test_markdown_emphasis_pairs_like_the_lazy_regex(parts: list[str]) -> None:
    raw = "".join(parts)
    for spec, opener, closer in (
        (_BOLD_SPEC, _markdown._BOLD_OPEN, _markdown._BOLD_CLOSE),
        (_ITALIC_SPEC, _markdown._ITALIC_OPEN, _markdown._ITALIC_CLOSE),
    ):
        expected = [(m.start(), m.end(), m.group(2)) for m in spec.finditer(raw)]
        assert _markdown._emphasis(raw, opener, closer) == expected


@pytest.mark.parametrize("unit", ["*a ", "_a ", "**a ", "*a* ", "\\* "])
def test_markdown_long_paragraph_of_stray_marks_is_read(unit: str) -> None:
    # 64,000 marks in one paragraph: pairing is linear, so this reads in well under a second
    raw = unit * 64_000
    story = read_text(raw, format="markdown")
    assert len(story.text) <= len(raw)
