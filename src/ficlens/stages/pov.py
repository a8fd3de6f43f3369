"""Point of view: who tells the story, and through whose mind, overall and per scene.

Provides ``pov``, a :class:`PointOfView` with one :class:`ScenePov` per scene.

* ``person`` comes from the pronouns of the narration (outside quotations): "I"/"me"/"my"
  make it first person, a narration full of "you" second person, and otherwise third.
* ``character`` in the first person is who "I" is: the character named as a vocative in the
  replies to what the narrator says ('"Clutch, Bea."' after '"I know," I said'), named far
  more inside quotations than in the narration, or named by the narrator ("my name is ...").
  In the third person it is the scene's focal character: the one whose perceptions and
  thoughts the narration reports ("she knew", "Nora wondered", the thoughts the thought stage
  gave them) and who is the subject of its sentences. A scene without a clear leader has no
  character (an omniscient or shared point of view). Overall, the character is the one whose
  scenes hold at least 60% of the narration of the scenes that have a point-of-view character
  (``confidence`` is that share); a story told through two or more characters in turn has none.
* ``evidence`` gives a few spans: perception sentences, thoughts, the replies that name the
  narrator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ficlens.stages._dialogue import MentionIndex
from ficlens.stages._narration import (
    Person,
    find_narrator,
    focal_scores,
    narration,
    scene_ids,
    scene_modes,
)
from ficlens.story import Span, Story

__all__ = ["PointOfView", "PovStage", "ScenePov"]

#: A scene's leader needs at least this score, and this many times the runner-up's.
MIN_SCORE = 3.0
MARGIN = 1.5
#: The overall character's scenes must hold this share of the narration in scenes that have one.
OVERALL_SHARE = 0.6
#: Score a thought adds to its thinker.
THOUGHT_WEIGHT = 3


@dataclass(frozen=True, slots=True)
class ScenePov:
    """The point of view of one scene.

    Attributes:
        section: the scene's section id.
        person: ``first``, ``second`` or ``third``.
        character: the point-of-view character's id, or None.
        evidence: a few spans that support it.
        confidence: the leader's share of the scene's score (0..1); 0 without a character.
    """

    section: str
    person: Person
    character: str | None
    evidence: tuple[Span, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class PointOfView:
    """The story's point of view overall, and scene by scene (``scenes``)."""

    person: Person
    character: str | None
    evidence: tuple[Span, ...]
    confidence: float
    scenes: tuple[ScenePov, ...]


class PovStage:
    """Find the narrative person and the point-of-view character, overall and per scene."""

    name = "pov"
    requires: tuple[str, ...] = ("paragraphs", "sections", "quotes", "characters", "mentions", "thoughts")
    provides: tuple[str, ...] = ("pov",)

    def __call__(self, story: Story) -> None:
        story.add_layer("pov", point_of_view(story))


def point_of_view(story: Story) -> PointOfView:
    """The :class:`PointOfView` of a story that has its thoughts layer."""
    text = story.text
    narr = narration(story)
    index = MentionIndex(story)
    overall, modes = scene_modes(story, narr)
    scene_words: Counter[str] = Counter()
    for st in narr.stretches:
        if not st.tag:
            scene_words[st.scene] += len(text[st.start : st.end].split())
    narrator: str | None = None
    narrator_ev: list[Span] = []
    if overall.person in ("first", "second"):
        narrator, narrator_ev = find_narrator(story, index, pronoun="i" if overall.person == "first" else "you")
    focus = focal_scores(story, narr, index)
    thoughts = story.layer("thoughts") if story.has_layer("thoughts") else ()
    thought_by_scene: dict[str, list[tuple[str, Span]]] = {}
    for t in thoughts:
        where = narr.stretch_at(t.start)
        if where is not None and t.thinker:
            thought_by_scene.setdefault(where.scene, []).append((t.thinker, Span(t.start, t.end)))
    scenes: list[ScenePov] = []
    for sid in scene_ids(story):
        mode = modes.get(sid, overall)
        if mode.person != "third":
            who = narrator if mode.person == overall.person else None
            ev = tuple(narrator_ev[:3]) if who else ()
            scenes.append(ScenePov(sid, mode.person, who, ev, 1.0 if who else 0.0))
            continue
        scores: Counter[str] = Counter()
        scores.update(focus.scores.get(sid, Counter()))
        for cid, _ in thought_by_scene.get(sid, ()):
            scores[cid] += THOUGHT_WEIGHT
        ranked = scores.most_common(2)
        who = None
        conf = 0.0
        if ranked and ranked[0][1] >= MIN_SCORE and (len(ranked) == 1 or ranked[0][1] >= MARGIN * ranked[1][1]):
            who = ranked[0][0]
            conf = ranked[0][1] / max(1.0, sum(scores.values()))
        ev_spans: list[Span] = []
        if who:
            ev_spans.extend(sp for cid, sp in thought_by_scene.get(sid, ()) if cid == who)
            ev_spans.extend(focus.evidence.get(sid, {}).get(who, ()))
        scenes.append(ScenePov(sid, "third", who, tuple(sorted(ev_spans[:4], key=lambda s: s.start)), round(conf, 4)))
    # overall: the character whose scenes hold most of the narration
    if overall.person != "third":
        return PointOfView(overall.person, narrator, tuple(narrator_ev[:3]), 1.0 if narrator else 0.0, tuple(scenes))
    held: Counter[str] = Counter()
    for sp in scenes:
        if sp.character:
            held[sp.character] += scene_words.get(sp.section, 0)
    who = None
    share = 0.0
    if held:
        cid, words = held.most_common(1)[0]
        share = words / (sum(held.values()) or 1)
        if share >= OVERALL_SHARE:
            who = cid
    evidence: list[Span] = []
    for sp in scenes:
        if who and sp.character == who:
            evidence.extend(sp.evidence[:2])
        if len(evidence) >= 4:
            break
    return PointOfView("third", who, tuple(evidence[:4]), round(share if who else 0.0, 4), tuple(scenes))
