"""The README documents what the code does: commands, set-up, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classifier.cli import main
from classifier.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def section(title: str) -> str:
    """The README text under the level-2 heading ``title``, up to the next level-2 heading."""
    m = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert m, f"README has no '## {title}' section"
    return m.group(1)


def test_the_cli_has_the_expected_commands():
    assert COMMANDS == ["audit", "evaluate", "extract", "scan", "signals", "train"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command):
    # shown as it is typed: "contract-classifier <command> ..."
    assert re.search(rf"\bcontract-classifier {command}\b", README), (
        f"README never shows `contract-classifier {command}`"
    )


@pytest.mark.parametrize("target", ["demo", "test"])
def test_set_up_commands(target):
    setup = section("Set-up: two commands")
    assert re.search(rf"^make {target}\b", setup, re.M), f"`make {target}` missing from the set-up"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no `{target}` target"


def exit_code_table() -> dict[int, str]:
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*$", section("Exit codes"), re.M)
    return {int(code): meaning for code, meaning in rows}


def test_every_exit_code_is_in_the_table():
    table = exit_code_table()
    for code in ExitCode:
        assert int(code) in table, f"exit code {int(code)} ({code.name}) missing from the README"


def test_the_table_has_no_unknown_exit_code():
    assert set(exit_code_table()) <= {int(c) for c in ExitCode}


def test_exit_code_meanings():
    table = exit_code_table()
    assert "mismatch" in table[int(ExitCode.MISMATCH)]
    assert "usage" in table[int(ExitCode.USAGE)]
    assert "encrypted" in table[int(ExitCode.INPUT)]
    assert "model" in table[int(ExitCode.MODEL)]
    assert "interrupt" in table[int(ExitCode.INTERRUPTED)].lower()


@pytest.mark.parametrize("option", ["--password", "--max-pages"])
def test_shared_options_are_documented(option):
    assert option in README


def audit_record_section() -> str:
    m = re.search(r"^### Audit record.*?$(.*?)(?=^##|\Z)", README, re.M | re.S)
    assert m, "README has no '### Audit record' section"
    return m.group(1)


def test_every_audit_record_field_is_documented():
    from classifier.batch import error_record

    doc = audit_record_section()
    for key in error_record("/nowhere/x.pdf", "corrupt", "x"):
        if key == "schema_version":
            assert "schema_version" in README
            continue
        assert f"`{key}`" in doc, f"audit record field {key!r} is not in the README table"


def test_every_error_code_is_documented():
    """Every ``error.code`` a record can carry is listed in the README's `error` row."""
    from classifier import errors

    row = next(ln for ln in audit_record_section().splitlines() if ln.startswith("| `error` |"))
    documented = set(re.findall(r"`([a-z_]+)`", row)) - {"error"}
    input_codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.InputError)
    }
    # codes chosen in classifier.batch itself
    batch_codes = {"timeout", "crashed", "internal", "out_of_memory"}
    missing = sorted((input_codes | batch_codes) - documented)
    assert missing == [], f"error codes missing from the README: {missing}"
