"""``ficlens serve``: a small web app and JSON API over the analysis (``create_app``).

The app keeps analyses in SQLite in the user's data directory, runs each analysis in a
background thread, and renders the same HTML report as ``ficlens analyze --format html``.
See ``docs/report.md`` for the routes and the error shape.
"""

from __future__ import annotations

from ficlens.server._app import Limits, create_app
from ficlens.server._store import Store, default_data_dir

__all__ = ["Limits", "Store", "create_app", "default_data_dir"]
