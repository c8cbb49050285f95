"""Every reporter renders the same awkward findings (multi-line message, '%', ',' and ':' in a file
name, a finding without a position) into its format."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run
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
    assert payload["findings"][1]["message"] == "50% sure\nsecond line"
    assert "skipped" not in payload
    assert json.loads(render("json", verbosity=1))["skipped"][0] == {
        "file": "dir,a:b.yaml",
        "document": "document 2: v1 Pod/p",
    }


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
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dir%2Ca%3Ab.yaml"
    assert results[1]["message"]["text"] == "50% sure\nsecond line"
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
    assert [s.get("file") for s in suites] == ["dir,a:b.yaml", "other.yaml"]
    case = suites[0].find("testcase")
    assert case.get("name") == "WF001 (3:5)" and case.get("classname") == "dir,a:b.yaml"
    assert case.find("failure").get("message") == "unknown field 'x': did you mean 'y'?"
    assert case.find("failure").text == "dir,a:b.yaml:3:5: error WF001: unknown field 'x': did you mean 'y'?"
    assert [c.get("name") for c in suites[1]] == ["WF206 (0:0)"]
    assert (root.get("tests"), suites[0].get("tests"), suites[0].get("failures")) == ("3", "2", "2")


# --- every format on one fixture set, through the CLI: golden files and published schemas ----------
#
# `WFCTL_UPDATE_GOLDEN=1 pytest tests/test_reporters.py` rewrites tests/golden/ from the current output;
# review the diff before committing it.

GOLDEN = ROOT / "tests" / "golden"
DATA = ROOT / "tests" / "data"
SUFFIX = {"text": "txt", "json": "json", "github": "txt", "sarif": "json", "gitlab": "json", "junit": "xml"}
GOLDEN_ARGS = (
    "lint",
    "--isolated",
    "--no-cache",
    "--color",
    "never",
    "--select",
    "WF1,WF201,WF206",
    "tests/golden/input",
)


def cli_output(fmt: str, monkeypatch) -> tuple[int, str]:
    monkeypatch.chdir(ROOT)  # file names in the output are relative to the working directory
    result = run(*GOLDEN_ARGS, "-o", fmt, *(["-v"] if fmt in ("text", "json") else []), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout


def normalise_sarif(text: str) -> str:
    """The SARIF log without what changes with every release: the version, and the metadata of rules
    that no result refers to (the full log is checked against the schema separately)."""
    doc = json.loads(text)
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    for result in run_["results"]:
        assert rules[result.pop("ruleIndex")]["id"] == result["ruleId"]
    used = {r["ruleId"] for r in run_["results"]}
    run_["tool"]["driver"]["rules"] = [r for r in rules if r["id"] in used]
    run_["tool"]["driver"]["version"] = "<version>"
    return json.dumps(doc, indent=2) + "\n"


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_golden_output(fmt, monkeypatch):
    assert sorted(SUFFIX) == names()  # a new format needs a golden file too
    code, out = cli_output(fmt, monkeypatch)
    assert code == 1
    if fmt == "sarif":
        out = normalise_sarif(out)
    golden = GOLDEN / f"{fmt}.{SUFFIX[fmt]}"
    if os.environ.get("WFCTL_UPDATE_GOLDEN") == "1":
        golden.write_text(out, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing: run with WFCTL_UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8")


def test_golden_fixture_set_covers_what_users_see(monkeypatch):
    _, text = cli_output("text", monkeypatch)
    for wanted in (" error WF001 ", " warning WF201 ", " info WF206 ", " error WF010 ", "odd name, 100%.yaml:"):
        assert wanted in text
    assert "chart/templates/deployment.yaml: skipped document 1: not an Argo manifest" in text
    assert "mixed.yaml: skipped document 1: v1 ConfigMap/settings" in text


def sarif_validator():
    import jsonschema

    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def junit_schema():
    xmlschema = pytest.importorskip("xmlschema", reason="pip install -e '.[test]' brings xmlschema")
    return xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))


_URI_REFERENCE = re.compile(r"[A-Za-z0-9\-._~/%]+")  # what quote(safe="/") produces: a valid relative reference


def check_sarif(text: str) -> dict:
    doc = json.loads(text)
    errors = sorted(sarif_validator().iter_errors(doc), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    for result in doc["runs"][0]["results"]:
        assert _URI_REFERENCE.fullmatch(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    return doc


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(monkeypatch):
    _, out = cli_output("sarif", monkeypatch)
    doc = check_sarif(out)
    results = doc["runs"][0]["results"]
    assert len(results) == 7
    assert any("fixes" in r for r in results)  # the fix of a quotable number is valid SARIF too
    check_sarif(render("sarif"))  # the awkward unit findings too


def test_schema_validation_catches_a_broken_sarif_log(monkeypatch):
    _, out = cli_output("sarif", monkeypatch)
    doc = json.loads(out)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert list(sarif_validator().iter_errors(doc))


def test_junit_marks_files_without_argo_documents_skipped(monkeypatch):
    from xml.etree import ElementTree as ET

    _, out = cli_output("junit", monkeypatch)
    suites = {s.get("name").rsplit("/", 1)[-1]: s for s in ET.fromstring(out).findall("testsuite")}
    helm = suites["deployment.yaml"]
    assert helm.get("skipped") == "1"
    assert helm.find("testcase/skipped").get("message").startswith("document 1: not an Argo manifest")
    assert suites["mixed.yaml"].get("skipped") is None and suites["mixed.yaml"].find("testcase/skipped") is None


def test_junit_is_valid_against_the_junit_xsd(monkeypatch):
    schema = junit_schema()
    _, out = cli_output("junit", monkeypatch)
    schema.validate(out)
    schema.validate(render("junit"))
    broken = out.replace("<testcase ", '<testcase line="3" ', 1)  # what the reporter used to write
    assert not schema.is_valid(broken)


# --- any file name: bytes that are not UTF-8, control characters --------------------------------------

EXPECT_NAME = {
    "text": "bad\\xff\\x01name.yaml:",
    "github": "bad\\xff\\x01name.yaml",
    "json": "bad\\xff\\x01name.yaml",
    "gitlab": "bad\\xff\\x01name.yaml",
    "junit": "bad\\xff\\x01name.yaml",
    "sarif": "bad%5Cxff%5Cx01name.yaml",
}


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs a file system that takes any bytes")
@pytest.mark.parametrize("fmt", sorted(EXPECT_NAME))
def test_non_utf8_file_name_in_every_format(tmp_path, fmt):
    """A real file named with a byte that is not UTF-8 and a control character, run as a user would."""
    directory = os.fsencode(tmp_path)
    with open(os.path.join(directory, b"bad\xff\x01name.yaml"), "wb") as fh:
        fh.write((ROOT / "tests" / "golden" / "input" / "errors.yaml").read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "wfctl", "validate", "--no-cache", "--isolated", "-o", fmt, "."],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"},
    )
    assert proc.returncode == 1, proc.stderr.decode(errors="replace")
    assert b"internal error" not in proc.stderr
    out = proc.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    if fmt == "json":
        assert {f["file"] for f in json.loads(out)["findings"]} == {EXPECT_NAME[fmt]}
    elif fmt == "gitlab":
        assert {i["location"]["path"] for i in json.loads(out)} == {EXPECT_NAME[fmt]}
    else:
        assert EXPECT_NAME[fmt] in out
    if fmt == "sarif":
        check_sarif(out)
    if fmt == "junit":
        junit_schema().validate(out)


def test_escaping_is_the_same_everywhere():
    name = os.fsdecode(b"d/\xfe\nx.yaml")
    finding = Finding("WF001", Severity.ERROR, "m\udcff", name, 1, 1, 1, 2)
    outs = {}
    for fmt in names():
        stream = io.StringIO()
        reporter = get_reporter(fmt, stream)
        summary = Summary()
        result = FileResult(name, [finding], documents=1)
        summary.add(result)
        reporter.write(result)
        reporter.flush(summary)
        outs[fmt] = stream.getvalue()
        outs[fmt].encode("utf-8")  # no lone surrogate left
    for fmt in ("text", "json", "gitlab", "junit"):
        assert "d/\\xfe\\x0ax.yaml" in outs[fmt].replace("\\\\", "\\"), fmt
    assert "d/\\xfe\\x0ax.yaml" in outs["github"]
    assert "d/%5Cxfe%5Cx0ax.yaml" in outs["sarif"]


def test_shipped_schemas_match_their_recorded_provenance():
    import hashlib

    provenance = (DATA / "README.md").read_text(encoding="utf-8")
    for name in ("sarif-schema-2.1.0.json", "junit-10.xsd"):
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert f"`{name}`" in provenance and digest in provenance, name
