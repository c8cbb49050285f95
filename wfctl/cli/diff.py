"""`wfctl diff`: what a change really changes, template by template (deepdiff imported here only)."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from wfctl.errors import EXIT_FINDINGS, EXIT_OK, InputError

from .fileopts import max_file_size_option
from .kubeopts import kube_options
from .options import color_option, no_default_excludes_option


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False, allow_dash=False))
@click.option(
    "--git", "git_rev", metavar="REV", help="Compare PATHS (default .) at git revision REV with the working tree."
)
@click.option(
    "--to", "to_rev", metavar="REV2", help="With --git: compare with revision REV2 instead of the working tree."
)
@click.option("--live", is_flag=True, help="Compare PATHS with the objects on the cluster.")
@click.option("--hera", "hera", is_flag=True, help="OLD and NEW (or the --live PATHS) are Hera modules or .py files.")
@click.option("-o", "--output", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="PATH-GLOB",
    help="Mask changes whose path matches, e.g. 'metadata.labels.*' (repeatable).",
)
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files and directories matching GLOB (path or name; repeatable), e.g. 'charts/*'.",
)
@no_default_excludes_option
@click.option("-v", "--verbose", is_flag=True, help="List the files skipped because they hold no Argo workflow.")
@max_file_size_option
@color_option
@kube_options
def diff(
    paths: tuple[str, ...],
    git_rev: str | None,
    to_rev: str | None,
    live: bool,
    hera: bool,
    output: str,
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    no_default_excludes: bool,
    verbose: bool,
    max_file_size: str | None,
    color: str,
    **kube: Any,
) -> None:
    """Semantic diff of Argo manifests.

    \b
      wfctl diff OLD NEW              two files or two directories
      wfctl diff --git REV [PATH...]  PATHS at REV vs the working tree (or --to REV2)
      wfctl diff --live PATH...       the files vs the cluster

    Formatting, comments, key order and the order of named lists (templates, tasks, parameters...)
    never count; step groups and env keep their order. Files under a directory that are not Argo
    manifests are skipped. Exit 0: equivalent, 1: different, 2: error.
    """
    from wfctl.diff import render, sources  # noqa: PLC0415
    from wfctl.diff.compare import compare  # noqa: PLC0415
    from wfctl.engine import settings_from  # noqa: PLC0415
    from wfctl.term import use_color  # noqa: PLC0415

    if sum(bool(x) for x in (git_rev, live)) > 1:
        raise click.UsageError("use either --git or --live")
    if to_rev and not git_rev:
        raise click.UsageError("--to needs --git")
    walk_defaults = not no_default_excludes  # both sides of a diff walk alike (git tree and working tree)
    settings, _ = settings_from(max_file_size=max_file_size)  # the size limit every command uses

    def load(items: tuple[str, ...], pair: bool = False) -> sources.Side:
        if not hera:
            return sources.load_paths(
                items, settings=settings, exclude=exclude, pair=pair, default_excludes=walk_defaults
            )
        from wfctl.python.inputs import python_sources  # noqa: PLC0415

        return sources.load_sources([ps.source for ps in python_sources(items)], settings=settings)

    if git_rev and hera:
        raise click.UsageError("--hera cannot be combined with --git")
    if git_rev and "-" in paths:
        raise click.UsageError("--git compares files in git: standard input (-) has no revision")
    if paths.count("-") > 1:
        raise click.UsageError("standard input (-) can be read once: give it as OLD or NEW, not both")
    if git_rev:
        git_opts: dict[str, Any] = {"settings": settings, "exclude": exclude, "default_excludes": walk_defaults}
        old, new = sources.both_sides(
            lambda: sources.load_git(git_rev, paths or (".",), **git_opts),
            lambda: sources.load_git(to_rev, paths or (".",), **git_opts) if to_rev else load(paths or (".",)),
        )
    elif live:
        if not paths:
            raise click.UsageError("--live needs the files to compare")
        new = load(paths)
        runs = [r for r in new.resources if r.generated]
        if runs:
            click.echo(f"wfctl: note: {len(runs)} Workflow(s) with generateName are new runs, not compared", err=True)
            new.resources = [r for r in new.resources if not r.generated]
        from wfctl.kube.live import live_resources  # noqa: PLC0415

        old = sources.Side(resources=live_resources(new.resources, kube))
        for r in old.resources:
            r.file = "(cluster)"
    else:
        if len(paths) != 2:
            raise click.UsageError("give OLD and NEW (two files or two directories), or use --git / --live")
        kinds = {p: os.path.isdir(p) for p in paths}
        if len(set(kinds.values())) != 1:
            raise InputError("OLD and NEW must both be files or both be directories")
        old, new = sources.both_sides(lambda: load((paths[0],), pair=True), lambda: load((paths[1],), pair=True))
    result = compare(old.resources, new.resources, ignore)
    result.skipped = old.merge_skipped(new)
    stream = sys.stdout
    if output == "json":
        render.as_json(result, stream)
    elif output == "markdown":
        render.markdown(result, stream)
    else:
        render.text(result, stream, use_color(color, stream), verbose)
    sys.exit(EXIT_FINDINGS if result.changes else EXIT_OK)
