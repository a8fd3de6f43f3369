"""Cast lists (``--cast``): YAML list, YAML mapping, PDNC's character_info.csv, and bad files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ficlens.errors import CastError
from ficlens.readers._cast import CastMember, load_cast

WriteFile = Callable[[str, bytes | str], Path]

EXPECTED = [
    CastMember("Nora Vance", ("Nora", "Miss Vance"), "female"),
    CastMember("Dev Okafor", ("Dev",), "male"),
    CastMember("Ash Pell", (), "nonbinary"),
]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "cast.yaml",
            (
                "- name: Nora Vance\n  aliases: [Nora, Miss Vance]\n  gender: female\n"
                "- name: Dev Okafor\n  aliases: Dev\n  gender: M\n"
                "- name: Ash Pell\n  gender: they/them\n"
            ),
        ),
        (
            "cast.yml",
            (
                "Nora Vance:\n  aliases: [Nora, Miss Vance]\n  gender: F\n"
                "Dev Okafor:\n  aliases: [Dev]\n  gender: he/him\n"
                "Ash Pell:\n  gender: nonbinary\n"
            ),
        ),
        (
            "cast.yaml",
            (
                "characters:\n"
                "  - {name: Nora Vance, aliases: [Nora, Miss Vance], gender: woman}\n"
                "  - {name: Dev Okafor, aliases: [Dev], gender: man}\n"
                "  - {name: Ash Pell, aliases: [], gender: nb}\n"
            ),
        ),
    ],
    ids=["yaml-list", "yaml-mapping", "yaml-characters-key"],
)
def test_cast_yaml_forms(write_file: WriteFile, name: str, content: str) -> None:
    assert load_cast(write_file(name, content)) == EXPECTED


def test_cast_yaml_names_only() -> None:
    from ficlens.readers._cast import parse_cast

    assert parse_cast("- Nora\n- Dev\n") == [
        CastMember("Nora", (), "unknown"),
        CastMember("Dev", (), "unknown"),
    ]


def test_cast_pdnc_csv(write_file: WriteFile) -> None:
    path = write_file(
        "character_info.csv",
        "Character ID,Main Name,Aliases,Gender,Category\n"
        "0,Nora Vance,\"{'Nora', 'Miss Vance'}\",F,major\n"
        "1,Dev Okafor,\"{'Dev'}\",M,major\n"
        "2,Ash Pell,{},X,minor\n",
    )
    cast = load_cast(path)
    assert [(m.name, set(m.aliases), m.gender) for m in cast] == [
        ("Nora Vance", {"Nora", "Miss Vance"}, "female"),
        ("Dev Okafor", {"Dev"}, "male"),
        ("Ash Pell", set(), "unknown"),
    ]


def test_cast_aliases_repeat_no_name() -> None:
    from ficlens.readers._cast import parse_cast

    (member,) = parse_cast("- name: Nora\n  aliases: [Nora, Nora Vance, Nora Vance]\n")
    assert member.aliases == ("Nora Vance",)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "cast.yaml",
            "- name: Nora\n  gender: robot\n",
            "gender 'robot'; use female, male, nonbinary or unknown",
        ),
        ("cast.yaml", "- name: Nora\n  aliases: [Nora\n", "is not valid YAML at line 3"),
        ("cast.yaml", "just a sentence", "must be a list"),
        ("cast.yaml", "", "the cast list is empty"),
        ("cast.yaml", "[]\n", "the cast list is empty"),
        ("cast.yaml", "- name: 42\n", "has no name"),
        ("cast.yaml", "- name: Nora\n  aliases: {a: b}\n", "aliases of 'Nora' must be a list"),
        ("cast.yaml", "- name: Nora\n- name: Nora\n", "'Nora' is listed twice"),
        ("cast.csv", "Name,Gender\nNora,F\n", "needs the columns 'Main Name', 'Aliases' and 'Gender'"),
        ("cast.csv", "Main Name,Aliases,Gender\nNora,\"{'Nora'\",F\n", "cannot read the aliases of 'Nora'"),
        ("cast.csv", "Main Name,Aliases,Gender\nNora,{},Q\n", "gender 'Q'"),
        ("cast.yaml", b"\x00\x01binary\x00", "looks like a binary file"),
    ],
    ids=[
        "bad-gender",
        "bad-yaml",
        "scalar",
        "empty",
        "empty-list",
        "no-name",
        "aliases-mapping",
        "duplicate",
        "csv-columns",
        "csv-aliases",
        "csv-gender",
        "binary",
    ],
)
def test_cast_bad_file_is_one_line_cast_error(
    write_file: WriteFile, name: str, content: str | bytes, problem: str
) -> None:
    path = write_file(name, content)
    with pytest.raises(CastError) as info:
        load_cast(path)
    line = info.value.one_line()
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    assert problem in line
    assert line.endswith("[E201]")


def test_cast_missing_file_is_a_cast_error(tmp_path: Path) -> None:
    with pytest.raises(CastError) as info:
        load_cast(tmp_path / "nowhere.yaml")
    assert info.value.one_line() == f"{tmp_path / 'nowhere.yaml'}: no such file [E201]"
