"""``ficlens analyze`` from the command line: outputs, the summary, and one-line errors."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from ficlens.cli import app
from ficlens.pipeline import DEFAULT_STAGES

WriteFile = Callable[[str, bytes | str], Path]

STORY = (
    "Title: Slack Water\n\n"
    '"You\'re late," said Nora.\n\n'
    '"The ferry," said Dev. "Don\'t start."\n\n'
    "Nora laughed. Dev sat down beside Nora on the wall, and he handed her the chips.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _assert_one_line_error(stderr: str, starts: str, code: str | None = None) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip("\n").split("\n")
    assert len(lines) == 1, f"expected one line, got {stderr!r}"
    assert lines[0].startswith(f"error: {starts}"), lines[0]
    if code:
        assert lines[0].endswith(f"[{code}]"), lines[0]


# -- a good run ----------------------------------------------------------------------------------------


def test_cli_analyze_writes_json_and_prints_a_summary(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile
) -> None:
    story = write_file("slack.txt", STORY)
    out = tmp_path / "out" / "slack.json"
    result = runner.invoke(app, ["analyze", str(story), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.2"
    assert data["text"] == STORY
    assert [q["text"] for q in data["quotes"]] == ["You're late,", "The ferry,", "Don't start."]
    # the summary: a table of characters, the counts, the time taken and what was written
    assert result.stdout == ""
    for expected in ("Slack Water", "Nora", "Dev", "quotations", "words/s", f"wrote {out}"):
        assert expected in result.stderr
    assert _files(out.parent) == ["slack.json"]


def test_cli_analyze_output_file_gets_ordinary_permissions(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile
) -> None:
    story = write_file("slack.txt", STORY)
    out = tmp_path / "slack.json"
    old = os.umask(0o022)
    try:
        assert runner.invoke(app, ["analyze", str(story), "-o", str(out), "-q"]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_cli_analyze_dash_prints_json_on_stdout(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = write_file("slack.txt", STORY)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyze", str(story), "-o", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["text"] == STORY and data["schema_version"] == "1.2"
    assert "Nora" in result.stderr and "wrote" not in result.stderr
    assert _files(tmp_path) == ["slack.txt"]


def test_cli_analyze_default_output_name_and_folder_output(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = write_file("slack.txt", STORY)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["analyze", str(story), "-q"]).exit_code == 0
    assert (tmp_path / "slack.ficlens.json").is_file()
    folder = tmp_path / "results"
    folder.mkdir()
    assert runner.invoke(app, ["analyze", str(story), "-q", "-o", str(folder)]).exit_code == 0
    assert _files(folder) == ["slack.ficlens.json"]
    # a folder that does not exist yet, named with a trailing slash
    assert runner.invoke(app, ["analyze", str(story), "-q", "-o", "new/"]).exit_code == 0
    assert _files(tmp_path / "new") == ["slack.ficlens.json"]


def test_cli_analyze_quiet_prints_nothing(runner: CliRunner, tmp_path: Path, write_file: WriteFile) -> None:
    story = write_file("slack.txt", STORY)
    result = runner.invoke(app, ["analyze", str(story), "-q", "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 0 and result.stderr == "" and result.stdout == ""


def test_cli_analyze_with_a_cast(runner: CliRunner, tmp_path: Path, write_file: WriteFile) -> None:
    story = write_file("slack.txt", STORY)
    cast = write_file("cast.yaml", "- name: Nora Vance\n  aliases: [Nora]\n  gender: female\n")
    result = runner.invoke(app, ["analyze", str(story), "--cast", str(cast), "-o", "-", "-q"])
    assert result.exit_code == 0, result.output
    chars = json.loads(result.stdout)["characters"]
    assert [(c["name"], c["gender"], c["source"]) for c in chars] == [("Nora Vance", "female", "cast")]


def test_cli_progress_shows_on_a_terminal(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ficlens.cli.analyze as analyze_cli

    screen = io.StringIO()
    monkeypatch.setattr(analyze_cli, "console", Console(file=screen, force_terminal=True, width=100))
    story = write_file("slack.txt", STORY)
    result = runner.invoke(app, ["analyze", str(story), "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 0
    # the bar redraws on a timer, so a fast run may skip the middle stages; the redraw when it
    # stops always shows the stage that ran last
    shown = screen.getvalue()
    assert "reading slack.txt" in shown
    assert f"slack.txt: {DEFAULT_STAGES[-1]}" in shown


def test_cli_progress_is_off_when_not_a_terminal(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile
) -> None:
    story = write_file("slack.txt", STORY)
    result = runner.invoke(app, ["analyze", str(story), "-o", str(tmp_path / "o.json")])
    assert "slack.txt: structure" not in result.stderr and "\x1b[" not in result.stderr


# -- bad input -----------------------------------------------------------------------------------------


def _epub(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


BAD_INPUTS: dict[str, tuple[str, bytes, str, str]] = {
    # id: (file name, content, words in the message, code)
    "empty": ("empty.txt", b"", "is empty", "E102"),
    "whitespace": ("blank.txt", b" \n\n\t\r\n", "is empty", "E102"),
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 30, "binary", "E104"),
    "binary-no-suffix": ("blob", bytes(range(256)) * 8, "binary", "E104"),
    "undecodable": ("wide.txt", b"\xff\xfe\x00\xd8", "UTF-16", "E105"),
    "html-without-tags": ("page.html", b"just words, no markup at all", "does not look like HTML", "E106"),
    "epub-not-zip": ("book.epub", b"PK\x03\x04 this is not really a zip", "not a readable ZIP", "E106"),
    "epub-no-container": ("book.epub", _epub({"OEBPS/a.xhtml": b"<p>x</p>"}), "container.xml", "E106"),
    "epub-path-traversal": ("book.epub", _epub({"../../evil.xhtml": b"<p>x</p>"}), "unsafe path", "E107"),
    "epub-zip-bomb": ("book.epub", _epub({"OEBPS/bomb.xhtml": b" " * 3_000_000}), "zip bomb", "E107"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, content, words, code = BAD_INPUTS[case]
    (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    before = _files(tmp_path)
    result = runner.invoke(app, ["analyze", name, "-o", "out.json"])
    assert result.exit_code == 2
    _assert_one_line_error(result.stderr, f"{name}: ", code)
    assert words in result.stderr
    assert result.stdout == ""
    assert _files(tmp_path) == before


def test_cli_missing_file_exact_message(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyze", "missing.txt"])
    assert result.exit_code == 2
    assert result.stderr == "error: missing.txt: no such file [E101]\n"
    assert _files(tmp_path) == []


def test_cli_directory_is_refused(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "chapters").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyze", "chapters"])
    assert result.exit_code == 2
    assert result.stderr == "error: chapters: is a directory, not a file [E101]\n"
    assert _files(tmp_path) == ["chapters"]


def test_cli_file_over_50_mb_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024 + 1)  # sparse: no disk used
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyze", "huge.txt", "-o", "out.json"])
    assert result.exit_code == 2
    assert result.stderr == "error: huge.txt: file is 50.0 MB, over the 50 MB limit [E103]\n"
    assert _files(tmp_path) == ["huge.txt"]


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["--format", "xml"], "--format 'xml' is not available; choose from json, html, graphml, csv, all"),
        (["-f", "pdf"], "--format 'pdf' is not available"),
        (["--min-confidence", "1.5"], "--min-confidence must be between 0 and 1"),
    ],
    ids=["unknown-format", "unknown-format-short-option", "confidence-out-of-range"],
)
def test_cli_bad_option_is_one_line_exit_2(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile, args: list[str], starts: str
) -> None:
    story = write_file("slack.txt", STORY)
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["analyze", str(story), *args, "-o", str(out)])
    assert result.exit_code == 2
    _assert_one_line_error(result.stderr, starts)
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("- name: Nora\n  gender: robot\n", "gender 'robot'"),
        ("- name: [Nora\n", "is not valid YAML"),
        (None, "no such file"),
    ],
    ids=["bad-gender", "bad-yaml", "missing"],
)
def test_cli_bad_cast_is_one_line_exit_2(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile, content: str | None, words: str
) -> None:
    story = write_file("slack.txt", STORY)
    cast = write_file("cast.yaml", content) if content is not None else tmp_path / "cast.yaml"
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["analyze", str(story), "--cast", str(cast), "-o", str(out)])
    assert result.exit_code == 2
    _assert_one_line_error(result.stderr, f"{cast}: ", "E201")
    assert words in result.stderr
    assert not out.exists()


def test_cli_failed_write_leaves_no_file_and_no_temp_file(
    runner: CliRunner, tmp_path: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", src)

    # the rename is the last step of an atomic write: fail it, as a full disk would
    monkeypatch.setattr(os, "replace", disk_full)
    story = write_file("slack.txt", STORY)
    outdir = tmp_path / "out"
    outdir.mkdir()
    result = runner.invoke(app, ["analyze", str(story), "-o", str(outdir / "slack.json")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {outdir / 'slack.json'}: No space left on device\n"
    assert _files(outdir) == []


def test_cli_error_message_is_not_read_as_markup(runner: CliRunner, tmp_path: Path) -> None:
    name = "[bold]story.txt"
    (tmp_path / name).write_bytes(b"")
    result = runner.invoke(app, ["analyze", str(tmp_path / name)])
    assert result.exit_code == 2
    assert name in result.stderr


def test_cli_real_process_prints_no_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("ficlens")
    if not script.exists():
        pytest.skip(f"the ficlens script is not installed beside {sys.executable} (run uv sync)")
    proc = subprocess.run(
        [str(script), "analyze", "missing.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == "error: missing.txt: no such file [E101]\n"
    assert proc.stdout == ""


def test_cli_closed_stdout_stops_quietly(tmp_path: Path, low_tide_path: Path) -> None:
    script = Path(sys.executable).with_name("ficlens")
    if not script.exists():
        pytest.skip(f"the ficlens script is not installed beside {sys.executable} (run uv sync)")
    story = tmp_path / "long.txt"
    story.write_text(low_tide_path.read_text(encoding="utf-8") * 8, encoding="utf-8")
    # like `ficlens analyze long.txt -o - | head -c 10`: the reader leaves after 10 bytes
    proc = subprocess.Popen(
        [str(script), "analyze", str(story), "-o", "-", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b'{\n  "schem'
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert stderr == ""
