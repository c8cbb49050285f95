"""One `wfctl fix` (or `lint --fix`) run: find the fixable findings, apply their edits, prove the result,
and with `write` hand every changed file to `wfctl.writer` at once (all or nothing).

Per file, in passes (edits that overlap wait for the next pass, at most `MAX_PASSES`): check with the
selected rules, take every fix that is allowed (safe, or unsafe with `unsafe`), splice the edits and
re-parse: the documents must equal the old ones with the fixes' data operations applied, or the file
is refused (`error`). Then the rewritten file is validated again (schema and Argo rules): if it has
an error the original did not have, the fixes are replayed one at a time and each one that would
leave a new error is left out (`refused`, exit 2). A file that cannot be written safely stops the
whole write: nothing is written.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
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
from wfctl.loader.documents import PARSE_FAILURES
from wfctl.loader.report import UNREADABLE, UnreadableInput, error_line, problem_text
from wfctl.loader.yaml import Problem, parse
from wfctl.model import Finding, Severity
from wfctl.records import replace  # Settings is a record (wfctl.records), not a dataclass

MAX_PASSES = 10
MAX_FIXES_PER_FILE = 1000  # one at a time (when some fix would leave a new error)
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
    refused: list[str] = field(default_factory=list)  # fixes left out: they would leave a new error
    error: str | None = None
    problem: Problem | None = None  # the loader problem behind `error` (a file that cannot be read)
    more: list[Problem] = field(default_factory=list)  # the file's other such problems, in file order
    unread: bool = False  # could not be read or parsed: nothing to report but `error`
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
    def refused(self) -> list[str]:
        return [f"{f.display}: {r}" for f in self.files for r in f.refused]

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


def _documents(text: str) -> tuple[list[Any], list[tuple[str, str]]]:
    """The documents' data and the YAML problems of the text (rule, message)."""
    parsed = parse(text)
    problems = [p for d in parsed.documents for p in d.problems]
    if parsed.problem is not None:
        problems.append(parsed.problem)
    return [d.data for d in parsed.documents], [(p.rule, _LINE_NO.sub("line N", p.message)) for p in problems]


def _expected(old: list[Any], fixes: list[Fix]) -> list[Any]:
    data = copy.deepcopy(old)
    for fix in fixes:
        root = data[fix.document]
        if fix.item is not None:
            root = root["items"][fix.item]
        for op in fix.ops:
            fix_ops.apply(root, op)
    return data


def _one_pass(
    text: str, findings: list[Finding], unsafe: bool, blocked: set[tuple[object, ...]], single: bool
) -> tuple[str, list[Finding]] | None:
    """Apply the allowed, non-overlapping fixes of `findings` (only the first with `single`) to `text`:
    (new text, the findings fixed), or None when there is nothing to apply. Raises _Refused when the
    result is not exactly what the fixes claim."""
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in sorted((f for f in findings if f.fix is not None), key=lambda f: min(e.start for e in f.fix.edits)):
        if (not f.fix.safe and not unsafe) or _ident(f) in blocked or _overlaps(f.fix, taken):
            continue
        chosen.append(f)
        taken += [(e.start, e.end) for e in f.fix.edits]
        if single:
            break
    if not chosen:
        return None
    try:
        new = splice(text, [Edit(e.start, e.end, e.text) for f in chosen for e in f.fix.edits])
    except RewriteError as exc:
        raise _Refused(f"the fixes overlap ({exc}); not rewritten") from None
    old_docs, old_problems = _documents(text)
    new_docs, new_problems = _documents(new)
    added = Counter(new_problems) - Counter(old_problems)
    if added:
        rule, message = next(iter(added))
        raise _Refused(f"a fix would make the YAML invalid ({rule} {message}); not rewritten")
    try:
        expected = _expected(old_docs, [f.fix for f in chosen])
    except (KeyError, IndexError, TypeError) as exc:
        raise _Refused(f"a fix does not fit the document ({exc!r}); not rewritten") from None
    if new_docs != expected:
        raise _Refused("a fix would change more than it should (anchors or aliases?); not rewritten")
    return new, chosen


def _ident(f: Finding) -> tuple[object, ...]:
    return (f.rule, f.path, f.message)


class _Refused(Exception):
    pass


def _error_keys(findings: list[Finding]) -> Counter[tuple[str, str]]:
    return Counter((f.rule, _LINE_NO.sub("line N", f.message)) for f in findings if f.severity >= Severity.ERROR)


def _new_errors(validator: Checker, display: str, baseline: Counter[tuple[str, str]], text: str) -> str | None:
    """The first error `text` has that the original did not, as "line N: RULE message" (None: none)."""
    findings = _check(validator, display, text)[0]
    added = _error_keys(findings) - baseline
    if not added:
        return None
    rule, message = next(iter(added))
    where = next((f for f in findings if f.rule == rule and _LINE_NO.sub("line N", f.message) == message), None)
    return f"{f'line {where.line}: ' if where else ''}{rule} {message}"


def fix_text(
    display: str, text: str, settings: Settings, *, unsafe: bool = False, index: TemplateIndex | None = None
) -> FileFix:
    """Fix one file's text (no I/O); `settings` select the rules whose fixes apply.

    All fixes are applied in passes, then the result is validated. If it has an error the original did
    not have, the fixes are applied again one at a time, each validated, and those that would leave a
    new error are left out (listed in `refused`)."""
    index = index or TemplateIndex()
    result = FileFix(display, before=text, after=text)
    checker = Checker(fix_settings(settings), index)
    first, loaded = _check(checker, display, text)
    unparsed = _parse_failures(loaded)
    if unparsed:  # a file that does not parse is an error, never "nothing to fix"
        result.problem, result.more, result.error, result.unread = (
            unparsed[0],
            unparsed[1:],
            problem_text(unparsed[0]),
            True,
        )
        return result
    validator = Checker(_validation_settings(settings), index)
    try:
        current, applied, findings = _run_passes(checker, display, text, unsafe, set(), single=False, first=first)
        if current != text:
            baseline = _error_keys(_check(validator, display, text)[0])
            if _new_errors(validator, display, baseline, current) is not None:
                current, applied, findings = _one_at_a_time(checker, validator, display, text, unsafe, baseline, result)
    except _Refused as exc:
        result.error = str(exc)
        return result
    result.applied = applied
    result.unsafe_left = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    result.manual = [f for f in findings if f.fix is None and f.rule == "WF132"]
    result.after = current
    return result


def _parse_failures(loaded: Any) -> list[Problem]:
    """Why a loaded file cannot be fixed (it does not parse: syntax, duplicate key, alias bomb...), in file
    order, all of them as validate lists them. A file skipped as "not an Argo manifest" (a Helm template) is
    not an error."""
    problems = [*loaded.problems, *(p for doc in loaded.documents for p in doc.problems)]
    return sorted(
        (p for p in problems if p.rule in UNREADABLE or p.rule in PARSE_FAILURES), key=lambda p: (p.line, p.column)
    )


def _run_passes(
    checker: Checker,
    display: str,
    text: str,
    unsafe: bool,
    blocked: set[tuple[object, ...]],
    *,
    single: bool,
    first: list[Finding] | None = None,
) -> tuple[str, list[Applied], list[Finding]]:
    """Apply the fixes pass after pass; `first`: the findings of `text` when already checked."""
    current, applied = text, list[Applied]()
    for _ in range(MAX_PASSES):
        findings = first if first is not None and current is text else _check(checker, display, current)[0]
        step = _one_pass(current, findings, unsafe, blocked, single)
        if step is None:
            return current, applied, findings
        new, chosen = step
        applied += [Applied(f, f.fix, current) for f in chosen]
        current = new
    raise _Refused(f"fixes still pending after {MAX_PASSES} passes; not rewritten")


def _one_at_a_time(
    checker: Checker,
    validator: Checker,
    display: str,
    text: str,
    unsafe: bool,
    baseline: Counter[tuple[str, str]],
    result: FileFix,
) -> tuple[str, list[Applied], list[Finding]]:
    current, applied = text, list[Applied]()
    blocked: set[tuple[object, ...]] = set()
    findings: list[Finding] = []
    for _ in range(MAX_FIXES_PER_FILE):
        findings, _ = _check(checker, display, current)
        step = _one_pass(current, findings, unsafe, blocked, single=True)
        if step is None:
            return current, applied, findings
        new, (finding,) = step
        problem = _new_errors(validator, display, baseline, new)
        if problem is not None:
            blocked.add(_ident(finding))
            result.refused.append(
                f"line {finding.line}: {finding.rule} fix ({finding.fix.description}) not applied: it would leave "
                f"a new error ({problem})"
            )
            continue
        applied.append(Applied(finding, finding.fix, current))
        current = new
    raise _Refused(f"more than {MAX_FIXES_PER_FILE} fixes; not rewritten")


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
    if errors:  # every path that cannot be read is named, as every command names them
        raise UnreadableInput([error_line(e) for e in errors])
    outcome = Outcome()
    for source in sources:
        item = read_input(source, settings.max_bytes, for_write=write)
        if item.error is not None:
            failed = FileFix(
                item.display, error=item.error, problem=item.problem, more=item.more, unread=True, item=item
            )
            outcome.files.append(failed)
            continue
        result = fix_text(item.display, item.text, settings, unsafe=unsafe)
        result.item = item
        outcome.files.append(result)
    if write and not outcome.failed and outcome.changed:
        plans = []
        for result in outcome.changed:
            read = result.item
            assert read is not None and read.path is not None and read.snapshot is not None
            plans.append(writer.Planned(Path(read.path), read.encode(result.after), read.snapshot))
        try:
            writer.write_all(plans)
        except writer.WriteError as exc:
            raise InputError(str(exc)) from None
        outcome.written = True
    return outcome
