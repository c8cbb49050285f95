"""The finding model shared by every command: severities, findings and per-file results."""

from __future__ import annotations

import enum
from typing import Any

from wfctl.argo.paths import Path_
from wfctl.records import dataclass, field


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that `max()` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return _SEVERITY_TEXT[self]  # once per finding in every report: no enum name lookup

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


_SEVERITY_TEXT = {level: level.name.lower() for level in Severity}


@dataclass(slots=True)
class Finding:
    """One problem, at one place. Rules fill `path`; the engine resolves line and column from it."""

    rule: str
    severity: Severity
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    kind: str = ""
    name: str = ""
    path: Path_ = ()
    # Point at the key of the last path element (unknown field, missing field) rather than its value.
    at_key: bool = False
    fix: Any = None  # a wfctl.fix.model.Fix when the finding's rule can rewrite it (`wfctl fix`)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.rule)

    def json_path(self) -> str:
        return "/" + "/".join(str(p) for p in self.path) if self.path else ""


@dataclass(slots=True)
class FileResult:
    """Everything wfctl has to say about one input file."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    documents: int = 0  # Argo documents checked
    skipped: list[str] = field(default_factory=list)  # descriptions of non-Argo documents


@dataclass(slots=True)
class Summary:
    """Totals over a run, for reporters' closing lines and the exit code."""

    files: int = 0
    documents: int = 0
    skipped: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)
    input_errors: int = 0

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.documents += result.documents
        self.skipped += len(result.skipped)
        by_severity, by_rule = self.by_severity, self.by_rule
        for f in result.findings:
            key = str(f.severity)
            by_severity[key] = by_severity.get(key, 0) + 1
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    def count(self, severity: Severity) -> int:
        return self.by_severity.get(str(severity), 0)
