"""Plain text: UTF-8 (with or without BOM), else cp1252/latin-1, reported in the metadata."""

from __future__ import annotations

from pathlib import Path

from ficlens.errors import BinaryInputError, DecodeError, EmptyInputError
from ficlens.readers._header import split_header
from ficlens.story import Markup, Metadata, Story


def decode(data: bytes, path: Path | None) -> tuple[str, str, bool]:
    """Decode bytes as text. Returns (text, encoding, used_fallback).

    UTF-8 first (a BOM is dropped), then cp1252, then latin-1 only if the bytes look like
    text in it. Bytes with NULs or many control characters are refused as binary.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", False
        except UnicodeDecodeError:
            raise DecodeError("has a UTF-16 byte-order mark but is not valid UTF-16", path=path) from None
    if b"\x00" in data[:65536]:
        raise BinaryInputError("looks like a binary file, not text (it contains NUL bytes)", path=path)
    try:
        return data.decode("utf-8-sig"), "utf-8", False
    except UnicodeDecodeError:
        pass
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) > 0.01:
            raise BinaryInputError("looks like a binary file, not text", path=path)
        return text, enc, True
    raise DecodeError("is not UTF-8, cp1252 or latin-1 text; convert it to UTF-8", path=path)  # pragma: no cover


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0x7F <= ord(ch) < 0xA0)
    return bad / len(sample)


def check_text(text: str, path: Path | None) -> None:
    if not text.strip():
        raise EmptyInputError("is empty (nothing but white space)" if text else "is empty", path=path)
    if _control_ratio(text) > 0.01:
        raise BinaryInputError("looks like a binary file, not text", path=path)


def story_from_plain(text: str, *, source: str | None, encoding: str | None, fallback: bool) -> Story:
    """A story of plain text. A text that marks emphasis with asterisks twice or more, as
    writers do in plain text ("*She's scared,* Rook thought"), has them read as italics (and
    "**…**" as bold), the marks left out of the text, as Markdown is read. Underscores stay
    as written: a Project Gutenberg text's "_italics_" keep the offsets of its text."""
    from ficlens.readers._markdown import asterisk_emphasis, render_emphasis

    markup: list[Markup] = []
    if "*" in text and asterisk_emphasis(text[:200_000]) >= 2:
        text, markup = render_emphasis(text)
    header = split_header(text)
    meta = Metadata(source=source, format="text", encoding=encoding, encoding_fallback=fallback, **header)
    return Story(text, metadata=meta, markup=markup)


def read_plain(data: bytes, path: Path) -> Story:
    text, enc, fallback = decode(data, path)
    check_text(text, path)
    return story_from_plain(text, source=str(path), encoding=enc, fallback=fallback)
