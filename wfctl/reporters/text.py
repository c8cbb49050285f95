"""`-o text`: `file:line:col: severity CODE message`, coloured on a TTY, and a summary line."""

from __future__ import annotations

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable, finding_line, summary_line


class TextReporter(Reporter):
    def write(self, result: FileResult) -> None:
        lines = []  # one write per file: with PYTHONUNBUFFERED (common in CI) each write is a system call
        for f in result.findings:
            obj = f" [{f.kind}/{escape_unencodable(f.name)}]" if self.verbosity > 0 and f.kind else ""
            line = finding_line(f.file, f.line, f.column, str(f.severity), f.rule, f.message, color=self.color)
            lines.append(f"{line}{obj}\n")  # the line every command prints
        if self.verbosity > 0:
            for skipped in result.skipped:
                lines.append(f"{escape_name(result.file)}: skipped {escape_unencodable(skipped)}\n")
        if lines:
            self.stream.write("".join(lines))

    def flush(self, summary: Summary) -> None:
        if self.verbosity >= 0:
            self.stream.write(summary_line(summary) + "\n")


REPORTER = TextReporter
