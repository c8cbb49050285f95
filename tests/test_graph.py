"""`wfctl graph`: what each format draws (nodes, edges, loops, conditions, cycles), workflowTemplateRef,
stdin, --diff marks, errors; and the graph model at unit level."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import FIXTURES, run
from tests.gitrepo import git_repo

GRAPHS = FIXTURES / "graph"
DAG = str(FIXTURES / "examples" / "dag.yaml")


def test_outputs():
    text = run("graph", DAG).stdout
    assert text.splitlines() == [
        "diamond",
        "    A: echo",
        "    B: echo  <- A",
        "    C: echo  <- A",
        "    D: echo  <- B, C",
    ]
    mermaid = run("graph", DAG, "-o", "mermaid").stdout
    assert mermaid.startswith("flowchart TD") and "n_A --> n_B" in mermaid and 'n_D["D: echo"]' in mermaid
    dot = run("graph", DAG, "-o", "dot").stdout
    assert dot.startswith('digraph "diamond"') and '"A" -> "B";' in dot
    steps = run("graph", str(FIXTURES / "examples" / "steps.yaml")).stdout
    assert "print-a: print  <- generate" in steps and "print-b: print  <- generate" in steps


def test_loops_and_conditions_on_nodes():
    path = str(GRAPHS / "loops.yaml")
    text = run("graph", path)
    assert text.exit_code == 0 and text.stderr == ""
    lines = text.stdout.splitlines()
    assert "    per-region: echo  <- list  [loop: withItems (3 items)]" in lines
    assert "    per-file: echo  <- list  [loop: withParam {{tasks.list.outputs.result}}]" in lines
    assert "    shards: echo  <- list  [loop: withSequence count 4]" in lines
    assert (
        '    publish: echo  <- per-region, per-file, shards  [when: {{workflow.parameters.publish}} == "true"]' in lines
    )
    mermaid = run("graph", path, "-o", "mermaid").stdout
    assert 'n_per_region["per-region: echo<br/>loop: withItems (3 items)"]' in mermaid
    assert 'n_publish["publish: echo<br/>when: {{workflow.parameters.publish}} == #quot;true#quot;"]' in mermaid
    dot = run("graph", path, "-o", "dot").stdout
    assert '"shards" [label="shards: echo\\nloop: withSequence count 4"];' in dot
    assert '"publish" [label="publish: echo\\nwhen: {{workflow.parameters.publish}} == \\"true\\""];' in dot


def test_steps_when_and_recursion(upstream_examples):
    text = run("graph", str(upstream_examples / "coinflip-recursive.yaml")).stdout
    assert "[when: {{steps.flip-coin.outputs.result}} == tails]  [recursive]" in text


def test_cycle_drawn_and_flagged():
    path = str(GRAPHS / "cycle.yaml")
    result = run("graph", path)
    assert result.exit_code == 0
    assert "    a: echo  <- start, c" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "! dependency cycle: a -> b -> c -> a (Argo rejects this DAG)"
    assert "dependency cycle a -> b -> c -> a" in result.stderr and "warning" in result.stderr
    mermaid = run("graph", path, "-o", "mermaid").stdout.splitlines()
    links = [line.strip() for line in mermaid if "-->" in line]
    assert links == ["n_start --> n_a", "n_c -->|cycle| n_a", "n_a -->|cycle| n_b", "n_b -->|cycle| n_c"]
    assert "  linkStyle 1,2,3 stroke:#c22,stroke-width:2px" in mermaid
    assert "  %% dependency cycle: a -> b -> c -> a (Argo rejects this DAG)" in mermaid
    dot = run("graph", path, "-o", "dot").stdout
    assert '"c" -> "a" [color=red, fontcolor=red, label="cycle"];' in dot and '"start" -> "a";' in dot


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["ref-workflow.yaml", "template.yaml"], "pipeline (from WorkflowTemplate/etl)"),
        (["ref-workflow.yaml", "--templates", "template.yaml"], "pipeline (from WorkflowTemplate/etl)"),
        (["ref-cron.yaml", "--templates", "."], "pipeline (from WorkflowTemplate/etl)"),
        (["ref-cron.yaml", "template.yaml", "--template", "run"], "run (from WorkflowTemplate/etl)"),
    ],
)
def test_workflow_template_ref_drawn_from_the_template(args, title, monkeypatch):
    monkeypatch.chdir(GRAPHS)
    result = run("graph", *args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == title
    if title.startswith("pipeline"):
        assert lines[1:] == [
            "    extract: run",
            "    transform-a: run  <- extract",
            "    transform-b: run  <- extract",
            "    load: run  <- transform-a, transform-b",
        ]


def test_errors_say_what_to_do(monkeypatch):
    monkeypatch.chdir(GRAPHS)
    missing = run("graph", "ref-cron.yaml")
    assert missing.exit_code == 2
    assert "workflowTemplateRef WorkflowTemplate 'etl', which is not among the files" in missing.stderr
    assert "--templates" in missing.stderr
    none = run("graph", "no-entrypoint.yaml")
    assert none.exit_code == 2 and "None" not in none.stderr
    assert "WorkflowTemplate/library has no entrypoint: choose one with --template (templates: say, twice)" in (
        none.stderr
    )
    chosen = run("graph", "no-entrypoint.yaml", "--template", "twice")
    assert chosen.exit_code == 0 and chosen.stdout.splitlines() == ["twice", "    one: say", "    two: say  <- one"]
    unknown = run("graph", DAG, "--template", "nope")
    assert unknown.exit_code == 2 and "template 'nope' not found in Workflow/dag-diamond-" in unknown.stderr
    unnamed = run("graph", DAG, "--name", "nope")
    assert unnamed.exit_code == 2 and "no Argo workflow named 'nope'" in unnamed.stderr and unnamed.stdout == ""
    nothing = run("graph")
    assert nothing.exit_code == 2 and "Missing argument 'PATHS...'" in nothing.stderr


def test_stdin():
    result = run("graph", "-", "-o", "mermaid", input=(GRAPHS / "loops.yaml").read_text())
    assert result.exit_code == 0 and "n_list --> n_per_region" in result.stdout
    piped = run("graph", "-", "--diff", "HEAD", input="")
    assert piped.exit_code == 2 and "--diff needs files in git, not stdin" in piped.stderr


@pytest.fixture
def repo(tmp_path, monkeypatch):
    return git_repo(tmp_path, monkeypatch, {"wf/p.yaml": FIXTURES / "diff" / "task-added" / "old.yaml"})


def test_diff_marks(repo, tmp_path):
    shutil.copy(FIXTURES / "diff" / "task-added" / "new.yaml", tmp_path / "wf" / "p.yaml")
    text = run("graph", "wf/p.yaml", "--diff", "HEAD").stdout
    assert "+   report: run  <- load" in text
    mermaid = run("graph", "wf/p.yaml", "--diff", "HEAD", "-o", "mermaid").stdout
    assert "style n_report fill:#d4f8d4" in mermaid
    # a loop added to a task marks it changed
    body = (
        (tmp_path / "wf" / "p.yaml")
        .read_text()
        .replace("template: run\n", "template: run\n            withItems: [1, 2]\n", 1)
    )
    (tmp_path / "wf" / "p.yaml").write_text(body)
    text = run("graph", "wf/p.yaml", "--diff", "HEAD").stdout
    assert any(line.startswith("~ ") and "[loop: withItems (2 items)]" in line for line in text.splitlines())


# --- units ----------------------------------------------------------------------------------------


def test_build_units():
    from wfctl.graph.build import build, loop_of

    assert loop_of({"withItems": [1]}) == "withItems (1 item)"
    assert loop_of({"withSequence": {"start": "1", "end": "5"}}) == "withSequence 1..5"
    assert loop_of({"withSequence": {"count": 3, "start": 2}}) == "withSequence count 3 from 2"
    assert loop_of({"withParam": "{{x}}"}) == "withParam {{x}}" and loop_of({}) == ""
    tpls = {
        "main": {
            "name": "main",
            "dag": {"tasks": [{"name": "a", "template": "inner"}, {"name": "b", "depends": "a", "template": "main"}]},
        },
        "inner": {"name": "inner", "steps": [[{"name": "x", "template": "leaf", "when": "{{a}} == 1"}]]},
        "leaf": {"name": "leaf", "container": {"image": "i"}},
    }
    g = build(tpls, "main")
    assert [(n.id, n.group, n.notes) for n in g.nodes] == [("a/x", "a", ["when: {{a}} == 1"]), ("b", "", ["recursive"])]
    assert g.edges == [("a", "b")] and list(g.groups) == ["a"] and g.cycles == []
    assert build(tpls, "missing").nodes == []
    assert [(n.id, n.label) for n in build(tpls, "leaf").nodes] == [("leaf", "leaf: container")]
