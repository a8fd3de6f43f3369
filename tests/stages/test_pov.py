"""The point-of-view stage: person and character, overall and per scene."""

from __future__ import annotations

from collections.abc import Callable

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
