"""The relationships stage: declared pairings (tags, notes, ship names) and centred pairs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

import ficlens
from ficlens.stages.relationships import parse_pairing, resolve_name, ship_name_parts
from ficlens.story import Character, Story


def names(story: Story, ids: tuple[str, ...]) -> tuple[str, ...]:
    by_id = {c.id: c.name for c in story.characters}
    return tuple(by_id[i] for i in ids)


def test_relationships_declared_in_the_notes(analyzed: Callable[..., Story]) -> None:
    story = analyzed("notes-pairing.txt")
    declared = {d.text: d for d in story.layer("relationships").declared}
    assert set(declared) == {"Juno/Tamsin", "Juno & Pip", "Junsin", "Haleon"}
    assert names(story, declared["Juno/Tamsin"].characters) == ("Juno Hale", "Tamsin Reed")
    assert (declared["Juno/Tamsin"].kind, declared["Juno/Tamsin"].form) == ("romantic", "slash")
    assert (declared["Juno & Pip"].kind, declared["Juno & Pip"].form) == ("platonic", "ampersand")
    ship = declared["Junsin"]
    assert (ship.form, ship.resolved, names(story, ship.characters)) == ("ship_name", True, ("Juno Hale", "Tamsin Reed"))
    assert story.text[ship.span.start : ship.span.end] == "Junsin"  # type: ignore[union-attr]
    unresolved = declared["Haleon"]
    assert (unresolved.resolved, unresolved.characters) == (False, ())
    assert all(d.origin == "notes" for d in declared.values())


def test_relationships_centred_pairs(analyzed: Callable[..., Story]) -> None:
    story = analyzed("notes-pairing.txt")
    pairs = story.layer("relationships").pairs
    first = pairs[0]
    assert (names(story, first.characters), first.kind, first.source) == (("Juno Hale", "Tamsin Reed"), "romantic", "declared")
    assert first.cues >= 2 and first.dialogue >= 1 and 0 < first.score <= 1
    assert any(story.text[e.start : e.end].lower().startswith("kiss") for e in first.evidence)
    platonic = [p for p in pairs if p.kind == "platonic"]
    assert [names(story, p.characters) for p in platonic] == [("Juno Hale", "Pip Marsh")]


def test_relationships_low_tide_header_and_ship_name(analyzed: Callable[..., Story]) -> None:
    story = analyzed("low-tide.txt")
    rels = story.layer("relationships")
    by_text = {d.text: d for d in rels.declared}
    assert by_text["Nora Vance/Dev Okafor"].origin == "metadata"
    assert by_text["Norev"].form == "ship_name"
    assert names(story, by_text["Norev"].characters) == ("Nora", "Dev Okafor")
    assert names(story, rels.pairs[0].characters) == ("Nora", "Dev Okafor")
    assert rels.pairs[0].source == "declared"


def test_relationships_a_header_pairing_stops_at_its_line() -> None:
    text = "Pairing: Ansel Tarrow/Jory Castell\nRating: Teen\n\n" + "The storm had been at the tower since noon.\n"
    declared = ficlens.analyze(text).layer("relationships").declared
    assert {d.names for d in declared} == {("Ansel Tarrow", "Jory Castell")}


def test_relationships_inferred_romance_without_declaration() -> None:
    text = (
        "The lamp room was cold. Ada sat on the step while Cole wound the clock.\n\n"
        '"You missed a bit," Ada said.\n\n"I never miss a bit," Cole said.\n\n'
        "She laughed and he kissed her, and she kissed him back, and her heart raced.\n\n"
        '"Cole," she said. "Stay."\n\n"Always, Ada," he said, and held her hand.\n'
    )
    rels = ficlens.analyze(text).layer("relationships")
    assert rels.declared == ()
    assert len(rels.pairs) == 1
    assert (rels.pairs[0].kind, rels.pairs[0].source) == ("romantic", "inferred")


@pytest.mark.parametrize(
    "word, expected",
    [("Norev", ("nora", "dev")), ("Devora", ("dev", "nora")), ("NoraDev", ("nora", "dev")), ("Junsin", ("juno", "tamsin"))],
)
def test_relationships_ship_name_parts(word: str, expected: tuple[str, str]) -> None:
    names_ = [("nora", "Nora"), ("dev", "Dev"), ("juno", "Juno"), ("tamsin", "Tamsin")]
    got = ship_name_parts(word, names_)
    assert got is not None and got[:2] == expected


def test_relationships_ship_name_needs_both_names() -> None:
    assert ship_name_parts("Thanks", [("nora", "Nora"), ("dev", "Dev")]) is None


def test_relationships_resolve_name_and_parse_pairing() -> None:
    cast = [
        Character("c1", "Nora", ("Nora Vance",), "female", 3),
        Character("c2", "Dev Okafor", ("Dev",), "male", 3),
        Character("c3", "Mags", (), "female", 3),
    ]
    assert resolve_name('Marguerite "Mags" Fell', cast) == "c3"
    assert resolve_name("Nora Vance", cast) == "c1"
    assert resolve_name("Dev", cast) == "c2"
    assert resolve_name("Captain Flint", cast) is None
    assert parse_pairing("Nora Vance/Dev Okafor") == (["Nora Vance", "Dev Okafor"], "slash")
    assert parse_pairing("Nora & Mags") == (["Nora", "Mags"], "ampersand")
    assert parse_pairing("Nora x Dev") == (["Nora", "Dev"], "slash")
    assert parse_pairing("A/N") is None


def test_relationships_thanks_line_is_not_a_pairing() -> None:
    text = "A/N: Thanks to Sam & Alex for the beta.\n\n* * *\n\nIris rowed out. Col waved from the pier.\n"
    rels = ficlens.analyze(text).layer("relationships")
    assert [d.text for d in rels.declared] == []


_TIED = """
import ficlens
text = (
    'Nora met Dev at the pier. "Morning, Dev," said Nora. "Morning, Nora," said Dev.\\n\\n'
    'Nora met Sam at the mill. "Morning, Sam," said Nora. "Morning, Nora," said Sam.\\n'
)
s = ficlens.analyze(text)
names = {c.id: c.name for c in s.characters}
print([(names[a], names[b], p.score) for p in s.layer("relationships").pairs for a, b in [p.characters]])
"""


def test_relationships_with_equal_scores_come_in_the_same_order_every_run() -> None:
    # the pairs are gathered in a set, whose order follows Python's per-process string hashing
    runs = {
        subprocess.run(
            [sys.executable, "-c", _TIED], env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout
        for seed in ("1", "3", "5")
    }
    assert len(runs) == 1
    assert runs.pop().startswith("[('Nora', 'Dev', 0.65), ('Nora', 'Sam', 0.65)")


def test_relationships_no_ship_name_in_the_headers_rating_line() -> None:
    # "Teen" could be Teo + Fen (both aliases here); a rating is no ship
    text = (
        "Title: Harbour\nRating: Teen And Up Audiences\nCharacters: Teodor Brandt, Fenna Brandt\n\n"
        '"Teo," said Fenna. "Teo, the kettle."\n\n'
        '"Fen, I heard you," said Teodor. Teodor went to the kettle. Fenna laughed at him.\n'
    )
    rels = ficlens.analyze(text).layer("relationships")
    assert [d.text for d in rels.declared if d.form == "ship_name"] == []
