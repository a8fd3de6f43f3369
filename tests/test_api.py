"""The public Python API: ``ficlens.analyze``, the Story, its JSON, and the promises around them."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import ficlens
from ficlens.errors import EmptyInputError, FicLensError, NotFoundError, PipelineError
from ficlens.story import Story

WriteFile = Callable[[str, bytes | str], Path]

STORY = (
    "Title: Slack Water\r\n"
    "Pairing: Nora/Dev\r\n\r\n"
    "A/N: for the harbour crew.\r\n\r\n"
    "“You’re late,” said Nora.\r\n\r\n"
    '"The ferry," said Dev, pulling off his gloves, "was late. Not me."\r\n\r\n'
    "* * *\r\n\r\n"
    "Later Nora called the boat “the old girl” and Dev laughed at her.\r\n"
)


def test_api_exported_members() -> None:
    assert sorted(ficlens.__all__) == sorted(
        [
            "analyze",
            "build_pipeline",
            "read",
            "Story",
            "Span",
            "Pipeline",
            "FicLensError",
            "InputError",
            "__version__",
        ]
    )
    for name in ficlens.__all__:
        assert hasattr(ficlens, name), name


def test_api_analyze_a_path_and_the_same_text_agree(low_tide_path: Path) -> None:
    from_path = ficlens.analyze(low_tide_path)
    from_str_path = ficlens.analyze(str(low_tide_path))
    from_text = ficlens.analyze(low_tide_path.read_text(encoding="utf-8"))
    assert isinstance(from_path, Story)
    assert from_path.text == from_str_path.text == from_text.text
    assert from_path.metadata.source == str(low_tide_path)
    assert from_text.metadata.source is None
    assert [(q.start, q.end) for q in from_path.quotes] == [(q.start, q.end) for q in from_text.quotes]
    assert {c.name for c in from_path.characters} == {c.name for c in from_text.characters}


def test_api_analyze_text_keeps_every_character(write_file: WriteFile) -> None:
    story = ficlens.analyze(STORY)
    assert story.text == STORY
    assert ficlens.analyze(write_file("slack.txt", STORY)).text == STORY


def test_api_analyze_default_layers() -> None:
    story = ficlens.analyze(STORY)
    assert list(story.layers) == [
        "metadata",
        "markup",
        "paragraphs",
        "sections",
        "quotes",
        "characters",
        "mentions",
        "attributions",
        "thoughts",
        "pov",
        "network",
        "relationships",
        "tags",
    ]
    assert set(story.timings) == {
        "structure",
        "quotations",
        "characters",
        "attribution",
        "thought",
        "pov",
        "network",
        "relationships",
        "tags",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Nora looked at the sea for a very long time. " * 8 + '"Well," she said.',
        "Dev.",
    ],
    ids=["one-long-line", "one-word"],
)
def test_api_analyze_one_line_strings_are_text(text: str) -> None:
    assert ficlens.analyze(text, stages=["structure", "quotations"]).text == text


def test_api_analyze_a_missing_path_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        ficlens.analyze(tmp_path / "nowhere.txt")
    assert info.value.code == "E101" and info.value.path == str(tmp_path / "nowhere.txt")


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_api_analyze_empty_text_raises(text: str) -> None:
    with pytest.raises(EmptyInputError):
        ficlens.analyze(text)


def test_api_errors_share_one_base() -> None:
    assert issubclass(EmptyInputError, ficlens.InputError)
    assert issubclass(ficlens.InputError, ficlens.FicLensError)
    assert issubclass(PipelineError, FicLensError)


@pytest.mark.parametrize(
    ("stages", "words"),
    [
        (["structure", "sentiment"], "unknown stage 'sentiment'; available: structure, quotations"),
        (["quotations"], "requires paragraphs, which no earlier stage provides"),
        (["structure", "attribution"], "requires quotes, characters"),
    ],
)
def test_api_pipeline_checks_its_stages_before_reading(stages: list[str], words: str) -> None:
    with pytest.raises(PipelineError) as info:
        ficlens.analyze("never read", stages=stages)
    assert words in info.value.message and info.value.code == "E401"


def test_api_to_json_round_trips(low_tide_path: Path) -> None:
    story = ficlens.analyze(low_tide_path)
    data = json.loads(story.to_json())
    assert data == story.to_dict()
    assert data["schema_version"] == "1.2"
    assert data["text"] == low_tide_path.read_text(encoding="utf-8")
    assert set(data) >= {"text", "metadata", "sections", "paragraphs", "characters", "quotes"}
    assert json.loads(story.to_json(indent=None)) == data


def test_api_json_fields_of_characters_and_quotes() -> None:
    data = ficlens.analyze(STORY).to_dict()
    ids = {c["id"] for c in data["characters"]}
    for c in data["characters"]:
        assert set(c) >= {"id", "name", "aliases", "gender", "mention_count", "quote_count"}
        assert c["gender"] in {"female", "male", "nonbinary", "unknown"}
    assert sum(c["quote_count"] for c in data["characters"]) == sum(1 for q in data["quotes"] if q["speaker"])
    for q in data["quotes"]:
        assert set(q) >= {"id", "start", "end", "text", "speaker", "addressees", "kind", "cue", "confidence"}
        assert q["text"] == data["text"][q["start"] : q["end"]]
        assert q["speaker"] is None or q["speaker"] in ids
        assert set(q["addressees"]) <= ids
        assert q["kind"] in {"speech", "nested", "embedded"}
        assert q["cue"] in {"explicit", "anaphoric", "implicit", "none"}
        assert 0.0 <= q["confidence"] <= 1.0
    assert [(q["text"], q["kind"], q["mark"]) for q in data["quotes"]] == [
        ("You’re late,", "speech", "“"),
        ("The ferry,", "speech", '"'),
        ("was late. Not me.", "speech", '"'),
        ("the old girl", "embedded", "“"),
    ]
    # the two parts of the interrupted quotation are one utterance
    assert data["quotes"][1]["group"] == data["quotes"][2]["group"] == data["quotes"][1]["id"]


def _spans(node: Any, where: str = "$") -> Iterator[tuple[str, int, int]]:
    """Every dict in a JSON tree that has integer ``start`` and ``end``."""
    if isinstance(node, dict):
        if isinstance(node.get("start"), int) and isinstance(node.get("end"), int):
            yield where, node["start"], node["end"]
        for key, value in node.items():
            yield from _spans(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _spans(value, f"{where}[{i}]")


@pytest.mark.parametrize("source", ["examples/low-tide.txt", "examples/low-tide.html", "STORY"])
def test_api_every_span_in_every_layer_lies_inside_the_text(repo_root: Path, source: str) -> None:
    story = ficlens.analyze(STORY if source == "STORY" else repo_root / source)
    data = story.to_dict()
    spans = list(_spans(data))
    layers_with_spans = {where.split("[")[0] for where, _, _ in spans}
    assert {"$.sections", "$.paragraphs", "$.mentions", "$.quotes"} <= layers_with_spans
    for where, start, end in spans:
        assert 0 <= start <= end <= len(data["text"]), (
            f"{where}: {start}..{end} outside 0..{len(data['text'])}"
        )


def test_api_analyze_needs_no_network(monkeypatch: pytest.MonkeyPatch, low_tide_path: Path) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("ficlens tried to open a network connection")

    from ficlens.stages import _nlp

    _nlp._load.cache_clear()  # load the spaCy pipeline again, with the network gone
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    story = ficlens.analyze(low_tide_path)
    assert story.quotes and story.characters and story.attributions
    # a name seen only in narration sends the characters stage to the entity recogniser
    doubtful = "The dog went down to see Marrow every day. The town liked Marrow, and the dog.\n"
    ficlens.analyze(doubtful, stages=["structure", "quotations", "characters"])
    assert _nlp._load.cache_info().currsize >= 1, "the entity recogniser was loaded in this test"


def test_api_build_pipeline_is_reusable(low_tide_path: Path) -> None:
    pipeline = ficlens.build_pipeline(stages=["structure", "quotations"])
    assert pipeline.stage_names == ["structure", "quotations"]
    first = pipeline(ficlens.read(low_tide_path))
    stories = list(pipeline.pipe([ficlens.read(low_tide_path)]))
    assert [(q.start, q.end) for q in stories[0].quotes] == [(q.start, q.end) for q in first.quotes]


def test_api_story_layers_are_added_once() -> None:
    story = ficlens.analyze(STORY, stages=["structure"])
    with pytest.raises(ValueError, match="already exists"):
        story.add_layer("paragraphs", [])
    with pytest.raises(KeyError, match="no layer 'quotes'"):
        story.layer("quotes")
    with pytest.raises(AttributeError):
        story.text = "changed"  # type: ignore[misc]
