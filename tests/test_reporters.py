"""Every reporter renders the same awkward findings (multi-line message, '%', ',' and ':' in a file
name, a finding without a position) into its format."""

from __future__ import annotations

import io
import json

import pytest

from wfctl.model import FileResult, Finding, Severity, Summary
from wfctl.reporters import get_reporter, names

FINDINGS = [
    Finding(
        "WF001",
        Severity.ERROR,
        "unknown field 'x': did you mean 'y'?",
        "dir,a:b.yaml",
        3,
        5,
        3,
        6,
        "Workflow",
        "w",
        ("spec", "x"),
        True,
    ),
    Finding("WF201", Severity.WARNING, "50% sure\nsecond line", "dir,a:b.yaml", 7, 1, 9, 4, "Workflow", "w"),
    Finding("WF206", Severity.INFO, "no position", "other.yaml", 0, 0, 0, 0),
]


def render(fmt: str, verbosity: int = 0) -> str:
    stream = io.StringIO()
    reporter = get_reporter(fmt, stream, color=False, verbosity=verbosity)
    summary = Summary()
    for file in ("dir,a:b.yaml", "other.yaml"):
        result = FileResult(
            file, [f for f in FINDINGS if f.file == file], documents=1, skipped=["document 2: v1 Pod/p"]
        )
        summary.add(result)
        reporter.write(result)
    reporter.flush(summary)
    return stream.getvalue()


def test_formats_are_the_reporter_modules():
    assert names() == ["github", "gitlab", "json", "junit", "sarif", "text"]


def test_text():
    out = render("text", verbosity=1)
    assert "dir,a:b.yaml:3:5: error WF001 unknown field 'x': did you mean 'y'? [Workflow/w]" in out
    assert "skipped document 2: v1 Pod/p" in out
    assert out.rstrip().endswith("1 error, 1 warning, 1 info in 2 files (2 Argo documents checked, 2 other skipped)")


def test_json():
    payload = json.loads(render("json"))
    assert payload["version"] == 1 and len(payload["findings"]) == 3
    first = payload["findings"][0]
    assert first["path"] == "/spec/x" and first["end_column"] == 6
    assert payload["summary"]["by_rule"] == {"WF001": 1, "WF201": 1, "WF206": 1}


def test_github():
    lines = render("github").splitlines()
    assert lines[0] == "::group::dir,a:b.yaml"
    assert lines[1].startswith("::error title=wfctl (WF001),file=dir%2Ca%3Ab.yaml,line=3,endLine=3,col=5,endColumn=6::")
    assert lines[2].startswith("::warning ") and "50%25 sure%0Asecond line" in lines[2] and "col=" not in lines[2]
    assert any(line.startswith("::notice ") for line in lines)


def test_sarif():
    doc = json.loads(render("sarif"))
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    results = run["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    region = results[2]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 1 and region["startColumn"] == 1  # SARIF needs a real region
    assert results[0]["locations"][0]["physicalLocation"]["region"]["endColumn"] == 6
    fingerprints = {r["partialFingerprints"]["wfctl/v1"] for r in results}
    assert len(fingerprints) == 3
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in results)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_output_is_stable(fmt):
    assert render(fmt) == render(fmt)


def test_gitlab():
    issues = json.loads(render("gitlab"))
    assert [i["severity"] for i in issues] == ["major", "minor", "info"]
    assert issues[0]["location"] == {
        "path": "dir,a:b.yaml",
        "positions": {"begin": {"line": 3, "column": 5}, "end": {"line": 3, "column": 6}},
    }
    assert issues[2]["location"]["positions"]["begin"] == {"line": 1, "column": 1}
    assert len({i["fingerprint"] for i in issues}) == 3


def test_junit():
    from xml.etree import ElementTree as ET

    root = ET.fromstring(render("junit"))
    assert root.tag == "testsuites" and root.get("failures") == "3"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["dir,a:b.yaml", "other.yaml"]
    case = suites[0].find("testcase")
    assert case.get("name") == "wfctl.WF001" and case.get("line") == "3"
    assert "did you mean" in case.find("failure").get("message")
