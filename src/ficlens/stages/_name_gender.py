"""The gender a given name usually goes with ("Doris", "Norman"), read from the name data of
the ``nomquamgender`` package (Van Buskirk et al., MIT licence).

That package ships, for about 700,000 names, how many people from its sources bore the name
and the share of them who were women. We keep a name when it is common (borne by 1,000 people
or more) and clearly one gender's (a share of women of at most 0.1 or at least 0.9, the
package's own default threshold): about 15,000 names. The characters stage asks it only when a
name is on no list of its own and the pronouns near the name do not settle the matter.

The package's JSON file is 22 MB and takes about half a second to read, so the table is built
once and kept in the user cache directory (``platformdirs.user_cache_path("ficlens")``), keyed
by the package's version. The package's own module is never imported: it loads pandas.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import unicodedata
from importlib import metadata
from pathlib import Path

__all__ = ["name_gender"]

MIN_BEARERS = 1000
SURE = 0.1  # a share of women of at most this is a man's name; of at least 1 - this, a woman's

# one entry of the package's JSON: "name": [sources, bearers, share of women, ...]
_ENTRY = re.compile(r'"([^"\\]+)": \[\d+, (\d+), ([0-9.e-]+)')


def name_gender(name: str) -> str | None:
    """``"female"`` or ``"male"`` when ``name`` is a common given name that nearly always
    goes with that gender, else ``None`` (an unknown, rare or shared name: "Jamie", "Kit").
    Case and accents do not matter ("Inés" is "ines")."""
    key = _key(name)
    if not key:
        return None
    share = _table().get(key)
    if share is None:
        return None
    return "female" if share >= 1 - SURE else "male"


def _key(name: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return plain.strip().lower()


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    """Name -> share of women, for the names kept (see the module's docstring)."""
    try:
        version = metadata.version("nomquamgender")
    except metadata.PackageNotFoundError:
        return {}
    cache = _cache_dir() / f"name-gender-{version}-{MIN_BEARERS}-{SURE}.json"
    try:
        table: dict[str, float] = json.loads(cache.read_text("utf-8"))
        return table
    except (OSError, ValueError):
        pass
    # found through the installed distribution: importing the package would load pandas
    data = Path(str(metadata.distribution("nomquamgender").locate_file("nomquamgender/name_data.json")))
    try:
        table = build_table(data.read_text("utf-8"))
    except OSError:
        return {}
    _write_atomically(cache, json.dumps(table, separators=(",", ":")))
    return table


def build_table(data: str) -> dict[str, float]:
    """The kept names of the package's JSON text, scanned rather than parsed (parsing all of
    it would hold 250 MB for a moment)."""
    table = {}
    for m in _ENTRY.finditer(data):
        share = float(m.group(3))
        if int(m.group(2)) >= MIN_BEARERS and (share <= SURE or share >= 1 - SURE) and m.group(1).isalpha():
            table[m.group(1)] = share
    return table


def _cache_dir() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("ficlens")


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; a cache that cannot be written (a
    read-only home) only means the next run builds the table again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
