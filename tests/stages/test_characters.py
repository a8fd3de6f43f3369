"""The characters stage: finding people with no cast list, aliases, gender, and a cast given."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

import ficlens
from ficlens.readers._cast import CastMember
from ficlens.stages.characters import (
    _Cluster,
    _cluster,
    _display_name,
    _gender,
    _given_name,
    _keep_full_names,
    find_candidates,
)
from ficlens.story import Character, Story

STAGES = ["structure", "quotations", "characters"]

VANCE = """\
Nora Vance had kept the light on Gull Point for eleven winters. The village knew Nora by her boots
before it knew her by her face.

"Miss Vance," said the postman at the gate, "there is a parcel for you." Nora signed for it and she
carried it in out of the rain.

That evening Nora opened the parcel on the kitchen table. Miss Vance, the children called her,
though she was barely thirty and laughed louder than any of them.
"""

MR_AND_MRS = """\
Mr. Vance came up the lane at six. He hung his hat on the peg and he called out for his wife.

Mrs. Vance was in the scullery. She did not answer him at first.

"You are late again," said Mrs. Vance.

"The ferry," said Mr. Vance. He sat down heavily, as Mr. Vance always did, and Mrs. Vance saw it.
"""

HARTFIELD = """\
Wren walked over to Hartfield in the rain. At Hartfield she found the doors locked, so she walked
on to Sallow Cross and back again.

"Nobody at Hartfield," said Wren to Tomas. Tomas laughed, and he shook the water from his coat.
They went from Hartfield to the mill and on to the river.

Wren sat on the step. Tomas sat beside her, and he said nothing for a while.
"""


def _analyze(text: str, **kw: object) -> Story:
    return ficlens.analyze(text, stages=STAGES, **kw)  # type: ignore[arg-type]


def _speakers_in_order(text: str) -> tuple[dict[str, str], list[str]]:
    """The names of the characters found, by id, and who says each speech quotation, in order."""
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters", "attribution"])
    names = {c.id: c.name for c in story.characters}
    said = [names.get(story.attributions[q.id].speaker or "", "") for q in sorted(story.speech(), key=lambda q: q.start)]
    return names, said


def _who(story: Story, name: str) -> Character:
    found = [c for c in story.characters if name == c.name or name in c.aliases]
    assert len(found) == 1, f"{name!r} belongs to {len(found)} characters: {story.characters}"
    return found[0]


def test_characters_alias_clustering_joins_first_name_full_name_and_title() -> None:
    story = _analyze(VANCE)
    nora = _who(story, "Nora")
    assert {nora.name, *nora.aliases} >= {"Nora", "Nora Vance", "Miss Vance"}
    assert _who(story, "Miss Vance").id == _who(story, "Nora Vance").id == nora.id
    assert nora.gender == "female"


def test_characters_mention_count_matches_the_mentions_layer() -> None:
    story = _analyze(VANCE)
    nora = _who(story, "Nora")
    own = [m for m in story.mentions if m.character == nora.id]
    assert nora.mention_count == len(own) == 6
    for m in own:
        assert story.text[m.start : m.end] in {nora.name, *nora.aliases}


def test_characters_mr_and_mrs_of_one_surname_are_two_people() -> None:
    story = _analyze(MR_AND_MRS)
    mr, mrs = _who(story, "Mr. Vance"), _who(story, "Mrs. Vance")
    assert mr.id != mrs.id
    assert (mr.gender, mrs.gender) == ("male", "female")


@pytest.mark.parametrize(
    ("text", "name", "gender"),
    [
        (
            (
                "The yard was empty when Sam came in. Everyone said Sam worked too hard, and he never argued.\n\n"
                "That night Sam slept by the stove, and he dreamed of nothing at all.\n"
            ),
            "Sam",
            "male",
        ),
        (
            (
                "The yard was empty when Robin came in. Everyone said Robin worked too hard, and she never argued.\n\n"
                "That night Robin slept by the stove, and she dreamed of nothing at all.\n"
            ),
            "Robin",
            "female",
        ),
        (
            "The parcel was for Lady Ashby. Nobody had seen Lady Ashby since the spring.\n",
            "Lady Ashby",
            "female",
        ),
        (
            "The parcel was for Sir Tobias. Nobody had seen Sir Tobias since the spring.\n",
            "Sir Tobias",
            "male",
        ),
    ],
    ids=["pronouns-he", "pronouns-she", "title-lady", "title-sir"],
)
def test_characters_gender_from_pronouns_and_titles(text: str, name: str, gender: str) -> None:
    assert _who(_analyze(text), name).gender == gender


def test_characters_gender_is_not_taken_from_another_characters_pronouns() -> None:
    # "until he noticed her": he is the other one; "… and Oriel at two. He …": "He" goes on from
    # the sentence's subject, not from Oriel
    text = (
        "Wystan sat on the bed with a blanket round his shoulders. Oriel leaned in the doorway until he noticed her.\n\n"
        "Nobody used his full name except his mother and, apparently, Oriel at two in the morning. He shut his eyes.\n"
    )
    assert _who(_analyze(text), "Oriel").gender == "unknown"
    # a name that opens its sentence, or follows a speech verb, still gives the next one's pronoun
    text = (
        'Oriel nodded. She picked up the cup.\n\n"Fine," said Oriel. She put it down again.\n\n'
        "Later Oriel laughed. She could not help it.\n"
    )
    assert _who(_analyze(text), "Oriel").gender == "female"


def test_characters_gender_is_not_taken_from_an_object_in_the_names_own_clause() -> None:
    # "him" in Cass's own clause is someone else: she would be "herself"; and the "She" after
    # "which is why Cass comes here." is hers: she is the subject of the clause that ends it
    text = (
        "The mess hall is empty at this hour, which is why Cass comes here. She sits by the viewport.\n\n"
        "Ilya doesn't argue. Cass hates that about him. Cass has always hated that about him.\n"
    )
    assert _who(_analyze(text), "Cass").gender == "female"
    # in a clause of its own, the object may be the name's: "because I had bleeped him"
    text = "Dr. Haddon came at half past two, because I had bleeped him about the drip.\n\nDr. Haddon nodded.\n"
    assert _who(_analyze(text), "Dr. Haddon").gender == "male"


def test_characters_places_after_at_are_not_characters() -> None:
    story = _analyze(HARTFIELD)
    names = {n for c in story.characters for n in (c.name, *c.aliases)}
    assert "Hartfield" not in names
    assert {"Wren", "Tomas"} <= names


def test_characters_cast_is_authoritative() -> None:
    cast = [
        CastMember("Nora Vance", ("Nora", "Miss Vance"), "female"),
        CastMember("Ellis Crane", ("Ellis",), "nonbinary"),
    ]
    story = _analyze(VANCE, cast=cast)
    assert [(c.id, c.name, c.gender, c.source) for c in story.characters] == [
        ("c1", "Nora Vance", "female", "cast"),
        ("c2", "Ellis Crane", "nonbinary", "cast"),
    ]
    assert story.characters[0].mention_count == 6
    # a cast member the story never names is still listed, with no mentions
    assert story.characters[1].mention_count == 0
    # nobody outside the cast is added, and every mention belongs to a cast member
    assert {m.character for m in story.mentions} == {"c1"}


def test_characters_cast_from_a_yaml_file(write_file: Callable[[str, str], Path]) -> None:
    cast = write_file("cast.yaml", "- name: Nora Vance\n  aliases: [Nora, Miss Vance]\n  gender: F\n")
    story = _analyze(VANCE, cast=cast)
    assert [(c.name, c.aliases, c.gender) for c in story.characters] == [
        ("Nora Vance", ("Nora", "Miss Vance"), "female")
    ]


SENTENCE_INITIAL = """\
Wren pulled the boat up the shingle. Outside the harbour the swell was building.

Tomas came down with the lamp. Wren took it from him without a word.

Afterwards the two of them sat in the boathouse. Tomas talked about the weather. Wren listened.
"""


def test_characters_names_seen_only_at_sentence_starts_are_found() -> None:
    story = _analyze(SENTENCE_INITIAL)
    names = {n for c in story.characters for n in (c.name, *c.aliases)}
    assert {"Wren", "Tomas"} <= names
    assert not names & {"Outside", "Afterwards"}
    assert _who(story, "Wren").mention_count == 3


def test_characters_without_the_entity_recogniser_sentence_starts_are_not_names() -> None:
    from ficlens.stages.characters import CharacterStage

    story = ficlens.analyze(SENTENCE_INITIAL, stages=["structure", "quotations"])
    CharacterStage(use_ner=False)(story)
    assert story.characters == ()


def test_characters_a_declared_name_used_only_where_sentences_open_is_a_character() -> None:
    # the archive's "Characters:" line names them; the story names each only at a sentence's start
    text = (
        "Characters: Harry Potter, Draco Malfoy, Ron Weasley\n\n"
        "The changing room was empty by the time Harry came back for his gloves.\n\n"
        'Malfoy was sitting on the bench under the window. "Lost something, Potter?"\n\n'
        '"My gloves." Harry did not move from the doorway.\n\n'
        'Draco let the Snitch go. "You caught it. Fair and square."\n\n'
        'Ron was waiting outside, hands in his pockets. "What took you so long, mate?"\n'
    )
    story = _analyze(text)
    draco = _who(story, "Draco")
    assert {"Malfoy", "Draco Malfoy"} <= set(draco.aliases) | {draco.name}
    assert _who(story, "Ron").id != draco.id


def test_characters_a_command_that_opens_a_line_of_dialogue_is_not_a_name() -> None:
    # the entity recogniser alone takes "Lie" and "Hush" here for people
    story = _analyze(
        'Bev came up the ward with a jug of water. Mr. Hale was sitting on the edge of his bed.\n\n'
        '"Your shoes are in your locker, my love. Lie back down for me," said Bev.\n\n'
        '"Is the car all right?" Mr. Hale asked.\n\n"Car\'s grand. Lie down. Hush now."\n\n'
        '"Where is Joan?"\n\n"Hush. Lie still and I will fetch her."\n\n'
        'Bev went off down the ward, and Mr. Hale lay down at last.\n'
    )
    names = {n for c in story.characters for n in (c.name, *c.aliases)}
    assert {"Bev", "Mr. Hale"} <= names
    assert not names & {"Lie", "Hush"}


def test_characters_pronoun_after_another_name_is_not_counted() -> None:
    story = _analyze(
        "Dev Okafor sat on the wall with the chips. Everyone knew that Dev hated "
        "sharing. Dev knew that Nora Vance wanted one, and she did. The gulls watched Nora, and she watched "
        "Dev, and he watched the gulls. In the end Dev gave Nora the last chip.\n"
    )
    assert (_who(story, "Dev").gender, _who(story, "Nora").gender) == ("male", "female")


def test_characters_header_and_authors_notes_are_not_mentions() -> None:
    text = (
        "Pairing: Nora Vance/Dev Okafor\nCharacters: Nora Vance, Dev Okafor, Mags Fell\n\n"
        "A/N: Mags Fell gets her own fic next week, I promise!\n\n" + VANCE
    )
    story = _analyze(text)
    body = text.index("Nora Vance had kept")
    assert all(m.start >= body for m in story.mentions)
    names = {n for c in story.characters for n in (c.name, *c.aliases)}
    assert "Mags Fell" not in names and "Dev Okafor" not in names
    assert _who(story, "Nora").mention_count == 6
    with_cast = _analyze(text, cast=[CastMember("Mags Fell", ("Mags",), "female")])
    assert with_cast.characters[0].mention_count == 0


def test_characters_cast_aliases_of_any_shape_are_found() -> None:
    text = "Everyone waited for the skipper. Ó Briain came at last, and the skipper said nothing.\n"
    cast = [CastMember("Aoife Ó Briain", ("Ó Briain", "the skipper"), "female")]
    story = _analyze(text, cast=cast)
    assert [text[m.start : m.end] for m in story.mentions] == ["the skipper", "Ó Briain", "the skipper"]


def test_characters_cast_names_are_found_as_the_text_spells_them() -> None:
    # a cast typed by hand (or PDNC's) may spell a name as the book does not: "Mcbryde" for
    # the text's "McBryde", "Nawab Badahur" with two letters swapped for "Nawab Bahadur"
    text = (
        "McBryde came in. The Nawab Bahadur bowed to Mr. McBryde, and McBryde bowed back. "
        "Later the Nawab Bahadur left. Fielding watched him go.\n"
    )
    cast = [
        CastMember("Mr. Mcbryde", (), "male"),
        CastMember("The Nawab Badahur", ("Nawab Badahur",), "male"),
        CastMember("Fielding", ("Cyril Fielding", "Fieldig"), "male"),
    ]
    story = _analyze(text, cast=cast)
    found = [(text[m.start : m.end], m.character) for m in story.mentions]
    assert found == [
        ("McBryde", "c1"),
        ("The Nawab Bahadur", "c2"),
        ("Mr. McBryde", "c1"),
        ("McBryde", "c1"),
        ("the Nawab Bahadur", "c2"),
        ("Fielding", "c3"),
    ]


def test_characters_cast_name_the_text_uses_as_written_is_not_respelled() -> None:
    # "Carol" is in the text as the cast has it; "Coral", two letters swapped, is someone else
    text = "Carol waited. Coral came, and Coral and Carol walked on.\n"
    story = _analyze(text, cast=[CastMember("Carol", (), "female")])
    assert [text[m.start : m.end] for m in story.mentions] == ["Carol", "Carol"]


def test_characters_cast_names_with_the_match_mid_sentence() -> None:
    text = "The Hatter poured the tea. Then the Hatter sighed, and the officer laughed at the hatter.\n"
    cast = [CastMember("The Hatter", (), "male"), CastMember("The Officer", (), "unknown")]
    story = _analyze(text, cast=cast)
    assert [(text[m.start : m.end], m.character) for m in story.mentions] == [
        ("The Hatter", "c1"),
        ("the Hatter", "c1"),
        ("the officer", "c2"),
        ("the hatter", "c1"),
    ]


def test_characters_cast_descriptions_match_when_they_open_a_sentence() -> None:
    # "The Mariner" of a cast is "the mariner" in the text, and "The mariner" at a sentence's start
    text = 'The mariner went red. "Well?" said the mariner. The Mariner\'s hat fell off.\n'
    cast = [CastMember("The Mariner", (), "male")]
    story = _analyze(text, cast=cast)
    assert [text[m.start : m.end] for m in story.mentions] == ["The mariner", "the mariner", "The Mariner"]


def test_characters_cast_descriptions_of_any_length_match_in_lower_case() -> None:
    # a cast may list a minor character only by a description; the text writes it in lower case
    text = '"Sit," said the man in the grey\ncoat. The Man In The Grey Coat sat first.\n'
    cast = [CastMember("The Man In The Grey Coat", (), "male")]
    story = _analyze(text, cast=cast)
    assert [text[m.start : m.end] for m in story.mentions] == ["the man in the grey\ncoat", "The Man In The Grey Coat"]


def test_characters_cast_first_name_that_is_also_a_word_is_read_with_care() -> None:
    # the cast lists only "May Welland": "May" is her, but not "May I come in?", nor "in May"
    text = (
        "Archer looked at May across the room. May I come in? They married in May, and May "
        "smiled at him.\n"
    )
    story = _analyze(text, cast=[CastMember("May Welland", (), "female")])
    found = [(m.start, text[m.start : m.end]) for m in story.mentions]
    assert found == [(text.index("at May") + 3, "May"), (text.index("and May") + 4, "May")]
    # opening a sentence, "May" is her when a verb or "'s" follows: "May said", '"Why?" May
    # asked', "May's blush"; not "May I", nor "May the best man win"
    text = (
        'Archer looked up. May said nothing. "Why?" May asked. May\'s blush deepened. May I sit? '
        "May the best man win.\n"
    )
    story = _analyze(text, cast=[CastMember("May Welland", (), "female")])
    found = [text[m.start : m.end + 4] for m in story.mentions]
    assert found == ["May sai", "May ask", "May's b"]


def test_characters_old_and_young_mr_are_two_people() -> None:
    # "Mr. George Emerson" once, and "Mr. Emerson" is his father: the story says "old" and "young"
    body = (
        "George Emerson stood by the window. Mr. George Emerson did not turn round. Old Mr. Emerson "
        "sat by the fire, and Mr. Emerson talked to George about the view. George laughed. Young Mr. "
        "Emerson went out, and Mr. Emerson followed him. George waited on the steps for Mr. Emerson.\n"
    )
    story = _analyze(body)
    assert _who(story, "Mr. Emerson") is not _who(story, "George")
    # without the ages, "Mr. Emerson" is George Emerson himself
    same = _analyze(body.replace("Old Mr. Emerson", "Mr. Emerson").replace("Young Mr. \nEmerson", "Mr. Emerson"))
    assert _who(same, "Mr. Emerson") is _who(same, "George")


def test_characters_cast_full_names_imply_their_surname_and_first_name() -> None:
    # the cast lists "William Rodney" and "Mr. Denham"; the text says "Rodney", "William" and "Denham"
    text = "Rodney shut the door. William was always careful. Denham laughed at him, and Mr. Bell too.\n"
    cast = [
        CastMember("William Rodney", (), "male"),
        CastMember("Ralph Denham", ("Mr. Denham",), "male"),
        CastMember("Mr. Bell", (), "male"),
        CastMember("Mrs. Bell", (), "female"),
    ]
    story = _analyze(text, cast=cast)
    assert [(text[m.start : m.end], m.character) for m in story.mentions] == [
        ("Rodney", "c1"),
        ("William", "c1"),
        ("Denham", "c2"),
        ("Mr. Bell", "c3"),
    ]


def test_characters_cast_shared_surname_alone_is_the_one_man() -> None:
    # the narration calls a man by his bare surname, his wife by her title
    text = "Bell came in. Mrs. Bell followed.\n"
    cast = [CastMember("Mr. Bell", (), "male"), CastMember("Mrs. Bell", (), "female")]
    story = _analyze(text, cast=cast)
    assert [(text[m.start : m.end], m.character) for m in story.mentions] == [("Bell", "c1"), ("Mrs. Bell", "c2")]


def test_characters_cast_surname_two_men_share_is_nobody() -> None:
    text = "Bell came in. Mrs. Bell followed.\n"
    cast = [
        CastMember("Mr. Bell", (), "male"),
        CastMember("Tom Bell", (), "male"),
        CastMember("Mrs. Bell", (), "female"),
    ]
    story = _analyze(text, cast=cast)
    assert [text[m.start : m.end] for m in story.mentions] == ["Mrs. Bell"]
    # nor when the name is a description, not a surname
    cards = "Hearts were trumps. The Knave of Hearts bowed.\n"
    cast = [CastMember("Knave Of Hearts", (), "male"), CastMember("Queen Of Hearts", (), "female")]
    assert "Hearts" not in [cards[m.start : m.end] for m in _analyze(cards, cast=cast).mentions]
    # nor when the cast leaves the gender of one who shares it open
    cast = [CastMember("Mr. Bell", (), "male"), CastMember("Alice Bell", (), "unknown")]
    story = _analyze(text.replace("Mrs. Bell", "Alice Bell"), cast=cast)
    assert [m.character for m in story.mentions] == ["c2"]


def test_characters_mrs_surname_is_not_the_daughter() -> None:
    text = (
        "Miss Katharine Hilbery poured the tea. Katharine Hilbery was tired; Katharine always was on "
        "Sundays. Mrs. Hilbery talked of poets. Katharine listened to Mrs. Hilbery and to nobody else. "
        "Mrs. Hilbery said that Katharine should marry.\n"
    )
    story = _analyze(text)
    assert _who(story, "Katharine Hilbery") != _who(story, "Mrs. Hilbery")


@pytest.mark.parametrize(
    ("text", "genders"),
    [
        (
            # the pronouns after "Ralph" are Mary's; his name says he is a man
            "The gate was cold, and Ralph Denham waited by it. Later Ralph watched Mary; she was late. At last "
            "Ralph saw her, and then Ralph smiled at her. Soon Mary Datchet waved, and Mary laughed.\n",
            {"Ralph Denham": "male", "Mary": "female"},
        ),
        (
            # no pronoun follows either name: the patronymics alone tell
            "At the casino Alexis Ivanovitch waited by the wheel, and Polina Alexandrovna did not come.\n\n"
            '"Red," said Alexis Ivanovitch.\n\n"Black," said Polina Alexandrovna.\n',
            {"Alexis Ivanovitch": "male", "Polina Alexandrovna": "female"},
        ),
    ],
    ids=["common-given-name", "russian-patronymic"],
)
def test_characters_the_name_itself_tells_the_gender(text: str, genders: dict[str, str]) -> None:
    story = _analyze(text)
    assert {name: _who(story, name).gender for name in genders} == genders


def test_characters_mrs_with_her_husbands_full_name_is_his_wife() -> None:
    text = (
        "That night Henry Archer came home late. Henry Archer had dined at the club, and Archer was tired. "
        "Young Mrs. Henry Archer was waiting for him. Miss Archer, his sister, had gone to bed.\n"
    )
    story = _analyze(text)
    him = _who(story, "Henry Archer")
    assert him.gender == "male"
    assert "Mrs. Henry Archer" not in him.aliases
    assert "Miss Archer" not in him.aliases


def test_characters_mrs_with_a_mans_given_name_is_his_wife_though_he_is_always_titled() -> None:
    text = (
        "Mr. Robert Ferrars called at noon. Mr. Robert Ferrars stayed an hour and talked of cottages. "
        "Mrs. Robert Ferrars, his bride of a week, said almost nothing, and Robert did not notice. "
        "When they had gone, Elinor said that Mrs. Robert Ferrars had looked tired, and that Robert "
        "had talked enough for two.\n"
    )
    story = _analyze(text)
    him = _who(story, "Robert")
    assert him.gender == "male"
    assert "Mrs. Robert Ferrars" not in him.aliases
    assert _who(story, "Mrs. Robert Ferrars").gender == "female"


def test_characters_a_stop_word_after_a_title_is_a_surname() -> None:
    # "Hall" alone is a building; "Mr. Hall" and "Mrs. Hall" are the landlord and his wife
    text = (
        "The inn stood by the Hall gates. Mrs. Hall kept the bar, and Mr. Hall kept out of her way. "
        "That night Mrs. Hall called up the stairs, and Mr. Hall came down at last.\n"
    )
    story = _analyze(text)
    assert _who(story, "Mrs. Hall").gender == "female"
    assert _who(story, "Mr. Hall").gender == "male"
    assert _who(story, "Mrs. Hall") != _who(story, "Mr. Hall")
    assert not any(c.name == "Hall" for c in story.characters)


def test_characters_a_title_alone_is_not_a_name() -> None:
    text = "At the table Mlle. spoke to nobody, and later Mme. sent for the doctor.\n"
    counts, _where = find_candidates(text)
    assert not any(name in ("Mlle", "Mme") for _title, name in counts)


def test_characters_a_lower_case_particle_is_the_same_name() -> None:
    text = (
        "De Vries came in from the rain. The count was there, and Monsieur de Vries bowed to him. "
        "De Vries sat down; the count asked for wine, and de Vries laughed.\n"
    )
    story = _analyze(text)
    vries = [c for c in story.characters if "Vries" in c.name or any("Vries" in a for a in c.aliases)]
    assert len(vries) == 1


def test_characters_a_title_in_a_few_mentions_does_not_outvote_the_pronouns() -> None:
    # "Madame General" twice; "the General" and his "he" everywhere else
    text = "At dinner the General frowned, and he said nothing. " * 6
    found = [(m.start(), m.end(), "General") for m in re.finditer("General", text)]
    cluster = _Cluster("General", names=Counter({"General": 190, "Madame General": 4}))
    cluster.title_gender["female"] += 1
    assert _gender(text, cluster, found) == "male"
    cluster.names["Madame General"] = 60  # a title that is a fair share of the mentions still decides
    assert _gender(text, cluster, found) == "female"


def test_characters_a_description_with_an_adjective_is_not_a_name() -> None:
    text = (
        '"Go home," said the old lady. "Now," said the old lady again. "Go," said the old lady. '
        '"Wait," said the stranger. "Why?" asked the stranger. "Because," said the stranger.\n'
    )
    story = _analyze(text)
    names = {c.name for c in story.characters}
    assert "the stranger" in names
    assert not any(n.startswith("the old") for n in names)


def test_characters_a_description_may_open_with_a_month() -> None:
    text = (
        '"Have some wine," said the March Hare. "There isn\'t any," said Alice. '
        '"No," said the March Hare. "Then it was rude," said Alice. "It was," said the March Hare.\n\n'
        "In March the garden was cold.\n"
    )
    names = {c.name for c in _analyze(text).characters}
    assert "the March Hare" in names
    assert not any(n in ("March", "the March") for n in names)


def test_characters_a_first_name_that_is_also_a_word_names_its_character_with_care() -> None:
    text = (
        "Newland Archer waited for May Welland at the door. He had known May Welland since June.\n\n"
        '"You are late," said May. Archer smiled at May.\n\n'
        '"May I come in?" asked Archer. They had been engaged in May.\n'
    )
    story = _analyze(text)
    may = _who(story, "May Welland")
    assert "May" in may.aliases
    said = [m for m in story.mentions if m.character == may.id]
    # the two full names and the two "May"s inside sentences; not "May I", not "in May"
    assert len(said) == 4


def test_characters_a_title_used_alone_is_the_one_character_named_with_it() -> None:
    text = (
        "General Tilney was at the door before them. General Tilney bowed, and Henry Tilney frowned.\n\n"
        '"You are late," said the general.\n\n"The roads," said Henry.\n\n'
        '"Roads," said the general, "are no excuse."\n\n"No, sir," Henry said.\n\n'
        '"Sit down," said the general.\n'
    )
    story = _analyze(text)
    general = _who(story, "General Tilney")
    assert general.name == "General Tilney"
    assert "the general" in general.aliases


def test_characters_a_country_title_is_a_title_too() -> None:
    # "Farmer Gedling" and "Squire Thorne" are titled like "Mr. Gedling": "the farmer" and
    # "the squire" of the tags and the narration are the one character so titled
    text = (
        "Farmer Gedling stood at the gate. Farmer Gedling had stood there since dawn.\n\n"
        '"A wet year," said the farmer. The farmer looked at the sky.\n\n'
        '"Wetter than last," said Squire Thorne, riding by. The squire laughed.\n\n'
        '"Good day to you," said the squire, and the farmer touched his hat. The squire smiled.\n\n'
        '"And to you, sir," said the farmer. "Wet," said the squire again. Squire Thorne rode on, and the farmer '
        "went in.\n"
    )
    story = _analyze(text)
    assert "the farmer" in _who(story, "Farmer Gedling").aliases
    assert "the squire" in _who(story, "Squire Thorne").aliases


def test_characters_a_place_nobody_speaks_through_is_not_a_character() -> None:
    text = (
        "Miss Quested had come out to see India. She wrote home that India was hot, and that Ronny said "
        "India was not a place for sightseeing. Mrs. Moore loved India from the first; Miss Quested thought "
        "India would never let her in, though Ronny told her that India would. In India, said Ronny, one "
        "waits.\n"
    )
    names = {c.name for c in _analyze(text).characters}
    assert "India" not in names
    assert "Ronny" in names


def test_characters_an_adjective_before_a_noun_is_not_a_description() -> None:
    text = (
        '"Sit," said the old gentleman. "Eat," said the old gentlman. "Sleep," said the old pauper. '
        '"Now," said the new clerk. "Then," said the new clerk. "Go," said the new clerk.\n'
    )
    names = {c.name for c in _analyze(text).characters}
    assert not any(n in ("the old", "the new") for n in names)


def test_characters_a_plural_surname_is_a_family_not_a_character() -> None:
    text = (
        "On Monday Helen Schlegel wrote to Margaret Schlegel from the country. The country had never "
        "suited the Schlegels, and everyone knew it of the Schlegels. That night Margaret Schlegel read the "
        "letter twice, and in the morning Helen Schlegel came home to the Schlegels at last.\n"
    )
    story = _analyze(text)
    names = [c.name for c in story.characters]
    assert "Schlegels" not in names
    assert "Margaret Schlegel" in names


PET_NAMES = (
    "Elizabeth Marsh walked along the harbour wall with her father. Then Elizabeth stopped.\n\n"
    '"You are quiet today," said her father, and Lizzy laughed.\n\n'
    '"I am thinking, Papa," said Elizabeth.\n\n'
    "He waited, and Lizzy took his arm. At home Miss Lizzy was the one who talked, and Elizabeth the one\n"
    "who listened; so Elizabeth Marsh grew up.\n\n"
    "By the steps stood Margaret Okafor and Meg Dunne. Later Meg Dunne left, and Margaret stayed.\n\n"
    '"Come on," said Meg Dunne. "Come on, Margaret."\n'
)


def test_characters_a_pet_name_joins_the_one_character_with_its_given_name() -> None:
    story = _analyze(PET_NAMES)
    elizabeth = _who(story, "Elizabeth")
    assert _who(story, "Lizzy").id == _who(story, "Miss Lizzy").id == elizabeth.id
    # "Meg" is her own person when the story names a Meg Dunne
    assert _who(story, "Meg Dunne").id != _who(story, "Margaret").id


PET_NAMES_OFF_THE_LIST = (
    '"Kitty, the tray," said Mrs. Ashby. Kitty rang for it. Kitty rang again, and Kitty sighed.\n\n'
    '"Catherine!" said Mrs. Ashby. "Catherine, sit up." Kitty sat up.\n'
)
A_LADYS_NAME = (
    "Lady Catherine de Bourgh called at four. Lady Catherine stayed an hour, and Lady Catherine talked.\n\n"
    '"Catherine, you tire us," said the Earl, and Catherine laughed, and the Earl gave Catherine his arm.\n\n'
    "Kitty brought the tea.\n\n"
    '"Thank you, Kitty," said Lady Catherine. "Yes, my lady," said Kitty.\n'
)


def test_characters_pet_names_the_list_lacks_join_their_given_names() -> None:
    story = _analyze(PET_NAMES_OFF_THE_LIST)
    # "Kitty" everywhere, "Catherine" only when she is scolded: one girl
    assert _who(story, "Kitty").id == _who(story, "Catherine").id
    # the given name of a cluster "Miss Letitia" / "Letitia" is Letitia, which "Letty" is short for
    letitia = _Cluster("Miss Letitia", Counter({"Miss Letitia": 2, "Letitia": 5}), surname="Letitia")
    assert _given_name(letitia) == "Letitia"
    assert _given_name(_Cluster("Mr. James", Counter({"Mr. James": 3}), surname="James")) is None
    # and no pet name belongs to a lady: the maid Kitty is not Lady Catherine
    story = _analyze(A_LADYS_NAME)
    assert _who(story, "Kitty").id != _who(story, "Lady Catherine").id


TITLED_FULL_NAMES = (
    "Mr. Leonard Pell kept the lamp shop. Mr. Pell sold oil, and Mr. Pell mended wicks.\n\n"
    '"Oil is dear this winter," said Mr. Pell. "Dearer," said Len, the boy who swept for him.\n\n'
    "Len laughed. Mr. Pell shut the shutters. Mr. Pell counted the till. Mr. Pell swept the step, and Mr. Pell "
    "locked the door. Next door Sir Walter Crane, whom everyone called Sir Walter, was asleep.\n\n"
    '"Goodnight, Mr. Pell," said Sir Walter from the window. Sir Walter waved. Sir Walter yawned.\n\n'
    "In the square Mr. Hugh Tarrant met his brother. Mr. Tarrant had come from the bank; Hugh had come\n"
    "from the station. Mr. Tarrant nodded. Mr. Tarrant frowned. Mr. Tarrant sighed. Mr. Tarrant spoke.\n"
    "Mr. Tarrant paid. Mr. Tarrant waited. Mr. Tarrant coughed. Mr. Tarrant looked at the clock, and\n"
    "Mr. Tarrant looked at the rain, and Mr. Tarrant buttoned his coat.\n\n"
    '"You are late," said Mr. Tarrant. "I know," said Hugh.\n'
)


def test_characters_a_short_titled_name_joins_the_full_name_with_that_title() -> None:
    story = _analyze(TITLED_FULL_NAMES)
    # far more often "Mr. Pell" than "Mr. Leonard Pell", but one man: the full name has his title
    assert _who(story, "Mr. Pell").id == _who(story, "Mr. Leonard Pell").id
    # and the boy Len is not Mr. Pell, whom no one calls Leonard
    assert _who(story, "Len").id != _who(story, "Mr. Pell").id
    assert _who(story, "Sir Walter").id == _who(story, "Sir Walter Crane").id
    # "Hugh" is used alone, so "Mr. Tarrant" may be the brother the story never names in full
    assert _who(story, "Mr. Tarrant").id != _who(story, "Hugh").id


PARTICLE_SURNAMES = (
    "Mr. van der Berg and Mrs. van der Berg dined at eight. Hendrik van der Berg carved, and\n"
    "Mrs. van der Berg poured.\n\n"
    '"More wine?" said Mr. van der Berg. "A little," said Mrs. van der Berg.\n\n'
    "Lady Agatha de Lisle came late. Lady Agatha sat by Miss de Lisle, her daughter, and Miss de Lisle\n"
    "said nothing.\n\n"
    '"Always," said Lady Agatha. "Mamma!" said Miss de Lisle.\n'
)


def test_characters_a_surname_with_lower_case_particles_after_a_title() -> None:
    story = _analyze(PARTICLE_SURNAMES)
    # "Mr. van der Berg" is a man called by title and surname, not "Berg" nor a given name "Van"
    assert _who(story, "Mr. Van der Berg").id != _who(story, "Mrs. Van der Berg").id
    # a Miss is not the Lady of her surname: mother and daughter
    assert _who(story, "Miss De Lisle").id != _who(story, "Lady Agatha").id


def test_characters_a_role_used_alone_is_the_one_character_named_with_it_after_one_introduction() -> None:
    # introduced once by title and surname, then known by the role; two tags speak through each
    text = (
        "Inspector Hale came into the kitchen at nine. Mara Quill was at the table.\n\n"
        '"You found him," she said.\n\n"We found the car," said the inspector. "Not the man."\n\n'
        '"Then why are you here?"\n\n"To ask where he would go," the inspector said.\n\n'
        "Dr. Amsel arrived at ten with his bag.\n\n"
        '"Who is hurt?" asked the doctor.\n\n"No one yet," said Mara.\n\n"Good," the doctor said.\n'
    )
    story = _analyze(text)
    assert "the inspector" in _who(story, "Inspector Hale").aliases
    assert "the doctor" in _who(story, "Dr. Amsel").aliases  # "Dr." is the doctor
    full = ficlens.analyze(text)
    spoken = {full.text[q.start : q.end]: full.attributions[q.id].speaker for q in full.quotes}
    assert spoken["We found the car,"] == spoken["To ask where he would go,"] == _who(full, "Inspector Hale").id


def test_characters_a_title_of_several_words_is_its_last_word_and_a_role_that_acts_joins_too() -> None:
    text = (
        "Detective Inspector Rhiannon Okoro reached the hospital at two. Rhiannon hated hospitals.\n\n"
        "Detective Superintendent Moira Haldane rang at six. The superintendent didn't wait for hello.\n\n"
        '"Well?" The inspector sighed. "Nothing yet," said Rhiannon.\n'
    )
    story = _analyze(text)
    okoro = _who(story, "Rhiannon")
    assert "Inspector Rhiannon Okoro" in okoro.aliases or okoro.name == "Inspector Rhiannon Okoro"
    assert "the inspector" in okoro.aliases  # "The inspector sighed": no tag, but she acts
    haldane = _who(story, "the superintendent")  # "The superintendent didn't wait": she acts
    assert "Haldane" in haldane.name


def test_characters_a_role_known_only_by_description_that_acts_is_a_character_with_few_tags() -> None:
    # a fairy tale: "the king" speaks twice and acts; "the miller's daughter" is not the miller
    text = (
        "The king rode out at dawn. The king looked at the mill.\n\n"
        '"Who lives here?" said the king.\n\n"The miller," said the miller\u2019s daughter.\n\n'
        '"Then fetch him," said the king. The king waited, and the door opened at last.\n'
    )
    story = _analyze(text)
    assert any(c.name.lower() == "the king" for c in story.characters)
    assert not any(c.name.lower() == "the miller" for c in story.characters)
    # "the door" acts too, but a door is no one's role
    assert not any("door" in c.name.lower() for c in story.characters)


def test_characters_a_roles_daughter_or_wife_who_speaks_and_acts_is_a_character_not_the_role() -> None:
    # known only as "the fisherman's wife": she speaks and acts, and her "she" is not his
    text = (
        "There was once a fisherman who lived with his wife in a hut by the sea. Every morning the "
        "fisherman went down to the water with his net, and every evening he came home with nothing.\n\n"
        "The fisherman\u2019s wife was waiting at the door. She had her arms folded.\n\n"
        '"Nothing again?" said the fisherman\u2019s wife.\n\n'
        '"Nothing," said the fisherman. The fisherman shook his head and sat down.\n\n'
        "The fisherman\u2019s wife took the net down again. She mended it herself, and she said nothing.\n"
    )
    story = ficlens.analyze(text)
    wife = _who(story, "the fisherman\u2019s wife")
    fisherman = _who(story, "the fisherman")
    assert wife.id != fisherman.id
    assert (wife.gender, fisherman.gender) == ("female", "male")
    first = next(story.speech())
    assert story.attributions[first.id].speaker == wife.id


def test_characters_dr_and_doctor_before_one_surname_are_one_person() -> None:
    kept = {("dr", "Kemp"): 5, ("doctor", "Kemp"): 2}
    where = {key: list(range(n)) for key, n in kept.items()}
    owner = {name: c.key for c in _cluster(kept, where, set()) for name in c.names}
    assert owner["Dr. Kemp"] == owner["Doctor Kemp"]


def test_characters_a_role_and_mr_before_one_surname_are_one_man_with_no_family_about() -> None:
    text = (
        "Mr. Kemp was at his desk when the knock came. Mr. Kemp did not look up.\n\n"
        '"Come in," said Dr. Kemp. He put down his pen, and Dr. Kemp waited.\n\n'
        '"You sent for me," said Adye. Kemp nodded.\n'
    )
    story = _analyze(text)
    assert _who(story, "Mr. Kemp") is _who(story, "Dr. Kemp")


def test_characters_a_role_is_not_the_wife_nor_one_of_a_family() -> None:
    # Dr. Grant and Mrs. Grant are husband and wife
    text = (
        "Dr. Grant was at dinner. Mrs. Grant poured the tea, and Dr. Grant ate.\n\n"
        '"More?" said Mrs. Grant.\n\n"Thank you," said Dr. Grant.\n'
    )
    story = _analyze(text)
    assert _who(story, "Dr. Grant") is not _who(story, "Mrs. Grant")
    # the major is the twins' father; "Mr. Sholto" is one of the sons
    text = (
        "Major Sholto had two sons, Thaddeus Sholto and Bartholomew Sholto. Major Sholto died in the spring.\n\n"
        '"He left a treasure," said Mr. Sholto. Mr. Sholto was sure of it.\n\n'
        '"Where?" said Major Sholto in the dream. Bartholomew Sholto laughed.\n'
    )
    story = _analyze(text)
    assert "Mr. Sholto" not in _who(story, "Major Sholto").aliases


def test_characters_a_title_alone_is_no_display_name() -> None:
    # "Colonel" alone is his most frequent form, but a reader knows him as Colonel Brandon
    text = (
        "Colonel Brandon came up the lane at six, and Marianne saw him from the window. Colonel Brandon knocked.\n\n"
        '"Good evening, Colonel," said Marianne. "Colonel, sit down."\n\n'
        '"Thank you," said Colonel Brandon.\n\n"Is it raining still, Colonel?" asked Marianne.\n\n'
        '"It is," said the Colonel. "Colonel or not, I am wet through."\n'
    )
    story = _analyze(text)
    assert _who(story, "Colonel").name == "Colonel Brandon"
    # the form a title is short for, not the next commonest name; a title never joined to a
    # name stays ("the General" of a story that calls someone else "Madame General" too)
    colonel = _Cluster("Colonel", names=Counter({"Colonel": 9, "Brandon": 6, "Colonel Brandon": 2}))
    assert _display_name(colonel) == "Colonel Brandon"
    general = _Cluster("General", names=Counter({"General": 40, "Madame General": 3}))
    assert _display_name(general) == "General"


def test_characters_a_role_no_tag_speaks_through_joins_no_one() -> None:
    # "the captain of a steamer" is not Captain Bellegarde, and no tag makes the captain speak
    text = (
        "Captain Bellegarde was a name in the papers once. Nell Ashby read it aloud.\n\n"
        '"The captain of a steamer," said Nell, "did the same thing."\n\n'
        '"Captain Bellegarde did?" asked Tom Ashby.\n\n"The captain of a steamer," Nell said again.\n'
    )
    story = _analyze(text)
    assert not any("the captain" in c.aliases for c in story.characters)


def test_characters_a_titled_surname_is_not_the_one_the_story_titles_otherwise() -> None:
    # Lady Augusta is never "Miss", Captain Tilney never "Mr.": "Miss Pellingham" is Eudora,
    # "Mr. Tilney" is Henry; with two sisters alike, "Miss Schlegel" stays apart
    kept = {
        ("miss", "Eudora Pellingham"): 1, ("lady", "Augusta Pellingham"): 4, ("miss", "Pellingham"): 6,
        ("captain", "Frederick Tilney"): 2, (None, "Henry Tilney"): 3, ("mr", "Tilney"): 5,
        (None, "Margaret Schlegel"): 3, (None, "Helen Schlegel"): 3, ("miss", "Schlegel"): 4,
    }
    where = {key: list(range(n)) for key, n in kept.items()}
    owner = {name: c.key for c in _cluster(kept, where, set()) for name in c.names}
    assert owner["Miss Pellingham"] == owner["Miss Eudora Pellingham"]
    assert owner["Mr. Tilney"] == owner["Henry Tilney"]
    assert owner["Miss Schlegel"] not in (owner["Margaret Schlegel"], owner["Helen Schlegel"])


def test_characters_a_title_used_as_a_name_is_the_one_character_with_that_title() -> None:
    # "the Professor", capitalised as a name, is Professor de Wint when no one else is a professor
    kept = {("professor", "De Wint"): 2, (None, "Professor"): 5, ("colonel", "Amory"): 3, ("colonel", "Hale"): 3, (None, "Colonel"): 2}
    where = {key: list(range(n)) for key, n in kept.items()}
    clusters = _cluster(kept, where, set())
    owner = {name: c.key for c in clusters for name in c.names}
    assert owner["Professor"] == owner["Professor De Wint"]
    # two colonels: "the Colonel" is neither
    assert owner["Colonel"] not in (owner["Colonel Amory"], owner["Colonel Hale"])


def test_characters_dialect_spellings_are_not_names() -> None:
    text = (
        '"Fo\' Gawd, Mis\' Pell, I nevah seen him," said Joe. "Lawd knows I looked."\n\n'
        '"Go \'long, Joe," said Mis\' Pell. "Marse Tom saw you. Gawd help you."\n\n'
        "Joe went off, and Mis' Pell shut the door on him. Gawd, Joe thought.\n"
    )
    names = {n for c in _analyze(text).characters for n in (c.name, *c.aliases)}
    assert not names & {"Gawd", "Lawd", "Mis", "Marse", "Marse Tom"}
    assert "Joe" in names


SHORTENED = (
    "Tamsin Rook ran the bookshop on Quay Street with Tobin Marsh. Miss Rook, the customers called her.\n\n"
    '"Tam," said Tobin, "the till is jammed." Tam sighed and went to look. Tam knew that till.\n\n'
    '"Kick it," said Tam. Tobin kicked it, and Tobin swore. "Thank you, Tam."\n\n'
    'At noon in came Fred Cole. "Morning, Fred," said Tam to Fred. He bought nothing, as Fred always did.\n\n'
    "Nobody ever called Frederica Hale, the landlady, anything but Frederica. Frederica came at one.\n"
)


def test_characters_a_name_cut_short_joins_the_one_character_it_shortens() -> None:
    story = _analyze(SHORTENED)
    # "Tam" is Tamsin Rook, whatever the pronouns near it say: her title makes her a woman
    tam = _who(story, "Tam")
    assert tam.id == _who(story, "Tamsin Rook").id == _who(story, "Miss Rook").id
    assert tam.gender == "female"
    # not across genders: Fred is not Frederica
    assert _who(story, "Fred").id != _who(story, "Frederica").id


SURNAME_AFTER = (
    "Keira Vane came down the ladder at three. The deck was cold and smelt of oil.\n\n"
    '"You\'re late," said Vane. Okafor slid out from under the pump and grinned at Vane.\n\n'
    '"I was here first, Kei. Sit down, Kei." Vane sat on the step. Vane was too tired to argue.\n\n'
    '"Go to bed, Kei," said Okafor. Vane did not move. Later Vane went up, and Okafor watched Vane go.\n\n'
    "Dr. Spencer came at four. Spencer said nothing, as Spencer rarely did.\n\n"
    "Laura Spencer came at five, and Okafor let her in.\n"
)


def test_characters_a_full_name_that_only_opens_a_sentence_joins_its_surname() -> None:
    # "Keira Vane" once, opening the story, then "Vane": one woman, whose first name makes
    # "Kei" hers too
    story = _analyze(SURNAME_AFTER)
    vane = _who(story, "Vane")
    assert _who(story, "Keira Vane").id == vane.id
    assert _who(story, "Kei").id == vane.id
    assert vane.gender == "female"
    # a surname someone holds with a title may be another person's: Laura is not Dr. Spencer
    spencer = _who(story, "Dr. Spencer")
    assert "Laura Spencer" not in (spencer.name, *spencer.aliases)


def test_characters_a_given_name_after_an_article_is_no_full_name() -> None:
    # "a white Ford Ranger" is a pickup truck, though "Ford" is a given name and "Ranger" is
    # used alone: it is not kept as the full name "Ranger" would then join
    text = "Keira Vane came in. Later Vane saw Ranger, and Ranger saw a white Ford Ranger go by."
    _counts, where = find_candidates(text)
    kept = {(None, "Vane"): 1, (None, "Ranger"): 2}
    rescued = _keep_full_names(text, kept, where, set())
    assert "Keira Vane" in rescued and "Ford Ranger" not in rescued


def test_characters_a_name_always_after_the_is_a_thing_not_a_person() -> None:
    text = (
        '"Meet me at the Ferret," said Nora. Tobin went to the Ferret at nine.\n\n'
        "The Ferret was warm and loud. Nora was at the bar, and Tobin waved at Nora.\n\n"
        '"You came," said the Hatter to Tobin, and the Hatter laughed. "Of course," said the Hatter.\n'
    )
    names = {c.name for c in _analyze(text).characters}
    assert "Ferret" not in names and "Nora" in names
    # a description a speech tag uses stays a character
    assert any("Hatter" in n for n in names)


def test_characters_the_misses_fairleigh_are_sisters_and_miss_fairleigh_the_eldest() -> None:
    text = (
        "The Misses Fairleigh were at home. Miss Fairleigh sewed, and Miss Clara Fairleigh read aloud to her.\n\n"
        '"Clara," said Miss Fairleigh, "you skip." Clara laughed. "Only the sermons," said Clara.\n\n'
        "Miss Fairleigh sighed. Miss Fairleigh was the elder by four years, and Clara never let her forget it.\n\n"
        'Mr. Fairleigh looked in. "Good morning, Misses Fairleigh," said Mr. Fairleigh, and went out again.\n'
    )
    story = _analyze(text)
    assert _who(story, "Miss Fairleigh").id != _who(story, "Clara").id
    assert _who(story, "Clara").id == _who(story, "Miss Clara Fairleigh").id
    assert not any("Misses" in n for c in story.characters for n in (c.name, *c.aliases))


def test_characters_lady_and_a_surname_is_not_the_daughter_the_story_calls_miss() -> None:
    text = (
        "Miss Clara Harcastle sat by the window. Lady Harcastle sat by the fire and did not look at her.\n\n"
        '"Clara," said Lady Harcastle, "the solicitor is late." Clara said nothing.\n\n'
        '"He is never late, Mamma," said Clara at last. Lady Harcastle sniffed, and Clara smiled.\n'
    )
    story = _analyze(text)
    assert _who(story, "Lady Harcastle").id != _who(story, "Clara").id
    assert _who(story, "Clara").id == _who(story, "Miss Clara Harcastle").id


def test_a_character_named_only_in_the_declared_pairing_and_once_in_the_story() -> None:
    # Ansel's point of view: the story calls him "Tarrow" once, and "Castell" once is Jory
    text = (
        "Title: Fish and Spite\nPairing: Ansel Tarrow/Jory Castell\n\n"
        "The storm had been at the tower since noon. He had the kettle on when the door banged.\n\n"
        '"You\'ll put the kettle on for nobody, Tarrow," Jory said, dripping on the mat.\n\n'
        '"It\'s on already," he said.\n\n'
        "Jory sat by the stove, and for once in his life Castell took his boots off.\n\n"
        '"Tea, then," said Jory.\n'
    )
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters"])
    chars = {c.name: set(c.aliases) for c in story.characters}
    assert chars == {"Jory": {"Castell", "Jory Castell"}, "Tarrow": {"Ansel Tarrow"}}


def test_characters_a_given_name_that_acts_as_a_woman_is_a_person_though_the_recogniser_says_place() -> None:
    # spaCy's small recogniser calls "Nadia" a place here; she is named only where a sentence
    # opens, and only once where one does not
    text = (
        'The kitchen was loud. "Two risotto, one bream," Chef called.\n\n'
        "Nadia pushed through the swing door with her arms full of plates.\n\n"
        '"Service," said Chef, and Nadia took them. She was gone before the door stopped swinging.\n\n'
        'The café in Florence was busy. "Is it always like this?" Mara asked.\n\n'
        "Florence lay under a haze that made its towers soft.\n"
    )
    story = _analyze(text)
    assert _who(story, "Nadia").gender == "female"
    assert "Florence" not in {c.name for c in story.characters}  # a place that is also a name: "in Florence", and "its"


def test_characters_a_surname_alone_where_sentences_open_joins_its_one_titled_name() -> None:
    # "Commander Reddick" once; then "Reddick" once, opening a sentence: too few uses apart
    text = """"We held the ford," Wren said, "and they didn't cross, and Reddick's company came up at dawn."

Near dawn Commander Reddick came through with two aides and a map case.

"He woke, Commander," she said. "He asked if we held it."

Reddick nodded slowly. "And what did you tell him?"
"""
    reddick = _who(_analyze(text), "Commander Reddick")
    assert "Reddick" in {reddick.name, *reddick.aliases}
    assert reddick.gender == "male"


def test_characters_a_name_seen_once_joins_the_short_form_the_dialogue_calls_them() -> None:
    # "Konstantin" once, where a sentence opens; "Kon" once, a line of its own: a two-hander
    # whose second voice is named no more than that
    text = (
        'The ferry was late again. "You could have said no," Ilse told him.\n\n'
        'Konstantin watched the gulls over the pier. "To my own brother?"\n\n'
        '"To anyone. Kon."\n\n'
        '"What."\n\n'
        '"You are allowed to say no," Ilse said, and he laughed at that.\n'
    )
    kon = _who(_analyze(text), "Konstantin")
    assert {kon.name, *kon.aliases} == {"Konstantin", "Kon"}
    assert kon.mention_count == 2


def test_characters_a_given_name_after_himself_or_a_speech_tag_at_sentence_starts_is_a_person() -> None:
    # the small recogniser calls "Marcus" a place; "Dorothea" opens each sentence she is in
    text = (
        '"Did Marcus ring?" Tova asked.\n\n'
        "Marcus himself was on the step an hour later, rain running off his hood.\n\n"
        '"Tea," Tova said. "Dorothea\'s kettle is on."\n\n'
        'Dorothea says, "It has been on since noon." Dorothea says that about everything.\n'
    )
    story = _analyze(text)
    assert _who(story, "Marcus").gender == "male"
    assert _who(story, "Dorothea").gender == "female"


def test_characters_a_month_that_a_speech_tag_speaks_through_is_a_name_and_elsewhere_the_month() -> None:
    text = (
        '"We close in June," the landlord said.\n\n'
        '"Then we move in June," June says. "I like the sound of that."\n\n'
        "June laughs at her own joke. May I say, nobody else does.\n"
    )
    story = _analyze(text)
    june = _who(story, "June")
    spans = [(m.start, m.end) for m in story.mentions if m.character == june.id]
    # the tag and the sentence June acts in; not "in June" twice, nor "May I say"
    assert [story.text[a:b] for a, b in spans] == ["June", "June"]
    assert all(not story.text[a - 3 : a].endswith("in ") for a, _b in spans)
    assert "May" not in {c.name for c in story.characters}


def test_characters_a_surname_that_is_a_word_is_the_man_of_that_name_where_a_tag_speaks_through_it() -> None:
    text = (
        "Mr. Hall kept the inn, and Mrs. Hall kept Mr. Hall. Every morning he swept the Hall's steps.\n\n"
        '"Fog again," said Hall, leaning on his broom.\n\n'
        '"Then sweep faster," said Mrs. Hall from the window.\n\n'
        "Hall grumbled, and walked up to the Hall to fetch the post. He told Hall's wife nothing.\n"
    )
    story = ficlens.analyze(text, stages=[*STAGES, "attribution"])
    hall = _who(story, "Mr. Hall")
    assert hall.gender == "male"
    assert "Hall" in {hall.name, *hall.aliases}
    spans = [story.text[m.start - 4 : m.end] for m in story.mentions if m.character == hall.id]
    # the tag and the sentence he acts in; not "the Hall" (a building)
    assert sum(s.endswith("Hall") and not s.startswith("the ") for s in spans) >= 4
    assert not any(s.startswith("the ") for s in spans)
    said = next(q for q in story.quotes if "Fog again" in story.text[q.start : q.end])
    assert story.attributions[said.id].speaker == hall.id
    # a story with no titled Hall has no character "Hall": "the Hall" stays a building
    plain = _analyze('"We dine at the Hall tonight," said Nell.\n\nThe Hall was cold.\n')
    assert "Hall" not in {c.name for c in plain.characters}


def test_characters_two_people_the_story_names_side_by_side_stay_two_despite_a_slip() -> None:
    text = (
        '"Pavlo! Marta! Where are they?" cried the old woman.\n\n'
        "Pavlo and Marta came running. Behind her chair marched Pavlo and Marta Pavlo in his "
        "frockcoat, and Marta in her mobcap.\n\n"
        '"Here, madam," said Marta.\n\n'
        '"Here," said Pavlo.\n\n'
        "Pavlo bowed and Marta curtsied.\n"
    )
    story = _analyze(text)
    assert _who(story, "Pavlo").id != _who(story, "Marta").id
    assert not any("Marta Pavlo" in (c.name, *c.aliases) for c in story.characters)


def test_characters_a_role_title_of_fan_fiction_makes_a_character_of_one_introduction() -> None:
    text = (
        'Magistrate Orrin entered without ceremony and took her seat.\n\n'
        '"Stand," she said.\n\n'
        "The magistrate's pen scratched once. \"We shall see.\"\n"
    )
    orrin = _who(_analyze(text), "Magistrate Orrin")
    assert orrin.gender == "female"
    assert "the magistrate" in {a.lower() for a in orrin.aliases}


def test_characters_a_first_person_narrator_the_dialogue_alone_names_is_that_name() -> None:
    text = (
        "Chapter 1\n\n"
        "I get to the station late, as I always do. Hester is on the bench with two coffees.\n\n"
        '"You missed the first train," she says.\n\n'
        '"I missed it on purpose."\n\n'
        'She hands me a cup. "Drink that before it goes cold, Ruth. I am not buying you another."\n\n'
        "I drink it. Hester watches the board as if it owes her money.\n"
    )
    story = ficlens.analyze(text)  # attribution too: "I missed it" is hers
    ruth = _who(story, "Ruth")
    assert ruth.source == "narrator"
    assert "Narrator" not in {c.name for c in story.characters}
    mine = next(q for q in story.quotes if story.span_text(q.start, q.end).startswith("I missed"))
    assert story.attributions[mine.id].speaker == ruth.id


def test_characters_a_name_in_the_narrators_own_line_does_not_name_the_narrator() -> None:
    text = (
        "Chapter 1\n\n"
        "I get to the station late, as I always do. Hester is on the bench with two coffees.\n\n"
        '"Thanks, Ruth," I say, though she is Hester and I am tired.\n\n'
        '"You missed the first train," she says.\n\n'
        "I drink my coffee. I watch the board. I do not answer her.\n"
    )
    names = {c.name for c in _analyze(text).characters}
    assert "Ruth" not in names
    assert "Narrator" in names


def test_characters_given_names_the_recogniser_calls_an_organisation_or_an_event_are_people() -> None:
    # the small recogniser calls "Alistair" ORG and "Hugo" EVENT in these sentences; "at
    # Alistair" after "grinned" is no place
    text = (
        "Chapter 1\n\n"
        '"It is from Aunt Cecily," Winifred said.\n\n'
        'Alistair didn\'t take it. "Both of us?"\n\n'
        '"Hugo has been your young man since the summer, Alistair."\n\n'
        "Hugo was late, which surprised no one. He grinned at Alistair.\n"
    )
    names = {c.name for c in _analyze(text).characters}
    assert {"Alistair", "Hugo"} <= names


def test_characters_her_own_mouth_after_a_name_tells_the_gender() -> None:
    # "Jun" is a name of either gender; "opens her mouth" is her own mouth, "caught her eye" is not
    text = (
        'Jun opens her mouth to correct him. Ines watches. "Two," Jun says.\n\n'
        '"One," Jun says again, and pays.\n\n'
        'Tal caught her eye across the stalls. "Three," Tal says.\n\n'
        '"Four," says Tal.\n'
    )
    story = _analyze(text)
    assert _who(story, "Jun").gender == "female"
    assert _who(story, "Tal").gender == "unknown"


def test_characters_a_chat_handle_in_lower_case_is_the_name_the_story_capitalises() -> None:
    text = (
        "sam: did anyone do the reading\n"
        "pip_23: define do\n"
        "sam: open the book. look at the words\n\n"
        'When he got to the seminar room, Sam was already there. "You\'re a lifesaver," Sam said.\n\n'
        '"It\'s a low bar," said Frodo. Frodo had read forty pages.\n'
    )
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters", "attribution"])
    names = {c.id: c.name for c in story.characters}
    assert {"Sam", "pip_23", "Frodo"} <= set(names.values())
    # the story is not told to a "you" by its chat lines
    assert "Reader" not in names.values()
    first = min(story.speech(), key=lambda q: q.start)
    assert names[story.attributions[first.id].speaker or ""] == "Sam"


def test_characters_a_scripts_labels_in_capitals_are_names_in_the_usual_case() -> None:
    text = (
        "JUNE: (putting the kettle on) You're up early.\n"
        "MARCUS: I never went to bed.\n"
        "JUNE: That explains the face.\n\n"
        "(MARCUS sits.)\n\n"
        "MARCUS: Thanks, Junie.\n"
    )
    names, said = _speakers_in_order(text)
    assert sorted(names.values()) == ["June", "Marcus"]
    assert said == ["June", "Marcus", "June", "Marcus"]
    # the stage direction is not what June says
    first = min(ficlens.analyze(text, stages=["structure", "quotations"]).speech(), key=lambda q: q.start)
    assert text[first.start : first.end] == "You're up early."


def test_characters_a_name_a_speech_tag_speaks_through_once_is_a_character() -> None:
    text = (
        "The kitchen was cold when Nell came down, and Ivo was already at the table with his "
        "hands round a mug.\n\n"
        '"Did either of you sleep?" asked Sam from the doorway.\n\n'
        '"Not much," Nell said. She poured what was left in the pot.\n\n'
        'Ivo shook his head. "The wind had the shutters going all night."\n'
    )
    names, said = _speakers_in_order(text)
    assert sorted(names.values()) == ["Ivo", "Nell", "Sam"]
    assert said[0] == "Sam"


def test_characters_a_rare_name_seen_only_where_sentences_open_is_someone_when_it_acts_twice() -> None:
    # the small recogniser calls "Oduya" a work of art twice and a person once; she acts
    text = (
        "The wind had dropped by the time Mara found him. Jonah sat on the sea wall with his boots "
        "hanging over the drop, a paper cup of something gone cold between his hands.\n\n"
        '"You missed the debrief," she said.\n\n'
        'He didn\'t look up. "Didn\'t feel like being debriefed."\n\n'
        "She climbed up beside him. The stone was wet and she felt it through her jeans.\n\n"
        '"Oduya asked after you."\n\n'
        '"Oduya can ask all she likes." Jonah turned the cup round. "She wasn\'t on the boat."\n\n'
        "Mara said nothing for a while. A gull came down on the railing behind them and Mara "
        "watched it, because watching it was easier than watching him.\n\n"
        "Footsteps crunched on the shingle below. Oduya stood there with her hands in her coat "
        "pockets, looking up at them both.\n\n"
        '"There you are," the inspector said. "I\'ve been ringing you for an hour."\n'
    )
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters"])
    names = {c.name: c for c in story.characters}
    assert "Oduya" in names
    assert names["Oduya"].gender == "female"


def test_characters_a_pronoun_that_a_names_perfect_verb_acts_on_is_someone_elses() -> None:
    # "Rourke had kept her waiting": "her" is the commander, not Rourke
    text = (
        "Commander Adaeze Obi did not like being kept waiting, and Lieutenant Rourke had kept her "
        "waiting for eleven minutes.\n\n"
        '"You\'re late," she said when he finally came through the hatch.\n\n'
        '"Engine room, sir." Rourke wiped his hands on a rag that only made them worse.\n\n'
        "Obi let that go. Rourke was quiet for a long moment.\n"
    )
    story = ficlens.analyze(text, stages=["structure", "quotations", "characters"])
    genders = {c.name: c.gender for c in story.characters}
    assert genders["Rourke"] == "male"
