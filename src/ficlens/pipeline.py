"""The pipeline: an ordered list of stages, each adding its layers to a Story.

A stage is any object with ``name``, ``requires`` and ``provides`` (tuples of layer names)
that is callable on a Story and adds exactly the layers it provides. :class:`Pipeline`
checks the chain when it is built and names a layer that nothing earlier provides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable

from ficlens.errors import PipelineError
from ficlens.story import Story

__all__ = ["Stage", "Pipeline", "DEFAULT_STAGES", "stage_by_name"]

#: Layers every Story has from its reader.
READER_LAYERS = ("metadata", "markup")


@runtime_checkable
class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]

    def __call__(self, story: Story) -> None: ...


#: The built-in stages in flow order, by name. ``pipeline.stage_by_name`` builds them.
DEFAULT_STAGES: tuple[str, ...] = (
    "structure",
    "quotations",
    "characters",
    "attribution",
    "thought",
    "pov",
    "network",
    "relationships",
    "tags",
)


def stage_by_name(name: str, **options: object) -> Stage:
    """Build a built-in stage. Raises PipelineError listing the known names."""
    from ficlens.stages import REGISTRY

    try:
        factory = REGISTRY[name]
    except KeyError:
        raise PipelineError(f"unknown stage {name!r}; available: {', '.join(REGISTRY)}") from None
    return factory(**options)


class Pipeline:
    """Run stages in order over a Story.

    Args:
        stages: Stage objects, in the order they run.
        progress: optional callback ``(stage_name, index, total)`` called before each stage.
    """

    def __init__(self, stages: Sequence[Stage], *, progress: Callable[[str, int, int], None] | None = None):
        self.stages = list(stages)
        self.progress = progress
        self._validate()

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def _validate(self) -> None:
        available = set(READER_LAYERS)
        for stage in self.stages:
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise PipelineError(
                    f"stage {stage.name!r} requires {', '.join(missing)}, which no earlier stage provides "
                    f"(stages so far: {', '.join(s.name for s in self.stages[: self.stages.index(stage)]) or 'none'})"
                )
            available.update(stage.provides)

    def __call__(self, story: Story) -> Story:
        total = len(self.stages)
        for i, stage in enumerate(self.stages):
            if self.progress:
                self.progress(stage.name, i, total)
            t0 = time.perf_counter()
            stage(story)
            story.timings[stage.name] = time.perf_counter() - t0
            absent = [p for p in stage.provides if not story.has_layer(p)]
            if absent:
                raise PipelineError(f"stage {stage.name!r} did not add the layers it provides: {', '.join(absent)}")
        return story

    def pipe(self, stories: Iterable[Story]) -> Iterable[Story]:
        for story in stories:
            yield self(story)
