"""The quotations stage: every dialogue convention in the issue, spans without their marks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import ficlens
from ficlens.errors import FicLensError
from ficlens.story import Quote, Story

QuoteTexts = Callable[[Story], list[str]]
MARKS = "\"'“”‘’«»—–"


def _quotes(text: str) -> Story:
    return ficlens.analyze(text, stages=["structure", "quotations"])


def _groups(story: Story) -> list[list[str]]:
    """Quote texts gathered by group, in order of first appearance."""
    out: dict[str, list[str]] = {}
    for q in story.quotes:
        out.setdefault(q.group, []).append(story.text[q.start : q.end])
    return list(out.values())


def _assert_marks_excluded(story: Story, q: Quote) -> None:
    inner = story.text[q.start : q.end]
    assert inner == inner.strip(), "a span never starts or ends with white space"
    before = story.text[: q.start].rstrip()
    assert before and before[-1] in MARKS, f"no opening mark just before {inner!r}"
    assert inner[0] not in '"“”«»' and inner[-1] not in '"“”«»', f"marks inside the span {inner!r}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Nora looked up from the nets. "You\'re late," she said.', ["You're late,"]),
        ("Nora looked up from the nets. “You’re late,” she said.", ["You’re late,"]),
        ("Nora looked up from the nets. «You’re late», she said.", ["You’re late"]),
    ],
    ids=["straight-double", "curly-double", "guillemets"],
)
def test_quotations_double_quotes(text: str, expected: list[str], quote_texts: QuoteTexts) -> None:
    story = _quotes(text)
    assert quote_texts(story) == expected
    for q in story.quotes:
        _assert_marks_excluded(story, q)
        assert q.kind == "speech"


SINGLE_STORY = (
    "'You're late,' said Nora.\n\n"
    "'The ferry,' said Dev. 'Don't start. I've had 'em all morning, the tourists, goin' on about the Joneses' "
    "boat.'\n\n"
    "'Whose boat?'\n\n"
    "'The Joneses'.' He grinned. 'Ask anyone.'\n\n"
    "She didn't ask. She took the chips and ate 'em on the wall, where the gulls couldn't reach.\n"
)


def test_quotations_single_quote_dialogue_told_apart_from_apostrophes(quote_texts: QuoteTexts) -> None:
    story = _quotes(SINGLE_STORY)
    assert quote_texts(story) == [
        "You're late,",
        "The ferry,",
        "Don't start. I've had 'em all morning, the tourists, goin' on about the Joneses' boat.",
        "Whose boat?",
        "The Joneses'.",
        "Ask anyone.",
    ]
    for q in story.quotes:
        assert q.mark == "'"
        _assert_marks_excluded(story, q)


@pytest.mark.parametrize(
    "narration",
    [
        "She didn't go.",
        "Give 'em the nets, Nora said to nobody.",
        "He was goin' home.",
        "They walked past the Joneses' house and on to the quay.",
        "It was rock 'n' roll night at the Crown, back in the '90s.",
    ],
)
def test_quotations_apostrophes_in_narration_are_not_quotes(narration: str) -> None:
    text = f"'Come on,' said Dev.\n\n{narration}\n\n'No,' said Nora.\n\n'Please,' said Dev.\n"
    story = _quotes(text)
    assert [story.text[q.start : q.end] for q in story.quotes] == ["Come on,", "No,", "Please,"]


def test_quotations_single_quote_goes_on_after_its_tag_with_a_word_that_looks_like_an_elision(
    quote_texts: QuoteTexts,
) -> None:
    # "is" is also 'is for "his"; after "said Kessler, " the mark goes on the quotation
    text = (
        "'Hollis,' said Kessler, 'is the only one of you who ever tells me anything.'\n\n"
        "He took 'is coat and went.\n\n"
        "'Wait,' said Rosa.\n"
    )
    story = _quotes(text)
    assert quote_texts(story) == [
        "Hollis,",
        "is the only one of you who ever tells me anything.",
        "Wait,",
    ]
    assert len({q.group for q in story.quotes[:2]}) == 1  # one utterance, broken by its tag


def test_quotations_short_single_quote_story_with_no_double_marks(quote_texts: QuoteTexts) -> None:
    story = _quotes("''Tis late,' said the harbourmaster.\n\n'Aye,' said Dev.\n")
    assert quote_texts(story) == ["'Tis late,", "Aye,"]


@pytest.mark.parametrize(
    "text",
    [
        (
            '"This is the first part of a long speech about the tide.\n\n'
            '"And this is the second part, which ends here," Nora said.\n'
        ),
        (
            "“This is the first part of a long speech about the tide.\n\n"
            "“And this is the second part, which ends here,” Nora said.\n"
        ),
        (
            "'This is the first part of a long speech about the tide.\n\n"
            "'And this is the second part, which ends here,' Nora said.\n\n'Right,' said Dev.\n\n'Yes,' she said.\n"
        ),
    ],
    ids=["straight", "curly", "single"],
)
def test_quotations_multi_paragraph_quote_shares_group(text: str) -> None:
    story = _quotes(text)
    first, second = story.quotes[:2]
    assert story.text[first.start : first.end] == "This is the first part of a long speech about the tide."
    assert story.text[second.start : second.end] == "And this is the second part, which ends here,"
    assert first.group == second.group == first.id
    assert first.paragraph + 1 == second.paragraph


@pytest.mark.parametrize(
    "text",
    [
        '"Wait," Sam said, pulling on his coat, "you forgot the keys."',
        "“Wait,” Sam said, pulling on his coat, “you forgot the keys.”",
        "'Wait,' Sam said, pulling on his coat, 'you forgot the keys.'",
    ],
    ids=["straight", "curly", "single"],
)
def test_quotations_interrupted_quote_parts_share_group(text: str) -> None:
    story = _quotes(text)
    assert _groups(story) == [["Wait,", "you forgot the keys."]]
    for q in story.quotes:
        _assert_marks_excluded(story, q)


def test_quotations_separate_utterances_get_separate_groups() -> None:
    story = _quotes('"Is that you?" Nora called.\n\n"Who else would it be?" said Dev.\n')
    assert _groups(story) == [["Is that you?"], ["Who else would it be?"]]


@pytest.mark.parametrize(
    "text",
    [
        '"The tide is turning," said Nora; and Dev answered: "Then we should go."',
        '"Is the ferry late?" Nora asked Dev, and Dev said, "It always is."',
        '"We could wait," Nora said, watching the pier. Dev shrugged and replied, "We could."',
        '"The last ferry has gone." Dev replied in a tired voice, "Then we walk."',
        # going on, when another name does it
        '"The ferry is late," said Nora. After a pause Dev added quietly, "It always is."',
        '"I mean it," Dev replied in a flat tone. And Nora added "Then go."',
        # two answers at once
        '"No," Cass says, at the same moment Ilya says, "Yes."',
    ],
)
def test_quotations_a_lead_in_of_its_own_starts_another_utterance(text: str) -> None:
    # the narration holds the first quotation's tag and then the second's own lead-in
    assert len(_groups(_quotes(text))) == 2


@pytest.mark.parametrize(
    "text",
    [
        # "Mr." is no full stop: "answered" is part of the one tag
        '"Wait," said Mr. Okafor, who had answered the door, "you forgot the keys."',
        '"Wait," she said; "you forgot the keys."',
        '"Wait," she said, and ran after him. "You forgot the keys."',
        # going on, or "he" after a name: the same speaker, most likely
        '"Wait," said Dev; and then he added, "you forgot the keys."',
        '"Wait," said Dev. Then he turned to Nora and said, "You forgot the keys."',
        '"Wait," said Dev. Then the old man added, "you forgot the keys."',
        # a speech verb of a clause that is no lead-in ("as he returned")
        '"It is no good," he thought, as he returned past the mosque, "we all build upon sand."',
        '"I hope," said Oliver, when Mrs. Maylie returned, "that nothing is the matter."',
    ],
)
def test_quotations_one_tag_between_two_parts_keeps_one_utterance(text: str) -> None:
    assert len(_groups(_quotes(text))) == 1


def test_quotations_em_dash_dialogue(quote_texts: QuoteTexts) -> None:
    story = _quotes(
        "— Where are you going? — asked Ana.\n\n"
        "— Home, — said Tomas. — It is late.\n\n"
        "Ana shrugged and turned back to the window.\n\n"
        "— Then go.\n"
    )
    assert quote_texts(story) == ["Where are you going?", "Home,", "It is late.", "Then go."]
    assert _groups(story) == [["Where are you going?"], ["Home,", "It is late."], ["Then go."]]
    assert all(q.mark == "—" and q.kind == "speech" for q in story.quotes)


@pytest.mark.parametrize(
    "text",
    [
        "\"He told me, 'Never come back,' and then he left,\" Nora said.",
        "“He told me, ‘Never come back,’ and then he left,” Nora said.",
        (
            "'He told me, \"Never come back,\" and then he left,' Nora said.\n\n'Did he?' asked Dev.\n\n"
            "'He did,' she said."
        ),
    ],
    ids=["single-in-straight", "single-in-curly", "double-in-single"],
)
def test_quotations_nested_quote_is_apart_from_the_speakers_own_words(text: str) -> None:
    # PDNC and a reader agree: "Never come back" is what he said, quoted by Nora; her own
    # words are the two pieces around it, one utterance
    story = _quotes(text)
    first = [q for q in story.quotes if q.group == story.quotes[0].group]
    assert [(story.text[q.start : q.end], q.kind) for q in first] == [
        ("He told me,", "speech"),
        ("Never come back,", "nested"),
        ("and then he left,", "speech"),
    ]
    assert "Never come back," not in [story.text[q.start : q.end] for q in story.speech()]


def test_nested_quotation_keeps_one_speaker_for_the_whole_utterance() -> None:
    story = ficlens.analyze(
        "Nora and Dev sat by the fire.\n\n“I said to her, ‘You may go,’ and she went,” said Nora.\n\n"
        "“Did she?” asked Dev.\n\n“She did,” said Nora.\n"
    )
    nested = next(q for q in story.quotes if q.kind == "nested")
    assert story.text[nested.start : nested.end] == "You may go," and nested.id not in story.attributions
    pieces = [q for q in story.speech() if q.group == nested.group]
    speakers = {story.character(story.attributions[q.id].speaker).name for q in pieces}  # type: ignore[union-attr]
    assert len(pieces) == 2 and speakers == {"Nora"}


@pytest.mark.parametrize(
    "text",
    [
        "\"Don't you go 'bomination talkin' 'roun' here,\" said Ma.",  # dialect elisions
        "\"It 's de p'opah thing fu' a man,\" said he.",
        "\"I wonder if it's marked 'poison' or not,\" said Alice.",  # one word in quotes
        "\"'Tis a sad business,\" said Mr. Wood.",
    ],
)
def test_apostrophes_inside_speech_are_no_nested_quotation(text: str) -> None:
    story = _quotes(text)
    assert [q.kind for q in story.quotes] == ["speech"]


def test_a_nested_quotation_may_open_in_lower_case_when_it_ends_a_clause() -> None:
    story = _quotes("\"I cannot possibly say 'poor Miss Tay.' I have a great regard for her,\" said Mr. Wood.\n")
    assert [(story.text[q.start : q.end], q.kind) for q in story.quotes] == [
        ("I cannot possibly say", "speech"),
        ("poor Miss Tay.", "nested"),
        ("I have a great regard for her,", "speech"),
    ]


@pytest.mark.parametrize("direction", ["(speaking lower)", "(rather hesitatingly)", "(smiling,)"])
def test_stage_direction_in_brackets_is_narration_inside_the_utterance(direction: str) -> None:
    story = _quotes(f'"That young man {direction} is very thoughtless," said Mr. Wood.\n')
    assert _groups(story) == [["That young man", "is very thoughtless,"]]


def test_an_aside_in_brackets_in_the_speakers_own_voice_stays_speech() -> None:
    story = _quotes('"I was in town (for I was there the whole time) all May," said Mr. Wood.\n')
    assert _groups(story) == [["I was in town (for I was there the whole time) all May,"]]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ('She had always hated the word "cosy" and everything it stood for.', "cosy"),
        ("Dev called the boat “the old girl” when he thought nobody could hear.", "the old girl"),
        ('They watched "The Long Night" twice that winter.', "The Long Night"),
    ],
)
def test_quotations_phrase_quoted_in_narration_is_embedded(text: str, phrase: str) -> None:
    story = _quotes(text)
    (q,) = story.quotes
    assert (story.text[q.start : q.end], q.kind) == (phrase, "embedded")
    assert list(story.speech()) == []


@pytest.mark.parametrize(
    "opening",
    ['Nora said, "I never meant to', "Nora said, “I never meant to", "'I never meant to"],
    ids=["straight", "curly", "single"],
)
def test_quotations_unbalanced_mark_closes_at_paragraph_end(opening: str) -> None:
    narration = "The gulls went up off the harbour wall all at once, and nobody spoke for a long time."
    text = f"{opening} say it like that.\n\n{narration}\n\n'Fine,' said Dev.\n\n'Good,' said Nora.\n"
    story = _quotes(text)
    first = story.quotes[0]
    assert story.text[first.start : first.end] == "I never meant to say it like that."
    # nothing after the unbalanced paragraph is swallowed into a quotation
    for q in story.quotes:
        assert narration not in story.text[q.start : q.end]
        assert q.paragraph != 1


@pytest.mark.parametrize(
    "text",
    [
        'Nora opened her mouth. "Hold on.',
        '"One," said Nora, "two," and "three',
        "“Hold on. “No, wait.” She stopped.",
        '"',
        '""',
        "'",
        "“”",
    ],
)
def test_quotations_unbalanced_marks_never_reach_past_the_paragraph(text: str) -> None:
    full = f"{text}\n\nAfterwards the harbour was quiet.\n"
    story = _quotes(full)
    limit = full.index("\n\n")
    for q in story.quotes:
        assert 0 <= q.start < q.end <= limit
        _assert_marks_excluded(story, q)


def test_quotations_only_text_paragraphs_are_scanned() -> None:
    story = _quotes(
        'A/N: Set after "The Long Night". Enjoy!\n\n"Hello," said Nora.\n\nA/N: "Thanks" for reading!\n'
    )
    assert [story.text[q.start : q.end] for q in story.quotes] == ["Hello,"]


def test_quotations_span_indexes_the_text_exactly(quote_texts: QuoteTexts) -> None:
    text = 'Title: Crossing\r\n\r\n“Hi,” she said.\r\n\r\n"Hey," he said. "Café?"\r\n'
    story = _quotes(text)
    assert story.text == text
    assert quote_texts(story) == ["Hi,", "Hey,", "Café?"]
    for q in story.quotes:
        assert story.paragraphs[q.paragraph].start <= q.start < q.end <= story.paragraphs[q.paragraph].end


_ALPHABET = st.sampled_from(
    list("abcdefgh ABC   .,!?;:")
    + list("\"'“”‘’«»—–-")
    + ["\n", "\n\n", "\r\n", "\n\n\n\n", "*", "#", "A/N: "]
)
_OPENERS = "\"'“„«‘‹—―–"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=120).map("".join))
@example("—— a\n—")  # a dash alone after a line break in dash dialogue: no speech of one dash
def test_quotations_random_text_never_breaks_the_span_contract(text: str) -> None:
    try:
        story = ficlens.analyze(text, stages=["structure", "quotations"])
    except FicLensError:
        return  # empty or binary-looking input: a typed error is the contract
    assert story.text == text
    paragraphs = {p.id: p for p in story.paragraphs}
    for q in story.quotes:
        assert 0 <= q.start < q.end <= len(text)
        inner = text[q.start : q.end]
        assert inner == inner.strip()
        para = paragraphs[q.paragraph]
        assert para.kind == "text" and para.start <= q.start and q.end <= para.end
        # the opening mark sits before the span, outside it
        before = text[para.start : q.start].rstrip()
        assert before and before[-1] in _OPENERS + "\"'”’»", (text, inner)
        assert q.kind in ("speech", "nested", "embedded")


def test_quotations_long_single_quote_full_of_apostrophes_is_read() -> None:
    # 16,000 g-droppings inside one quotation: each apostrophe's question "is a real closer
    # ahead?" is answered by bisection, so this stays linear (it was quadratic)
    speech = "goin' " * 16_000 + "home."
    story = _quotes(f"'Hi,' said Ana.\n\n'Yo,' said Ben.\n\n'{speech}'\n")
    assert [story.text[q.start : q.end] for q in story.quotes][-1] == speech


def _later_closer_spec(s: str, i: int) -> bool:
    """The plain scan _CloserAhead answers by bisection: a real closer before any opener?"""
    from ficlens.stages.quotations import _is_single_closer, _is_single_opener

    for j in range(i, len(s)):
        if s[j] in "'’":
            if _is_single_closer(s, j) and not s[j - 1].isalpha():
                return True
            if _is_single_opener(s, j):
                return False
    return False


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(list("ab A'’‘\",.!? -") + ["goin'", "'em", "Joneses'"]), max_size=16).map(
        "".join
    )
)
def test_quotations_closer_ahead_matches_the_plain_scan(s: str) -> None:
    from ficlens.stages.quotations import _CloserAhead

    ahead = _CloserAhead(s)
    assert [ahead(i) for i in range(1, len(s) + 1)] == [
        _later_closer_spec(s, i) for i in range(1, len(s) + 1)
    ]


def test_quotations_a_second_part_with_a_tag_naming_another_is_another_utterance() -> None:
    text = (
        'Nora met Dev at the pier. "Morning, Dev," said Nora. "Morning, Nora," said Dev.\n\n'
        '"Come here," said Nora. "I want you," she said.\n\n'
        '"It is late," said Dev. "Far too late," added the old man.\n'
    )
    story = ficlens.analyze(text, stages=["structure", "quotations"])
    groups = {story.text[q.start : q.end]: q.group for q in story.quotes}
    assert groups["Morning, Dev,"] != groups["Morning, Nora,"]
    # a pronoun or a description keeps one utterance: "she" is Nora, "the old man" may be Dev
    assert groups["Come here,"] == groups["I want you,"]
    assert groups["It is late,"] == groups["Far too late,"]


CHAT = (
    "The group chat had been quiet for an hour when Vex broke it.\n\n"
    "Vex: anyone awake\n"
    "Quill: unfortunately\n"
    'Vex: "i need a favour"\n'
    "Quill (02:14): it's 2am. no\n\n"
    "Quill put the phone face down and lasted almost a minute.\n\n"
    "Quill: fine. what\n\n"
    "Nobody answered that.\n\n"
    "Rook: a line alone from no one in the chat\n"
)


def test_quotations_lines_of_a_chat_are_utterances_each() -> None:
    story = _quotes(CHAT)
    said = [(story.text[q.start : q.end], q.mark) for q in story.quotes]
    # the message only: not the label, not the time, not the marks around it
    assert said == [
        ("anyone awake", ":"), ("unfortunately", ":"), ("i need a favour", ":"), ("it's 2am. no", ":"),
        ("fine. what", ":"),  # a line alone, of someone the chat has given lines to
    ]
    assert len({q.group for q in story.quotes}) == 5


@pytest.mark.parametrize(
    "text",
    [
        "Rating: Teen And Up\nWarnings: none\n\nThe pier was cold.\n",
        "Chapter 2: The Pier\n\nThe pier was cold.\n\nChapter 3: The Boat\n\nThe boat was colder.\n",
        "Nora had a list.\nBread: two loaves\nMilk: one pint\nShe lost it at once.\n",
    ],
)
def test_quotations_key_value_lines_that_are_no_chat_are_not_utterances(text: str) -> None:
    assert list(_quotes(text).speech()) == []


def test_quotations_a_chat_with_handles_in_lower_case_is_utterances_too() -> None:
    text = (
        "sam: did anyone do the reading\n"
        'pip_23: define "do"\n'
        "sam: open the book\n\n"
        "Frodo read the messages on the bus.\n"
    )
    said = [(_quotes(text).text[q.start : q.end], q.mark) for q in _quotes(text).quotes]
    # a message that ends in marks keeps them: only marks around the whole message go
    assert said == [("did anyone do the reading", ":"), ('define "do"', ":"), ("open the book", ":")]


def test_quotations_a_paragraph_in_single_marks_in_a_double_mark_story_is_speech() -> None:
    text = (
        '"We need eggs," Jo said.\n\n"The blue cheese?" Theo asked.\n\n'
        "'Six pounds forty,' the old man said.\n\n"
        "'Six forty?' Theo said. 'It was five last week.'\n\n"
        "Jo paid. It wasn't the 'good' cheese, but it would do.\n"
    )
    said = [_quotes(text).text[q.start : q.end] for q in _quotes(text).speech()]
    assert said == ["We need eggs,", "The blue cheese?", "Six pounds forty,", "Six forty?", "It was five last week."]


def test_quotations_em_dash_dialogue_with_a_tag_no_dash_sets_off(quote_texts: QuoteTexts) -> None:
    story = _quotes(
        "— We'll be in Kraków by morning, he said.\n\n"
        "— It will stop at every village, the old woman said without looking up. It always does.\n\n"
        "— You've taken this train before? Lena asked.\n\n"
        "— Every month, said the woman. For thirty years.\n\n"
        "— Then, she said — you know the town.\n"
    )
    assert quote_texts(story) == [
        "We'll be in Kraków by morning,",
        "It will stop at every village,", "It always does.",
        "You've taken this train before?",
        "Every month,", "For thirty years.",
        "Then,", "you know the town.",  # a dash after the tag, as before
    ]
