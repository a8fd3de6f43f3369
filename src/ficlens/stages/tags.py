"""Tags: suggestions in AO3's vocabulary, and how they compare with the tags the work declares.

Provides ``tags``, a :class:`Tags`. Every suggestion is a :class:`TagSuggestion` (a
``value`` with its ``evidence`` spans and a short ``reason``):

* ``rating``: General Audiences, Teen And Up Audiences, Mature or Explicit, from hand-written
  lexicons of profanity, sexual content and violence counted in the story's body, with
  thresholds (see :data:`RATING_RULES`);
* ``warnings``: an archive warning only on strong evidence (graphic violence words, a main
  character's death, rape), else "No Archive Warnings Apply";
* ``category``: F/F, F/M, M/M or Other from the genders in the romantic pairings (declared
  first, else inferred), Multi when there are several, Gen when there is none; nothing for
  a pairing whose genders are unknown;
* ``characters``: those who speak or are named at least three times;
* ``relationships``: "A/B" for romantic pairs and "A & B" for platonic ones;
* ``freeform``: "POV <character>" (or "First Person POV"/"Second Person POV"), "Missing Scene",
  "Episode Tag" and "Post-Episode" when the notes name an episode ("1x08", "S01E08", "3.04",
  "episode <title>"), "One Shot" for a single chapter, "Canon-Compliant" when the canon stage
  ran and most of the dialogue is canon.

When the work declares tags (an AO3 download, a header), ``comparison`` lists every declared
and suggested tag once, with ``agree`` true, false, or null for declared tags outside what
ficlens suggests (most freeform tags).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ficlens.stages._narration import BODY_KINDS, Lexicon, note_spans, scan
from ficlens.stages.characters import NARRATOR, READER
from ficlens.story import Character, Span, Story

__all__ = ["RATINGS", "TagComparison", "TagStage", "TagSuggestion", "Tags", "compare_tags", "suggest_tags"]

Field = Literal["rating", "warnings", "category", "characters", "relationships", "freeform"]

RATINGS = ("General Audiences", "Teen And Up Audiences", "Mature", "Explicit")
NO_WARNINGS = "No Archive Warnings Apply"
WARNINGS = (
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "Rape/Non-Con",
    "Underage",
    NO_WARNINGS,
    "Creator Chose Not To Use Archive Warnings",
)
CATEGORIES = ("F/F", "F/M", "Gen", "M/M", "Multi", "Other")


@dataclass(frozen=True, slots=True)
class TagSuggestion:
    """One suggested tag: its ``value``, the spans that support it and why."""

    value: str
    evidence: tuple[Span, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class TagComparison:
    """A tag the work declares, ficlens suggests, or both.

    ``agree`` is true when both have it (or, for the rating, when they match), false when
    only one does and ficlens judges such tags, and None for declared tags ficlens does not
    try to suggest.
    """

    field: Field
    value: str
    declared: bool
    suggested: bool
    agree: bool | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Tags:
    """The ``tags`` layer."""

    rating: TagSuggestion
    warnings: tuple[TagSuggestion, ...]
    category: tuple[TagSuggestion, ...]
    characters: tuple[TagSuggestion, ...]
    relationships: tuple[TagSuggestion, ...]
    freeform: tuple[TagSuggestion, ...]
    comparison: tuple[TagComparison, ...]


class TagStage:
    """Suggest AO3 tags and compare them with the declared ones."""

    name = "tags"
    requires: tuple[str, ...] = ("sections", "characters", "mentions", "attributions", "pov", "relationships")
    provides: tuple[str, ...] = ("tags",)

    def __call__(self, story: Story) -> None:
        story.add_layer("tags", suggest_tags(story))


# -- lexicons -----------------------------------------------------------------------------------

PROFANITY_STRONG = Lexicon.of(
    r"fuck\w*", r"motherfuck\w*", r"shit\w*", r"cunt\w*", "bullshit", "dickhead", "twat", "wanker", "arsehole", "asshole"
)
PROFANITY_MILD = Lexicon.of(r"damn\w*", "hell", "bloody", r"crap\w*", r"bastard\w*", r"bitch\w*", r"piss\w*", "arse", "ass", "sod")
SEXUAL_EXPLICIT = Lexicon.of(
    "cock", "cocks", "cunt", r"clit\w*", r"orgasm\w*", r"(?:came|coming|cum)\s+(?:inside|in\s+(?:his|her|my))",
    "erection", "nipples?", r"thrust(?:ed|ing|s)?\s+into", "fingered", "blowjob", "handjob", r"penetrat\w*",
    r"his\s+length", r"her\s+folds", r"lube\w*", r"naked\s+bod(?:y|ies)", r"(?:his|her)\s+(?:arousal|wetness)",
)
SEXUAL_MILD = Lexicon.of(
    r"made\s+out", r"making\s+out", r"in\s+bed\s+together", r"slept\s+together", r"undress\w*", "shirtless",
    "desire[ds]?", "moan(?:ed|ing|s)?", "aroused",
)
VIOLENCE_GRAPHIC = Lexicon.of(
    "gore", r"disembowel\w*", "entrails", "intestines", r"guts\s+spill\w*", "severed", r"decapitat\w*",
    r"dismember\w*", r"mutilat\w*", r"tortur\w*", r"eviscerat\w*", r"slit\s+(?:his|her|their)\s+throat",
    r"brains?\s+(?:splatter|spatter)\w*", r"skull\s+(?:cracked|shattered|caved)",
    r"blood\s+(?:sprayed|spurted|gushed|pooled)",
)
VIOLENCE_MILD = Lexicon.of(
    "punch(?:ed|es|ing)?", "stab(?:bed|bing|s)?", "shot", r"gun\w*", "blood(?:y|ied)?", r"bleed\w*", "wound(?:ed|s)?",
    "kill(?:ed|ing|s)?", r"murder\w*", "corpse", r"bruis\w*", "fight(?:ing)?", "fought", "slap(?:ped)?",
)
RAPE = Lexicon.of("rape[ds]?", "raping", "non-?con(?:sensual)?", r"sexual(?:ly)?\s+assault\w*")
#: The lexicons the rating and warnings count, by name.
LEXICONS = {
    "strong": PROFANITY_STRONG, "mild": PROFANITY_MILD, "explicit": SEXUAL_EXPLICIT, "sexual": SEXUAL_MILD,
    "graphic": VIOLENCE_GRAPHIC, "violent": VIOLENCE_MILD, "rape": RAPE,
}

#: Rating thresholds per 10,000 words of body text (and absolute minimums), checked from the top.
RATING_RULES = {
    "Explicit": "explicit sexual terms >= 3 (and >= 2 per 10k words)",
    "Mature": "explicit sexual terms >= 1, graphic violence >= 2, or strong profanity >= 5 and >= 12 per 10k words",
    "Teen And Up Audiences": "strong profanity >= 1, mild profanity >= 3, sexual content (not kissing) >= 2 "
    "and >= 2 per 10k words, or violence >= 3 and >= 4 per 10k words",
    "General Audiences": "none of the above",
}

_EPISODE = re.compile(
    r"\b(?:(?:S|season\s*)(?P<s1>\d{1,2})\s*(?:E|x|ep(?:isode)?\.?\s*)(?P<e1>\d{1,3})"
    r"|(?P<s2>\d{1,2})x(?P<e2>\d{1,3})"
    r"|(?:episode|ep\.?)\s+(?P<s3>\d{1,2})\.(?P<e3>\d{2})"
    r"|(?P<s4>\d{1,2})\.(?P<e4>\d{2})(?=\s*[,:(]?\s*[\"“'‘][A-Z]))\b",
    re.I,
)
_EPISODE_TITLE = re.compile(
    r"\b(?i:episode|ep\.)\s+[\"“‘']?(?P<title>[A-Z][^\"”’'\n.,;:!?]{1,60})[\"”’']?"
)
_POST = re.compile(
    r"\b(?:post[- ]ep(?:isode)?|after(?:math)?|set\s+(?:straight\s+|right\s+|just\s+|directly\s+)?after|"
    r"following|coda|missing\s+scene\s+(?:from|after))\b",
    re.I,
)
_MISSING = re.compile(r"\b(?:missing\s+(?:scene|moment)s?|coda|what\s+happened\s+(?:off[- ]screen|between))\b", re.I)


def _body_spans(story: Story) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in story.sections if s.kind in BODY_KINDS and s.kind != "chapter"] or [
        (s.start, s.end) for s in story.sections if s.kind == "chapter"
    ]


def _find(rx: re.Pattern[str], text: str, spans: Iterable[tuple[int, int]]) -> list[Span]:
    return [Span(m.start(), m.end()) for a, b in spans for m in rx.finditer(text, a, b)]


# -- suggestions ------------------------------------------------------------------------------


def _counts(story: Story) -> tuple[dict[str, list[Span]], int]:
    """Lexicon matches in the story's body, and its word count."""
    body = _body_spans(story)
    words = max(1, sum(len(story.text[a:b].split()) for a, b in body))
    return scan(LEXICONS, story.text, body), words


def rating(story: Story, found: dict[str, list[Span]] | None = None, words: int | None = None) -> TagSuggestion:
    """The rating from the lexicons, counted in the story's body (see :data:`RATING_RULES`)."""
    if found is None or words is None:
        found, words = _counts(story)
    per10k = 10_000 / words
    strong, mild, explicit = found["strong"], found["mild"], found["explicit"]
    sexual, graphic, violent = found["sexual"], found["graphic"], found["violent"]
    counts = (
        f"{len(strong)} strong and {len(mild)} mild profanities, {len(explicit)} explicit and {len(sexual)} "
        f"other sexual terms, {len(graphic)} graphic and {len(violent)} other violence words in {words:,} words"
    )
    if len(explicit) >= 3 and len(explicit) * per10k >= 2:
        return TagSuggestion("Explicit", tuple(explicit[:5]), counts)
    if explicit or len(graphic) >= 2 or (len(strong) >= 5 and len(strong) * per10k >= 12):
        return TagSuggestion("Mature", tuple((explicit + graphic + strong)[:5]), counts)
    teen = (
        strong
        or len(mild) >= 3
        or (len(sexual) >= 2 and len(sexual) * per10k >= 2)
        or (len(violent) >= 3 and len(violent) * per10k >= 4)
    )
    if teen:
        return TagSuggestion("Teen And Up Audiences", tuple((strong + mild + sexual + violent)[:5]), counts)
    return TagSuggestion("General Audiences", (), counts)


def warnings(story: Story, main: Sequence[Character], found: dict[str, list[Span]] | None = None) -> list[TagSuggestion]:
    """Archive warnings, only on strong evidence; else "No Archive Warnings Apply"."""
    text = story.text
    body = _body_spans(story)
    if found is None:
        found, _ = _counts(story)
    out: list[TagSuggestion] = []
    graphic = found["graphic"]
    if len(graphic) >= 3:
        out.append(TagSuggestion("Graphic Depictions Of Violence", tuple(graphic[:5]), f"{len(graphic)} graphic violence words"))
    deaths: list[Span] = []
    for c in main:
        names = "|".join(re.escape(n) for n in sorted((c.name, *c.aliases), key=len, reverse=True))
        rx = re.compile(
            rf"\b(?:{names})(?:['’]s)?\s+(?:(?:was|is|lay)\s+dead|died|had\s+died|(?:death|funeral|grave|body)\b)"
            rf"|\b(?:killed|buried|mourned)\s+(?:{names})\b"
        )
        deaths.extend(_find(rx, text, body))
    if len(deaths) >= 2:
        out.append(TagSuggestion("Major Character Death", tuple(deaths[:5]), f"{len(deaths)} deaths of main characters"))
    rape = found["rape"]
    if len(rape) >= 2:
        out.append(TagSuggestion("Rape/Non-Con", tuple(rape[:5]), f"{len(rape)} mentions of rape or non-consent"))
    if not out:
        out.append(TagSuggestion(NO_WARNINGS, (), "no strong evidence for any archive warning"))
    return out


def _category_of(genders: Sequence[str]) -> str | None:
    """F/F, F/M or M/M for two known genders, Other when someone is nonbinary, None when unknown."""
    if "unknown" in genders:
        return None
    if len(genders) != 2 or any(g not in ("female", "male") for g in genders):
        return "Other"
    f = genders.count("female")
    return "F/F" if f == 2 else "M/M" if f == 0 else "F/M"


def suggest_tags(story: Story) -> Tags:
    """Suggest tags for a story that has the pov and relationships layers; compare with declared ones."""
    chars = {c.id: c for c in story.characters}
    quotes: dict[str, int] = {}
    for a in story.attributions.values():
        if a.speaker:
            quotes[a.speaker] = quotes.get(a.speaker, 0) + 1
    notes = note_spans(story)
    named = _tag_names(story)
    # characters
    # an unnamed "I" ("Narrator", see the characters stage) is no name an archive can tag; an
    # unnamed "you" is, as "Reader"
    shown = [c for c in story.characters if _taggable(c) and (quotes.get(c.id, 0) > 0 or c.mention_count >= 3)]
    shown.sort(key=lambda c: -(c.mention_count + 2 * quotes.get(c.id, 0)))
    char_tags = [
        TagSuggestion(named[c.id], (), f"{_count(quotes.get(c.id, 0), 'quotation')}, {_count(c.mention_count, 'mention')}")
        for c in shown
    ]
    # relationships and category
    rels = story.layer("relationships") if story.has_layer("relationships") else None
    rel_tags: list[TagSuggestion] = []
    romantic: list[tuple[str, ...]] = []
    if rels is not None:
        for r in rels.pairs:
            if r.kind == "unknown" or any(cid not in chars or not _taggable(chars[cid]) for cid in r.characters):
                continue
            sep = "/" if r.kind == "romantic" else " & "
            value = sep.join(named[cid] for cid in r.characters)
            rel_tags.append(TagSuggestion(value, r.evidence[:3], f"{r.source} {r.kind}, score {r.score:.2f}"))
            if r.kind == "romantic":
                romantic.append(r.characters)
    cats: list[str] = []
    for group in romantic:
        cat = _category_of([chars[cid].gender for cid in group])
        if cat is not None and cat not in cats:
            cats.append(cat)
    if len(cats) > 1 or any(len(g) > 2 for g in romantic):
        cats.append("Multi")
    category = [TagSuggestion(c, (), "from the romantic pairings' genders") for c in cats]
    if not romantic:
        category = [TagSuggestion("Gen", (), "no romantic pairing")]
    main = shown[:3]
    free = _freeform(story, notes, named)
    found, words = _counts(story)
    draft = Tags(
        rating(story, found, words), tuple(warnings(story, main, found)), tuple(category), tuple(char_tags),
        tuple(rel_tags), tuple(free), (),
    )
    return dataclasses.replace(draft, comparison=tuple(compare_tags(story, draft)))


def _tag_names(story: Story) -> dict[str, str]:
    """The name each character is tagged by: its display name, or a fuller one of its names
    that the work declares ("Characters: Teodor Brandt", "Relationship: Teodor Brandt/Ellis
    Marsh"), as an archive tags it, though the story calls him "Teodor" (not "Juno" of the
    notes' "Juno/Tamsin" for "Juno Hale")."""
    from ficlens.stages.relationships import declared_names

    declared = set(declared_names(story))
    out = {}
    for c in story.characters:
        fuller = [n for n in c.aliases if n in declared and len(n.split()) > len(c.name.split())]
        out[c.id] = max(fuller, key=lambda n: (len(n.split()), len(n))) if fuller else c.name
    return out


def _freeform(story: Story, notes: Sequence[tuple[int, int]], named: Mapping[str, str]) -> list[TagSuggestion]:
    text = story.text
    out: list[TagSuggestion] = []
    pov = story.layer("pov") if story.has_layer("pov") else None
    chars = {c.id: c for c in story.characters}
    if pov is not None:
        if pov.person == "first":
            out.append(TagSuggestion("First Person POV", pov.evidence[:2], "first-person narration"))
        elif pov.person == "second":
            out.append(TagSuggestion("Second Person POV", pov.evidence[:2], "second-person narration"))
        if pov.character in chars and chars[pov.character].source == "narrator" and chars[pov.character].name == READER:
            out.append(TagSuggestion("Reader-Insert", pov.evidence[:2], "an unnamed \"you\" the story is told to"))
        elif pov.character in chars and _taggable(chars[pov.character]):  # not the unnamed "Narrator"
            out.append(TagSuggestion(f"POV {named[pov.character]}", pov.evidence[:3], f"point of view ({pov.person} person)"))
    missing = _find(_MISSING, text, notes)
    episode = _find(_EPISODE, text, notes) + _find(_EPISODE_TITLE, text, notes)
    if missing:
        out.append(TagSuggestion("Missing Scene", tuple(missing[:2]), "the notes call it a missing scene"))
    if episode:
        out.append(TagSuggestion("Episode Tag", tuple(episode[:2]), "the notes name an episode"))
        post = [sp for sp in _find(_POST, text, notes) if any(abs(sp.start - e.start) < 120 for e in episode)]
        if post:
            out.append(TagSuggestion("Post-Episode", tuple(post[:1] + episode[:1]), "set after the episode the notes name"))
    chapters = [s for s in story.sections if s.kind == "chapter"]
    if len(chapters) == 1:
        out.append(TagSuggestion("One Shot", (), "a single chapter"))
    if story.has_layer("canon"):
        share = _canon_share(story.layer("canon"))
        if share is not None and share >= 0.5:
            out.append(TagSuggestion("Canon-Compliant", (), f"{share:.0%} of the dialogue is canon"))
    return out


def _count(n: int, noun: str) -> str:
    """"1 quotation", "2 quotations"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _taggable(c: Character) -> bool:
    """Not the unnamed "I" the characters stage adds ("Narrator"); its "Reader" is a tag."""
    return not (c.source == "narrator" and c.name == NARRATOR)


def _canon_share(canon: object) -> float | None:
    """The share of dialogue the canon layer found in canon, if it says."""
    summary = getattr(canon, "summary", None)
    overall = getattr(summary, "overall", None)
    share = getattr(overall, "share", None)
    return float(share) if isinstance(share, (int, float)) else None


# -- comparison ---------------------------------------------------------------------------------

_FREEFORM_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Missing Scene": ("missing scene", "missing scenes", "missing moment", "coda"),
    "Episode Tag": ("episode tag", "episode:", "episode "),
    "Post-Episode": ("post-episode", "post episode", "post-ep"),
    "One Shot": ("one shot", "oneshot", "one-shot"),
    "Canon-Compliant": ("canon-compliant", "canon compliant"),
    "First Person POV": ("first person pov", "first person", "pov first person", "1st person"),
    "Second Person POV": ("second person pov", "second person", "pov second person", "2nd person"),
}


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").split())


def _freeform_matches(suggested: str, declared: str) -> bool:
    d = _norm(declared)
    if suggested.startswith("POV "):
        who = _norm(suggested[4:])
        first = who.split(" ")[0]
        return "pov" in d and (who in d or first in d.split())
    keys = _FREEFORM_SYNONYMS.get(suggested, (_norm(suggested),))
    return any(d == k or (k.endswith((":", " ")) and d.startswith(k)) for k in keys)


def compare_tags(story: Story, tags: Tags) -> list[TagComparison]:
    """Declared and suggested tags side by side (empty when the work declares none)."""
    from ficlens.stages.relationships import parse_pairing, resolve_name

    meta = story.metadata
    declared_any = (
        meta.rating or meta.warnings or meta.categories or meta.relationships or meta.characters or meta.additional_tags
    )
    if not declared_any:
        return []
    chars = story.characters
    out: list[TagComparison] = []
    # rating
    if meta.rating:
        want = _norm(meta.rating)
        same = want == _norm(tags.rating.value) or _rating_alias(want) == tags.rating.value
        if same:
            out.append(TagComparison("rating", tags.rating.value, True, True, True))
        else:
            note = f"declared {meta.rating}, suggested {tags.rating.value}"
            out.append(TagComparison("rating", meta.rating, True, False, False, note))
            out.append(TagComparison("rating", tags.rating.value, False, True, False, note))
    # warnings and category: plain sets
    for fld, declared, suggested in (
        ("warnings", meta.warnings, [t.value for t in tags.warnings]),
        ("category", meta.categories, [t.value for t in tags.category]),
    ):
        if not declared:
            continue
        dn = {_norm(v): v for v in declared}
        sn = {_norm(v): v for v in suggested}
        for k, v in dn.items():
            if not sn:  # nothing to judge by (a romantic pair whose genders are unknown)
                out.append(TagComparison(fld, v, True, False, None, "not judged: genders unknown"))  # type: ignore[arg-type]
                continue
            out.append(TagComparison(fld, v, True, k in sn, k in sn))  # type: ignore[arg-type]
        for k, v in sn.items():
            if k not in dn:
                out.append(TagComparison(fld, v, False, True, False))  # type: ignore[arg-type]
    # characters, by who they resolve to
    if meta.characters:
        chars_by_id = {c.id: c for c in chars}
        speakers = {a.speaker for a in story.attributions.values() if a.speaker}
        suggested_ids = {resolve_name(t.value, chars): t.value for t in tags.characters}
        matched: set[str] = set()
        for name in meta.characters:
            cid = resolve_name(name, chars)
            hit = cid is not None and cid in suggested_ids
            if hit and cid is not None:
                matched.add(cid)
            absent = cid is None or (chars_by_id[cid].mention_count == 0 and cid not in speakers)
            note = "" if hit else ("not found in the story" if absent else "too minor to suggest")
            out.append(TagComparison("characters", name, True, hit, hit, note))
        for cid, value in suggested_ids.items():
            if cid is not None and cid not in matched:
                out.append(TagComparison("characters", value, False, True, False))
    # relationships, by the characters and the kind
    if meta.relationships:
        sugg: dict[tuple[frozenset[str], str], str] = {}
        for t in tags.relationships:
            parsed = parse_pairing(t.value)
            if parsed:
                ids = frozenset(i for i in (resolve_name(n, chars) for n in parsed[0]) if i)
                sugg[(ids, parsed[1])] = t.value
        used: set[tuple[frozenset[str], str]] = set()
        for rel in meta.relationships:
            declared_pair = parse_pairing(rel)
            key: tuple[frozenset[str], str] | None = None
            if declared_pair:
                key = (frozenset(i for i in (resolve_name(n, chars) for n in declared_pair[0]) if i), declared_pair[1])
            hit = key in sugg
            if hit and key is not None:
                used.add(key)
            out.append(TagComparison("relationships", rel, True, hit, hit))
        for key, value in sugg.items():
            if key not in used:
                out.append(TagComparison("relationships", value, False, True, False))
    # freeform: only the tags ficlens knows how to suggest are judged
    suggested_free = [t.value for t in tags.freeform]
    matched_free: set[str] = set()
    for tag in meta.additional_tags:
        hits = [s for s in suggested_free if _freeform_matches(s, tag)]
        matched_free.update(hits)
        judged = bool(hits) or _judged_freeform(tag)
        out.append(TagComparison("freeform", tag, True, bool(hits), True if hits else (False if judged else None)))
    for s in suggested_free:
        if s not in matched_free:
            out.append(TagComparison("freeform", s, False, True, False if meta.additional_tags else None))
    return out


def _judged_freeform(tag: str) -> bool:
    """Is a declared freeform tag of a kind ficlens suggests (POV, episode, one shot ...)?"""
    return "pov" in _norm(tag).split() or any(_freeform_matches(s, tag) for s in _FREEFORM_SYNONYMS)


def _rating_alias(r: str) -> str | None:
    aliases = {
        "g": "General Audiences", "general": "General Audiences", "k": "General Audiences", "k+": "General Audiences",
        "t": "Teen And Up Audiences", "teen": "Teen And Up Audiences", "teen and up": "Teen And Up Audiences",
        "pg-13": "Teen And Up Audiences", "m": "Mature", "mature": "Mature", "e": "Explicit", "explicit": "Explicit",
        "ma": "Explicit", "nc-17": "Explicit",
    }
    return aliases.get(r)
