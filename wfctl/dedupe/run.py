"""One `wfctl dedupe` run: read the inputs, plan (in each file, or across files with --extract-to),
and with --write hand every changed file to `wfctl.writer` at once (all or nothing)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from wfctl import writer
from wfctl.dedupe.inputs import Input, parse_problems, read_input
from wfctl.dedupe.plan import FileReport, dedupe_text
from wfctl.errors import InputError
from wfctl.loader import discovery
from wfctl.loader.discovery import escape_name
from wfctl.loader.report import UnreadableInput, error_line, problem_text


@dataclass
class Outcome:
    reports: list[FileReport] = field(default_factory=list)
    extracted: tuple[Path, str] | None = None  # the new WorkflowTemplate file and its text
    notes: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def failed(self) -> list[FileReport]:
        return [r for r in self.reports if r.error]

    @property
    def changed(self) -> list[FileReport]:
        return [r for r in self.reports if r.changed]


def _check_new_file(path: Path) -> None:
    if os.path.lexists(path):
        raise InputError(f"{escape_name(str(path))} exists already; choose a new file for the WorkflowTemplate")
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        if os.path.exists(parent):
            raise InputError(escape_name(f"{path}: {parent} is not a directory"))
        raise InputError(escape_name(f"{path}: directory {parent} does not exist"))


def _failed_report(item: Input) -> FileReport:
    return FileReport(item.display, "", "", error=item.error, problem=item.problem, more=item.more, unread=True)


def _check_yaml(inputs: list[Input]) -> tuple[list[Input], list[str]]:
    """Every readable file's YAML is checked once: one that does not parse (syntax, duplicate key, alias
    bomb...) is an error for that file, except a file that does not look like an Argo manifest (a Helm
    template, JSONC...), skipped with a note as validate, lint and fix skip it, named or found in a walk
    (pre-commit names every staged .yaml file: the `wfctl-dedupe` hook must pass a chart's templates)."""
    from wfctl.loader.documents import looks_like_argo  # noqa: PLC0415

    kept: list[Input] = []
    notes: list[str] = []
    for item in inputs:
        problems = parse_problems(item.text) if item.error is None else []
        if problems:
            problem = problems[0]
            if not looks_like_argo(item.text):
                notes.append(
                    f"skipped {item.display}: not an Argo manifest and does not parse"
                    f" ({problem.rule} at {problem.line}:{problem.column})"
                )
                continue
            item.problem, item.more, item.error = problem, problems[1:], problem_text(problem)
        kept.append(item)
    return kept, notes


def dedupe_paths(
    paths: tuple[str, ...],
    *,
    write: bool,
    include_templates: bool = False,
    extract_to: Path | None = None,
    wft_name: str = "",
    max_bytes: int = discovery.DEFAULT_MAX_BYTES,
    default_excludes: bool = True,
) -> Outcome:
    """Plan (and with `write`, apply) the dedupe of `paths`. Raises InputError for unusable arguments.
    `default_excludes=False` also walks hidden and default-excluded directories (see loader.discovery)."""
    sources, errors = discovery.discover(paths, default_excludes=default_excludes)
    if errors:  # every path that cannot be read is named, as every command names them
        raise UnreadableInput([error_line(e) for e in errors])
    if extract_to is not None:
        _check_new_file(extract_to)
    inputs = [read_input(s, max_bytes, for_write=write) for s in sources]
    inputs, not_argo = _check_yaml(inputs)
    outcome = Outcome()
    readable = [i for i in inputs if i.error is None]
    if extract_to is not None:
        from wfctl.dedupe.extract import extract  # noqa: PLC0415
        from wfctl.dedupe.rewrite import RewriteError  # noqa: PLC0415

        try:
            result = extract([(i.display, i.text) for i in readable], wft_name)
        except RewriteError as exc:
            raise InputError(str(exc)) from None
        by_file = {r.file: r for r in result.reports}
        outcome.reports = [by_file[i.display] if i.error is None else _failed_report(i) for i in inputs]
        if result.template_text and any(r.changed for r in result.reports):
            outcome.extracted = (extract_to, result.template_text)
        outcome.notes = list(result.notes)
    else:
        outcome.reports = [
            dedupe_text(i.display, i.text, include_templates=include_templates)
            if i.error is None
            else _failed_report(i)
            for i in inputs
        ]
    outcome.notes += not_argo
    for item, report in zip(inputs, outcome.reports, strict=True):
        report.encoder = item.encode
    if write and not outcome.failed and (outcome.changed or outcome.extracted):
        plans: list[writer.Planned] = []
        if outcome.extracted:
            plans.append(writer.Planned(outcome.extracted[0], outcome.extracted[1].encode("utf-8"), None))
        for item, report in zip(inputs, outcome.reports, strict=True):
            if report.changed:
                assert item.path is not None and item.snapshot is not None
                plans.append(writer.Planned(item.path, item.encode(report.after_text), item.snapshot))
        try:
            writer.write_all(plans)
        except writer.WriteError as exc:
            raise InputError(escape_name(str(exc))) from None  # a file name may hold a newline
        outcome.written = True
    return outcome
