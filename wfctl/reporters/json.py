"""`-o json`: `{"version": 1, "findings": [...], "summary": {...}}`, written once at the end."""

from __future__ import annotations

import json
from typing import Any

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable


class JsonReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.findings: list[dict[str, Any]] = []
        self.skipped: list[dict[str, str]] = []

    def write(self, result: FileResult) -> None:
        for f in result.findings:
            self.findings.append(
                {
                    "rule": f.rule,
                    "severity": str(f.severity),
                    "message": escape_unencodable(f.message),
                    "file": escape_name(f.file),
                    "line": f.line,
                    "column": f.column,
                    "end_line": f.end_line,
                    "end_column": f.end_column,
                    "kind": f.kind,
                    "name": f.name,
                    "path": f.json_path(),
                    **({"fix": f.fix.as_json()} if f.fix is not None else {}),
                }
            )
        file = escape_name(result.file)
        self.skipped.extend({"file": file, "document": escape_unencodable(s)} for s in result.skipped)

    def flush(self, summary: Summary) -> None:
        payload = {
            "version": 1,
            "findings": self.findings,
            "summary": {
                "files": summary.files,
                "documents": summary.documents,
                "skipped": summary.skipped,
                "findings": summary.findings,
                "errors": summary.by_severity.get("error", 0),
                "warnings": summary.by_severity.get("warning", 0),
                "infos": summary.by_severity.get("info", 0),
                "by_rule": dict(sorted(summary.by_rule.items())),
            },
        }
        if self.verbosity > 0:
            payload["skipped"] = self.skipped
        json.dump(payload, self.stream, indent=2)
        self.stream.write("\n")


REPORTER = JsonReporter
