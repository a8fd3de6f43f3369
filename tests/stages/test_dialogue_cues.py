"""What attribution reads off the text besides tags: voices learned from tagged lines, kin
descriptions resolved by surname, characters spoken to in a tag, the narration between
turns, and the next turn's speaker as the one spoken to."""

from __future__ import annotations

from collections import Counter
from typing import Any

import ficlens
from ficlens.readers._cast import CastMember
from ficlens.stages._dialogue import (
    MentionIndex,
    addressed_gender,
    kin_mentions,
    rank_address,
    role_mentions,
    subjects,
    vocatives,
)
from ficlens.stages._voice import Voices, words
from ficlens.stages.attribution import addressee_features, make_context, speaker_candidates, speaker_features
from ficlens.story import Quote, Story


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


def test_kin_mentions_a_mother_in_law_is_of_another_family() -> None:
    # Freddy's "mother-in-law" is no Honeychurch, whoever "his mother" would be
    text = STORY.replace("said her mother", "said his mother-in-law")
    story = ficlens.analyze(text, cast=CAST, stages=["structure", "quotations", "characters"])
    found = [story.text[m.start : m.end] for m in kin_mentions(story, MentionIndex(story))]
    assert not any(f.startswith("his mother") for f in found)


def test_vocatives_a_name_that_opens_a_quotation_is_its_subject_unless_a_stop_follows() -> None:
    cast = [CastMember("Dr. Reyes", ("Reyes",), "female"), CastMember("Noor", (), "female")]
    text = (
        '"Dr. Reyes will be pleased," Noor said.\n\n"Reyes, wait!" Noor said.\n\n'
        '"Noor!" said Dr. Reyes. "Go home, Noor."\n'
    )
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    names = {c.id: c.name for c in story.characters}
    index = MentionIndex(story)
    called = [[names[c] for c in vocatives(story.text, q, index)] for q in sorted(story.quotes, key=lambda q: q.start)]
    assert called == [[], ["Dr. Reyes"], ["Noor"], ["Noor"]]


def test_vocatives_a_dash_typed_as_two_hyphens_is_a_stop_either_side_of_the_name() -> None:
    cast = [CastMember("Ellen Marsh", ("Ellen",), "female"), CastMember("Tom Reed", ("Tom",), "male")]
    text = (
        '"Ellen--I must ask you one thing," Tom said.\n\n'
        '"Listen--Tom, you know I can\'t," Ellen said.\n\n'
        '"It was cheerful--Ellen never minded the rain," Tom said.\n'
    )
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    names = {c.id: c.name for c in story.characters}
    index = MentionIndex(story)
    called = [[names[c] for c in vocatives(story.text, q, index)] for q in sorted(story.quotes, key=lambda q: q.start)]
    # spoken to, before a dash and after one; the subject of "never minded" is not
    assert called == [["Ellen Marsh"], ["Tom Reed"], []]


def test_vocatives_a_name_broken_off_by_its_tag_is_the_subject_when_its_verb_follows() -> None:
    cast = [CastMember("Hollis", (), "male"), CastMember("Kessler", (), "male")]
    lines = (
        "{o}Hollis,{c} said Kessler, {o}is the only one of you who ever tells me anything.{c}",
        "{o}Hollis,{c} said Kessler, {o}is that you?{c}",
        "{o}Hollis,{c} said Kessler, {o}come here.{c}",
    )
    for o, c in (("'", "'"), ("“", "”")):
        text = "\n\n".join(line.format(o=o, c=c) for line in lines) + "\n"
        story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
        names = {ch.id: ch.name for ch in story.characters}
        index = MentionIndex(story)
        quotes = sorted(story.quotes, key=lambda q: q.start)
        called = [[names[who] for who in vocatives(story.text, q, index)] for q in quotes]
        # the subject of "is the only one"; then spoken to, in a question and in an order
        assert called == [[], [], ["Hollis"], [], ["Hollis"], []], o


def _context(text: str, cast: list[CastMember] | None = None) -> tuple[Story, Any]:
    """The story read up to its characters, and what attribution reads of it."""
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    return story, make_context(story)


def _said(story: Story) -> list[tuple[str | None, str]]:
    """Each speech quotation's speaker (by name) and cue, in the order of the text."""
    names = {c.id: c.name for c in story.characters}
    out = []
    for q in sorted(story.speech(), key=lambda q: q.start):
        said = story.attributions[q.id]
        out.append((names.get(said.speaker or ""), said.cue))
    return out


def _features_of_turn(text: str, cast: list[CastMember], k: int) -> dict[str, dict[str, float]]:
    """Each candidate's features (by name) for turn ``k``, with no speakers decided before it."""
    story, ctx = _context(text, cast)
    turn = ctx.turns[k]
    cands = speaker_candidates(ctx, turn, [])
    feats, _ = speaker_features(ctx, turn, [], cands)
    names = {c.id: c.name for c in story.characters}
    return {names[c]: f for c, f in feats.items()}


def test_the_narration_of_the_turns_either_side_marks_who_acts_and_who_is_spoken_to() -> None:
    # Elizabeth turns to Jane with a question: the answer is likely Jane's; Lydia acts before
    # the next line, which is likely Lydia's, and so this one, in an exchange, likely not
    text = (
        "Elizabeth, Jane and Lydia sat in the parlour after dinner.\n\n"
        'Elizabeth turned to Jane. "Did you sleep at all last night?" she said to Jane.\n\n'
        '"Not a wink."\n\n'
        'Lydia yawned and stretched. "Nor did I, and nobody asks me."\n'
    )
    cast = [
        CastMember("Elizabeth Bennet", ("Elizabeth",), "female"),
        CastMember("Jane Bennet", ("Jane",), "female"),
        CastMember("Lydia Bennet", ("Lydia",), "female"),
    ]
    feats = _features_of_turn(text, cast, 1)
    assert feats["Jane Bennet"].get("prev_para_mention") == 1
    assert feats["Jane Bennet"].get("prev_tag_object") == 1
    assert feats["Elizabeth Bennet"].get("prev_beat_subject") == 1
    assert feats["Lydia Bennet"].get("next_beat_subject") == 1
    assert "prev_beat_subject" not in feats["Jane Bennet"] and "next_beat_subject" not in feats["Jane Bennet"]
    # the first turn has no turn before it in the conversation
    first = _features_of_turn(text, cast, 0)
    assert not any("prev_para_mention" in f or "prev_beat_subject" in f for f in first.values())


def test_the_third_voice_of_a_conversation_is_marked_among_its_speakers() -> None:
    # Nora, Dev and Mags have spoken, in that order; in the fourth turn Nora is the one who
    # spoke third-to-last, and everyone who has spoken is marked as a speaker of the scene
    text = (
        "Nora Vance, Dev Okafor and Mags Byrne waited on the pier. Teo Marsh was asleep in the van.\n\n"
        '"The ferry is late," said Nora.\n\n'
        '"It always is," said Dev.\n\n'
        '"Not on a Sunday," said Mags.\n\n'
        '"Then what happened to it?"\n'
    )
    cast = [*NORA_AND_DEV, CastMember("Mags Byrne", ("Mags",), "female"), CastMember("Teo Marsh", ("Teo",), "male")]
    story, ctx = _context(text, cast)
    ids = {c.name: c.id for c in story.characters}
    history = [(ids["Nora Vance"], ()), (ids["Dev Okafor"], ()), (ids["Mags Byrne"], ())]
    turn = ctx.turns[3]
    cands = speaker_candidates(ctx, turn, history)
    assert ids["Teo Marsh"] in cands
    feats, _ = speaker_features(ctx, turn, history, cands)
    by_name = {c.name: feats[c.id] for c in story.characters if c.id in feats}
    assert by_name["Nora Vance"].get("recent_speaker_rank2") == 1
    assert not by_name["Dev Okafor"].get("recent_speaker_rank2")  # Dev is the one before last
    assert all(by_name[n].get("recent_speaker_any") == 1 for n in ("Nora Vance", "Dev Okafor", "Mags Byrne"))
    assert not by_name["Teo Marsh"].get("recent_speaker_any")


def test_tag_object_marks_the_character_spoken_to() -> None:
    text = (
        "Charlotte Lucas stood by the window. Elizabeth Bennet crossed the room to her.\n\n"
        "\"What does he mean by it?\" said she to Charlotte.\n"
    )
    cast = [
        CastMember("Elizabeth Bennet", ("Elizabeth",), "female"),
        CastMember("Charlotte Lucas", ("Charlotte",), "female"),
    ]
    feats = _features_of_turn(text, cast, -1)
    assert feats["Charlotte Lucas"].get("tag_object") == 1
    assert not feats["Elizabeth Bennet"].get("tag_object")


NORA_AND_DEV = [CastMember("Nora Vance", ("Nora",), "female"), CastMember("Dev Okafor", ("Dev",), "male")]


def test_the_scene_marks_who_is_there_apart_from_who_is_only_spoken_of() -> None:
    # Nora acts in the narration; Dev is only named mid-sentence; Mags, spoken to in the next
    # turn and so a candidate, has so far only been talked about
    text = (
        "Nora came down to the harbour at dusk. The wind had dropped, and Nora sat beside Dev on the wall.\n\n"
        '"Mags said she would bring the van round by six."\n\n'
        '"Mags says a lot of things."\n\n'
        '"Mags, is that you?"\n'
    )
    cast = [*NORA_AND_DEV, CastMember("Mags Doyle", ("Mags",), "female")]
    feats = _features_of_turn(text, cast, 1)
    nora, dev, mags = feats["Nora Vance"], feats["Dev Okafor"], feats["Mags Doyle"]
    assert nora["scene_subject"] == 1 and nora["scene_narration"] == 1
    assert "scene_subject" not in dev and 0 < dev["scene_narration"] < 1
    assert mags.get("scene_quoted_only") == 1
    assert "scene_narration" not in mags and "scene_subject" not in mags
    assert "scene_quoted_only" not in nora and "scene_quoted_only" not in dev


def test_a_pronoun_tag_anchors_the_turn_taking_of_a_man_and_a_woman() -> None:
    # turn 2 is his ("he said"): turn 0, two turns before, is likely his too; turn 1 likely hers
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"The ferry is late."\n\n'
        '"It always is."\n\n'
        '"Then we wait," he said.\n'
    )
    first = _features_of_turn(text, NORA_AND_DEV, 0)
    assert first["Dev Okafor"].get("even_pron_match") == 1
    assert first["Nora Vance"].get("even_pron_clash") == 1
    second = _features_of_turn(text, NORA_AND_DEV, 1)
    assert second["Dev Okafor"].get("odd_pron_match") == 1
    assert second["Nora Vance"].get("odd_pron_clash") == 1


def test_a_description_in_a_tag_is_read_against_names_and_the_last_pages() -> None:
    # "the major" is in Major Tull's name; "the old man" was said of Mr. Pell just before
    text = (
        "Major Tull and Dev Okafor came along the wall. Mr. Pell, the old man from the chandlery, "
        "followed them with his dog.\n\n"
        '"Cold tonight," said the major.\n\n'
        '"Colder tomorrow," said the old man.\n'
    )
    cast = [
        CastMember("Major Tull", ("Tull",), "male"),
        CastMember("Dev Okafor", ("Dev",), "male"),
        CastMember("Mr. Pell", ("Pell",), "male"),
    ]
    major = _features_of_turn(text, cast, 0)
    assert major["Major Tull"].get("nom_in_name") == 1
    assert not major["Dev Okafor"].get("nom_in_name")
    old_man = _features_of_turn(text, cast, 1)
    assert old_man["Mr. Pell"].get("nom_local_top") == 1


def test_a_cast_description_used_as_one_in_a_tag_is_weighed_as_a_description() -> None:
    # the cast lists a minor "The Doctor"; in this scene "the doctor" is Mr. Losberne
    text = (
        "Mr. Losberne, the doctor, came down the stairs. The doctor looked tired, and Mr. Losberne "
        "sat down heavily.\n\n"
        '"He will live," said the doctor.\n'
    )
    cast = [
        CastMember("Mr. Losberne", ("Losberne",), "male"),
        CastMember("The Doctor", (), "male"),
    ]
    feats = _features_of_turn(text, cast, 0)
    assert feats["The Doctor"].get("tag_after_named") == 1
    assert feats["The Doctor"].get("tag_named_described") == 1
    assert feats["Mr. Losberne"].get("nom_local_top") == 1
    # "said the Hatter", capitalised, is a name, not a description
    capital = _features_of_turn(text.replace("said the doctor", "said the Doctor"), cast, 0)
    assert not capital["The Doctor"].get("tag_named_described")


def test_a_description_is_the_one_the_turn_taking_around_its_uses_names() -> None:
    # "the painter" and Inge take turns, and "said Tomas" comes two turns after the painter:
    # the painter is Tomas, even for a cast that lists a "The Painter" of its own
    text = (
        "Tomas Reyes and Inge Dahl stood in the cold studio.\n\n"
        '"It is finished," said the painter.\n\n'
        '"Then sign it," said Inge.\n\n'
        '"Not yet," said Tomas.\n\n'
        '"Why not?"\n\n'
        '"The light is wrong," said the painter.\n'
    )
    cast = [
        CastMember("Tomas Reyes", ("Tomas",), "male"),
        CastMember("Inge Dahl", ("Inge",), "female"),
    ]
    feats = _features_of_turn(text, cast, 0)
    assert feats["Tomas Reyes"].get("nom_turns_top") == 1
    assert not feats["Inge Dahl"].get("nom_turns")
    listed = _features_of_turn(text, [*cast, CastMember("The Painter", (), "male")], 4)
    assert listed["The Painter"].get("tag_named_described") == 1
    assert listed["The Painter"].get("described_turns_other") == 1.0
    assert not listed["The Painter"].get("nom_turns")
    assert listed["Tomas Reyes"].get("nom_turns_top") == 1


def test_a_beat_pronoun_anchors_the_turn_taking_too() -> None:
    # no tag at all, but "He shrugged." opens the paragraph of turn 2
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"The ferry is late."\n\n'
        '"It always is."\n\n'
        'He shrugged. "Then we wait."\n'
    )
    first = _features_of_turn(text, NORA_AND_DEV, 0)
    assert first["Dev Okafor"].get("even_pron_match") == 1
    assert first["Nora Vance"].get("even_pron_clash") == 1


def test_a_turns_own_tag_comes_before_what_the_narration_says_later() -> None:
    # the first quotation's tag is the father's; "Nora answered that it was" only reports her reply
    text = (
        "Nora came down the stairs at last.\n\n"
        "\"Sit down, child,\" said her father as she came in. \"Is it true that you sold the boat?\" "
        "Nora answered that it was.\n"
    )
    feats = _features_of_turn(text, NORA_AND_DEV, -1)
    assert not any(f.get("tag_after_named") for f in feats.values())
    assert not feats["Nora Vance"].get("tag_named_other")


def test_a_character_who_says_nothing_is_not_the_speaker() -> None:
    text = (
        "Dev and Nora sat on the sea wall, watching the ferry come in.\n\n"
        "\"You could have told me.\" Dev said nothing.\n"
    )
    feats = _features_of_turn(text, NORA_AND_DEV, -1)
    assert not feats["Dev Okafor"].get("tag_after_named")
    assert feats["Dev Okafor"].get("tag_object") == 1
    assert feats["Nora Vance"].get("tag_named_other") is None


def test_a_tag_that_goes_on_to_say_nothing_more_still_names_its_speaker() -> None:
    text = (
        "Dev and Nora sat on the sea wall, watching the ferry come in.\n\n"
        "\"It was late,\" said Dev, and he said nothing more until the ferry docked.\n"
    )
    feats = _features_of_turn(text, NORA_AND_DEV, -1)
    assert feats["Dev Okafor"].get("tag_after_named") == 1


def test_a_silence_that_ends_in_a_speech_verb_leads_into_the_speakers_words() -> None:
    # "Nora was silent, and Dev said:" is Dev's; "He was silent for a moment; then he said," his
    opening = "Dev and Nora sat on the sea wall, watching the ferry come in.\n\n"
    feats = _features_of_turn(opening + 'Nora was silent, and Dev said: "It was late."\n', NORA_AND_DEV, -1)
    assert feats["Dev Okafor"].get("tag_before_named") == 1
    assert not feats["Nora Vance"].get("tag_before_named")
    feats = _features_of_turn(opening + 'He was silent for a moment; then he said, "It was late."\n', NORA_AND_DEV, -1)
    assert feats["Dev Okafor"].get("pron_tag_compatible") == 1
    assert feats["Nora Vance"].get("pron_tag_incompatible") == 1


def test_a_name_and_any_verb_after_a_full_stop_is_the_next_sentence_not_a_tag() -> None:
    # after a comma, "Dev shrugged" is the tag's shape; after a full stop it is what Dev did next
    closed = (
        "Dev and Nora sat on the sea wall, watching the ferry come in.\n\n"
        "\"The ferry is late again.\" Dev shrugged at the grey water.\n"
    )
    feats = _features_of_turn(closed, NORA_AND_DEV, -1)
    assert not feats["Dev Okafor"].get("tag_after_named")
    assert feats["Dev Okafor"].get("beat_subject") == 1
    open_tag = closed.replace("again.\" Dev shrugged", "again,\" Dev shrugged")
    feats = _features_of_turn(open_tag, NORA_AND_DEV, -1)
    assert feats["Dev Okafor"].get("tag_after_named") == 1


def test_a_form_of_address_tells_the_gender_of_the_one_spoken_to() -> None:
    def gender(line: str) -> str | None:
        return addressed_gender(line, Quote("q1", 0, len(line), "speech", 0, "q1", "\""))

    assert gender('"Yes, sir."') == "male"
    assert gender('"Mamma, look at the boats!"') == "female"
    assert gender('"Come here, my dear girl."') == "female"
    assert gender('"Well, my dear fellow, what now?"') == "male"
    # a dash typed as two hyphens stops it as a comma does
    assert gender('"No--sir--I never did."') == "male"
    assert gender('"I will, ma\'am--I promise."') == "female"
    # a kin word or a title that is not said to anyone
    assert gender('"I saw his mother, and she was cross."') is None
    assert gender('"Where is Miss Vance?"') is None


def test_a_form_of_address_next_door_tells_the_gender_of_this_turns_speaker() -> None:
    # "ma'am" in the reply is said to the one who spoke first: a woman
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"The ferry is late."\n\n'
        "\"It always is, ma'am.\"\n\n"
        '"Then we wait."\n'
    )
    first = _features_of_turn(text, NORA_AND_DEV, 0)
    assert first["Nora Vance"].get("next_address_match") == 1
    assert first["Dev Okafor"].get("next_address_clash") == 1
    third = _features_of_turn(text, NORA_AND_DEV, 2)
    assert third["Nora Vance"].get("prev_address_match") == 1
    assert not third["Nora Vance"].get("next_address_match")


def test_a_beat_opening_with_her_or_his_tells_the_speakers_gender() -> None:
    text = "Nora Vance and Dev Okafor sat on the harbour wall.\n\nHer face fell. \"You sold it.\"\n"
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("beat_gender_match") == 1
    assert feats["Dev Okafor"].get("beat_gender_clash") == 1
    # a man and a woman both acting in the paragraph: no opinion
    mixed = text.replace("Her face fell.", "Her face fell. He looked away.")
    feats = _features_of_turn(mixed, NORA_AND_DEV, 0)
    assert not any(f.get("beat_gender_match") or f.get("beat_gender_clash") for f in feats.values())
    # and so does the second of two beats after a dash typed as two hyphens
    mixed = text.replace("Her face fell.", "The gulls had gone quiet--He looked away.")
    feats = _features_of_turn(mixed, NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("beat_gender_match") == 1


def test_a_name_closing_an_aside_before_the_verb_is_not_the_speaker() -> None:
    # "Nora, who disliked Dev, replied:" is Nora's, though Dev is the name nearest "replied"
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        'Nora, who disliked Dev, replied: "Then we wait."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("tag_before_named") == 1
    assert not feats["Dev Okafor"].get("tag_before_named")


def test_a_tag_names_its_speaker_through_a_word_of_feeling_or_age() -> None:
    # "broke in old Dev Okafor", "pleaded poor Nora": the name after "old" or "poor" is the
    # speaker, as it is straight after the verb
    for tag, speaker in (("broke in old Dev Okafor", "Dev Okafor"), ("pleaded poor Nora", "Nora Vance")):
        text = (
            "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
            f'"The ferry is late," {tag}, "and the tide is turning."\n'
        )
        feats = _features_of_turn(text, NORA_AND_DEV, 0)
        assert feats[speaker].get("tag_after_named") == 1, tag
        other = next(n for n in feats if n != speaker)
        assert not feats[other].get("tag_after_named"), tag


def _assert_tag_names(line: str, speaker: str) -> None:
    """The tag of ``line`` (after the harbour-wall opening) names ``speaker`` alone, and not as
    one spoken to."""
    feats = _features_of_turn("Nora Vance and Dev Okafor sat on the harbour wall.\n\n" + line, NORA_AND_DEV, 0)
    named = {n for n, f in feats.items() if f.get("tag_after_named") or f.get("tag_before_named")}
    assert named == {speaker}, line
    assert not feats[speaker].get("tag_object"), line


def test_a_voice_stands_for_the_one_whose_voice_it_is() -> None:
    # "said the voice of Dev Okafor" and "the tired voice of Nora was heard saying:" name
    # their speakers; "of" does not make them the ones spoken of
    for line, speaker in (
        ('"The ferry is late," said the voice of Dev Okafor from the dark.\n', "Dev Okafor"),
        ('"Wait for me," called the tired voice of Nora.\n', "Nora Vance"),
        ('Then the tired voice of Nora was heard saying: "Wait for me."\n', "Nora Vance"),
    ):
        _assert_tag_names(line, speaker)


def test_before_a_quotation_the_verb_nearest_it_names_the_speaker() -> None:
    # "called Nora, while Dev, thoughtful again, said:" leads into Dev's line, not Nora's
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"Coming!" called Nora, while Dev, thoughtful again, said: "We could wait."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 1)
    assert feats["Dev Okafor"].get("tag_before_named") == 1
    assert not feats["Nora Vance"].get("tag_before_named")


def test_a_relative_clause_leading_into_the_quotation_names_its_speaker() -> None:
    # "Nora looked sideways at Dev, who said in a low voice," is Dev's line: the one looked at
    # speaks, and the sentence's subject does not
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        'Nora looked sideways at Dev, who said in a low voice, "Please."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("tag_before_named") == 1
    assert not feats["Nora Vance"].get("tag_before_named")
    # after a quotation the tag is the first verb's: '"Come," said Nora to Dev, who answered'
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"Come," said Nora to Dev, who answered at once.\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("tag_after_named") == 1
    assert not feats["Dev Okafor"].get("tag_after_named")


def test_the_subject_of_a_long_lead_in_sentence_is_found_far_from_its_verb() -> None:
    # the sentence leading into the quotation runs over 160 characters before its verb
    text = (
        "Dev Okafor was already on the harbour wall.\n\n"
        "Nora had seen the boats from her window, coming round the point one after another, "
        "and, running down the steps to the slipway with her coat half on, told the others "
        "what a catch they might expect, adding,\n\n"
        '"We will be up all night."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("tag_subject") == 1
    assert not feats["Dev Okafor"].get("tag_subject")


def test_a_verb_joined_on_with_and_shares_the_sentences_subject() -> None:
    # "Nora sat down beside Dev, and said:" is Nora's (Dev is sat beside); "Nora sat down, and
    # Dev said:" is Dev's, whose clause has a subject of its own
    lead = "Nora sat down beside Dev on the harbour wall, and then said quietly:"
    feats = _features_of_turn(f'Dev Okafor and Nora Vance waited.\n\n{lead} "We will be up all night."\n', NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("tag_subject") == 1
    assert not feats["Dev Okafor"].get("tag_subject")
    lead = "Nora sat down on the harbour wall, and Dev said:"
    feats = _features_of_turn(f'Dev Okafor and Nora Vance waited.\n\n{lead} "We will be up all night."\n', NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("tag_subject") == 1
    assert not feats["Nora Vance"].get("tag_subject")
    lead = "She sat down beside Dev on the harbour wall, and said:"
    feats = _features_of_turn(f'Dev Okafor and Nora Vance waited.\n\n{lead} "We will be up all night."\n', NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("tag_subject_pron_rank0") == 1 or feats["Nora Vance"].get("pron_tag_subject_rank0") == 1


def test_every_verb_joined_on_with_and_shares_the_sentences_subject() -> None:
    # "Dev shook his head, and looked solemn, and said," is Dev's: both joined clauses open
    # with a verb and have no subject of their own
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        'Dev shook his head, and looked solemn, and said, "The ferry is late."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("tag_subject") == 1
    assert not feats["Nora Vance"].get("tag_subject")
    # a clause going on after "had" with a participle: "Dev, who had heard it all, and borne
    # Nora company throughout, now ventured to say," is Dev's
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        'Dev, who had heard it all, and borne Nora company throughout, now ventured to say, "The ferry is late."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("tag_subject") == 1
    assert not feats["Nora Vance"].get("tag_subject")


def test_a_clause_put_before_the_subject_does_not_hold_the_speaker() -> None:
    # "when Nora was washing the dishes," comes before the sentence's subject, Dev; so does a
    # clause with commas of its own ("When Nora said that the boats, like everyone else's,
    # were late, Dev replied,")
    for lead in (
        "The next morning, when Nora was washing the dishes, Dev paused on his way out to say to her:",
        "When Nora said that she supposed the boats, like everyone else's, were late, Dev replied,",
    ):
        text = f'Nora Vance and Dev Okafor sat on the harbour wall.\n\n{lead} "The ferry is late."\n'
        feats = _features_of_turn(text, NORA_AND_DEV, 0)
        assert feats["Dev Okafor"].get("tag_subject") == 1, lead
        assert not feats["Nora Vance"].get("tag_subject"), lead
    # with "he replied" the clause's Nora is no subject either: the pronoun is
    lead = "When Nora said that she supposed the boats, like everyone else's, were late, he replied,"
    feats = _features_of_turn(f'Nora Vance and Dev Okafor sat on the harbour wall.\n\n{lead} "Not at all."\n', NORA_AND_DEV, 0)
    assert not feats["Nora Vance"].get("tag_subject")
    assert feats["Dev Okafor"].get("pron_tag_compatible") or feats["Dev Okafor"].get("tag_subject_pron_rank0")


def test_words_that_burst_from_someone_are_theirs() -> None:
    # '"…!" burst from Dev' and 'There broke from Nora the cry,' name the speaker: "from" does
    # not make them the ones spoken to; a message that "came from Dev" before a quotation is no tag
    for line, speaker in (
        ('"The tide!" burst from Dev, with a nervous laugh.\n', "Dev Okafor"),
        ('"How romantic!" at last broke explosively from Nora.\n', "Nora Vance"),
        ('"A dangerous idea!" came from Nora\'s tight lips.\n', "Nora Vance"),
        ('There broke from Nora the cry, "The tide!"\n', "Nora Vance"),
    ):
        _assert_tag_names(line, speaker)
    text = 'Nora Vance and Dev Okafor sat on the harbour wall.\n\nA letter came from Dev that morning: "The tide!"\n'
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert not feats["Dev Okafor"].get("tag_before_named")


def test_a_second_relative_clause_leading_into_the_quotation_names_its_speaker() -> None:
    # "Dev, who seemed disposed for conversation, and who now said" is Dev's line
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        'The pause was broken by Dev, who seemed disposed for conversation, and who now said abruptly, "The ferry'
        ' is late."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("tag_before_named") == 1
    assert not feats["Nora Vance"].get("tag_before_named")


def test_a_name_with_an_earlier_verb_gives_way_to_the_subject_of_the_verb_leading_in() -> None:
    # '"Yes," said Nora, and Dev, after considering for a moment, said:' leads into Dev's line
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"Yes," said Nora, and Dev, after considering for a moment, said: "The ferry is late."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 1)
    assert feats["Dev Okafor"].get("tag_before_named") == 1
    assert not feats["Nora Vance"].get("tag_before_named")


def test_a_finished_sentence_of_speech_in_the_paragraph_before_is_marked_as_a_reported_lead_in() -> None:
    # "Nora gave a cry of alarm." may report her cry before someone else answers; "Nora said
    # to him:" leads into her words
    for lead, reported in (("Nora uttered a cry of alarm.", True), ("Nora said to him:", False)):
        text = f"Nora Vance and Dev Okafor sat on the harbour wall.\n\n{lead}\n\n\"The ferry is late.\"\n"
        feats = _features_of_turn(text, NORA_AND_DEV, 0)
        assert feats["Nora Vance"].get("tag_before_named") == 1, lead
        assert bool(feats["Nora Vance"].get("lead_in_reported")) is reported, lead


def test_a_finished_sentence_reporting_what_was_said_leads_into_no_quotation() -> None:
    # "Nora said that the ferry was late." tells what she said; the words after it are an
    # answer, so it names no speaker of them, nor does "he asked whether"; but a sentence that
    # reports and then leads in ("…, adding:") still names its speaker, as does "Nora said:"
    for lead, speaker in (
        ("Nora said that the ferry was late.", None),
        ("Nora looked up, and said that, for her part, she liked the harbour.", None),
        ("He asked whether the ferry was late.", None),
        ("Nora said that the ferry was late, adding:", "Nora Vance"),
        ("Nora said:", "Nora Vance"),
    ):
        text = f"Nora Vance and Dev Okafor sat on the harbour wall.\n\n{lead}\n\n\"It always is.\"\n"
        story, ctx = _context(text, NORA_AND_DEV)
        before = ctx.turn_tags[0][1]
        names = {c.id: c.name for c in story.characters}
        assert names.get(before.named or before.subject) == speaker, lead
        if speaker is None:
            assert before.pronoun is None and not before.verb, lead


def test_the_name_nearest_the_verb_is_the_speaker() -> None:
    # "Nora then heard Dev say," is Dev's line: Nora, three words from "say", only hears it
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        'Nora then heard Dev say, in a low voice, "The ferry is late."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Dev Okafor"].get("tag_before_named") == 1
    assert not feats["Nora Vance"].get("tag_before_named")


def test_a_pronoun_before_the_name_is_the_subject_of_the_lead_in() -> None:
    # "She met Dev on his entrance, exclaiming," and "Then, perceiving in Dev no inclination of
    # replying, she added," are Nora's: Dev is met and perceived
    for lead in (
        "She met Dev on his entrance, exclaiming,",
        "Then, perceiving in Dev no inclination of replying, she added,",
        "She was looking worried, and when she heard Dev's last remark, she glanced at him, and then said,",
    ):
        text = f'Nora Vance and Dev Okafor sat on the harbour wall. Dev left, and Nora waited.\n\n{lead} "The ferry is late."\n'
        feats = _features_of_turn(text, NORA_AND_DEV, 0)
        assert not any(feats["Dev Okafor"].get(k) for k in ("tag_before_named", "tag_subject")), lead
        assert feats["Nora Vance"].get("pron_tag_compatible") or feats["Nora Vance"].get("tag_subject_pron_rank0"), lead


def test_a_possessor_or_one_acted_on_is_not_the_subject_of_a_lead_in() -> None:
    # "Dev's name had been mentioned by Nora" and "which made Dev quite cross": Dev neither
    # speaks nor is the sentence's subject
    for lead, subject in (
        ("Dev's name had been mentioned by Nora only that she might presently say:", "Nora Vance"),
        ("With a smile, which made Dev quite cross, Nora said,", "Nora Vance"),
    ):
        text = f'Nora Vance and Dev Okafor sat on the harbour wall.\n\n{lead} "The ferry is late."\n'
        feats = _features_of_turn(text, NORA_AND_DEV, 0)
        assert feats[subject].get("tag_subject") == 1, lead
        assert not feats["Dev Okafor"].get("tag_subject"), lead


def test_a_name_in_another_clause_after_the_verb_is_not_the_speaker() -> None:
    # "I cried as I fixed Nora with my gaze": the narrator cries, Nora is looked at
    text = (
        "I met Nora Vance on the harbour wall.\n\n"
        'Suddenly I cried as I fixed Nora with my gaze. "You knew!"\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert not feats["Nora Vance"].get("tag_before_named")


def test_voices_a_long_winded_character_sounds_like_a_long_turn() -> None:
    long_line = " ".join(["and so it went on, the rain, the kettle, the neighbours"] * 6)
    lines = [(long_line, "c1")] * 6 + [("No.", "c2"), ("Fine.", "c2"), ("Go on.", "c2"), ("Yes.", "c2"), ("Why?", "c2"), ("Later.", "c2")]
    lines += [(long_line, None), ("No, thanks.", None)]
    voices = Voices([_counts(t) for t, _ in lines], [w for _, w in lines])
    assert voices.length_score("c1", 12) > voices.length_score("c2", 12)
    assert voices.length_score("c2", 13) > voices.length_score("c1", 13)
    # five tagged turns at least, or no opinion
    few = Voices([_counts(t) for t, _ in lines[:3] + lines[-2:]], [w for _, w in lines[:3] + lines[-2:]])
    assert few.length_score("c1", 3) == 0.0


def test_a_character_the_conversation_tags_later_is_a_candidate_from_its_start() -> None:
    # nobody names Dev before the first line, but a tag two turns on shows he is there
    text = (
        "Nora Vance sat on the harbour wall.\n\n"
        '"The ferry is late."\n\n'
        '"It always is."\n\n'
        '"Then we wait," said Dev.\n'
    )
    story, ctx = _context(text, NORA_AND_DEV)
    names = {c.id: c.name for c in story.characters}
    assert "Dev Okafor" in {names[c] for c in speaker_candidates(ctx, ctx.turns[0], [])}


def test_narration_between_two_turns_is_read_as_a_turn_without_words() -> None:
    # "He nodded." answers Nora without a word: the narration's actor and gender are cues
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        '"You sold the boat," said Nora.\n\n'
        "He nodded.\n\n"
        "Dev Okafor looked away at the water.\n\n"
        '"Then we have nothing left."\n'
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 1)
    assert feats["Dev Okafor"].get("gap_subject") == 1
    assert feats["Dev Okafor"].get("gap_last_subject") == 1
    assert feats["Dev Okafor"].get("gap_gender_match") == 1
    assert feats["Nora Vance"].get("gap_gender_clash") == 1
    assert all(f.get("gap") == 1 for f in feats.values())
    # and the turn before reads the same narration as what follows it
    before = _features_of_turn(text, NORA_AND_DEV, 0)
    assert before["Dev Okafor"].get("next_gap_subject") == 1
    assert before["Nora Vance"].get("next_gap_gender_clash") == 1
    # a turn straight after another has no narration between them to read
    first = _features_of_turn(text.replace("He nodded.\n\nDev Okafor looked away at the water.\n\n", ""), NORA_AND_DEV, 1)
    assert not any(f.get("gap") for f in first.values())


def test_the_one_who_speaks_next_is_a_candidate_addressee() -> None:
    cast = [*NORA_AND_DEV, CastMember("Mara Quill", ("Mara",), "female")]
    text = (
        "Nora Vance, Dev Okafor and Mara Quill sat on the harbour wall.\n\n"
        '"The ferry is late," said Dev.\n\n'
        '"It always is."\n\n'
        '"Then we wait."\n'
    )
    story, ctx = _context(text, cast)
    ids = {c.name: c.id for c in story.characters}
    history = [(ids["Dev Okafor"], ())]
    feats = addressee_features(ctx, ctx.turns[1], history, ids["Nora Vance"], ids["Mara Quill"])
    assert feats[ids["Mara Quill"]].get("next_turn_speaker") == 1
    assert not feats[ids["Dev Okafor"]].get("next_turn_speaker")
    # the last turn has no next one: nobody is read as answering it
    last = addressee_features(ctx, ctx.turns[2], history, ids["Mara Quill"], ids["Dev Okafor"])
    assert not any(f.get("next_turn_speaker") for f in last.values())


def test_the_one_a_relation_belongs_to_is_marked_but_not_the_owner_of_a_voice() -> None:
    # "her companion replied": Nora, whom "her" is, is marked as not the speaker; "her voice
    # called" is Nora herself speaking, so no one is marked
    text = (
        "Nora Vance looked at the sea. Dev Okafor sat on the wall beside her.\n\n"
        '"The chips are cold," her companion replied.\n\n'
        '"Then eat them quickly," her voice called from the steps.\n'
    )
    cast = [CastMember("Nora Vance", ("Nora",), "female"), CastMember("Dev Okafor", ("Dev",), "male")]
    companion = _features_of_turn(text, cast, 0)
    assert companion["Nora Vance"].get("nom_possessor") == 1
    assert not companion["Dev Okafor"].get("nom_possessor")
    voice = _features_of_turn(text, cast, 1)
    assert not any(f.get("nom_possessor") for f in voice.values())


def test_a_message_typed_texted_or_signed_is_tagged_like_speech() -> None:
    for verb in ("texted", "typed", "wrote", "signed", "messages"):
        text = (
            "Dev and Nora sat on the sea wall, watching the ferry come in.\n\n"
            f"\"on my way,\" Dev {verb}. \"save me a seat\"\n"
        )
        feats = _features_of_turn(text, NORA_AND_DEV, -1)
        assert feats["Dev Okafor"].get("tag_after_named") == 1, verb
        assert feats["Nora Vance"].get("tag_named_other") == 1, verb


def test_the_narrator_addressee_cue_is_a_first_person_i_not_a_second_person_you() -> None:
    first = (
        "I got to the café at nine. Nora Vance had the table by the radiator, and Dev Okafor was behind "
        "the counter. I went up to him, and Nora watched us both. I was wet through, and I said so.\n\n"
        '"You\'re late," Dev said.\n\n"The bus," I said. I was always late, and I always said so.\n'
    )
    second = (
        "You get to the café at nine. Nora Vance has the table by the radiator, and Dev Okafor is behind "
        "the counter. You go up to him, and Nora watches you both. You are wet through, and you say so.\n\n"
        '"You\'re late," Dev says.\n\n"The bus," you say. You are always late, and you always say so.\n'
    )
    for text, cued in ((first, True), (second, False)):
        story = ficlens.analyze(text, stages=["structure", "quotations", "characters"])
        ctx = make_context(story)
        ids = {c.name: c.id for c in story.characters}
        narrator = ids.get("Narrator") or ids.get("Reader")
        assert narrator is not None and ctx.narrator == narrator, story.characters
        dev = next(cid for name, cid in ids.items() if name.startswith("Dev"))
        feats = addressee_features(ctx, ctx.turns[0], [], dev)
        assert bool(feats.get(narrator, {}).get("narrator")) is cued, (text[:20], feats)


def test_her_ladyship_is_the_lady_of_the_story_and_of_two_the_one_named_last() -> None:
    cast = [
        CastMember("Lady Augusta Pellingham", ("Lady Augusta",), "female"),
        CastMember("Lady Maud Ferrars", ("Lady Maud",), "female"),
        CastMember("Mr. Denholm", (), "male"),
    ]
    text = (
        "Lady Maud sat by the window. Lady Augusta came in with Mr. Denholm.\n\n"
        '"Shut the doors," said her ladyship.\n\n"At once," said Mr. Denholm.\n'
    )
    story = ficlens.analyze(text, cast=cast)
    ids = {c.name: c.id for c in story.characters}
    found = {(story.text[m.start : m.end], m.character) for m in kin_mentions(story, MentionIndex(story))}
    assert ("her ladyship", ids["Lady Augusta Pellingham"]) in found
    first = next(iter(story.speech()))
    assert story.attributions[first.id].speaker == ids["Lady Augusta Pellingham"]


def test_a_lead_in_is_a_sentence_of_speech_not_a_verb_of_speech_taking_a_thing() -> None:
    # "resumed her stool" is no lead-in: the narration's subject does not tag the next words
    text = (
        "Eudora Pellingham rose and closed the doors, and resumed her stool.\n\n"
        '"Thank you, my dear." Lady Augusta folded her hands.\n'
    )
    cast = [CastMember("Eudora Pellingham", ("Eudora",), "female"), CastMember("Lady Augusta", (), "female")]
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    ctx = make_context(story)
    assert ctx.turn_tags[0][1].subject is None
    # while "Eudora resumed." is one
    story = ficlens.analyze(text.replace("and resumed her stool.", "and Eudora resumed."), cast=cast, stages=["structure", "quotations", "characters"])
    assert make_context(story).turn_tags[0][1].subject is not None


def test_a_clause_opening_with_a_name_and_a_verb_has_its_subject() -> None:
    cast = [CastMember("Dr. Marr", ("the doctor",), "male"), CastMember("Pugh", (), "male")]
    text = "The door opened at four, and the doctor came in. Pugh looked up, and nodded to Pugh's cup.\n"
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    ids = {c.name: c.id for c in story.characters}
    found = subjects(story.text, [(0, len(story.text))], MentionIndex(story))
    assert found == [ids["Dr. Marr"], ids["Pugh"]]  # not "nodded to Pugh's cup"


def test_a_name_after_a_title_its_mention_leaves_out_still_opens_the_sentence() -> None:
    # the mention is "Superintendent Moira Haldane"; "Detective" before it is her title too
    cast = [CastMember("Superintendent Moira Haldane", (), "female"), CastMember("Okoro", (), "female")]
    text = '"Ma\'am," said Okoro.\n\n"Tell me about Mostyn Street." Detective Superintendent Moira Haldane sounded awake.\n'
    story = ficlens.analyze(text, cast=cast, stages=["structure", "quotations", "characters"])
    ids = {c.name: c.id for c in story.characters}
    beat = text.index(" Detective")
    assert subjects(story.text, [(beat, len(text))], MentionIndex(story)) == [ids["Superintendent Moira Haldane"]]


def test_a_rank_used_alone_to_address_someone_is_the_one_character_with_that_rank() -> None:
    text = (
        "Captain Solberg stood at the chart table with Commander Vask. Ensign Pell found the beacon.\n\n"
        '"Captain, Pell has something," said Ashe.\n\n'
        '"I can make it louder, Captain. I can\'t make it clearer," said Pell.\n\n'
        '"The captain is busy," said Vask. "Show me, Ensign."\n'
    )
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters"])
    ids = {c.name: c.id for c in story.characters}
    solberg = next(cid for name, cid in ids.items() if "Solberg" in name)
    index = MentionIndex(story)
    found = [(story.text[m.start : m.end], m.character) for m in rank_address(story, index)]
    # both "Captain"s said to her; not "The captain", a mention already, and not "Ensign",
    # which is no rank the story gives anyone with a name
    assert found == [("Captain", solberg), ("Captain", solberg)]
    index = MentionIndex(story, rank_address(story, index))
    quotes = sorted(story.speech(), key=lambda q: q.start)
    assert vocatives(story.text, quotes[0], index) == [solberg]
    assert vocatives(story.text, quotes[1], index) == [solberg]


DOCTORS = (
    "Mara had a fever all night. At dawn the doctor from the next town came up the stairs.\n\n"
    '"Keep her warm," said the doctor. "And no visitors."\n\n'
    + "The rain kept on through the spring, and nobody went out who did not have to.\n\n" * 120
    + "Doctor Amsel reached the inn after supper, his boots full of water.\n\n"
    '"Who sent for me?" said the doctor.\n\n"I did," said Mara.\n'
)
DOCTOR_CAST = [
    CastMember("Doctor Amsel", ("Amsel",), "male"),
    CastMember("The Doctor", (), "male"),
    CastMember("Mara", (), "female"),
]


def test_a_role_that_is_a_cast_member_of_its_own_is_the_holder_the_narration_names_nearby() -> None:
    story = ficlens.analyze(DOCTORS, cast=DOCTOR_CAST, stages=["structure", "quotations", "characters"])
    ids = {c.name: c.id for c in story.characters}
    found = [(m.start, m.character) for m in role_mentions(story, MentionIndex(story))]
    # the second "the doctor" is Amsel, named in the narration just before; the first, a
    # long way from any Amsel, stays the other doctor
    assert found == [(DOCTORS.rindex("the doctor"), ids["Doctor Amsel"])]
    speakers = [name for name, _cue in _said(ficlens.analyze(DOCTORS, cast=DOCTOR_CAST))]
    assert speakers[0] == "The Doctor" and speakers[-2] == "Doctor Amsel"


def test_a_role_two_characters_hold_or_only_the_characters_name_is_left_alone() -> None:
    cast = [*DOCTOR_CAST, CastMember("Dr. Ruth Bellamy", (), "female")]
    story = ficlens.analyze(DOCTORS, cast=cast, stages=["structure", "quotations", "characters"])
    assert role_mentions(story, MentionIndex(story)) == []
    said = DOCTORS.replace("Doctor Amsel reached the inn", '"Doctor Amsel is coming," said Mara. He reached the inn')
    story = ficlens.analyze(said, cast=DOCTOR_CAST, stages=["structure", "quotations", "characters"])
    assert role_mentions(story, MentionIndex(story)) == []


def test_a_present_tense_i_tags_with_the_verbs_of_speech_and_messages() -> None:
    for verb in ("text", "whisper", "mutter", "call", "add"):
        text = (
            "My phone buzzes. It's Tash. Tash never sleeps, and Tash never lets me sleep either.\n\n"
            '"happy birthday," Tash texts.\n\n'
            f'"name one," I {verb} back. I put the phone down.\n'
        )
        _, ctx = _context(text)
        after, before = ctx.turn_tags[-1]
        assert any(t.pronoun == "i" for t in after), verb


def test_an_unnamed_narrator_is_as_present_as_the_most_mentioned_character() -> None:
    text = (
        "The first thing I hear on my birthday is my brother Cal kicking my door. Cal is nineteen.\n\n"
        '"Rise and shine," Cal says. "Sixteen years ago you ruined my life."\n\n'
        '"Go away."\n\n"I made you a present."\n\nThat gets me upright. I open the door.\n\n'
        '"What is it?"\n'
    )
    story, ctx = _context(text)
    ids = {c.name: c.id for c in story.characters}
    assert ctx.narrator == ids["Narrator"] and ctx.self_mentions
    turn = ctx.turns[-1]  # "What is it?": the narrator opened the door in the paragraph before
    cands = speaker_candidates(ctx, turn, [(ids["Cal"], ()), (ids["Narrator"], ()), (ids["Cal"], ())])
    feats, _ = speaker_features(ctx, turn, [(ids["Cal"], ()), (ids["Narrator"], ()), (ids["Cal"], ())], cands)
    me, cal = feats[ids["Narrator"]], feats[ids["Cal"]]
    assert me["log_mentions"] == cal["log_mentions"] == 1.0
    assert me["recency"] >= cal["recency"]
    # and the whole analysis gives it to her
    story = ficlens.analyze(text)
    narrator = next(c.id for c in story.characters if c.name == "Narrator")
    last = max(story.speech(), key=lambda q: q.start)
    assert story.attributions[last.id].speaker == narrator


def test_a_quotation_that_introduces_its_speaker_names_them_like_a_tag() -> None:
    cast = [
        CastMember("Rhiannon Okoro", ("Rhiannon", "Okoro"), "female"),
        CastMember("Felix Marr", ("Felix", "Marr"), "male"),
        CastMember("Kieran Doyle", ("Kieran",), "male"),
    ]
    text = (
        "Rhiannon Okoro and Felix Marr waited by the bed. Kieran Doyle opened his eyes.\n\n"
        '"Who are you?"\n\n'
        '"Hiya, Kieran. I\'m Rhiannon. This is Felix." Felix Marr nodded.\n\n'
        '"Are you the police?"\n'
    )
    story = ficlens.analyze(text, cast=cast)
    ids = {c.name: c.id for c in story.characters}
    # "I'm Rhiannon" is hers, whoever the beat after it names ("This is Felix" introduces
    # another)
    assert _said(story)[1] == ("Rhiannon Okoro", "explicit")
    ctx = make_context(story)
    assert ctx.turn_tags[1][0][0].named == ids["Rhiannon Okoro"]
    # with a tag, the tag decides ('"I am Dame Verity," she said': a player in character)
    tagged = text.replace('This is Felix." Felix Marr nodded.', 'This is Felix," said Felix Marr.')
    _, ctx = _context(tagged, cast)
    assert all(t.named != ids["Rhiannon Okoro"] for t in ctx.turn_tags[1][0])


def test_a_name_that_answers_a_question_for_it_names_the_speaker() -> None:
    cast = [CastMember("Imani Clarke", ("Imani",), "female"), CastMember("Beth", ("Bethany Moss",), "female")]
    text = (
        "Imani straightened up from the shelf. The new intern waited in the doorway.\n\n"
        "\"What's your name?\"\n\n"
        '"Beth. Bethany Moss. I\'m on your service this month."\n\n'
        "Imani handed her a clipboard.\n"
    )
    assert _said(ficlens.analyze(text, cast=cast))[1] == ("Beth", "explicit")
    # not asked for a name, a name that opens a quotation is whoever is called
    _, ctx = _context(text.replace("What's your name?", "Who should I call?"), cast)
    assert ctx.tag_named[1] is None
    # "I am a man of my word" introduces no cast member called "A Man"
    manly = text.replace("Beth. Bethany Moss.", "I am a man of my word.")
    _, ctx = _context(manly, [*cast, CastMember("A Man", (), "male")])
    assert ctx.tag_named[1] is None


def test_in_a_story_told_by_i_my_brother_in_a_tag_is_not_the_narrator() -> None:
    text = (
        "I sat on the floor with Mum and Aunt Bridget and the letters. Mum read, and Aunt Bridget\n"
        "read, and I read, and nobody said anything for a long time.\n\n"
        "The front door banged.\n\n"
        '"Anyone home?" my brother shouted.\n'
    )
    story, ctx = _context(text)
    narrator = next(c.id for c in story.characters if c.name == "Narrator")
    turn = ctx.turns[-1]
    feats, _ = speaker_features(ctx, turn, [], speaker_candidates(ctx, turn, []))
    assert feats[narrator].get("narrator_no_i") == 1
    # while "my brother" in a story told in the third person rules out no one
    third = text.replace("I sat", "Jess sat").replace("and I read", "and Jess read").replace("my brother", "her brother")
    story, ctx = _context(third)
    feats, _ = speaker_features(ctx, ctx.turns[-1], [], speaker_candidates(ctx, ctx.turns[-1], []))
    assert not any(f.get("narrator_no_i") for f in feats.values())


def test_a_lead_in_from_the_paragraph_before_gives_way_to_the_narrators_i() -> None:
    cast = [
        CastMember("Cassia Vey", ("Cass",), "female"),
        CastMember("Rufus Penhallow", ("Rufus",), "male"),
        CastMember("Mr. Threlkeld", ("Threlkeld",), "male"),
    ]
    text = (
        "I come down the steps. Mr. Threlkeld waits by the door with his keys.\n\n"
        "Behind me Rufus draws breath for something long, and for once he lets it out again without speaking.\n\n"
        '"Mr. Threlkeld," I say. "Can I see?"\n'
    )
    _, ctx = _context(text, cast)
    after, before = ctx.turn_tags[-1]
    assert any(t.pronoun == "i" for t in after)
    assert before.named is None and before.subject is None


def test_a_character_the_speakers_talk_about_is_marked() -> None:
    # Juno and Ike talk about Saarinen twice and never to her: she is likely not one of them
    text = (
        "Ike sat on the exam bed. Saarinen had cleared him an hour ago. Juno came in.\n\n"
        '"What is that?"\n\n"Saarinen calls it tea."\n\n"Saarinen is wrong about a lot of things, Ike."\n\n'
        '"Not about this."\n\n"Give it here, Ike."\n\n"Get your own."\n'
    )
    cast = [
        CastMember("Juno Castellanos", ("Juno",), "female"),
        CastMember("Ikenna Obi", ("Ike",), "male"),
        CastMember("Ruth Saarinen", ("Saarinen",), "female"),
    ]
    feats = _features_of_turn(text, cast, 0)
    assert feats["Ruth Saarinen"].get("talked_about") == 1
    # Ike is named inside two quotations too, but as the one spoken to
    assert not feats["Ikenna Obi"].get("talked_about")
    assert not feats["Juno Castellanos"].get("talked_about")


def test_a_verb_of_two_words_after_the_quotation_is_a_tag_by_name_or_description() -> None:
    # "broke in", "put in": the name or description after the particle speaks (and a name
    # that follows "in" there is a person, not a place)
    opening = (
        "Rowan Tiller came home late. Rowan sat by his mother, Mrs. Tiller, and his sister Ada. "
        "Rowan was tired.\n\n"
        '"It sounds odd," said Ada.\n\n'
        '"It is showy," said Mrs. Tiller.\n\n'
    )
    for tag in ("broke in Rowan", "put in Rowan", "broke in her son", "cut in her son"):
        story = ficlens.analyze(opening + f'"Why not?" {tag}, growing cross.\n')
        names = {c.id: c.name for c in story.characters}
        last = max(story.speech(), key=lambda q: q.start)
        attribution = story.attributions[last.id]
        assert names.get(attribution.speaker) == "Rowan", (tag, names, attribution)
        if "Rowan" in tag:
            assert attribution.cue == "explicit", tag


TWO_MEN = (
    "The van still smelled of wet dogs and diesel. Corran kept both hands on the wheel, because the "
    "alternative was looking at Piet.\n\n"
    '"You didn\'t have to wait for me," Piet said.\n\n'
    '"You\'d have walked home in that," said Corran.\n\n'
    '"I like walking." The younger man pulled his coat tighter around his shoulders. "More than you do, anyway."\n\n'
    'The taller man snorted. "You were sheltering in a bus stop."\n'
)


def test_two_people_alternate_by_paragraphs_not_by_turns() -> None:
    # Piet's paragraph holds two turns (a beat between them); the last line is two paragraphs
    # after Corran's tag, so likely his, though four turns after Piet's
    story, ctx = _context(TWO_MEN)
    ids = {c.name: c.id for c in story.characters}
    assert ctx.exchange == [0, 1, 2, 2, 3]
    _names, even, odd = ctx.conversation_tags[4]
    assert even == ids["Corran"] and odd != ids["Corran"]


def test_a_description_that_compares_does_not_stand_for_the_names_around_it() -> None:
    # "The younger man" and "The taller man" each stand next to the other's name; the
    # comparison, not the neighbourhood, says who is who
    story, ctx = _context(TWO_MEN)
    assert ctx.turn_nominal[4] == ("the taller man", "man")
    assert ctx.epithets.shares("the taller man") == {}
    assert _said(ficlens.analyze(TWO_MEN))[-1][0] == "Corran"


def test_an_infinitive_of_speech_in_the_clause_leading_in_is_the_tag_and_its_subject_speaks() -> None:
    # "He told the whole; and she had only to add," leads into her line, not his; "to add" is
    # the tag's verb as "added" would be
    for lead in ("Dev told her the whole; and she had only to add,", "Dev looked at her, and she could only exclaim,"):
        text = f'Nora Vance and Dev Okafor sat on the harbour wall.\n\n{lead} "So strange!"\n'
        feats = _features_of_turn(text, NORA_AND_DEV, 0)
        assert feats["Nora Vance"].get("pron_tag_compatible") == 1, lead
        assert feats["Dev Okafor"].get("pron_tag_incompatible") == 1, lead


def test_the_one_a_lead_in_makes_speak_is_the_speaker() -> None:
    # "A moment's recollection enabled her to say," leads into her line
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        "Dev asked which ferry it was. A moment's recollection enabled her to say, \"The late one.\"\n"
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert feats["Nora Vance"].get("pron_tag_compatible") == 1
    assert feats["Dev Okafor"].get("pron_tag_incompatible") == 1


def test_a_clause_between_the_subject_and_its_verb_does_not_hold_the_speaker() -> None:
    # "He took the hint, and when Nora had finished her song, said aloud," is his line
    text = (
        "Nora Vance and Dev Okafor sat on the harbour wall.\n\n"
        "Nora sang. He took the hint, and when Nora had finished her song, said aloud, \"That will do.\"\n"
    )
    feats = _features_of_turn(text, NORA_AND_DEV, 0)
    assert not feats["Nora Vance"].get("tag_subject")
    assert feats["Dev Okafor"].get("pron_tag_compatible") or feats["Dev Okafor"].get("tag_subject_pron_rank0")
    assert feats["Nora Vance"].get("pron_tag_incompatible") or not feats["Nora Vance"].get("tag_subject_pron_rank0")


def test_the_narration_between_two_turns_says_who_answered_without_words_and_who_went_on() -> None:
    # Dev answers Nora in reported speech, so the next words are likely Nora's again; in the
    # second story Nora pauses and goes on, and by "She" the pause is hers
    answered = (
        "Nora Vance and Dev Okafor walked the length of the pier.\n\n"
        '"It is your turn to say something," said Nora.\n\n'
        "Dev smiled, and assured her that he would say whatever she liked.\n\n"
        '"Very well. That will do for now."\n'
    )
    feats = _features_of_turn(answered, NORA_AND_DEV, 1)
    assert feats["Dev Okafor"].get("gap_answered") == 1
    assert "gap_answered" not in feats["Nora Vance"]
    assert not any("gap_went_on" in f for f in feats.values())
    went_on = (
        "Nora Vance and Dev Okafor walked the length of the pier.\n\n"
        '"This is where the boats came in," said Nora.\n\n'
        "She paused for a minute, and then went on.\n\n"
        '"My grandfather had one of them."\n'
    )
    feats = _features_of_turn(went_on, NORA_AND_DEV, 1)
    assert feats["Nora Vance"].get("gap_went_on") == 1
    assert "gap_went_on" not in feats["Dev Okafor"]
    # narration that neither answers nor goes on marks no one
    neither = went_on.replace("She paused for a minute, and then went on.", "The gulls rose off the water.")
    feats = _features_of_turn(neither, NORA_AND_DEV, 1)
    assert not any("gap_went_on" in f or "gap_answered" in f for f in feats.values())


def test_she_said_points_back_to_the_nearest_woman_who_acts_not_to_one_acted_on() -> None:
    cast = [CastMember("Cassie Otway", ("Cassie",), "female"), CastMember("Kate Hill", ("Kate",), "female")]
    text = (
        "The hall door banged, and Cassie burst into the room. She looked first at Kate.\n\n"
        '"You must know the truth," she said.\n'
    )
    feats = _features_of_turn(text, cast, 0)
    # Kate is named last, but looked at: "she" is the one who looked
    assert feats["Kate Hill"].get("pron_tag_rank0") == 1
    assert feats["Cassie Otway"].get("pron_tag_agent_rank0") == 1
    assert not feats["Kate Hill"].get("pron_tag_agent_rank0")
    owner = text.replace("She looked first at Kate.", "She stared at Kate's letter.")
    feats = _features_of_turn(owner, cast, 0)
    assert feats["Cassie Otway"].get("pron_tag_agent_rank0") == 1


def test_a_lead_ins_pronoun_points_back_to_a_name_in_the_lead_ins_own_paragraph() -> None:
    cast = [
        CastMember("Kate Hill", ("Kate",), "female"),
        CastMember("Mia Rowe", ("Mia",), "female"),
        CastMember("Will Rod", ("Will",), "male"),
    ]
    text = (
        "Mia poured the tea and passed the cups round.\n\n"
        '"Milk?" said Will.\n\n'
        "First Kate looked at her watch, and then asked Will the time. When told that it was "
        "ten to five she rose at once, and said:\n\n"
        '"Then I must go."\n'
    )
    feats = _features_of_turn(text, cast, 1)
    assert feats["Kate Hill"].get("tag_subject_pron_rank0") == 1
    assert not feats["Mia Rowe"].get("tag_subject_pron_rank0")
