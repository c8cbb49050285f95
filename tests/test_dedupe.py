"""`wfctl dedupe`: merges, fixed points, near-duplicates, layout kept, safety, cross-file extraction."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.conftest import FIXTURES, run
from wfctl.dedupe.find import merge_plan
from wfctl.dedupe.plan import dedupe_text
from wfctl.loader.yaml import parse

HEAD = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: d-
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: a
            template: one
          - name: b
            template: two
"""
ONE = """\
    - name: one
      container:
        image: busybox:1.36
        args: [echo, hi]
"""


def write(tmp_path, text, name="wf.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return f


def dedupe_json(*args):
    result = run("dedupe", "-o", "json", *map(str, args))
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else None, result


def test_exact_duplicates_merge_into_the_first(tmp_path):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two"))
    code, payload, _ = dedupe_json(f)
    entry = payload["files"][0]
    assert code == 0 and entry["merged"] == {"Workflow/d-": {"two": "one"}}
    assert (entry["templates_before"], entry["templates_after"]) == (3, 2)
    assert entry["bytes_after"] < entry["bytes_before"] and entry["json_bytes_after"] < entry["json_bytes_before"]
    assert f.read_text() == HEAD + ONE + ONE.replace("name: one", "name: two")  # no --write: untouched


def test_write_check_and_idempotence(tmp_path):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two"))
    os.chmod(f, 0o640)
    assert run("dedupe", "--check", str(f)).exit_code == 1
    result = run("dedupe", "--write", str(f))
    assert result.exit_code == 0 and "rewrote 1 of 1 files" in result.stdout
    assert "template: one\n          - name: b\n            template: one" in f.read_text()
    assert "name: two" not in f.read_text()
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name != "wf.yaml"]  # no temp files left
    before = f.read_text()
    assert run("dedupe", "--write", str(f)).exit_code == 0 and f.read_text() == before
    assert run("dedupe", "--check", str(f)).exit_code == 0


def test_diff_preview(tmp_path):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two"))
    out = run("dedupe", str(f)).stdout
    assert "-            template: two\n+            template: one" in out and "-    - name: two" in out


def test_chain_collapses_at_fixed_point():
    text = (FIXTURES / "dedupe" / "chain.yaml").read_text()
    report = dedupe_text("chain.yaml", text)
    assert report.merged == {"Workflow/copies-": {"echo-b": "echo-a", "wrap-b": "wrap-a"}}
    # comments, quoting and blank lines of untouched parts survive byte for byte
    assert 'template: "echo-a"' in report.after_text
    assert "template: echo-a   # first copy" in report.after_text
    assert "    # the first wrapper\n" in report.after_text
    assert "image: busybox:1.36   # pinned" in report.after_text
    kept = [line for line in text.splitlines() if line not in report.after_text.splitlines()]
    assert all(
        "echo-b" in line
        or "wrap-b" in line
        or line.strip().startswith(("- - name: inner", "steps:", "command:", "image:", "container:"))
        for line in kept
    ), kept


@pytest.mark.parametrize(
    "change",
    [
        ("args: [echo, hi]", "args: [echo, bye]"),  # one arg
        ("busybox:1.36", "busybox:1.37"),  # image tag
    ],
)
def test_near_duplicates_do_not_merge(tmp_path, change):
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two").replace(*change))
    _code, payload, _ = dedupe_json(f)
    assert payload["files"][0]["merged"] == {}


def test_parameter_default_matters():
    spec = {
        "templates": [
            {"name": "a", "inputs": {"parameters": [{"name": "p", "default": "1"}]}, "container": {"image": "x"}},
            {"name": "b", "inputs": {"parameters": [{"name": "p", "default": "2"}]}, "container": {"image": "x"}},
            {"name": "c", "container": {"image": "x"}, "inputs": {"parameters": [{"default": "1", "name": "p"}]}},
        ]
    }
    assert merge_plan(spec) == {"c": "a"}  # key order does not matter, values do


def test_multi_document_and_templates_left_alone(tmp_path):
    wft = (
        "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: lib}\nspec:\n  templates:\n"
        + ONE
        + ONE.replace("name: one", "name: two")
    )
    f = write(tmp_path, HEAD + ONE + ONE.replace("name: one", "name: two") + "---\n" + wft)
    _, payload, _ = dedupe_json(f)
    entry = payload["files"][0]
    assert list(entry["merged"]) == ["Workflow/d-"]
    assert any("WorkflowTemplate/lib" in n and "left alone" in n for n in entry["notes"])
    _, payload, _ = dedupe_json("--include-templates", f)
    assert set(payload["files"][0]["merged"]) == {"Workflow/d-", "WorkflowTemplate/lib"}


def test_anchors_and_aliases(tmp_path):
    text = (
        HEAD + "    - name: one\n      container: &c\n        image: busybox:1.36\n        args: [echo, hi]\n"
        "    - name: two\n      container: *c\n"
    )
    f = write(tmp_path, text)
    code, payload, _ = dedupe_json("--write", f)
    assert code == 0 and payload["files"][0]["merged"] == {"Workflow/d-": {"two": "one"}}
    assert "*c" not in f.read_text() and "&c" in f.read_text()


def test_refusal_when_equivalence_cannot_be_proven(tmp_path):
    # the copy to delete holds an anchor that another template uses: deleting it would break the file
    text = (
        HEAD + "    - name: one\n      container:\n        image: busybox:1.36\n        args: [echo, hi]\n"
        "    - name: two\n      container: &c\n        image: busybox:1.36\n        args: [echo, hi]\n"
        "    - name: three\n      container: *c\n      activeDeadlineSeconds: 5\n"
    )
    f = write(tmp_path, text.replace("template: two", "template: three"))
    before = f.read_text()
    code, _payload, result = dedupe_json("--write", f)
    assert code == 2 and "equivalence could not be proven" in result.stderr
    assert f.read_text() == before


def test_flow_style_templates_are_refused(tmp_path):
    text = HEAD.replace(
        "  templates:\n    - name: main\n      steps:\n        - - name: a\n            template: one\n"
        "          - name: b\n            template: two\n",
        "  templates: [{name: main, steps: [[{name: a, template: one}, {name: b, template: two}]]},"
        " {name: one, container: {image: x}}, {name: two, container: {image: x}}]\n",
    )
    f = write(tmp_path, text)
    code, _, result = dedupe_json(f)
    assert code == 2 and "flow style" in result.stderr


def test_rewritten_file_still_validates(tmp_path):
    f = write(tmp_path, (FIXTURES / "dedupe" / "chain.yaml").read_text())
    assert run("dedupe", "--write", str(f)).exit_code == 0
    assert run("validate", str(f)).exit_code == 0
    assert parse(f.read_text()).problem is None


def test_cross_file_extraction(tmp_path):
    shared = "    - name: hello\n      container:\n        image: busybox:1.36\n        command: [echo, hello]\n"
    who = (
        '    - name: who\n      container:\n        image: busybox:1.36\n        command: [echo, "{{workflow.name}}"]\n'
    )
    for n in ("a", "b"):
        write(
            tmp_path,
            HEAD.replace("template: one", "template: hello")
            .replace("template: two", "template: who")
            .replace("d-", f"{n}-")
            + shared
            + who,
            f"{n}.yaml",
        )
    out = tmp_path / "lib" / "common.yaml"
    out.parent.mkdir()
    code, payload, _ = dedupe_json(
        "--write", "--extract-to", out, "--name", "common", tmp_path / "a.yaml", tmp_path / "b.yaml"
    )
    assert code == 0 and payload["extracted_to"] == str(out)
    a = (tmp_path / "a.yaml").read_text()
    assert "templateRef: {name: common, template: hello}" in a and "- name: hello" not in a
    assert "- name: who" in a  # reads {{workflow.*}}: left alone, and said so
    assert any("workflow" in n for n in payload["files"][0]["notes"])
    assert "name: common" in out.read_text()
    result = run("validate", "--strict-refs", str(tmp_path))
    assert result.exit_code == 0, result.stdout
    # the WorkflowTemplate file is never overwritten
    assert run("dedupe", "--extract-to", str(out), "--name", "common", str(tmp_path / "a.yaml")).exit_code == 2


def test_usage_and_input_errors(tmp_path):
    assert run("dedupe", str(tmp_path / "missing.yaml")).exit_code == 2
    assert run("dedupe", "--extract-to", "x.yaml", str(tmp_path)).exit_code == 2
    bad = write(tmp_path, "a: [\n", "bad.yaml")
    code, _payload, result = dedupe_json(bad)
    assert code == 2 and "cannot read" in result.stderr


def test_crlf_line_endings_are_kept(tmp_path):
    f = tmp_path / "wf.yaml"
    f.write_bytes((HEAD + ONE + ONE.replace("name: one", "name: two")).replace("\n", "\r\n").encode())
    assert run("dedupe", "--write", str(f)).exit_code == 0
    data = f.read_bytes()
    assert b"name: two" not in data and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
