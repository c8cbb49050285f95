"""Table-driven tests of Argo's semantics: DAG cycles, variable scoping, cross-file references,
and unit tests of the parsers behind them."""

from __future__ import annotations

import itertools
import textwrap

import pytest

from tests.conftest import run_json
from wfctl.argo.dag import find_cycle
from wfctl.argo.expr import ParseError, check_expression, parse_depends
from wfctl.argo.names import cron_problem, label_key_problem, label_value_problem

HEAD = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: t-}
spec:
  entrypoint: main
  templates:
"""
LEAF = """\
    - name: echo
      inputs: {parameters: [{name: msg, default: x}]}
      outputs: {parameters: [{name: out, valueFrom: {path: /tmp/o}}]}
      container: {image: "busybox:1.36", command: [echo, "{{inputs.parameters.msg}}"]}
"""


def lint(tmp_path, text: str, *extra: str, name: str = "wf.yaml"):
    f = tmp_path / name
    f.write_text(text)
    _, payload = run_json("validate", *extra, str(f))
    return [(x["rule"], x["message"]) for x in payload["findings"]]


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": [], "b": ["a"]}, None),
        ({"a": ["b"], "b": ["a"]}, ["a", "b", "a"]),
        ({"a": ["c"], "b": ["a"], "c": ["b"]}, ["a", "c", "b", "a"]),
        ({"a": ["a"]}, ["a", "a"]),
        ({"a": [], "b": ["a"], "c": ["b", "d"], "d": ["c"]}, ["c", "d", "c"]),
    ],
)
def test_find_cycle(graph, cycle):
    found = find_cycle(graph)
    if cycle is None:
        assert found is None
    else:
        assert found is not None and found[0] == found[-1] and set(found) == set(cycle)
        for a, b in itertools.pairwise(found):
            assert a in graph[b] or b in graph[a]


def dag(tasks: str) -> str:
    return (
        HEAD
        + "    - name: main\n      dag:\n        tasks:\n"
        + textwrap.indent(textwrap.dedent(tasks), " " * 10)
        + LEAF
    )


@pytest.mark.parametrize(
    ("tasks", "expected"),
    [
        ("- {name: a, template: echo}\n- {name: b, template: echo, depends: a}\n", []),
        (
            "- {name: a, template: echo, depends: c}\n- {name: b, template: echo, depends: a}\n"
            "- {name: c, template: echo, depends: b}\n",
            ["WF112"],
        ),
        (
            "- {name: a, template: echo, dependencies: [b]}\n- {name: b, template: echo, dependencies: [a]}\n",
            ["WF112", "WF406", "WF406"],
        ),
        ("- {name: a, template: echo, depends: 'zz'}\n", ["WF113"]),
        ("- {name: a, template: echo}\n- {name: b, template: echo, depends: 'a.Suceeded'}\n", ["WF113"]),
        ("- {name: a, template: echo}\n- {name: b, template: echo, depends: 'a.AnySucceeded'}\n", ["WF113"]),
        ("- {name: a, template: echo}\n- {name: b, template: echo, depends: '(a || '}\n", ["WF113"]),
        (
            "- {name: a, template: echo}\n- {name: b, template: echo, depends: a, dependencies: [a]}\n",
            ["WF113", "WF406"],
        ),
        (
            "- {name: a, template: echo}\n- {name: b, template: echo, depends: a, continueOn: {failed: true}}\n",
            ["WF113"],
        ),
        ("- {name: 1a, template: echo}\n- {name: b, template: echo, depends: 1a}\n", ["WF111"]),
    ],
)
def test_dag_dependencies(tmp_path, tasks, expected):
    f = tmp_path / "wf.yaml"
    f.write_text(dag(tasks))
    _, payload = run_json("lint", "--isolated", "--select", "WF1,WF406", str(f))
    assert sorted(x["rule"] for x in payload["findings"]) == sorted(expected), payload["findings"]


def test_cycle_message_prints_the_cycle(tmp_path):
    text = dag(
        "- {name: a, template: echo, depends: c}\n- {name: b, template: echo, depends: a}\n"
        "- {name: c, template: echo, depends: b}\n"
    )
    messages = [m for r, m in lint(tmp_path, text) if r == "WF112"]
    assert len(messages) == 1 and ("a -> b -> c -> a" in messages[0] or "a -> c -> b -> a" in messages[0])


STEPS = HEAD + "    - name: main\n      steps:\n@STEPS@" + LEAF


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        # an earlier group's outputs: fine
        (
            "        - - {name: a, template: echo}\n        - - {name: b, template: echo, arguments: {parameters:"
            " [{name: msg, value: '{{steps.a.outputs.parameters.out}}'}]}}\n",
            None,
        ),
        # same group: not visible yet
        (
            "        - - {name: a, template: echo}\n          - {name: b, template: echo, arguments: {parameters:"
            " [{name: msg, value: '{{steps.a.outputs.result}}'}]}}\n",
            "does not run before this step",
        ),
        # later group
        (
            "        - - {name: b, template: echo, arguments: {parameters: [{name: msg, value:"
            " '{{steps.a.outputs.result}}'}]}}\n        - - {name: a, template: echo}\n",
            "does not run before",
        ),
        # unknown step, with a suggestion
        (
            "        - - {name: alpha, template: echo}\n        - - {name: b, template: echo, arguments: {parameters:"
            " [{name: msg, value: '{{steps.alpah.outputs.result}}'}]}}\n",
            "did you mean 'alpha'",
        ),
        # undeclared output parameter
        (
            "        - - {name: a, template: echo}\n        - - {name: b, template: echo, arguments: {parameters:"
            " [{name: msg, value: '{{steps.a.outputs.parameters.nope}}'}]}}\n",
            "has no output parameter 'nope'",
        ),
        # item outside a loop; inside a loop
        (
            "        - - {name: a, template: echo, arguments: {parameters: [{name: msg, value: '{{item.x}}'}]}}\n",
            "only defined in a step or task with withItems",
        ),
        (
            "        - - {name: a, template: echo, withItems: [{x: 1}], arguments: {parameters:"
            " [{name: msg, value: '{{item.x}}'}]}}\n",
            None,
        ),
        (
            "        - - {name: a, template: echo, withItems: [{x: 1}], arguments: {parameters:"
            " [{name: msg, value: '{{item.y}}'}]}}\n",
            "no key 'y'",
        ),
        # workflow parameters
        (
            "        - - {name: a, template: echo, arguments: {parameters: [{name: msg, value:"
            " '{{workflow.parameters.nope}}'}]}}\n",
            "no parameter 'nope'",
        ),
        (
            "        - - {name: a, template: echo, arguments: {parameters:"
            " [{name: msg, value: '{{workflow.name}}'}]}}\n",
            None,
        ),
        # tasks.* in a steps template
        (
            "        - - {name: a, template: echo, arguments: {parameters: [{name: msg, value:"
            " '{{tasks.a.outputs.result}}'}]}}\n",
            "only defined inside a DAG",
        ),
    ],
)
def test_step_scoping(tmp_path, steps, problem):
    found = [m for r, m in lint(tmp_path, STEPS.replace("@STEPS@", steps)) if r == "WF115"]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


@pytest.mark.parametrize(
    ("tasks", "problem"),
    [
        (
            "- {name: a, template: echo}\n- {name: b, template: echo, depends: a, arguments: {parameters:"
            " [{name: msg, value: '{{tasks.a.outputs.result}}'}]}}\n",
            None,
        ),
        # transitive dependency
        (
            "- {name: a, template: echo}\n- {name: b, template: echo, depends: a}\n- {name: c, template: echo,"
            " depends: b, arguments: {parameters: [{name: msg, value: '{{tasks.a.outputs.result}}'}]}}\n",
            None,
        ),
        # not a dependency
        (
            "- {name: a, template: echo}\n- {name: b, template: echo, arguments: {parameters:"
            " [{name: msg, value: '{{tasks.a.outputs.result}}'}]}}\n",
            "not a dependency of task 'b'",
        ),
        (
            "- {name: a, template: echo}\n- {name: b, template: echo, depends: a, arguments: {parameters:"
            " [{name: msg, value: '{{tasks.a.outputs.artifacts.x}}'}]}}\n",
            "has no output artifact 'x'",
        ),
    ],
)
def test_dag_scoping(tmp_path, tasks, problem):
    found = [m for r, m in lint(tmp_path, dag(tasks)) if r == "WF115"]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


def test_leaf_input_reference(tmp_path):
    text = HEAD + LEAF.replace("name: echo", "name: main").replace(
        '"{{inputs.parameters.msg}}"', '"{{inputs.parameters.mgs}}"'
    )
    found = [m for r, m in lint(tmp_path, text) if r == "WF115"]
    assert len(found) == 1 and "did you mean 'msg'" in found[0]


WFT = """\
apiVersion: argoproj.io/v1alpha1
kind: {kind}
metadata: {{name: lib}}
spec:
  templates:
    - name: greet
      inputs: {{parameters: [{{name: who}}]}}
      container: {{image: "busybox:1.36", command: [echo, "{{{{inputs.parameters.who}}}}"]}}
"""
CALLER = (
    HEAD
    + """\
    - name: main
      steps:
        - - name: a
            templateRef: {name: lib, template: @TEMPLATE@@CLUSTER@}
@ARGS@"""
)


def caller(template: str, cluster: str, args: str) -> str:
    return CALLER.replace("@TEMPLATE@", template).replace("@CLUSTER@", cluster).replace("@ARGS@", args)


@pytest.mark.parametrize(
    ("kind", "template", "cluster", "args", "with_lib", "strict", "expected"),
    [
        (
            "WorkflowTemplate",
            "greet",
            "",
            "            arguments: {parameters: [{name: who, value: me}]}\n",
            True,
            False,
            [],
        ),
        ("WorkflowTemplate", "greet", "", "", True, False, [("WF120", "error")]),
        ("WorkflowTemplate", "gret", "", "", True, False, [("WF109", "error")]),
        ("WorkflowTemplate", "greet", "", "", False, False, [("WF109", "warning")]),
        ("WorkflowTemplate", "greet", "", "", False, True, [("WF109", "error")]),
        (
            "ClusterWorkflowTemplate",
            "greet",
            ", clusterScope: true",
            "            arguments: {parameters: [{name: who, value: me}]}\n",
            True,
            False,
            [],
        ),
        # a ClusterWorkflowTemplate is not found without clusterScope
        ("ClusterWorkflowTemplate", "greet", "", "", True, False, [("WF109", "warning")]),
    ],
)
def test_cross_file_template_refs(tmp_path, kind, template, cluster, args, with_lib, strict, expected):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.yaml").write_text(WFT.format(kind=kind))
    caller_file = tmp_path / "caller.yaml"
    caller_file.write_text(caller(template, cluster, args))
    cmd = ["validate"] + (["--strict-refs"] if strict else [])
    if with_lib:
        cmd += ["--templates", str(tmp_path / "lib")]
    code, payload = run_json(*cmd, str(caller_file))
    got = sorted((f["rule"], f["severity"]) for f in payload["findings"])
    assert got == expected, payload["findings"]
    assert code == (1 if any(s == "error" for _, s in expected) else 0)


def test_templates_among_files_given_resolve(tmp_path):
    (tmp_path / "lib.yaml").write_text(WFT.format(kind="WorkflowTemplate"))
    (tmp_path / "caller.yaml").write_text(caller("greet", "", ""))
    _, payload = run_json("validate", str(tmp_path))
    assert [f["rule"] for f in payload["findings"]] == ["WF120"]


def test_workflow_template_ref(tmp_path):
    (tmp_path / "lib.yaml").write_text(
        WFT.format(kind="WorkflowTemplate").replace("spec:\n", "spec:\n  entrypoint: greet\n")
    )
    run_ = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: r-}\nspec:\n"
        "  workflowTemplateRef: {name: lib}\n  arguments: {parameters: [{name: who, value: me}]}\n"
    )
    (tmp_path / "run.yaml").write_text(run_)
    _, payload = run_json("validate", str(tmp_path))
    assert payload["findings"] == []
    (tmp_path / "run.yaml").write_text(run_.replace("  arguments: {parameters: [{name: who, value: me}]}\n", ""))
    _, payload = run_json("validate", str(tmp_path))
    assert [f["rule"] for f in payload["findings"]] == ["WF120"]


# ------------------------------------------------------------------ parser units


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("A", ["A"]),
        ("A && B", ["A", "B"]),
        ("A && (B.Failed || !C.Succeeded)", ["A", "B", "C"]),
        ("task-1.Errored", ["task-1"]),
    ],
)
def test_parse_depends(text, names):
    assert [r.task for r in parse_depends(text)] == names


@pytest.mark.parametrize("text", ["A &&", "(A", "A B", "", "A || || B", ")"])
def test_parse_depends_errors(text):
    with pytest.raises(ParseError):
        parse_depends(text)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("inputs.parameters.x == 'a'", True),
        ("a ? b : c", True),
        ("asInt(x) > 5 && y", True),
        ("filter(items, {# > 1})", True),
        ("x =~ '^a'", True),
        ("a &&", False),
        ("(a", False),
        ("a b", False),
        ("'open", False),
        ("", False),
        ("a)", False),
    ],
)
def test_check_expression(text, ok):
    assert (check_expression(text) is None) == ok


@pytest.mark.parametrize(
    ("schedule", "ok"),
    [
        ("0 2 * * *", True),
        ("*/15 0-6 1,15 jan-mar mon-fri", True),
        ("@daily", True),
        ("@every 1h30m", True),
        ("CRON_TZ=Europe/Paris 0 2 * * *", True),
        ("0 25 * * *", False),
        ("0 2 * *", False),
        ("@sometimes", False),
        ("0 2 * * 8", False),
        ("*/0 * * * *", False),
    ],
)
def test_cron(schedule, ok):
    assert (cron_problem(schedule) is None) == ok


def test_label_syntax():
    assert label_key_problem("app.kubernetes.io/name") is None
    assert label_key_problem("Bad_Prefix/x") is not None
    assert label_value_problem("ends-") is not None and label_value_problem("") is None
