"""The HTML report: self-contained, escaped, every quotation highlighted, optional layers shown."""

from __future__ import annotations

import itertools
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ficlens import analyze
from ficlens.writers import FORMATS, render
from ficlens.writers.html_report import (
    content_security_policy,
    json_for_html,
    render_html,
    render_html_from_dict,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "low-tide.txt"

HOSTILE = """Title: <script>window.__pwned=1</script>Evil
Characters: <img src=x onerror="window.__pwned=2">, Bob

"<script>window.__pwned=3</script> hello </script><script>window.__pwned=4</script>," said Bob.

"Click <a href="javascript:window.__pwned=5">here</a> & <b onmouseover=alert(1)>now</b>," Alice said.

"Quotes 'too' and &lt;entities&gt; and <!-- a comment --> and ]]> and \u2028 line," Bob said.

She thought: <iframe src="javascript:alert(1)"></iframe> and <svg onload=alert(1)>.
"""


class _Collector(HTMLParser):
    """Every start tag with its attributes, and every script element's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self._buf = []

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None


def _parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    c.close()
    return c


@pytest.fixture(scope="module")
def example_story():  # type: ignore[no-untyped-def]
    return analyze(EXAMPLE)


@pytest.fixture(scope="module")
def example_html(example_story) -> str:  # type: ignore[no-untyped-def]
    return render_html(example_story)


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render_html(analyze(HOSTILE))


def test_html_report_is_registered_format(example_story) -> None:  # type: ignore[no-untyped-def]
    assert "html" in FORMATS
    assert render(example_story, "html").startswith("<!doctype html>")


def test_html_report_every_quote_gets_a_span(example_story, example_html: str) -> None:  # type: ignore[no-untyped-def]
    d = example_story.to_dict()
    parsed = _parse(example_html)
    heads = {a["data-qid"] for t, a in parsed.tags if t == "span" and a.get("id", "") and "data-qid" in a}
    assert heads == {q["id"] for q in d["quotes"]}
    # every quotation's span is focusable and described
    for t, a in parsed.tags:
        if t == "span" and a.get("id", "").startswith("q-"):
            assert a.get("tabindex") == "0"
            assert a.get("aria-describedby") == f"d-{a['data-qid']}"


def test_html_report_quote_spans_hold_exactly_the_quote_text(example_story, example_html: str) -> None:  # type: ignore[no-untyped-def]
    text = example_story.text
    for q in example_story.quotes:
        m = re.search(rf'<span [^>]*data-qid="{q.id}"[^>]*id="q-{q.id}"[^>]*>(.*?)</span>', example_html)
        assert m, q.id
        inner = re.sub(r"<[^>]+>", "", m.group(1))
        import html as html_lib

        assert html_lib.unescape(inner) == text[q.start : q.end]


def test_html_report_speakers_coloured(example_story, example_html: str) -> None:  # type: ignore[no-untyped-def]
    for q in example_story.speech():
        a = example_story.attributions.get(q.id)
        if a and a.speaker:
            assert re.search(rf'class="q s\d u\d" data-qid="{q.id}" data-speaker="{a.speaker}"', example_html)


def test_html_report_has_no_external_resources(example_html: str, hostile_html: str) -> None:
    for html in (example_html, hostile_html):
        assert not re.search(r"https?://", html)
        assert not re.search(r"""(?:src|href)\s*=\s*["']?//""", html)
        parsed = _parse(html)
        for tag, attrs in parsed.tags:
            assert "src" not in attrs or tag == "script" and attrs["src"] is None, (tag, attrs)
            if tag == "link":
                raise AssertionError(f"unexpected <link>: {attrs}")
            href = attrs.get("href")
            if href is not None:
                assert href.startswith("#"), href


def test_html_report_csp_allows_only_our_inline_code(example_html: str) -> None:
    csp = content_security_policy()
    parsed = _parse(example_html)
    metas = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert [m["content"] for m in metas] == [csp]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    import base64
    import hashlib

    runnable = [body for attrs, body in parsed.scripts if attrs.get("type") in (None, "text/javascript")]
    assert len(runnable) == 1
    digest = base64.b64encode(hashlib.sha256(runnable[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    style = re.search(r"<style>(.*?)</style>", example_html, re.DOTALL)
    assert style
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    # no inline event handlers or style attributes anywhere
    for _tag, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        assert "style" not in attrs


@pytest.mark.parametrize(
    "needle",
    [
        "<script>window.__pwned",
        "</script><script>",
        "<img src=x",
        'href="javascript:',
        "<iframe",
        "<svg onload",
        "<b onmouseover",
        "<!-- a comment -->",
    ],
)
def test_html_report_hostile_story_is_escaped(hostile_html: str, needle: str) -> None:
    assert needle not in hostile_html


def test_html_report_hostile_story_markup_structure(hostile_html: str) -> None:
    parsed = _parse(hostile_html)
    tags = {t for t, _ in parsed.tags}
    assert not tags & {"img", "iframe", "a"} - {"a"}  # links come only from our own templates
    for tag, attrs in parsed.tags:
        if tag == "a":
            assert (attrs.get("href") or "").startswith("#")
        assert not any(k.startswith("on") for k in attrs)
    # only our two scripts: the JSON data block and the report code
    assert [a.get("type") for a, _ in parsed.scripts] == ["application/json", None]
    data = json.loads(parsed.scripts[0][1])
    assert "<script>" in data["title"]  # the data survives, escaped only for HTML
    # the story text is all there, as text
    assert "window.__pwned=3" in hostile_html


def test_json_for_html_escapes_markup_characters() -> None:
    out = str(json_for_html({"a": "</script><!-- & \u2028"}))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script><!-- & \u2028"}


def _with_layers(d: dict[str, Any]) -> dict[str, Any]:
    text = d["text"]
    i = text.index("The lifeboat came in")
    j = text.index("Calder Bay") + len("Calder Bay")
    k = text.index("Not this again.")
    d = dict(d)
    d["thoughts"] = [
        {
            "start": k,
            "end": k + len("Not this again."),
            "text": "Not this again.",
            "thinker": "c1",
            "cue": "free indirect",
        }
    ]
    d["pov"] = [
        {
            "scene": "ch1.s1",
            "person": "third",
            "character": "c1",
            "confidence": 0.8,
            "evidence": [{"start": i, "end": j}],
        }
    ]
    d["tags"] = {
        "suggested": [
            {
                "category": "relationship",
                "value": "Nora Vance/Dev Okafor",
                "confidence": 0.7,
                "evidence": [[k, k + 15]],
            },
            {"category": "freeform", "value": "Hurt/Comfort", "evidence": [{"start": i, "end": j}]},
        ]
    }
    d["relationships"] = [
        {"characters": ["c1", "c2"], "kind": "romantic", "score": 0.66, "evidence": [[i, j]]}
    ]
    d["network"] = {
        "edges": [{"source": "c1", "target": "c2", "count": 4}],
        "copresence": [{"a": "c1", "b": "c3", "weight": 2}],
    }
    quotes = [dict(q) for q in d["quotes"]]
    quotes[0]["canon"] = {
        "status": "verbatim",
        "similarity": 1.0,
        "location": "00:41:07,250",
        "source": "/tmp/x/low-tide-1x08.srt",
    }
    quotes[1]["canon"] = {"status": "original", "similarity": 0.0}
    d["quotes"] = quotes
    d["canon"] = {
        "sources": ["/tmp/x/low-tide-1x08.srt"],
        "summary": {
            "overall": {
                "quotes": 2,
                "words": 10,
                "canon_words": 3,
                "verbatim": 1,
                "altered": 0,
                "original": 1,
                "share": 0.3,
            },
            "by_character": {
                "c2": {
                    "quotes": 2,
                    "words": 10,
                    "canon_words": 3,
                    "verbatim": 1,
                    "altered": 0,
                    "original": 1,
                    "share": 0.3,
                }
            },
            "longest_canon_run": {"first": "q1", "last": "q1", "quotes": 1, "words": 2},
        },
    }
    return d


def test_html_report_shows_optional_layers_when_present(example_story) -> None:  # type: ignore[no-untyped-def]
    d = _with_layers(example_story.to_dict())
    html = render_html_from_dict(d)
    for panel in ("panel-pov", "panel-tags", "panel-canon", "panel-relationships", "panel-network"):
        assert f'id="{panel}"' in html
    assert 'class="thought s' in html
    assert "Hurt/Comfort" in html and "not declared" in html
    assert "Nora Vance/Dev Okafor" in html and "declared" in html
    assert 'data-canon="verbatim"' in html and "canon: verbatim" in html
    assert "low-tide-1x08.srt" in html and "/tmp/x" not in html
    assert "30%" in html
    # every evidence link has its anchor in the story
    anchors = set(re.findall(r'href="#(span-\d+-\d+)"', html))
    assert anchors
    for a in anchors:
        assert f'id="{a}"' in html
    # the copresence edge from the network layer is drawn
    assert 'class="copresence"' in html


def test_html_report_leaves_out_absent_layers() -> None:
    bare = render_html(analyze(EXAMPLE, stages=["structure", "quotations", "characters", "attribution"]))
    for panel in ("panel-pov", "panel-tags", "panel-canon", "panel-relationships"):
        assert f'id="{panel}"' not in bare
    assert 'class="thought' not in bare.split("<main", 1)[1].split("</main>", 1)[0].replace('class="thought sn"', "")


def test_html_report_shows_the_narrative_panels_when_present(example_html: str) -> None:
    for panel in ("panel-pov", "panel-tags", "panel-relationships"):
        assert f'id="{panel}"' in example_html


@pytest.mark.parametrize(
    "d",
    [
        {},
        {"text": "Just narration, no layers."},
        {
            "text": "abc",
            "quotes": [{"id": "q1", "start": 5, "end": 2}, "junk", {"start": "x"}],
            "paragraphs": None,
        },
        {
            "text": '"Hi," she said.',
            "quotes": [{"id": "q1", "start": 1, "end": 4, "speaker": "nobody"}],
            "characters": [{"id": 3}, None],
            "tags": "oops",
            "pov": {"s1": {"person": "first"}},
            "network": [["a", "b"]],
            "canon": {"summary": None},
            "thoughts": {"thoughts": [{"start": 0, "end": 99}]},
        },
    ],
)
def test_html_report_survives_odd_dicts(d: dict[str, Any]) -> None:
    html = render_html_from_dict(d)
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")


def test_html_report_overlapping_spans_nest_properly() -> None:
    text = '"One two three four," she said, thinking five six.'
    d = {
        "text": text,
        "paragraphs": [{"id": 0, "start": 0, "end": len(text), "section": "", "kind": "text"}],
        "characters": [{"id": "c1", "name": "Ann"}],
        "quotes": [{"id": "q1", "start": 1, "end": 19, "speaker": "c1", "kind": "speech"}],
        "thoughts": [{"start": 10, "end": 45, "thinker": "c1"}],
        "tags": [{"value": "Angst", "evidence": [[5, 30]]}],
        "markup": [{"kind": "italic", "start": 0, "end": 12}],
    }
    html = render_html_from_dict(d)
    body = html.split('<p class="para" id="p-0">', 1)[1].split("</p>", 1)[0]
    # well nested: a stack check over the tags
    stack: list[str] = []
    for m in re.finditer(r"<(/?)(span|mark|em|strong)\b[^>]*>", body):
        if m.group(1):
            assert stack and stack[-1] == m.group(2), body
            stack.pop()
        else:
            stack.append(m.group(2))
    assert not stack
    import html as html_lib

    assert html_lib.unescape(re.sub(r"<[^>]+>", "", body)) == text
    assert body.count('id="q-q1"') == 1 and body.count('id="span-5-30"') == 1


def test_html_report_from_stored_json_matches(example_story, example_html: str) -> None:  # type: ignore[no-untyped-def]
    stored = json.loads(example_story.to_json())
    assert render_html_from_dict(stored) == example_html


def test_html_report_cli_all_writes_html_and_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ficlens.cli import app

    result = CliRunner().invoke(app, ["analyze", str(EXAMPLE), "--format", "all", "-o", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "low-tide.ficlens.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert json.loads((tmp_path / "low-tide.ficlens.json").read_text(encoding="utf-8"))["quotes"]


# -- fuzzing: any text, any spans -> a well-formed page that keeps the text --------------------

_TEXT = st.text(alphabet=st.sampled_from(list("ab <>&\"'\n/=:;\u2028é")), min_size=0, max_size=120)
_OFFSET = st.integers(min_value=-5, max_value=130)
_SPAN = st.tuples(_OFFSET, _OFFSET)


@st.composite
def _story_dicts(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(_TEXT)
    cuts = sorted(set(draw(st.lists(st.integers(0, max(len(text), 0)), max_size=6))))
    bounds = [0, *cuts, len(text)]
    paragraphs = [
        {"id": i, "start": a, "end": b, "section": "s1", "kind": "text"}
        for i, (a, b) in enumerate(itertools.pairwise(bounds))
        if b > a and draw(st.booleans())
    ]
    spans = draw(st.lists(_SPAN, max_size=8))
    return {
        "text": text,
        "sections": [{"id": "s1", "kind": "scene", "start": 0, "end": len(text)}],
        "paragraphs": paragraphs,
        "characters": [{"id": "c1", "name": "<Ann>"}, {"id": "c2", "name": "B&b"}],
        "quotes": [
            {"id": f"q{i}", "start": s, "end": e, "speaker": ("c1", "c2", None)[i % 3], "kind": "speech"}
            for i, (s, e) in enumerate(spans[:4])
        ],
        "thoughts": [{"start": s, "end": e, "thinker": "c1"} for s, e in spans[4:6]],
        "tags": [{"value": "<t>", "evidence": [list(x) for x in spans[5:]]}],
        "markup": [{"kind": "italic", "start": s, "end": e} for s, e in spans[2:4]],
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_story_dicts())
def test_html_report_fuzz_keeps_text_and_nesting(d: dict[str, Any]) -> None:
    import html as html_lib

    from ficlens.writers._report_model import build_model

    page = render_html_from_dict(d)
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    for p in build_model(d).paragraphs:
        m = re.search(rf'<p class="para" id="p-{p["id"]}">(.*?)</p>', main, re.DOTALL)
        assert m, p
        body = m.group(1)
        stack: list[str] = []
        for t in re.finditer(r"<(/?)([a-z]+)\b[^>]*>", body):
            assert t.group(2) in ("span", "mark", "em", "strong"), t.group(0)
            if t.group(1):
                assert stack and stack[-1] == t.group(2)
                stack.pop()
            else:
                stack.append(t.group(2))
        assert not stack
        assert html_lib.unescape(re.sub(r"<[^>]+>", "", body)) == d["text"][p["start"] : p["end"]]
    parsed = _parse(page)
    assert [a.get("type") for a, _ in parsed.scripts] == ["application/json", None]


def test_html_report_a_nested_quotation_is_described_as_words_its_speaker_reports() -> None:
    story = analyze(
        "Nora and Dev sat by the fire.\n\n“I said to her, ‘You may go,’ and she went,” said Nora.\n\n"
        "“Did she?” asked Dev.\n"
    )
    nested = next(q for q in story.quotes if q.kind == "nested")
    page = render_html(story)
    description = re.search(rf'id="d-{nested.id}"[^>]*>([^<]*)<', page)
    assert description is not None
    assert unescape(description.group(1)) == "Quoted inside Nora's speech: words they report, not their own"
