"""The report and the web app in a real browser: Debian's Chromium, driven by Playwright.

Never runs ``playwright install``: the browser is /usr/bin/chromium (``.ci/install-browser``
installs it). Screenshots go to tests/_artifacts/ (not committed).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "low-tide.txt"
ARTIFACTS = ROOT / "tests" / "_artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium; run .ci/install-browser"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency; run uv sync")

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

HOSTILE = """Title: <script>window.__pwned=1;alert(1)</script>Evil

"<script>window.__pwned=2;alert(2)</script> hello </script><script>window.__pwned=3</script>," said Bob.

"Click <a href="javascript:window.__pwned=4">here</a>, or <img src=x onerror="window.__pwned=5;alert(5)">," Alice said.

<iframe src="javascript:window.__pwned=6"></iframe> <svg onload="window.__pwned=7"></svg> <b onmouseover="window.__pwned=8">hover me</b>

"javascript:window.__pwned=9" is not a link, said Bob.
"""

#: Listens for CSP violations and any dialog before the page's own code runs.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective); });
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.add_init_script(WATCH)
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    pg.requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.requests.append(r.url))  # type: ignore[attr-defined]
    yield pg
    context.close()


def shot(page: Any, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


def with_layers(d: dict[str, Any]) -> dict[str, Any]:
    """The example's analysis plus records of the layers other branches add (POV, tags, thoughts)."""
    text = d["text"]
    i = text.index("The lifeboat came in")
    j = text.index("Calder Bay") + len("Calder Bay")
    k = text.index("Not this again. Not tonight.")
    m = text.index("What was she supposed to do with that?")
    d = dict(d)
    d["thoughts"] = [
        {"start": k, "end": k + len("Not this again. Not tonight."), "thinker": "c1", "cue": "free indirect"},
        {
            "start": m,
            "end": m + len("What was she supposed to do with that?"),
            "thinker": "c1",
            "cue": "question",
        },
    ]
    d["pov"] = [
        {
            "scene": "ch1.s1",
            "person": "third",
            "character": "c1",
            "confidence": 0.82,
            "evidence": [[i, j], [k, k + 15]],
        },
        {
            "scene": "ch1.s2",
            "person": "third",
            "character": "c1",
            "confidence": 0.7,
            "evidence": [[m, m + 38]],
        },
    ]
    d["tags"] = {
        "suggested": [
            {
                "category": "relationship",
                "value": "Nora Vance/Dev Okafor",
                "confidence": 0.74,
                "evidence": [[k, k + 15]],
            },
            {
                "category": "freeform",
                "value": "Hurt/Comfort",
                "confidence": 0.61,
                "evidence": [[m, m + 38], [i, j]],
            },
            {"category": "freeform", "value": "Missing Scene", "confidence": 0.9, "evidence": []},
        ]
    }
    return d


@pytest.fixture(scope="module")
def example_dict() -> dict[str, Any]:
    from ficlens import analyze

    return analyze(EXAMPLE).to_dict()


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, example_dict: dict[str, Any]) -> Path:
    from ficlens.writers.html_report import render_html_from_dict

    path = tmp_path_factory.mktemp("report") / "low-tide.ficlens.html"
    path.write_text(render_html_from_dict(with_layers(example_dict)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from ficlens.server import create_app

    app = create_app(data_dir=tmp_path_factory.mktemp("serve") / "data")
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=15)


def until(page: Any, expression: str, arg: Any = None, timeout: float = 10.0) -> None:
    """Poll ``expression`` with page.evaluate until it is truthy.

    (``page.wait_for_function`` polls with eval inside the page, which our CSP rightly forbids.)
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(50)


def assert_nothing_ran(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.errors == []


# -- the report, as a file ----------------------------------------------------------------------


def test_browser_report_highlights_quotes_offline(
    page: Any, report_file: Path, example_dict: dict[str, Any]
) -> None:
    page.goto(report_file.as_uri())
    heads = page.locator(".q[tabindex]")
    assert heads.count() == len(example_dict["quotes"])
    bg = page.evaluate(
        """() => Array.from(document.querySelectorAll('.q[data-speaker]')).map(el => [
            el.getAttribute('data-speaker'), getComputedStyle(el).backgroundColor])"""
    )
    para_bg = page.evaluate("getComputedStyle(document.querySelector('.para')).backgroundColor")
    by_speaker: dict[str, set[str]] = {}
    for speaker, colour in bg:
        assert colour not in (para_bg, "rgba(0, 0, 0, 0)"), (speaker, colour)
        by_speaker.setdefault(speaker, set()).add(colour)
    assert all(len(c) == 1 for c in by_speaker.values())  # one colour per speaker
    assert len({next(iter(c)) for c in by_speaker.values()}) == len(
        by_speaker
    )  # distinct speakers, distinct colours
    # thoughts are styled apart
    thought = page.locator(".thought").first
    assert thought.evaluate("el => getComputedStyle(el).fontStyle") == "italic"
    # the charts and the network are drawn
    assert page.locator("svg.network .node").count() == 3
    assert page.locator("svg.chart .bar").count() >= 3
    # nothing left the file, and our own script and style were allowed by the CSP
    assert all(u.startswith(("file:", "data:")) for u in page.requests), page.requests
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
    shot(page, "report-full.png", full_page=True)
    # the README picture (docs/images/report.png is a copy): a taller window, a quotation's details shown
    page.set_viewport_size({"width": 1200, "height": 1350})
    page.locator(".q[tabindex]").nth(4).hover()
    shot(page, "report.png")


def test_browser_report_tooltip_on_hover_and_focus(page: Any, report_file: Path) -> None:
    page.goto(report_file.as_uri())
    first = page.locator(".q[tabindex]").first
    first.hover()
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "Dev Okafor" in tip.text_content() and "cue:" in tip.text_content()
    page.mouse.move(5, 5)
    page.keyboard.press("Escape")
    # keyboard: tab until a quotation has focus
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('q')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('q')")
    assert tip.is_visible() and "confidence" in tip.text_content()
    shot(page, "report-tooltip.png")


def test_browser_report_click_character_marks_lines(page: Any, report_file: Path) -> None:
    page.goto(report_file.as_uri())
    button = page.locator('.char-btn[data-char="c3"]')
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    marked = page.evaluate("Array.from(document.querySelectorAll('.q.hl')).map(el => el.dataset.speaker)")
    assert marked and set(marked) == {"c3"}
    total = page.locator('.q[data-speaker="c3"]').count()
    assert len(marked) == total
    other_bg = page.evaluate(
        "getComputedStyle(document.querySelector('.q[data-speaker=\"c1\"]')).backgroundColor"
    )
    assert other_bg == "rgba(0, 0, 0, 0)"  # the others are dimmed
    assert "highlighted" in page.locator("#char-status").text_content()
    page.locator("#next-line").click()
    assert page.evaluate("document.activeElement.dataset.speaker") == "c3"
    shot(page, "report-character.png")
    # the keyboard toggles it off again
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "false"
    assert page.locator(".q.hl").count() == 0


def test_browser_report_tag_evidence_shows_the_span(page: Any, report_file: Path) -> None:
    page.goto(report_file.as_uri())
    page.set_viewport_size({"width": 1200, "height": 700})
    link = page.locator("#panel-tags .evidence a").first
    href = link.get_attribute("href")
    assert href and href.startswith("#span-")
    link.click()
    until(page, "location.hash.length > 1")
    assert page.evaluate("location.hash") == href
    mark = page.locator(href)
    assert mark.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 240, 160)"
    # scrolled into view (smooth scrolling takes a moment)
    until(
        page,
        "id => { const r = document.getElementById(id).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }",
        href[1:],
    )
    # a tag button marks all its evidence
    tag = page.locator("#panel-tags .tag-btn", has_text="Hurt/Comfort")
    tag.click()
    assert tag.get_attribute("aria-pressed") == "true"
    assert page.locator("mark.ev.on").count() >= 2
    shot(page, "report-tag.png")
    # point of view evidence is one click away too
    pov = page.locator("#panel-pov .evidence a").first
    pov_href = pov.get_attribute("href")
    assert pov_href != href
    pov.click()
    until(page, "h => location.hash === h", pov_href)


def test_browser_report_on_a_phone_and_in_print(page: Any, report_file: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(report_file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    story = page.locator("#story").bounding_box()
    panels = page.locator("#panels").bounding_box()
    assert story and panels and panels["y"] > story["y"] + story["height"] - 1  # one column
    shot(page, "report-phone.png")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('#panels')).position") == "static"
    assert page.evaluate("getComputedStyle(document.querySelector('.char-btn')).borderTopWidth") == "0px"


def test_browser_hostile_report_runs_nothing(page: Any, tmp_path: Path) -> None:
    from ficlens import analyze
    from ficlens.writers.html_report import render_html

    path = tmp_path / "hostile.html"
    path.write_text(render_html(analyze(HOSTILE)), encoding="utf-8")
    page.goto(path.as_uri())
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("#story img, #story iframe, #story svg, #story script").count() == 0
    for q in page.locator(".q[tabindex]").all():
        q.hover()
        q.click()
    page.locator("text=hover me").hover()
    assert "window.__pwned=2" in page.locator("#story").text_content()
    assert_nothing_ran(page)
    assert page.evaluate("window.__csp") == []
    shot(page, "hostile-report.png")


def test_browser_csp_stops_markup_that_slips_through(
    page: Any, tmp_path: Path, example_dict: dict[str, Any]
) -> None:
    """Defence in depth: even markup injected into the page cannot run under its CSP."""
    from ficlens.writers.html_report import render_html_from_dict

    html = render_html_from_dict(example_dict)
    injected = (
        '<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=2">'
        '<div onclick="window.__pwned=3" id="trap">trap</div><script src="data:text/javascript,window.__pwned=4"></script>'
    )
    path = tmp_path / "injected.html"
    path.write_text(html.replace("<main ", injected + "<main ", 1), encoding="utf-8")
    page.goto(path.as_uri())
    page.locator("#trap").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("window.__csp.length") >= 2
    # our own script still works
    page.locator(".char-btn").first.click()
    assert page.locator(".q.hl").count() > 0


# -- the web app ---------------------------------------------------------------------------------


def test_browser_webapp_upload_shows_the_report(page: Any, server: str) -> None:
    page.goto(server + "/")
    shot(page, "webapp-index.png")
    page.set_input_files("#file", str(EXAMPLE))
    page.click("#submit")
    page.wait_for_url("**/analyses/*/report", timeout=120_000)
    assert page.locator(".q[tabindex]").count() > 20
    colour = page.evaluate("getComputedStyle(document.querySelector('.q[data-speaker]')).backgroundColor")
    assert colour != "rgba(0, 0, 0, 0)"
    assert page.locator("h1").text_content() == "Low Tide"
    shot(page, "webapp-report.png")
    page.click("text=← All analyses")
    page.wait_for_url(server + "/")
    row = page.locator("#analyses tbody tr").first
    assert "Low Tide" in row.text_content()
    rows = page.locator("#analyses tbody tr").count()
    row.locator("button", has_text="Delete").click()
    until(page, f"document.querySelectorAll('#analyses tbody tr').length === {rows - 1}")
    assert page.errors == [] and page.dialogs == []
    assert all(u.startswith(server) for u in page.requests), page.requests


def test_browser_webapp_paste_and_hostile_upload(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    page.fill("#text", HOSTILE)
    page.click("#submit")
    page.wait_for_url("**/analyses/*/report", timeout=120_000)
    assert "window.__pwned=2" in page.locator("#story").text_content()
    for q in page.locator(".q[tabindex]").all():
        q.hover()
    assert_nothing_ran(page)
    page.goto(server + "/")  # the list shows the hostile title as text
    assert page.locator("#analyses").text_content().count("<script>") >= 1
    assert_nothing_ran(page)
    if importlib.util.find_spec("ficlens.readers._ao3_html") is not None:
        story = tmp_path / "hostile.html"
        story.write_text(
            "<html><head><title>x</title><script>window.__pwned=1</script></head><body>"
            '<p>"Hi <img src=x onerror=window.__pwned=2>," said Ann.</p>'
            '<p><a href="javascript:window.__pwned=3">link</a> <span onclick="window.__pwned=4">click</span></p>'
            "</body></html>",
            encoding="utf-8",
        )
        page.set_input_files("#file", str(story))
        page.click("#submit")
        page.wait_for_url("**/analyses/*/report", timeout=120_000)
        page.locator("text=click").first.click()
        assert page.locator("a[href^='javascript']").count() == 0
        assert_nothing_ran(page)


def test_browser_webapp_shows_errors_as_messages(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4 not a story")
    page.set_input_files("#file", str(bad))
    page.click("#submit")
    error = page.locator("#form-error")
    error.wait_for(state="visible")
    assert "notes.pdf" in error.text_content() and "Traceback" not in page.content()
    shot(page, "webapp-error.png")
    api = page.request.get(server + "/analyses/missing")
    assert api.status == 404 and json.loads(api.text()) == {
        "ok": False,
        "error": "no analysis 'missing'; GET /analyses lists them",
        "status": 404,
    }
