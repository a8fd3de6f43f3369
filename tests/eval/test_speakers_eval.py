"""``ficlens eval speakers``: the annotation loader, the scoring, the command, and a floor on
our held-out stories (tests/fixtures/speakers), which are not in PDNC."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ficlens.cli import app
from ficlens.eval.speakers import evaluate_speakers, load_speakers, score_speakers
from ficlens.story import Attribution, Character, Quote, Story

SPEAKER_SETS = Path(__file__).parents[1] / "fixtures" / "speakers"

CAST = "⟨cast: Kit Marlowe = Kit | Marlowe; Dana Ruiz = Dana | Ruiz; Ollie⟩\n"
STORY = (
    CAST
    + 'Kit came in late. "You\'re late,"⟨Dana Ruiz→Kit Marlowe⟩ said Dana.\n\n'
    + '"I know."⟨Kit Marlowe→Dana Ruiz⟩ Kit said. She hung up her coat. "Where\'s Ollie?"⟨Kit Marlowe→Dana Ruiz+Ollie⟩\n\n'
    + '"Out."⟨Dana Ruiz→Kit Marlowe⟩ Dana read the sign, "No Smoking," aloud. "Well,"⟨?⟩ said a voice, "not yet."⟨?⟩\n'
)


def _write(tmp_path: Path, text: str, name: str = "story.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_speakers_loader_strips_the_cast_line_and_the_markers(tmp_path: Path) -> None:
    story, cast, gold = load_speakers(_write(tmp_path, STORY))
    assert "⟨" not in story.text and "⟩" not in story.text and "cast:" not in story.text
    assert story.text.startswith("Kit came in late.")
    assert [(c.name, c.aliases) for c in cast] == [
        ("Kit Marlowe", ("Kit", "Marlowe")), ("Dana Ruiz", ("Dana", "Ruiz")), ("Ollie", ()),
    ]
    assert [story.text[g.start : g.end] for g in gold] == [
        "You're late,", "I know.", "Where's Ollie?", "Out.", "Well,", "not yet.",
    ]
    assert all(story.text[g.end] == '"' and story.text[g.start - 1] == '"' for g in gold)
    assert [(g.speaker, g.addressees) for g in gold] == [
        ("Dana Ruiz", ("Kit Marlowe",)),
        ("Kit Marlowe", ("Dana Ruiz",)),
        ("Kit Marlowe", ("Dana Ruiz", "Ollie")),
        ("Dana Ruiz", ("Kit Marlowe",)),
        (None, ()),
        (None, ()),
    ]
    assert [g.line for g in gold] == [2, 4, 4, 6, 6, 6]
    assert [g.kind for g in gold] == ["named", "named", "named", "beat", "beat", "beat"]


def test_speakers_loader_reads_british_single_quotes_and_markdown(tmp_path: Path) -> None:
    text = CAST + "*Kit* sat down. 'It's Dana's,'⟨Kit Marlowe→Dana Ruiz⟩ she said. 'Don't.'⟨Kit Marlowe⟩\n"
    story, _, gold = load_speakers(_write(tmp_path, text, "story.md"))
    assert [story.text[g.start : g.end] for g in gold] == ["It's Dana's,", "Don't."]
    assert [g.kind for g in gold] == ["pronoun", "pronoun"]
    assert [story.text[m.start : m.end] for m in story.markup] == ["Kit"]


@pytest.mark.parametrize(
    "body, problem",
    [
        ('"Hi."⟨Kat Marlowe⟩\n', "'Kat Marlowe' in ⟨Kat Marlowe⟩ is not a canonical name"),
        ('"Hi."⟨Kit→Dana Ruiz⟩\n', "'Kit' in ⟨Kit→Dana Ruiz⟩ is not a canonical name"),
        ('"Hi." Kit said.⟨Kit Marlowe⟩\n', "does not follow a closing quotation mark"),
        ('"Hi."⟨Kit Marlowe\n', "never closed on its line"),
        ('"Hi."⟨Kit Marlowe→⟩\n', "malformed marker"),
        ('"Hi."⟨Kit Marlowe⟩⟨Dana Ruiz⟩\n', "does not follow a closing quotation mark"),
        ('Hi."⟨Kit Marlowe⟩\n', "no opening quotation mark"),
        ('"Hi." Kit⟩ said.\n', "⟩ without ⟨"),
    ],
)
def test_speakers_loader_refuses_bad_marks_naming_file_line_and_offset(tmp_path: Path, body: str, problem: str) -> None:
    path = _write(tmp_path, CAST + "Kit sat down.\n\n" + body)
    with pytest.raises(ValueError) as err:
        load_speakers(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line 4, offset ")
    assert problem in message
    offset = int(re.search(r"offset (\d+)", message).group(1))  # type: ignore[union-attr]
    assert path.read_text(encoding="utf-8")[offset] in "⟨⟩"


@pytest.mark.parametrize(
    "first_line",
    ["Kit sat down.\n", "⟨cast: ⟩\n", "⟨cast: Kit; Kit⟩\n", "⟨cast: Kit = ; → = x⟩\n"],
)
def test_speakers_loader_refuses_a_bad_cast_line(tmp_path: Path, first_line: str) -> None:
    path = _write(tmp_path, first_line + '"Hi."⟨Kit⟩\n')
    with pytest.raises(ValueError, match=re.escape(f"{path}: line 1: ")):
        load_speakers(path)


def _hand_made() -> tuple[Story, list[Character]]:
    """A story whose quotations, characters and attributions are set by hand (no model)."""
    text = '"One," said Kit.\n\n"Two," said Dana.\n\n"Three," said Kit.\n'
    story = Story(text)
    chars = [
        Character("c1", "Kit", (), "female", 2),  # Kit Marlowe by name
        Character("c2", "Marlowe", (), "female", 1),  # Kit Marlowe again: split
        Character("c3", "Mr. Dent", (), "male", 1),  # nobody in the cast
    ]
    story.add_layer("characters", chars)
    story.add_layer("quotes", [
        Quote("q1", 1, 5, "speech", 0, "q1", '"'),
        Quote("q2", 19, 23, "speech", 1, "q2", '"'),  # the third quotation is missed
    ])
    story.add_layer("attributions", {
        "q1": Attribution("q1", "c1", ("c3",), "explicit", 0.9),  # speaker right, addressee unmapped
        "q2": Attribution("q2", "c2", ("c1",), "explicit", 0.8),  # speaker wrong, addressee right
    })
    return story, chars


def test_speakers_scoring_on_a_hand_made_story(tmp_path: Path) -> None:
    text = CAST + '"One,"⟨Kit Marlowe→Dana Ruiz⟩ said Kit.\n\n"Two,"⟨Dana Ruiz→Kit Marlowe⟩ said Dana.\n\n'
    text += '"Three,"⟨Kit Marlowe⟩ said Kit.\n'
    loaded, cast, gold = load_speakers(_write(tmp_path, text))
    story, _ = _hand_made()
    assert loaded.text == story.text
    sc = score_speakers("hand", story, cast, gold)
    assert (sc.quotes, sc.found) == (3, 2)
    assert (sc.speaker_correct, sc.speaker_total) == (1, 3)
    assert (sc.addressee_correct, sc.addressee_total) == (1, 2)
    assert (sc.characters, sc.characters_mapped, sc.split) == (3, 2, 1)
    assert (sc.gold_speakers, sc.gold_speakers_found) == (2, 1)
    assert sc.by_kind == {"named": [1, 3]}
    assert len(sc.errors) == 3
    assert "quotation not found" in sc.errors[2]
    assert sc.as_dict()["speaker_accuracy"] == round(1 / 3, 4)


def test_speakers_the_alias_i_marks_the_narrator_ficlens_adds(tmp_path: Path) -> None:
    text = (
        "⟨cast: Sam Oduya = Sam | I; Tobias⟩\n"
        "I had the late shift, and Tobias was waiting by the gate with two cups of tea.\n\n"
        '"You took your time,"⟨Tobias→Sam Oduya⟩ Tobias said.\n\n'
        '"I had to find my ticket,"⟨Sam Oduya→Tobias⟩ I said. "It was in my other coat."⟨Sam Oduya→Tobias⟩\n\n'
        'He laughed at me, and I let him. "Drink your tea,"⟨Tobias→Sam Oduya⟩ Tobias said.\n'
    )
    _, total = evaluate_speakers([_write(tmp_path, text)])
    # ficlens calls the unnamed "I" Narrator; the cast line says the narrator is Sam
    assert (total.speaker_correct, total.speaker_total) == (4, 4)
    assert total.by_kind["pronoun"] == [2, 2]  # "I said" is a pronoun tag, not a name


def test_speakers_end_to_end_on_a_short_story(tmp_path: Path) -> None:
    scores, total = evaluate_speakers([_write(tmp_path, STORY)])
    assert [s.name for s in scores] == ["story.txt"]
    assert total.quotes == 6
    assert total.speaker_total == 4  # the two ⟨?⟩ parts are not scored for the speaker


def test_speakers_cli_prints_a_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["eval", "speakers", str(_write(tmp_path, STORY)), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "TOTAL" in result.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert set(payload) == {"stories", "overall"}
    assert payload["overall"]["quotes"] == 6
    assert {"quote_recall", "speaker_accuracy", "addressee_accuracy", "cast_precision", "split"} <= set(
        payload["overall"]
    )


def test_speakers_cli_bad_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = _write(tmp_path, CAST + '"Hi."⟨Kat⟩\n')
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["eval", "speakers", str(bad), "--json", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {bad}: line 2, offset {len(CAST) + 5}: 'Kat' in ⟨Kat⟩ is not a canonical name from the cast "
        "line (Dana Ruiz, Kit Marlowe, Ollie)"
    ]
    assert not out.exists()


def test_speakers_cli_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "speakers", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"


def test_speakers_cli_training_stories_need_retrain_and_a_real_pdnc_folder(tmp_path: Path) -> None:
    story = SPEAKER_SETS / "dev"
    result = CliRunner().invoke(app, ["eval", "speakers", str(story), "--stories", str(story)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --stories needs --retrain: the shipped models are already trained"
    result = CliRunner().invoke(app, ["eval", "speakers", str(story), "--retrain", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope'}: not a folder; give the PDNC folder that holds data/<Novel>/"


def test_speakers_cli_retrain_never_trains_on_the_stories_it_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    import ficlens.cli.eval_speakers as cli
    from ficlens.stages.attribution import shipped_models

    seen: list[list[Path]] = []

    def fake(root: Path, stories: list[Path]) -> object:
        seen.append(stories)
        return shipped_models()

    monkeypatch.setattr(cli, "_retrained", fake)
    scored = SPEAKER_SETS / "dev" / "cold-coupling.txt"
    result = CliRunner().invoke(
        app, ["eval", "speakers", str(scored), "--retrain", str(SPEAKER_SETS), "--stories", str(SPEAKER_SETS / "dev")]
    )
    assert result.exit_code == 0, result.output
    trained = {p.name for p in seen[0]}
    assert "cold-coupling.txt" not in trained and "night-shift.md" in trained


def test_train_cli_a_missing_story_folder_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "w.json"
    pdnc = tmp_path / "pdnc"
    pdnc.mkdir()
    result = CliRunner().invoke(app, ["train", "attribution", str(pdnc), "-o", str(out), "--stories", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope'}: no such file or folder"
    assert not out.exists()


def test_speakers_fixtures_are_our_stories_of_900_to_3000_words() -> None:
    files = sorted(p for p in SPEAKER_SETS.rglob("*") if p.suffix in (".txt", ".md"))
    assert len([p for p in files if p.parent.name == "dev"]) >= 3
    assert len([p for p in files if p.parent.name == "heldout"]) >= 5
    assert len([p for p in files if p.parent.name.startswith("heldout")]) >= 15
    for path in files:
        story, _, gold = load_speakers(path)
        assert 900 <= len(story.text.split()) <= 3000, path
        assert len(gold) >= 40, path


@pytest.mark.parametrize(
    ("folder", "speaker", "addressee"),
    [
        # read for errors while ficlens was fixed (dev: sessions 11 and 12, heldout: session 11,
        # heldout4 and heldout5: session 13, heldout6 and heldout7: session 14, heldout8:
        # session 15, heldout2: session 16, heldout11: session 18, blind until then; heldout7's
        # errors were printed once by mistake in session 14, after its blind figures were
        # taken). The shipped model trains on these nine sets (heldout2 since session 16,
        # heldout11 since session 18), so these floors guard against
        # regressions on text it has seen; the figures without them are `ficlens eval speakers
        # SET --retrain …` (BENCHMARKS.md)
        ("dev", 0.85, 0.74),
        ("heldout", 0.85, 0.76),
        ("heldout2", 0.74, 0.64),
        ("heldout4", 0.87, 0.72),
        ("heldout5", 0.67, 0.59),
        ("heldout6", 0.76, 0.64),
        ("heldout7", 0.74, 0.64),
        ("heldout8", 0.76, 0.64),
        ("heldout11", 0.68, 0.59),
        # written and committed before ficlens ever ran on them, never read for errors, never
        # trained on; a story can move several points from one retrain to the next (a long
        # untagged run decoded one way or the other): the floors leave that much room
        ("heldout9", 0.79, 0.67),
        ("heldout10", 0.75, 0.64),
    ],
)
def test_speakers_accuracy_on_the_heldout_stories(folder: str, speaker: float, addressee: float) -> None:
    """End to end on stories not in PDNC: stays at or above floors a little under what we
    measure (BENCHMARKS.md, "Stories not in PDNC")."""
    scores, total = evaluate_speakers([SPEAKER_SETS / folder])
    assert len(scores) >= 5
    assert total.quote_recall is not None and total.quote_recall >= 0.97
    assert total.speaker_accuracy is not None and total.speaker_accuracy >= speaker
    assert total.addressee_accuracy is not None and total.addressee_accuracy >= addressee


def test_pdnc_cli_stories_are_for_the_leave_novel_out_models_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "pdnc", str(tmp_path), "--shipped", "--stories", str(SPEAKER_SETS / "dev")]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --stories trains the leave-novel-out models; the shipped ones are already trained"
