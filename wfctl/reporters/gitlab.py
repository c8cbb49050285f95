"""`-o gitlab`: GitLab Code Quality report (a JSON array), for merge-request widgets."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


class GitlabReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues: list[dict[str, Any]] = []

    def write(self, result: FileResult) -> None:
        for f in result.findings:
            file, message = escape_name(f.file), escape_unencodable(f.message)
            key = f"{f.rule}|{file}|{f.kind}/{f.name}|{f.json_path() or f.line}|{message}"
            self.issues.append(
                {
                    "check_name": f.rule,
                    "description": f"{f.rule}: {message}",
                    "severity": _SEVERITY[str(f.severity)],
                    "fingerprint": hashlib.sha256(escape_unencodable(key).encode()).hexdigest()[:32],
                    "location": {
                        "path": file,
                        "positions": {
                            "begin": {"line": max(f.line, 1), "column": max(f.column, 1)},
                            "end": {"line": max(f.end_line, f.line, 1), "column": max(f.end_column, f.column, 1)},
                        },
                    },
                }
            )

    def flush(self, summary: Summary) -> None:
        json.dump(self.issues, self.stream, indent=2)
        self.stream.write("\n")


REPORTER = GitlabReporter
