"""Hostile input through every command that reads manifests: never a traceback, never a hang, exit 0/1/2.

Each input class below (binary, bad encodings, BOMs, line endings, tabs, duplicate keys, alias bombs, deep
nesting, keys that are not strings, wrong types where Argo expects a mapping or a list...) is run through
validate, lint, diff (files and directories), graph, dedupe (check and --write), fix (check and --write) and
apply --dry-run=client, next to a file with a known finding that must still be reported. The regressions
found by fuzzing these commands get their own tests at the end.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import run

GOOD = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: a
        template: echo
      - name: b
        template: echo
        dependencies: [a]
  - name: echo
    container:
      image: alpine:3.20
      command: [echo, hi]
"""
# a known finding on a known line: it must survive whatever the other file in the run does
BAD = GOOD.replace("      - name: a\n        template: echo", "      - name: a\n        template: nope")
BAD_AT = "zz_bad.yaml:12:19"
_SPEC = GOOD.index("spec:")
_TEMPLATES = GOOD.index("  templates:")
_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)


def _hostile() -> dict[str, bytes]:
    text = {
        "empty.yaml": "",
        "dashes.yaml": "---\n---\n",
        "tabs.yaml": GOOD.replace("  - name: main", "\t- name: main"),
        "dupkeys.yaml": GOOD.replace("  entrypoint: main\n", "  entrypoint: main\n  entrypoint: x\n"),
        "cr.yaml": GOOD.replace("\n", "\r"),
        "mixed_eol.yaml": GOOD.replace("\n", "\r\n", 5).replace("\n", "\r", 3),
        "bomb.yaml": GOOD[:_SPEC] + "spec:\n  " + _BOMB.replace("\n", "\n  ").rstrip() + "\n",
        "deep.yaml": GOOD.replace("command: [echo, hi]", "command: " + "[" * 300 + "]" * 300),
        "key_int.yaml": GOOD.replace("  - name: main\n", "  - name: main\n    1: x\n"),
        "key_null.yaml": GOOD.replace("kind: Workflow\n", "kind: Workflow\n~: x\n"),
        "key_map.yaml": GOOD.replace("  entrypoint: main\n", "  entrypoint: main\n  ? {a: b}\n  : x\n"),
        "metadata_null.yaml": GOOD.replace("metadata:\n  generateName: hello-\n", "metadata: null\n"),
        "spec_list.yaml": GOOD[:_SPEC] + "spec: []\n",
        "spec_str.yaml": GOOD[:_SPEC] + "spec: x\n",
        "templates_map.yaml": GOOD[:_TEMPLATES] + "  templates: {}\n",
        "templates_items.yaml": GOOD[:_TEMPLATES] + "  templates: [~, 1, [x], {name: [a]}]\n",
        "dup_template.yaml": GOOD + "  - name: echo\n    container: {image: alpine}\n" * 2,
        "bad_tag.yaml": GOOD.replace("  entrypoint: main", "  entrypoint: !!int main"),
        "json_comments.json": '// c\n{"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "spec": {}}',
        "non_argo.yaml": "a: b: c\n",
        "scalar.yaml": "just text\n",
    }
    raw = {name: body.encode() for name, body in text.items()}
    raw["binary.yaml"] = bytes(range(256))
    raw["latin1.yaml"] = GOOD.replace("hi]", "h\u00e9]").encode("latin-1")
    raw["nul.yaml"] = GOOD.replace("hi]", "h\x00i]").encode()
    raw["utf16.yaml"] = codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le")
    raw["utf32_odd.yaml"] = codecs.BOM_UTF32_BE + GOOD.encode("utf-32-be")[:-2]
    raw["utf8_bom.yaml"] = codecs.BOM_UTF8 + GOOD.encode()
    return raw


HOSTILE = _hostile()
COMMANDS = {
    "validate": lambda f, d: ["validate", "--no-cache", "-j", "1", str(f), str(d / "zz_bad.yaml")],
    "lint": lambda f, d: ["lint", "--no-cache", "-j", "1", str(d / "zz_bad.yaml"), str(f)],
    "diff-old": lambda f, d: ["diff", str(f), str(d / "good.yaml")],
    "diff-new": lambda f, d: ["diff", str(d / "good.yaml"), str(f)],
    "diff-dirs": lambda f, d: ["diff", str(d / "old"), str(d / "new")],
    "graph": lambda f, d: ["graph", str(f)],
    "dedupe-check": lambda f, d: ["dedupe", "--check", str(f)],
    "dedupe-write": lambda f, d: ["dedupe", "--write", str(d / "copy" / f.name)],
    "fix": lambda f, d: ["fix", str(f)],
    "fix-write": lambda f, d: ["fix", "--write", str(d / "copy" / f.name)],
    "apply": lambda f, d: ["apply", "--dry-run=client", "-o", "yaml", "-f", str(f)],
}


def _workspace(tmp_path: Path, name: str) -> Path:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "copy").mkdir()
    (tmp_path / name).write_bytes(HOSTILE[name])
    (tmp_path / "copy" / name).write_bytes(HOSTILE[name])
    (tmp_path / "old" / "x.yaml").write_bytes(HOSTILE[name])
    for where in (tmp_path / "good.yaml", tmp_path / "new" / "x.yaml", tmp_path / "old" / "g.yaml"):
        where.write_text(GOOD)
    (tmp_path / "new" / "g.yaml").write_text(GOOD)
    (tmp_path / "zz_bad.yaml").write_text(BAD)
    return tmp_path / name


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_command_survives_hostile_input(tmp_path: Path, name: str) -> None:
    target = _workspace(tmp_path, name)
    for command, argv in COMMANDS.items():
        # conftest.run does not catch exceptions: a crash fails the test with its traceback
        result = run(*argv(target, tmp_path))
        output = result.stdout + result.stderr
        assert result.exit_code in (0, 1, 2), (command, result.exit_code, output)
        assert "internal error" not in output and "Traceback" not in output, (command, output)
        if command in ("validate", "lint"):  # the other file's finding is never lost
            assert BAD_AT in result.stdout, (command, output)
            assert result.exit_code == 1, (command, output)


@pytest.mark.parametrize(
    ("name", "rule", "line"),
    [
        ("tabs.yaml", "WF010", 8),
        ("dupkeys.yaml", "WF011", 7),
        ("bomb.yaml", "WF015", 11),
        ("deep.yaml", "WF010", 19),
        ("key_null.yaml", "WF010", 3),
        ("key_map.yaml", "WF010", 7),
        ("binary.yaml", "WF013", 1),
        ("latin1.yaml", "WF012", 19),
        ("nul.yaml", "WF013", 1),
        ("utf32_odd.yaml", "WF012", 1),
        ("bad_tag.yaml", "WF010", 6),
        ("spec_str.yaml", "WF002", 5),
        ("templates_map.yaml", "WF002", 7),
        ("json_comments.json", "WF010", 2),
    ],
)
def test_hostile_input_is_a_located_finding(tmp_path: Path, name: str, rule: str, line: int) -> None:
    target = _workspace(tmp_path, name)
    result = run("validate", "--no-cache", "-j", "1", "-o", "json", str(target))
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == rule]
    assert result.exit_code == 1
    assert found and found[0]["line"] == line and found[0]["column"] >= 1, json.loads(result.stdout)["findings"]


# --- regressions found by fuzzing -------------------------------------------------------------------------


def test_diff_of_a_spec_that_is_not_a_mapping(tmp_path: Path) -> None:
    """`spec: x` on one side used to crash the template-rename pass of `wfctl diff`."""
    (tmp_path / "a.yaml").write_text(GOOD[:_SPEC] + "spec: x\n")
    (tmp_path / "b.yaml").write_text(GOOD)
    for old, new in (("a.yaml", "b.yaml"), ("b.yaml", "a.yaml")):
        result = run("diff", str(tmp_path / old), str(tmp_path / new))
        assert result.exit_code == 1, result.output
        assert "1 change in 1 resource" in result.stdout


def test_diff_names_every_unreadable_file_of_a_directory(tmp_path: Path) -> None:
    """Each Argo-looking file that does not read is named (exit 2), not only the first one."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.yaml").write_text(GOOD.replace("  - name: main", "\t- name: main"))
    (old / "b.yaml").write_bytes(GOOD.replace("hi]", "h\u00e9]").encode("latin-1"))
    (old / "c.yaml").write_text(GOOD)
    (new / "c.yaml").write_text(GOOD)
    result = run("diff", str(old), str(new))
    assert result.exit_code == 2
    assert f"{old / 'a.yaml'}:8:1: error WF010 tab character" in result.stderr
    assert f"{old / 'b.yaml'}:19:24: error WF012 file is not valid UTF-8" in result.stderr


def _returns_within(seconds: float, func, *args):
    box: list = []
    worker = threading.Thread(target=lambda: box.append(func(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert box, f"{func.__name__} did not return within {seconds}s"
    return box[0]


def test_merge_plan_with_a_repeated_template_name_ends() -> None:
    """Two templates with the same name and body used to map the name onto itself: an endless loop."""
    from wfctl.dedupe.find import merge_plan

    same = {"name": "echo", "container": {"image": "alpine"}}
    spec = {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "x"}}, same, dict(same)]}
    assert _returns_within(20, merge_plan, spec) == {}


def test_merge_plan_never_merges_away_a_repeated_name() -> None:
    """[echo(A), x(B), echo(B)]: merging echo into x used to drop both `echo` templates, A's body lost."""
    from wfctl.dedupe.find import merge_plan

    spec = {
        "templates": [
            {"name": "echo", "container": {"image": "alpine", "command": ["a"]}},
            {"name": "x", "container": {"image": "busybox"}},
            {"name": "echo", "container": {"image": "busybox"}},
        ]
    }
    assert merge_plan(spec) == {}
    # without the repeated name the merge happens
    spec["templates"][2]["name"] = "y"
    assert merge_plan(spec) == {"y": "x"}


def test_dedupe_cli_keeps_every_template_of_a_file_with_a_repeated_name(tmp_path: Path) -> None:
    text = """apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: d}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: echo}
      - {name: b, template: x}
  - name: echo
    container: {image: alpine, command: [a]}
  - name: x
    container: {image: busybox}
  - name: echo
    container: {image: busybox}
  - name: echo
    container: {image: busybox}
"""
    path = tmp_path / "wf.yaml"
    path.write_text(text)
    # a subprocess with a timeout: the old code never returned
    proc = subprocess.run(
        [sys.executable, "-m", "wfctl", "dedupe", "--write", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode in (0, 2), proc.stderr
    assert "internal error" not in proc.stderr
    assert path.read_text() == text


MANIFEST_CASES = {
    "deep": ("x: " + "[" * 300 + "]" * 300, "YAML nesting deeper than 200 levels", 1),
    "bomb": (_BOMB, "YAML aliases expand to more than", 6),
    "bad-tag": ("a: 1\nb: !!int abc", "cannot decode !!str `abc` as a !!int", 2),
    "list-key": ("? [a]\n: 1", "invalid map key: a list cannot be a key", 1),
    "recursive": ("a: &a [*a]", "recursive YAML alias", 1),
    "duplicate-key": ("a: 1\na: 2", "duplicate key 'a'", 2),
    "syntax": ("a: [b", "YAML syntax error", 1),
}


def _resource_workflow(manifest: str) -> str:
    body = "\n".join("        " + line for line in manifest.splitlines())
    return f"""apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {{name: r}}
spec:
  entrypoint: main
  templates:
  - name: main
    resource:
      action: create
      manifest: |
{body}
"""


@pytest.mark.parametrize("case", sorted(MANIFEST_CASES))
def test_resource_manifest_document_problems_are_findings(tmp_path: Path, case: str) -> None:
    """Per-document problems of a resource template's manifest (depth, alias bomb, bad tag...) used to pass."""
    manifest, message, manifest_line = MANIFEST_CASES[case]
    path = tmp_path / "wf.yaml"
    path.write_text(_resource_workflow(manifest))
    result = run("validate", "--no-cache", "-j", "1", "-o", "json", str(path))
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "WF123"]
    assert result.exit_code == 1, result.output
    assert len(found) == 1 and message in found[0]["message"], found
    assert f"(line {manifest_line} of the manifest)" in found[0]["message"]
    assert (found[0]["line"], found[0]["column"]) == (10, 17)


def test_resource_manifest_that_is_fine_has_no_finding(tmp_path: Path) -> None:
    path = tmp_path / "wf.yaml"
    path.write_text(_resource_workflow("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}"))
    result = run("validate", "--no-cache", "-j", "1", str(path))
    assert result.exit_code == 0, result.output
    assert "WF123" not in result.output and result.stderr == ""
    assert result.stdout.splitlines() == ["0 errors, 0 warnings in 1 file (1 Argo document checked)"]


def test_resource_rule_unit_reports_each_document(tmp_path: Path) -> None:
    """Unit level: the rule reads every document of a multi-document manifest."""
    from wfctl.argo.index import TemplateIndex
    from wfctl.engine import Checker, Settings, load
    from wfctl.loader.discovery import Source

    text = _resource_workflow("a: 1\n---\nb: !!int x\n---\nc: &c [*c]")
    loaded = load(Source("wf.yaml", content=text.encode()), Settings())
    index = TemplateIndex()
    index.add(loaded.documents)
    findings = Checker(Settings(), index).check(loaded).findings
    messages = sorted(f.message for f in findings if f.rule == "WF123")
    assert len(messages) == 2, messages
    assert "line 3 of the manifest" in messages[0] and "!!int" in messages[0]
    assert "line 5 of the manifest" in messages[1] and "recursive" in messages[1]


def test_null_where_a_string_is_expected_is_named_once(tmp_path: Path) -> None:
    """`dependencies: [~]` said `got null None` and WF113 `depends on None`: one finding, the type's."""
    path = tmp_path / "wf.yaml"
    path.write_text(GOOD.replace("dependencies: [a]", "dependencies: [~]"))
    result = run("validate", "--no-cache", "-j", "1", "-o", "json", str(path))
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in findings] == [
        ("WF002", 15, 24, "expected string, got null")
    ]
