"""The Story: one immutable text and the stand-off layers that stages add over it.

Every span in every layer is a pair of Python ``str`` offsets into :attr:`Story.text`
(``text[start:end]``), never byte offsets. A layer is added once, by the stage that
provides it, and never changed afterwards; a stage reads other layers only through the
Story.

The record types below are the contract: the JSON writer serialises them field by field
(see ``docs/json-contract.md``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "Story",
    "Span",
    "Metadata",
    "Markup",
    "Section",
    "Paragraph",
    "Quote",
    "Character",
    "Mention",
    "Attribution",
]

Gender = Literal["female", "male", "nonbinary", "unknown"]


@dataclass(frozen=True, slots=True)
class Span:
    """A plain stretch of the text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the work declares about itself (never what ficlens infers).

    Filled by the reader from an AO3 preface, an EPUB's OPF, or a plain-text header block
    ("Pairing: …", "Rating: …").
    """

    source: str | None = None
    format: str = "text"
    encoding: str | None = None
    encoding_fallback: bool = False
    title: str | None = None
    authors: tuple[str, ...] = ()
    rating: str | None = None
    warnings: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    fandoms: tuple[str, ...] = ()
    relationships: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    additional_tags: tuple[str, ...] = ()
    language: str | None = None
    summary: str | None = None
    notes: tuple[str, ...] = ()
    end_notes: tuple[str, ...] = ()
    series: str | None = None
    published: str | None = None
    words: int | None = None


MarkupKind = Literal["italic", "bold", "heading", "chapter", "summary", "notes", "end_notes", "scene_break"]


@dataclass(frozen=True, slots=True)
class Markup:
    """A formatting signal the reader found (``<em>``, ``*italics*``, an AO3 chapter block)."""

    kind: MarkupKind
    start: int
    end: int
    label: str | None = None


SectionKind = Literal["front_matter", "summary", "notes", "chapter", "scene", "end_notes"]


@dataclass(frozen=True, slots=True)
class Section:
    """A chapter, a scene inside a chapter, or a block of author's notes or summary."""

    id: str
    kind: SectionKind
    start: int
    end: int
    title: str | None = None
    parent: str | None = None


ParagraphKind = Literal["text", "heading", "break", "note"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    id: int
    start: int
    end: int
    section: str
    kind: ParagraphKind = "text"


QuoteKind = Literal["speech", "nested", "embedded"]


@dataclass(frozen=True, slots=True)
class Quote:
    """One contiguous quotation span, marks excluded (as in PDNC).

    A quotation interrupted by a speech tag, or running over several paragraphs, is several
    Quote records sharing one ``group`` (the id of its first part). A quotation inside speech
    is kind ``nested`` and shares the group of the utterance it sits in.
    """

    id: str
    start: int
    end: int
    kind: QuoteKind
    paragraph: int
    group: str
    mark: str


@dataclass(frozen=True, slots=True)
class Character:
    """A person of the story. ``source``: ``"cast"`` (from a cast list), ``"inferred"`` (found
    in the text), or ``"narrator"`` (the "I" of a first-person story that never names them:
    named "Narrator", with no mentions)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    gender: Gender
    mention_count: int
    source: Literal["cast", "inferred", "narrator"] = "inferred"


MentionKind = Literal["name", "title", "pronoun", "vocative"]


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    character: str
    kind: MentionKind = "name"


Cue = Literal["explicit", "anaphoric", "implicit", "canon", "none"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who says a quotation, and to whom."""

    quote: str
    speaker: str | None
    addressees: tuple[str, ...]
    cue: Cue
    confidence: float
    evidence: tuple[int, int] | None = None
    #: Set when evidence disagrees and ficlens did not overrule the text, e.g. a verbatim canon
    #: line spoken by someone other than the character the speech tag names.
    conflict: str | None = None


class Story:
    """One text and its layers.

    ``text`` cannot be reassigned. Layers are read by name (``story.layer("quotes")``) or
    through the typed properties below; :meth:`add_layer` adds one, once.
    """

    __slots__ = ("_text", "_layers", "timings")

    def __init__(self, text: str, *, metadata: Metadata | None = None, markup: list[Markup] | None = None):
        self._text = text
        self._layers: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self._layers["metadata"] = metadata or Metadata()
        self._layers["markup"] = tuple(markup or ())

    @property
    def text(self) -> str:
        """The analysed text; every offset in every layer indexes it."""
        return self._text

    # -- layers -------------------------------------------------------------------------

    def add_layer(self, name: str, value: Any) -> None:
        """Add a layer. Lists are frozen into tuples. A layer can be added only once."""
        if name in self._layers:
            raise ValueError(f"layer {name!r} already exists; a layer is added once, by one stage")
        self._layers[name] = tuple(value) if isinstance(value, list) else value

    def has_layer(self, name: str) -> bool:
        return name in self._layers

    def layer(self, name: str) -> Any:
        """The layer called ``name``. Raises KeyError naming the layers that exist."""
        try:
            return self._layers[name]
        except KeyError:
            raise KeyError(f"no layer {name!r}; this story has {sorted(self._layers)}") from None

    @property
    def layers(self) -> Mapping[str, Any]:
        """A read-only view of all layers."""
        return MappingProxyType(self._layers)

    # -- typed access to the core layers -------------------------------------------------

    @property
    def metadata(self) -> Metadata:
        return self._layers["metadata"]  # type: ignore[no-any-return]

    @property
    def markup(self) -> tuple[Markup, ...]:
        return self._layers["markup"]  # type: ignore[no-any-return]

    @property
    def sections(self) -> tuple[Section, ...]:
        return self._layers.get("sections", ())  # type: ignore[no-any-return]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self._layers.get("paragraphs", ())  # type: ignore[no-any-return]

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self._layers.get("quotes", ())  # type: ignore[no-any-return]

    @property
    def characters(self) -> tuple[Character, ...]:
        return self._layers.get("characters", ())  # type: ignore[no-any-return]

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return self._layers.get("mentions", ())  # type: ignore[no-any-return]

    @property
    def attributions(self) -> Mapping[str, Attribution]:
        """Attribution per quote id."""
        return self._layers.get("attributions", {})  # type: ignore[no-any-return]

    def speech(self) -> Iterator[Quote]:
        """The quotations that are speech (not phrases quoted inside narration)."""
        return (q for q in self.quotes if q.kind == "speech")

    def character(self, char_id: str | None) -> Character | None:
        for c in self.characters:
            if c.id == char_id:
                return c
        return None

    def span_text(self, start: int, end: int) -> str:
        return self._text[start:end]

    # -- output ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as Python objects (see docs/json-contract.md)."""
        from ficlens.writers.json_out import story_to_dict

        return story_to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON contract as a string."""
        from ficlens.writers.json_out import story_to_json

        return story_to_json(self, indent=indent)

    def __repr__(self) -> str:
        return f"<Story {len(self._text)} chars, layers={list(self._layers)}>"

