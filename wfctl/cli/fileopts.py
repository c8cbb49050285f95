"""Option decorators of the commands that read manifests outside the validate pipeline: the rewriting
commands' `--check` and `-o text|json` (dedupe, fix), and `--max-file-size` (dedupe, fix, diff, graph)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

F = Callable[..., Any]


def check_option(help_text: str) -> Callable[[F], F]:
    return click.option("--check", is_flag=True, help=help_text)


def text_json_option(help_text: str) -> Callable[[F], F]:
    return click.option(
        "-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True, help=help_text
    )


def max_file_size_option(f: F) -> F:
    return click.option(
        "--max-file-size",
        metavar="SIZE",
        help="Refuse files larger than this [default: `max-file-size` of .wfctl.yaml, else 10MB].",
    )(f)
