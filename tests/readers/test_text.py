"""The plain-text reader: encodings, exact text, quotes kept, the "Key: value" header."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ficlens
from ficlens.errors import BinaryInputError, DecodeError, EmptyInputError, InputError
from ficlens.readers import read, read_text
from ficlens.readers._text import decode

WriteFile = Callable[[str, bytes | str], Path]

STORY = '“You’re soaked,” Dev said.\n\n"It\'s the sea, Dev. It does that."\n'


def test_text_utf8_is_read_exactly(write_file: WriteFile) -> None:
    raw = STORY.encode("utf-8")
    story = read(write_file("story.txt", raw))
    assert story.text == raw.decode("utf-8")
    assert (story.metadata.format, story.metadata.encoding, story.metadata.encoding_fallback) == (
        "text",
        "utf-8",
        False,
    )
    assert story.metadata.source is not None and story.metadata.source.endswith("story.txt")


def test_text_utf8_bom_is_dropped_and_offsets_start_after_it(write_file: WriteFile) -> None:
    raw = b"\xef\xbb\xbf" + STORY.encode("utf-8")
    story = read(write_file("bom.txt", raw))
    assert story.text == STORY
    assert not story.text.startswith("\ufeff")
    assert (story.metadata.encoding, story.metadata.encoding_fallback) == ("utf-8", False)


def test_text_utf16_with_bom_is_decoded(write_file: WriteFile) -> None:
    story = read(write_file("wide.txt", STORY.encode("utf-16")))
    assert story.text == STORY
    assert story.metadata.encoding == "utf-16"


def test_text_cp1252_fallback_is_reported(write_file: WriteFile) -> None:
    raw = "“Café?” asked Nora. ‘Not likely,’ said Dev — twice.\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    story = read(write_file("old.txt", raw))
    assert story.text == raw.decode("cp1252")
    assert story.metadata.encoding == "cp1252"
    assert story.metadata.encoding_fallback is True


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_text_line_endings_are_kept_exactly(write_file: WriteFile, newline: str) -> None:
    raw = STORY.replace("\n", newline).encode("utf-8")
    story = read(write_file("lines.txt", raw))
    assert story.text == raw.decode()
    assert newline in story.text


def test_text_curly_and_straight_quotes_are_kept_as_written() -> None:
    story = read_text(STORY)
    assert story.text == STORY
    for mark in "“”’\"'":
        assert story.text.count(mark) == STORY.count(mark)


HEADER = """\
Title: Slack Water
Author: quillwick
Fandom: Harbour Lights (TV)
Pairing: Nora Vance/Dev Okafor, Mags Fell/Tomas Reyes
Rating: Teen And Up Audiences
Warnings: No Archive Warnings Apply
Characters: Nora Vance, Dev Okafor
Tags: Fluff, Missing Scene
Summary: Nora misses the ferry.
  Dev does not.

The harbour was quiet. Rating: none of this was on the tide tables.
"""


def test_text_header_block_is_declared_metadata() -> None:
    meta = read_text(HEADER).metadata
    assert meta.title == "Slack Water"
    assert meta.authors == ("quillwick",)
    assert meta.fandoms == ("Harbour Lights (TV)",)
    assert meta.relationships == ("Nora Vance/Dev Okafor", "Mags Fell/Tomas Reyes")
    assert meta.rating == "Teen And Up Audiences"
    assert meta.warnings == ("No Archive Warnings Apply",)
    assert meta.characters == ("Nora Vance", "Dev Okafor")
    assert meta.additional_tags == ("Fluff", "Missing Scene")
    assert meta.summary == "Nora misses the ferry. Dev does not."


def test_text_header_is_kept_in_the_text() -> None:
    assert read_text(HEADER).text == HEADER


def test_text_key_value_lines_after_the_story_starts_are_not_metadata() -> None:
    meta = read_text("The harbour was quiet.\n\nRating: none of it mattered.\nTitle: nobody's.\n").metadata
    assert (meta.rating, meta.title) == (None, None)


@pytest.mark.parametrize(
    ("raw", "error", "code"),
    [
        (b"", EmptyInputError, "E102"),
        (b"  \n\n\t\r\n", EmptyInputError, "E102"),
        (b"\xef\xbb\xbf\n", EmptyInputError, "E102"),
        (b"PNG\x00\x01\x02\x03 IHDR" * 20, BinaryInputError, "E104"),
        (bytes(range(1, 32)) * 40, BinaryInputError, "E104"),
        (b"\xff\xfe\x00\xd8", DecodeError, "E105"),
    ],
    ids=["empty", "whitespace", "bom-only", "nul-bytes", "control-bytes", "bad-utf16"],
)
def test_text_bad_input_raises_a_coded_error_naming_the_file(
    write_file: WriteFile, raw: bytes, error: type[InputError], code: str
) -> None:
    path = write_file("bad.txt", raw)
    with pytest.raises(error) as info:
        read(path)
    assert info.value.code == code
    line = info.value.one_line()
    assert "\n" not in line and line.startswith(str(path)) and line.endswith(f"[{code}]")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_text_read_text_refuses_empty_strings(text: str) -> None:
    with pytest.raises(EmptyInputError):
        read_text(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_text_decode_random_bytes_gives_text_or_a_ficlens_error(data: bytes) -> None:
    try:
        text, encoding, fallback = decode(data, None)
    except InputError:
        return
    assert isinstance(text, str)
    assert encoding in {"utf-8", "utf-16", "cp1252", "latin-1"}
    assert fallback == (encoding in {"cp1252", "latin-1"})


@pytest.mark.parametrize(
    ("header", "field", "value"),
    [
        (
            "Title: Slack Water\nSummary:\nNora misses the ferry.\nDev does not.\n",
            "summary",
            "Nora misses the ferry. Dev does not.",
        ),
        (
            "Title: Slack Water\nAdditional Tags:\nFluff, Missing Scene\nRating: G\n",
            "additional_tags",
            ("Fluff", "Missing Scene"),
        ),
        ("Title:   \nRating: G\n", "title", None),
    ],
    ids=["summary-on-next-line", "tags-on-next-line", "empty-value"],
)
def test_text_header_value_on_the_next_line(header: str, field: str, value: object) -> None:
    meta = read_text(header + "\nThe harbour was quiet.\n").metadata
    assert getattr(meta, field) == value
    assert meta.rating in (None, "G")


def test_text_asterisk_emphasis_is_read_as_italics_and_bold(write_file: WriteFile) -> None:
    raw = (
        "Rook sat down beside her.\n\n"
        "*She's scared,* Rook thought. *She'd rather jump than say it.*\n\n"
        "**Note:** the bridge is out. Buy 2 * 3 eggs.\n"
    )
    path = write_file("roof.txt", raw)
    story = read(path)
    assert story.metadata.format == "text"
    assert "*" not in story.text.replace("2 * 3", "")
    italics = [story.text[m.start : m.end] for m in story.markup if m.kind == "italic"]
    assert italics == ["She's scared,", "She'd rather jump than say it."]
    assert [story.text[m.start : m.end] for m in story.markup if m.kind == "bold"] == ["Note:"]
    # the thought stage reads them as the markup they are
    analysed = ficlens.analyze(path)
    thoughts = [analysed.text[t.start : t.end] for t in analysed.layer("thoughts")]
    assert "She'd rather jump than say it." in thoughts


def test_text_underscores_and_a_lone_asterisk_pair_stay_as_written() -> None:
    # a Project Gutenberg text's "_italics_" keep their offsets; one pair alone is no habit
    raw = "It was _very_ cold, she said, and *once* only.\n"
    story = read_text(raw)
    assert story.text == raw
    assert story.markup == ()
