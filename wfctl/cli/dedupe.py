"""`wfctl dedupe`: merge repeated templates (in a file, or across files into a WorkflowTemplate)."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

import click

from wfctl.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, InputError


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--write", is_flag=True, help="Rewrite the files in place (atomically, permissions kept).")
@click.option("--check", is_flag=True, help="Exit 1 when something would change (pre-commit mode).")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: unified diff (without --write) and a report; json: the report only.",
)
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
def dedupe(
    paths: tuple[str, ...],
    write: bool,
    check: bool,
    output: str,
    include_templates: bool,
    extract_to: str | None,
    wft_name: str | None,
) -> None:
    """Merge templates that are identical apart from their name, rewriting every reference.

    The first template in file order is kept. Before anything is written the result is re-parsed,
    validated (no new findings) and proven equivalent: every template, with all references expanded,
    behaves as before. Without --write, prints the diff that --write would apply.

    Exit 0: done (or nothing to do); 1: --check and something would change; 2: input error, or a
    rewrite that could not be proven equivalent (nothing is written).
    """
    from wfctl.dedupe.plan import dedupe_text  # noqa: PLC0415
    from wfctl.dedupe.rewrite import atomic_write  # noqa: PLC0415
    from wfctl.loader import discovery  # noqa: PLC0415

    if bool(extract_to) != bool(wft_name):
        raise click.UsageError("--extract-to and --name go together")
    sources, errors = discovery.discover(paths)
    if errors:
        raise InputError(errors[0])
    files: list[tuple[str, str, Path]] = []
    for source in sources:
        assert source.path is not None
        try:
            files.append((source.display, source.path.read_bytes().decode("utf-8"), source.path))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{source.display}: {exc}") from None
    extra_output: tuple[Path, str] | None = None
    notes: list[str] = []
    if extract_to:
        from wfctl.dedupe.extract import extract  # noqa: PLC0415
        from wfctl.dedupe.rewrite import RewriteError  # noqa: PLC0415

        target = Path(extract_to)
        if target.exists():
            raise InputError(f"{extract_to} exists already; choose a new file for the WorkflowTemplate")
        try:
            result = extract([(d, t) for d, t, _ in files], str(wft_name))
        except RewriteError as exc:
            raise InputError(str(exc)) from None
        reports = result.reports
        if result.template_text and any(r.changed for r in reports):
            extra_output = (target, result.template_text)
        notes = result.notes
    else:
        reports = [dedupe_text(d, t, include_templates=include_templates) for d, t, _ in files]
    paths_by_file = {d: p for d, _, p in files}
    failed = [r for r in reports if r.error]
    changed = [r for r in reports if r.changed]
    if write and not failed:
        if extra_output:
            atomic_write(extra_output[0], extra_output[1])
        for r in changed:
            atomic_write(paths_by_file[r.file], r.after_text)
    stream = sys.stdout
    if output == "json":
        payload: dict[str, Any] = {"files": [r.as_json() for r in reports], "summary": _totals(reports)}
        if extra_output:
            payload["extracted_to"] = str(extra_output[0])
        json.dump(payload, stream, indent=2)
        stream.write("\n")
    else:
        if not write:
            for r in changed:
                stream.writelines(
                    difflib.unified_diff(
                        r.before_text.splitlines(True),
                        r.after_text.splitlines(True),
                        f"a/{r.file.lstrip('/')}",
                        f"b/{r.file.lstrip('/')}",
                    )
                )
            if extra_output:
                stream.writelines(
                    difflib.unified_diff([], extra_output[1].splitlines(True), "/dev/null", f"b/{extra_output[0]}")
                )
        for r in reports:
            _report(r, stream)
        for note in notes:
            stream.write(f"note: {note}\n")
        totals = _totals(reports)
        verb = "rewrote" if write and not failed else "would rewrite"
        stream.write(
            f"{verb} {totals['files_changed']} of {totals['files']} files: templates "
            f"{totals['templates_before']} -> {totals['templates_after']}, bytes {totals['bytes_before']:,} -> "
            f"{totals['bytes_after']:,}, API JSON bytes {totals['json_bytes_before']:,} -> "
            f"{totals['json_bytes_after']:,}\n"
        )
    for r in failed:
        click.echo(f"wfctl: error: {r.file}: {r.error}", err=True)
    if failed:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_FINDINGS if check and changed else EXIT_OK)


def _report(r: Any, stream: Any) -> None:
    if not r.merged and not r.notes and not r.error:
        return
    data = r.as_json()
    stream.write(
        f"{r.file}: templates {data['templates_before']} -> {data['templates_after']}, bytes "
        f"{data['bytes_before']:,} -> {data['bytes_after']:,} (API JSON {data['json_bytes_before']:,} -> "
        f"{data['json_bytes_after']:,})\n"
    )
    for obj, merges in r.merged.items():
        for removed, kept in merges.items():
            stream.write(f"  {obj}: {removed} -> {kept}\n")
    for note in r.notes:
        stream.write(f"  note: {note}\n")


def _totals(reports: list[Any]) -> dict[str, int]:
    datas = [r.as_json() for r in reports]
    keys = (
        "templates_before",
        "templates_after",
        "bytes_before",
        "bytes_after",
        "json_bytes_before",
        "json_bytes_after",
    )
    totals = {k: sum(d[k] for d in datas) for k in keys}
    totals["files"] = len(reports)
    totals["files_changed"] = sum(1 for r in reports if r.changed)
    return totals
