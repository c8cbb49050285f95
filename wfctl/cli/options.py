"""Option decorators shared by commands (output format, colour, Argo version, selection, directory walks).

click is imported inside each decorator: the start-up fast path (wfctl.cli.fast) reads this module's
choices and `split_ids` without loading click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wfctl.reporters import names as reporter_names

F = Callable[..., Any]

COLOR_CHOICES = ["auto", "always", "never"]
ARGO_VERSIONS = ["4", "4.0", "4.1", "3.7"]
SEVERITIES = ["error", "warning", "info"]  # --fail-on


def output_option(choices: list[str] | None = None, default: str = "text") -> Callable[[F], F]:
    import click  # noqa: PLC0415

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
    import click  # noqa: PLC0415

    return click.option(
        "--color",
        type=click.Choice(COLOR_CHOICES),
        default="auto",
        show_default=True,
        help="Colour output (auto: on a TTY, unless NO_COLOR is set).",
    )(f)


def argo_version_option(f: F) -> F:
    import click  # noqa: PLC0415

    return click.option(
        "--argo-version",
        type=click.Choice(ARGO_VERSIONS),
        default=None,
        help="Argo Workflows version whose schema to use [default: 4].",
    )(f)


def no_default_excludes_option(f: F) -> F:
    import click  # noqa: PLC0415

    return click.option(
        "--no-default-excludes",
        is_flag=True,
        help="Walk everything: also hidden directories, .git, .venv, venv, node_modules, .tox and __pycache__,"
        " and ignore .gitignore files (paths named on the command line are always checked).",
    )(f)


def split_ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]
