"""The point-of-view stage: person and character, overall and per scene."""

from __future__ import annotations

from collections.abc import Callable

import ficlens
from ficlens.story import Story


def names(story: Story) -> dict[str | None, str | None]:
    out: dict[str | None, str | None] = {c.id: c.name for c in story.characters}
    out[None] = None
    return out


def test_pov_first_person_narrator_is_named_by_the_replies(analyzed: Callable[..., Story]) -> None:
    story = analyzed("first-person.txt")
    pov = story.layer("pov")
    assert pov.person == "first"
    assert names(story)[pov.character] == "Wren Ashby"
    assert all(sc.person == "first" and sc.character == pov.character for sc in pov.scenes)
    assert any("Wren" in story.text[e.start : e.end] for e in pov.evidence)


def test_pov_first_person_without_a_cast(analyzed: Callable[..., Story]) -> None:
    story = analyzed("first-person.txt", cast=False)
    assert story.layer("pov").person == "first"
    assert names(story)[story.layer("pov").character] == "Wren"


def test_pov_second_person(analyzed: Callable[..., Story]) -> None:
    pov = analyzed("second-person.txt").layer("pov")
    assert pov.person == "second"
    assert pov.character is None


def test_pov_third_person_changes_with_the_scene(analyzed: Callable[..., Story]) -> None:
    story = analyzed("third-person.txt")
    pov = story.layer("pov")
    assert pov.person == "third"
    assert [names(story)[sc.character] for sc in pov.scenes] == ["Juno Hale", "Tamsin Reed"]
    assert pov.character is None  # told through two characters in turn
    for sc in pov.scenes:
        assert sc.evidence and 0 < sc.confidence <= 1
        assert all(story.text[e.start : e.end] for e in sc.evidence)


def test_pov_low_tide_is_noras(analyzed: Callable[..., Story]) -> None:
    story = analyzed("low-tide.txt")
    pov = story.layer("pov")
    assert (pov.person, names(story)[pov.character]) == ("third", "Nora")
    assert [names(story)[sc.character] for sc in pov.scenes] == ["Nora", "Nora"]
    assert {s.id for s in story.sections if s.kind == "scene"} == {sc.section for sc in pov.scenes}


def test_pov_a_visitor_who_leaves_the_scene_is_not_whose_mind_it_follows() -> None:
    text = (
        "Ines sat by the stove and listened to the rain.\n\n"
        "Bea came in without knocking. Bea shook out her umbrella. Bea put the kettle on. "
        "She laughed at the state of the kitchen.\n\n"
        '"You look terrible," Bea said.\n\n'
        '"Thank you," said Ines.\n\n'
        "Bea took her coat. She left.\n\n"
        "The door banged. She listened to the rain again. She wondered whether she ought to "
        "have asked her to stay.\n"
    )
    story = ficlens.analyze(text)
    pov = story.layer("pov")
    # Bea is the subject of more sentences, but the narration stays behind when she goes, and
    # the "She" who listens and wonders afterwards is Ines
    assert [names(story)[sc.character] for sc in pov.scenes] == ["Ines"]
    assert all("Bea" not in story.text[e.start : e.end] for e in pov.scenes[0].evidence)


def test_pov_a_stray_you_in_a_few_lines_of_narration_is_no_second_person_story() -> None:
    text = (
        "The market was closing when Tomas reached the fish stalls.\n\n"
        '"Late again," said the woman.\n\n'
        "You could smell the tide from there. He bought what was left.\n"
    )
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters", "attribution", "thought", "pov"])
    assert story.layer("pov").person == "third"
    assert "Reader" not in {c.name for c in story.characters}
