"""Readers turn a file (or a string) into a Story: the text, the declared metadata and markup.

``read(path)`` picks the reader by extension and, failing that, by content. Every reader
raises an :class:`~ficlens.errors.InputError` subclass for input it cannot read; none writes
anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ficlens.errors import InputError, NotFoundError, TooLargeError
from ficlens.story import Story

__all__ = ["read", "read_text", "MAX_BYTES", "FORMATS"]

#: Files larger than this are refused (bytes).
MAX_BYTES = 50 * 1024 * 1024

Reader = Callable[[bytes, Path], Story]


def _reader_for(fmt: str) -> Reader:
    if fmt == "text":
        from ficlens.readers._text import read_plain

        return read_plain
    if fmt == "markdown":
        from ficlens.readers._markdown import read_markdown

        return read_markdown
    if fmt == "html":
        from ficlens.readers._ao3_html import read_html

        return read_html
    if fmt == "epub":
        from ficlens.readers._epub import read_epub

        return read_epub
    raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


FORMATS = ("text", "markdown", "html", "epub")
_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",
}


def sniff_format(data: bytes, path: Path) -> str:
    """The format of a file: by its suffix, else by its first bytes."""
    fmt = _BY_SUFFIX.get(path.suffix.lower())
    if fmt:
        return fmt
    if data[:4] == b"PK\x03\x04":
        return "epub"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")):
        return "html"
    return "text"


def load_bytes(path: str | Path, *, max_bytes: int = MAX_BYTES) -> tuple[bytes, Path]:
    """Read a file's bytes with the checks every reader shares (exists, a file, size)."""
    p = Path(path)
    if not p.exists():
        raise NotFoundError("no such file", path=p)
    if p.is_dir():
        raise NotFoundError("is a directory, not a file", path=p)
    size = p.stat().st_size
    if size > max_bytes:
        raise TooLargeError(f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit", path=p)
    try:
        # never more than the limit, even from a pipe or a device that reports no size (/dev/zero)
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise NotFoundError(f"cannot be read ({exc.strerror or exc})", path=p) from None
    if len(data) > max_bytes:
        raise TooLargeError(f"is over the {max_bytes / 2**20:g} MB limit", path=p)
    return data, p


def read(path: str | Path, *, format: str | None = None) -> Story:
    """Read a story file into a Story.

    Args:
        path: a .txt, .md, .html (AO3 download) or .epub file.
        format: force a reader ("text", "markdown", "html", "epub") instead of guessing.
    """
    data, p = load_bytes(path)
    fmt = format or sniff_format(data, p)
    return _reader_for(fmt)(data, p)


def read_text(text: str, *, format: str = "text") -> Story:
    """Make a Story from a string already in memory (plain text or Markdown)."""
    from ficlens.readers._text import check_text

    check_text(text, None)
    if format == "markdown":
        from ficlens.readers._markdown import parse_markdown

        return parse_markdown(text, source=None, encoding=None, fallback=False)
    if format != "text":
        raise InputError(f"read_text takes 'text' or 'markdown', not {format!r}")
    from ficlens.readers._text import story_from_plain

    return story_from_plain(text, source=None, encoding=None, fallback=False)
