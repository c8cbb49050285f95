"""`wfctl diff` and `wfctl graph`: table-driven pairs through the CLI, git mode, bad input, units."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import FIXTURES, run
from wfctl.diff.normalize import normalize, render_path, strip_server_fields

CASES = FIXTURES / "diff"


def diff_json(old, new, *extra):
    result = run("diff", str(old), str(new), "-o", "json", *extra)
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None), result


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("formatting", []),
        ("reorder", []),
        (
            "image",
            [
                ("changed", "spec.arguments.parameters[region].value"),
                ("changed", "spec.templates[run].container.image"),
            ],
        ),
        ("task-added", [("added", "spec.templates[main].dag.tasks[report]")]),
        ("dependency", [("changed", "spec.templates[main].dag.tasks[load].depends")]),
        (
            "rename",
            [
                ("changed", "spec.templates[main].dag.tasks[extract].template"),
                ("changed", "spec.templates[main].dag.tasks[load].template"),
                ("changed", "spec.templates[main].dag.tasks[transform].template"),
                ("renamed", "spec.templates[run]"),
            ],
        ),
        (
            "script",
            [
                ("changed", "spec.templates[run].container.args[0]"),
                ("changed", "spec.templates[run].container.env[LOG].value"),
            ],
        ),
        ("multi", [("added", ""), ("changed", "spec.templates[t].container.image"), ("removed", "")]),
    ],
)
def test_diff_pairs(case, expected):
    code, payload, _ = diff_json(CASES / case / "old.yaml", CASES / case / "new.yaml")
    got = sorted((c["op"], c["path"]) for c in payload["changes"])
    assert got == sorted(expected)
    assert code == (1 if expected else 0)


def test_change_fields_and_resources():
    _, payload, _ = diff_json(CASES / "multi" / "old.yaml", CASES / "multi" / "new.yaml")
    by_res = {c["resource"]: c for c in payload["changes"]}
    assert by_res["WorkflowTemplate/a"]["op"] == "removed" and by_res["WorkflowTemplate/c"]["op"] == "added"
    b = by_res["WorkflowTemplate/b"]
    assert (b["before"], b["after"]) == ("busybox:1.36", "busybox:1.37")
    _, payload, _ = diff_json(CASES / "rename" / "old.yaml", CASES / "rename" / "new.yaml")
    rename = next(c for c in payload["changes"] if c["op"] == "renamed")
    assert (rename["before"], rename["after"]) == ("run", "execute")


def test_directories(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(CASES / "image" / "old.yaml", tmp_path / "a" / "p.yaml")
    shutil.copy(CASES / "image" / "new.yaml", tmp_path / "b" / "renamed-file.yaml")
    code, payload, _ = diff_json(tmp_path / "a", tmp_path / "b")
    assert code == 1 and len(payload["changes"]) == 2


def test_ignore_glob():
    code, payload, _ = diff_json(
        CASES / "image" / "old.yaml",
        CASES / "image" / "new.yaml",
        "--ignore",
        "spec.arguments.*",
        "--ignore",
        "*.image",
    )
    assert code == 0 and payload["changes"] == []


def test_text_and_markdown_output():
    result = run("diff", str(CASES / "script" / "old.yaml"), str(CASES / "script" / "new.yaml"))
    assert "template run" in result.stdout and "-echo finished" in result.stdout and "+echo done" in result.stdout
    assert "\x1b[" not in result.stdout
    md = run("diff", str(CASES / "script" / "old.yaml"), str(CASES / "script" / "new.yaml"), "-o", "markdown").stdout
    assert md.startswith("**wfctl diff**: 2 changes") and "<details>" in md and "### `Workflow/pipeline`" in md


def test_generate_name_matching(tmp_path):
    doc = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: g-}\nspec:\n  entrypoint: {e}\n"
    (tmp_path / "old.yaml").write_text(doc.replace("{e}", "a") + "---\n" + doc.replace("{e}", "b"))
    (tmp_path / "new.yaml").write_text(doc.replace("{e}", "a") + "---\n" + doc.replace("{e}", "c"))
    _code, payload, _ = diff_json(tmp_path / "old.yaml", tmp_path / "new.yaml")
    assert [(c["resource"], c["path"], c["before"], c["after"]) for c in payload["changes"]] == [
        ("Workflow/g-*", "spec.entrypoint", "b", "c")
    ]


@pytest.mark.parametrize("side", ["old", "new"])
def test_invalid_yaml_is_exit_2(tmp_path, side):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    good = CASES / "image" / "old.yaml"
    args = (bad, good) if side == "old" else (good, bad)
    code, _, result = diff_json(*args)
    assert code == 2 and "YAML syntax error" in result.stderr and "bad.yaml" in result.stderr


def test_usage_errors():
    assert run("diff", str(CASES / "image" / "old.yaml")).exit_code == 2
    assert run("diff", str(CASES / "image"), str(CASES / "image" / "old.yaml")).exit_code == 2
    assert run("diff", "--to", "HEAD", "x").exit_code == 2


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git not installed")

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (tmp_path / "wf").mkdir()
    shutil.copy(CASES / "image" / "old.yaml", tmp_path / "wf" / "p.yaml")
    (tmp_path / "README.txt").write_text("not yaml")
    git("add", ".")
    git("commit", "-qm", "one")
    monkeypatch.chdir(tmp_path)
    return git


def test_git_mode(repo, tmp_path):
    result = run("diff", "--git", "HEAD", "-o", "json")
    assert result.exit_code == 0, result.stderr
    shutil.copy(CASES / "image" / "new.yaml", tmp_path / "wf" / "p.yaml")
    result = run("diff", "--git", "HEAD", "wf", "-o", "json")
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["changes"]) == 2
    repo("commit", "-qam", "two")
    result = run("diff", "--git", "HEAD~1", "--to", "HEAD", "-o", "json")
    assert result.exit_code == 1 and len(json.loads(result.stdout)["changes"]) == 2
    result = run("diff", "--git", "no-such-rev")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_graph_outputs():
    path = str(FIXTURES / "examples" / "dag.yaml")
    text = run("graph", path).stdout
    assert "D: echo  <- B, C" in text
    mermaid = run("graph", path, "-o", "mermaid").stdout
    assert mermaid.startswith("flowchart TD") and "n_A --> n_B" in mermaid
    dot = run("graph", path, "-o", "dot").stdout
    assert dot.startswith('digraph "diamond"') and '"A" -> "B";' in dot
    steps = run("graph", str(FIXTURES / "examples" / "steps.yaml")).stdout
    assert "print-a: print  <- generate" in steps and "print-b: print  <- generate" in steps
    assert run("graph", path, "--template", "nope").exit_code == 2


def test_graph_diff_marks(repo, tmp_path):
    shutil.copy(CASES / "task-added" / "new.yaml", tmp_path / "wf" / "p.yaml")
    text = run("graph", "wf/p.yaml", "--diff", "HEAD").stdout
    assert "+   report: run  <- load" in text
    mermaid = run("graph", "wf/p.yaml", "--diff", "HEAD", "-o", "mermaid").stdout
    assert "style n_report fill:#d4f8d4" in mermaid


def test_normalize_units():
    data = {"spec": {"templates": [{"name": "b"}, {"name": "a"}], "steps": [[{"name": "x"}]], "args": ["1", "2"]}}
    n = normalize(data)
    assert list(n["spec"]["templates"]) == ["[b]", "[a]"] and n["spec"]["steps"] == [{"[x]": {"name": "x"}}]
    assert n["spec"]["args"] == ["1", "2"]
    assert (
        render_path(["spec", "templates", "[main]", "dag", "tasks", "[b]", "args", 0])
        == "spec.templates[main].dag.tasks[b].args[0]"
    )
    live = {
        "metadata": {
            "name": "x",
            "uid": "1",
            "resourceVersion": "2",
            "managedFields": [],
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
        },
        "status": {"phase": "Running"},
        "spec": {},
    }
    assert strip_server_fields(live) == {"metadata": {"name": "x"}, "spec": {}}
