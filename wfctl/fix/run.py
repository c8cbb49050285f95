"""One `wfctl fix` (or `lint --fix`) run: find the fixable findings, apply their edits, prove the result,
and with `write` hand every changed file to `wfctl.writer` at once (all or nothing).

Per file, in passes (edits that overlap wait for the next pass, at most `MAX_PASSES`): check with the
selected rules, take every fix that is allowed (safe, or unsafe with `unsafe`), splice the edits and
re-parse: the documents must equal the old ones with the fixes' data operations applied, or the file
is refused. At the end the rewritten file is validated again (schema and Argo rules): an error that
was not there before refuses the file. A refused file is never written, and with `write` neither is
any other (exit 2).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from wfctl import writer
from wfctl.argo.index import TemplateIndex
from wfctl.dedupe.inputs import Input, read_input
from wfctl.dedupe.rewrite import Edit, RewriteError, splice
from wfctl.engine import Checker, Settings, load
from wfctl.errors import InputError
from wfctl.fix import FIXERS
from wfctl.fix import ops as fix_ops
from wfctl.fix.model import Fix
from wfctl.loader import discovery
from wfctl.loader.yaml import parse
from wfctl.model import Finding, Severity

MAX_PASSES = 10
_LINE_NO = re.compile(r"\bline \d+")


@dataclass
class Applied:
    """One fix that was applied: the finding it answers (positions in the text it was found in)."""

    finding: Finding
    fix: Fix
    text: str  # the file's text the fix was computed on (for before/after lines)


@dataclass
class FileFix:
    display: str
    before: str = ""
    after: str = ""
    applied: list[Applied] = field(default_factory=list)
    unsafe_left: int = 0  # fixes held back (unsafe, no --unsafe-fixes)
    manual: list[Finding] = field(default_factory=list)  # findings of fixable rules with no fix
    error: str | None = None
    item: Input | None = None

    @property
    def changed(self) -> bool:
        return self.error is None and self.after != self.before


@dataclass
class Outcome:
    files: list[FileFix] = field(default_factory=list)
    written: bool = False

    @property
    def failed(self) -> list[FileFix]:
        return [f for f in self.files if f.error]

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]


def fix_settings(settings: Settings) -> Settings:
    """The rules a fix run checks: the fixable ones among those `settings` select."""
    chosen = set(FIXERS) if settings.select is None else set(FIXERS) & settings.select
    return replace(settings, select=chosen - settings.ignore, stages=("input", "argo", "practice"))


def _validation_settings(settings: Settings) -> Settings:
    return replace(settings, stages=("input", "argo"), select=None)


def _check(checker: Checker, display: str, text: str) -> tuple[list[Finding], Any]:
    loaded = load(discovery.Source(display, content=text.encode("utf-8")), checker.settings)
    return checker.check(loaded).findings, loaded


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two edits (start, end) touch the same text, or insert at the same place or inside it."""
    if a[0] == b[0]:
        return True
    inside = (a[0] == a[1] and b[0] < a[0] < b[1]) or (b[0] == b[1] and a[0] < b[0] < a[1])
    return inside or (a[0] < b[1] and b[0] < a[1])


def _overlaps(fix: Fix, taken: list[tuple[int, int]]) -> bool:
    return any(_clash((e.start, e.end), t) for e in fix.edits for t in taken)


def _documents(text: str) -> tuple[list[Any], str | None]:
    parsed = parse(text)
    problem = parsed.problem or next((p for d in parsed.documents for p in d.problems), None)
    return [d.data for d in parsed.documents], (problem.message if problem else None)


def _expected(old: list[Any], fixes: list[Fix]) -> list[Any]:
    data = copy.deepcopy(old)
    for fix in fixes:
        root = data[fix.document]
        if fix.item is not None:
            root = root["items"][fix.item]
        for op in fix.ops:
            fix_ops.apply(root, op)
    return data


def _one_pass(text: str, findings: list[Finding], unsafe: bool, result: FileFix) -> str | None:
    """Apply the allowed, non-overlapping fixes of `findings` to `text`; None when there are none."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in sorted((f for f in findings if f.fix is not None), key=lambda f: min(e.start for e in f.fix.edits)):
        if not f.fix.safe and not unsafe:
            continue
        if _overlaps(f.fix, taken):
            continue
        chosen.append(f)
        taken += [(e.start, e.end) for e in f.fix.edits]
    if not chosen:
        return None
    try:
        new = splice(text, [Edit(e.start, e.end, e.text) for f in chosen for e in f.fix.edits])
    except RewriteError as exc:
        raise _Refused(f"the fixes overlap ({exc}); not rewritten") from None
    old_docs, _ = _documents(text)
    new_docs, problem = _documents(new)
    if problem is not None:
        raise _Refused(f"a fix would make the YAML invalid ({problem}); not rewritten")
    try:
        expected = _expected(old_docs, [f.fix for f in chosen])
    except (KeyError, IndexError, TypeError) as exc:
        raise _Refused(f"a fix does not fit the document ({exc!r}); not rewritten") from None
    if new_docs != expected:
        raise _Refused("a fix would change more than it should (anchors or aliases?); not rewritten")
    result.applied += [Applied(f, f.fix, text) for f in chosen]
    return new


class _Refused(Exception):
    pass


def _error_keys(findings: list[Finding]) -> Counter[tuple[str, str]]:
    return Counter((f.rule, _LINE_NO.sub("line N", f.message)) for f in findings if f.severity >= Severity.ERROR)


def fix_text(
    display: str, text: str, settings: Settings, *, unsafe: bool = False, index: TemplateIndex | None = None
) -> FileFix:
    """Fix one file's text (no I/O); `settings` select the rules whose fixes apply."""
    index = index or TemplateIndex()
    result = FileFix(display, before=text, after=text)
    checker = Checker(fix_settings(settings), index)
    current = text
    try:
        for _ in range(MAX_PASSES):
            findings, _ = _check(checker, display, current)
            new = _one_pass(current, findings, unsafe, result)
            if new is None:
                result.unsafe_left = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
                result.manual = [f for f in findings if f.fix is None and f.rule == "WF132"]
                break
            current = new
        else:
            raise _Refused(f"fixes still pending after {MAX_PASSES} passes; not rewritten")
        if current != text:
            validator = Checker(_validation_settings(settings), index)
            before = _error_keys(_check(validator, display, text)[0])
            after_findings = _check(validator, display, current)[0]
            new_errors = _error_keys(after_findings) - before
            if new_errors:
                rule, message = next(iter(new_errors))
                where = next((f for f in after_findings if f.rule == rule), None)
                at = f"line {where.line}: " if where else ""
                raise _Refused(f"the fixed file would have a new error ({at}{rule} {message}); not rewritten")
    except _Refused as exc:
        result.error = str(exc)
        return result
    result.after = current
    return result


def fix_paths(
    paths: tuple[str, ...],
    settings: Settings,
    *,
    write: bool,
    unsafe: bool = False,
    exclude: tuple[str, ...] = (),
    stdin_name: str = "<stdin>",
) -> Outcome:
    """Plan (and with `write`, apply) the fixes for `paths`. Raises InputError for unusable arguments."""
    sources, errors = discovery.discover(paths, exclude=exclude, stdin_name=stdin_name)
    if errors:
        raise InputError(errors[0])
    outcome = Outcome()
    for source in sources:
        item = read_input(source, settings.max_bytes, for_write=write)
        if item.error is not None:
            outcome.files.append(FileFix(item.display, error=item.error, item=item))
            continue
        result = fix_text(item.display, item.text, settings, unsafe=unsafe)
        result.item = item
        outcome.files.append(result)
    if write and not outcome.failed and outcome.changed:
        plans = []
        for result in outcome.changed:
            item = result.item
            assert item is not None and item.path is not None and item.snapshot is not None
            plans.append(writer.Planned(Path(item.path), item.encode(result.after), item.snapshot))
        try:
            writer.write_all(plans)
        except writer.WriteError as exc:
            raise InputError(str(exc)) from None
        outcome.written = True
    return outcome
