"""How every command shows input it cannot read: one line per problem, the same line everywhere.

A loader problem (syntax, duplicate key, encoding, binary content, size limit, alias bomb...) is
`PATH:LINE:COL: SEVERITY RULE message`, the text form of `wfctl validate`; a path that cannot be read
at all (missing, permission denied) is `wfctl: error: PATH: reason`. validate and lint report such
problems as findings (exit 1, the other files still checked); the commands that cannot go on with
such a file (graph, diff, dedupe, fix, render, apply) print the same lines on stderr and exit 2
(`UnreadableInput`).
"""

from __future__ import annotations

from collections.abc import Iterable

import click

from wfctl.errors import InputError
from wfctl.loader.discovery import escape_name, escape_unencodable
from wfctl.loader.yaml import Problem
from wfctl.reporters.base import finding_line  # one line for every command; click-free (the text reporter's)

# The problems after which a file's content is not known (it does not decode, does not parse, is not
# read): a command that rewrites, compares or draws a file stops there.
UNREADABLE = frozenset({"WF010", "WF011", "WF012", "WF013", "WF014", "WF015"})


def severity_of(rule: str) -> str:
    """The severity of a loader problem's rule, from its entry in wfctl/rules (what `wfctl rules` shows)."""
    from wfctl import rules  # noqa: PLC0415 - imported only when there is something to report

    found = rules.load(("input",)).get(rule)
    return str(found.severity) if found is not None else "error"


def problem_line(file: str, problem: Problem, *, color: bool = False) -> str:
    """One loader problem of `file`, as `wfctl validate` prints it."""
    return finding_line(
        file, problem.line, problem.column, severity_of(problem.rule), problem.rule, problem.message, color=color
    )


def problem_text(problem: Problem) -> str:
    """A loader problem without its file, for a report that names the file itself (dedupe and fix JSON)."""
    return f"line {problem.line}, column {problem.column}: {problem.message} ({problem.rule})"


def error_line(reason: str) -> str:
    """A path that cannot be read (`reason` starts with the path), as every command prints it."""
    return f"wfctl: error: {escape_unencodable(reason)}"


def file_error_line(file: str, reason: str, problem: Problem | None = None) -> str:
    """Why a command could not use `file`: its loader problem as validate prints it, else `reason`."""
    return problem_line(file, problem) if problem is not None else error_line(f"{escape_name(file)}: {reason}")


def unreadable(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that leave a file's content unknown, in the order of the file."""
    return sorted((p for p in problems if p.rule in UNREADABLE), key=lambda p: (p.line, p.column))


class UnreadableInput(InputError):
    """Input a command cannot go on with: every line is printed on stderr as it is, then exit 2."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        for text in self.lines:
            click.echo(text, err=True)
