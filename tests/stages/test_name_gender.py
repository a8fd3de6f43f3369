"""A character's gender from the usual gender of its given name, when the pronouns leave it
open: the names a reader casting voices would not have to think about ("Doris", "Hana")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ficlens
from ficlens.stages import _name_gender
from ficlens.stages._name_gender import build_table, name_gender


def _genders(text: str) -> dict[str, str]:
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters"])
    return {c.name: c.gender for c in story.characters}


def test_common_names_have_their_usual_gender_and_shared_ones_none() -> None:
    assert name_gender("Doris") == "female"
    assert name_gender("Norman") == "male"
    assert name_gender("HANA") == "female"
    assert name_gender("Inés") == "female"  # accents do not matter
    assert name_gender("Jamie") is None  # borne by both
    assert name_gender("Zzyzx") is None
    assert name_gender("") is None


def test_the_table_keeps_common_names_that_are_clearly_one_genders() -> None:
    data = json.dumps({
        "doris": [31, 546309, 0.989, 3],
        "jamie": [29, 460999, 0.347, 3],  # shared
        "quill": [4, 195, 0.14, 3],  # too rare
        "orrin": [18, 5891, 0.0, [0, 3]],
        "adela maria": [3, 4000, 1.0, 3],  # two names
    })
    assert build_table(data) == {"doris": 0.989, "orrin": 0.0}


def test_the_table_is_built_once_and_kept_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_name_gender, "_cache_dir", lambda: tmp_path / "cache")
    _name_gender._table.cache_clear()
    try:
        assert name_gender("Doris") == "female"
        (cached,) = (tmp_path / "cache").glob("name-gender-*.json")
        assert json.loads(cached.read_text("utf-8"))["doris"] > 0.9
        # the next run reads the cache, not the package
        cached.write_text(json.dumps({"doris": 0.0}), "utf-8")
        _name_gender._table.cache_clear()
        assert name_gender("Doris") == "male"
        assert not list((tmp_path / "cache").glob("*.tmp"))
    finally:
        _name_gender._table.cache_clear()


def test_a_name_with_no_pronouns_after_it_takes_its_usual_gender() -> None:
    text = (
        "Doris came in from the garden with the post. Norman was at the table already.\n\n"
        '"Anything for me?" Norman asked.\n\n'
        '"A bill and a postcard from Whitby," Doris said.\n\n'
        '"Who do we know in Whitby?" asked Norman.\n\n'
        '"Nobody," said Doris. "That is what worries me."\n'
    )
    assert _genders(text) == {"Doris": "female", "Norman": "male"}


def test_a_lone_pronoun_does_not_outweigh_the_name_but_pronouns_that_agree_do() -> None:
    # the one "him" after Tilly's name is Tom's: the name decides. Kane is a surname here,
    # and the story's pronouns make her a woman whatever the name's usual gender.
    text = (
        "Tilly found him in the boathouse. Tom was mending a net.\n\n"
        '"You\'re late," Tilly said.\n\n'
        '"I\'m always late," said Tom.\n\n'
        "Kane arrived at noon, and she brought the boat round herself. Kane tied it up, and she "
        "waved.\n\n"
        '"Lunch?" Kane said.\n'
    )
    genders = _genders(text)
    assert genders["Tilly"] == "female"
    assert genders["Kane"] == "female"
