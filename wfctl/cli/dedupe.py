"""`wfctl dedupe`: merge repeated templates (in a file, or across files into a WorkflowTemplate)."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from wfctl.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK

from .fileopts import check_option, max_file_size_option, text_json_option
from .options import no_default_excludes_option


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@click.option(
    "--write",
    is_flag=True,
    help="Rewrite the files in place: all or nothing, mode/owner kept, never over a file edited meanwhile.",
)
@check_option("Exit 1 when something would change (pre-commit mode).")
@text_json_option("text: unified diff (without --write) and a report; json: the report only.")
@click.option(
    "--include-templates",
    is_flag=True,
    help="Also merge inside WorkflowTemplates/ClusterWorkflowTemplates (callers in other files that use a "
    "removed name must then be updated).",
)
@click.option(
    "--extract-to",
    type=click.Path(dir_okay=False),
    metavar="PATH",
    help="Move templates repeated across files into a new WorkflowTemplate written to PATH.",
)
@click.option("--name", "wft_name", metavar="NAME", help="With --extract-to: the WorkflowTemplate's name.")
@max_file_size_option
@no_default_excludes_option
def dedupe(
    paths: tuple[str, ...],
    write: bool,
    check: bool,
    output: str,
    include_templates: bool,
    extract_to: str | None,
    wft_name: str | None,
    max_file_size: str | None,
    no_default_excludes: bool = False,
) -> None:
    """Merge templates that are identical apart from their name, rewriting every reference.

    The first template in file order is kept. Before anything is written the result is re-parsed,
    validated (no new findings) and proven equivalent: every template, with all references expanded,
    behaves as before. Without --write, prints the diff that --write would apply.

    Exit 0: done (or nothing to do); 1: --check and something would change; 2: input error, a
    rewrite that could not be proven equivalent, or a file that cannot be rewritten safely (not a
    regular file, read-only, edited since it was read...): nothing is written.
    """
    from wfctl.dedupe.output import render  # noqa: PLC0415
    from wfctl.dedupe.run import dedupe_paths  # noqa: PLC0415
    from wfctl.engine import settings_from  # noqa: PLC0415

    if bool(extract_to) != bool(wft_name):
        raise click.UsageError("--extract-to and --name go together")
    if extract_to and extract_to.endswith(("/", os.sep)):
        raise click.UsageError(f"--extract-to {extract_to} names a directory; give the new file's name")
    settings, _ = settings_from(max_file_size=max_file_size)  # the size limit every command uses
    outcome = dedupe_paths(
        paths,
        write=write,
        include_templates=include_templates,
        extract_to=Path(extract_to) if extract_to else None,
        wft_name=str(wft_name or ""),
        max_bytes=settings.max_bytes,
        default_excludes=not no_default_excludes,
    )
    try:
        if sys.stdout is None:  # started with stdout closed (`>&-`)
            raise OSError(errno.EBADF, "standard output is closed")
        render(outcome, sys.stdout, output=output, write=write)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader went away: the entry point ends quietly
    except OSError as exc:  # stdout on a full disk, /dev/full...: the files were still written (or not)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the buffered report is dropped, not flushed at exit
        done = "; the files were rewritten" if outcome.written else ""
        click.echo(f"wfctl: error: cannot write the report: {(exc.strerror or str(exc)).lower()}{done}", err=True)
        sys.exit(EXIT_INPUT)
    if outcome.failed:
        _show_failures(outcome)
    sys.exit(EXIT_FINDINGS if check and outcome.changed else EXIT_OK)


def _show_failures(outcome: Any) -> NoReturn:
    """Each file that could not be deduped, as every command names it (wfctl.loader.report); exit 2."""
    from wfctl.loader.report import file_error_line, problem_line  # noqa: PLC0415

    for r in outcome.failed:
        click.echo(file_error_line(r.file, r.error or "", r.problem), err=True)
        for p in r.more:  # every problem of the file, as validate lists them
            click.echo(problem_line(r.file, p), err=True)
    sys.exit(EXIT_INPUT)
