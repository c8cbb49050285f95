"""What `wfctl fix` prints: a unified diff (preview), the file list (`--check`) or JSON (`-o json`), and
a summary with the findings left for a person (stderr)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from wfctl.fix.run import Applied, FileFix, Outcome
from wfctl.fix.text import Source
from wfctl.loader.report import finding_line
from wfctl.text import file_diff


def _span(applied: Applied) -> tuple[int, str, str]:
    """(first line, the lines the fix touches before, the same lines after) for one fix."""
    src = Source(applied.text)
    first = min(e.line for e in applied.fix.edits) - 1
    last = max(e.end_line - (1 if e.end_column == 1 and e.end_line > e.line else 0) for e in applied.fix.edits) - 1
    start, end = src.starts[first], src.line_end(last)
    before = applied.text[start:end]
    after = before
    for e in sorted(applied.fix.edits, key=lambda e: e.start, reverse=True):
        after = after[: e.start - start] + e.text + after[e.end - start :]
    return first + 1, before, after


def edit_records(result: FileFix) -> list[dict[str, Any]]:
    records = []
    for applied in result.applied:
        line, before, after = _span(applied)
        f = applied.finding
        records.append(
            {
                "file": result.display,
                "line": line,
                "rule": applied.fix.rule,
                "message": f.message,
                "description": applied.fix.description,
                "applicability": "safe" if applied.fix.safe else "unsafe",
                "before": before,
                "after": after,
            }
        )
    return records


def totals(outcome: Outcome, files: list[FileFix] | None = None) -> dict[str, int]:
    """The summary over `files` (default: all of them)."""
    files = outcome.files if files is None else files
    return {
        "files": len(files),
        "files_changed": len(outcome.changed),
        "fixes": sum(len(f.applied) for f in outcome.changed),
        "unsafe_fixes_available": sum(f.unsafe_left for f in files),
        "manual": sum(len(f.manual) for f in files),
        "errors": len(outcome.failed),
        "refused": len(outcome.refused),
    }


def render(outcome: Outcome, out: TextIO, err: TextIO, *, output: str, write: bool, check: bool) -> None:
    """JSON: every file, errors included. Text: the files that were read (one that could not be is named
    on stderr by the command, never counted in "would fix 0 findings in 0 of 1 files")."""
    t = totals(outcome)
    if output == "json":
        payload = {
            "version": 1,
            "written": outcome.written,
            "edits": [r for f in outcome.changed for r in edit_records(f)],
            "files": [
                {"file": f.display, "changed": f.changed, "error": f.error, "refused": f.refused} for f in outcome.files
            ],
            "manual": [
                {"file": f.display, "line": m.line, "column": m.column, "rule": m.rule, "message": m.message}
                for f in outcome.files
                for m in f.manual
            ],
            "summary": t,
        }
        json.dump(payload, out, indent=2)
        out.write("\n")
        return
    read = [f for f in outcome.files if not f.unread]
    if not read:
        return
    t = totals(outcome, read)
    if check:
        for f in outcome.changed:
            out.write(f"{f.display}\n")
    elif not write:
        for f in outcome.changed:
            out.writelines(file_diff(f.before, f.after, f.display))
    for f in read:
        for m in f.manual:
            err.write(finding_line(f.display, m.line, m.column, str(m.severity), m.rule, m.message) + "\n")
    done = outcome.written or (write and not outcome.changed and not outcome.failed)  # --write, nothing to do
    verb = "fixed" if done else "would fix"
    plural = "s" if t["fixes"] != 1 else ""
    line = f"wfctl: {verb} {t['fixes']} finding{plural} in {t['files_changed']} of {t['files']} files"
    if t["unsafe_fixes_available"]:
        line += f"; {t['unsafe_fixes_available']} more with --unsafe-fixes"
    if t["manual"]:
        line += f"; {t['manual']} to fix by hand (listed above)"
    err.write(line + "\n")
