"""`-o sarif`: SARIF 2.1.0 for GitHub code scanning, with every rule's metadata and help text."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from wfctl import __version__
from wfctl import rules as rule_registry
from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/wfctl/wfctl"


def uri(file: str) -> str:
    """A file name as a relative URI reference: every byte but unreserved characters and `/` percent-encoded."""
    return quote(file, safe="/")


def sarif_fix(fix: Any, artifact: str) -> dict[str, Any]:
    """A wfctl.fix.model.Fix as a SARIF `fix`: one artifact change, a replacement per edit."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": e.line,
                "startColumn": e.column,
                "endLine": e.end_line,
                "endColumn": e.end_column,
            },
            "insertedContent": {"text": e.text},
        }
        for e in fix.edits
    ]
    kind = "safe" if fix.safe else "unsafe"
    return {
        "description": {"text": f"{fix.description} ({kind} fix)"},
        "artifactChanges": [{"artifactLocation": {"uri": artifact}, "replacements": replacements}],
    }


class SarifReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.results: list[dict[str, Any]] = []

    def write(self, result: FileResult) -> None:
        for f in result.findings:
            region = {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)}
            if f.end_line:
                region["endLine"] = max(f.end_line, region["startLine"])
                region["endColumn"] = max(f.end_column, region["startColumn"] + 1)
            file = escape_name(f.file)
            key = escape_unencodable(f"{f.rule}|{file}|{f.kind}/{f.name}|{f.json_path() or f.line}")
            fingerprint = hashlib.sha256(key.encode()).hexdigest()[:32]
            self.results.append(
                {
                    "ruleId": f.rule,
                    "level": _LEVELS[str(f.severity)],
                    "message": {"text": escape_unencodable(f.message)},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(file)}, "region": region}}],
                    "partialFingerprints": {"wfctl/v1": fingerprint},
                    **({"fixes": [sarif_fix(f.fix, uri(file))]} if f.fix is not None else {}),
                }
            )

    def flush(self, summary: Summary) -> None:
        registry = rule_registry.load_all()
        codes = list(registry)
        index = {code: i for i, code in enumerate(codes)}
        rules = []
        for code in codes:
            cls = registry[code]
            help_text = cls.explanation()
            rules.append(
                {
                    "id": code,
                    "name": cls.name,
                    "shortDescription": {"text": cls.summary},
                    "fullDescription": {"text": help_text},
                    "help": {"text": help_text, "markdown": help_text},
                    "defaultConfiguration": {"level": _LEVELS[str(cls.severity)]},
                    "properties": {"tags": list(dict.fromkeys(["argo", cls.stage]))},  # unique, as SARIF wants
                }
            )
        for r in self.results:
            r["ruleIndex"] = index.get(r["ruleId"], 0)
        doc = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "wfctl",
                            "version": __version__,
                            "informationUri": INFO_URI,
                            "rules": rules,
                        }
                    },
                    "columnKind": "unicodeCodePoints",
                    "results": self.results,
                }
            ],
        }
        json.dump(doc, self.stream, indent=2)
        self.stream.write("\n")


REPORTER = SarifReporter
