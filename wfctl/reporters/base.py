"""The reporter interface: `write` each file's result as it arrives, `flush` once at the end; the one
escaping of file names and messages that every format applies (any file name, even non-UTF-8 bytes);
the one finding line every command prints (`finding_line`, also the loader problems' line through
wfctl.loader.report). Imports nothing heavy: the text reporter is on the start-up fast path."""

from __future__ import annotations

from typing import IO, Any

from wfctl.loader.discovery import escape_name, escape_unencodable
from wfctl.model import FileResult, Summary
from wfctl.term import style

__all__ = ["Reporter", "escape_name", "escape_unencodable", "finding_line", "summary_line"]

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


class Reporter:
    """Base class for output formats; streaming formats write in `write`, whole documents in `flush`."""

    def __init__(self, stream: IO[str], *, color: bool = False, verbosity: int = 0, **extra: Any) -> None:
        self.stream = stream
        self.color = color
        self.verbosity = verbosity
        self.extra = extra

    def write(self, result: FileResult) -> None:
        raise NotImplementedError

    def flush(self, summary: Summary) -> None:
        raise NotImplementedError


def finding_line(
    file: str, line: int, column: int, severity: str, rule: str, message: str, *, color: bool = False
) -> str:
    """`PATH:LINE:COL: SEVERITY RULE message` (no newline); styled for a terminal when `color`."""
    if not color:  # once per finding: no styling calls
        return f"{escape_name(file)}:{line}:{column}: {severity} {rule} {escape_unencodable(message)}"
    where = style(f"{escape_name(file)}:{line}:{column}:", "bold", color)
    label = style(severity, _COLORS.get(severity, "bold"), color)
    return f"{where} {label} {style(rule, 'dim', color)} {escape_unencodable(message)}"


def summary_line(summary: Summary) -> str:
    errors, warnings, infos = (summary.by_severity.get(k, 0) for k in ("error", "warning", "info"))

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = [plural(errors, "error"), plural(warnings, "warning")]
    if infos:
        parts.append(plural(infos, "info"))
    text = (
        f"{', '.join(parts)} in {plural(summary.files, 'file')} ({plural(summary.documents, 'Argo document')} checked"
    )
    if summary.skipped:
        text += f", {summary.skipped} other skipped"
    return text + ")"
