"""Analyses kept between runs: one SQLite file in the user's data directory.

One table, ``analyses(id, title, source, created, status, progress, stage, error, json)``;
``json`` holds the analysis exactly as ``Story.to_dict()`` gives it, so a stored report is
rendered from it again (``render_html_from_dict``). ``status`` is one of ``queued``,
``running``, ``done`` and ``failed``. Each call opens its own connection, so the store can be
used from the request threads and the worker thread alike.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["STATUSES", "Store", "default_data_dir"]

STATUSES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
    id       TEXT PRIMARY KEY,
    title    TEXT NOT NULL,
    source   TEXT,
    created  TEXT NOT NULL,
    status   TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    stage    TEXT,
    error    TEXT,
    json     TEXT
);
CREATE INDEX IF NOT EXISTS analyses_created ON analyses (created);
"""

#: The columns of a listing (everything but the analysis itself).
_SUMMARY = ("id", "title", "source", "created", "status", "progress", "stage", "error")


def default_data_dir() -> Path:
    """Where analyses are kept unless told otherwise: ``platformdirs.user_data_dir("ficlens")``."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ficlens"))


class Store:
    """The SQLite store of analyses.

    Args:
        data_dir: the folder that holds ``ficlens.sqlite3`` (created if missing).
    """

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "ficlens.sqlite3"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def create(self, *, title: str, source: str | None) -> str:
        """Add a queued analysis and return its new id."""
        analysis_id = secrets.token_hex(8)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO analyses (id, title, source, created, status) VALUES (?, ?, ?, ?, 'queued')",
                (analysis_id, title, source, created),
            )
        return analysis_id

    def update(self, analysis_id: str, **fields: Any) -> bool:
        """Set some columns of an analysis; ``analysis`` (a dict) is stored as ``json``.

        RETURNS (bool): False when the analysis no longer exists (deleted meanwhile).
        """
        if "analysis" in fields:
            fields["json"] = json.dumps(fields.pop("analysis"), ensure_ascii=False, separators=(",", ":"))
        allowed = {"title", "status", "progress", "stage", "error", "json"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown analysis fields {sorted(unknown)}; use {sorted(allowed)}")
        if not fields:
            return self.get(analysis_id) is not None
        columns = ", ".join(f"{k} = ?" for k in fields)
        with self._lock, self._connect() as db:
            cur = db.execute(f"UPDATE analyses SET {columns} WHERE id = ?", (*fields.values(), analysis_id))
            return cur.rowcount > 0

    def get(self, analysis_id: str, *, with_analysis: bool = False) -> dict[str, Any] | None:
        """One analysis's row as a dict (``analysis`` holds the parsed JSON when asked), or None."""
        columns = ", ".join(_SUMMARY + (("json",) if with_analysis else ()))
        with self._connect() as db:
            row = db.execute(f"SELECT {columns} FROM analyses WHERE id = ?", (analysis_id,)).fetchone()
        if row is None:
            return None
        out = {k: row[k] for k in _SUMMARY}
        if with_analysis:
            out["analysis"] = json.loads(row["json"]) if row["json"] else None
        return out

    def list(self, *, limit: int = 500) -> list[dict[str, Any]]:
        """The analyses, newest first, without their JSON."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {', '.join(_SUMMARY)} FROM analyses ORDER BY created DESC, rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [{k: r[k] for k in _SUMMARY} for r in rows]

    def delete(self, analysis_id: str) -> bool:
        """Delete an analysis. RETURNS (bool): whether it existed."""
        with self._lock, self._connect() as db:
            return db.execute("DELETE FROM analyses WHERE id = ?", (analysis_id,)).rowcount > 0

    def fail_unfinished(self, message: str) -> int:
        """Mark analyses left queued or running (by a server that stopped) as failed."""
        with self._lock, self._connect() as db:
            cur = db.execute(
                "UPDATE analyses SET status = 'failed', error = ? WHERE status IN ('queued', 'running')",
                (message,),
            )
            return cur.rowcount
