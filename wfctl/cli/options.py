"""Option decorators shared by commands (output format, colour, Argo version, selection, directory walks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from wfctl.reporters import names as reporter_names

F = Callable[..., Any]


def output_option(choices: list[str] | None = None, default: str = "text") -> Callable[[F], F]:
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Choice(choices or reporter_names()),
        default=default,
        envvar="WFCTL_OUTPUT_FORMAT",
        show_default=True,
        help="Output format.",
    )


def color_option(f: F) -> F:
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        show_default=True,
        help="Colour output (auto: on a TTY, unless NO_COLOR is set).",
    )(f)


def argo_version_option(f: F) -> F:
    return click.option(
        "--argo-version",
        type=click.Choice(["4", "4.0", "4.1", "3.7"]),
        default=None,
        help="Argo Workflows version whose schema to use [default: 4].",
    )(f)


def no_default_excludes_option(f: F) -> F:
    return click.option(
        "--no-default-excludes",
        is_flag=True,
        help="Walk everything: also hidden directories, .git, .venv, venv, node_modules, .tox and __pycache__,"
        " and ignore .gitignore files (paths named on the command line are always checked).",
    )(f)


def split_ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
