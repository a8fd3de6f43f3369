"""Cast lists: who is in a story, given by the user (``--cast``).

Two forms: a YAML list of ``{name, aliases, gender}`` (or a mapping name -> details), and
PDNC's ``character_info.csv`` (columns Main Name, Aliases, Gender).
"""

from __future__ import annotations

import ast
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ficlens.errors import CastError, FicLensError

_GENDERS = {
    "f": "female", "female": "female", "woman": "female", "she": "female", "she/her": "female",
    "m": "male", "male": "male", "man": "male", "he": "male", "he/him": "male",
    "x": "unknown", "u": "unknown", "unknown": "unknown", "": "unknown", "?": "unknown",
    "nb": "nonbinary", "nonbinary": "nonbinary", "non-binary": "nonbinary", "they": "nonbinary",
    "they/them": "nonbinary", "n": "nonbinary",
}


@dataclass(frozen=True, slots=True)
class CastMember:
    name: str
    aliases: tuple[str, ...]
    gender: str


def _gender(value: Any, path: Path | None, name: str) -> str:
    key = str(value or "").strip().lower()
    if key in _GENDERS:
        return _GENDERS[key]
    raise CastError(f"character {name!r} has gender {value!r}; use female, male, nonbinary or unknown", path=path)


def _member(name: Any, aliases: Any, gender: Any, path: Path | None) -> CastMember:
    if not isinstance(name, str) or not name.strip():
        raise CastError(f"a cast entry has no name ({name!r})", path=path)
    if aliases is None:
        aliases = []
    if isinstance(aliases, str):
        aliases = [a.strip() for a in aliases.split(",")]
    if not isinstance(aliases, (list, tuple, set)):
        raise CastError(f"aliases of {name!r} must be a list", path=path)
    names = [name.strip()] + [str(a).strip() for a in aliases if str(a).strip()]
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return CastMember(name.strip(), tuple(seen[1:]), _gender(gender, path, name))


def parse_cast(text: str, *, path: Path | None = None, format: str | None = None) -> list[CastMember]:
    """Parse a cast list from text (YAML, or PDNC CSV when it has a 'Main Name' header)."""
    fmt = format or ("csv" if text.lstrip("\ufeff").startswith(("Character ID", "Main Name")) or (path and path.suffix.lower() == ".csv") else "yaml")
    members: list[CastMember] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        if not reader.fieldnames or "Main Name" not in reader.fieldnames:
            raise CastError("a CSV cast needs the columns 'Main Name', 'Aliases' and 'Gender'", path=path)
        for row in reader:
            raw = (row.get("Aliases") or "").strip()
            try:
                aliases = ast.literal_eval(raw) if raw.startswith(("{", "[", "(")) else [a for a in raw.split(";") if a]
            except (ValueError, SyntaxError):
                raise CastError(f"cannot read the aliases of {row.get('Main Name')!r}: {raw[:60]!r}", path=path) from None
            members.append(_member(row.get("Main Name"), sorted(aliases), row.get("Gender"), path))
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise CastError(f"is not valid YAML{where}", path=path) from None
        if data is None:
            raise CastError("the cast list is empty", path=path)
        if isinstance(data, dict) and "characters" in data:
            data = data["characters"]
        if isinstance(data, dict):
            data = [{"name": k, **(v if isinstance(v, dict) else {"aliases": v})} for k, v in data.items()]
        if not isinstance(data, list):
            raise CastError("a YAML cast must be a list of {name, aliases, gender} entries", path=path)
        for entry in data:
            if isinstance(entry, str):
                entry = {"name": entry}
            if not isinstance(entry, dict):
                raise CastError(f"cast entry {entry!r} is not a mapping", path=path)
            members.append(_member(entry.get("name"), entry.get("aliases"), entry.get("gender"), path))
    if not members:
        raise CastError("the cast list is empty", path=path)
    seen: set[str] = set()
    for m in members:
        if m.name in seen:
            raise CastError(f"{m.name!r} is listed twice; give each character once, with all its aliases", path=path)
        seen.add(m.name)
    return members


def load_cast(path: str | Path) -> list[CastMember]:
    from ficlens.readers import load_bytes
    from ficlens.readers._text import decode

    try:
        data, p = load_bytes(path)
        text, _, _ = decode(data, p)
    except FicLensError as exc:
        raise CastError(exc.message, path=path) from None
    return parse_cast(text, path=p)
