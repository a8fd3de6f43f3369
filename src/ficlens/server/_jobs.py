"""Background analyses: a small pool of worker threads, progress written to the store.

A request hands over a job and returns at once with the analysis id; the page (or an API
client) polls ``GET /analyses/{id}`` for ``status``, ``progress`` and ``stage``. A failure
is stored as a one-line message, never a traceback (the traceback goes to the server log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ficlens.errors import FicLensError
from ficlens.server._store import Store

__all__ = ["JobRunner", "Progress", "Work"]

log = logging.getLogger("ficlens.server")

#: ``progress(stage_name, index, total)``, as :class:`ficlens.pipeline.Pipeline` calls it.
Progress = Callable[[str, int, int], None]
#: A job: takes the progress callback, returns the finished analysis (a JSON-contract dict).
Work = Callable[[Progress], dict[str, Any]]


class JobRunner:
    """Run analyses in worker threads and record their state in a :class:`Store`.

    Args:
        store: where status, progress and results go.
        workers: how many analyses run at once (spaCy is CPU-bound; one or two is right).
    """

    def __init__(self, store: Store, *, workers: int = 1) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ficlens-job")

    def submit(
        self, analysis_id: str, work: Work, *, cleanup: Callable[[], None] | None = None
    ) -> Future[None]:
        """Queue ``work`` for the analysis ``analysis_id``; ``cleanup`` runs after it, whatever happens."""
        return self._pool.submit(self._run, analysis_id, work, cleanup)

    def _run(self, analysis_id: str, work: Work, cleanup: Callable[[], None] | None) -> None:
        def progress(stage: str, index: int, total: int) -> None:
            self.store.update(analysis_id, stage=stage, progress=round(index / max(total, 1), 3))

        try:
            if not self.store.update(analysis_id, status="running", progress=0.0):
                return  # deleted before it started
            result = work(progress)
            title = (
                result.get("metadata", {}).get("title") if isinstance(result.get("metadata"), dict) else None
            )
            fields: dict[str, Any] = {"status": "done", "progress": 1.0, "stage": None, "analysis": result}
            if isinstance(title, str) and title.strip():
                fields["title"] = title.strip()[:300]
            self.store.update(analysis_id, **fields)
        except FicLensError as exc:
            self.store.update(analysis_id, status="failed", error=" ".join(exc.one_line().split()))
        except MemoryError:
            self.store.update(
                analysis_id, status="failed", error="the story was too large to analyse in memory"
            )
        except Exception as exc:
            log.exception("analysis %s failed", analysis_id)
            self.store.update(
                analysis_id, status="failed", error=f"internal error while analysing ({type(exc).__name__})"
            )
        finally:
            if cleanup is not None:
                try:
                    cleanup()
                except OSError:
                    log.warning("could not clean up after analysis %s", analysis_id)

    def shutdown(self, *, wait: bool = False) -> None:
        """Stop taking jobs; queued jobs are cancelled (the store marks them failed on the next start)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
