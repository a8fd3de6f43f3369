"""The canon stage: verbatim, altered and original; groups, spans, order, spellings, speakers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ficlens
from ficlens.readers.canon import CanonText
from ficlens.stages._align import strict_key
from ficlens.stages.canon import (
    VERBATIM_MIN,
    CanonLayer,
    CanonStage,
    canon_speaker_for,
    map_speaker,
    summarize,
)
from ficlens.story import Character, Story

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "examples" / "low-tide.txt"
SRT = ROOT / "examples" / "low-tide-1x08.srt"
TRANSCRIPT = ROOT / "examples" / "low-tide-1x08-transcript.txt"
STAGES = ["structure", "quotations", "characters"]  # the canon stage is inserted by analyze


def run(source: str | Path, canon: list[str | Path | CanonText], **kw: object) -> Story:
    return ficlens.analyze(source, stages=STAGES, canon=canon, **kw)  # type: ignore[arg-type]


def canon_of(*lines: tuple[str | None, str]) -> CanonText:
    """A canon held in memory: (speaker, words) lines, located as 'line N'."""
    return CanonText.from_lines("canon.txt", [(sp, f"line {k + 1}", w) for k, (sp, w) in enumerate(lines)])


def status_by_text(story: Story) -> dict[str, tuple[str, float]]:
    layer = story.layer("canon")
    return {story.text[q.start : q.end]: (layer.matches[q.id].status, layer.matches[q.id].similarity) for q in story.speech()}


EXPECTED = {
    "You're soaked,": "verbatim",
    "It's the sea, Dev. It does that.": "verbatim",
    "They found the boy,": "altered",
    "You went out past the point in a force eight.": "verbatim",
    "Somebody had to.": "verbatim",
    "Somebody,": "verbatim",
    "is not supposed to be you every single time.": "verbatim",
    "I'm the coxswain,": "verbatim",
    "Same time tomorrow?": "verbatim",
    "Same time tomorrow,": "verbatim",
    "You're a person.": "original",
    "The swell was hiding us.": "original",
    "I know.": "original",
    "Good.": "original",
    "Fine. Far be it from me.": "original",
    "you forgot your gloves.": "original",
}


@pytest.fixture(scope="module")
def with_transcript() -> Story:
    return run(STORY, [TRANSCRIPT])


@pytest.fixture(scope="module")
def with_srt() -> Story:
    return run(STORY, [SRT])


@pytest.mark.parametrize("which", ["with_transcript", "with_srt"])
def test_canon_example_statuses(which: str, request: pytest.FixtureRequest) -> None:
    story: Story = request.getfixturevalue(which)
    got = status_by_text(story)
    for text, status in EXPECTED.items():
        assert got[text][0] == status, text
    mags = next(q for q in story.speech() if story.text[q.start : q.end].startswith("Mags radioed"))
    m = story.layer("canon").matches[mags.id]
    assert m.status == "altered" and 0 < m.coverage < 0.5  # the hospital sentence is the writer's own


def test_canon_example_layer_contract(with_transcript: Story) -> None:
    layer = with_transcript.layer("canon")
    assert isinstance(layer, CanonLayer)
    assert layer.sources == (str(TRANSCRIPT),)
    speech_ids = [q.id for q in with_transcript.speech()]
    assert list(layer.matches) == speech_ids
    canon_text = TRANSCRIPT.read_text(encoding="utf-8")
    for m in layer.matches.values():
        assert 0.0 <= m.similarity <= 1.0 and 0.0 <= m.coverage <= 1.0
        if m.status == "original":
            assert (m.source, m.start, m.end, m.speaker, m.location) == (None, None, None, None, None)
        else:
            assert m.source == str(TRANSCRIPT) and m.start is not None and m.end is not None
            assert 0 <= m.start < m.end <= len(canon_text) and m.location
        if m.status == "verbatim":
            assert m.similarity >= VERBATIM_MIN


def test_canon_example_speakers_map_to_characters(with_transcript: Story) -> None:
    names = {c.id: c.name for c in with_transcript.characters}
    layer = with_transcript.layer("canon")
    seen = {(m.speaker, names.get(m.character or "")) for m in layer.matches.values() if m.speaker}
    assert ("DEV", "Dev Okafor") in seen and ("NORA", "Nora") in seen
    soaked = next(q for q in with_transcript.speech() if with_transcript.text[q.start : q.end] == "You're soaked,")
    char, status, sim = canon_speaker_for(with_transcript, soaked.id)
    assert names[char or ""] == "Dev Okafor" and status == "verbatim" and sim == 1.0


def test_canon_example_locations(with_transcript: Story, with_srt: Story) -> None:
    def where(story: Story, text: str) -> str | None:
        q = next(q for q in story.speech() if story.text[q.start : q.end] == text)
        return story.layer("canon").matches[q.id].location  # type: ignore[no-any-return]

    assert where(with_transcript, "You're soaked,") == "Scene 3: EXT. SLIPWAY - NIGHT"
    assert where(with_srt, "You're soaked,") == "00:41:03,000"
    # a quotation over two subtitle cues ("...to be you" / "every single time.") still aligns
    assert where(with_srt, "is not supposed to be you every single time.") == "00:41:17,400"


def test_canon_summary(with_transcript: Story) -> None:
    s = with_transcript.layer("canon").summary
    assert s.overall.quotes == len(list(with_transcript.speech()))
    assert s.overall.verbatim == sum(1 for v in EXPECTED.values() if v == "verbatim")
    assert 0.15 < s.overall.share < 0.4
    names = {c.id: c.name for c in with_transcript.characters}
    assert {names[c] for c in s.by_character} == {"Dev Okafor", "Nora"}
    assert set(s.by_scene) == {"ch1.s1", "ch1.s2"}
    assert s.by_scene["ch1.s1"].share > s.by_scene["ch1.s2"].share
    assert s.longest_original_run is not None and s.longest_original_run.quotes >= 10
    assert s.longest_canon_run is not None and s.longest_canon_run.quotes >= 4
    assert summarize(with_transcript) == s


def test_canon_json(with_transcript: Story) -> None:
    data = json.loads(with_transcript.to_json())
    first = data["quotes"][0]
    assert first["canon"]["status"] == "verbatim" and first["canon"]["speaker"] == "DEV"
    assert set(first["canon"]) == {
        "status", "source", "start", "end", "speaker", "character", "location", "similarity", "coverage",
    }
    assert data["canon"]["sources"] == [str(TRANSCRIPT)]
    assert data["canon"]["summary"]["overall"]["verbatim"] == sum(v == "verbatim" for v in EXPECTED.values())
    plain = ficlens.analyze(STORY, stages=STAGES).to_dict()
    assert "canon" not in plain and "canon" not in plain["quotes"][0]


def test_canon_multiple_sources() -> None:
    story = run(STORY, [SRT, TRANSCRIPT])
    layer = story.layer("canon")
    assert layer.sources == (str(SRT), str(TRANSCRIPT))
    assert status_by_text(story)["I'm the coxswain,"][0] == "verbatim"


# -- boundaries between verbatim, altered and original --------------------------------------------

LONG = (
    "The tide will turn at four and the boat will have to be back on the slipway before the swell "
    "comes round the point, or we will be fishing the crew out of the harbour with a net and a prayer."
)


def one_quote(text: str, canon: CanonText, **kw: object) -> tuple[str, float, float]:
    story = run(f'Nora looked up.\n\n"{text}"\n\nShe went out.', [canon], **kw)
    q = next(iter(story.speech()))
    m = story.layer("canon").matches[q.id]
    return m.status, m.similarity, m.coverage


@pytest.mark.parametrize(
    ("quote", "status"),
    [
        (LONG, "verbatim"),
        (LONG.replace("a prayer", "a promise"), "verbatim"),  # 1 word in 40: similarity 0.975
        ("The tide will turn at four and the boat will have to be back on the slipway.", "verbatim"),  # an excerpt
        ("The tide will turn at five and the boat will have to be back on the slipway.", "altered"),  # 1 in 16
        ("The tide turns at four and the boat must be back on the slipway before the swell.", "altered"),
        ("Before the swell comes round, the boat has to be back on the slipway, the tide turns at four.", "altered"),
        ("The weather will be fine tomorrow and we can all go fishing in the bay.", "original"),
        ("I will be back before four, I promise.", "original"),
    ],
)
def test_canon_boundaries(quote: str, status: str) -> None:
    got, sim, _cov = one_quote(quote, canon_of(("NORA", LONG)))
    assert got == status, (quote, sim)


def test_canon_boundary_similarity_values() -> None:
    canon = canon_of(("NORA", LONG))
    assert one_quote(LONG, canon)[1] == 1.0
    status, sim, _ = one_quote(LONG.replace("a prayer", "a promise"), canon)
    assert status == "verbatim" and VERBATIM_MIN <= sim < 1.0
    status, sim, _ = one_quote("The tide will turn at five and the boat will have to be back on the slipway.", canon)
    assert status == "altered" and 0.9 < sim < VERBATIM_MIN


def test_canon_function_words_alone_are_not_canon() -> None:
    canon = canon_of(("DEV", "What do you want me to do about it, then?"), ("NORA", "I love you, you fool."))
    assert one_quote("What do you want from me?", canon)[0] == "original"
    assert one_quote("Do I love you? I do not know.", canon)[0] == "original"


# -- groups, spans, order -------------------------------------------------------------------------

SCENES = canon_of(
    ("DEV", "The radar lost you twice between the point and the Skerry rocks."),
    ("NORA", "The swell was hiding us, that is all it was."),
    ("MAGS", "The duty officer wants the report on his desk before the morning briefing."),
    ("TAM", "Somebody left the winch running all night and the battery is flat again."),
    ("NORA", "Then somebody can walk the boat up the slipway on their own two feet."),
)


def test_canon_line_split_by_a_speech_tag() -> None:
    story = run('"The radar lost you twice," Dev said, "between the point and the Skerry rocks."', [SCENES])
    layer = story.layer("canon")
    parts = list(story.speech())
    assert len(parts) == 2 and parts[0].group == parts[1].group
    assert [layer.matches[q.id].status for q in parts] == ["verbatim", "verbatim"]


def test_canon_quotation_over_two_canon_lines() -> None:
    story = run('"The swell was hiding us, that is all it was. The duty officer wants the report on his desk '
                'before the morning briefing," Nora said.', [SCENES])
    q = next(iter(story.speech()))
    m = story.layer("canon").matches[q.id]
    assert m.status == "verbatim" and m.coverage == 1.0
    assert m.speaker in ("NORA", "MAGS")


def test_canon_reordered_scenes() -> None:
    text = (
        '"Somebody left the winch running all night and the battery is flat again," said Tam.\n\n'
        '"The radar lost you twice between the point and the Skerry rocks," said Dev.\n\n'
        '"Then somebody can walk the boat up the slipway on their own two feet," said Nora.\n\n'
        '"The duty officer wants the report on his desk before the morning briefing," said Mags.'
    )
    story = run(text, [SCENES])
    layer = story.layer("canon")
    got = [(layer.matches[q.id].status, layer.matches[q.id].location) for q in story.speech()]
    assert got == [("verbatim", "line 4"), ("verbatim", "line 1"), ("verbatim", "line 5"), ("verbatim", "line 3")]


def test_canon_short_quotations_need_context() -> None:
    canon = canon_of(
        ("DEV", "Good."),
        ("NORA", "The swell was hiding us, that is all it was."),
        ("DEV", "Good."),
        ("NORA", "Somebody left the winch running all night and the battery is flat again."),
    )
    alone = run('"Good," he said.\n\nThe kettle boiled.', [canon])
    assert [m.status for m in alone.layer("canon").matches.values()] == ["original"]
    near = run('"The swell was hiding us, that is all it was," she said.\n\n"Good," he said.', [canon])
    statuses = [near.layer("canon").matches[q.id] for q in near.speech()]
    assert [m.status for m in statuses] == ["verbatim", "verbatim"]
    assert statuses[1].location == "line 3"  # the "Good." after her line, not the one before


# -- spelling, punctuation, verse ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("canon_line", "quote"),
    [
        ("The colour of the harbour is grey, and I realise it is the centre of my life.",
         "The color of the harbor is gray, and I realize it is the center of my life."),
        ("And he sayde vnto them, I wyll onely go wt you into the cytie of Iudea.",
         "And he said unto them, I will only go with you into the city of Judea."),
        ("I don't know—maybe… maybe it's fine, Nora, maybe the lamp will hold.",
         "I don’t know - maybe... maybe it’s fine, Nora, maybe the lamp will hold."),
        ("Somebody ought to mend it,\nand that somebody is always me.\n   Hand me the lantern, Dev,\nand hold the ladder steady.",
         "Somebody ought to mend it, and that somebody is always me. Hand me the lantern, Dev, and hold the ladder steady."),
    ],
    ids=["us-uk", "old-spelling", "quotes-dashes-ellipses", "verse-reflowed"],
)
def test_canon_spelling_and_punctuation_variants(canon_line: str, quote: str) -> None:
    status, sim, _cov = one_quote(quote, canon_of(("NORA", canon_line)))
    assert status == "verbatim", sim


@pytest.mark.parametrize(
    ("a", "b"),
    [("colour", "color"), ("onely", "only"), ("sayde", "said"), ("Iesus", "Jesus"), ("vnto", "unto"),
     ("sonne", "son"), ("honourable", "honorable"), ("lov'd", "loved"), ("harbour", "harbor"), ("grey", "gray"),
     ("generacion", "generation"), ("It’s", "it's")],
)
def test_canon_strict_keys_fold_variants(a: str, b: str) -> None:
    assert strict_key(a) == strict_key(b)


@pytest.mark.parametrize(("a", "b"), [("we'll", "well"), ("here", "her"), ("good", "god"), ("note", "not")])
def test_canon_strict_keys_keep_words_apart(a: str, b: str) -> None:
    assert strict_key(a) != strict_key(b)


def test_canon_archaic_forms_are_altered_not_verbatim() -> None:
    canon = canon_of(("ROMEO", "Thou art more lovely than the summer morning, and thy voice is music to me."))
    status, sim, _ = one_quote("You are more lovely than the summer morning, and your voice is music to me.", canon)
    assert status == "altered" and sim > 0.8


# -- speakers ----------------------------------------------------------------------------------

CAST = (
    Character("c1", "Nora Vance", ("Nora",), "female", 10),
    Character("c2", "Dev Okafor", ("Dev",), "male", 8),
    Character("c3", "Mags", (), "female", 6),
    Character("c4", "Macbeth", (), "male", 5),
    Character("c5", "Lady Macbeth", (), "female", 5),
    Character("c6", "John Smith", (), "male", 2),
    Character("c7", "Anna Smith", (), "female", 2),
)


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("NORA", "c1"), ("Nora", "c1"), ("NORA (V.O.)", "c1"), ("VANCE", "c1"), ("MISS VANCE", "c1"),
        ("DEV (CONT'D)", "c2"), ("DR. OKAFOR", "c2"), ("MAGS (O.S.)", "c3"),
        ("MACBETH", "c4"), ("LADY MACBETH", "c5"),
        ("SMITH", None), ("FIRST FISHERMAN", None), ("", None), (None, None),
    ],
)
def test_canon_map_speaker(speaker: str | None, expected: str | None) -> None:
    assert map_speaker(speaker, CAST) == expected


def test_canon_speaker_for_without_canon() -> None:
    story = ficlens.analyze('"Hello," she said.', stages=STAGES)
    assert canon_speaker_for(story, "q1") == (None, "original", 0.0)


def test_canon_cast_maps_full_names(tmp_path: Path) -> None:
    cast = tmp_path / "cast.yaml"
    cast.write_text("- name: Nora Vance\n  gender: female\n- name: Dev Okafor\n  gender: male\n", encoding="utf-8")
    story = run(STORY, [TRANSCRIPT], cast=cast)
    names = {c.id: c.name for c in story.characters}
    mapped = {names[m.character] for m in story.layer("canon").matches.values() if m.character}
    assert mapped == {"Nora Vance", "Dev Okafor"}


# -- narration ---------------------------------------------------------------------------------


def test_canon_narration_option() -> None:
    from ficlens.pipeline import Pipeline, stage_by_name
    from ficlens.readers import read_text

    text = (
        "She remembered him saying that the radar lost you twice between the point and the Skerry rocks, "
        'and she had not answered.\n\n"Tea?" he asked.'
    )
    stages = [stage_by_name(n) for n in STAGES] + [CanonStage(sources=[SCENES], align_narration=True)]
    story = Pipeline(stages)(read_text(text))
    (n,) = story.layer("canon").narration
    assert story.text[n.start : n.end] == "the radar lost you twice between the point and the Skerry rocks"
    assert n.status == "verbatim" and n.location == "line 1" and n.speaker == "DEV"
    assert run(text, [SCENES]).layer("canon").narration == ()


# -- the command ---------------------------------------------------------------------------------


def test_canon_cli_prints_alignment() -> None:
    from ficlens.cli import app

    result = CliRunner().invoke(app, ["canon", str(STORY), str(TRANSCRIPT)])
    assert result.exit_code == 0, result.output
    assert "verbatim" in result.stderr and "altered" in result.stderr and "longest canon run" in result.stderr


def test_canon_cli_json() -> None:
    from ficlens.cli import app

    result = CliRunner().invoke(app, ["canon", str(STORY), str(SRT), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["sources"] == [str(SRT)]
    assert data["quotes"][0]["canon"]["status"] == "verbatim"
    assert data["summary"]["overall"]["quotes"] == len(data["quotes"])


def test_canon_cli_bad_canon_file_exits_2(tmp_path: Path) -> None:
    from ficlens.cli import app

    bad = tmp_path / "broken.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00\nHello.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["canon", str(STORY), str(bad)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and lines[0].startswith("error:")


def test_canon_short_quotation_inside_a_longer_line() -> None:
    canon = canon_of(
        ("IAGO", "Ha! I like not that."),
        ("OTHELLO", "What dost thou say? I know thou think'st there is some monster in thy thought."),
        ("IAGO", "Cassio, my lord? No, sure, I cannot think it, that he would steal away so guilty-like."),
    )
    text = (
        '"I like not that," muttered Iago.\n\n'
        '"I know," said Othello.\n\n'
        '"Cassio, my lord? No, sure, I cannot think it, that he would steal away so guilty-like," said Iago.'
    )
    story = run(text, [canon])
    got = [story.layer("canon").matches[q.id] for q in story.speech()]
    assert got[0].status == "verbatim" and got[0].location == "line 1"  # words inside a longer line
    assert got[1].status == "original"  # two function words inside a line are not enough
    assert got[2].status == "verbatim"


def test_canon_stage_never_crashes_on_random_stories() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ficlens.pipeline import Pipeline, stage_by_name
    from ficlens.readers import read_text

    stage = CanonStage(sources=[SCENES, TRANSCRIPT])
    words = st.sampled_from(
        ["the", "radar", "lost", "you", "twice", "Somebody", "had", "to", "Good", "swell", "Nora", "said", "Dev",
         "soaked", "You're", "I'm", "coxswain", "sea", "It's", "does", "that", ",", ".", "?", "—", "…"]
    )
    quote = st.lists(words, min_size=1, max_size=14).map(lambda w: '"' + " ".join(w) + '"')
    para = st.lists(st.one_of(quote, words), min_size=1, max_size=8).map(" ".join)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(para, min_size=1, max_size=6))
    def check(paras: list[str]) -> None:
        text = "\n\n".join(paras)
        if not text.strip():
            return
        story = Pipeline([stage_by_name(n, use_ner=False) if n == "characters" else stage_by_name(n)
                          for n in STAGES] + [stage])(read_text(text))
        layer = story.layer("canon")
        assert set(layer.matches) == {q.id for q in story.speech()}
        for m in layer.matches.values():
            assert 0.0 <= m.similarity <= 1.0 and 0.0 <= m.coverage <= 1.0

    check()
