"""Characters: who is in the story, their aliases, gender and mentions.

Provides ``characters`` and ``mentions``.

With a cast (``--cast``) the cast is authoritative: its names and aliases are found in the
text, with the shorter names a listed full name implies when only one member implies them
("William Rodney" is also "Rodney" and "William"; a first name that is also a word, "May
Welland", only where it cannot be the word), and "The Hatter" found as "the Hatter"; a
word of a name the text never uses as the cast writes it is found as the text spells it
("Mcbryde" as "McBryde", "Badahur", two letters swapped, as "Bahadur").
Without one, people are found from the text alone:

1. capitalised name sequences, with or without a title (Mr, Mrs, Miss, Dr, Captain, Squire, ...),
   in any Latin letters ("Lucía", "Zoë", "Søren"), never across a paragraph break ("said the
   Professor.\n\nBrody subsided" is two people), counted where they are not the first word
   of a sentence; after a title a word that is
   otherwise a stop word is a surname ("Mrs. Hall"), and then alone too where a speech tag
   speaks through it ("said Hall"; not "the Hall"), and a title alone ("Mlle.") is no name;
2. kept when they behave like names: a title, a speech tag ("said Nora"), labelling the
   lines of a chat or a script ("Vex: anyone awake"), being called by
   it twice in the dialogue ('"…, Petra."'), a possessive, or spaCy's entity recogniser
   calling them PERSON on a few sample sentences (the recogniser runs only on those samples,
   so a novel costs a few hundred sentences, not the book); a name no tag speaks through that
   the recogniser calls a place or group three times in four ("India", "New York") is
   dropped, and so is a plural surname no tag speaks through ("the Schlegels": a family, not
   a character); a name written all but once at the start of a sentence (a point-of-view
   character, "she" everywhere else) is kept when the recogniser is sure of it or the name
   acts ("Mags nearly fell"), or when it is a common given name that acts and is then "she"
   or "he" as the name is ("Nadia pushed through the door with her tray": the small
   recogniser calls "Nadia" a place), a usual given name that acts ("Benedikt studied the
   advertisement", "Marcus himself was on the step") and that the recogniser calls nothing
   else, a usual given name a speech tag speaks through where sentences open ("Maude says
   …"), and a name the recogniser does not know ("Nneka") that
   acts twice and never follows "at", "in" or "the"; a name cut short ("Ben", a usual given
   name or one the dialogue calls someone by, "To anyone. Kon.") counts with the one name it
   shortens ("Benedikt", once) and joins it; a month or modal that is a given name ("June",
   "May", "April", "Will") is a name only where a speech tag speaks through it ("June
   says"), and then not where it is the word ("in June", "Will you …?"); a name used mostly in lower case is a
   word ("Will", "Hope"), not counting text messages written all in lower case ("cal
   invited people"); a name the work declares (a "Characters:" or "Pairing:" line, an
   "A/B" pairing in its notes) is kept when the story uses it once, even where a sentence
   opens ("Malfoy was sitting on the bench"), and its full name joins
   the parts the story uses alone ("Pairing: Ansel Tarrow/Jory Castell" makes "Castell" Jory,
   and "Tarrow", called so once, a character);
3. clustered into characters: "Nora Vance", "Nora", "Vance", "Miss Vance" are one person when
   the title's gender and the names agree (a full name written once, or only where a sentence
   opens, is kept for this when its first name or its titled surname is a name the story
   uses, or, after a common given name, its surname is, alone and never with a title:
   "Rhiannon Vale came down the ladder", and "Vale" from then on; not "a white Ford
   Ranger"); "Mr Vance" and "Mrs Vance" are two, and so are
   "Mr. Emerson" and George Emerson when the story writes "old Mr. Emerson" and "young Mr.
   Emerson" (father and son); a titled surname joins the one full name of that surname the
   story does not title only otherwise ("Miss Pellingham" is Eudora, not Lady Augusta
   Pellingham; "Mr. Tilney" is Henry, not Captain Tilney); a titled surname only the dialogue
   uses ("It means I'm a nurse, Mr. Lindqvist") joins the one full name with that surname; a
   surname seen alone only where a sentence opens, doing something ("Dunmore nodded slowly"),
   joins the one titled name of it, used too seldom to count alone ("Commander Dunmore",
   once); a pet name alone ("Lizzy",
   "Miss Lizzy", "Meg") joins the one character, more often named or named only by the given
   name itself ("Catherine!" to a Kitty), of a given name it is short for (the ``nicknames``
   package's English list: Elizabeth, Margaret; and a few it lacks: Kitty, Mags, Letty),
   unless their titles say different genders or a title of rank ("Lady Catherine" is no
   one's Kitty), and a name cut short ("Tam", "Cass") the one character whose
   given name it starts (Tamsin Rook, Cassia Vey), not across genders; a name only ever
   written after "the" that no tag speaks through is a thing ("the Ferret", a pub); "the
   Misses Fairleigh" are sisters, not a person; "Lady Harcastle" is not the "Miss Clara
   Harcastle" of the story; two names the story puts side by side as two people ("Potapitch
   and Martha", "Potapitch! Martha!") stay two though a slip joins them once ("Martha
   Potapitch");
4. speakers known only by a description in speech tags ("said the stranger") are characters
   too, and a role with fewer tags that acts in the narration ("said the king", "The king
   rode out"; not "the miller's daughter" for the miller); a title used alone ("said the
   general") joins the one character named with that title ("General Tilney"); so does a role ("the inspector", "the doctor") once a single tag speaks
   through it or it acts ("The superintendent didn't answer"), after one introduction
   ("Inspector Hale", "Dr. Amsel"); a title of several words is its last ("Detective
   Inspector Rhiannon Okoro" is Inspector Rhiannon Okoro, and Rhiannon; "Dr. Kemp" is "Doctor
   Kemp", and "Mr. Kemp" too when no one else of that surname is about: not "Mrs. Grant",
   the wife of Dr. Grant, nor "Mr. Sholto" beside Major Sholto and his sons);
5. gendered by title, then by a common given name ("Ralph", "Mary"), then by a Russian
   patronymic ("Alexis Ivanovitch", "Polina Alexandrovna"), then by the pronouns
   that follow their mentions in narration when two or more agree (not the object of the
   name's own verb, "Maren found him", "Cal caught her eye", nor an object anywhere in the
   name's clause, "Cass hates that about him", nor the "He" of a thought in italics; but a
   part of the name's own body its verb moves, "Jun opens her mouth", is the name's; the
   "She" that opens the next sentence counts after a name that opened its own or is the
   subject of the clause that ends it, "which is why Cass comes here. She sits"), then by
   the usual gender of the first name (``_name_gender``: "Doris", "Hana"),
   then by a single pronoun; a title in a
   sliver of a character's mentions ("Madame General" against "the General") leaves it to
   the pronouns. "Mrs. Hilbery" stays
   apart from Katharine Hilbery unless Katharine is herself called "Mrs. …", and "Mrs. Newland
   Archer" is his wife, as "Mrs. Robert Ferrars" is Robert's, though the story only ever
   calls him "Mr. Robert Ferrars" (a man's given name after "Mrs."); a kinship word a
   speech tag uses as a name ("Mum said"), or the narration twice ("Dad got the fire
   going"), is a character of the word's gender;
6. a story told in the first person (its chapters and scenes, not its author's notes) whose
   narrator none of these is (a narrator is called by name in a reply to "I said", or says
   "my name is …" in the narration, or is called by name in a quotation the narration then
   says "said my name", and may be named inside quotations far more than in the
   narration besides; never named by a speech tag) gets one more character, the narrator
   (name "Narrator", source ``"narrator"``, no mentions), so that '"…," I said' has someone to
   belong to; when the dialogue alone calls one name that is no one else's ('"Drink that
   before it goes cold, Ruth."', not in a line of the narrator's own nor in a reply to a
   line a tag gives to someone else), that name is the narrator's, mentioned there; a story told in the second person whose "you" none of them is gets "Reader"
   (source ``"narrator"``), whose '"…," you say' it is, mentioned wherever a reader-insert
   story writes "Y/N" for the reader's name.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ficlens.readers._cast import CastMember
from ficlens.stages._letters import CAPITALISED, UPPER
from ficlens.stages._name_gender import name_gender
from ficlens.story import Character, Mention, Quote, Story

if TYPE_CHECKING:
    from nicknames import NickNamer

TITLES: dict[str, str] = {
    "mr": "male", "mister": "male", "sir": "male", "lord": "male", "master": "male", "monsieur": "male",
    "mrs": "female", "miss": "female", "ms": "female", "lady": "female", "madam": "female", "madame": "female",
    "mademoiselle": "female", "dame": "female", "mme": "female", "mlle": "female", "aunt": "female", "uncle": "male",
    "dr": "unknown", "doctor": "unknown", "captain": "unknown", "capt": "unknown", "colonel": "unknown",
    "col": "unknown", "major": "unknown", "general": "unknown", "lieutenant": "unknown", "lt": "unknown",
    "sergeant": "unknown", "sgt": "unknown", "officer": "unknown", "detective": "unknown", "det": "unknown",
    "inspector": "unknown", "professor": "unknown", "prof": "unknown", "father": "male", "mother": "female",
    "brother": "male", "sister": "female", "reverend": "unknown", "rev": "unknown", "agent": "unknown",
    "commander": "unknown", "admiral": "unknown", "chief": "unknown", "judge": "unknown", "count": "male",
    "countess": "female", "prince": "male", "princess": "female", "king": "male", "queen": "female",
    "duke": "male", "duchess": "female", "baron": "male", "baroness": "female", "granny": "female",
    "grandma": "female", "grandpa": "male", "auntie": "female", "aunty": "female", "senator": "unknown",
    "nurse": "unknown",
    "superintendent": "unknown", "constable": "unknown", "sheriff": "unknown", "marshal": "unknown",
    "mayor": "unknown", "governor": "unknown", "bishop": "unknown", "coach": "unknown",
    "farmer": "unknown", "squire": "unknown", "parson": "unknown", "vicar": "unknown", "rector": "unknown",
    "magistrate": "unknown", "headmaster": "male", "headmistress": "female", "ambassador": "unknown",
    "chancellor": "unknown", "commissioner": "unknown", "warden": "unknown", "healer": "unknown",
}
#: The titles as a regular expression, capitalised, longest first (not the kin words: "Father
#: Brown" is a name, "Father" alone a form of address).
TITLE_RX = "|".join(
    sorted((re.escape(t.capitalize()) for t in TITLES if t not in ("mother", "father", "brother", "sister")),
           key=len, reverse=True)
)
_NAME_WORD = rf"(?:[OD]['’]{CAPITALISED}|Ma?c{CAPITALISED}|{CAPITALISED}(?:-{CAPITALISED})?|[{UPPER}]\.)"
_PARTICLE = r"(?:de|van|von|der|le|la|du|di|da|del|St\.?)"
_PARTICLES = frozenset(["de", "van", "von", "der", "le", "la", "du", "di", "da", "del"])
_CANDIDATE = re.compile(
    # "Mr. van der Luyden": after a title, a surname may open with lower-case particles
    # a title of two or three words, "Detective Inspector", "Lieutenant Colonel", is its last word;
    # a title and its name share a paragraph ("said the Professor.\n\nBrody subsided": two people)
    rf"\b(?:(?P<title>(?:(?:{TITLE_RX})\.?[ \t]+){{0,2}}(?:{TITLE_RX}))\.?(?:[ \t]+|[ \t]*\n[ \t]*)(?P<particles>(?:(?:de|van|von|der|du|di|da|del)[ \t]+){{0,2}}))?"
    rf"(?P<name>{_NAME_WORD}(?:(?:[ \t]+{_PARTICLE}){{0,2}}(?:[ \t]+|[ \t]*\n[ \t]*(?=[{UPPER}])){_NAME_WORD}){{0,2}})(?!['’]?\w)"
)
# Capitalised words that are almost never a person's name on their own (dialect spellings among
# them: "Gawd", "Lawd", and "Mis'" and "Marse" before a name, as "Mrs." and "Master").
STOPWORDS = frozenset(
    ["Misses", "Messrs", "I", "A", "An", "The", "This", "That", "These", "Those", "There", "Here", "Then", "Now", "When", "Where", "What", "Who", "Whom", "Whose", "Which", "Why", "How", "He", "She", "It", "We", "They", "You", "Me", "Him", "Her", "Us", "Them", "My", "Your", "His", "Its", "Our", "Their", "Mine", "Yours", "Hers", "Ours", "Theirs", "If", "But", "And", "Or", "Nor", "So", "Yet", "For", "Not", "No", "Yes", "Oh", "Ah", "Aye", "Nay", "Well", "Why", "Alas", "Hush", "Hm", "Hmm", "Huh", "Okay", "Ok", "Hey", "Hi", "Hello", "Goodbye", "Bye", "Please", "Thanks", "Thank", "Sorry", "Sure", "Maybe", "Perhaps", "Still", "Just", "Even", "Only", "Also", "Again", "Once", "After", "Before", "Because", "Though", "Although", "While", "Until", "Since", "As", "At", "By", "In", "On", "Of", "To", "From", "With", "Without", "Into", "Upon", "Over", "Under", "About", "Above", "Below", "Between", "Through", "During", "Against", "Among", "Around", "Behind", "Beyond", "Near", "Some", "Any", "Every", "Each", "All", "Both", "Either", "Neither", "None", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "First", "Second", "Third", "Last", "Next", "Other", "Another", "Such", "Same", "Own", "Many", "Much", "More", "Most", "Few", "Less", "Least", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Christmas", "Easter", "God", "Lord", "Heaven", "Hell", "Bible", "Sir", "Madam", "Mr", "Mrs", "Miss", "Ms", "Dr", "Chapter", "Part", "Book", "Volume", "Prologue", "Epilogue", "Summary", "Notes", "Note", "Author", "English", "French", "German", "Italian", "Spanish", "Russian", "American", "British", "Irish", "Scottish", "Indian", "Chinese", "Japanese", "Christian", "Catholic", "Protestant", "Jewish", "Mohammedan", "Moslem", "Muslim", "Hindu", "North", "South", "East", "West", "Street", "Road", "Lane", "Square", "Park", "Hall", "House", "Court", "Place", "Church", "Abbey", "Castle", "Hotel", "Station", "Office", "Mamma", "Mama", "Papa", "Mum", "Mom", "Dad", "Daddy", "Mummy", "Mommy", "Grandma", "Grandpa", "Granny", "Nurse", "Doctor", "Captain", "Uncle", "Aunt", "Tell", "Look", "Come", "Go", "Let", "See", "Say", "Said", "Don", "Can", "Will", "Would", "Shall", "Should", "Could", "Might", "Must", "Did", "Do", "Does", "Never", "Always", "Nothing", "Something", "Anything", "Everything", "Everyone", "Someone", "Anyone", "Nobody", "Somebody", "Good", "Great", "Poor", "Dear", "Little", "Old", "Young", "Very", "Quite", "Rather", "Too", "Ever", "Really", "Indeed", "Certainly", "Exactly", "Mister", "Master", "Lady", "Father", "Mother", "Brother", "Sister", "Mademoiselle", "Monsieur", "Madame", "Mlle", "Mme", "Sergeant", "Inspector", "Fine", "Right", "Wait", "Stop", "Listen", "Stay", "Run", "Yeah", "Yep", "Nope", "Damn", "Dammit", "Shit", "Fuck", "Christ", "Jesus", "Gods", "Ugh", "Wow", "TV", "OK", "Internet", "Okay", "Mrs.", "Mr.", "Dr.", "St", "Gawd", "Lawd", "Mis", "Marse", "Massa"]
)
#: Stop words that are given names too ("June says", "said Will"): names only where a speech
#: tag speaks through them, and then not where they are the word ("in June", "Will you …?").
STOPWORD_NAMES = frozenset(["April", "May", "June", "Will"])
#: Stop words that are surnames after a title: "Mrs. Hall", "Mr. Young", "Mrs. March". Alone
#: they stay stop words ("the Hall", "in March").
SURNAME_WORDS = frozenset(
    "Hall House Park Court Church Street Lane Little Young Good Best North South East West English French "
    "March May June August Christmas Easter".split()
)
#: Stop words that may still be a name alone (where a tag speaks through them; a surname word
#: only when the story also titles it): "June says", "said Hall".
_WORD_NAMES = STOPWORD_NAMES | SURNAME_WORDS
#: Given names that almost always belong to one gender in English-language fiction; a
#: character's first name outweighs the pronouns near its mentions, which are often another's
#: ("Ralph looked at her"). Titles still come first.
GIVEN_NAMES: dict[str, str] = {
    **dict.fromkeys(
        """
        Aaron Adam Adrian Albert Alexander Alfred Andrew Anthony Archibald Arthur Augustus Basil Ben Benjamin
        Bernard Bill Bob Brian Bruce Carl Cecil Charles Charlie Christopher Clarence Colin Cyril Daniel David
        Dennis Dick Donald Douglas Draco Edgar Edmund Edward Edwin Eric Ernest Eugene Francis Frank Fred
        Freddy Frederick Gabriel Geoffrey George Gerald Gilbert Gregory Harold Harry Henry Herbert Hugh
        Humphrey Ian Isaac Jack Jacob James Jasper Jeremy Jim Jimmy Joe John Jonathan Joseph Julian Ken
        Kenneth Larry Lawrence Leonard Lewis Louis Luke Mark Martin Matthew Michael Nathan Neville Nicholas
        Noah Oliver Oscar Patrick Paul Percy Peter Philip Ralph Raymond Reginald Richard Robert Roger Ron
        Ronald Ronny Rupert Samuel Sebastian Sidney Simon Stephen Steve Ted Theodore Thomas Timothy Tom
        Tony Victor Vincent Walter Wilfred William Willie
        """.split(),
        "male",
    ),
    **dict.fromkeys(
        """
        Abigail Ada Adela Adeline Agatha Agnes Alice Amelia Amy Angela Ann Anna Anne Annie Augusta Barbara
        Beatrice Bella Bertha Betsy Betty Caroline Carrie Cassandra Catherine Cecilia Charlotte Clara
        Claire Constance Cora Daisy Diana Dinah Dora Dorothy Edith Edna Eleanor Eleanora Elinor Eliza
        Elizabeth Ella Ellen Elsie Emily Emma Esther Ethel Eva Evelyn Evie Fanny Flora Florence Frances
        Georgiana Gertrude Ginny Grace Hannah Harriet Helen Henrietta Hermione Hester Ida Irene Isabel
        Isabella Jane Janet Jean Jenny Jessie Joan Josephine Judith Julia Juliet Katharine Katherine
        Kate Kitty Laura Lavinia Lily Lizzie Lizzy Louisa Louise Lucy Lydia Mabel Madeline Maggie Margaret
        Maria Marian Marianne Marie Marilla Martha Mary Matilda Maud May Milly Minnie Molly Nancy Nell
        Nellie Nora Olivia Pamela Penelope Phoebe Polly Priscilla Rachel Rebecca Rosa Rosamond Rose Ruth
        Sally Sarah Sophia Sophie Susan Susanna Sylvia Theresa Victoria Violet Virginia Winifred
        """.split(),
        "female",
    ),
}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_VERB_OBJECT = re.compile(
    r"\s+(?:(?:had|has|have|would|could|will|did|does|must|might)\s+)?(?:[a-z]+ly\s+)?[a-z]+\s+(?:him|her)\b"
)
#: "Mags helped herself", "Dev pulled himself up": a reflexive object is the subject's own
_OWN_REFLEXIVE = re.compile(r"\s+(?:[a-z]+ly\s+)?[a-z]+\s+(himself|herself)\b")
_PRONOUN_AFTER = re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
#: "Jun opens her mouth", "Dev shook his head": a part of the subject's own body, moved as only
#: its owner does (not "caught her eye", "took his hand": someone else's)
_OWN_BODY = re.compile(
    r"\s+(?:[a-z]+ly\s+)?(?:opens|opened|shakes|shook|nods|nodded|bites|bit|rolls|rolled|raises|raised|crosses|"
    r"crossed|folds|folded|rubs|rubbed|clenches|clenched|clears|cleared|purses|pursed|tilts|tilted|licks|licked|"
    r"scratches|scratched|shrugs|shrugged|narrows|narrowed|squeezes|squeezed)\s+(his|her)\s+"
    r"(?:[a-z]+\s+)?(?:head|mouth|eyes|lip|lips|arms|brow|brows|eyebrows|throat|fists?|teeth|chin|jaw|nose|shoulders)\b"
)
#: "him", or "her" where no noun follows it ("about her.", "gave her a look" is left alone):
#: a pronoun as an object, not a possessive.
_OBJECT_PRONOUN = re.compile(
    r"(?:him|her(?=\s*[.,;:!?—\"”)]|\s+(?:and|but|or|to|in|on|at|with|for|from|about|again|back|away|up|down|"
    r"off|out|over|too|now|then|so|anyway|once|twice)\b))\b",
    re.IGNORECASE,
)
#: What puts an object pronoun in another clause than the name's, where it may be the name's
#: own: a stop, a subject of its own, a subordinating word ("Haddon came, because I had
#: bleeped him").
_OBJECT_ELSEWHERE = re.compile(
    r"[.!?;:]|\b(?:I|we|they|you|he|she|because|who|whom|which|when|while|until|if|whether|since|although|"
    r"though|unless|where|before|after)\b",
    re.IGNORECASE,
)
_SPEECH_VERB = (
    r"(?:said|says|asked|replied|answered|cried|shouted|yelled|whispered|murmured|muttered|called|added|"
    r"continued|began|exclaimed|snapped|sighed|repeated|returned|observed|remarked|demanded|insisted|"
    r"protested|interrupted|hissed|growled|breathed|pleaded|agreed|admitted|explained|announced|declared|"
    r"thought|wondered|laughed|screamed|groaned|mumbled|whimpered|retorted|rejoined|resumed|"
    # and messages ("'on my way,' Wren texted"; "'Thank you,' she signed")
    r"wrote|typed|texted|messaged|signed|"
    # and the present tense fan fiction is often told in ("'Are you coming?' Pip asks.")
    # (not "calls" or "admits": "Avonlea calls", "India admits")
    r"asks|replies|answers|cries|shouts|yells|whispers|murmurs|mutters|adds|exclaims|snaps|sighs|"
    r"interrupts|hisses|growls|breathes|pleads|laughs|screams|groans|mumbles|whimpers|retorts|"
    r"writes|types|texts|messages|signs)"
)


@dataclass
class _Cluster:
    key: str
    names: Counter[str] = field(default_factory=Counter)
    title_gender: Counter[str] = field(default_factory=Counter)
    surname: str | None = None
    first: str | None = None

    @property
    def total(self) -> int:
        return sum(self.names.values())


def _norm_title(t: str | None) -> str | None:
    return t.split()[-1].lower().rstrip(".") if t else None


def _sentence_initial(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in " \t\"'“‘(—–-_*":
        j -= 1
    return j < 0 or text[j] in ".!?\n:;…"


def find_candidates(text: str) -> tuple[Counter[tuple[str | None, str]], dict[tuple[str | None, str], list[int]]]:
    """Name candidates (title, name) with counts of non-initial occurrences and positions."""
    counts: Counter[tuple[str | None, str]] = Counter()
    where: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for m in _CANDIDATE.finditer(text):
        title = _norm_title(m.group("title"))
        name = re.sub(r"\s+", " ", (m.group("particles") or "") + m.group("name"))
        words = name.split(" ")
        # strip leading stopwords ("Then Nora" -> "Nora") when untitled, but not a first name
        # that is also a word, before a surname ("May Welland")
        if title is None and len(words) == 1 and words[0] in _WORD_NAMES:
            # "June says", "said Hall": kept only if a tag speaks through it (and, for a
            # surname that is a word, the story titles it too: "Mr. Hall")
            where[(None, words[0])].append(m.start("name"))
            if not _sentence_initial(text, m.start("name")):
                counts[(None, words[0])] += 1
            continue
        given = 0
        while title is None and words and words[0] in STOPWORDS:
            if len(words) > 1 and words[0] in GIVEN_NAMES and words[1] not in STOPWORDS:
                given = 1
                break
            words = words[1:]
        while words and words[-1] in STOPWORDS:
            if title is not None and len(words) == 1 and words[0] in SURNAME_WORDS:
                break
            words = words[:-1]
        # a title inside the sequence starts another name ("Miss Woodhouse Miss Taylor")
        for k, w in enumerate(words[1:], 1):
            if w.lower().rstrip(".") in TITLES:
                words = words[:k]
                break
        if not words or all(len(w) <= 2 and w.endswith(".") for w in words):
            continue
        if any(w in STOPWORDS for w in words[given:]) and title is None:
            words = [w for w in words if w not in STOPWORDS][:1]
            if not words:
                continue
        if words[0] in _PARTICLES:
            words[0] = words[0].capitalize()  # "Monsieur de Griers": the same man as "De Griers"
        name = " ".join(words)
        start = m.start("name") + m.group("name").find(words[0]) if title is None else m.start()
        key = (title, name)
        where[key].append(start)
        if title is not None or not _sentence_initial(text, start):
            counts[key] += 1
    return counts, where


class CharacterStage:
    """Find the characters (or take them from a cast) and every mention of them by name."""

    name = "characters"
    requires: tuple[str, ...] = ("paragraphs", "sections", "quotes")
    provides: tuple[str, ...] = ("characters", "mentions")

    def __init__(self, *, cast: Sequence[CastMember] | None = None, min_mentions: int = 2, use_ner: bool = True):
        self.cast = list(cast) if cast else None
        self.min_mentions = min_mentions
        self.use_ner = use_ner

    def __call__(self, story: Story) -> None:
        text = story_only(story)
        if self.cast:
            chars, mentions = self._from_cast(text, self.cast)
        else:
            chars, mentions = self._infer(story, text)
            unnamed = _unnamed_narrator(story, chars, mentions)
            if unnamed:
                cid = f"c{len(chars) + 1}"
                # a reader-insert story writes the reader's name as "Y/N" ("Morning, Y/N.")
                placeholders = [m.span(1) for m in _YOUR_NAME.finditer(text)] if unnamed == READER else []
                aliases = ("Y/N",) if placeholders else ()
                called = _narrator_called(story, text, chars) if unnamed == NARRATOR else None
                if called:  # '"I'm not your secretary, Jo."': the "I" no one else is
                    unnamed, placeholders = called
                chars.append(Character(cid, unnamed, aliases, "unknown", len(placeholders), source="narrator"))
                if placeholders:  # the reader's "Y/N", or the narrator's name in the dialogue
                    mentions = sorted([*mentions, *(Mention(a, b, cid, "name") for a, b in placeholders)], key=lambda m: m.start)
        story.add_layer("characters", chars)
        story.add_layer("mentions", mentions)

    # -- cast ---------------------------------------------------------------------------------

    def _from_cast(self, text: str, cast: Sequence[CastMember]) -> tuple[list[Character], list[Mention]]:
        owners: dict[str, list[int]] = defaultdict(list)
        for i, member in enumerate(cast):
            for alias in (member.name, *member.aliases):
                if i not in owners[alias]:
                    owners[alias].append(i)
        # a first name the cast implies that is also a word ("May Welland"): not "May I come?", not "in May"
        guarded = set()
        for alias, who in _derived_aliases(cast).items():
            owners.setdefault(alias, [who])
            if alias in STOPWORDS:
                guarded.add(alias)
        # "Mr. Mcbryde" of the cast is the text's "Mr. McBryde"
        for spelled, alias in _respelled(text, list(owners)).items():
            owners.setdefault(spelled, list(owners[alias]))
        mentions_by: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        hits = _find_guarded(text, list(owners), guarded)
        unique_counts: Counter[int] = Counter()
        for _s, _e, alias in hits:
            if len(owners[alias]) == 1:
                unique_counts[owners[alias][0]] += 1
        for s, e, alias in hits:
            who = max(owners[alias], key=lambda k: (unique_counts[k], -k))
            mentions_by[who].append((s, e, alias))
        chars = []
        mentions = []
        for i, member in enumerate(cast):
            cid = f"c{i + 1}"
            found = mentions_by.get(i, [])
            gender = member.gender
            if gender == "unknown":
                # the cast leaves it open: the story's pronouns may tell
                gender = _title_gender(member) or GIVEN_NAMES.get(member.name.split()[0]) or _name_or_pronouns(
                    member.name.split()[0], _pronoun_votes(text, found)
                )
            chars.append(Character(cid, member.name, member.aliases, gender, len(found), "cast"))  # type: ignore[arg-type]
            for s, e, alias in found:
                kind = "title" if alias.split(" ")[0].rstrip(".").lower() in TITLES else "name"
                mentions.append(Mention(s, e, cid, kind))  # type: ignore[arg-type]
        mentions.sort(key=lambda m: m.start)
        return chars, mentions

    # -- inference ----------------------------------------------------------------------------

    def _infer(self, story: Story, text: str) -> tuple[list[Character], list[Mention]]:
        counts, where = find_candidates(text)
        lower = _lower_case_words(text, story)
        # names a speech tag speaks through, or the dialogue calls by again and again
        declared = _declared(story)
        declared_words = frozenset(w for name in declared for w in name.split(" "))
        labels, handle_hits = _handles(_chat_labels(text, story), where, counts, lower)
        speaking = _speech_tagged(text) | labels
        tagged = speaking | _called(text, story) | declared_words
        possessive = Counter(m.group(1) for m in re.finditer(rf"\b({CAPITALISED})['’]s\b", text))
        placey = _place_like(text, where)
        kept: dict[tuple[str | None, str], int] = {}
        doubtful: list[tuple[str | None, str]] = []
        firsts = Counter(name.split(" ")[0] for title, name in counts if title is None and " " in name)
        for key in where:
            n = counts[key]
            title, name = key
            words = name.split(" ")
            if title is None and name in STOPWORD_NAMES and (name not in speaking or firsts[name]):
                continue  # "in June", "Will you …?"; "May" of May Welland is hers already
            if title is None and name in SURNAME_WORDS and name not in STOPWORD_NAMES:
                if name not in speaking or not any(t and n == name for t, n in counts):
                    continue  # "the Hall", "in March"; but "said Hall" of a story with a Mr. Hall
                kept[key] = max(n, 1)
                continue
            if title is None and len(words) == 1 and lower.get(name.lower(), 0) > max(2, 0.5 * len(where[key])):
                continue  # a common word ("Will", "Hope") used mostly in lower case
            if key in placey and name not in tagged:
                continue
            if title is None and name not in tagged and name.lower() not in TITLES and _always_after_the(text, where[key]):
                continue  # "the Ferret", a pub; not "said the Hatter"
            if title is not None or name in tagged:
                if n >= 1:
                    kept[key] = n
                elif title is None and name in speaking and (name in labels or len(words) == 1 and _usual_given_name(name)):
                    # "Maude says …", only ever where a sentence opens; "Vex: on my way", a chat's
                    kept[key] = len(where[key])
            elif n >= self.min_mentions:
                kept[key] = n
                if possessive.get(name, 0) == 0 and len(words) == 1:
                    doubtful.append(key)
        # a name the work declares ("Characters: Draco Malfoy") used only where sentences open
        # ("Malfoy was sitting on the bench"), which the counts above leave out
        for key, positions in where.items():
            if key not in kept and key[0] is None and all(w in declared_words for w in key[1].split(" ")):
                kept[key] = len(positions)
        for key in _families(kept, tagged):
            kept.pop(key)
        shortened = _short_forms(where, lower, placey, tagged | _addressed(text, story))
        initial = _initial_only(where, counts, lower, placey, self.min_mentions, text, shortened)
        # names nobody speaks through and no given name starts: "India", "New York", "Sawston";
        # not a name a title or a full name also uses ("Madame Olenska", "Regina Dallas")
        part_of_name = {name for (t, name), n in kept.items() if t and n >= 2} | {
            word for t, name in kept if not t and " " in name for word in (name.split(" ")[0], name.split(" ")[-1])
        }
        unvoiced = [
            key for key in kept
            if key[0] is None and key not in doubtful and key[1] not in tagged and key[1] not in part_of_name
            and key[1].split(" ")[0] not in GIVEN_NAMES
        ]
        if self.use_ner and (doubtful or initial or unvoiced):
            votes = _ner_votes(text, doubtful + initial + unvoiced, where)
            for key in doubtful:
                v = votes[key]
                if _ner_says(v) == "other" and not (
                    _unknown_person(text, where[key], v)
                    or _given_name_beat(text, key[1], where[key], v)
                    or _acts_on_own(text, where[key]) and not _after_place_or_the(text, where[key])
                ):
                    kept.pop(key, None)
            for key in unvoiced:
                v = votes[key]
                if not v.get("PERSON") and sum(n for lab, n in v.items() if lab in _NOT_PERSON) >= 3:
                    kept.pop(key, None)
            for key in initial:
                v = votes[key]
                # with a use inside a sentence too, the recogniser must say so twice and never
                # call it a place ("Lucknow"), or the name must act, twice ("Mags nearly fell")
                sure = v["PERSON"] >= 2 and not any(v[lab] for lab in _NOT_PERSON)
                if _ner_says(v) == "person" and (not counts[key] or sure or _acts(text, where[key]) >= 2):
                    kept[key] = len(where[key])
                elif v["PERSON"] and not any(v[lab] for lab in _PLACES) and _acts(text, where[key]) >= 2:
                    # a name the recogniser is unsure of that acts twice, as people do: "Oduya
                    # stood there with her hands in her pockets" (called a work of art twice)
                    kept[key] = len(where[key])
                elif _given_name_acts(text, key[1], where[key]) or _given_name_beat(text, key[1], where[key], v):
                    kept[key] = len(where[key])
        # a name cut short ("Ben") counts with the name it shortens ("Benedikt", seen once)
        for short, full in shortened.items():
            if full in kept and short not in kept and not _after_place_or_the(text, where[short]):
                # (counted below the full name, which stays the name shown: "Hamish", not "Ham")
                kept[short] = max(1, min(counts[short], kept[full] - 1))
        for key in _titled_surnames_alone(text, kept, where, lower, self.min_mentions):
            kept[key] = len(where[key])
        for kin, positions in _kin_names(text, story).items():
            kept[(None, kin)] = len(positions)
            where[(None, kin)] = positions
        rare = _keep_full_names(text, kept, where, placey) | _declared_full_names(declared, kept, where)
        sisters = {m.group(1) for m in _SISTERS.finditer(text)}
        clusters = _cluster(kept, where, _old_and_young(text), _said_only(story, kept, where), sisters)
        _join_role_and_mister(clusters)
        clusters.extend(_join_titles(clusters, _nominal_speakers(text, {n for c in clusters for n in c.names})))
        clusters.extend(_possessive_speakers(text, {n for c in clusters for n in c.names}))
        introduced, introductions = _introduced_speakers(text, story, {n for c in clusters for n in c.names})
        clusters.extend(introduced)
        _roles_alone(text, clusters)
        guarded = _word_first_names(clusters) | {name for c in clusters for name in c.names if name in _WORD_NAMES}
        # (a name that labels a chat's line is someone, however seldom: "pip_23: define do"; so
        # is a single name a tag speaks through: '"Did either of you sleep?" asked Sam.')
        once = declared_words | {w for label in labels for w in label.split(" ")}
        spoken = frozenset(n for n in _quotation_tagged(text) if n.lower().rstrip(".") not in TITLES)
        chars, mentions = self._characters(
            text, story, clusters, rare, guarded, once, handle_hits + introductions, spoken
        )
        return chars, mentions

    def _characters(
        self,
        text: str,
        story: Story,
        clusters: list[_Cluster],
        rare: frozenset[str] = frozenset(),
        guarded: frozenset[str] = frozenset(),
        declared: frozenset[str] = frozenset(),
        extra_hits: Sequence[tuple[int, int, str]] = (),
        spoken: frozenset[str] = frozenset(),
    ) -> tuple[list[Character], list[Mention]]:
        """Characters and mentions of the clusters named often enough: ``min_mentions`` times,
        or once for a name the work declares (``declared`` words) or one of the names a speech
        tag speaks through (``spoken``, whole names). ``extra_hits``: mentions
        the names do not spell (start, end, name): chat labels in lower case ("sam" for
        Sam), the introduction of a person the story never names ("a woman in a green
        apron")."""
        alias_owner: dict[str, int] = {}
        for i, c in enumerate(clusters):
            for name in c.names:
                alias_owner.setdefault(name, i)
        hits = _find_guarded(text, list(alias_owner), guarded)
        if extra_hits:
            seen = {s for s, _e, _a in hits}
            hits = sorted(hits + [h for h in extra_hits if h[2] in alias_owner and h[0] not in seen])
        starts = [s for s, _e, _a in hits]
        by_cluster: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for s, e, alias in hits:
            by_cluster[alias_owner[alias]].append((s, e, alias))
        ordered = sorted(
            (
                i for i in range(len(clusters))
                if len(by_cluster.get(i, [])) >= self.min_mentions
                or (
                    by_cluster.get(i)
                    and any(n in spoken or any(w in declared for w in n.split(" ")) for n in clusters[i].names)
                )
            ),
            key=lambda i: -len(by_cluster[i]),
        )
        chars: list[Character] = []
        mentions: list[Mention] = []
        for rank, i in enumerate(ordered):
            c = clusters[i]
            cid = f"c{rank + 1}"
            found = by_cluster[i]
            name = _display_name(c, rare)
            aliases = tuple(sorted((a for a in c.names if a != name), key=lambda a: (-c.names[a], a)))
            gender = _gender(text, c, found, starts)
            chars.append(Character(cid, name, aliases, gender, len(found)))  # type: ignore[arg-type]
            for s, e, alias in found:
                kind = "title" if alias.split(" ")[0].rstrip(".").lower() in TITLES else "name"
                mentions.append(Mention(s, e, cid, kind))  # type: ignore[arg-type]
        mentions.sort(key=lambda m: m.start)
        return chars, mentions


def _word_first_names(clusters: list[_Cluster]) -> frozenset[str]:
    """First names that are also words ("May Welland"): each becomes an alias of the
    character whose full name opens with it (of the one named far more often, when a second
    is: "May Archer", after the wedding), read with care, as a cast's are (not "May I come?",
    not "in May"). Returns those aliases."""
    owners: dict[str, set[int]] = defaultdict(set)
    for i, c in enumerate(clusters):
        for name in c.names:
            first = name.split(" ")[0]
            if " " in name and first in STOPWORDS and first in GIVEN_NAMES:
                owners[first].add(i)
    taken = {n for c in clusters for n in c.names}
    out = set()
    for first, who in owners.items():
        ranked = sorted(who, key=lambda i: -clusters[i].total)
        if first in taken or (len(ranked) > 1 and clusters[ranked[0]].total < 3 * clusters[ranked[1]].total):
            continue
        clusters[ranked[0]].names[first] = 0  # an alias, not yet counted
        out.add(first)
    return frozenset(out)


def _title_gender(member: CastMember) -> str | None:
    genders = {TITLES.get(n.split(" ")[0].rstrip(".").lower()) for n in (member.name, *member.aliases)}
    genders.discard(None)
    genders.discard("unknown")
    return genders.pop() if len(genders) == 1 else None


#: The name of the narrator of a first-person story who is not named (see the module docstring).
NARRATOR = "Narrator"
#: The name of the "you" of a second-person story who is not named, as archives tag them.
READER = "Reader"
#: "Y/N" ("your name"), "(Y/N)", "y/n": where a reader-insert story puts the reader's name.
_YOUR_NAME = re.compile(r"(?<![\w/])(\([Yy]/[Nn]\)|[Yy]/[Nn])(?![\w/])")


def first_person(story: Story, limit: int = 200_000) -> bool:
    """Is the story told in the first person? "I", "me", "my" and "myself" make more than one
    word in a hundred of the narration (the text outside quotations, its first ``limit``
    characters). The narration is the story's body, its chapters and scenes, when the
    structure stage found one: an author's note ("I could not stop thinking about …") is the
    writer speaking, not the story's narrator."""
    # the narration helpers read the characters stage's vocabulary, so they are imported here
    from ficlens.stages._narration import narration as narration_of

    text = story.text
    pieces = [text[st.start : st.end] for st in narration_of(story).stretches]
    if not pieces:  # no chapters or scenes: all the text outside quotations
        pieces = _outside_quotes(text, story.quotes)
    narration = " ".join(pieces)[:limit]
    return len(re.findall(r"\b(?:I|me|my|myself)\b", narration)) > 0.01 * max(1, len(narration.split()))


def _outside_quotes(text: str, quotes: Iterable[Quote]) -> list[str]:
    """The stretches of ``text`` before, between and after ``quotes``."""
    pieces: list[str] = []
    pos = 0
    for q in sorted(quotes, key=lambda q: q.start):
        pieces.append(text[pos : q.start])
        pos = max(pos, q.end)
    pieces.append(text[pos:])
    return pieces


def named_narrator(
    mentions: Sequence[Mention],
    in_quote: Sequence[bool],
    speaking: Collection[str] = (),
    witnesses: Collection[str] | None = None,
) -> str | None:
    """The named character who narrates a first-person story: named inside quotations at least
    three times, and half again as often as in the narration (with one added there); not one
    of ``speaking``, the characters a speech tag names ("says Teo": "I" is not Teo); one of
    ``witnesses`` when given, the characters the dialogue names as "I" directly
    (``_narration.narrator_witnesses``): "Ivy" may be named only in the dialogue because the
    narration calls her "Mrs. Pardoe"."""
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for m, q in zip(mentions, in_quote):
        (inside if q else outside)[m.character] += 1
    best, best_score = None, 0.0
    for cid, n in inside.items():
        if cid in speaking or (witnesses is not None and cid not in witnesses):
            continue
        score = n / (1 + outside[cid])
        if n >= 3 and score > best_score:
            best, best_score = cid, score
    return best if best_score >= 1.5 else None


def _unnamed_narrator(story: Story, chars: Sequence[Character], mentions: Sequence[Mention]) -> str | None:
    """``NARRATOR`` for a first-person story none of ``chars`` narrates, ``READER`` for a
    second-person story none of them is the "you" of, else None. Asked as the attribution and
    point-of-view stages ask it (``named_narrator``, ``_narration.find_narrator``), of the
    story with these characters added."""
    # the narration helpers read the characters stage's vocabulary, so they are imported here
    from ficlens.stages._dialogue import MentionIndex
    from ficlens.stages._narration import (
        find_narrator,
        narration,
        narrator_witnesses,
        scene_modes,
        tag_speakers,
    )

    if first_person(story):
        pronoun = "i"
    elif scene_modes(story, narration(story))[0].person == "second":
        pronoun = "you"
    else:
        return None
    probe = Story(story.text, metadata=story.metadata, markup=list(story.markup))
    for name, value in story.layers.items():
        if name not in ("metadata", "markup"):
            probe.add_layer(name, value)
    probe.add_layer("characters", chars)
    probe.add_layer("mentions", mentions)
    index = MentionIndex(probe)
    if pronoun == "i" and named_narrator(
        index.mentions, index.in_quote, tag_speakers(probe, index), narrator_witnesses(probe, index)
    ):
        return None
    if find_narrator(probe, index, pronoun=pronoun)[0] is not None:
        return None
    return NARRATOR if pronoun == "i" else READER


#: A speech tag of the narrator's right after a quotation ('"…, Sam," I said'), or right before one.
_I_TAG_AFTER = re.compile(r"[\"'”’]?[ \t]*(?:[,;][ \t]*)?I[ \t]+(?:[a-z]+ly[ \t]+)?[a-z]+")
_NAMED_TAG = re.compile(rf"\b{_SPEECH_VERB}\s+(?:the\s+)?(?!I\b)[{UPPER}]|(?<![\w'’])(?!I\b)[{UPPER}][\w'’-]*\s+{_SPEECH_VERB}\b")
_I_TAG_BEFORE = re.compile(r"\bI[ \t]+(?:[a-z]+ly[ \t]+)?[a-z]+[,:]?[ \t]*[\"'“‘]?$")


def _narrator_called(story: Story, text: str, chars: Sequence[Character]) -> tuple[str, list[tuple[int, int]]] | None:
    """The name of a first-person story's narrator, who the story never names but the
    dialogue calls by it ('"I'm not your secretary, Jo."'): the one name that quotations call
    someone by after a comma, that is no character's, no word written in lower case, and
    never in the narration, and that no quotation of the narrator's own ('"Thanks, Sam," I
    said') nor a reply to a line a tag gives to someone by name ('"…," says Gran.' '"Thank
    you, Irene."') calls. With where it is written; None when no name, or more than one, is so."""
    taken = {w for c in chars for n in (c.name, *c.aliases) for w in n.split(" ")}
    quotes = sorted((q for q in story.quotes if q.kind != "embedded"), key=lambda q: q.start)
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    own: set[str] = set()
    paragraphs = story.paragraphs
    for q in quotes:
        calls = list(_CALLED.finditer(text, q.start, q.end))
        if not calls:
            continue
        narrators = _I_TAG_AFTER.match(text, q.end, q.end + 40) or _I_TAG_BEFORE.search(text, max(0, q.start - 40), q.start)
        if q.paragraph > 0:
            # a reply to a line a tag gives to someone by name or as "he" or "she" ('"…," says
            # Gran.' '"Thank you, Irene."') calls that one, not "I"
            before = paragraphs[q.paragraph - 1]
            narrators = narrators or _NAMED_TAG.search(text, before.start, before.end)
        for m in calls:
            if narrators:
                own.add(m.group(1))
            else:
                found[m.group(1)].append(m.span(1))
    narration = "\n".join(_outside_quotes(text, quotes))
    names = [
        name for name in found
        if name not in own and name not in taken and name not in STOPWORDS and name not in _NOT_CALLED
        and _usual_given_name(name) and not re.search(rf"\b(?:{re.escape(name)}|{re.escape(name.lower())})\b", narration)
        and not re.search(rf"\b{re.escape(name.lower())}\b", text)
    ]
    return (names[0], found[names[0]]) if len(names) == 1 else None


def story_only(story: Story) -> str:
    """The text with the author's notes, summary and header blanked out (same length, line
    breaks kept), so names there are not mentions: what a work declares about itself stays
    apart from what ficlens finds in the story."""
    notes = [(p.start, p.end) for p in story.paragraphs if p.kind == "note"]
    if not notes:
        return story.text
    out: list[str] = []
    pos = 0
    for start, end in notes:
        out.append(story.text[pos:start])
        out.append(re.sub(r"[^\n]", " ", story.text[start:end]))
        pos = end
    out.append(story.text[pos:])
    return "".join(out)


def _families(kept: Mapping[tuple[str | None, str], int], tagged: set[str]) -> list[tuple[str | None, str]]:
    """Plural surnames, "the Schlegels" and "the Miss Alans": a family or a group, not a character
    (unless a speech tag speaks through them)."""
    surnames = {name.split(" ")[-1] for t, name in kept if t or " " in name}
    out = []
    for key in kept:
        name = key[1]
        if " " in name or not name.endswith("s") or name in tagged:
            continue
        if name[:-1] in surnames or (name.endswith("es") and name[:-2] in surnames):
            out.append(key)
    return out


def _keep_full_names(
    text: str,
    kept: dict[tuple[str | None, str], int],
    where: dict[tuple[str | None, str], list[int]],
    placey: set[tuple[str | None, str]],
) -> frozenset[str]:
    """Keep full names too rare, or too often sentence-initial, to count on their own.

    "Nora Vance" written once, or only at the start of sentences, is still a name when
    "Nora" or "Miss Vance" is one, or "Vance" alone and no titled Vance ("Nora" being a common
    given name); keeping it lets clustering join the three. Returns the
    names kept this way, which are aliases but do not name the character.
    """
    singles = {name for title, name in kept if title is None and " " not in name}
    titled = {name for title, name in kept if title is not None and " " not in name}
    rescued: set[str] = set()
    for key, positions in where.items():
        title, name = key
        words = name.split(" ")
        if key in kept or title is not None or len(words) < 2 or key in placey:
            continue
        if words[0] not in singles and (words[-1] not in titled or words[-1] in singles):
            # "Rhiannon Vale" once, opening a sentence, and "Vale" everywhere after: a common
            # given name before a surname the story uses alone, and with no title (a "Dr.
            # Spencer" may be another Spencer than "Laura Spencer"), not after an article ("a
            # white Ford Ranger" is a pickup truck)
            if not (
                len(words) == 2
                and words[-1] in singles
                and words[-1] not in titled
                and _usual_given_name(words[0])
                and not any(_AFTER_ARTICLE.search(text, max(0, p - 30), p) for p in positions)
            ):
                continue
        one_line = re.compile(r"[ \t]+".join(re.escape(w) for w in words))
        if any(one_line.match(text, p) for p in positions) and not _two_people(text, words[0], words[-1]):
            kept[key] = len(positions)
            rescued.add(name)
    return frozenset(rescued)


def _two_people(text: str, a: str, b: str, *, least: int = 2) -> bool:
    """Does the story name ``a`` and ``b`` side by side as two people, ``least`` times or more
    ("Potapitch and Martha", "Potapitch! Martha!")? Then a rare "Martha Potapitch" (a slip:
    "marched Potapitch and Martha Potapitch in his frockcoat") does not make them one."""
    pairs = re.compile(
        rf"\b(?:{re.escape(a)}(?:\s+and|\s*[!,;])\s+{re.escape(b)}|{re.escape(b)}(?:\s+and|\s*[!,;])\s+{re.escape(a)})\b"
    )
    return sum(1 for _ in pairs.finditer(text)) >= least


#: An article, and perhaps one word after it, just before a name: "a white Ford Ranger".
_AFTER_ARTICLE = re.compile(r"\b(?:[Aa]n?|[Tt]he)\s+(?:[a-z]+\s+)?$")


def _usual_given_name(word: str) -> bool:
    """Is ``word`` a given name of ours or a common one of the name data ("Rhiannon")? Not
    ``_is_given_name``, which asks the pet-name list: "Rhiannon" has no pet names there."""
    return word in GIVEN_NAMES or name_gender(word) is not None


def _declared_full_names(
    declared: Sequence[str], kept: dict[tuple[str | None, str], int], where: dict[tuple[str | None, str], list[int]]
) -> frozenset[str]:
    """Keep the full names a work declares whose first name or surname the story uses alone
    ("Jory Castell" for "Jory" and "Castell"), though the story never writes them: clustering
    then joins the two. Like ``_keep_full_names``, returns them: aliases, not display names."""
    singles = {name for title, name in kept if title is None and " " not in name}
    added = set()
    for full in declared:
        words = full.split(" ")
        if len(words) > 1 and (None, full) not in kept and (words[0] in singles or words[-1] in singles):
            kept[(None, full)] = 0
            where.setdefault((None, full), [])
            added.add(full)
    return frozenset(added)


_MONTH_BEFORE = re.compile(r"\b(?:in|of|since|until|till|by|early|late|last|next|mid|this|that|every)\s+$", re.IGNORECASE)


#: Words that make a cast's name a description ("The Knave Of Hearts", "A Man", "Woman At Bar").
_DESCRIPTION_WORDS = frozenset({"The", "A", "An", "Of", "At", "In", "On", "With", "From", "By"})


_TEXT_WORD = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*")


def _respelled(text: str, aliases: Collection[str]) -> dict[str, str]:
    """The cast's names as the text spells them, for words of theirs the text never uses: a
    cast's "Mr. Mcbryde" is the text's "Mr. McBryde" (the same letters in another case), its
    "Nawab Badahur" the text's "Nawab Bahadur" (two letters swapped, in a word of five letters
    or more). The text's word must be capitalized and used at least twice, and the most used
    of its spellings wins. Returns each new spelling of an alias -> the alias."""
    used = Counter(_TEXT_WORD.findall(text))
    every = set(re.findall(r"[\w'’-]+", text))
    by_letters: dict[str, list[str]] = defaultdict(list)
    for w, n in used.items():
        if n >= 2:
            by_letters["".join(sorted(w.lower()))].append(w)
    respell: dict[str, str] = {}
    for word in {w for a in aliases for w in a.split(" ")}:
        if len(word) < 4 or not word[0].isupper() or not word.isalpha() or word in every:
            continue
        same = by_letters.get("".join(sorted(word.lower())), [])
        fits = [
            w for w in same
            if w.lower() == word.lower()
            or (len(word) >= 5 and sum(x != y for x, y in zip(w.lower(), word.lower())) == 2)
        ]
        if fits:
            respell[word] = max(fits, key=lambda w: (used[w], w))
    out: dict[str, str] = {}
    for alias in aliases:
        words = alias.split(" ")
        if any(w in respell for w in words):
            out.setdefault(" ".join(respell.get(w, w) for w in words), alias)
    return out


def _derived_aliases(cast: Sequence[CastMember]) -> dict[str, int]:
    """Shorter names a cast implies but may not list: "William Rodney" is "Rodney" and
    "William", "Mr. Rodney" is "Rodney". Kept only when one cast member implies the name, or,
    for a surname, when only one of those who share it is a man: the narration calls a man by
    his bare surname ("Denham said"), and his mother and sisters by title or first name. (Where
    some who share it are of a gender the cast leaves open, it stays out.)"""
    derived: dict[str, set[int]] = defaultdict(set)
    surnames: set[str] = set()
    firsts: set[str] = set()
    for i, member in enumerate(cast):
        for name in (member.name, *member.aliases):
            words = name.split()
            titled = words[0].rstrip(".").lower() in TITLES
            core = words[1:] if titled else words
            if not core or len(core) > 3 or not all(w[:1].isupper() for w in core):
                continue
            if titled or len(core) >= 2:
                derived[core[-1]].add(i)
                if not _DESCRIPTION_WORDS.intersection(core):  # a surname, not "The Knave Of Hearts"
                    surnames.add(core[-1])
            if not titled and len(core) >= 2:
                derived[core[0]].add(i)
                firsts.add(core[0])
    # a surname two men share ("Knightley") or a word any cast member is listed under stays out;
    # so does a common word, unless it is a known first name ("May Welland"), read with care
    # (_from_cast)
    listed = {a for m in cast for a in (m.name, *m.aliases)}

    def owner(name: str, who: set[int]) -> int | None:
        if len(who) == 1:
            return next(iter(who))
        men = [i for i in who if cast[i].gender == "male"]
        women = [i for i in who if cast[i].gender == "female"]
        if name in surnames and name not in firsts and len(men) == 1 and len(men) + len(women) == len(who):
            return men[0]
        return None

    owners = {name: owner(name, who) for name, who in derived.items()}
    return {
        name: who
        for name, who in owners.items()
        if who is not None
        and name not in listed
        and (name not in STOPWORDS or (name in firsts and name in GIVEN_NAMES))
        and len(name) > 2
    }


def _find_guarded(text: str, aliases: list[str], guarded: Collection[str]) -> list[tuple[int, int, str]]:
    """As _find_aliases, but a guarded alias (a first name that is also a word, "May") counts
    only inside a sentence and not after "in", "of", "since" and the like: not "May I come?",
    not "in May". Opening a sentence it counts when a verb or "'s" follows, not a subject:
    "May said", "May's blush", not "May I", "May the best man win". A surname that is a word
    ("Hall") does not count after an article or a word that makes it a place either: not "the
    Hall", "Town Hall"."""
    return [
        (s, e, alias)
        for s, e, alias in _find_aliases(text, aliases)
        if alias not in guarded
        or not (
            (_sentence_initial(text, s) and not _NAME_OPENS.match(text, e))
            or _MONTH_BEFORE.search(text, max(0, s - 8), s)
            or alias in SURNAME_WORDS and _PLACE_WORD_BEFORE.search(text, max(0, s - 12), s)
        )
    ]


#: Words before a surname that is also a word ("Hall", "Park", "Street") that make it the word.
_PLACE_WORD_BEFORE = re.compile(r"\b(?:[Tt]he|[Aa]n?|Town|City|Music|Servants['’]?|Guild|Concert)\s+$")


#: What follows a first name that is also a word when it opens a sentence as a name: "'s", or
#: a word in lower case that is not the subject a modal verb would take ("May said", "Will
#: looked up"; not "May I", "Will you", "May the best man win", "Will not").
_NAME_OPENS = re.compile(
    r"['’]s\b|\s+(?!(?:i|you|he|she|it|we|they|me|him|her|us|them|the|a|an|this|that|these|those|my|your|his|"
    r"our|their|its|all|every|no|not|some|any|each|both|none|there|one|thy|thee|ye|heaven|god)\b)[a-z]+\b"
)


def _find_aliases(text: str, aliases: list[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of any alias, longest first, whole words only, no overlaps."""
    if not aliases:
        return []
    variants: dict[str, str] = {}
    for a in aliases:
        variants[a] = a
        if re.match(r"^(?:Mr|Mrs|Ms|Dr|St)\.\s", a):
            variants.setdefault(a.replace(".", "", 1), a)
        elif re.match(r"^(?:Mr|Mrs|Ms|Dr|St)\s", a):
            variants.setdefault(a.replace(" ", ". ", 1), a)
        if re.search(r" (?:Van|Von|Der|De|Du|La|Le|Di|Da|Del) ", a):
            # "Mr. Van Der Luyden" is written "Mr. van der Luyden"
            variants.setdefault(re.sub(r" (Van|Von|Der|De|Du|La|Le|Di|Da|Del)(?= )", lambda m: " " + m.group(1).lower(), a), a)
        if re.match(r"^(?:The|A|An)\s+\S", a):
            # a cast's "The Hatter" is "the Hatter" mid-sentence, and a title-cased
            # "The Officer" or "The Gentleman In The White Waistcoat" is lower case in the
            # text, with a capital "The" when it opens a sentence ("The officer laughed")
            head, rest = a.split(" ", 1)
            variants.setdefault(f"{head.lower()} {rest}", a)
            variants.setdefault(f"{head.lower()} {rest.lower()}", a)
            variants.setdefault(f"{head} {rest.lower()}", a)
    pattern = "|".join(
        r"\s+".join(re.escape(w) for w in v.split(" ")) for v in sorted(variants, key=len, reverse=True)
    )
    # a lookahead on the first letters lets the regex skip most positions at once, instead of
    # trying every alias at every character of a novel
    firsts = "".join(sorted({re.escape(v[0]) for v in variants}))
    # whole words: "Ma's" and "Dinah'll" are Ma and Dinah, "Ma'am" is no one
    rx = re.compile(rf"(?=[{firsts}])(?<![\w.])(?:{pattern})(?!\w|['’]am\b)")
    out = []
    for m in rx.finditer(text):
        key = " ".join(m.group(0).split())
        if key in variants:
            out.append((m.start(), m.end(), variants[key]))
    return out


_PLACE_PREP = re.compile(
    r"(?:\b(?:at|in|into|from|near|towards?|through|round|reach(?:ed)?|leave|left|leaving|visit(?:ed|ing)?|"
    r"of the)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)


def _place_like(text: str, where: dict[tuple[str | None, str], list[int]]) -> set[tuple[str | None, str]]:
    """Untitled names that mostly follow "at", "in", "from", ... (Hartfield, Pemberley)."""
    out = set()
    for key, positions in where.items():
        if key[0] is not None or len(positions) < 2:
            continue
        hits = sum(1 for p in positions if _PLACE_PREP.search(text[max(0, p - 20) : p]))
        if hits >= 0.4 * len(positions):
            out.add(key)
    return out


_NOMINAL = re.compile(
    rf"\b{_SPEECH_VERB}\s+the\s+((?:[A-Z][a-z]+\s){{0,2}}[A-Za-z][a-z]+)\b(?!['’]s\b)"  # not "the miller's daughter"
    rf"|\b[Tt]he\s+((?:[A-Z][a-z]+\s){{0,2}}[A-Za-z][a-z]+)\s+{_SPEECH_VERB}\b"
)
_NOT_NOMINAL = frozenset(
    ["other", "others", "first", "second", "last", "same", "one", "two", "rest", "whole", "former", "latter", "voice"]
    # adjectives that stand before the noun ("said the old gentleman"; "the old gentlman")
    + ["old", "young", "little", "elder", "elderly", "new", "poor", "good", "great", "big", "small", "tall", "fat"]
)
#: Nouns for a person's role or trade, which a description may be known by all through a story.
_ROLE_NOUNS = frozenset(
    """king queen prince princess emperor empress duke duchess earl countess baron baroness knight squire
    page herald steward chamberlain butler footman valet maid housemaid parlourmaid housekeeper governess
    nurse cook servant waiter waitress landlord landlady innkeeper porter doorman coachman cabman driver
    conductor guard sentry soldier sailor captain mate pilot priest monk nun abbot vicar curate parson
    rector minister bishop chaplain witch wizard giant dwarf hunter huntsman woodcutter shepherd farmer
    miller baker butcher blacksmith smith tailor weaver merchant peddler pedlar beggar fisherman boatman
    ferryman gardener clerk lawyer attorney judge magistrate jailer gaoler turnkey constable policeman
    officer sergeant detective inspector doctor surgeon physician dentist teacher schoolmaster
    schoolmistress professor courier messenger postman stranger visitor widow bride groom""".split()
)
_GENERIC = frozenset(["man", "woman", "men", "women", "people", "girl", "boy", "child", "children", "lady", "gentleman", "person"])


#: Sisters named together: "the Misses Fairleigh".
_SISTERS = re.compile(rf"\bMisses\s+({CAPITALISED})")


def _always_after_the(text: str, positions: Sequence[int]) -> bool:
    """Is every use of a name right after "the" ("at the Ferret", "The Ferret was warm")?"""
    return all(_AFTER_THE.search(text, max(0, p - 5), p) for p in positions)


_AFTER_THE = re.compile(r"\b[Tt]he\s+$")


def _nominal_speakers(text: str, taken: set[str], min_tags: int = 3) -> list[_Cluster]:
    """Speakers known by a description ("said the Invisible Man", "the stranger asked")."""
    counts: Counter[str] = Counter()
    for m in _NOMINAL.finditer(text):
        noun = m.group(1) or m.group(2)
        words = noun.split()
        if len(words) > 1 and words[-1].islower():
            noun = " ".join(words[:-1])  # "said the General in a whisper"
        elif m.group(1) and noun.islower() and re.match(rf"\s+(?:[A-Z]|(?:{'|'.join(_GENERIC)}|fellow|one)\b)", text[m.end():]):
            continue  # "said the old lady", "said the old Jew": a description, not a name
        words = noun.split()
        # a stop word may open a name of two capitalised words: "the March Hare"
        opens = words[0] not in STOPWORDS or (len(words) > 1 and words[0] in SURNAME_WORDS and words[1][0].isupper())
        if noun and words[-1].lower() not in _NOT_NOMINAL and opens and not (
            " " not in noun and noun.lower() in _GENERIC
        ):
            counts[noun] += 1
    out = []
    for noun, n in counts.items():
        if noun in taken or noun.lower() in (t.lower() for t in taken):
            continue
        if n < min_tags:
            # fewer tags, but a person's role that acts in the narration too ("the miller looked
            # up", "The king rode out"): someone of the story, not a passer-by
            if noun.lower() not in _ROLE_NOUNS:
                continue
            acting = sum(
                1 for m in re.finditer(rf"\b[Tt]he\s+{re.escape(noun)}\b(?!['’]s\b)", text) if _ROLE_ACTS.match(text, m.end())
            )
            if acting < 2:
                continue
        c = _Cluster(f"the {noun}")
        total = len(re.findall(rf"\b[Tt]he\s+{re.escape(noun)}\b", text))
        c.names[f"the {noun}"] = total
        c.names[f"The {noun}"] = 0
        out.append(c)
    return out


#: Nouns for a person a story brings in without a name, and the gender each says (None:
#: either).
_PERSON_NOUNS: dict[str, str | None] = {
    **dict.fromkeys("man gentleman boy lad fellow youth king prince duke earl baron monk priest waiter".split(), "male"),
    **dict.fromkeys("woman lady girl lass queen princess duchess countess nun waitress widow maid".split(), "female"),
    **dict.fromkeys(
        """person child stranger stallholder shopkeeper vendor clerk receptionist bartender barman barmaid
        driver guard soldier sailor officer nurse doctor medic paramedic porter cook servant landlord
        landlady innkeeper constable policeman farmer beggar teenager kid""".split(),
        None,
    ),
}
_PERSON_NOUN = "|".join(sorted(_PERSON_NOUNS, key=len, reverse=True))
#: An unnamed person brought in: "a woman in a green apron", "an old man"; and "The
#: stallholder, an old man with a cap": a role and a description of one person.
_INTRODUCED = re.compile(rf"(?:\b[Tt]he\s+([a-z]+),\s+)?\b[Aa]n?\s+(?:[a-z]+\s+){{0,2}}?({_PERSON_NOUN})\b(?!['’-])")
#: A speech tag that speaks through such a description: "the old man said", "called the woman".
_DESCRIBED_TAG = re.compile(
    rf"\b{_SPEECH_VERB}\s+the\s+((?:[a-z]+\s+){{0,2}}?)({_PERSON_NOUN})\b(?!['’])"
    rf"|\b[Tt]he\s+((?:[a-z]+\s+){{0,2}}?)({_PERSON_NOUN})\s+(?:[a-z]+ly\s+)?{_SPEECH_VERB}\b"
)


def _introduced_speakers(
    text: str, story: Story, taken: set[str], reach: int = 3000
) -> tuple[list[_Cluster], list[tuple[int, int, str]]]:
    """Speakers a story never names, brought in by a description ("a woman in a green apron
    was hosing down buckets") and then given a line by a tag that speaks through it ("'You
    two!' the woman called"), within ``reach`` characters of the scene (a scene break ends
    it). "The stallholder, an old man with a cap" makes "the stallholder" and "the old man" one
    person. A description the story gives many people ("said the old gentleman" of a novel's
    several) is one of them only where it was brought in so.
    Returns the people and their introductions, as mentions (start, end, name)."""
    breaks = sorted(sec.start for sec in story.sections)
    intros: dict[str, list[tuple[int, int, str | None]]] = defaultdict(list)  # noun -> (start, end, role beside it)
    for m in _INTRODUCED.finditer(text):
        intros[m.group(2)].append((m.start(), m.end(), m.group(1)))
    people: dict[str, _Cluster] = {}
    hits: dict[int, tuple[int, int, str]] = {}
    for m in _DESCRIBED_TAG.finditer(text):
        adjectives, noun = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
        before = [i for i in intros.get(noun, ()) if m.start() - reach <= i[0] < m.start()]
        if not before:
            continue
        pos, end, role = before[-1]
        if any(pos < b <= m.start() for b in breaks):
            continue  # brought in in another scene
        if any(w in STOPWORDS or w in _NOT_A_DESCRIPTION for w in adjectives.split()):
            continue  # "said the other woman"
        if role and (role in _PERSON_NOUNS or role in _ROLE_NOUNS or role.endswith(("er", "or", "ist", "man", "woman"))):
            key = f"the {role}"
        else:
            role = None
            key = f"the {noun}"
        if key in taken or key.capitalize() in taken:
            continue
        # a passer-by: every "the … woman" of the story within reach of the one brought in;
        # not "the young man" a novel calls its hero by, a hundred times over
        uses = [u.start() for w in {noun, role} if w for u in re.finditer(rf"\b[Tt]he\s+(?:[a-z]+\s+){{0,2}}?{w}\b", text)]
        if len(uses) > _PASSER_BY or any(not pos <= u <= pos + reach or any(pos < b <= u for b in breaks) for u in uses):
            continue
        c = people.get(key)
        if c is None:
            c = people[key] = _Cluster(key)
            if gender := _PERSON_NOUNS[noun]:
                c.title_gender[gender] += 1
        for form in {key, f"the {adjectives}{noun}"}:
            c.names[form] += 1
            c.names.setdefault("T" + form[1:], 0)
        if not role:
            hits[pos] = (pos, end, key)  # "a woman in a green apron": the role is a mention of its own
    return list(people.values()), [h for h in hits.values() if h[2] in people]


#: How often a story may write "the … man" of a person it never names: more, and the words
#: are how it describes someone it does name.
_PASSER_BY = 8
#: Words before a person noun that make it no one in particular: "said the other woman".
_NOT_A_DESCRIPTION = frozenset("other first second last same next one two three".split())


#: Whom a story may know only as someone's kin or servant: "the miller's daughter", "the
#: king's son", "the fisherman's wife".
_BELONGING = frozenset(
    "daughter son wife husband widow mother father sister brother boy girl lad servant maid apprentice".split()
)
_POSSESSIVE = re.compile(r"\b[Tt]he\s+([a-z]+)(['’])s\s+([a-z]+)\b")
_TAG_BEFORE = re.compile(rf"\b{_SPEECH_VERB}\s+$")


def _possessive_speakers(text: str, taken: set[str], min_uses: int = 2) -> list[_Cluster]:
    """Characters known by a role's relation ("the miller's daughter"), who speak in a tag or act
    in the narration at least ``min_uses`` times: a person of the story, and not the miller."""
    uses: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # (role, relation) -> spellings
    acting: Counter[tuple[str, str]] = Counter()
    for m in _POSSESSIVE.finditer(text):
        role, mark, relation = m.groups()
        if role not in _ROLE_NOUNS or relation not in _BELONGING:
            continue
        key = (role, relation)
        uses[key][f"the {role}{mark}s {relation}"] += 1
        # "said the miller's daughter", "the miller's daughter said", "… sat down"
        tagged = _TAG_BEFORE.search(text, max(0, m.start() - 20), m.start()) or _VERB_AFTER.match(text, m.end())
        if tagged or _ROLE_ACTS.match(text, m.end()):
            acting[key] += 1
    out = []
    for key, spellings in uses.items():
        if acting[key] < min_uses or any(s in taken for s in spellings):
            continue
        c = _Cluster(spellings.most_common(1)[0][0])
        for spelling, n in spellings.items():
            c.names[spelling] = n
            c.names["The" + spelling[3:]] = 0
        out.append(c)
    return out


def _join_titles(named: list[_Cluster], nominal: list[_Cluster]) -> list[_Cluster]:
    """A title used alone ("said the general") is the character named with it ("General
    Tilney"), when there is one, or one far more often named than any other: that character
    takes the description's names. Returns the descriptions left over."""
    left = []
    for c in nominal:
        owner = _title_owner(named, c.key.removeprefix("the "))
        if owner is not None:
            named[owner].names.update(c.names)
        else:
            left.append(c)
    return left


#: Abbreviated titles, as the word a description uses alone ("Dr. Amsel" is "the doctor").
_TITLE_WORDS = {"dr": "doctor", "capt": "captain", "col": "colonel", "lt": "lieutenant", "sgt": "sergeant",
                "det": "detective", "prof": "professor", "rev": "reverend"}
#: Titles that name a role, so that "the inspector" alone is the one Inspector of the story.
#: The ones that are also adjectives ("the general idea", "the major part", "the chief
#: thing") count only capitalised ("the General").
_ROLES = frozenset(["doctor", "captain", "colonel", "lieutenant", "sergeant", "officer", "detective", "inspector",
                    "professor", "reverend", "commander", "admiral", "senator", "nurse", "agent", "judge",
                    "superintendent", "constable", "sheriff", "marshal", "mayor", "governor", "bishop", "coach",
                    "magistrate", "headmaster", "headmistress", "ambassador", "chancellor", "commissioner",
                    "warden", "healer"])
_ROLES_CAPITALISED = frozenset(["major", "general", "chief"])
#: Every title that names a role or a rank ("captain", "chief").
ROLE_TITLES = _ROLES | _ROLES_CAPITALISED


def _roles_alone(text: str, clusters: list[_Cluster]) -> None:
    """A role used alone ("the inspector", "the Doctor") is the one character named with it
    ("Inspector Hale", "Dr. Amsel"), once a speech tag speaks through it ("said the
    inspector"), it acts ("The superintendent didn't answer") or has ("the magistrate's
    pen"), however seldom: the
    description's uses join that character's names. Not "the captain of a steamer", nor "the
    General Post Office". (A description that three or more tags speak through is joined by
    _join_titles, or is a character of its own.)"""
    taken = {n.lower() for c in clusters for n in c.names}
    for role in sorted(ROLE_TITLES):
        if f"the {role}" in taken:
            continue
        owner = _title_owner(clusters, role)
        if owner is None:
            continue
        word = role.capitalize() if role in _ROLES_CAPITALISED else f"(?i:{role})"
        found = list(re.finditer(rf"\b[Tt]he\s+({word})\b(?!\s+[A-Z]|\s+of\b|-)", text))
        # a tag speaks through it ("said the inspector", "the inspector said"), or it acts
        # ("The superintendent didn't answer"; not "the nurse idea"), or has ("The magistrate's pen")
        if not any(
            _VERB_BEFORE.search(text, max(0, m.start() - 24), m.start()) or _VERB_AFTER.match(text, m.end())
            or _ROLE_ACTS.match(text, m.end()) or text.startswith(("'s ", "’s "), m.end())
            for m in found
        ):
            continue
        for m in found:
            # as written: "the inspector" and "the Inspector" are each an alias, and may open a sentence
            clusters[owner].names[f"the {m.group(1)}"] += 1
            clusters[owner].names[f"The {m.group(1)}"] += 0


def _join_role_and_mister(clusters: list[_Cluster]) -> None:
    """A surname titled by a role and as a man is one character: "Dr. Kemp" is "Mr. Kemp",
    "Inspector Ratcliffe" is "Mr. Ratcliffe", "Doctor Losberne" is "Mr. Losberne". Only when
    those are the surname's only two clusters and neither has a first name: with a family to
    choose from ("Major Sholto", "Mr. Sholto", Thaddeus Sholto) the role may be the father,
    and a woman's title ("Dr. Grant", "Mrs. Grant") is the wife."""
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        if c.names and c.surname:
            by_surname[c.surname].append(i)
    for members in by_surname.values():
        if len(members) != 2 or any(clusters[i].first for i in members):
            continue
        role = [i for i in members if all(rank_of(n) for n in clusters[i].names)]
        mister = [i for i in members if set(clusters[i].title_gender) == {"male"}]
        if len(role) == 1 and len(mister) == 1 and role != mister:
            into, gone = clusters[mister[0]], clusters[role[0]]
            into.names.update(gone.names)
            into.title_gender.update(gone.title_gender)
            gone.names.clear()
    clusters[:] = [c for c in clusters if c.names]


def _title_owner(clusters: Sequence[_Cluster], title: str) -> int | None:
    """Which cluster a title used alone stands for ("the general", "the Professor"): the one
    named with it ("General Tilney", "Dr. Amsel" for "the doctor"), or one far more often named
    than any other."""
    title = title.lower()
    if title not in TITLES:
        return None
    owners = [
        i for i, c in enumerate(clusters)
        if any(_title_word(a) == title and " " in a for a in c.names)
    ]
    owners.sort(key=lambda i: -clusters[i].total)
    if owners and (len(owners) == 1 or clusters[owners[0]].total >= 5 * clusters[owners[1]].total):
        return owners[0]
    return None


def _title_word(name: str) -> str:
    """The first word of a name, lower case, an abbreviated title spelled out ("Dr." -> "doctor")."""
    word = name.split(" ")[0].rstrip(".").lower()
    return _TITLE_WORDS.get(word, word)


def rank_of(name: str) -> str | None:
    """The role or rank a name of two words or more opens with ("Captain Solberg", "Dr. Kemp":
    "captain", "doctor"), or None."""
    word = _title_word(name)
    return word if " " in name and word in ROLE_TITLES else None


def _speech_tagged(text: str) -> set[str]:
    """Names that speak in a tag: "said Ronny," "Ronny said"; not "said India was hot"."""
    names: set[str] = set()
    for m in re.finditer(rf"\b{_SPEECH_VERB}\s+((?:{CAPITALISED}\s?){{1,3}}?)(?=\s*[,.;:!?—–]|\s+(?:[a-z]+ly|to|and|with|as|at|again|then|but|in|on|from|while|when|after)\b)", text):
        names.add(m.group(1).strip())
    for m in re.finditer(rf"((?:{CAPITALISED}\s){{1,3}}){_SPEECH_VERB}\b", text):
        names.add(m.group(1).strip())
    # a verb of two words right after a quotation: '"…," broke in Ronny,' / '"…," put in Ronny.'
    for m in re.finditer(rf"[,!?—–-][\"”’']\s+(?:[a-z]+ed|broke|put|cut|went|burst|spoke|struck|rang|sang)\s+(?:in|out|up|forth|back|on)\s+((?:{CAPITALISED}\s?){{1,3}}?)(?=\s*[,.;:!?—–])", text):
        names.add(m.group(1).strip())
    return {n for n in names if n.split(" ")[0] not in STOPWORDS or n in _WORD_NAMES}


def _quotation_tagged(text: str) -> set[str]:
    """Single names a tag speaks through right where a quotation closes: '"…?" asked Sam',
    '"…," Sam said'; not "as Ibsen says" inside one."""
    names = {
        m.group(1) or m.group(2)
        for m in re.finditer(
            rf"[,!?—–-][\"”’']\s+(?:{_SPEECH_VERB}\s+({CAPITALISED})(?=\s*[,.;:!?—–]|\s+(?:from|to|at|in|with)\b)|({CAPITALISED})\s+{_SPEECH_VERB}\b)",
            text,
        )
    }
    return {n for n in names if n not in STOPWORDS or n in _WORD_NAMES}


_ACTING = re.compile(
    # (not "indeed", "need" and the like: "Patience! Patience indeed!")
    r"\s+(?:[a-z]+ly\s+)?(?:(?!(?:indeed|need|seed|speed|deed|creed|greed|reed|breed|bed|red|shed|hundred|kindred|"
    r"sacred|naked|wicked|wretched)\b)[a-z]+ed|(?:did|does|do|could|would|wo|ca|had)n['’]t|had|has|let|said|says|took|takes|gave|felt|feels|saw|sees|knew|"
    r"knows|thought|went|goes|came|comes|made|got|gets|put|sat|sits|stood|stands|shook|held|holds|"
    r"kept|ran|runs|caught|looked|looks|turned|turns)\b"
)


def _acts(text: str, positions: Sequence[int]) -> int:
    """How many of a name's uses are followed by a verb it does ("Mags nearly fell", "Dev
    shrugged"), or by "himself" or "herself" ("Marcus himself is at the door"): people act;
    places and creeds ("Lucknow is", "Hinduism") seldom do."""
    n = 0
    for p in positions:
        m = _NAME_AT.match(text, p)
        if m and (_ACTING.match(text, m.end()) or _INTENSIVE.match(text, m.end())):
            n += 1
    return n


def _acts_on_own(text: str, positions: Sequence[int]) -> bool:
    """Does a use of the name do something to a thing of its own ("Okonkwo tapped her tablet",
    "Reyes set his cup down")? People have tablets and cups; the places and groups the entity
    recogniser mistakes a rare surname for seldom do."""
    for p in positions:
        m = _NAME_AT.match(text, p)
        act = m and _ACTING.match(text, m.end())
        if act and _OWN_THING.match(text, act.end()) and not _NAME_BEFORE.search(text, max(0, p - 30), p):
            return True
    return False


#: A capitalised word right before a name: the name is the end of a longer one ("a Dallas of
#: South Carolina took his view").
_NAME_BEFORE = re.compile(rf"\b[{UPPER}][\w'’-]*[ \t]+$")
#: The object of a verb, a thing of the subject's own: " her tablet", " up his collar".
_OWN_THING = re.compile(r"\s+(?:[a-z]+\s+)?(?:his|her)\s+[a-z]{3,}\b")


#: "himself" or "herself" right after a name: only a person is ("Marcus himself is at the door").
_INTENSIVE = re.compile(r"\s+(?:himself|herself)\b")


_VERB_BEFORE = re.compile(rf"\b{_SPEECH_VERB}\s+$")
_VERB_AFTER = re.compile(rf"\s+{_SPEECH_VERB}\b")
_ROLE_ACTS = re.compile(_ACTING.pattern + r"|\s+(?:did|does|was|is|would|could|will|can|had)(?:n['’]t)?\b")
_NAME_AT = re.compile(rf"[{UPPER}][\w'’-]*")


_AFTER_PLACE = re.compile(r"\b(?:at|in|to|from|near|into|towards|through|across|of)\s+$")


#: Kinship words a family story uses as names ("Mum said", "said Dad"), and their genders.
KIN_NAMES: dict[str, str] = {
    **dict.fromkeys("Mum Mom Mam Mummy Mommy Mama Mamma Ma Mother Gran Granny Grandma Nan Nana Nanna".split(), "female"),
    **dict.fromkeys("Dad Daddy Papa Pa Father Grandpa Grandad Granddad".split(), "male"),
}
_KIN = "|".join(KIN_NAMES)
_KIN_TAGGED = re.compile(rf"\b{_SPEECH_VERB}\s+({_KIN})\b(?!['’]\w|\s+[A-Z])|(?<![\w'’])({_KIN})\s+{_SPEECH_VERB}\b")
_KIN_USE = re.compile(rf"\b({_KIN})\b(?!['’](?!s\b)\w|\s+[A-Z])")  # not "Ma'am", not "Father Brown"; "Mum's" is


def _kin_names(text: str, story: Story) -> dict[str, list[int]]:
    """Kinship words a speech tag uses as a name ("Mum said", "said Dad"; not "said Father
    Brown"), or the narration twice ("Dad got the fire going", "and Dad, and Chidi"), with
    where the word is written with its capital and no name after it. (In the dialogue a kin
    word is as often the speaker's parent as anyone's: "Mamma says" is no character.)"""
    named = {m.group(1) or m.group(2) for m in _KIN_TAGGED.finditer(text)}
    quotes = sorted((q.start, q.end) for q in story.quotes)
    starts = [a for a, _b in quotes]
    found: dict[str, list[int]] = defaultdict(list)
    narrated: Counter[str] = Counter()
    for m in _KIN_USE.finditer(text):
        found[m.group(1)].append(m.start())
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or quotes[i][1] <= m.start():
            narrated[m.group(1)] += 1
    named |= {kin for kin, n in narrated.items() if n >= 2}
    return {kin: positions for kin, positions in found.items() if kin in named}


_CALLED = re.compile(rf",\s+({CAPITALISED})(?=[.,!?;])")
#: Words a quotation puts after a comma like a name and are none ('"Yes, Sahib."').
_NOT_CALLED = frozenset({"Sahib", "Sahiba", "Signora", "Signorina"})  # "Monsieur" and the like are stop words


def _chat_labels(text: str, story: Story) -> dict[str, list[int]]:
    """The names that label the lines of a chat or a script ("Vex: on my way", "sam: did
    anyone do the reading"; see ``quotations.chat_lines``), each with where it labels a line."""
    from ficlens.stages.quotations import CHAT_MARK, chat_label

    out: dict[str, list[int]] = defaultdict(list)
    for q in story.quotes:
        if q.mark == CHAT_MARK and (label := chat_label(text, q.start)):
            line = text.rfind("\n", 0, q.start) + 1
            out[label].append(text.index(label, line))
    return out


def _handles(
    labels: Mapping[str, list[int]],
    where: dict[tuple[str | None, str], list[int]],
    counts: Counter[tuple[str | None, str]],
    lower: Counter[str],
) -> tuple[set[str], list[tuple[int, int, str]]]:
    """The names chat labels speak through. A handle in lower case is the name the story
    writes with a capital ("sam" is Sam): its labels are mentions of that name, and not uses
    of a word in lower case; a handle the story never capitalises ("pip_23") is a name of its
    own, mentioned where it labels a line; a script's label in capitals ("MARCUS") is the
    name in the usual case ("Marcus"). Returns the names and the labels' mentions
    (start, end, name) of the lower-case handles."""
    names: set[str] = set()
    hits: list[tuple[int, int, str]] = []
    for label, positions in labels.items():
        if label.islower():
            lower[label] -= len(positions)
            name = label[0].upper() + label[1:]
            if (None, name) not in where:
                name = label
        elif label.isupper() and len(label) > 1:
            name = label.title()  # a script's "MARCUS:" is Marcus
        else:
            names.add(label)
            continue
        if (None, name) not in where:
            where[(None, name)] = list(positions)
            counts[(None, name)] = len(positions)
        names.add(name)
        hits.extend((p, p + len(label), name) for p in positions)
    return names, hits


def _called(text: str, story: Story) -> set[str]:
    """Single names the dialogue calls someone by twice or more, after a comma ('"…, Petra."'):
    a story may name its narrator only so. (Not at a quotation's start: '"Humph," said he'.)"""
    counts = Counter(
        m.group(1) for q in story.quotes if q.kind != "embedded" for m in _CALLED.finditer(text, q.start, q.end)
    )
    return {name for name, n in counts.items() if n >= 2 and name not in STOPWORDS and name not in _NOT_CALLED}


#: A single capitalised word a quotation calls someone by: after a comma, or a sentence of its own
#: ('"…, Petra."', '"To anyone. Kon."').
_ADDRESSED = re.compile(rf"(?:^|[,.!?]\s+)({CAPITALISED})(?=[.!?,]|$)")


def _addressed(text: str, story: Story) -> set[str]:
    """The single names the dialogue calls someone by, once or more (see ``_ADDRESSED``)."""
    return {
        m.group(1) for q in story.quotes if q.kind != "embedded"
        for m in _ADDRESSED.finditer(text[q.start : q.end]) if m.group(1) not in STOPWORDS
    }


#: Characters an archive declares that are no name in the story: "Original Female Character(s)",
#: "Reader", "You".
_NOT_DECLARED_NAMES = re.compile(r"^(?:Original\b|Reader$|You$)")


def _declared(story: Story) -> list[str]:
    """The names a work declares ("Characters: …", "Pairing: Ansel Tarrow/Jory Castell", "Vane/
    Quill endgame" in the notes), as their capitalised words without titles: a fan work's
    point-of-view character may be named nowhere else but once in the dialogue ('…, Tarrow'),
    and is a character all the same."""
    from ficlens.stages.relationships import declared_names

    out = []
    for name in declared_names(story):
        if _NOT_DECLARED_NAMES.match(name.strip()):
            continue
        words = [w for w in re.findall(CAPITALISED, name) if w not in STOPWORDS and w.lower() not in TITLES]
        if words:
            out.append(" ".join(words))
    return out


def _titled_surnames_alone(
    text: str,
    kept: Mapping[tuple[str | None, str], int],
    where: Mapping[tuple[str | None, str], list[int]],
    lower: Counter[str],
    min_mentions: int,
) -> list[tuple[str | None, str]]:
    """Surnames seen alone too seldom to be kept (as where they only open sentences), doing
    something ("Dunmore nodded slowly"), of a titled name the story uses too seldom to count
    ("Commander Dunmore", once)
    and the only one titled with that surname: the same character, whose uses then count
    together. Not a given name after a title ("Sir William", "Miss Teresa"), not two titles
    of one surname ("Mr. Hale", "Mrs. Hale"), not the surname of a full name the story uses
    ("Mireille Castaing" brings it in already), not a word also written in lower case, and
    not a surname seen after "at", "in", "to" or "the"."""
    titled: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for title, name in kept:
        if title is not None and " " not in name:
            titled[name].append((title, name))
    # a full name the story uses already brings its surname in ("Mireille Castaing")
    full = {name.split(" ")[-1] for title, name in where if title is None and " " in name}
    out = []
    for key, positions in where.items():
        title, name = key
        owners = titled.get(name, [])
        if title is not None or key in kept or name in full or len(owners) != 1 or kept[owners[0]] >= min_mentions:
            continue
        if name.lower() in lower or _usual_given_name(name) or not _acts(text, positions):
            continue
        if _after_place_or_the(text, positions):
            continue
        out.append(key)
    return out


def _given_name_acts(text: str, name: str, positions: Sequence[int]) -> bool:
    """A common given name ("Nadia", "Marcus") that acts ("Nadia pushed through the door") and
    is followed by a pronoun of its usual gender ("… with her tray"), never after "at", "in",
    "to", "from" or "the": a person, whatever the entity recogniser calls it (the small one
    calls "Nadia" and "Marcus" places). A place that is also a name ("Florence", "Chester")
    neither does things nor is a "she"."""
    gender = GIVEN_NAMES.get(name) or name_gender(name)
    if gender not in ("female", "male") or not _acts(text, positions) or _after_place_or_the(text, positions):
        return False
    votes = _pronoun_votes(text, [(p, p + len(name), name) for p in positions])
    return votes[gender] >= 1 and votes[gender] > sum(n for g, n in votes.items() if g != gender)


def _given_name_beat(text: str, name: str, positions: Sequence[int], votes: Counter[str]) -> bool:
    """A usual given name ("Benedikt") that acts ("Benedikt studied the advertisement",
    "Alistair didn't take it"), that the entity recogniser never calls a place, and that never
    follows "at", "in", "to", "from" or "the" as a place does: a person, however seldom the
    story names them.
    (``_given_name_acts`` asks the pronouns as well, for a name the recogniser calls a place.)"""
    # (the small recogniser calls given names an organisation or an event as often as not:
    # "Alistair", "Hugo"; a place it may be, "Florence")
    if not _usual_given_name(name) or any(votes[lab] for lab in _PLACES) or _ner_says(votes) == "other" and votes.get("VERB"):
        return False
    return _acts(text, positions) >= 1 and not _after_place_or_the(text, positions)


def _short_forms(
    where: Mapping[tuple[str | None, str], list[int]],
    lower: Counter[str],
    placey: Collection[tuple[str | None, str]],
    called: Collection[str],
) -> dict[tuple[str | None, str], tuple[str | None, str]]:
    """Single names that are another single name cut short ("Ben": "Benedikt"; ``_shortened``),
    each with the one name it shortens. The short one is a usual given name or one of
    ``called`` (a tag speaks through it, the dialogue calls someone by it), never written in
    lower case nor a place: not "Pray" of Pratt, "Mad" of Madras, "London" of a Londoner."""
    by_start: dict[str, list[str]] = defaultdict(list)
    for title, name in where:
        if title is None and " " not in name and len(name) >= 3 and (None, name) not in placey and name.lower() not in lower:
            by_start[name[:3]].append(name)
    out: dict[tuple[str | None, str], tuple[str | None, str]] = {}
    for names in by_start.values():
        for short in names:
            if not (_usual_given_name(short) or short in called):
                continue
            longer = [n for n in names if _shortened(short, n)]
            if len(longer) == 1:
                out[(None, short)] = (None, longer[0])
    return out


def _unknown_person(text: str, positions: Sequence[int], votes: Counter[str]) -> bool:
    """A name the entity recogniser marks as nothing at least twice and as something at most
    once ("Nneka") that acts twice ("Nneka considered the field") and never follows "at", "in",
    "to", "from" or "the" is a person: a place the recogniser missed ("at Highbury") or a ship
    ("The Calloway turned") is not."""
    if votes.get("O", 0) < 2 or sum(votes.values()) - votes["O"] > 1 or _after_place_or_the(text, positions):
        return False
    return _acts(text, positions) >= 2


def _after_place_or_the(text: str, positions: Sequence[int]) -> bool:
    """Does any use of a name follow "at", "in", "to", "from" … or "the" ("at Highbury", "The
    Calloway turned"): a place or a thing, not a person?"""
    return any(_after_place(text, p) or _AFTER_THE.search(text, max(0, p - 5), p) for p in positions)


#: A verb people are the object of with "at" or "to": "grinned at Alistair", "turned to Hugo".
_AT_A_PERSON = re.compile(
    r"\b(?:looked|looks|glanced|glances|stared|stares|smiled|smiles|grinned|grins|laughed|laughs|glared|glares|"
    r"nodded|nods|waved|waves|winked|winks|frowned|frowns|scowled|scowls|gazed|gazes|peered|peers|blinked|"
    r"blinks|shouted|shouts|yelled|yells|snapped|snaps|said|says|spoke|speaks|talked|talks|turned|turns|"
    r"whispered|whispers|replied|replies|listened|listens|married|belonged|belongs|introduced|handed|hands|"
    r"explained|explains|murmured|murmurs|called|calls|wrote|writes|lied|lies|sneered|sneers|"
    r"leaned|leans|went|goes|came|comes|ran|runs|back)\s+(?:[a-z]+ly\s+)?(?:at|to)\s+$"
)


def _after_place(text: str, pos: int) -> bool:
    """Does the use of a name at ``pos`` follow "at", "in", "to", "from" and the like, as a
    place does ("at Highbury", "to Lucknow"), and not after a verb people are the object of
    that way ("grinned at Alistair", "turned to Hugo")?"""
    return bool(_AFTER_PLACE.search(text, max(0, pos - 12), pos)) and not _AT_A_PERSON.search(text, max(0, pos - 40), pos)


_LOWER_WORD = re.compile(r"\b[a-z][a-z'’]+\b")


def _lower_case_words(text: str, story: Story) -> Counter[str]:
    """How often each word is written in lower case, leaving out utterances with no capital
    letter at all: a text message written all in lower case ("cal invited people to the
    lake") says nothing about whether "Cal" is a name. (The second part of a quotation split
    by a tag, '"…," she said, "you will see."', counts with the first.)"""
    lower = Counter(_LOWER_WORD.findall(text))
    parts: dict[str, list[str]] = defaultdict(list)
    for q in story.quotes:
        parts[q.group].append(text[q.start : q.end])
    for group in parts.values():
        if all(p == p.lower() for p in group):
            for p in group:
                lower.subtract(_LOWER_WORD.findall(p))
    return +lower


def _initial_only(
    where: dict[tuple[str | None, str], list[int]],
    counts: Counter[tuple[str | None, str]],
    lower: Counter[str],
    placey: set[tuple[str | None, str]],
    min_mentions: int,
    text: str,
    shortened: Mapping[tuple[str | None, str], tuple[str | None, str]],
) -> list[tuple[str | None, str]]:
    """Single names seen only, or all but once, at the start of sentences ("Nora bit her lip."),
    never in lower case: names only if the entity recogniser says so. Uses inside a full name
    count, and those of the name cut short (``shortened``: "Ben" for "Benedikt"). A story told through one character names them mostly where a sentence starts, the
    rest is "she"; a name with one use inside a sentence needs a use per 20,000 words or so of
    the text, and that use not after "at", "in", "to" or "from", so that a novel's passing
    places ("at Madras", "Hinduism") stay out."""
    uses: Counter[str] = Counter()
    for (title, name), positions in where.items():
        if title is None and " " in name:
            uses[name.split(" ")[0]] += len(positions)
    for short, (_title, full) in shortened.items():
        uses[full] += len(where[short])
    out = []
    for key, positions in where.items():
        title, name = key
        if title is not None or " " in name or counts[key] >= min_mentions or key in placey or name.lower() in lower:
            continue
        needed = min_mentions
        if counts[key]:
            inside = next(p for p in positions if not _sentence_initial(text, p))
            if _after_place(text, inside):
                continue  # "at Madras", "to Lucknow"
            needed = max(min_mentions, len(text) // 120_000)
        if len(positions) + uses[name] >= needed:
            out.append(key)
    return out


_PLACES = ("GPE", "LOC", "FAC", "NORP")
_NOT_PERSON = ("GPE", "LOC", "ORG", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LANGUAGE", "DATE", "TIME")


def _ner_says(v: Counter[str]) -> str:
    """"person", "other" or "unsure" from the entity labels one candidate got; a word that is
    a command in half its uses or more ("VERB": "Lie down.", "Lie still …") is "other"."""
    if 2 * v.get("VERB", 0) >= max(1, sum(v.values())):
        return "other"
    person = v.get("PERSON", 0)
    other = sum(n for lab, n in v.items() if lab in _NOT_PERSON)
    if person == 0 and (other >= 1 or v.get("O", 0) == sum(v.values())):
        return "other"
    if person >= 1 and person >= other:
        return "person"
    return "unsure"


def _ner_votes(
    text: str, keys: list[tuple[str | None, str]], where: dict[tuple[str | None, str], list[int]], samples: int = 4
) -> dict[tuple[str | None, str], Counter[str]]:
    """The entity label of a few sample occurrences of each candidate ("O" for none). A word
    the tagger reads as a verb in the imperative where it opens a sentence ("Lie down.",
    "Hush now."), which the recogniser alone takes for a name, is labelled "VERB"."""
    from ficlens.stages._nlp import ner, tagger

    sentences: list[str] = []
    owners: list[tuple[tuple[str | None, str], int]] = []
    for key in keys:
        for pos in where[key][:: max(1, len(where[key]) // samples)][:samples]:
            a = max(text.rfind(".", 0, pos), text.rfind("\n\n", 0, pos), pos - 200) + 1
            b = text.find(".", pos)
            b = min(b + 1 if b != -1 else len(text), pos + 200)
            sentences.append(text[a:b])
            owners.append((key, pos - a))
    labels: list[str] = []
    for (_key, offset), doc in zip(owners, ner().pipe(sentences, batch_size=128)):
        labels.append(next((e.label_ for e in doc.ents if e.start_char <= offset < e.end_char), "O"))
    # the tagger reads only the uses it may overturn: a "person" that opens its sentence, from
    # there on (the words after it tell a command from a name)
    doubted = [i for i, (_key, offset) in enumerate(owners) if labels[i] == "PERSON" and _sentence_initial(sentences[i], offset)]
    clauses = (sentences[i][owners[i][1] : owners[i][1] + 80] for i in doubted)
    for i, doc in zip(doubted, tagger().pipe(clauses, batch_size=128)):
        if len(doc) and doc[0].tag_ == "VB":
            labels[i] = "VERB"
    votes: dict[tuple[str | None, str], Counter[str]] = defaultdict(Counter)
    for (key, _offset), label in zip(owners, labels):
        votes[key][label] += 1
    return votes


_AGED = re.compile(rf"\b(old|elder|young|younger)\s+(Mr|Mrs|Miss)\.?\s+({CAPITALISED})\b", re.IGNORECASE)


def _old_and_young(text: str) -> set[tuple[str, str]]:
    """Titled names the story tells apart by age, so two people bear them: (title, surname)
    when it writes both "old Mr. Emerson" and "young Mr. Emerson" (father and son)."""
    ages: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in _AGED.finditer(text):
        ages[(m.group(2).lower(), m.group(3))].add("old" if m.group(1).lower() in ("old", "elder") else "young")
    return {key for key, seen in ages.items() if len(seen) == 2}


def _cluster(
    kept: dict[tuple[str | None, str], int],
    where: dict[tuple[str | None, str], list[int]],
    two_people: set[tuple[str, str]],
    said_only: Collection[tuple[str | None, str]] = (),
    sisters: Collection[str] = (),
) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    full: dict[str, int] = {}  # "Nora Vance" -> cluster
    by_first: dict[str, list[int]] = defaultdict(list)
    by_surname: dict[str, list[int]] = defaultdict(list)

    def new(key: str, first: str | None, surname: str | None) -> int:
        clusters.append(_Cluster(key, first=first, surname=surname))
        i = len(clusters) - 1
        if first:
            by_first[first].append(i)
        if surname:
            by_surname[surname].append(i)
        return i

    def weight(key: tuple[str | None, str]) -> int:
        return len(where[key])

    def form(title: str | None, name: str) -> str:
        if not title:
            return name
        t = title.capitalize()
        return f"{t}. {name}" if t in ("Mr", "Mrs", "Ms", "Dr", "St") else f"{t} {name}"

    # 1. full names (two words or more), untitled first
    order = sorted(kept, key=lambda k: (k[0] is not None, -len(k[1].split(" ")), -weight(k)))
    for key in order:
        title, name = key
        words = name.split(" ")
        if _surname_only(name):
            continue
        given = GIVEN_NAMES.get(words[0])
        if title == "mrs" and (given == "male" or (given != "female" and (None, name) in kept)):
            # "Mrs. Newland Archer" is Newland Archer's wife, not Newland Archer; and "Mrs.
            # Robert Ferrars" is Robert's, though the story calls him "Mr. Robert Ferrars" only
            wife = form(title, name)
            if wife not in full:
                full[wife] = new(wife, None, words[-1])
            clusters[full[wife]].names[wife] += weight(key)
            clusters[full[wife]].title_gender["female"] += 1
            continue
        if name in full:
            i = full[name]
        else:
            i = new(name, words[0], words[-1])
            full[name] = i
        clusters[i].names[form(title, name)] += weight(key)
        if title:
            clusters[i].title_gender[TITLES.get(title, "unknown")] += 1
    # 2. first names of those full names ("Nora" joins "Nora Vance")
    # (not a name the story titles as a surname far more often: "Fielding", "Mr. Fielding" 66
    # times, is no first name of a "Mr. Fielding High School" seen once)
    bare = sorted((k for k in kept if not k[0] and _surname_only(k[1])), key=lambda k: -weight(k))
    given_joined: set[str] = set()
    for key in bare:
        firsts = by_first.get(key[1], [])
        if firsts:
            i = max(firsts, key=lambda j: clusters[j].total)
            surnamed = sum(weight((t, key[1])) for t in _SURNAME_TITLES if (t, key[1]) in kept)
            if surnamed > 2 * clusters[i].total:
                continue
            clusters[i].names[key[1]] += weight(key)
            given_joined.add(key[1])
    # 3. titled single names: "Miss Vance", "Mr. Vance", "Captain Okafor"
    titled_single: dict[tuple[str, str], int] = {}
    for key in sorted((k for k in kept if k[0] and _surname_only(k[1])), key=lambda k: -weight(k)):
        title, name = key
        assert title is not None
        g = TITLES.get(title, "unknown")
        options = [
            i for i in by_surname.get(name.split(" ")[-1], [])
            if clusters[i].first is not None and (g == "unknown" or _cluster_gender(clusters[i]) in (g, "unknown"))
        ]
        if len(options) > 1:
            # "Miss Pellingham" of Eudora and Lady Augusta Pellingham is Eudora; "Mr. Tilney"
            # of Henry, Captain Tilney and General Tilney is Henry: not one whom the story
            # titles only otherwise. (Margaret and Helen Schlegel stay a doubt.)
            plain = [i for i in options if not _titled_otherwise(clusters[i], title)]
            if len(plain) == 1:
                options = plain
        by_given = not options and title in _FIRST_NAME_TITLES  # "Sir Thomas": Sir Thomas Bertram
        if by_given:
            options = [i for i in by_first.get(name, []) if _cluster_gender(clusters[i]) in (g, "unknown")]
        if (
            len(options) == 1
            and (_may_join(clusters[options[0]], title, kept) or _addressed_as(clusters[options[0]], key, said_only))
            # of "the Misses Fairleigh", "Miss Fairleigh" is the eldest, not "Miss Clara Fairleigh"
            and not (title == "miss" and name in sisters and any(n.startswith("Miss ") and n.count(" ") > 1 for n in clusters[options[0]].names))
            # far more often "Mr. Knightley" than "John Knightley": another man of that name, unless
            # the full name takes the same title and is the one the short form can stand for
            and (weight(key) <= 3 * clusters[options[0]].total or _titled_alike(clusters[options[0]], title, by_given, kept))
            and (title, name) not in two_people  # "old Mr. Emerson" is not George Emerson
        ):
            i = options[0]
        elif (same := (_TITLE_WORDS.get(title, title), name)) in titled_single:  # "Dr. Kemp" is "Doctor Kemp"
            i = titled_single[same]
        else:
            i = new(form(title, name), None, name.split(" ")[-1])
            titled_single[same] = i
        clusters[i].names[form(title, name)] += weight(key)
        clusters[i].title_gender[g] += 1
    # 4. other bare names: a surname on its own, or a name with no other form
    for key in bare:
        name = key[1]
        if name in given_joined:
            continue
        surnames = by_surname.get(name.split(" ")[-1], [])
        if surnames:
            # A bare surname mostly means the man of that name in older fiction ("Elton").
            i = max(surnames, key=lambda j: (_cluster_gender(clusters[j]) == "male", clusters[j].total))
        elif " " in name:  # "De Griers"
            i = new(name, None, name.split(" ")[-1])
        elif (owner := _title_owner(clusters, name)) is not None and clusters[owner].total >= 2:
            i = owner  # "the Professor": Professor de Worms, named so more than once
        else:
            i = new(name, name, None)
        clusters[i].names[name] += weight(key)
    # 5. a pet name alone ("Lizzy", "Meg", "Len") joins the one character with its given name
    # (Elizabeth Bennet, Margaret, Leonard Bast), unless their titles say different genders
    taken = _full_firsts(clusters)
    for i, c in enumerate(clusters):
        pet = c.first or c.surname  # "Lizzy", or "Miss Lizzy" (a first-name title)
        if pet is None or (c.first and c.surname) or pet in taken or not _pet_names_only(c, pet):
            continue
        names = _nicknames()
        if names.nicknames_of(pet):
            continue  # a given name itself ("William", "Robert"), not only a pet name
        givens = {g.capitalize() for g in names.canonicals_of(pet)} | set(_PET_NAMES.get(pet, ()))
        targets = [
            j
            for j, t in enumerate(clusters)
            if j != i
            and (given := _given_name(t)) in givens
            and t.names[given]  # called by the given name itself, not only "Mr. Thomas Gradgrind"
            # the given name is the usual one ("Margaret" does not join a "Meg" named more
            # often), unless it is only ever that name alone: "Catherine!" three times, in
            # a story that calls her "Kitty" everywhere else
            and (t.total > c.total or set(t.names) == {given})
            and _genders_agree(_cluster_gender(t), _cluster_gender(c))
            # no pet name of a lady's: "Kitty" is not Lady Catherine
            and not any(n.split(" ")[0].rstrip(".").lower() in _RANK_TITLES for n in t.names)
        ]
        if not targets and c.first:
            # a name cut short, which no list holds: "Tam" is Tamsin Rook, "Cass" is Cassia Vey;
            # a given name only of a given name longer by two letters ("Ben": Benedikt; not
            # "Ann": Anne, nor "Will": Willoughby)
            targets = [
                j for j, t in enumerate(clusters)
                if j != i and t.first and t.names and _shortened(pet, t.first)
                and (pet not in GIVEN_NAMES or (len(t.first) >= len(pet) + 2 and _usual_given_name(t.first)))
                and _genders_agree(_cluster_gender(t), _cluster_gender(c))
                and _genders_agree(GIVEN_NAMES.get(t.first), GIVEN_NAMES.get(pet))
            ]
        if len(targets) == 1:
            clusters[targets[0]].names.update(c.names)
            c.names.clear()
    return [c for c in clusters if c.names]


def _given_name(c: _Cluster) -> str | None:
    """The cluster's given name: its first name, or the name a first-name title goes with
    ("Miss Letitia", whose cluster keeps "Letitia" as its surname)."""
    if c.first:
        return c.first
    if c.surname is None:
        return None
    for n in c.names:
        title, _, rest = n.rpartition(" ")
        if rest == c.surname and title.rstrip(".").lower() in _FIRST_NAME_TITLES:
            return c.surname
    return None


def _titled_otherwise(c: _Cluster, title: str) -> bool:
    """Does the story give cluster ``c`` titles, none of them ``title`` ("Lady Augusta
    Pellingham" and "Aunt Augusta" for "miss"; "Captain Tilney" for "mr")?"""
    titles = {_title_word(n) for n in c.names if " " in n and _title_word(n) in TITLES}
    return bool(titles) and _TITLE_WORDS.get(title, title) not in titles


def _shortened(short: str, given: str) -> bool:
    """Is ``short`` ``given`` cut after three letters or more, perhaps with a pet ending
    ("Tam": Tamsin; "Cass": Cassia; "Fred": Frederick; "Tibby": Tibbikins)? Not a plural
    ("Beaufort": the Beauforts)."""
    if len(short) < 3 or len(short) >= len(given) or given in (short + "s", short + "es"):
        return False
    if given.startswith(short):
        return True
    if short.endswith("ie"):
        return len(short) >= 5 and given.startswith(short[:-2])
    return short.endswith("y") and len(short) >= 4 and given.startswith(short[:-1])


def _surname_only(name: str) -> bool:
    """One name, or a surname after its particles ("Van der Luyden"): no given name in it."""
    *particles, _last = name.split(" ")
    return all(w.lower() in _PARTICLES for w in particles)


def _full_firsts(clusters: list[_Cluster]) -> set[str]:
    """First names of full-name clusters: "Meg" is her own person if the story has "Meg Smith"."""
    return {c.first for c in clusters if c.first and c.surname and c.names}


def _pet_names_only(c: _Cluster, pet: str) -> bool:
    """Is the cluster only the pet name, alone or after a first-name title ("Miss Lizzy")?"""
    for n in c.names:
        title, _, rest = n.rpartition(" ")
        if n != pet and not (rest == pet and title.rstrip(".").lower() in _FIRST_NAME_TITLES):
            return False
    return True


def _genders_agree(a: str | None, b: str | None) -> bool:
    return a in (None, "unknown") or b in (None, "unknown") or a == b


#: Titles of rank: a character called by one is called by no pet name in the same story.
_RANK_TITLES = frozenset(
    {"lady", "lord", "sir", "dame", "duke", "duchess", "count", "countess", "earl", "baron", "baroness",
     "king", "queen", "prince", "princess"}
)

#: Pet names of the given names they stand for that the ``nicknames`` package's list lacks.
_PET_NAMES: dict[str, tuple[str, ...]] = {
    "Kitty": ("Catherine", "Katherine", "Kathleen"),
    "Mags": ("Margaret", "Marguerite"),
    "Letty": ("Letitia",),
    "Charley": ("Charles",),
    "Jemmy": ("James",),
    "Tibby": ("Theobald",),
    "Ros": ("Rosalind", "Rosamund", "Rosamond"),
}


@functools.cache
def _nicknames() -> NickNamer:
    """The English pet-name list, imported and read once, when a story without a cast first
    needs it (importing it costs about 0.08 s, which a story with a cast need not pay)."""
    from nicknames import NickNamer

    return NickNamer()


#: Titles that go with a surname only ("Mr. Fielding", never "Mr. Cyril").
_SURNAME_TITLES = ("mr", "ms", "dr", "doctor")
#: Titles used with a first name ("Lady Catherine", "Sir William", "Aunt Polly").
_FIRST_NAME_TITLES = {"lady", "sir", "miss", "mrs", "aunt", "uncle", "auntie", "aunty", "master", "dame", "prince", "princess", "king", "queen"}


def _may_join(c: _Cluster, title: str, kept: dict[tuple[str | None, str], int]) -> bool:
    """May "<title> <surname>" join the full-name cluster ``c`` with that surname?

    "Mrs. Hilbery" joins only a cluster itself named "Mrs. …" (Katharine Hilbery, once "Miss
    Katharine Hilbery", is her daughter). Other titles join when ``c`` was named with a title
    of that gender ("Mr. Frank Churchill" makes "Mr. Churchill" his), or when its first name is
    never used alone (a person always called by title and surname). "Mrs. Bennet" never joins
    "Elizabeth Bennet".
    """
    g = TITLES.get(title, "unknown")
    named = GIVEN_NAMES.get(c.first or "")
    if named and g != "unknown" and named != g:
        return False  # "Miss Archer" is not Newland Archer
    if title == "mrs":
        return any(n.startswith("Mrs") for n in c.names)
    if title == "miss" and any(n.startswith(("Mrs", "Lady")) for n in c.names):
        return False  # "Miss de Bourgh" is Lady Catherine de Bourgh's daughter
    if title == "lady" and any(n.startswith("Miss") for n in c.names):
        return False  # "Lady Harcastle" is the mother of "Miss Clara Harcastle"
    if c.title_gender:
        return g in c.title_gender or (g == "unknown" and "unknown" in c.title_gender)
    if title in ("miss", "ms", "lady", "mademoiselle"):
        return True
    return c.first is None or (None, c.first) not in kept


def _said_only(
    story: Story, kept: Mapping[tuple[str | None, str], int], where: Mapping[tuple[str | None, str], list[int]]
) -> set[tuple[str | None, str]]:
    """Titled names only the dialogue uses ("It means I'm a nurse, Mr. Lindqvist")."""
    quotes = sorted((q.start, q.end) for q in story.quotes if q.kind != "embedded")
    starts = [a for a, _ in quotes]

    def spoken(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and quotes[i][0] <= pos < quotes[i][1]

    return {key for key in kept if key[0] and all(spoken(p) for p in where[key])}


def _addressed_as(c: _Cluster, key: tuple[str | None, str], said_only: Collection[tuple[str | None, str]]) -> bool:
    """Does "Mr. Lindqvist", a name only the dialogue uses, stand for Teo Lindqvist, whom the
    narration calls "Teo"? A nurse's "Mr. Lindqvist" or a teacher's "Miss Vance" is how one
    speaks to the person the story names by a first name; the narration's own "Mr. Weasley"
    stays the father ("_may_join"). Not "Mrs.", a wife or a mother."""
    title = key[0]
    if key not in said_only or title not in ("mr", "miss", "ms", "mx"):
        return False
    named = GIVEN_NAMES.get(c.first or "")
    return not (named and TITLES.get(title, "unknown") not in (named, "unknown"))


def _titled_alike(c: _Cluster, title: str, by_given: bool, kept: Mapping[tuple[str | None, str], int]) -> bool:
    """May a titled short name join the full-name cluster ``c``, however much more often it is used?

    Yes when ``c`` is itself named with that title ("Sir Thomas Bertram", "Mr. Thomas Marvel")
    and the short name keeps the part that tells people apart: the given name after a
    first-name title ("Sir Thomas"), or a surname whose cluster's given name is never used
    alone. "Mr. Knightley" stays apart from "Mr. John Knightley", whom the story calls "John".
    """
    if not any(n.split(" ")[0].rstrip(".").lower() == title for n in c.names if len(n.split(" ")) > 2):
        return False
    if by_given:  # "Mrs. Rushworth" names no one Rushworth by her given name
        return c.first is not None and _is_given_name(c.first)
    return c.first is None or (None, c.first) not in kept


def _is_given_name(name: str) -> bool:
    names = _nicknames()
    return name in GIVEN_NAMES or bool(names.nicknames_of(name) or names.canonicals_of(name))


def _cluster_gender(c: _Cluster) -> str:
    g = [k for k in c.title_gender if k != "unknown"]
    return g[0] if len(g) == 1 else "unknown"


def _display_name(c: _Cluster, rare: frozenset[str] = frozenset()) -> str:
    """The name a reader knows the character by: a full name if the story uses it, else the
    most frequent form ("Alice", not "Miss Alice"; "Mr. Knightley", not "Knightley"); a name
    before a description ("General Tilney", not "the general"); a name, not a title alone:
    "Colonel", most often, is short for "Colonel Brandon"."""
    names = [n for n in c.names if n.split(" ")[0].lower() != "the"] or list(c.names)
    commonest = max(names, key=lambda n: (c.names[n], -len(n)))
    if commonest.rstrip(".").lower() in TITLES:
        longer = [n for n in names if n.split(" ")[0] == commonest and " " in n]
        names = longer or names  # "the General" of a story that never names him stays "General"
    top = max(c.names[n] for n in names)
    untitled_full = [
        n for n in names
        if " " in n and n.split(" ")[0].rstrip(".").lower() not in TITLES and c.names[n] >= 0.2 * top
        and n not in rare
    ]
    if untitled_full:
        return max(untitled_full, key=lambda n: (c.names[n], len(n)))
    return max(names, key=lambda n: (c.names[n], -len(n)))


def _gender(text: str, c: _Cluster, found: list[tuple[int, int, str]], starts: list[int] | None = None) -> str:
    """The cluster's title gender (when titled names are a tenth of its mentions or more),
    else its first name's on the lists of this module, else the pronouns' or the name's usual
    one (``_name_or_pronouns``), else the title's after all. ``starts``: where every mention
    starts, sorted."""
    g = _cluster_gender(c)
    titled = sum(n for name, n in c.names.items() if " " in name and name.split(" ")[0].rstrip(".").lower() in TITLES)
    if g != "unknown" and titled >= 0.1 * c.total:
        return g
    # "Madame General" four times against "General" two hundred: the pronouns decide
    other = GIVEN_NAMES.get(c.first or "") or KIN_NAMES.get(c.first or "") or _patronymic(c.names)
    if not other:
        other = _name_or_pronouns(c.first or "", _pronoun_votes(text, found, starts))
    return other if other != "unknown" else g


_PATRONYMIC = re.compile(r"\s[A-Z][a-z]+(?:(?P<male>ovitch|evitch|ovich|evich)|(?P<female>ovna|evna|ichna))$")


def _patronymic(names: Collection[str]) -> str | None:
    """The gender a Russian patronymic after a given name says: "Alexis Ivanovitch" is a man's,
    "Polina Alexandrovna" a woman's (a narrator called so only in the dialogue has no pronouns
    of his own to tell it)."""
    genders = {"male" if m.group("male") else "female" for n in names if (m := _PATRONYMIC.search(n))}
    return genders.pop() if len(genders) == 1 else None


def _name_or_pronouns(first: str, votes: Counter[str]) -> str:
    """The pronouns' gender when two or more settle it, else the usual gender of the first
    name ("Doris", "Hana", from a list of 15,000 given names), else the one pronoun there is,
    else unknown. A lone pronoun is often another's ("Tilly found him in the boathouse"), so
    it does not outweigh the name."""
    settled = _decide_votes(votes, single=False)
    if settled != "unknown":
        return settled
    return name_gender(first) or _decide_votes(votes, single=True)


def _pronoun_votes(text: str, found: Sequence[tuple[int, int, str]], starts: list[int] | None = None) -> Counter[str]:
    """The genders of the pronouns that follow a character's mentions, up to the next mention
    of anyone (``starts``, sorted; in "Dev knew that Nora would snatch it if she could" the
    "she" is Nora's, not Dev's), within the sentence and its paragraph ('"Cal—"' ends a
    paragraph; the "She" that opens the next is not Cal). A pronoun that opens the next
    sentence counts only after a name that was likely its own sentence's subject ("Juno
    nodded. She …", not "… and Juno at two in the morning. He …"), and a "he" or "she" whose
    clause holds a pronoun of the other gender not at all ("Juno waited until he noticed
    her": one of the two is someone else, and which is not said). A reflexive object of the
    name's own verb ("Mags helped herself") is the name's as surely as anything here, and
    counts twice: with one more vote it settles the gender."""
    starts = starts or []
    votes: Counter[str] = Counter()
    for s, e, _alias in found[:400]:
        i = bisect.bisect_left(starts, e)
        window = _PARAGRAPH_BREAK.split(text[e : min(e + 80, starts[i] if i < len(starts) else len(text))], 1)[0]
        m = _PRONOUN_AFTER.search(window)
        if m is None:
            continue
        own = _OWN_REFLEXIVE.match(window)
        if own:
            votes[_pronoun_gender(own.group(1))] += 2  # "Mags helped herself": the subject's own
            continue
        if body := _OWN_BODY.match(window):
            votes[_pronoun_gender(body.group(1))] += 1  # "Jun opens her mouth": her own
            continue
        if _VERB_OBJECT.match(window):
            continue  # "Maren found him", "Cal caught her eye": the pronoun is someone else
        before = window[: m.start()]
        if _OBJECT_PRONOUN.match(window, m.start()) and not _OBJECT_ELSEWHERE.search(before):
            continue  # "Cass hates that about him": an object in the name's own clause is someone else
        if "*" in before:
            continue  # "Maren realised. *He thinks…*": a thought in italics, about someone else
        opener = _NEXT_OPENER.search(before)
        if re.search(rf"[.!?]\s+[{UPPER}]", before[: opener.start() if opener else len(before)]):
            continue
        if opener and not _leads_its_sentence(text, s, strict=True):
            continue  # "Rory watched Juno. Then he laughed": Rory's
        if re.search(r"[.!?][\"'”’)]*\s+$", before) and not (_leads_its_sentence(text, s) or _acts_to_the_end(before)):
            continue  # "… except his mother and Juno at two. He shut his eyes": "He" goes on from the subject
        gender = _pronoun_gender(m.group(1))
        clause = re.split(r"[.!?;,:—]", window[m.end() :], maxsplit=1)[0]
        if m.group(1).lower() in ("he", "she") and any(_pronoun_gender(p.group(1)) != gender for p in _PRONOUN_AFTER.finditer(clause)):
            continue  # "Juno waited until he noticed her": one of the two is someone else
        votes[gender] += 1
    return votes


def _acts_to_the_end(before: str) -> bool:
    """Is the name the subject of the clause that ends its sentence, doing something, with no
    other subject after it ("… which is why Cass comes here. She sits …": "She" is Cass)?
    ``before`` is the text from the name's end to the next sentence's pronoun."""
    if not _ACTING.match(before):
        return False
    sentence = re.split(r"[.!?]", before, maxsplit=1)[0]
    return not re.search(rf"\b(?:he|she|they|I|we|you|it)\b|\b[{UPPER}]", sentence)


#: A word that opens the next sentence before its subject pronoun: "Juno looked from one to the
#: other. Then she sat down" is Juno's "she" as "Juno nodded. She …" is.
_NEXT_OPENER = re.compile(r"[.!?][\"'”’)]*\s+(?:Then|And|But|So|Now|Still|Yet|Instead|Finally|Later)\s+$")


def _pronoun_gender(pronoun: str) -> str:
    p = pronoun.lower()
    return "male" if p.startswith("h") and p not in ("her", "hers", "herself") else "female"


def _leads_its_sentence(text: str, pos: int, *, strict: bool = False) -> bool:
    """Whether the name at ``pos`` is among the first three words of its sentence ("Juno",
    "Then Juno", "At last Juno") or follows a speech verb ('said the Gryphon'): likely its
    subject. (Looser than ``_dialogue.opens_sentence``, which wants the name first.) With
    ``strict``, the words before it must be words that lead in ("Then", "At last", "Slowly"),
    not a subject and its verb ("Rory watched Juno")."""
    start = max(0, pos - 60)
    if _AFTER_SPEECH_VERB.search(text, start, pos):
        return True  # '"…," said the Gryphon.'
    cut = max(text.rfind(ch, start, pos) for ch in ".!?\n")
    lead = text[max(cut + 1, start) : pos].split()
    if strict and not all(w.strip("\"'“”‘’,*_").lower() in _LEAD_WORDS or w.rstrip(",").endswith("ly") for w in lead):
        return False  # "Rory watched Juno": a subject and its verb before the name
    return len(lead) <= 2 and (cut >= 0 or start == 0)


_LEAD_WORDS = frozenset(
    "then and but so now still yet instead finally later at last first next soon meanwhile when after "
    "only even here there".split()
)


_AFTER_SPEECH_VERB = re.compile(rf"\b{_SPEECH_VERB}\s+(?:the\s+)?$")


def _decide_votes(votes: Counter[str], *, single: bool) -> str:
    """The gender of two votes or more when one side has half as many again as the other;
    with ``single``, also of a lone vote."""
    m_, f_ = votes["male"], votes["female"]
    if m_ + f_ >= 2 and max(m_, f_) >= 1.5 * max(1, min(m_, f_)):
        return "male" if m_ > f_ else "female"
    if single and m_ + f_ == 1:
        return "male" if m_ else "female"
    return "unknown"
