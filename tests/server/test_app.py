"""The web app and JSON API: uploads, the store, limits, errors in one shape, OpenAPI."""

from __future__ import annotations

import importlib.util
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ficlens.server import Limits, create_app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "low-tide.txt"

needs_html_reader = pytest.mark.skipif(
    importlib.util.find_spec("ficlens.readers._ao3_html") is None,
    reason="the HTML reader (branch 'readers') is not in this tree",
)
needs_epub_reader = pytest.mark.skipif(
    importlib.util.find_spec("ficlens.readers._epub") is None,
    reason="the EPUB reader (branch 'readers') is not in this tree",
)

MARKDOWN = """# The Lamp

"Is anyone there?" Ada called.

"Only me," said Ben. "Only ever me."

*She did not believe him.*
"""

HTML_STORY = """<!doctype html><html><head><title>Harbour &amp; Hostile</title>
<script>window.__pwned = 1</script></head>
<body><h1>Harbour &amp; Hostile</h1>
<p>"Keep the lamp lit," Ada said. <img src=x onerror="window.__pwned=2"></p>
<p>"<a href="javascript:window.__pwned=3">Always</a>," said Ben.</p>
<p onclick="window.__pwned=4">The sea went on.</p>
</body></html>
"""


def epub_bytes(chapters: list[str], *, title: str = "A Small Book") -> bytes:
    """A minimal EPUB 2: mimetype first and stored, container, OPF, one XHTML file per chapter."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="book.opf" media-type="application/oebps-package+xml"/></rootfiles>'
            "</container>",
        )
        items = "".join(
            f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>'
            for i in range(len(chapters))
        )
        spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
        zf.writestr(
            "book.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="b">'
            f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></metadata>'
            f"<manifest>{items}</manifest><spine>{spine}</spine></package>",
        )
        for i, body in enumerate(chapters):
            zf.writestr(
                f"c{i}.xhtml",
                '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head>'
                f"<body>{body}</body></html>",
            )
    return buf.getvalue()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient]:
    app = create_app(data_dir=data_dir, limits=Limits(story_bytes=200_000, canon_bytes=50_000, canon_files=2))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def wait(client: TestClient, analysis_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll until the analysis is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"/analyses/{analysis_id}")
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"analysis {analysis_id} did not finish in {timeout} s")


def assert_error(r: Any, status: int, *needles: str) -> dict[str, Any]:
    """The one error shape: ok false, a one-line message, the status repeated; no traceback."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"ok", "error", "status"}, body
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"] and "\n" not in body["error"]
    assert "Traceback" not in r.text and 'File "' not in r.text
    for needle in needles:
        assert needle in body["error"], body["error"]
    return body


def upload(
    client: TestClient, name: str, data: bytes, ctype: str = "application/octet-stream", **extra: Any
) -> Any:
    return client.post("/analyses", files={"file": (name, data, ctype)}, **extra)


# -- uploads ------------------------------------------------------------------------------------


def test_app_upload_txt_runs_in_background_and_reports(client: TestClient) -> None:
    r = upload(client, "low-tide.txt", EXAMPLE.read_bytes(), "text/plain")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["ok"] is True and body["status"] in ("queued", "running", "done")
    assert r.headers["location"] == f"/analyses/{body['id']}" == body["links"]["self"]
    done = wait(client, body["id"])
    assert done["status"] == "done" and done["progress"] == 1.0
    assert done["title"] == "Low Tide" and done["source"] == "low-tide.txt"
    analysis = done["analysis"]
    assert analysis["schema_version"] and len(analysis["quotes"]) > 20
    assert analysis["metadata"]["source"] == "low-tide.txt"  # never the server's temporary path
    report = client.get(body["links"]["report"])
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert "script-src 'sha256-" in report.headers["content-security-policy"]
    assert report.text.count('aria-describedby="d-q') == len(analysis["quotes"])
    assert 'href="/"' in report.text  # back to the list


def test_app_upload_markdown(client: TestClient) -> None:
    r = upload(client, "lamp.md", MARKDOWN.encode(), "text/markdown")
    assert r.status_code == 202, r.text
    done = wait(client, r.json()["id"])
    assert done["status"] == "done", done
    assert any(q["text"].startswith("Is anyone there") for q in done["analysis"]["quotes"])


@needs_html_reader
def test_app_upload_html_is_escaped_in_the_report(client: TestClient) -> None:
    r = upload(client, "hostile.html", HTML_STORY.encode(), "text/html")
    assert r.status_code == 202, r.text
    done = wait(client, r.json()["id"])
    assert done["status"] == "done", done
    html = client.get(f"/analyses/{done['id']}/report").text
    assert "Keep the lamp lit" in html
    for needle in ("<img src=x", "onerror=", 'href="javascript:', "onclick=", "window.__pwned = 1</script>"):
        assert needle not in html


@needs_epub_reader
def test_app_upload_epub(client: TestClient) -> None:
    book = epub_bytes(['<p>"Hello there," said Ada.</p><p>"Hello yourself," said Ben.</p>'])
    r = upload(client, "small.epub", book, "application/epub+zip")
    assert r.status_code == 202, r.text
    done = wait(client, r.json()["id"])
    assert done["status"] == "done", done
    assert done["title"] == "A Small Book"
    assert len(done["analysis"]["quotes"]) == 2


@needs_epub_reader
def test_app_malformed_epub_is_422_with_a_message(client: TestClient) -> None:
    bad = b"PK\x03\x04" + b"\x00" * 200
    assert_error(upload(client, "broken.epub", bad, "application/epub+zip"), 422, "broken.epub")
    no_container = io.BytesIO()
    with zipfile.ZipFile(no_container, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
    body = assert_error(upload(client, "empty.epub", no_container.getvalue()), 422, "empty.epub")
    assert "/tmp" not in body["error"] and "ficlens-upload" not in body["error"]
    assert client.get("/analyses").json()["analyses"] == []  # nothing was queued


def test_app_paste_text_multipart_and_json(client: TestClient) -> None:
    r = client.post("/analyses", data={"text": '"Who\'s there?" asked Ada.\n\n"Me," said Ben.'})
    assert r.status_code == 202, r.text
    done = wait(client, r.json()["id"])
    assert done["status"] == "done" and done["source"] is None
    assert done["analysis"]["metadata"]["source"] is None
    r = client.post("/analyses", json={"text": MARKDOWN, "format": "markdown"})
    assert r.status_code == 202, r.text
    assert wait(client, r.json()["id"])["status"] == "done"


def test_app_pasted_path_is_text_not_a_file(client: TestClient) -> None:
    """A pasted "/etc/hostname" is a one-line story, never a file the server opens."""
    r = client.post("/analyses", data={"text": "/etc/hostname"})
    assert r.status_code == 202, r.text
    done = wait(client, r.json()["id"])
    assert done["analysis"]["text"] == "/etc/hostname"


def test_app_list_reopen_delete(client: TestClient, data_dir: Path) -> None:
    ids = []
    for text in ('"One," said Ada.', '"Two," said Ben.'):
        r = client.post("/analyses", data={"text": text})
        ids.append(r.json()["id"])
        wait(client, ids[-1])
    listed = client.get("/analyses").json()
    assert listed["ok"] is True
    assert [a["id"] for a in listed["analyses"]] == ids[::-1]  # newest first
    assert all("analysis" not in a for a in listed["analyses"])
    page = client.get("/")
    assert page.status_code == 200 and all(i in page.text for i in ids)
    # reopened by a new app on the same data folder
    with TestClient(create_app(data_dir=data_dir)) as again:
        assert {a["id"] for a in again.get("/analyses").json()["analyses"]} == set(ids)
        assert again.get(f"/analyses/{ids[0]}/report").status_code == 200
    r = client.delete(f"/analyses/{ids[0]}")
    assert r.status_code == 200 and r.json() == {"ok": True, "deleted": ids[0]}
    assert_error(client.get(f"/analyses/{ids[0]}"), 404, ids[0])
    assert_error(client.get(f"/analyses/{ids[0]}/report"), 404)
    assert_error(client.delete(f"/analyses/{ids[0]}"), 404)
    assert [a["id"] for a in client.get("/analyses").json()["analyses"]] == [ids[1]]


def test_app_delete_from_the_page_without_script(client: TestClient) -> None:
    r = client.post("/analyses", data={"text": '"One," said Ada.'})
    aid = r.json()["id"]
    wait(client, aid)
    r = client.post(f"/analyses/{aid}/delete", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert client.get("/analyses").json()["analyses"] == []


def test_app_form_post_from_a_browser_redirects_to_the_report(client: TestClient) -> None:
    r = client.post(
        "/analyses",
        data={"text": '"Hi," said Ada.'},
        headers={"accept": "text/html,*/*;q=0.8"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    report_url = r.headers["location"]
    page = client.get(report_url)
    assert page.status_code in (200, 202)
    if page.status_code == 202:
        assert 'http-equiv="refresh"' in page.text
    wait(client, report_url.split("/")[2])
    assert client.get(report_url).status_code == 200


# -- limits and checks ------------------------------------------------------------------------


def test_app_oversized_upload_is_413(client: TestClient) -> None:
    big = b"word " * 50_000  # 250 kB, over the 200 kB test limit
    assert_error(upload(client, "big.txt", big, "text/plain"), 413, "big.txt", "limit")
    assert_error(client.post("/analyses", data={"text": big.decode()}), 413, "limit")
    canon = b"line\n" * 20_000
    r = client.post(
        "/analyses",
        files=[
            ("file", ("s.txt", b'"Hi," said Ada.', "text/plain")),
            ("canon", ("c.srt", canon, "text/plain")),
        ],
    )
    assert_error(r, 413, "c.srt")


def test_app_request_over_the_total_limit_is_refused_early(client: TestClient) -> None:
    huge = b"x" * 2_000_000
    r = client.post("/analyses", content=huge, headers={"content-type": "multipart/form-data; boundary=zz"})
    assert_error(r, 413, "limit")


@pytest.mark.parametrize(
    ("name", "data", "ctype", "needle"),
    [
        ("story.pdf", b"%PDF-1.4 ...", "application/pdf", ".pdf"),
        ("story", b"plain words", "text/plain", "suffix"),
        ("story.txt", b"\x89PNG\r\n\x1a\n....", "text/plain", "PNG"),
        ("story.txt", b'"Hi," she said.', "image/png", "image/png"),
        ("story.md", b"PK\x03\x04zip", "text/markdown", "ZIP"),
        ("story.exe", b"MZ...", "application/octet-stream", ".exe"),
    ],
)
def test_app_wrong_type_is_415(client: TestClient, name: str, data: bytes, ctype: str, needle: str) -> None:
    assert_error(upload(client, name, data, ctype), 415, needle)


def test_app_wrong_request_type_is_415(client: TestClient) -> None:
    r = client.post("/analyses", content=b"just text", headers={"content-type": "text/plain"})
    assert_error(r, 415, "multipart/form-data")


def test_app_wrong_canon_type_is_415(client: TestClient) -> None:
    r = client.post(
        "/analyses",
        files=[
            ("file", ("s.txt", b'"Hi," said Ada.', "text/plain")),
            ("canon", ("c.docx", b"PK\x03\x04", "application/zip")),
        ],
    )
    assert_error(r, 415, "c.docx")


@pytest.mark.parametrize(
    ("kwargs", "status", "needle"),
    [
        ({"data": {}}, 422, "give a story"),
        ({"data": {"text": "   "}}, 422, "give a story"),
        ({"data": {"text": "hi", "format": "epub"}}, 422, "format"),
        ({"json": ["not", "an", "object"]}, 400, "JSON object"),
        ({"content": b"{broken", "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
    ],
)
def test_app_bad_requests_have_messages(
    client: TestClient, kwargs: dict[str, Any], status: int, needle: str
) -> None:
    assert_error(client.post("/analyses", **kwargs), status, needle)


def test_app_file_and_text_together_is_422(client: TestClient) -> None:
    r = client.post("/analyses", data={"text": "hello"}, files={"file": ("a.txt", b"hello", "text/plain")})
    assert_error(r, 422, "not both")


@pytest.mark.parametrize(
    ("data", "needle"),
    [(b"   \n\n  ", "E102"), (b"\x00\x01\x02\x03" * 100 + b"text", "E10")],
)
def test_app_unreadable_story_is_422(client: TestClient, data: bytes, needle: str) -> None:
    body = assert_error(upload(client, "bad.txt", data, "text/plain"), 422, "bad.txt", needle)
    assert "ficlens-upload" not in body["error"]


def test_app_cross_site_post_is_refused(client: TestClient) -> None:
    r = client.post("/analyses", data={"text": "hi"}, headers={"origin": "http://evil.example"})
    assert_error(r, 403, "cross-site")
    r = client.delete("/analyses/abc", headers={"sec-fetch-site": "cross-site"})
    assert_error(r, 403)
    r = client.post("/analyses", data={"text": '"Hi," said Ada.'}, headers={"origin": "http://testserver"})
    assert r.status_code == 202


# -- errors and documentation -------------------------------------------------------------------


def test_app_errors_have_one_shape(client: TestClient) -> None:
    assert_error(client.get("/nowhere"), 404, "/nowhere")
    assert_error(client.put("/analyses"), 405, "PUT")
    assert_error(client.get("/analyses/nope"), 404, "nope")
    html = client.get("/nowhere", headers={"accept": "text/html"})
    assert html.status_code == 404 and "text/html" in html.headers["content-type"]
    assert "/nowhere" in html.text and "Traceback" not in html.text


def test_app_failed_analysis_is_a_message_not_a_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ficlens

    def broken(**_kwargs: Any) -> Any:
        raise RuntimeError("secret internals /home/someone/path")

    monkeypatch.setattr(ficlens, "build_pipeline", broken)
    r = client.post("/analyses", data={"text": '"Hi," said Ada.'})
    done = wait(client, r.json()["id"])
    assert done["status"] == "failed"
    assert done["error"] == "internal error while analysing (RuntimeError)"
    page = client.get(f"/analyses/{done['id']}/report")
    assert page.status_code == 422 and "internal error while analysing" in page.text
    assert "secret internals" not in page.text


def test_app_long_analysis_does_not_block(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import ficlens

    release = threading.Event()
    real = ficlens.build_pipeline

    def slow(**kwargs: Any) -> Any:
        pipeline = real(**kwargs)

        def run(story: Any) -> Any:
            kwargs["progress"]("waiting", 1, 4)
            assert release.wait(30)
            return pipeline(story)

        return run

    monkeypatch.setattr(ficlens, "build_pipeline", slow)
    t0 = time.monotonic()
    r = client.post("/analyses", data={"text": '"Hi," said Ada.'})
    assert r.status_code == 202
    aid = r.json()["id"]
    for _ in range(100):
        state = client.get(f"/analyses/{aid}").json()
        if state["stage"] == "waiting":
            break
        time.sleep(0.02)
    assert state["status"] == "running" and state["progress"] == 0.25
    assert client.get("/").status_code == 200  # the server answers meanwhile
    assert client.get(f"/analyses/{aid}/report").status_code == 202
    assert time.monotonic() - t0 < 10
    release.set()
    assert wait(client, aid)["status"] == "done"


def test_app_openapi_lists_the_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths["/analyses"]) == {"get", "post"}
    assert set(paths["/analyses/{analysis_id}"]) == {"get", "delete"}
    assert "get" in paths["/analyses/{analysis_id}/report"]
    post = paths["/analyses"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert {"413", "415", "422"} <= set(post["responses"])
    assert "ErrorBody" in spec["components"]["schemas"]
    # the interactive docs would load code from a CDN: not served
    assert client.get("/docs").status_code == 404


def test_app_pages_are_safe(client: TestClient) -> None:
    r = client.post("/analyses", data={"text": 'Title: <script>alert(1)</script>\n\n"Hi," said <b>Ada</b>.'})
    aid = r.json()["id"]
    wait(client, aid)
    page = client.get("/")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "http://" not in page.text.replace('href="/openapi.json"', "") and "https://" not in page.text
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert_error(client.get("/static/../_app.py"), 404)
    assert_error(client.get("/static/secret.py"), 404)


def test_app_canon_files_are_accepted(client: TestClient) -> None:
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nADA: Hi.\n"
    r = client.post(
        "/analyses",
        files=[
            ("file", ("s.txt", b'"Hi," said Ada.', "text/plain")),
            ("canon", ("ep1.srt", srt, "application/x-subrip")),
        ],
    )
    assert r.status_code == 202, r.text
    done = wait(client, r.json()["id"])
    # with the canon stage (branch 'canon') it runs; without it the message names the missing stage
    if done["status"] == "failed":
        assert "canon" in done["error"] and "\n" not in done["error"]
    else:
        assert done["analysis"]["canon"]["sources"] == ["ep1.srt"]
    assert_error(
        client.post(
            "/analyses",
            files=[("file", ("s.txt", b"x", "text/plain"))]
            + [("canon", (f"c{i}.srt", srt, "text/plain")) for i in range(3)],
        ),
        413,
    )


# -- the command -------------------------------------------------------------------------------


def test_app_serve_command_binds_loopback_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from ficlens.cli import app

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: calls.append(kw))
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path / "d"), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert (tmp_path / "d" / "ficlens.sqlite3").exists()
    assert "warning" not in result.output
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path / "d"), "--host", "0.0.0.0"])
    assert result.exit_code == 0 and calls[-1]["host"] == "0.0.0.0"
    assert "warning" in result.output


def test_app_streamed_request_over_the_limit_is_413(client: TestClient) -> None:
    """A chunked body (no Content-Length) is counted while it arrives."""

    def body() -> Iterator[bytes]:
        yield b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'
        for _ in range(120):
            yield b"x" * 10_000
        yield b"\r\n--zz--\r\n"

    r = client.post("/analyses", content=body(), headers={"content-type": "multipart/form-data; boundary=zz"})
    assert r.request.headers.get("content-length") is None
    assert_error(r, 413, "limit")
