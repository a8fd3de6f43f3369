"""Structure: paragraphs, scene breaks, chapters, author's notes, summary and header.

Provides ``paragraphs`` and ``sections``. Reads the reader's ``markup`` when it marks
chapters, notes or a summary (AO3 HTML, EPUB) and falls back on the text's own signals:

* paragraphs are blank-line blocks; a block of long unwrapped lines is one paragraph a line;
* a scene break is a line of symbols (``***``, ``~~~``, ``---``, ``o0o``, a centred ``#``)
  or an unusually long run of blank lines;
* a chapter starts at a short heading line (``Chapter 3``, ``CHAPTER III.``, ``Part Two``,
  ``Prologue``) or a Markdown heading;
* author's notes are ``A/N:``/``Author's Note``/``End Notes:``/``Disclaimer`` paragraphs at the start or end
  of the story (after its title line, if it opens with one) or of a chapter; a leading
  ``Key: value`` block is front matter.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ficlens.story import Paragraph, Section, Story

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BREAK = re.compile(
    r"^(?:[\W_]{1,}|(?:[oO0xX][\W_]*){3,}|(?:[\W_]*[oO0xX]){1,2}[\W_]+[oO0xX]?[\W_]*)$"
)
_CHAPTER = re.compile(
    r"^(?:(?:chapter|chap\.?|part|book|volume|vol\.)\s+(?:[0-9]+|[ivxlcdm]+|[a-z\-]+)\b.{0,70}"
    r"|prologue\b.{0,60}|epilogue\b.{0,60}|interlude\b.{0,60}|[0-9]{1,3}\.?|[IVXLC]{1,7}\.?)$",
    re.I | re.S,
)
_NOTE = re.compile(
    r"^(?:\(?\s*(?:a/n|a\.n\.|an\s*:|author'?s?[’']?s?\s+notes?|authors?\s+notes?|(?:end\s+|chapter\s+)?notes?\s*:|n/a\s*:|"
    r"disclaimer|beta(?:'d|ed)?\s+by|dedicat(?:ed|ion)\b|thanks?\s+(?:to|for)\b|edit\s*:))",
    re.I,
)
_HEADER = re.compile(
    r"^(?:title|author|authors|by|fandom|fandoms|pairings?|relationships?|ships?|rating|rated|warnings?|"
    r"archive warnings?|characters?|categor(?:y|ies)|tags|additional tags|freeform|series|language|"
    r"word count|words|status|spoilers?)\s*:",
    re.I,
)
_SUMMARY = re.compile(r"^summary\s*:", re.I)
#: A Markdown heading left in a plain-text file ("# Chapter One", "## Later").
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(?=\S)(.{1,80})$")


@dataclass(slots=True)
class _Block:
    start: int
    end: int
    gap: int  # blank lines before it
    kind: str = "text"  # text, break, heading, note, header, summary


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, line terminators excluded."""
    out = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        body = m.group(0).rstrip("\r\n")
        out.append((m.start(), m.start() + len(body)))
    return out


def _title_like(s: str) -> bool:
    """A story's opening line that reads as its title: one short line, no speech, no stop."""
    s = s.strip()
    return 0 < len(s) <= 80 and "\n" not in s and s[0] not in "\"'“‘" and s[-1] not in ".,;:!?\"'”’"


def _is_break(s: str) -> bool:
    s = s.strip()
    if not s or len(s) > 40:
        return False
    if re.search(r"[A-Za-z]", re.sub(r"[oOxX]", "", s)):
        return False
    if re.fullmatch(r"[0-9]+\.?", s):
        return False  # a numbered chapter heading, not a break
    return bool(_BREAK.match(s))


def split_blocks(text: str) -> list[_Block]:
    """Paragraph blocks with the number of blank lines before each."""
    lines = _lines(text)
    groups: list[tuple[int, list[tuple[int, int]]]] = []
    gap = 0
    cur: list[tuple[int, int]] = []
    for s, e in lines:
        if text[s:e].strip():
            if not cur:
                groups.append((gap, cur))
            cur.append((s, e))
            gap = 0
        else:
            if cur:
                cur = []
            gap += 1
    blocks: list[_Block] = []
    # A hard-wrapped file (Project Gutenberg, most novels) has almost no long lines; a file
    # with one paragraph a line has many. In the second kind every line is a paragraph.
    lengths_all = [e - s for s, e in lines if e - s > 0]
    hard_wrapped = sum(1 for n in lengths_all if n > 100) <= 0.05 * max(1, len(lengths_all))
    for gap, group in groups:
        lengths = [len(text[s:e].strip()) for s, e in group]
        wrapped = hard_wrapped and len(group) > 1 and max(lengths[:-1]) <= 100
        if len(group) == 1 or wrapped:
            start = 0
            para: list[tuple[int, int]] = []
            for s, e in group:
                line = text[s:e]
                indent = len(line) - len(line.lstrip(" \t"))
                # an indented line inside a wrapped block starts a new paragraph, unless all are indented
                if para and indent >= 2 and not _all_indented(text, group):
                    blocks.append(_trim(text, para[0][0], para[-1][1], gap if start == 0 else 0))
                    start += 1
                    para = []
                para.append((s, e))
            if para:
                blocks.append(_trim(text, para[0][0], para[-1][1], gap if start == 0 else 0))
        else:
            for i, (s, e) in enumerate(group):
                blocks.append(_trim(text, s, e, gap if i == 0 else 0))
    return blocks


def _title(line: str) -> str:
    """A heading line as a chapter title: white space and Markdown ``#`` marks dropped."""
    return line.strip().lstrip("#").strip() or line.strip()


def _all_indented(text: str, group: list[tuple[int, int]]) -> bool:
    return all(text[s:e][:2].strip() == "" for s, e in group[1:])


def _trim(text: str, s: int, e: int, gap: int) -> _Block:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return _Block(s, e, gap)


class StructureStage:
    """Find paragraphs and sections (front matter, summary, notes, chapters, scenes)."""

    name = "structure"
    requires: tuple[str, ...] = ("markup",)
    provides: tuple[str, ...] = ("paragraphs", "sections")

    def __call__(self, story: Story) -> None:
        text = story.text
        blocks = split_blocks(text)
        self._classify(text, blocks, story)
        paragraphs, sections = self._sections(text, blocks, story)
        story.add_layer("paragraphs", paragraphs)
        story.add_layer("sections", sections)

    # -- classification -------------------------------------------------------------------

    def _classify(self, text: str, blocks: list[_Block], story: Story) -> None:
        headings = {(m.start, m.end) for m in story.markup if m.kind == "heading"}
        heading_starts = {m.start for m in story.markup if m.kind in ("heading", "chapter")}
        gaps = sorted(b.gap for b in blocks[1:]) or [1]
        usual_gap = gaps[len(gaps) // 2]
        for i, b in enumerate(blocks):
            s = text[b.start : b.end]
            if _is_break(s):
                b.kind = "break"
            elif (b.start, b.end) in headings or b.start in heading_starts or (
                "\n" not in s and ((len(s) <= 80 and _CHAPTER.match(s.strip())) or _MD_HEADING.match(s))
            ):
                b.kind = "heading"
            elif (_HEADER.match(s) or _SUMMARY.match(s)) and all(x.kind == "header" for x in blocks[:i]):
                b.kind = "summary" if _SUMMARY.match(s) else "header"
            elif _SUMMARY.match(s) and all(x.kind in ("header", "note", "summary") for x in blocks[:i]):
                b.kind = "summary"  # after a disclaimer or an author's note: "Disclaimer: … / Summary: …"
            elif _NOTE.match(s):
                b.kind = "note"
            # a long run of blank lines is a scene break before this block
            if i and b.gap >= max(2, usual_gap + 2) and b.kind == "text":
                b.kind = "text_after_gap"

    # -- sections ---------------------------------------------------------------------------

    def _sections(self, text: str, blocks: list[_Block], story: Story) -> tuple[list[Paragraph], list[Section]]:
        containers = sorted(
            (m for m in story.markup if m.kind in ("summary", "notes", "end_notes")), key=lambda m: m.start
        )
        chapter_marks = sorted((m for m in story.markup if m.kind == "chapter"), key=lambda m: m.start)
        container_starts = [m.start for m in containers]
        chapter_starts = [m.start for m in chapter_marks]

        # the reader's blocks do not overlap, so the one holding ``pos`` is the last to start
        # at or before it (a bisection: a book of hundreds of chapters stays linear)
        def container_of(pos: int) -> str | None:
            k = bisect.bisect_right(container_starts, pos) - 1
            return containers[k].kind if k >= 0 and pos < containers[k].end else None

        def chapter_mark_of(pos: int) -> int | None:
            k = bisect.bisect_right(chapter_starts, pos) - 1
            return k if k >= 0 and pos < chapter_marks[k].end else None

        # Notes only count at the edges of the story or of a chapter.
        body = [i for i, b in enumerate(blocks) if b.kind in ("text", "text_after_gap")]
        first_body = body[0] if body else len(blocks)
        last_body = body[-1] if body else -1
        for i, b in enumerate(blocks):
            if b.kind != "note" or i < first_body or i > last_body:
                continue
            before = blocks[i - 1].kind if i else "heading"
            if i == 1 and _title_like(text[blocks[0].start : blocks[0].end]):
                before = "heading"  # "By the Fire", then "A/N: Set during season two…"
            after = blocks[i + 1].kind if i + 1 < len(blocks) else "heading"
            if before not in ("heading", "note", "break") and after not in ("heading", "note"):
                b.kind = "text"

        sections: list[Section] = []
        paragraphs: list[Paragraph] = []
        state = _Builder(sections, paragraphs)
        i, n = 0, len(blocks)
        while i < n:
            b = blocks[i]
            box = container_of(b.start)
            if box or b.kind in ("note", "header", "summary"):
                run = box or {"header": "front_matter", "summary": "summary"}.get(b.kind, "notes")
                j = i
                while j + 1 < n:
                    nb = blocks[j + 1]
                    if box:
                        ok = container_of(nb.start) == box
                    elif run == "front_matter":
                        ok = nb.kind in ("header", "summary") and not (run == "front_matter" and nb.kind == "summary")
                    elif run == "summary":
                        ok = nb.kind == "header"
                    else:
                        ok = nb.kind == "note" or (i > last_body and nb.kind != "heading")
                    if not ok:
                        break
                    j += 1
                if run == "notes" and not box and i > last_body:
                    run = "end_notes"
                if run == "end_notes":
                    state.close_chapter()
                else:
                    state.close_scene()
                state.container(run, blocks[i : j + 1])
                i = j + 1
                continue
            mark = chapter_mark_of(b.start)
            if mark is not None and mark != state.mark:
                state.close_chapter()
                state.open_chapter(b.start, chapter_marks[mark].label, mark)
            if b.kind == "heading":
                if state.chapter is None or state.has_body() or state.mark is not None and mark is None:
                    state.close_chapter()
                    state.open_chapter(b.start, _title(text[b.start : b.end]), None)
                else:
                    state.extend_title(_title(text[b.start : b.end]))
                state.add(b, "heading")
            elif b.kind == "break":
                if state.chapter is None:
                    state.open_chapter(b.start, None, mark)
                state.close_scene()
                state.add(b, "break")
            else:
                if state.chapter is None:
                    state.open_chapter(b.start, None, mark)
                if b.kind == "text_after_gap":
                    state.close_scene()
                state.add(b, "text")
            i += 1
        state.close_chapter()
        sections.sort(key=lambda s: (s.start, 0 if s.kind == "chapter" else 1))
        return paragraphs, sections


class _Builder:
    """Keeps the open chapter and scene while blocks are walked in order."""

    def __init__(self, sections: list[Section], paragraphs: list[Paragraph]):
        self.sections = sections
        self.paragraphs = paragraphs
        self.chapter: str | None = None
        self.chapter_start = 0
        self.chapter_end = 0
        self.title: str | None = None
        self.mark: int | None = None
        self.chapters = 0
        self.scenes = 0
        self.scene_paras: list[int] = []
        self.counts: dict[str, int] = {}
        self.body = 0

    def has_body(self) -> bool:
        return self.body > 0

    def open_chapter(self, start: int, title: str | None, mark: int | None) -> None:
        self.chapters += 1
        self.scenes = 0
        self.chapter = f"ch{self.chapters}"
        self.chapter_start = self.chapter_end = start
        self.title = title
        self.mark = mark
        self.body = 0

    def extend_title(self, more: str) -> None:
        if self.title and (more == self.title or more in self.title):
            return  # the reader's chapter label already says it
        self.title = f"{self.title}: {more}" if self.title else more

    def add(self, b: _Block, kind: str) -> None:
        assert self.chapter is not None
        if kind == "text":
            self.body += 1
            self.scene_paras.append(len(self.paragraphs))
            section = ""
        else:
            section = self.chapter
        self.paragraphs.append(Paragraph(len(self.paragraphs), b.start, b.end, section, kind))  # type: ignore[arg-type]
        self.chapter_end = b.end

    def close_scene(self) -> None:
        if not self.scene_paras or self.chapter is None:
            return
        self.scenes += 1
        sid = f"{self.chapter}.s{self.scenes}"
        first, last = self.paragraphs[self.scene_paras[0]], self.paragraphs[self.scene_paras[-1]]
        self.sections.append(Section(sid, "scene", first.start, last.end, None, self.chapter))
        for idx in self.scene_paras:
            p = self.paragraphs[idx]
            self.paragraphs[idx] = Paragraph(p.id, p.start, p.end, sid, p.kind)
        self.scene_paras = []

    def close_chapter(self) -> None:
        if self.chapter is None:
            return
        self.close_scene()
        self.sections.append(Section(self.chapter, "chapter", self.chapter_start, self.chapter_end, self.title))
        self.chapter = None
        self.mark = None

    def container(self, kind: str, blocks: list[_Block]) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        n = self.counts[kind]
        base = {"front_matter": "front", "summary": "summary"}.get(kind)
        sid = base if base and n == 1 else f"{base or kind}{n}"
        self.sections.append(Section(sid, kind, blocks[0].start, blocks[-1].end))  # type: ignore[arg-type]
        for b in blocks:
            self.paragraphs.append(Paragraph(len(self.paragraphs), b.start, b.end, sid, "note"))
