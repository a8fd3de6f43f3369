"""The structure stage: paragraphs, scene breaks, chapters, author's notes, summary, front matter."""

from __future__ import annotations

import pytest

import ficlens
from ficlens.story import Section, Story

BODY = (
    "The ferry was late again, and Nora stood on the quay with her collar turned up against the drizzle.\n\n"
    "Dev came down the steps two at a time, holding a paper bag of chips above his head like a prize.\n\n"
)


def _structure(text: str, *, format: str | None = None) -> Story:
    return ficlens.analyze(text, stages=["structure"], format=format)


def _kinds(story: Story) -> list[tuple[str, str]]:
    """(section kind, first words of the section) for each section, in order."""
    return [(s.kind, " ".join(story.text[s.start : s.end].split()[:3])) for s in story.sections]


def _of_kind(story: Story, kind: str) -> list[Section]:
    return [s for s in story.sections if s.kind == kind]


def _para_texts(story: Story, kind: str = "text") -> list[str]:
    return [story.text[p.start : p.end] for p in story.paragraphs if p.kind == kind]


@pytest.mark.parametrize(
    "note",
    [
        "A/N: This is my first fic for this fandom, be gentle with me.",
        "A/N - I wrote this on the train, so forgive the typos.",
        "Author's Note: Set after the finale. Spoilers ahead!",
        "AN: Thank you to everyone who left kudos on the last one.",
        "(A/N: unbeta'd, all mistakes are mine.)",
        "End Notes: Chapter 3 will have Aunt Cecily in it, I promise.",
    ],
)
def test_structure_authors_note_at_start_and_end(note: str) -> None:
    story = _structure(f"{note}\n\n{BODY}{note}\n")
    kinds = [s.kind for s in story.sections]
    assert kinds[0] == "notes" and kinds[-1] == "end_notes"
    start_note, end_note = _of_kind(story, "notes")[0], _of_kind(story, "end_notes")[0]
    assert story.text[start_note.start : start_note.end] == note
    assert story.text[end_note.start : end_note.end] == note
    # the story's own paragraphs are text, not notes
    assert [t.split()[0] for t in _para_texts(story)] == ["The", "Dev"]
    assert [story.text[p.start : p.end] for p in story.paragraphs if p.kind == "note"] == [note, note]


def test_structure_note_like_paragraph_mid_story_stays_text() -> None:
    middle = "Notes: the tide tables, the radio log and a list of names, all of it in Nora's hand."
    story = _structure(f"{BODY}{middle}\n\n{BODY}")
    assert middle in _para_texts(story)
    assert not _of_kind(story, "notes") and not _of_kind(story, "end_notes")


def test_structure_authors_note_after_a_chapter_heading() -> None:
    story = _structure(f"Chapter 3\n\nA/N: Sorry this one took so long!\n\n{BODY}Chapter 4\n\n{BODY}")
    notes = _of_kind(story, "notes")
    assert [story.text[n.start : n.end] for n in notes] == ["A/N: Sorry this one took so long!"]
    assert [c.title for c in _of_kind(story, "chapter")] == ["Chapter 3", "Chapter 4"]


def test_structure_authors_note_after_the_title_line() -> None:
    story = _structure(f"Low Water\n\nA/N: Set after 2x05. Nora/Dev forever.\n\n{BODY}")
    notes = _of_kind(story, "notes")
    assert [story.text[n.start : n.end] for n in notes] == ["A/N: Set after 2x05. Nora/Dev forever."]
    assert [t.split()[0] for t in _para_texts(story)] == ["Low", "The", "Dev"]
    # an opening line that is a sentence is no title: a note-like paragraph after it is text
    story = _structure(f"The tide was out.\n\nNotes: three names and a date.\n\n{BODY}")
    assert not _of_kind(story, "notes")


@pytest.mark.parametrize(
    "opening",
    [
        "Summary: Nora misses the ferry on purpose. Dev notices.\n\n",
        "Title: Missed Connections\nRating: General Audiences\n\nSummary: Nora misses the ferry on purpose.\n\n",
        "Disclaimer: I own nothing but the ferry.\n\nSummary: Nora misses the ferry on purpose.\n\n",
    ],
    ids=["summary-alone", "summary-after-header", "summary-after-disclaimer"],
)
def test_structure_summary_is_its_own_section(opening: str) -> None:
    story = _structure(opening + BODY)
    (summary,) = _of_kind(story, "summary")
    assert story.text[summary.start : summary.end].startswith("Summary: Nora misses the ferry")
    # the summary is not part of the story's first chapter
    (chapter,) = _of_kind(story, "chapter")
    assert story.text[chapter.start : chapter.end].startswith("The ferry was late")
    assert story.metadata.summary is not None and story.metadata.summary.startswith("Nora misses")


def test_structure_header_block_is_front_matter() -> None:
    story = _structure("Title: Missed Connections\nPairing: Nora/Dev\nRating: T\n\n" + BODY)
    (front,) = _of_kind(story, "front_matter")
    assert story.text[front.start : front.end] == "Title: Missed Connections\nPairing: Nora/Dev\nRating: T"
    assert _para_texts(story)[0].startswith("The ferry")


@pytest.mark.parametrize(
    ("first", "second", "titles"),
    [
        ("Chapter 3", "Chapter 4", ["Chapter 3", "Chapter 4"]),
        ("CHAPTER III.", "CHAPTER IV.", ["CHAPTER III.", "CHAPTER IV."]),
        (
            "Chapter 1: The Quay",
            "Chapter 2: The Chip Shop",
            ["Chapter 1: The Quay", "Chapter 2: The Chip Shop"],
        ),
        ("Prologue", "Chapter One", ["Prologue", "Chapter One"]),
        ("# The Quay", "## The Chip Shop", ["The Quay", "The Chip Shop"]),
    ],
    ids=["arabic", "roman-caps", "titled", "prologue", "markdown-in-text"],
)
def test_structure_chapter_headings(first: str, second: str, titles: list[str]) -> None:
    story = _structure(f"{first}\n\n{BODY}{second}\n\n{BODY}")
    chapters = _of_kind(story, "chapter")
    assert [c.title for c in chapters] == titles
    assert [story.text[c.start : c.end].split("\n")[0] for c in chapters] == [first, second]
    assert [story.text[p.start : p.end] for p in story.paragraphs if p.kind == "heading"] == [first, second]
    # each chapter holds its own two paragraphs
    for c in chapters:
        inside = [p for p in story.paragraphs if p.kind == "text" and c.start <= p.start and p.end <= c.end]
        assert len(inside) == 2


def test_structure_markdown_file_headings_are_chapters() -> None:
    story = _structure(f"# The Quay\n\n{BODY}## The Chip Shop\n\n{BODY}", format="markdown")
    assert [c.title for c in _of_kind(story, "chapter")] == ["The Quay", "The Chip Shop"]
    assert [m.kind for m in story.markup if m.kind == "heading"] == ["heading", "heading"]


@pytest.mark.parametrize(
    "rule",
    ["***", "* * *", "~~~", "---", "o0o", "oOo", "xXx", "~*~", "-o-o-", "#", "                #", "◊◊◊", "§"],
)
def test_structure_scene_break_symbols(rule: str) -> None:
    story = _structure(f"{BODY}{rule}\n\n{BODY}")
    scenes = _of_kind(story, "scene")
    assert len(scenes) == 2
    assert [story.text[p.start : p.end] for p in story.paragraphs if p.kind == "break"] == [rule.strip()]
    (chapter,) = _of_kind(story, "chapter")
    assert all(s.parent == chapter.id for s in scenes)
    # the break line belongs to neither scene
    br = next(p for p in story.paragraphs if p.kind == "break")
    assert scenes[0].end <= br.start and br.end <= scenes[1].start


@pytest.mark.parametrize("blank_lines", [4, 6])
def test_structure_scene_break_by_run_of_blank_lines(blank_lines: int) -> None:
    story = _structure(BODY + "\n" * (blank_lines - 1) + BODY)
    assert len(_of_kind(story, "scene")) == 2


def test_structure_single_blank_lines_make_no_scene_break() -> None:
    story = _structure(BODY + BODY)
    assert len(_of_kind(story, "scene")) == 1
    assert len(_para_texts(story)) == 4


def test_structure_one_paragraph_per_line() -> None:
    lines = [
        (
            "The ferry was late again, and Nora stood on the quay with her collar turned up against the "
            "drizzle that had not stopped since breakfast."
        ),
        (
            "Dev came down the steps two at a time, holding a paper bag of chips above his head like a prize "
            "he had won at the fair, grinning at her."
        ),
        (
            "She took one without asking and burnt her tongue on it, and he laughed at her for a full minute "
            "before he offered her the little wooden fork."
        ),
    ]
    story = _structure("\n".join(lines) + "\n")
    assert _para_texts(story) == lines


def test_structure_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The ferry was late again, and Nora stood on the quay\n"
        "with her collar turned up against the drizzle.\n"
        "\n"
        "Dev came down the steps two at a time, holding a\n"
        "paper bag of chips above his head like a prize.\n"
    )
    story = _structure(wrapped)
    assert _para_texts(story) == [
        "The ferry was late again, and Nora stood on the quay\nwith her collar turned up against the drizzle.",
        "Dev came down the steps two at a time, holding a\npaper bag of chips above his head like a prize.",
    ]


def test_structure_paragraph_spans_are_trimmed_and_ordered() -> None:
    story = _structure("   \n" + BODY.replace("\n\n", "   \r\n\r\n") + "\t\n")
    ends = 0
    for p in story.paragraphs:
        chunk = story.text[p.start : p.end]
        assert chunk == chunk.strip() and chunk
        assert p.start >= ends
        ends = p.end
    assert [p.id for p in story.paragraphs] == list(range(len(story.paragraphs)))


def test_structure_sections_lie_inside_the_text_and_scenes_inside_chapters() -> None:
    story = _structure(f"A/N: hi!\n\nChapter 1\n\n{BODY}***\n\n{BODY}Chapter 2\n\n{BODY}A/N: bye!\n")
    assert _kinds(story) == [
        ("notes", "A/N: hi!"),
        ("chapter", "Chapter 1 The"),
        ("scene", "The ferry was"),
        ("scene", "The ferry was"),
        ("chapter", "Chapter 2 The"),
        ("scene", "The ferry was"),
        ("end_notes", "A/N: bye!"),
    ]
    chapters = {c.id: c for c in _of_kind(story, "chapter")}
    for scene in _of_kind(story, "scene"):
        parent = chapters[scene.parent or ""]
        assert parent.start <= scene.start < scene.end <= parent.end
