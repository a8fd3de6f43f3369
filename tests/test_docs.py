"""The docs keep up with the code: every command and option, error code, JSON key and public name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

import ficlens
import ficlens.errors
from ficlens.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _sections(page: str) -> dict[str, str]:
    """The text under each ``## heading`` of a Markdown page, by heading."""
    text = (DOCS / page).read_text(encoding="utf-8")
    parts = re.split(r"^## +(.+?)\s*$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _commands(group: Any, prefix: str = "ficlens") -> Iterator[tuple[str, Any]]:
    """Every leaf command of the app, by its full name ("ficlens eval pdnc"). Typer ships its
    own copy of click, so groups are told by their ``commands``, not by class."""
    if getattr(group, "commands", None) is not None:
        for name, sub in sorted(group.commands.items()):
            yield from _commands(sub, f"{prefix} {name}")
    else:
        yield prefix, group


COMMANDS = dict(_commands(typer.main.get_command(app)))


def test_docs_commands_were_found() -> None:
    assert {
        "ficlens analyze",
        "ficlens eval pdnc",
        "ficlens bench speed",
        "ficlens train attribution",
    } <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_docs_cli_command_is_documented_with_every_option(name: str) -> None:
    sections = _sections("cli.md")
    assert name in sections, f"docs/cli.md has no '## {name}' section"
    body = sections[name]
    command = COMMANDS[name]
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert f"`{opt}" in body, f"docs/cli.md '## {name}' does not document {opt}"
    assert "Example" in body, f"docs/cli.md '## {name}' has no example"
    assert command.help and "Example:" in command.help, f"{name} --help has no 'Example:'"


ERRORS = [
    cls
    for cls in vars(ficlens.errors).values()
    if isinstance(cls, type) and issubclass(cls, ficlens.errors.FicLensError)
]


@pytest.mark.parametrize("cls", ERRORS, ids=[c.__name__ for c in ERRORS])
def test_docs_error_code_is_documented(cls: type[ficlens.errors.FicLensError]) -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| {cls.code} \| `{cls.__name__}` \|.*$", text, flags=re.MULTILINE)
    assert row, f"docs/errors.md has no table row for {cls.code} {cls.__name__}"
    assert f"{cls.__name__}" in text.split("```")[1], (
        f"{cls.__name__} is missing from the tree in docs/errors.md"
    )


def test_docs_error_codes_are_unique() -> None:
    codes = [cls.code for cls in ERRORS]
    assert len(codes) == len(set(codes))


@pytest.fixture(scope="module")
def contract() -> dict[str, object]:
    example = Path(__file__).resolve().parents[1] / "examples" / "low-tide.txt"
    return ficlens.analyze(example).to_dict()


def test_docs_json_top_level_keys_have_a_section(contract: dict[str, object]) -> None:
    sections = _sections("json-contract.md")
    missing = [key for key in contract if key not in sections]
    assert not missing, f"docs/json-contract.md has no '## <key>' section for {missing}"


def test_docs_json_record_fields_are_documented(contract: dict[str, object]) -> None:
    sections = _sections("json-contract.md")
    for key, value in contract.items():
        records = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        for record in records[:1]:
            if not isinstance(record, dict):
                continue
            for field in record:
                assert f"`{field}`" in sections.get(key, ""), (
                    f"docs/json-contract.md '## {key}' does not document {field}"
                )


def test_docs_json_schema_version_is_the_documented_one(contract: dict[str, object]) -> None:
    text = (DOCS / "json-contract.md").read_text(encoding="utf-8")
    assert f'`schema_version` is `"{contract["schema_version"]}"`' in text


@pytest.mark.parametrize("name", [n for n in ficlens.__all__ if n != "__version__"])
def test_docs_public_name_is_in_the_python_api_page(name: str) -> None:
    assert f"ficlens.{name}" in (DOCS / "python-api.md").read_text(encoding="utf-8")
