"""Scoring against PDNC-format annotation, on a tiny novel of our own in PDNC's layout."""

from __future__ import annotations

from pathlib import Path

from ficlens.eval.pdnc import evaluate_pdnc, load_novel

TEXT = (
    "Nora Vance sat on the harbour wall with Dev Okafor.\n\n"
    '"Give me one," said Nora.\n\n'
    '"No," said Dev.\n'
)


def _write_novel(root: Path) -> Path:
    folder = root / "data" / "Harbour"
    folder.mkdir(parents=True)
    (folder / "novel_text.txt").write_text(TEXT, encoding="utf-8")
    a = TEXT.index("Give me one,")
    b = TEXT.index("No,")
    (folder / "quotation_info.csv").write_text(
        '"quoteID","quoteText","subQuotationList","quoteByteSpans","speaker","addressees","quoteType"\n'
        f'"Q0","Give me one,","[\'Give me one,\']","[[{a}, {a + 12}]]","Nora","[\'Dev Okafor\']","Explicit"\n'
        f'"Q1","No,","[\'No,\']","[[{b}, {b + 3}]]","Dev Okafor","[\'Nora\']","Explicit"\n',
        encoding="utf-8",
    )
    (folder / "character_info.csv").write_text(
        "Character ID,Main Name,Aliases,Gender,Category\n"
        "0,Nora Vance,\"{'Nora Vance', 'Nora'}\",F,major\n"
        "1,Dev Okafor,\"{'Dev Okafor', 'Dev', 'Mr. Okafor'}\",M,major\n",
        encoding="utf-8",
    )
    return folder


def test_gold_speakers_given_by_an_alias_are_read_as_the_character(tmp_path: Path) -> None:
    # PDNC sometimes names the speaker by an alias ("Nora") instead of the main name
    novel = load_novel(_write_novel(tmp_path))
    assert [(q.speaker, q.addressees) for q in novel.quotes] == [
        ("Nora Vance", ("Dev Okafor",)),
        ("Dev Okafor", ("Nora Vance",)),
    ]


def test_quotes_spoken_by_an_alias_are_scored(tmp_path: Path) -> None:
    _write_novel(tmp_path)
    _, total = evaluate_pdnc(tmp_path, with_cast=True)
    assert total.speaker_total == 2
    assert total.speaker_correct == 2
    assert total.addressee_total == 2


def test_end_to_end_a_character_counts_by_its_name_or_most_of_its_aliases(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from ficlens.eval.pdnc import map_characters
    from ficlens.story import Character

    novel = load_novel(_write_novel(tmp_path))
    found = [
        Character("c1", "Nora", ("Nora Vance",), "female", 3),  # by its name
        Character("c2", "Okafor", ("Mr. Okafor",), "male", 2),  # by most (here all) of its aliases
        Character("c3", "Okafor", ("Mr. Okafor", "Captain Okafor"), "male", 2),  # one of two is not most
    ]
    mapping = map_characters(SimpleNamespace(characters=found), novel, with_cast=False)  # type: ignore[arg-type]
    assert mapping == {"c1": "Nora Vance", "c2": "Dev Okafor"}


def test_end_to_end_a_name_one_letter_off_an_alias_is_a_typo_in_the_list(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from ficlens.eval.pdnc import map_characters
    from ficlens.story import Character

    novel = load_novel(_write_novel(tmp_path))
    found = [
        Character("c1", "Dev Okafur", (), "male", 3),  # the list's spelling or ours: one letter
        Character("c2", "Mrs. Okafor", (), "female", 2),  # a title is not a typo
        Character("c3", "Nora Vances", (), "female", 2),  # nor a plural (a family)
        Character("c4", "Dev Okafiro", (), "male", 2),  # two letters off
    ]
    mapping = map_characters(SimpleNamespace(characters=found), novel, with_cast=False)  # type: ignore[arg-type]
    assert mapping == {"c1": "Dev Okafor"}
