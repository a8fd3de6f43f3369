"""The web app and its JSON API (``create_app``): upload or paste a story, see the report.

Routes (``/openapi.json`` documents the API):

* ``GET /``: the upload/paste form and the list of stored analyses (HTML);
* ``POST /analyses``: multipart (``file`` or ``text``, optional ``format``, ``canon`` files)
  or JSON (``{"text": ..., "format": ...}``); checks, reads the story at once (so an
  unreadable file is a 4xx at once), queues the analysis and answers ``202`` with its id;
* ``GET /analyses``: the list (JSON); ``GET /analyses/{id}``: status, progress and, once
  done, the analysis (the JSON contract); ``GET /analyses/{id}/report``: the HTML report;
  ``DELETE /analyses/{id}``.

Every error is one JSON shape, ``{"ok": false, "error": "...", "status": N}`` (or a small
HTML page for a browser's form post), never a stack trace.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path, PurePath
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ficlens.errors import FicLensError
from ficlens.server._jobs import JobRunner, Progress
from ficlens.server._store import Store, default_data_dir
from ficlens.story import Story

__all__ = ["Limits", "create_app"]

log = logging.getLogger("ficlens.server")

#: Story uploads by suffix: the reader format and the content types browsers send for them.
STORY_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    ".txt": ("text", frozenset({"text/plain"})),
    ".text": ("text", frozenset({"text/plain"})),
    ".md": ("markdown", frozenset({"text/markdown", "text/x-markdown", "text/plain"})),
    ".markdown": ("markdown", frozenset({"text/markdown", "text/x-markdown", "text/plain"})),
    ".html": ("html", frozenset({"text/html", "application/xhtml+xml"})),
    ".htm": ("html", frozenset({"text/html", "application/xhtml+xml"})),
    ".xhtml": ("html", frozenset({"application/xhtml+xml", "text/html"})),
    ".epub": ("epub", frozenset({"application/epub+zip", "application/zip", "application/x-zip-compressed"})),
}
#: Canon uploads by suffix (subtitles, transcripts, plays, books as text).
CANON_TYPES: dict[str, frozenset[str]] = {
    ".srt": frozenset({"application/x-subrip", "text/srt", "application/srt", "text/plain"}),
    ".vtt": frozenset({"text/vtt", "text/plain"}),
    ".txt": frozenset({"text/plain"}),
    ".text": frozenset({"text/plain"}),
    ".md": frozenset({"text/markdown", "text/x-markdown", "text/plain"}),
    ".fountain": frozenset({"text/plain"}),
}
#: Content types any browser may send for a file it does not know.
_GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})

#: Magic numbers of files that are certainly not text.
_BINARY_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
)

_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class Limits(BaseModel):
    """Upload limits (bytes and counts)."""

    story_bytes: int = 10 * 1024 * 1024
    canon_bytes: int = 5 * 1024 * 1024
    canon_files: int = 5


# -- API models (for the OpenAPI document and the responses) ----------------------------------


class ErrorBody(BaseModel):
    """Every error the server answers with."""

    ok: Literal[False] = False
    error: str = Field(description="What went wrong, in one line, and what to do about it.")
    status: int = Field(description="The HTTP status code, repeated.")


class AnalysisSummary(BaseModel):
    id: str
    title: str
    source: str | None = Field(None, description="The uploaded file's name, or null for pasted text.")
    created: str = Field(description="ISO 8601, UTC.")
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(description="0 to 1.")
    stage: str | None = Field(None, description="The pipeline stage running now.")
    error: str | None = Field(None, description="Why it failed (status 'failed').")
    links: dict[str, str]


class Accepted(AnalysisSummary):
    ok: Literal[True] = True


class AnalysisList(BaseModel):
    ok: Literal[True] = True
    analyses: list[AnalysisSummary]


class AnalysisDetail(AnalysisSummary):
    ok: Literal[True] = True
    analysis: dict[str, Any] | None = Field(
        None, description="The analysis as the JSON contract (docs/json-contract.md), once status is 'done'."
    )


class Deleted(BaseModel):
    ok: Literal[True] = True
    deleted: str


def _links(analysis_id: str) -> dict[str, str]:
    return {"self": f"/analyses/{analysis_id}", "report": f"/analyses/{analysis_id}/report"}


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {**{k: row[k] for k in AnalysisSummary.model_fields if k in row}, "links": _links(row["id"])}


# -- helpers ----------------------------------------------------------------------------------


def _wants_html(request: Request) -> bool:
    """A browser navigating (a form post without script), not a script or an API client."""
    first = request.headers.get("accept", "").split(",")[0].strip().lower()
    return first in ("text/html", "application/xhtml+xml")


def _size(n: int) -> str:
    """A byte limit for people: "10 MB", "200 KB"."""
    return f"{n / 1048576:.0f} MB" if n >= 1048576 else f"{max(n // 1024, 1)} KB"


def _error(status: int, message: str) -> HTTPException:
    return HTTPException(status_code=status, detail=message)


def _display_name(filename: str | None, fallback: str) -> str:
    """The file's own name, without folders or control characters, for messages and titles."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:200] or fallback


def _content_type(upload: UploadFile) -> str:
    return (upload.content_type or "").split(";")[0].strip().lower()


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return kind
    return None


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("ficlens.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


@cache
def _static(name: str) -> bytes:
    return (resources.files("ficlens.server") / "static" / name).read_bytes()


def _page(template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    html = _env().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": _PAGE_CSP})


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes (by Content-Length, and while streaming)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _send_json(send, 413, f"the upload is over the {_size(self.limit)} limit")
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _error(413, f"the upload is over the {_size(self.limit)} limit")
            return message

        await self.app(scope, counted, send)


async def _send_json(send: Send, status: int, message: str) -> None:
    body = json.dumps({"ok": False, "error": message, "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- the analysis work --------------------------------------------------------------------------


class _Upload:
    """A story (and canon files) checked and saved to a private temporary folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ficlens-upload-"))
        self.names: dict[str, str] = {}  # saved path -> the name the user gave
        self.story_path: Path | None = None
        self.text: str | None = None
        self.format = "text"
        self.display = "Pasted text"
        self.canon: list[Path] = []

    def save(self, data: bytes, suffix: str, display: str, *, stem: str) -> Path:
        path = self.folder / f"{stem}{suffix}"
        path.write_bytes(data)
        self.names[str(path)] = display
        return path

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def rename(self, value: str | None) -> str | None:
        """A saved file's path as the user's file name (in messages and in the stored JSON)."""
        if value is None:
            return None
        for path, name in self.names.items():
            value = value.replace(path, name)
        return value.replace(str(self.folder), "upload")

    def read(self) -> Story:
        """Read the story now, so an unreadable one is refused before anything is queued."""
        from ficlens.readers import read, read_text

        try:
            if self.text is not None:
                return read_text(self.text, format=self.format)
            assert self.story_path is not None
            return read(self.story_path, format=self.format)
        except FicLensError as exc:
            exc.path = self.rename(exc.path)
            raise

    def work(self, story: Story) -> Callable[[Progress], dict[str, Any]]:
        def run(progress: Progress) -> dict[str, Any]:
            from ficlens import build_pipeline

            try:
                pipeline = build_pipeline(canon=self.canon or None, progress=progress)
                d = pipeline(story).to_dict()
            except FicLensError as exc:
                exc.path = self.rename(exc.path)
                raise
            meta = d.get("metadata")
            if isinstance(meta, dict):
                meta["source"] = None if self.text is not None else self.display
            canon = d.get("canon")
            if isinstance(canon, dict) and isinstance(canon.get("sources"), list):
                canon["sources"] = [self.rename(s) if isinstance(s, str) else s for s in canon["sources"]]
            for q in d.get("quotes", []):
                match = q.get("canon") if isinstance(q, dict) else None
                if isinstance(match, dict) and isinstance(match.get("source"), str):
                    match["source"] = self.rename(match["source"])
            return d

        return run


def _check_story_file(upload: UploadFile, data: bytes, limits: Limits) -> tuple[str, str]:
    """(suffix, reader format) of an uploaded story, or a 413/415 error."""
    display = _display_name(upload.filename, "story")
    suffix = PurePath(display).suffix.lower()
    if suffix not in STORY_TYPES:
        raise _error(
            415,
            f"{display}: a story must be .txt, .md, .html or .epub, not {suffix or 'a file without a suffix'}",
        )
    fmt, types = STORY_TYPES[suffix]
    ctype = _content_type(upload)
    if ctype not in types and ctype not in _GENERIC_TYPES:
        raise _error(415, f"{display}: sent as {ctype}, which is not a {suffix} file; check the file")
    if len(data) > limits.story_bytes:
        raise _error(413, f"{display}: the story is over the {_size(limits.story_bytes)} limit")
    kind = _binary_kind(data)
    if fmt != "epub" and kind:
        raise _error(415, f"{display}: this is {kind}, not a {suffix} story")
    return suffix, fmt


def _check_canon_file(upload: UploadFile, data: bytes, limits: Limits) -> str:
    display = _display_name(upload.filename, "canon")
    suffix = PurePath(display).suffix.lower()
    if suffix not in CANON_TYPES:
        raise _error(415, f"{display}: a canon file must be one of {', '.join(CANON_TYPES)}")
    ctype = _content_type(upload)
    if ctype not in CANON_TYPES[suffix] and ctype not in _GENERIC_TYPES and not ctype.startswith("text/"):
        raise _error(415, f"{display}: sent as {ctype}, which is not a {suffix} file")
    if len(data) > limits.canon_bytes:
        raise _error(413, f"{display}: a canon file may be at most {_size(limits.canon_bytes)}")
    kind = _binary_kind(data)
    if kind:
        raise _error(415, f"{display}: this is {kind}, not a {suffix} canon file")
    return suffix


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    return data


async def _parse_request(request: Request, limits: Limits) -> _Upload:
    """Check a POST /analyses body and save what it holds."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    job = _Upload()
    try:
        if ctype == "application/json":
            try:
                body = json.loads(await request.body())
            except (ValueError, UnicodeDecodeError):
                raise _error(400, "the request body is not valid JSON") from None
            if not isinstance(body, dict):
                raise _error(400, 'send a JSON object: {"text": "...", "format": "text"}')
            form: dict[str, Any] | FormData = body
            story_file = None
            canon_files: list[Any] = []
        elif ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            try:
                form = await request.form(
                    max_files=limits.canon_files + 1,
                    max_fields=20,
                    max_part_size=limits.story_bytes * 4 + 1024,
                )
            except HTTPException as exc:
                if exc.status_code == 400 and "Too many files" in str(exc.detail):
                    raise _error(413, f"one story and at most {limits.canon_files} canon files") from None
                raise
            story_file = form.get("file")
            canon_files = [*form.getlist("canon"), *form.getlist("canon[]")]
        elif not ctype and request.headers.get("content-length", "0") == "0":
            form, story_file, canon_files = {}, None, []
        else:
            raise _error(415, "send multipart/form-data (a file or text), or application/json with text")

        fmt = form.get("format") or "text"
        if not isinstance(fmt, str) or fmt not in ("text", "markdown"):
            raise _error(422, "format must be 'text' or 'markdown' (it applies to pasted text)")
        text = form.get("text")
        has_file = isinstance(story_file, UploadFile) and bool(story_file.filename)
        has_text = isinstance(text, str) and text.strip() != ""
        if has_file and has_text:
            raise _error(422, "give either a file or pasted text, not both")
        if not has_file and not has_text:
            raise _error(422, "give a story: upload a .txt, .md, .html or .epub file, or paste its text")
        if has_file:
            assert isinstance(story_file, UploadFile)
            data = await _read_upload(story_file, limits.story_bytes)
            suffix, job.format = _check_story_file(story_file, data, limits)
            job.display = _display_name(story_file.filename, "story")
            job.story_path = job.save(data, suffix, job.display, stem="story")
        else:
            assert isinstance(text, str)
            if len(text.encode("utf-8")) > limits.story_bytes:
                raise _error(413, f"the pasted text is over the {_size(limits.story_bytes)} limit")
            job.text, job.format = text, fmt
        uploads = [c for c in canon_files if isinstance(c, UploadFile) and c.filename]
        if len(uploads) > limits.canon_files:
            raise _error(413, f"at most {limits.canon_files} canon files")
        for i, c in enumerate(uploads):
            data = await _read_upload(c, limits.canon_bytes)
            suffix = _check_canon_file(c, data, limits)
            display = _display_name(c.filename, f"canon-{i + 1}")
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", PurePath(display).stem)[:60] or "canon"
            job.canon.append(job.save(data, suffix, display, stem=f"canon{i + 1}-{stem}"))
        return job
    except BaseException:
        job.cleanup()
        raise


# -- the app ----------------------------------------------------------------------------------


def create_app(
    *, data_dir: str | Path | None = None, limits: Limits | None = None, workers: int = 1
) -> FastAPI:
    """The ficlens web app and JSON API.

    Args:
        data_dir: where the analyses are stored (default: ``platformdirs.user_data_dir("ficlens")``).
        limits: upload limits (default: 10 MB story, 5 MB per canon file, 5 canon files).
        workers: analyses run at once in background threads.

    RETURNS (FastAPI): the ASGI app; ``ficlens serve`` runs it with uvicorn.
    """
    limits = limits or Limits()
    store = Store(data_dir if data_dir is not None else default_data_dir())
    runner = JobRunner(store, workers=workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        store.fail_unfinished("the server stopped before this analysis finished; upload it again")
        yield
        runner.shutdown(wait=False)

    app = FastAPI(
        title="ficlens",
        summary="Read fiction as data: upload a story, get quotations, speakers, characters and a report.",
        version=_version(),
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is enough
        redoc_url=None,
        lifespan=lifespan,
        responses={
            400: {"model": ErrorBody, "description": "A malformed request."},
            500: {"model": ErrorBody, "description": "An internal error (no details are sent)."},
        },
    )
    app.state.store = store
    app.state.runner = runner
    app.state.limits = limits
    request_limit = limits.story_bytes * 2 + limits.canon_bytes * limits.canon_files + 256 * 1024
    app.add_middleware(_BodyLimit, limit=request_limit)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not _same_origin(request):
            return _error_response(
                request, 403, "cross-site requests are refused; use the page this server serves"
            )
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return _error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
            parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
        return _error_response(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(FicLensError)
    async def ficlens_error(request: Request, exc: FicLensError) -> Response:
        return _error_response(request, 422, exc.one_line())

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "internal error; the server log has the details")

    # -- pages ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        return _page(
            "index.html.j2",
            analyses=[_summary(r) for r in store.list()],
            limits=limits,
            story_accept=",".join(STORY_TYPES),
            canon_accept=",".join(CANON_TYPES),
            canon_kinds=", ".join(CANON_TYPES),
            version=_version(),
        )

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
        if name not in types:
            raise _error(404, f"no such file: /static/{name}")
        return Response(_static(name), media_type=types[name], headers={"Cache-Control": "no-cache"})

    # -- the API -------------------------------------------------------------------------

    @app.post(
        "/analyses",
        status_code=202,
        summary="Analyse a story",
        response_model=Accepted,
        responses={
            202: {"description": "Accepted: the analysis runs in the background; poll links.self."},
            413: {"model": ErrorBody, "description": "Too large (story, canon file or request)."},
            415: {"model": ErrorBody, "description": "Not a story or canon file type ficlens reads."},
            422: {
                "model": ErrorBody,
                "description": "The story cannot be read (malformed, empty, binary, ...).",
            },
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "file": {
                                    "type": "string",
                                    "format": "binary",
                                    "description": ".txt, .md, .html, .epub",
                                },
                                "text": {
                                    "type": "string",
                                    "description": "Pasted story text (instead of file).",
                                },
                                "format": {"type": "string", "enum": ["text", "markdown"], "default": "text"},
                                "canon": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                    "description": "Canon files: .srt, .vtt, transcripts, plays, books (.txt).",
                                },
                            },
                        }
                    },
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["text"],
                            "properties": {
                                "text": {"type": "string"},
                                "format": {"type": "string", "enum": ["text", "markdown"], "default": "text"},
                            },
                        }
                    },
                },
            }
        },
    )
    async def create_analysis(request: Request) -> Response:
        """Upload a story file (or paste its text) and, optionally, canon files; the analysis runs in
        the background. The story is read at once, so an unreadable file fails here with 422."""
        job = await _parse_request(request, limits)
        try:
            story = await run_in_threadpool(job.read)
        except BaseException:
            job.cleanup()
            raise
        title = (story.metadata.title or "").strip()[:300] or (
            job.display if job.text is None else _first_words(job.text)
        )
        analysis_id = store.create(title=title, source=None if job.text is not None else job.display)
        runner.submit(analysis_id, job.work(story), cleanup=job.cleanup)
        if _wants_html(request):
            return RedirectResponse(f"/analyses/{analysis_id}/report", status_code=303)
        row = store.get(analysis_id)
        assert row is not None
        return JSONResponse(
            {"ok": True, **_summary(row)}, status_code=202, headers={"Location": f"/analyses/{analysis_id}"}
        )

    @app.get("/analyses", response_model=AnalysisList, summary="List stored analyses")
    def list_analyses() -> dict[str, Any]:
        """Every stored analysis, newest first (without the analyses themselves)."""
        return {"ok": True, "analyses": [_summary(r) for r in store.list()]}

    @app.get(
        "/analyses/{analysis_id}",
        response_model=AnalysisDetail,
        summary="One analysis: status, or the finished analysis",
        responses={404: {"model": ErrorBody, "description": "No such analysis."}},
    )
    def get_analysis(analysis_id: str) -> dict[str, Any]:
        """Status and progress while it runs; with ``analysis`` (the JSON contract) once done."""
        row = store.get(analysis_id, with_analysis=True)
        if row is None:
            raise _error(404, f"no analysis {analysis_id!r}; GET /analyses lists them")
        return {"ok": True, **_summary(row), "analysis": row["analysis"]}

    @app.get(
        "/analyses/{analysis_id}/report",
        response_class=HTMLResponse,
        summary="The HTML report of an analysis",
        responses={404: {"model": ErrorBody, "description": "No such analysis."}},
    )
    def get_report(analysis_id: str) -> Response:
        """The report page once done; a page that refreshes itself while the analysis runs."""
        from ficlens.writers.html_report import content_security_policy, render_html_from_dict

        row = store.get(analysis_id, with_analysis=True)
        if row is None:
            raise _error(404, f"no analysis {analysis_id!r}; GET /analyses lists them")
        if row["status"] == "done" and isinstance(row["analysis"], dict):
            html = render_html_from_dict(row["analysis"], back_href="/")
            csp = content_security_policy() + "; frame-ancestors 'none'"
            return HTMLResponse(html, headers={"Content-Security-Policy": csp})
        status = 422 if row["status"] == "failed" else 202
        return _page("status.html.j2", status=status, a=_summary(row), version=_version())

    @app.delete(
        "/analyses/{analysis_id}",
        response_model=Deleted,
        summary="Delete an analysis",
        responses={404: {"model": ErrorBody, "description": "No such analysis."}},
    )
    def delete_analysis(analysis_id: str) -> dict[str, Any]:
        """Delete a stored analysis (one still running is dropped when it finishes)."""
        if not store.delete(analysis_id):
            raise _error(404, f"no analysis {analysis_id!r}; GET /analyses lists them")
        return {"ok": True, "deleted": analysis_id}

    @app.post("/analyses/{analysis_id}/delete", include_in_schema=False)
    def delete_from_form(analysis_id: str) -> Response:
        """The list page's delete button without script."""
        if not store.delete(analysis_id):
            raise _error(404, f"no analysis {analysis_id!r}")
        return RedirectResponse("/", status_code=303)

    return app


def _first_words(text: str, n: int = 8) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "") or "Pasted text"


def _same_origin(request: Request) -> bool:
    """False for a browser request sent from another site (CSRF); API clients send no Origin."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


def _error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    message = " ".join(message.split())
    if _wants_html(request):
        response: Response = _page(
            "error.html.j2", status=status, message=message, code=status, version=_version()
        )
    else:
        response = JSONResponse({"ok": False, "error": message, "status": status}, status_code=status)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _version() -> str:
    from ficlens import __version__

    return str(__version__)
