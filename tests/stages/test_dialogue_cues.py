"""What attribution reads off the text besides tags: voices learned from tagged lines, kin
descriptions resolved by surname, characters spoken to in a tag."""

from __future__ import annotations

from collections import Counter

import ficlens
from ficlens.readers._cast import CastMember
from ficlens.stages._dialogue import MentionIndex, kin_mentions
from ficlens.stages._voice import Voices, words
from ficlens.stages.attribution import make_context, speaker_candidates, speaker_features


def _counts(line: str) -> Counter[str]:
    return Counter(words(line))


def test_voices_a_catchphrase_sounds_like_the_character_tagged_with_it() -> None:
    lines = [
        ("Upon my word, the rain again. Upon my word, it never stops in this town at all.", "c1"),
        ("Upon my word, the kettle. Upon my word, somebody has let it boil dry again today.", "c1"),
        ("Upon my word, you are late, and upon my word the dinner is quite spoiled by now.", "c1"),
        ("Right, well, I suppose we had better get the boat in before the tide turns on us.", "c2"),
        ("Right, well, the nets can wait until morning, and so can the engine, I suppose.", "c2"),
        ("Right, well, I never said that I would mend the roof this week, did I now, love.", "c2"),
        ("Upon my word, what a day it has been.", None),
        ("Right, well, I suppose it has.", None),
    ]
    voices = Voices([_counts(t) for t, _ in lines], [w for _, w in lines])
    assert voices.score("c1", 6) > voices.score("c2", 6)
    assert voices.score("c2", 7) > voices.score("c1", 7)
    # nobody tagged c3: no profile, no opinion
    assert voices.score("c3", 6) == 0.0


def test_voices_a_tagged_line_is_scored_without_its_own_words() -> None:
    # c1's only tagged line: scored against c1, it leaves c1 with no profile at all
    lines = [
        ("Upon my word, the rain again, it never stops in this town, not for one hour, not ever.", "c1"),
        ("Right, well, I suppose we had better get the boat in before the tide turns on us.", "c2"),
        ("Right, well, the nets can wait until morning, and so can the engine, I suppose.", "c2"),
    ]
    voices = Voices([_counts(t) for t, _ in lines], [w for _, w in lines])
    assert voices.score("c1", 0) == 0.0
    assert voices.score("c2", 0) != 0.0


STORY = (
    "Lucy Honeychurch came in from the garden. Lucy found her mother at the piano, and Mrs. "
    "Honeychurch did not look up. Freddy Honeychurch was asleep on the sofa.\n\n"
    "Then Lucy sat down, and her mother began to play.\n\n"
    "\"Go and wake your brother,\" said her mother.\n"
)
CAST = [
    CastMember("Lucy Honeychurch", ("Lucy", "Miss Honeychurch"), "female"),
    CastMember("Mrs. Honeychurch", (), "female"),
    CastMember("Freddy Honeychurch", ("Freddy",), "male"),
]


def test_kin_mentions_her_mother_is_the_mrs_of_the_owners_family() -> None:
    story = ficlens.analyze(STORY, cast=CAST, stages=["structure", "quotations", "characters"])
    ids = {c.name: c.id for c in story.characters}
    found = {(story.text[m.start : m.end], m.character) for m in kin_mentions(story, MentionIndex(story))}
    assert ("her mother", ids["Mrs. Honeychurch"]) in found
    assert all(who != ids["Lucy Honeychurch"] for _, who in found)


def test_kin_mentions_name_the_speaker_of_a_kin_tag() -> None:
    story = ficlens.analyze(STORY, cast=CAST)
    names = {c.id: c.name for c in story.characters}
    quote = next(iter(story.speech()))
    assert names[story.attributions[quote.id].speaker] == "Mrs. Honeychurch"


def test_kin_mentions_leave_an_ambiguous_family_alone() -> None:
    # two women of the family go by "Mrs. Honeychurch": "her mother" could be either, so it is nobody
    cast = [*CAST, CastMember("Granny", ("Mrs. Honeychurch",), "female")]
    story = ficlens.analyze(STORY, cast=cast, stages=["structure", "quotations", "characters"])
    found = [story.text[m.start : m.end] for m in kin_mentions(story, MentionIndex(story))]
    assert "her mother" not in found


def test_tag_object_marks_the_character_spoken_to() -> None:
    text = (
        "Charlotte Lucas stood by the window. Elizabeth Bennet crossed the room to her.\n\n"
        "\"What does he mean by it?\" said she to Charlotte.\n"
    )
    cast = [
        CastMember("Elizabeth Bennet", ("Elizabeth",), "female"),
        CastMember("Charlotte Lucas", ("Charlotte",), "female"),
    ]
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    ctx = make_context(story)
    turn = ctx.turns[-1]
    cands = speaker_candidates(ctx, turn, [])
    feats, _ = speaker_features(ctx, turn, [], cands)
    ids = {c.name: c.id for c in story.characters}
    assert feats[ids["Charlotte Lucas"]].get("tag_object") == 1
    assert not feats[ids["Elizabeth Bennet"]].get("tag_object")
