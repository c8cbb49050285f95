"""`wfctl validate` (would Argo accept this?) and `wfctl lint` (validate plus practice rules).

The click commands here are the one definition of both commands' options and help; the work is
`wfctl.cli.checkrun.run_check`, which the start-up fast path (wfctl.cli.fast) calls too.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .checkrun import LINT_STAGES, VALIDATE_STAGES, run_check
from .options import SEVERITIES, argo_version_option, color_option, no_default_excludes_option, output_option


def common_options(f: Any) -> Any:
    decorators: list[Any] = [
        click.argument("paths", nargs=-1, type=click.Path(readable=False, allow_dash=True)),
        click.option(
            "--hera",
            multiple=True,
            metavar="MODULE[:FUNC]",
            help="Import a Hera module (or FILE.py) and check the workflows it defines (runs its code).",
        ),
        click.option(
            "--metaflow",
            multiple=True,
            metavar="FLOW.py",
            help="Compile a Metaflow flow with `argo-workflows create --only-json` and check the result.",
        ),
        click.option(
            "--metaflow-timeout",
            type=float,
            default=300,
            show_default=True,
            metavar="SECONDS",
            help="Time allowed for Metaflow's compiler.",
        ),
        output_option(),
        argo_version_option,
        click.option(
            "--exclude", multiple=True, metavar="GLOB", help="Skip files or directories matching GLOB (repeatable)."
        ),
        no_default_excludes_option,
        click.option(
            "--templates",
            multiple=True,
            metavar="PATH",
            help="Extra WorkflowTemplates for templateRef resolution (repeatable).",
        ),
        click.option("--strict-refs", is_flag=True, help="Make unresolvable templateRef/workflowTemplateRef an error."),
        click.option(
            "--select",
            multiple=True,
            metavar="IDS",
            help="Only these rules (codes, names or prefixes; comma-separated).",
        ),
        click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rules (codes, names or prefixes)."),
        click.option(
            "--fail-on",
            type=click.Choice(SEVERITIES),
            default="error",
            show_default=True,
            help="Lowest severity that makes the exit code 1.",
        ),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings."),
        click.option(
            "--max-file-size", metavar="SIZE", help="Skip (and report) files larger than this [default: 10MB]."
        ),
        click.option("--stdin-filename", metavar="NAME", help="Name to report for `-` (stdin)."),
        click.option("--config", metavar="PATH", help="Configuration file (default: .wfctl.yaml found by walking up)."),
        click.option("--isolated", is_flag=True, help="Ignore configuration files."),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=0),
            default=None,
            metavar="N",
            help="Check files in N processes [default: all cores; 1: in this process].",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache."),
        click.option(
            "--cache-dir",
            metavar="DIR",
            envvar="WFCTL_CACHE_DIR",
            help="Where the results cache lives [default: .wfctl_cache in the project root; env WFCTL_CACHE_DIR].",
        ),
        click.option("-v", "--verbose", count=True, help="Also list skipped documents and objects."),
        click.option("-q", "--quiet", is_flag=True, help="No summary line."),
        color_option,
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


@click.command()
@common_options
def validate(paths: tuple[str, ...], **opts: Any) -> None:
    """Would Argo accept these manifests? Strict schema plus Argo's own validation.

    PATHS are files, directories (searched for *.yaml, *.yml, *.json) or `-` for stdin.
    Exit 0: no error; 1: errors found; 2: usage error or unreadable input.
    """
    sys.exit(run_check(VALIDATE_STAGES, paths, opts))


@click.command()
@common_options
@click.option("--fix", is_flag=True, help="First apply the safe fixes for the findings lint reports (see `wfctl fix`).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: also apply unsafe fixes.")
def lint(paths: tuple[str, ...], **opts: Any) -> None:
    """Validate, then check practices (rules WF2xx-WF4xx; see `wfctl rules`).

    With --fix, the fixable findings (`wfctl rules` shows which) are rewritten in place first, as
    `wfctl fix --write` would; the findings that remain are reported.

    Exit 0: no finding at or above --fail-on (default error); 1: such findings; 2: usage or input error.
    """
    sys.exit(run_check(LINT_STAGES, paths, opts))
