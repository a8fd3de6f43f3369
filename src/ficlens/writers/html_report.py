"""The HTML report: one self-contained page that works offline.

``render_html(story)`` and ``render_html_from_dict(d)`` (the JSON contract, so the server
can render stored analyses) return the whole page as a string. The page has no external
resource: the stylesheet and the script are ours, hand-written, shipped as package data in
``writers/templates/`` and inlined; charts and the network are SVG computed in Python.

Story text is hostile until proven otherwise:

* every piece of it is escaped (Jinja autoescape, and :mod:`markupsafe` in the Python that
  builds the highlighted story and the SVG);
* the data the script needs sits in a ``<script type="application/json">`` block, with
  ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, and is read
  with ``JSON.parse``; no story-derived string is ever written into script code;
* a Content-Security-Policy allows only the page's own inline script and style, by hash,
  so markup that slipped through could still not run (``content_security_policy()`` gives
  the same policy for an HTTP header).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ficlens.story import Story
from ficlens.writers._report_model import ReportModel, build_model
from ficlens.writers._report_svg import canon_svg, network_svg, scenes_svg, share_svg
from ficlens.writers._report_text import render_story

__all__ = ["content_security_policy", "json_for_html", "render_html", "render_html_from_dict"]

_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("ficlens.writers", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )


@cache
def _asset(name: str) -> str:
    return (resources.files("ficlens.writers") / "templates" / name).read_text(encoding="utf-8")


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy() -> str:
    """The report's Content-Security-Policy: nothing external, only our inline script and style.

    RETURNS (str): the policy, for the page's ``<meta>`` and for an HTTP header.
    """
    return (
        "default-src 'none'; "
        f"script-src {_hash(_asset('report.js'))}; "
        f"style-src {_hash(_asset('report.css'))}; "
        "img-src data:; base-uri 'none'; form-action 'none'; object-src 'none'"
    )


def json_for_html(value: Any) -> Markup:
    """JSON that is safe inside a ``<script type="application/json">`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026`` (and the two
    line separators are escaped too), so no ``</script>`` or comment can close the element.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return Markup(text)


def _version() -> str:
    try:
        from ficlens import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - the package always has one
        return "unknown"


def _page_data(m: ReportModel) -> dict[str, Any]:
    return {
        "title": m.title,
        "characters": {c.id: {"name": c.name, "quotes": c.quotes, "css": c.css} for c in m.chars},
    }


def render_html_from_dict(d: dict[str, Any], *, back_href: str | None = None) -> str:
    """Render the report from a JSON-contract dict (``story_to_dict`` output, or a stored one).

    Args:
        d: the analysis as ``Story.to_dict()`` gives it; unknown or missing layers are fine.
        back_href: a link back to a list of analyses (the server passes "/").

    RETURNS (str): the whole HTML page.
    """
    m = build_model(d)
    body, descriptions = render_story(m)
    speech = [q for q in m.quotes if q["kind"] == "speech"]
    meta = d.get("metadata")
    lang = meta.get("language") if isinstance(meta, dict) else None
    lang = lang if isinstance(lang, str) else None
    speakers = [c for c in m.chars if c.quotes]
    context = {
        "m": m,
        "body": body,
        "descriptions": descriptions,
        "network_svg": network_svg(m),
        "share_svg": share_svg(m),
        "scenes_svg": scenes_svg(m),
        "canon_svg": canon_svg(m),
        "edges_sorted": sorted(m.edges, key=lambda e: (-e.count, m.name(e.source), m.name(e.target))),
        "speakers": speakers,
        "n_speech": len(speech),
        "n_unattributed": sum(1 for q in speech if not q["speaker"]),
        "n_scenes": len([s for s in m.scenes if s.id]) or 1,
        "lang": lang if lang and _LANG.match(lang) else "en",
        "version": _version(),
        "schema_version": str(d.get("schema_version", "")),
        "back_href": back_href,
        "csp": content_security_policy(),
        "css": Markup(_asset("report.css")),
        "js": Markup(_asset("report.js")),
        "data_json": json_for_html(_page_data(m)),
    }
    return _env().get_template("report.html.j2").render(**context)


def render_html(story: Story) -> str:
    """Render the report for a Story (the ``html`` output format)."""
    from ficlens.writers.json_out import story_to_dict

    return render_html_from_dict(story_to_dict(story))
