"""Inline SVG for the report: the who-talks-to-whom network and the dialogue-share charts.

Everything is computed here in Python (layout included) and written as plain SVG elements
with presentation attributes and CSS classes (the palette lives in the report's stylesheet),
so the page needs no script to draw and no style attributes (the Content-Security-Policy
allows neither inline style attributes nor unhashed scripts). Every string is escaped.
Each picture has a ``<title>`` and ``<desc>``; the templates add a table of the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from ficlens.writers._report_model import N_COLOURS, N_STYLES, Char, ReportModel

__all__ = ["canon_svg", "layout", "network_svg", "scenes_svg", "share_svg"]

#: Characters drawn in the network at most (those who speak most); the table lists every edge.
MAX_NODES = 12
#: Above this many arrows their counts are left to the tooltips and the table.
MAX_EDGE_LABELS = 16
#: Arrows drawn at most (the strongest); the table lists every pair.
MAX_EDGES = 30
_W, _H = 520, 440


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _pattern_defs(prefix: str) -> str:
    """Pattern overlays per line style (none, stripes, dots, cross-hatch) for bars and nodes."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-p1" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2.5" height="6" class="pat"/></pattern>'
        f'<pattern id="{prefix}-p2" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<circle cx="3" cy="3" r="1.3" class="pat"/></pattern>'
        f'<pattern id="{prefix}-p3" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<path d="M0 0L6 6M6 0L0 6" class="pat-line"/></pattern>'
        "</defs>"
    )


def _style_index(c: Char | None) -> int:
    if c is None or c.slot < 0 or c.slot >= N_COLOURS * N_STYLES:
        return 0
    return c.slot // N_COLOURS


def _pattern_overlay(prefix: str, c: Char | None, tag: str, geometry: str) -> str:
    """The same shape again, filled with the character's pattern (nothing for the plain style)."""
    k = _style_index(c)
    if not k:
        return ""
    return f'<{tag} {geometry} fill="url(#{prefix}-p{k})" class="overlay"/>'


def layout(ids: Sequence[str], *, width: float = _W, height: float = _H) -> dict[str, tuple[float, float]]:
    """Node positions on a circle, the first id at the top and the rest clockwise.

    Deterministic, so the same story gives the same picture; scaled to fill the picture with
    room for the names outside the circle.
    """
    n = len(ids)
    if n == 0:
        return {}
    if n == 1:
        return {ids[0]: (width / 2, height / 2)}
    pos = {
        cid: [math.cos(-math.pi / 2 + 2 * math.pi * i / n), math.sin(-math.pi / 2 + 2 * math.pi * i / n)]
        for i, cid in enumerate(ids)
    }
    return _fit(pos, width, height)


def _fit(pos: dict[str, list[float]], width: float, height: float) -> dict[str, tuple[float, float]]:
    """Scale and centre the positions into the picture, leaving room for names beside the nodes."""
    mx, my = 130.0, 50.0
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = min(
        (width - 2 * mx) / span_x if span_x > 1 else math.inf,
        (height - 2 * my) / span_y if span_y > 1 else math.inf,
    )
    if not math.isfinite(scale):
        scale = 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {c: (width / 2 + (p[0] - cx) * scale, height / 2 + (p[1] - cy) * scale) for c, p in pos.items()}


def network_svg(model: ReportModel) -> Markup | None:
    """Who talks to whom: nodes sized by words spoken, arrows weighted by quotations addressed."""
    edges = [e for e in model.edges if e.source in model.by_id and e.target in model.by_id]
    co = [e for e in model.copresence if e.source in model.by_id and e.target in model.by_id]
    involved = (
        {e.source for e in edges}
        | {e.target for e in edges}
        | {e.source for e in co}
        | {e.target for e in co}
    )
    nodes = [c for c in model.chars if c.id in involved or c.quotes][:MAX_NODES]
    if len(nodes) < 2 or not (edges or co):
        return None
    ids = [c.id for c in nodes]
    keep = set(ids)
    edges = [e for e in edges if e.source in keep and e.target in keep]
    edges = sorted(edges, key=lambda e: (-e.count, e.source, e.target))[:MAX_EDGES]
    co = [e for e in co if e.source in keep and e.target in keep]
    pos = layout(ids)
    max_words = max((c.words for c in nodes), default=1) or 1
    small = len(nodes) > 6
    radius = {
        c.id: (8 if small else 12) + (12 if small else 16) * math.sqrt(c.words / max_words) for c in nodes
    }
    max_count = max((e.count for e in edges), default=1)
    pairs = {(e.source, e.target) for e in edges}
    out: list[str] = [
        f'<svg class="network{" crowded" if len(edges) > MAX_EDGE_LABELS else ""}" viewBox="0 0 {_W} {_H}" role="img" aria-labelledby="net-title net-desc">',
        '<title id="net-title">Who talks to whom</title>',
        (
            f'<desc id="net-desc">{len(nodes)} characters; an arrow from A to B means A speaks to B, '
            "thicker arrows for more quotations; circle size shows words spoken. The table below gives the "
            "same figures.</desc>"
        ),
        _pattern_defs("net"),
        "<defs>",
    ]
    for k in range(N_COLOURS):
        out.append(
            f'<marker id="arrow-s{k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="15" markerHeight="15" markerUnits="userSpaceOnUse" '
            f'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="ink s{k}"/></marker>'
        )
    out.append(
        '<marker id="arrow-sx" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="15" markerHeight="15" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="ink sx"/></marker></defs>'
    )
    co_max = max((e.count for e in co), default=1)
    for e in co:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        w = 1 + 3 * e.count / co_max
        out.append(
            f'<line class="copresence" x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke-width="{_f(w)}">'
            f"<title>{escape(model.name(e.source))} and {escape(model.name(e.target))} together: {e.count}</title></line>"
        )
    for e in sorted(edges, key=lambda e: e.count):
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        dx, dy = x2 - x1, y2 - y1
        dist = max(math.hypot(dx, dy), 1.0)
        ux, uy = dx / dist, dy / dist
        bend = 28.0 if (e.target, e.source) in pairs else 0.0
        # start and end on the circles' rims
        sx, sy = x1 + ux * radius[e.source], y1 + uy * radius[e.source]
        ex, ey = x2 - ux * (radius[e.target] + 2), y2 - uy * (radius[e.target] + 2)
        mx, my = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
        w = 1.5 + 6 * e.count / max_count
        c = model.by_id[e.source]
        slot = c.css.split()[0]
        marker = f"arrow-{slot}" if slot != "sx" else "arrow-sx"
        label = f"{model.name(e.source)} to {model.name(e.target)}: {e.count} quotation{'s' if e.count != 1 else ''}"
        out.append(
            f'<g class="edge" data-source="{escape(e.source)}" data-target="{escape(e.target)}">'
            f'<path d="M{_f(sx)} {_f(sy)}Q{_f(mx)} {_f(my)} {_f(ex)} {_f(ey)}" class="edge-line ink {slot}" '
            f'stroke-width="{_f(w)}" marker-end="url(#{marker})"><title>{escape(label)}</title></path>'
            + (
                f'<text x="{_f((sx + 2 * mx + ex) / 4)}" y="{_f((sy + 2 * my + ey) / 4 + 4)}" class="edge-label">'
                f"{e.count}</text>"
                if len(edges) <= MAX_EDGE_LABELS
                else ""
            )
            + "</g>"
        )
    for c in nodes:
        x, y = pos[c.id]
        r = radius[c.id]
        # the name goes outside the picture's centre, away from most arrows
        dx, dy = x - _W / 2, y - _H / 2
        dist = math.hypot(dx, dy)
        ux, uy = (dx / dist, dy / dist) if dist > 1 else (0.0, 1.0)
        lx, ly = x + ux * (r + 8), y + uy * (r + 8)
        if uy > 0.3:
            lx, ly, anchor = x, y + r + 17, "middle"
        elif uy < -0.3:
            lx, ly, anchor = x, y - r - 7, "middle"
        else:
            anchor = "start" if ux > 0 else "end"
            ly += 5
        geom = f'cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}"'
        out.append(
            f'<g class="node" data-char="{escape(c.id)}"><circle {geom} class="node-fill {c.css}"/>'
            f"{_pattern_overlay('net', c, 'circle', geom)}"
            f'<circle {geom} class="node-ring ink {c.css}"/>'
            f"<title>{escape(c.name)}: {c.quotes} quotations, {c.words} words</title>"
            f'<text x="{_f(lx)}" y="{_f(ly)}" text-anchor="{anchor}" class="node-label">{escape(c.name)}</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def share_svg(model: ReportModel) -> Markup | None:
    """Words spoken per character, as horizontal bars with names and figures beside them."""
    chars = [c for c in model.chars if c.quotes]
    if not chars:
        return None
    total = sum(c.words for c in chars) or 1
    max_words = max(c.words for c in chars) or 1
    label_w, bar_w, row = 100, 190, 28
    width = label_w + bar_w + 150
    height = row * len(chars) + 10
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="share-title share-desc">',
        '<title id="share-title">Dialogue share per character</title>',
        f'<desc id="share-desc">Words spoken by each character, {len(chars)} characters, {total} words in all.</desc>',
        _pattern_defs("share"),
    ]
    for i, c in enumerate(chars):
        y = 5 + i * row
        w = max(2.0, bar_w * c.words / max_words)
        geom = f'x="{label_w}" y="{y + 4}" width="{_f(w)}" height="{row - 10}"'
        out.append(
            f'<g class="bar-row" data-char="{escape(c.id)}"><text x="{label_w - 8}" y="{y + row / 2 + 4}" '
            f'class="bar-name">{escape(_short(c.name, 14))}</text><rect {geom} class="bar {c.css}"/>'
            f"{_pattern_overlay('share', c, 'rect', geom)}"
            f'<text x="{_f(label_w + w + 6)}" y="{y + row / 2 + 4}" class="bar-value">'
            f"{100 * c.words / total:.0f}% · {c.words} words</text></g>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def scenes_svg(model: ReportModel) -> Markup | None:
    """Per scene, a 100% stacked bar of words spoken by each character."""
    scenes = [s for s in model.scenes if s.total]
    if not scenes:
        return None
    label_w, bar_w, row = 100, 280, 28
    width = label_w + bar_w + 60
    height = row * len(scenes) + 10
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="scenes-title scenes-desc">',
        '<title id="scenes-title">Dialogue share per scene</title>',
        f'<desc id="scenes-desc">For each of {len(scenes)} scenes, the share of spoken words by character.</desc>',
        _pattern_defs("scn"),
    ]
    order = {c.id: i for i, c in enumerate(model.chars)}
    for i, s in enumerate(scenes):
        y = 5 + i * row
        out.append(
            f'<g class="scene-row"><text x="{label_w - 8}" y="{y + row / 2 + 4}" class="bar-name">'
            f"{escape(_short(s.label, 14))}</text>"
        )
        x = float(label_w)
        for cid, words in sorted(s.words.items(), key=lambda kv: order.get(kv[0], 1 << 30)):
            c = model.by_id.get(cid)
            w = bar_w * words / s.total
            geom = f'x="{_f(x)}" y="{y + 4}" width="{_f(w)}" height="{row - 10}"'
            name = c.name if c else cid
            out.append(
                f'<g class="seg" data-char="{escape(cid)}"><rect {geom} class="bar {model.css(cid)}"/>'
                f"{_pattern_overlay('scn', c, 'rect', geom)}"
                f"<title>{escape(s.label)}: {escape(name)}, {words} words ({100 * words / s.total:.0f}%)</title></g>"
            )
            if w > 46:
                out.append(
                    f'<text x="{_f(x + w / 2)}" y="{y + row / 2 + 4}" class="seg-label">{100 * words / s.total:.0f}%</text>'
                )
            x += w
        out.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + row / 2 + 4}" class="bar-value">{s.total} w.</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def canon_svg(model: ReportModel) -> Markup | None:
    """One bar: quotations verbatim from canon, altered, and original."""
    cv = model.canon
    if cv is None:
        return None
    total = cv.verbatim + cv.altered + cv.original
    if not total:
        return None
    width, bar_w, x0 = 440, 420, 10
    out = [
        f'<svg class="chart" viewBox="0 0 {width} 76" role="img" aria-labelledby="canon-title canon-desc">',
        '<title id="canon-title">Quotations by canon status</title>',
        f'<desc id="canon-desc">{cv.verbatim} verbatim, {cv.altered} altered, {cv.original} original.</desc>',
        _pattern_defs("cn"),
    ]
    x = float(x0)
    for key, n, label in (
        ("verbatim", cv.verbatim, "verbatim"),
        ("altered", cv.altered, "altered"),
        ("original", cv.original, "original"),
    ):
        if not n:
            continue
        w = bar_w * n / total
        out.append(f'<rect x="{_f(x)}" y="8" width="{_f(w)}" height="28" class="canon-{key}"/>')
        if key == "altered":
            out.append(
                f'<rect x="{_f(x)}" y="8" width="{_f(w)}" height="28" fill="url(#cn-p1)" class="overlay"/>'
            )
        out.append(
            f'<text x="{_f(x + 2)}" y="56" class="bar-value">{escape(label)} {n}</text>' if w > 70 else ""
        )
        x += w
    out.append("</svg>")
    return Markup("".join(out))
