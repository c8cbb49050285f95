"""`-o text`: `file:line:col: severity CODE message`, coloured on a TTY, and a summary line."""

from __future__ import annotations

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable, summary_line
from wfctl.term import style

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


class TextReporter(Reporter):
    def write(self, result: FileResult) -> None:
        for f in result.findings:
            sev = str(f.severity)
            where = style(f"{escape_name(f.file)}:{f.line}:{f.column}:", "bold", self.color)
            label = style(sev, _COLORS[sev], self.color)
            obj = f" [{f.kind}/{escape_unencodable(f.name)}]" if self.verbosity > 0 and f.kind else ""
            message = escape_unencodable(f.message)
            self.stream.write(f"{where} {label} {style(f.rule, 'dim', self.color)} {message}{obj}\n")
        if self.verbosity > 0:
            for skipped in result.skipped:
                self.stream.write(f"{escape_name(result.file)}: skipped {escape_unencodable(skipped)}\n")

    def flush(self, summary: Summary) -> None:
        if self.verbosity >= 0:
            self.stream.write(summary_line(summary) + "\n")


REPORTER = TextReporter
