"""`-o github`: GitHub Actions workflow commands (`::error file=…,line=…::…`), grouped per file."""

from __future__ import annotations

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable, summary_line

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def write(self, result: FileResult) -> None:
        if not result.findings:
            return
        self.stream.write(f"::group::{escape_data(escape_name(result.file))}\n")
        for f in result.findings:
            file = escape_name(f.file)
            props = [f"title={escape_property(f'wfctl ({f.rule})')}", f"file={escape_property(file)}"]
            props.append(f"line={f.line}")
            end_line = f.end_line or f.line
            props.append(f"endLine={end_line}")
            if end_line == f.line:
                props.append(f"col={f.column}")
                props.append(f"endColumn={max(f.end_column, f.column)}")
            message = escape_data(f"{file}:{f.line}:{f.column}: {f.rule} {escape_unencodable(f.message)}")
            self.stream.write(f"::{_LEVELS[str(f.severity)]} {','.join(props)}::{message}\n")
        self.stream.write("::endgroup::\n")

    def flush(self, summary: Summary) -> None:
        self.stream.write(summary_line(summary) + "\n")


REPORTER = GithubReporter
