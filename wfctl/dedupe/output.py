"""What `wfctl dedupe` prints: the unified diff (preview), a report per file and the totals, or JSON."""

from __future__ import annotations

import json
from typing import Any, TextIO

from wfctl.dedupe.plan import FileReport
from wfctl.dedupe.run import Outcome
from wfctl.loader.discovery import escape_name
from wfctl.text import file_diff


def render(outcome: Outcome, stream: TextIO, *, output: str, write: bool) -> None:
    """JSON: every file, errors included. Text: only the files that were read (a file that could not be
    is named on stderr, never reported as "templates 0 -> 0"); no totals when none was."""
    reports = outcome.reports
    if output == "json":
        payload: dict[str, Any] = {"files": [r.as_json() for r in reports], "summary": totals(reports)}
        if outcome.extracted:
            payload["extracted_to"] = str(outcome.extracted[0])
        json.dump(payload, stream, indent=2)
        stream.write("\n")
        return
    if not write:
        for r in outcome.changed:
            stream.writelines(file_diff(r.before_text, r.after_text, escape_name(r.file)))
        if outcome.extracted:
            path, text = outcome.extracted
            stream.writelines(file_diff(None, text, escape_name(str(path))))
    reports = [r for r in reports if not r.unread]
    for r in reports:
        _report(r, stream)
    for note in outcome.notes:
        stream.write(f"note: {escape_name(note)}\n")
    if not reports:
        return
    t = totals(reports)
    idle = write and not outcome.failed and not outcome.changed and not outcome.extracted  # --write, nothing to do
    verb = "rewrote" if outcome.written or idle else "would rewrite"
    stream.write(
        f"{verb} {t['files_changed']} of {t['files']} files: templates "
        f"{t['templates_before']} -> {t['templates_after']}, bytes {t['bytes_before']:,} -> "
        f"{t['bytes_after']:,}, API JSON bytes {t['json_bytes_before']:,} -> {t['json_bytes_after']:,}\n"
    )


def _report(r: FileReport, stream: TextIO) -> None:
    if not r.merged and not r.notes and not r.error:
        return
    data = r.as_json()
    stream.write(
        f"{escape_name(r.file)}: templates {data['templates_before']} -> {data['templates_after']}, bytes "
        f"{data['bytes_before']:,} -> {data['bytes_after']:,} (API JSON {data['json_bytes_before']:,} -> "
        f"{data['json_bytes_after']:,})\n"
    )
    for obj, merges in r.merged.items():
        for removed, kept in merges.items():
            stream.write(f"  {obj}: {removed} -> {kept}\n")
    for note in r.notes:
        stream.write(f"  note: {escape_name(note)}\n")


def totals(reports: list[FileReport]) -> dict[str, int]:
    datas = [r.as_json() for r in reports]
    keys = (
        "templates_before",
        "templates_after",
        "bytes_before",
        "bytes_after",
        "json_bytes_before",
        "json_bytes_after",
    )
    result = {k: sum(d[k] for d in datas) for k in keys}
    result["files"] = len(reports)
    result["files_changed"] = sum(1 for r in reports if r.changed)
    return result
