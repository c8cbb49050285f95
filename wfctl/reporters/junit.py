"""`-o junit`: JUnit XML (one test suite per file, one failing test case per finding), for CI test tabs.

The output is valid against the JUnit schema CI servers use (Jenkins' junit-10.xsd): positions go in the
test case name and the failure text, the file in the suite's `file` attribute.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

from wfctl.model import FileResult, Summary
from wfctl.reporters.base import Reporter, escape_name, escape_unencodable

# Characters XML 1.0 cannot carry at all (not even as references).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text any XML parser accepts: lone surrogates and XML-forbidden control characters become `\\xNN`."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", escape_unencodable(text))


class JunitReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = ET.Element("testsuites", name="wfctl")

    def write(self, result: FileResult) -> None:
        file = escape_name(result.file)
        suite = ET.SubElement(
            self.root,
            "testsuite",
            name=file,
            tests=str(max(len(result.findings), 1)),
            failures=str(len(result.findings)),
            errors="0",
            file=file,
        )
        if not result.findings:
            case = ET.SubElement(suite, "testcase", name="wfctl", classname=file)
            if not result.documents and result.skipped:  # nothing of Argo's in the file: say why
                suite.set("skipped", "1")
                ET.SubElement(case, "skipped", message=xml_text("; ".join(result.skipped)))
        for f in result.findings:
            case = ET.SubElement(suite, "testcase", name=f"{f.rule} ({f.line}:{f.column})", classname=file)
            message = xml_text(f.message)
            failure = ET.SubElement(case, "failure", message=message, type=str(f.severity))
            failure.text = f"{file}:{f.line}:{f.column}: {f.severity} {f.rule}: {message}"

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
