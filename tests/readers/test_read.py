"""``ficlens.read``: choosing the reader, and the checks every reader shares (exists, a file, size)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from ficlens.errors import InputError, NotFoundError, TooLargeError
from ficlens.readers import MAX_BYTES, load_bytes, read, sniff_format

WriteFile = Callable[[str, bytes | str], Path]


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("a.txt", b"<html>", "text"),
        ("a.TXT", b"x", "text"),
        ("a.md", b"x", "markdown"),
        ("a.markdown", b"x", "markdown"),
        ("a.htm", b"x", "html"),
        ("a.xhtml", b"x", "html"),
        ("a.epub", b"x", "epub"),
        ("story", b"PK\x03\x04rest", "epub"),
        ("story", b"\xef\xbb\xbf\n  <!DOCTYPE html><html>", "html"),
        ("story", b"<?xml version='1.0'?><html/>", "html"),
        ("story", b"Once upon a time", "text"),
    ],
)
def test_read_sniff_format_by_suffix_then_content(name: str, head: bytes, fmt: str) -> None:
    assert sniff_format(head, Path(name)) == fmt


def test_read_limit_is_50_mb() -> None:
    assert MAX_BYTES == 50 * 1024 * 1024


def test_read_limit_holds_for_a_pipe_that_reports_no_size(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs os.mkfifo (POSIX)")
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as fh:
            fh.write(b"x" * 4096)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        with pytest.raises(TooLargeError, match=r"is over the .* MB limit"):
            load_bytes(fifo, max_bytes=1024)
    finally:
        writer.join(timeout=10)


def test_read_file_at_the_limit_is_read(write_file: WriteFile) -> None:
    path = write_file("edge.txt", b"x" * 1024)
    assert load_bytes(path, max_bytes=1024)[0] == b"x" * 1024
    with pytest.raises(TooLargeError):
        load_bytes(path, max_bytes=1023)


@pytest.mark.parametrize(
    ("make", "message"), [("missing", "no such file"), ("folder", "is a directory, not a file")]
)
def test_read_not_found(tmp_path: Path, make: str, message: str) -> None:
    path = tmp_path / "chapters"
    if make == "folder":
        path.mkdir()
    with pytest.raises(NotFoundError) as info:
        read(path)
    assert info.value.one_line() == f"{path}: {message} [E101]"


def test_read_unknown_format_is_an_input_error(write_file: WriteFile) -> None:
    with pytest.raises(InputError, match="unknown format 'docx'; use one of text, markdown, html, epub"):
        read(write_file("a.txt", "x"), format="docx")
