"""`wfctl fix`: apply the safe fixes of fixable rules, in place, keeping everything else byte for byte."""

from __future__ import annotations

import sys
from typing import Any

import click

from wfctl.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK

from .fileopts import check_option, max_file_size_option, text_json_option
from .options import split_ids


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False, allow_dash=True))
@click.option("--write", is_flag=True, help="Rewrite the files in place (all or nothing, mode/owner kept).")
@check_option("Print only the names of the files that would change (for CI).")
@text_json_option("text: unified diff (without --write); json: every edit (file, line, rule, before, after).")
@click.option(
    "--target-version",
    type=click.Choice(["4", "4.0", "4.1", "3.7"]),
    default=None,
    help="Argo version to migrate to [default: `argo-version` of .wfctl.yaml, else 4]; 3.7: no Argo 4 migration.",
)
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe (see `wfctl rules`).")
@click.option("--select", multiple=True, metavar="IDS", help="Only the fixes of these rules.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Not the fixes of these rules.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files or directories matching GLOB.")
@max_file_size_option
@click.option("--config", metavar="PATH", help="Configuration file (default: .wfctl.yaml found by walking up).")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
def fix(paths: tuple[str, ...], **opts: Any) -> None:
    """Fix what rules can fix mechanically: the Argo 4 migration (WF132), scalars that must be
    strings (WF002), and with --unsafe-fixes a step's onExit (WF209).

    Only the edited nodes change: comments, key order, quoting, indentation and line endings stay as
    they were. Each fixed file is validated again; a fix that would leave a new error is not written.

    Exit 0: nothing to fix; 1: something was (or, without --write, would be) changed, or a finding is
    left to fix by hand (listed on stderr, e.g. podPriority); 2: input error (a file that cannot be read),
    a fix left out because it would leave a new error (the others are applied), a fix that could not be
    proven safe or a file that cannot be rewritten safely (then nothing is written).
    """
    from wfctl.engine import settings_from  # noqa: PLC0415
    from wfctl.fix.output import render  # noqa: PLC0415
    from wfctl.fix.run import fix_paths  # noqa: PLC0415
    from wfctl.loader.report import file_error_line, problem_line  # noqa: PLC0415

    settings, cfg = settings_from(
        stages=("input", "argo", "practice"),
        config=opts["config"],
        isolated=opts["isolated"],
        argo_version=opts["target_version"],
        select=split_ids(opts["select"]),
        ignore=split_ids(opts["ignore"]),
        max_file_size=opts["max_file_size"],
    )
    exclude = tuple(opts["exclude"]) + tuple(cfg.get("exclude") or ())
    outcome = fix_paths(paths, settings, write=opts["write"], unsafe=opts["unsafe_fixes"], exclude=exclude)
    render(outcome, sys.stdout, sys.stderr, output=opts["output"], write=opts["write"], check=opts["check"])
    sys.stdout.flush()
    for f in outcome.failed:
        click.echo(file_error_line(f.display, f.error or "", f.problem), err=True)
        for p in f.more:  # every problem of the file, as validate lists them
            click.echo(problem_line(f.display, p), err=True)
    for message in outcome.refused:
        click.echo(f"wfctl: error: {message}", err=True)
    if outcome.failed or outcome.refused:
        sys.exit(EXIT_INPUT)
    manual = any(f.manual for f in outcome.files)  # what fix cannot do is still to be done: not clean
    sys.exit(EXIT_FINDINGS if outcome.changed or manual else EXIT_OK)
