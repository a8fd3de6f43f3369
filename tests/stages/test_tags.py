"""The tags stage: suggestions in AO3's vocabulary, and the comparison with declared tags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

import ficlens
from ficlens.pipeline import Pipeline, stage_by_name
from ficlens.readers import read_text
from ficlens.stages.tags import _EPISODE, _EPISODE_TITLE, Tags, suggest_tags
from ficlens.story import Metadata, Story

STORIES = Path(__file__).parents[1] / "fixtures" / "stories"
BEFORE_TAGS = ("structure", "quotations", "characters", "attribution", "thought", "pov", "network", "relationships")


def values(tags: Tags, field: str) -> list[str]:
    got = getattr(tags, field)
    return [got.value] if field == "rating" else [t.value for t in got]


def test_tags_low_tide(analyzed: Callable[..., Story]) -> None:
    tags = analyzed("low-tide.txt").layer("tags")
    assert values(tags, "rating") == ["General Audiences"]
    assert values(tags, "warnings") == ["No Archive Warnings Apply"]
    assert values(tags, "category") == ["F/M"]
    # full names, as the header declares them, though the story calls her "Nora" ("Mags Fell" is
    # named so once, where a sentence opens)
    assert values(tags, "relationships") == ["Nora Vance/Dev Okafor"]
    assert set(values(tags, "characters")) == {"Nora Vance", "Dev Okafor", "Mags Fell"}
    assert values(tags, "freeform") == ["POV Nora Vance", "Missing Scene", "Episode Tag", "Post-Episode", "One Shot"]
    story = analyzed("low-tide.txt")
    episode = next(t for t in tags.freeform if t.value == "Episode Tag")
    assert story.text[episode.evidence[0].start : episode.evidence[0].end] == "1x08"


def test_tags_low_tide_rating_disagrees_with_the_header(analyzed: Callable[..., Story]) -> None:
    comparison = analyzed("low-tide.txt").layer("tags").comparison
    rating = [(c.value, c.declared, c.suggested, c.agree) for c in comparison if c.field == "rating"]
    assert rating == [("Teen And Up Audiences", True, False, False), ("General Audiences", False, True, False)]
    rel = [c for c in comparison if c.field == "relationships"]
    assert [(c.value, c.agree) for c in rel] == [("Nora Vance/Dev Okafor", True)]
    chars = {c.value: c.agree for c in comparison if c.field == "characters"}
    assert chars == {"Nora Vance": True, "Dev Okafor": True, "Mags Fell": True}


def test_tags_notes_pairing(analyzed: Callable[..., Story]) -> None:
    tags = analyzed("notes-pairing.txt").layer("tags")
    assert values(tags, "category") == ["F/F"]
    assert values(tags, "relationships") == ["Juno Hale/Tamsin Reed", "Juno Hale & Pip Marsh"]
    assert {"Episode Tag", "Post-Episode", "One Shot", "POV Juno Hale"} <= set(values(tags, "freeform"))
    assert tags.comparison == ()  # the work declares no tags


def test_tags_person_tags(analyzed: Callable[..., Story]) -> None:
    assert "First Person POV" in values(analyzed("first-person.txt").layer("tags"), "freeform")
    assert "Second Person POV" in values(analyzed("second-person.txt").layer("tags"), "freeform")


def _tagged(text: str, *, metadata: Metadata | None = None, canon: object = None) -> Story:
    story = read_text(text)
    if metadata is not None:
        story = Story(story.text, metadata=metadata)
    Pipeline([stage_by_name(n) for n in BEFORE_TAGS])(story)
    if canon is not None:
        story.add_layer("canon", canon)
    story.add_layer("tags", suggest_tags(story))
    return story


FILLER = "The boat rocked at its mooring while Lena coiled the rope and Sam watched the sky. " * 30


@pytest.mark.parametrize(
    "extra, rating",
    [
        ("", "General Audiences"),
        ("Lena swore. 'Oh, fuck off,' she said, and laughed.", "Teen And Up Audiences"),
        ("The blast left severed limbs on the deck and blood pooled under the gore.", "Mature"),
        (
            (
                "His cock was hard against her thigh; she came inside a minute, his erection pressed to her, "
                "and he thrust into her again."
            ),
            "Explicit",
        ),
    ],
)
def test_tags_rating_thresholds(extra: str, rating: str) -> None:
    tags = _tagged(FILLER + "\n\n" + extra + "\n").layer("tags")
    assert tags.rating.value == rating
    assert bool(tags.rating.evidence) == (rating != "General Audiences")


def test_tags_canon_compliant_only_with_a_canon_layer_that_says_so() -> None:
    text = FILLER + '\n\n"Tide\'s turning," Lena said.\n\n"I know," Sam said.\n'
    canon = SimpleNamespace(summary=SimpleNamespace(overall=SimpleNamespace(share=0.8)))
    assert "Canon-Compliant" in values(_tagged(text, canon=canon).layer("tags"), "freeform")
    low = SimpleNamespace(summary=SimpleNamespace(overall=SimpleNamespace(share=0.2)))
    assert "Canon-Compliant" not in values(_tagged(text, canon=low).layer("tags"), "freeform")
    assert "Canon-Compliant" not in values(_tagged(text).layer("tags"), "freeform")


def test_tags_comparison_with_declared_metadata() -> None:
    text = (
        "A/N: A missing scene after 2x03.\n\n* * *\n\n"
        + FILLER
        + '\n\n"Lena," Sam said, and kissed her. She kissed him back and held his hand.\n\n"Sam," she said.\n'
    )
    meta = Metadata(
        rating="Mature",
        warnings=("No Archive Warnings Apply",),
        categories=("F/M",),
        relationships=("Lena/Sam",),
        characters=("Lena", "Sam", "Captain Flint"),
        additional_tags=("Missing Scene", "Fluff", "Sam POV"),
    )
    rows = {(c.field, c.value): c for c in _tagged(text, metadata=meta).layer("tags").comparison}
    assert rows[("rating", "Mature")].agree is False
    assert rows[("warnings", "No Archive Warnings Apply")].agree is True
    assert rows[("relationships", "Lena/Sam")].agree is True
    assert rows[("characters", "Lena")].agree is True
    assert rows[("characters", "Captain Flint")].agree is False
    assert rows[("characters", "Captain Flint")].note == "not found in the story"
    assert rows[("freeform", "Missing Scene")].agree is True
    assert rows[("freeform", "Fluff")].agree is None  # ficlens does not suggest such tags
    assert rows[("freeform", "Sam POV")].agree is False  # a POV tag it judges, and does not suggest here


@pytest.mark.parametrize(
    "note, hit",
    [
        ("set after 1x08", "1x08"),
        ("a coda to S01E08", "S01E08"),
        ("post-ep for s3e4", "s3e4"),
        ("for episode 3.04, the long one", "episode 3.04"),
        ('3.04 "The Long Night"', "3.04"),
        ("at 3.04 in the morning", None),
        ("open 24/7", None),
    ],
)
def test_tags_episode_references(note: str, hit: str | None) -> None:
    m = _EPISODE.search(note)
    assert (m.group(0) if m else None) == hit


def test_tags_episode_title() -> None:
    m = _EPISODE_TITLE.search('Set during the episode "The Long Watch", obviously.')
    assert m is not None and m.group("title") == "The Long Watch"
    assert _EPISODE_TITLE.search("I have feelings about that episode and its ending.") is None


def test_tags_ao3_download_declared_vs_suggested() -> None:
    pytest.importorskip("ficlens.readers._ao3_html", reason="the AO3 HTML reader is not in this tree")
    story = ficlens.analyze(STORIES / "after-the-storm.html", cast=STORIES / "tidewater-cast.yaml")
    meta = story.metadata
    assert meta.rating == "Mature" and "Fluff" in meta.additional_tags
    rows = {(c.field, c.value): c for c in story.layer("tags").comparison}
    assert rows[("rating", "Mature")].agree is False
    assert rows[("category", "F/F")].agree is True
    assert rows[("relationships", "Juno Hale/Tamsin Reed")].agree is True
    assert rows[("relationships", "Juno Hale & Pip Marsh")].agree is True
    assert rows[("characters", "Wren Ashby")].agree is False
    assert rows[("characters", "Wren Ashby")].note == "not found in the story"  # in the cast, not the story
    assert rows[("freeform", "Post-Episode")].agree is True
    assert rows[("freeform", "Fluff")].agree is None
    assert rows[("freeform", "Missing Scene")].agree is False  # the notes never call it one


def test_tags_a_narrator_only_the_dialogue_names_is_a_character_and_pov_tag() -> None:
    text = (
        "Part One\n\n"
        "The ferry is late and I am early, which never happens. Odile waits at the rail.\n\n"
        '"You came," she says.\n\n'
        '"I said I would."\n\n'
        'Odile laughs and gives me her scarf. "Put that on, Greta. You look frozen."\n\n'
        "I put it on. The ferry comes in at last, grey and slow.\n"
    )
    tags = ficlens.analyze(text).layer("tags")
    assert "POV Greta" in values(tags, "freeform")
    assert "Greta" in values(tags, "characters")
    reason = next(t.reason for t in tags.characters if t.value == "Greta")
    assert reason == "1 quotation, 1 mention"
