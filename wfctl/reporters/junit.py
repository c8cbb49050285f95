"""`-o junit`: JUnit XML (one test suite per file, one failing test case per finding), for CI test tabs."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter


class JunitReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = ET.Element("testsuites", name="wfctl")

    def write(self, result: FileResult) -> None:
        suite = ET.SubElement(
            self.root,
            "testsuite",
            name=result.file,
            tests=str(max(len(result.findings), 1)),
            failures=str(len(result.findings)),
            errors="0",
        )
        if not result.findings:
            ET.SubElement(suite, "testcase", name="wfctl", classname=result.file)
        for f in result.findings:
            case = ET.SubElement(
                suite, "testcase", name=f"wfctl.{f.rule}", classname=f.file, line=str(f.line), column=str(f.column)
            )
            failure = ET.SubElement(case, "failure", message=f.message, type=str(f.severity))
            failure.text = f"line {f.line}, col {f.column}, {f.severity} {f.rule}: {f.message}"

    def flush(self, summary: Summary) -> None:
        total = sum(int(s.get("tests", "0")) for s in self.root)
        self.root.set("tests", str(total))
        self.root.set("failures", str(summary.findings))
        self.root.set("errors", "0")
        ET.indent(self.root)
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ET.tostring(self.root, encoding="unicode"))
        self.stream.write("\n")


REPORTER = JunitReporter
