"""Characters fan fiction writes that a novel seldom does: an "I" the story never names, a
mother called "Mum", a point-of-view character named mostly where a sentence starts."""

from __future__ import annotations

import re

import ficlens
from ficlens.stages.characters import KIN_NAMES, _pronoun_votes
from ficlens.story import Story

ANALYSIS = ["structure", "quotations", "characters", "attribution"]

# first person; nobody ever says the narrator's name
NIGHT_FERRY = """\
The ferry left at ten, and I was the last one up the ramp. Tobias was already at the rail with
two paper cups of tea, which meant he had been waiting for me, which meant he wanted something.

"You took your time," Tobias said.

"I had to find my ticket," I said. "It was in the wrong pocket."

"It's always in the wrong pocket."

"That's why I keep it there. Then I know where it is."

He handed me a cup. I wrapped my hands round it and watched the lights of the harbour slide away
behind us, one by one, until there was only the dark and the engine and the smell of diesel.

"Marguerite called," Tobias said. "She wants us for Sunday."

"Both of us?"

"Both of us. She was very clear." He drank his tea. "She said to tell you she's forgiven you."

"For what?" I asked.

"She didn't say. I think that's the point."
"""

# the mother is only ever "Mum"
KITCHEN = """\
Mum was at the sink when Rosa came in, and she did not turn round.

"You're late," Mum said.

"The bus broke down," said Rosa. "Outside the garage, of all places."

"Then the garage should have fixed it." Mum dried her hands on the tea towel. "Sit down. There's
soup."

Rosa sat. The soup was leek and potato, which was what Mum made when she had something to say
and had not yet decided how to say it.

"Is this about Dad?" Rosa asked.

"Eat your soup," said Mum.
"""


def _run(text: str) -> Story:
    return ficlens.analyze(text, stages=ANALYSIS)


def _speakers(story: Story) -> list[str | None]:
    names = {c.id: c.name for c in story.characters}
    by_start = sorted(story.speech(), key=lambda q: q.start)
    atts = story.attributions
    return [names.get(atts[q.id].speaker or "") for q in by_start if q.id in atts]


def test_an_unnamed_first_person_narrator_is_a_character_who_speaks() -> None:
    story = _run(NIGHT_FERRY)
    narrators = [c for c in story.characters if c.source == "narrator"]
    assert [(c.name, c.mention_count) for c in narrators] == [("Narrator", 0)]
    said = _speakers(story)
    # '"I had to find my ticket," I said.' and '"For what?" I asked.' are the narrator's
    assert said.count("Narrator") >= 4
    assert said[0] == "Tobias" and said[1] == "Narrator"


def test_a_named_first_person_narrator_gets_no_second_character() -> None:
    named = NIGHT_FERRY.replace('"You took your time," Tobias said.', '"You took your time, Petra," Tobias said.')
    named = named.replace('"Both of us. She was very clear."', '"Both of us, Petra. She was very clear."')
    named = named.replace('"She didn\'t say.', '"She didn\'t say, Petra.')
    story = _run(named)
    assert not [c for c in story.characters if c.source == "narrator"]
    assert "Petra" in _speakers(story)


def test_a_first_person_narrator_the_narration_says_was_named_gets_no_second_character() -> None:
    # no reply to '"…," I said' names her: the narration says whose name the call was
    text = (
        "Kez comes in at seven with a croissant in her mouth. I am already behind the counter.\n\n"
        "\u201cYou\u2019re late,\u201d I say.\n\n\u201cI\u2019m early for nine.\u201d\n\n"
        "At eight the door opens, and Theo comes in out of the rain. Kez sees him first.\n\n"
        "\u201cMorning, Immy,\u201d he says.\n\n"
        "It\u2019s the first time he\u2019s said my name. I put the cup down very carefully.\n\n"
        "\u201cYou\u2019ve gone red, Immy,\u201d says Kez.\n\n\u201cHave not.\u201d\n\n"
        "\u201cGo on then, Immy,\u201d says Kez, and she goes off into the back.\n"
    )
    story = _run(text)
    assert not [c for c in story.characters if c.source == "narrator"]
    assert _speakers(story)[0] == "Immy"


def test_a_third_person_story_has_no_narrator_character() -> None:
    assert not [c for c in _run(KITCHEN).characters if c.source == "narrator"]


def test_an_authors_note_in_the_first_person_does_not_make_the_story_first_person() -> None:
    # the writer's "I" in the note is not the story's narrator: Rosa's "I" stays hers
    note = (
        "A/N: I wrote this on the train home because I could not stop thinking about my own "
        "mum's kitchen. I hope you like it, and thank you to my beta for my commas!\n\n* * *\n\n"
    )
    story = _run(note + KITCHEN)
    assert [p.kind for p in story.paragraphs][0] == "note"
    assert not [c for c in story.characters if c.source == "narrator"]
    said = _speakers(story)
    assert said[0] == "Mum" and said[1] == "Rosa"


def test_a_kinship_word_a_tag_uses_as_a_name_is_a_character() -> None:
    story = _run(KITCHEN)
    mum = next(c for c in story.characters if c.name == "Mum")
    assert mum.gender == "female" and mum.mention_count >= 5
    said = _speakers(story)
    assert said[0] == "Mum" and said[1] == "Rosa" and said[-1] == "Mum"
    # "Dad" is only talked about, never a speaker in a tag: not a character
    assert "Dad" not in {c.name for c in story.characters}
    assert KIN_NAMES["Dad"] == "male"


def test_a_kinship_word_before_a_name_is_a_title_not_a_name() -> None:
    text = (
        '"We shall pray," said Father Dunne. He closed the book.\n\n'
        '"For whom?" asked Rosa.\n\n"For all of them," said Father Dunne, and Rosa sighed.\n'
    )
    assert "Father" not in {c.name for c in _run(text).characters}


def test_a_point_of_view_character_named_mostly_at_sentence_starts_is_found() -> None:
    text = (
        "Mags sat by the cot for three hours. The lamps burned low.\n\n"
        '"He\'ll wake," said Brother Anselm. "Not tonight. But he\'ll wake."\n\n'
        "Mags nodded. She did not believe him, and she did not move.\n\n"
        "In the morning the cook brought porridge, and for once Mags ate all of it.\n\n"
        '"Good," said Brother Anselm.\n'
    )
    names = {c.name for c in _run(text).characters}
    assert "Mags" in names


def test_a_place_named_once_inside_a_sentence_is_not_a_character() -> None:
    text = (
        "They had served in the south for years, first at Madras and then up country.\n\n"
        "Madras was hot that summer. Madras was always hot.\n\n"
        '"I remember the heat," said Colonel Ashe. "Madras in June."\n'
    )
    assert "Madras" not in {c.name for c in _run(text).characters}


def test_pronoun_votes_do_not_read_past_the_paragraph() -> None:
    text = 'Cal—"\n\n"Did we hold it?"\n\nShe looked away. Cal said nothing, and he waited.'
    cal = [(0, 3, "Cal"), (text.index("Cal said"), text.index("Cal said") + 3, "Cal")]
    # the "She" after the paragraph break is someone else's; the "he" in Cal's sentence is his
    assert _pronoun_votes(text, cal, [a for a, _, _ in cal]) == {"male": 1}


def test_pronoun_votes_skip_the_object_of_the_names_verb_and_a_thought_in_italics() -> None:
    text = (
        "Maren found him in the small conference room. Cal caught her eye across it.\n\n"
        "Maren realised. *He thinks she was telling the truth.*\n\n"
        "Maren sat down, and she waited."
    )
    maren = [(m.start(), m.start() + 5, "Maren") for m in re.finditer("Maren", text)]
    cal = [(text.index("Cal"), text.index("Cal") + 3, "Cal")]
    starts = sorted(a for a, _, _ in maren + cal)
    # "found him" and "caught her eye" are about someone else, and so is the "He" of a
    # thought; "and she waited" is Maren's
    assert _pronoun_votes(text, maren, starts) == {"female": 1}
    assert not _pronoun_votes(text, cal, starts)


def test_a_reflexive_after_the_names_verb_settles_the_gender_against_a_stray_pronoun() -> None:
    text = (
        '"They found the boy. Mags radioed it in. He\'s at the hospital."\n\n'
        'Mags helped herself to the biscuit tin. "Go home, both of you."'
    )
    mags = [(m.start(), m.start() + 4, "Mags") for m in re.finditer("Mags", text)]
    # the "He" after "Mags radioed it in." is the boy; "helped herself" can only be Mags
    votes = _pronoun_votes(text, mags, [a for a, _, _ in mags])
    assert votes == {"male": 1, "female": 2}
    story = _run(text)
    assert next(c.gender for c in story.characters if c.name == "Mags") == "female"


def test_a_pronoun_after_then_or_and_opening_the_next_sentence_is_the_subjects() -> None:
    text = (
        "Jude looked from one of them to the other. Then she sat down between them.\n\n"
        "Jude said nothing for a while. And she ate every chip in the bag.\n\n"
        "Rory watched Jude. Then he laughed."
    )
    jude = [(m.start(), m.start() + 4, "Jude") for m in re.finditer("Jude", text)]
    rory = [(text.index("Rory"), text.index("Rory") + 4, "Rory")]
    starts = sorted(a for a, _, _ in jude + rory)
    # "Then she" and "And she" go on from Jude, the subject; "Rory watched Jude. Then he" is
    # not Jude's, who is not her sentence's subject there
    assert _pronoun_votes(text, jude, starts) == {"female": 2}
    assert _pronoun_votes(text, rory, starts) == {}


def test_a_titled_surname_only_the_dialogue_uses_is_the_character_it_addresses() -> None:
    text = (
        "Teo Lindqvist had been staring at the ceiling for an hour when the nurse came in.\n\n"
        '"You should be asleep, Mr. Lindqvist," she said.\n\n'
        '"So should you," said Teo. Teo rubbed his bandaged hand.\n\n'
        '"Goodnight, Mr. Lindqvist."\n\n"Goodnight," said Teo.\n'
    )
    teo = [c for c in _run(text).characters if "Teo" in (c.name, *c.aliases)]
    assert len(teo) == 1 and "Mr. Lindqvist" in (teo[0].name, *teo[0].aliases)


def test_a_titled_surname_the_narration_uses_stays_another_person() -> None:
    text = (
        "Ron Weasley came down to breakfast late. Mr. Weasley was already at the table, reading.\n\n"
        '"Morning," said Ron. Ron sat down.\n\n'
        '"Morning," said Mr. Weasley, without looking up. Mr. Weasley turned a page.\n'
    )
    names = {c.name for c in _run(text).characters}
    assert "Mr. Weasley" in names and "Ron" in {n.split(" ")[0] for n in names}


def test_the_first_person_narrator_is_never_the_one_a_tag_names() -> None:
    text = (
        "I found him on the roof, where he always went when the ward got too loud.\n\n"
        '"Teo," I said. "Teo, you can\'t be up here."\n\n'
        '"I can be anywhere I like," said Teo. "That\'s the great thing about being discharged."\n\n'
        '"You\'re not discharged until Reyes signs it, Teo."\n\n'
        '"Then I\'m nearly anywhere I like."\n\n"Come down, Teo. Please."\n'
    )
    # Teo is named inside quotations far more than in the narration, as a narrator would be;
    # but "said Teo" says he is not "I"
    story = _run(text)
    narrator = [c for c in story.characters if c.source == "narrator"]
    assert [c.name for c in narrator] == ["Narrator"]
    said = _speakers(story)
    assert said[0] == "Narrator" and said[2] == "Teo"


def test_a_kinship_name_is_not_found_inside_a_form_of_address() -> None:
    text = '"No," Ma said. "Yes, Ma\'am," said Tom. Ma looked up.\n\n"Humph," said Ma. "Humph."\n'
    story = _run(text)
    ma = next(c for c in story.characters if c.name == "Ma")
    assert ma.mention_count == 3  # "Ma said", "Ma looked", "said Ma"; not "Ma'am"
    # an interjection that opens quotations is no name
    assert "Humph" not in {c.name for c in story.characters}


# second person; the "you" is never named
SLACK_WATER = """\
You wake before the alarm and lie still, listening to the gulls fight over the bins. Your phone
buzzes on the counter. It's Pip.

"Are you coming down?" Pip asks when you answer. "The tide's turning."

"Ten minutes," you say.

"You said that yesterday."

"I mean it today," you say, and you hang up before Pip can laugh at you.
"""


def test_an_unnamed_second_person_you_is_the_reader() -> None:
    story = ficlens.analyze(SLACK_WATER)
    reader = [c for c in story.characters if c.source == "narrator"]
    assert [c.name for c in reader] == ["Reader"]
    said = _speakers(story)
    assert said == ["Pip", "Pip", "Reader", "Pip", "Reader"]
    tags = story.layer("tags")
    assert "Reader" in [t.value for t in tags.characters]
    assert "Reader-Insert" in [t.value for t in tags.freeform]


def test_a_second_person_you_the_replies_name_gets_no_reader() -> None:
    named = SLACK_WATER.replace('"You said that yesterday."', '"You said that yesterday, Sam."')
    named = named.replace('"Are you coming down?" Pip asks', '"Are you coming down, Sam?" Pip asks')
    story = ficlens.analyze(named)
    assert not [c for c in story.characters if c.source == "narrator"]


def test_a_reader_insert_writes_the_readers_name_as_y_n() -> None:
    text = SLACK_WATER.replace('"You said that yesterday."', '"You said that yesterday, Y/N."')
    text = text.replace('"Are you coming down?" Pip asks', '"Are you coming down, (Y/N)?" Pip asks')
    story = ficlens.analyze(text)
    reader = next(c for c in story.characters if c.source == "narrator")
    assert (reader.name, reader.aliases, reader.mention_count) == ("Reader", ("Y/N",), 2)
    names = {c.id: c.name for c in story.characters}
    first = min(story.speech(), key=lambda q: q.start)
    assert [names[a] for a in story.attributions[first.id].addressees] == ["Reader"]


# the parents are "Mum" and "Dad" in the dialogue and "their mother", "their father" in the tags
HOLIDAY = """\
The car stopped at the end of the lane. Tilly saw the attic window first and knew it was hers.

"Bagsy the attic," said Ned. Ned always said that.

"Nobody is bagsying anything," said their mother, "until the boot is empty."

"The sea is over that hill," said their father. "You'll hear it tonight."

"I can't hear it," said Tilly.

Dad got the fire going in the sitting room while Mum found the kettle.

"Tea first," said their mother. Mum always said that. "Then rooms."

"Can I have the attic, Dad?"

"Ask your mother," said their father, and Dad went out to the car again.
"""


def test_a_kinship_word_the_narration_uses_twice_is_a_character_and_their_father_is_him() -> None:
    story = _run(HOLIDAY)
    names = {c.name for c in story.characters}
    assert {"Mum", "Dad"} <= names
    said = _speakers(story)
    # "said their mother" is Mum's line, "said their father" Dad's (each split by its tag)
    assert said[:8] == ["Ned", "Mum", "Mum", "Dad", "Dad", "Tilly", "Mum", "Mum"] and said[-1] == "Dad"


def test_a_kinship_word_only_the_dialogue_uses_is_no_character() -> None:
    text = HOLIDAY.replace("Dad got the fire going in the sitting room while Mum found the kettle.", "The fire was lit.")
    text = text.replace(", and Dad went out to the car again", "")
    assert "Dad" not in {c.name for c in _run(text).characters}


def test_a_name_written_in_lower_case_in_text_messages_is_still_a_name() -> None:
    text = (
        "My brother Cal kicks my door at seven. Cal is nineteen and has forgotten what hands are for.\n\n"
        '"Rise and shine," Cal says. "Be ready by eleven."\n\n'
        "My phone buzzes. It's Tash. Tash never sleeps.\n\n"
        '"cal invited people to the lake," Tash texts.\n\n"which people," I text back.\n\n'
        '"cal tells me nothing. cal told me about the bunny last," Tash texts. "ask cal."\n\n'
        "Downstairs Cal is burning toast. Cal always burns toast.\n"
    )
    assert "Cal" in {c.name for c in _run(text).characters}


def test_a_name_the_recogniser_does_not_know_that_acts_is_a_person() -> None:
    text = (
        "In the back of the car, between her brother and sister, Nneka woke up and began to cry.\n\n"
        '"We\'re here," said Ada. "Look, sweetheart."\n\n'
        "Nneka considered the field. Nneka looked at the sheep for a long time.\n\n"
        '"I can\'t hear the sea," said Ada, and Nneka hid her face.\n\n'
        "The Calloway turned into the lane, and the Calloway stopped at the gate.\n"
    )
    names = {c.name for c in _run(text).characters}
    assert "Nneka" in names
    # a name after "the" that acts is a ship or a pub, not a person
    assert "Calloway" not in names


# first person; the narrator calls her neighbour "Ivy", the narration calls her "Mrs. Pardoe"
NIGHT_WARD = """\
At three the ward was dark except for the lamp over bed six, where Mrs. Pardoe sat up with her
library book as she did every night. I went to check her drip.

"He's been at that since midnight, you know," Mrs. Pardoe said, and nodded at the curtain
opposite. "Calling for his wife."

"I'm sorry he woke you, Ivy," I said.

"He didn't wake me. I don't sleep. I told the day girl so."

"Would you like a tea?"

"I'd like my own bed, Ivy would." She turned a page. "A tea will do."

"Thank you, Ivy. I'll bring it round."

Mrs. Pardoe did not look up. "Two sugars. They never put two sugars."

"Two sugars," I said.
"""


def test_a_name_only_the_narrators_own_lines_use_is_not_the_narrator() -> None:
    story = _run(NIGHT_WARD)
    # "Ivy" is named only in the dialogue, but nothing says "I" is Ivy: no reply to '"…,"
    # I said' calls the narrator so
    narrators = [c for c in story.characters if c.source == "narrator"]
    assert [c.name for c in narrators] == ["Narrator"]
    pardoe, me = "Mrs. Pardoe", "Narrator"
    assert _speakers(story) == [pardoe, pardoe, me, pardoe, me, pardoe, pardoe, me, pardoe, me]


def test_names_with_accents_are_names() -> None:
    text = (
        "The kitchen was too small for three people and a cake.\n\n"
        '"Don\'t touch the icing," said Lucía. "It isn\'t set."\n\n'
        "Zoë touched the icing. Zoë always touched the icing.\n\n"
        '"It\'s set," Zoë said. "Mostly."\n\n'
        '"Mostly isn\'t set," said Søren from the doorway. Lucía laughed.\n\n'
        '"Out, both of you," Lucía said, and Søren went.\n'
    )
    story = _run(text)
    assert {"Lucía", "Zoë", "Søren"} <= {c.name for c in story.characters}
    assert _speakers(story)[:4] == ["Lucía", "Lucía", "Zoë", "Zoë"]


def test_a_title_ending_a_paragraph_does_not_take_the_next_paragraphs_name() -> None:
    text = (
        '"Sit down," said the Professor. "All of you."\n\n'
        '"Not you," said the Professor.\n\nBrody subsided. Brody always subsided in the end.\n\n'
        '"Fine," Brody said. "Fine."\n\n"Good," said the Professor.\n'
    )
    story = _run(text)
    assert not [m for m in story.mentions if "\n\n" in story.text[m.start : m.end]]
    said = _speakers(story)
    assert said[-3:] == ["Brody", "Brody", said[0]] and said[0] != "Brody"


def test_a_rare_surname_that_handles_a_thing_of_its_own_is_a_person() -> None:
    # the small recogniser calls "Okonkwo" a place; people tap their own tablets
    text = (
        "Four officers sat at the table: Reyes with his coffee, Okonkwo with her tablet, and Brandt.\n\n"
        '"Three ships went missing," said Reyes. "Pirates, I say."\n\n'
        "Okonkwo tapped her tablet and the wall lit up. \"The last pings are all near one moon.\"\n\n"
        'Then the captain turned to Okonkwo. "Can you get us there?" said Brandt.\n'
    )
    assert "Okonkwo" in {c.name for c in _run(text).characters}
    # a place is handled by no one: "Lagos" stays a place
    place = (
        "Reyes had flown in from Lagos that morning, and Lagos was still on his boots.\n\n"
        '"Pirates," said Reyes. "In Lagos they say so."\n\n"Lagos is far," said Brandt.\n'
    )
    assert "Lagos" not in {c.name for c in _run(place).characters}


# two people the story never names, each brought in by a description before their lines
MARKET = """\
The market smelled of oranges and diesel. Jo pushed through the crowd with the list, Theo behind her.

"We need eggs," Jo said. "And that cheese Mum likes."

The stallholder, an old man with a cap pulled low, looked up from his crate. "Forty years I've sold that cheese."

"Sorry," Jo said. "It's very good."

"Six pounds forty," the old man said.

"It was five last week," said Theo.

They walked past the flower stall, where a woman in a green apron was hosing down buckets of tulips.

"You two!" the woman called. "Tell your mother I've got the lilies she wanted."

"We will," Jo said.
"""


def test_a_speaker_the_story_never_names_is_the_description_that_brought_them_in() -> None:
    story = _run(MARKET)
    chars = {c.name: c for c in story.characters}
    assert {"the stallholder", "the woman"} <= set(chars)
    # "The stallholder, an old man": one person, a man; the woman a woman
    assert "the old man" in chars["the stallholder"].aliases
    assert chars["the stallholder"].gender == "male" and chars["the woman"].gender == "female"
    speakers = _speakers(story)
    assert speakers[2:7] == ["the stallholder", "Jo", "Jo", "the stallholder", "Theo"]
    assert speakers[-3:] == ["the woman", "the woman", "Jo"]


def test_a_description_brought_in_in_another_scene_or_long_before_is_nobody() -> None:
    text = (
        "An old man sold them the cheese, and they went home.\n\n* * *\n\n"
        '"Six forty," the old man said.\n\n"Too much," said Jo.\n'
    )
    assert "the old man" not in {c.name for c in _run(text).characters}
