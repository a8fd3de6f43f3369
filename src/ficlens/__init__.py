"""ficlens: read fiction as data.

    >>> import ficlens
    >>> story = ficlens.analyze("examples/low-tide.txt")
    >>> story.quotes[0], story.attributions[story.quotes[0].id].speaker

The public API is this module's ``__all__``; everything else is private.
"""

from ficlens._api import analyze, build_pipeline
from ficlens.errors import FicLensError, InputError
from ficlens.pipeline import Pipeline
from ficlens.readers import read
from ficlens.story import Span, Story

__version__ = "0.1.0"

__all__ = [
    "analyze",
    "build_pipeline",
    "read",
    "Story",
    "Span",
    "Pipeline",
    "FicLensError",
    "InputError",
    "__version__",
]
