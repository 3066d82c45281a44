"""Every command's --help says what it does, shows an example that parses, and explains each flag.

The parser is walked rather than listed, so a new subcommand or flag without help fails here.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator

import pytest

from mixpanel_connectors.cli import build_parser

PROG = "mixpanel-connectors"


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """The parser and every subcommand's parser below it, with the words that reach each."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def subcommand_summaries(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    return {
        choice.dest: choice.help
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    }


ALL = list(commands(build_parser()))


def help_of(path: tuple[str, ...]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mixpanel_connectors.cli", *path, "--help"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def examples(text: str) -> list[str]:
    return [
        line.strip().removeprefix("$ ")
        for line in text.split("Example:", 1)[-1].splitlines()
        if line.strip().startswith(f"$ {PROG}")
    ]


@pytest.mark.parametrize(("path", "parser"), ALL, ids=[" ".join(p) or PROG for p, _ in ALL])
def test_help_has_a_description_an_example_and_help_on_every_argument(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    shown = help_of(path)
    assert parser.description, f"{path}: no description"
    assert parser.description.split()[0] in shown
    assert "Example:" in shown, f"{path}: no example in --help"
    wide = [line for line in shown.splitlines() if len(line) > 80 and f"$ {PROG}" not in line]
    assert not wide, f"{path}: --help lines wider than 80 columns: {wide}"
    assert examples(shown), f"{path}: no `$ {PROG} ...` line under Example:"
    unexplained = [
        action.option_strings[0] if action.option_strings else action.dest
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert not unexplained, f"{path}: arguments without help: {unexplained}"
    summaries = subcommand_summaries(parser)
    assert all(summaries.values()), f"{path}: subcommands without a summary: {summaries}"


@pytest.mark.parametrize(("path", "parser"), ALL, ids=[" ".join(p) or PROG for p, _ in ALL])
def test_every_example_in_help_is_a_command_line_the_parser_accepts(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    for example in examples(parser.epilog or ""):
        words = shlex.split(example)[1:]
        assert words[: len(path)] == list(path), f"{example!r} is not an example of {path}"
        build_parser().parse_args(words)
