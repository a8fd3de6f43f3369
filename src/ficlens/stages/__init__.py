"""The built-in stages, one module each, in flow order.

``REGISTRY`` maps a stage name to the factory that builds it; ``ficlens.pipeline`` uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ficlens.pipeline import Stage


def _structure(**kw: Any) -> Stage:
    from ficlens.stages.structure import StructureStage

    return StructureStage(**kw)


def _quotations(**kw: Any) -> Stage:
    from ficlens.stages.quotations import QuotationStage

    return QuotationStage(**kw)


def _characters(**kw: Any) -> Stage:
    from ficlens.stages.characters import CharacterStage

    return CharacterStage(**kw)


def _attribution(**kw: Any) -> Stage:
    from ficlens.stages.attribution import AttributionStage

    return AttributionStage(**kw)


def _canon(**kw: Any) -> Stage:
    from ficlens.stages.canon import CanonStage

    return CanonStage(**kw)
def _thought(**kw: Any) -> Stage:
    from ficlens.stages.thought import ThoughtStage

    return ThoughtStage(**kw)


def _pov(**kw: Any) -> Stage:
    from ficlens.stages.pov import PovStage

    return PovStage(**kw)


def _network(**kw: Any) -> Stage:
    from ficlens.stages.network import NetworkStage

    return NetworkStage(**kw)


def _relationships(**kw: Any) -> Stage:
    from ficlens.stages.relationships import RelationshipStage

    return RelationshipStage(**kw)


def _tags(**kw: Any) -> Stage:
    from ficlens.stages.tags import TagStage

    return TagStage(**kw)


REGISTRY: dict[str, Callable[..., Stage]] = {
    "structure": _structure,
    "quotations": _quotations,
    "characters": _characters,
    "attribution": _attribution,
    "canon": _canon,
    "thought": _thought,
    "pov": _pov,
    "network": _network,
    "relationships": _relationships,
    "tags": _tags,
}
