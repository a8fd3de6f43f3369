"""Canon readers: subtitles, transcripts, screenplays, plays and prose, on files we wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.errors import BinaryInputError, CanonError, EmptyInputError, FicLensError, MalformedError
from ficlens.readers.canon import CanonText, read_canon, sniff_canon_format

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "canon"
REUSE = ROOT.parent / "shared" / "data" / "reuse" / "lamb-shakespeare"

ALL_FILES = [
    (EXAMPLES / "low-tide-1x08.srt", "srt"),
    (EXAMPLES / "low-tide-1x08-transcript.txt", "script"),
    (FIXTURES / "low-tide-1x08.vtt", "vtt"),
    (FIXTURES / "long-night-screenplay.txt", "script"),
    (FIXTURES / "lamp-on-the-pier-play.txt", "play"),
    (FIXTURES / "harbour-book.txt", "prose"),
]


def texts(canon: CanonText) -> list[str]:
    return [canon.line_text(line) for line in canon.lines]


def by_text(canon: CanonText, words: str):  # type: ignore[no-untyped-def]
    return next(line for line in canon.lines if canon.line_text(line) == words)


@pytest.mark.parametrize(("path", "fmt"), ALL_FILES, ids=lambda x: getattr(x, "name", x))
def test_canon_readers_sniff_format(path: Path, fmt: str) -> None:
    assert read_canon(path).format == fmt
    assert sniff_canon_format(path.read_text(encoding="utf-8"), path) == fmt


@pytest.mark.parametrize(("path", "fmt"), ALL_FILES, ids=lambda x: getattr(x, "name", x))
def test_canon_readers_offsets_cover_spoken_words(path: Path, fmt: str) -> None:
    canon = read_canon(path)
    assert canon.lines
    for line in canon.lines:
        assert 0 <= line.start < line.end <= len(canon.text)
        assert canon.text[line.start].strip() and canon.text[line.end - 1].strip()
        for a, b in line.skip:
            assert line.start < a < b < line.end
        spoken = canon.line_text(line)
        assert spoken and "<" not in spoken and "[" not in spoken


def test_canon_readers_srt_cues() -> None:
    canon = read_canon(EXAMPLES / "low-tide-1x08.srt")
    assert by_text(canon, "You're soaked.").location == "00:41:03,000"
    assert by_text(canon, "They found the kid. Mags called it in ten minutes back.").location == "00:41:07,250"
    # a cue with two dashed turns is two lines; a tag and a sound description are not spoken
    assert "Is the lad hurt?" in texts(canon) and "Broken arm. He'll mend." in texts(canon)
    assert "Casualty in sight! He's on the ledge!" in texts(canon)
    assert "Previously on Harbour Lights..." in texts(canon)
    assert all(line.speaker is None for line in canon.lines)


def test_canon_readers_vtt_voices_and_times() -> None:
    canon = read_canon(FIXTURES / "low-tide-1x08.vtt")
    soaked = by_text(canon, "You're soaked.")
    assert (soaked.speaker, soaked.location) == ("Dev", "00:41:03.000")
    sea = by_text(canon, "It's the sea, Dev. It does that.")
    assert sea.speaker == "Nora" and sea.skip  # the voice tags inside are skipped
    assert by_text(canon, "I'm the coxswain.").speaker == "NORA"
    assert "Broken arm. He'll mend." in texts(canon)
    assert not any("NOTE" in t or "cue" in t for t in texts(canon))


def test_canon_readers_transcript_speakers_and_scenes() -> None:
    canon = read_canon(EXAMPLES / "low-tide-1x08-transcript.txt")
    soaked = by_text(canon, "You're soaked.")
    assert (soaked.speaker, soaked.location) == ("DEV", "Scene 3: EXT. SLIPWAY - NIGHT")
    radio = by_text(canon, "Calder Lifeboat to Calder Coastguard, rounding the point now, visibility poor, over.")
    assert radio.speaker == "NORA (V.O.)"
    assert by_text(canon, "That's not an answer, Nora.").speaker == "DEV"  # (quietly) skipped
    assert by_text(canon, "Same time tomorrow.").location == "Scene 5: EXT. HARBOUR WALL - DAWN"
    assert not any("Transcript" in t or "HARBOUR LIGHTS" in t or "winched" in t for t in texts(canon))


def test_canon_readers_screenplay_layout() -> None:
    canon = read_canon(FIXTURES / "long-night-screenplay.txt")
    assert texts(canon) == [
        "You're soaked.",
        "It's the sea, Dev. It does that.",
        "You went out past the point in a force eight.",
        "Is that kettle on or are you two just admiring it?",
        "It's on.",
    ]
    assert [line.speaker for line in canon.lines] == ["DEV", "NORA", "DEV (CONT'D)", "MAGS (O.S.)", "NORA"]
    assert canon.lines[0].location == "Scene 12: EXT. SLIPWAY - NIGHT"
    assert canon.lines[3].location == "Scene 13: INT. STATION KITCHEN - LATER"


def test_canon_readers_play_labels_directions_and_acts() -> None:
    canon = read_canon(FIXTURES / "lamp-on-the-pier-play.txt")
    assert [line.speaker for line in canon.lines] == [
        "DEV", "NORA", "DEV", "NORA", "FIRST FISHERMAN", "MAGS", "NORA", "MAGS", "DEV", "NORA",
    ]
    assert canon.lines[0].location == "ACT I, SCENE 1"
    assert canon.lines[5].location == "ACT I, SCENE 2"
    assert canon.lines[-1].location == "ACT II, SCENE 1"
    assert texts(canon)[3] == "There. The wick was drowned. As I am, most evenings."  # [Aside.] skipped
    assert texts(canon)[2] == "I hold it steady every night, and every night you climb as if the ladder owed you money."
    assert texts(canon)[7] == "It never asks. It only sings."  # a known name without its full stop
    joined = " ".join(texts(canon))
    for absent in ("coxswain of the Calder", "Enter", "Exit", "Exeunt", "THE END", "climbs"):
        assert absent not in joined


def test_canon_readers_prose_chapters_and_speakers() -> None:
    canon = read_canon(FIXTURES / "harbour-book.txt")
    speech = [line for line in canon.lines if line.kind == "speech"]
    assert [canon.line_text(line) for line in speech][:2] == ["We go when the coastguard calls,", "and not a minute before."]
    assert speech[0].speaker == "Mags" and speech[0].location == "Chapter 1"
    assert by_text(canon, "It always does.").speaker == "Dev"
    assert by_text(canon, "Is it the Skerry again?").speaker is None  # "she asked"
    assert by_text(canon, "Where else would a fool go in weather like this?").location == "Chapter 2"
    assert any(line.kind == "narration" for line in canon.lines)


def test_canon_readers_from_lines() -> None:
    canon = CanonText.from_lines("table", [("A", "1:1", "First  line."), (None, "1:2", ""), ("B", "1:3", "Second")])
    assert texts(canon) == ["First line.", "Second"]
    assert [line.location for line in canon.lines] == ["1:1", "1:3"]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("empty.srt", b"", EmptyInputError),
        ("blank.vtt", b"   \n\n", EmptyInputError),
        ("nocues.srt", b"1\nhello there\n\n2\nno timings here\n", MalformedError),
        ("badtime.srt", b"1\n00:00:01,000 --> 00:00\nHello.\n", MalformedError),
        ("novtt.vtt", b"00:01.000 --> 00:02.000\nHello.\n", MalformedError),
        ("binary.txt", b"\x00\x01\x02PK\x00\x00junk", BinaryInputError),
        ("onlydirections.srt", b"1\n00:00:01,000 --> 00:00:02,000\n[door slams]\n", CanonError),
    ],
)
def test_canon_readers_errors_name_the_file(tmp_path: Path, name: str, content: bytes, error: type) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_canon(path)
    exc = info.value
    assert isinstance(exc, FicLensError)
    assert exc.path == str(path)
    assert "\n" not in exc.one_line() and str(path) in exc.one_line()


def test_canon_readers_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FicLensError, match="no such file"):
        read_canon(tmp_path / "nope.srt")


@pytest.mark.skipif(not REUSE.is_dir(), reason="../shared/data/reuse is not present")
@pytest.mark.parametrize(
    ("name", "first_speaker", "first_words"),
    [
        ("shakespeare_romeo_and_juliet_pg1513.txt", "CHORUS", "Two households, both alike in dignity"),
        ("shakespeare_hamlet_pg1524.txt", "BARNARDO", "Who’s there?"),
        ("shakespeare_macbeth_pg1533.txt", "FIRST WITCH", "When shall we three meet again?"),
        ("shakespeare_midsummer_nights_dream_pg1514.txt", "THESEUS", "Now, fair Hippolyta"),
        ("shakespeare_tempest_pg1540.txt", "MASTER", "Boatswain!"),
        ("shakespeare_othello_pg1531.txt", "RODERIGO", "Tush, never tell me"),
    ],
)
def test_canon_readers_real_plays(name: str, first_speaker: str, first_words: str) -> None:
    canon = read_canon(REUSE / name)
    assert canon.format == "play"
    assert len(canon.lines) > 400
    first = canon.lines[0]
    assert first.speaker == first_speaker
    assert canon.line_text(first).startswith(first_words)
    assert not any("Gutenberg" in canon.line_text(line) for line in canon.lines)


@pytest.mark.parametrize("suffix", [".srt", ".vtt", ".txt"])
def test_canon_readers_never_crash_on_random_text(tmp_path: Path, suffix: str) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from([
        "1\n", "00:00:01,000 --> 00:00:02,000\n", "00:01.000 --> 00:02.000\n", "WEBVTT\n", "\n", "NORA: ",
        "DEV.\n", "ACT I\n", "SCENE II.\n", "[Exit.]\n", "(beat)\n", "INT. HOUSE - DAY\n", "Chapter 3\n",
        '"Hello," she said.\n', "<i>", "</i>", "- ", "Enter MAGS.\n", "I.\n", "Some words here. ", "’", "\r\n", "\r",
    ])

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(pieces, max_size=40))
    def check(parts: list[str]) -> None:
        path = tmp_path / f"random{suffix}"
        path.write_text("".join(parts), encoding="utf-8")
        try:
            canon = read_canon(path)
        except FicLensError:
            return
        for line in canon.lines:
            assert 0 <= line.start < line.end <= len(canon.text)
            assert canon.line_text(line)

    check()
