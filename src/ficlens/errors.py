"""Every error ficlens raises on purpose, in one place.

The hierarchy::

    FicLensError                 E000 base of everything below; carries .code and .path
    ├── InputError               E100 the input cannot be read as a story
    │   ├── NotFoundError        E101 path missing, or a directory
    │   ├── EmptyInputError      E102 empty or whitespace-only
    │   ├── TooLargeError        E103 over the size limit (50 MB)
    │   ├── BinaryInputError     E104 looks binary, not text
    │   ├── DecodeError          E105 no text encoding fits
    │   ├── MalformedError       E106 HTML/EPUB/SRT/... that cannot be parsed
    │   └── UnsafeArchiveError   E107 an EPUB with huge, too many or path-traversing entries
    ├── CastError                E201 a --cast file that cannot be used
    ├── CanonError               E301 a canon file that cannot be used
    └── PipelineError            E401 a stage needs a layer nothing earlier provides

Call sites raise the specific class; the CLI catches :class:`FicLensError` at its edge,
prints ``error: <path>: <message> [E###]`` on one line and exits with status 2.
``docs/errors.md`` lists every code with an example message; ``tests/test_docs.py`` keeps
the two in step.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "FicLensError",
    "InputError",
    "NotFoundError",
    "EmptyInputError",
    "TooLargeError",
    "BinaryInputError",
    "DecodeError",
    "MalformedError",
    "UnsafeArchiveError",
    "CastError",
    "CanonError",
    "PipelineError",
]


class FicLensError(Exception):
    """Base class. ``code`` is a stable identifier (E###); ``path`` names the culprit file, if any."""

    code = "E000"

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        super().__init__(f"[{self.code}] {message}")

    def one_line(self) -> str:
        """The message as the CLI prints it: ``<path>: <message> [E###]`` on a single line."""
        text = " ".join(self.message.split())
        prefix = f"{self.path}: " if self.path else ""
        return f"{prefix}{text} [{self.code}]"


class InputError(FicLensError):
    """The input cannot be read as a story."""

    code = "E100"


class NotFoundError(InputError):
    code = "E101"


class EmptyInputError(InputError):
    code = "E102"


class TooLargeError(InputError):
    code = "E103"


class BinaryInputError(InputError):
    code = "E104"


class DecodeError(InputError):
    code = "E105"


class MalformedError(InputError):
    code = "E106"


class UnsafeArchiveError(InputError):
    code = "E107"


class CastError(FicLensError):
    code = "E201"


class CanonError(FicLensError):
    code = "E301"


class PipelineError(FicLensError):
    code = "E401"
