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


def test_depends_nesting_is_limited_at_a_fixed_depth():
    """100 levels of `!` or `(` parse; one more is a parse error that names the column, never a
    RecursionError (whose depth would depend on the caller's stack, e.g. in a --jobs worker)."""
    assert [r.task for r in parse_depends("!" * 100 + "A")] == ["A"]
    assert [r.task for r in parse_depends("(" * 100 + "A" + ")" * 100)] == ["A"]
    for text in ("!" * 101 + "A", "(" * 101 + "A" + ")" * 101, "(" * 5000 + "A"):
        with pytest.raises(ParseError, match="nested more than 100 levels deep at column 101"):
            parse_depends(text)


def test_deep_depends_is_one_finding_with_or_without_jobs(tmp_path):
    """A pathological `depends` gives WF113 with its reason, the same in process and in workers."""
    deep = "(" * 400 + "a" + ")" * 400
    text = dag(f"""
        - name: a
          template: echo
        - name: b
          template: echo
          depends: "{deep}"
        """)
    for i in range(60):  # enough files for worker processes to be used
        (tmp_path / f"wf{i:02d}.yaml").write_text(text)
    outputs = []
    for jobs in ("1", "2"):
        code, payload = run_json("validate", "--no-cache", "-j", jobs, str(tmp_path))
        assert code == 1
        outputs.append([(f["file"], f["rule"], f["line"], f["message"]) for f in payload["findings"]])
    assert outputs[0] == outputs[1]
    assert {rule for _, rule, _, _ in outputs[0]} == {"WF113"}
    assert len(outputs[0]) == 60
    assert outputs[0][0][3].endswith("does not parse: nested more than 100 levels deep at column 101")


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


# ---------------------------------------------------------------- issue 12: false alarms and misses


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("1", True),
        ("500m", True),
        ("1.5Gi", True),
        (".5", True),
        ("1.", True),
        ("+1", True),
        ("-1", True),
        ("1e3", True),
        ("1E-3", True),
        ("1e+3", True),
        ("2Ki", True),
        ("100n", True),
        ("3u", True),
        ("1E", True),
        ("4GB", False),
        ("1 core", False),
        ("1x", False),
        ("abc", False),
        ("", False),
        ("1e", False),
        ("1e1.5", False),
        (" 1", False),
        ("1Gi ", False),
        ("1K", False),
        (".", False),
        ("Gi", False),
        ("1.5.5", False),
        ("1mi", False),
    ],
)
def test_quantity_grammar(text, ok):
    from wfctl.argo.quantity import quantity_problem

    assert (quantity_problem(text) is None) == ok, quantity_problem(text)


def test_quantity_hint_for_decimal_units():
    from wfctl.argo.quantity import quantity_problem

    assert "did you mean Gi or G" in (quantity_problem("4GB") or "")


def test_nested_tags_and_blanking():
    from wfctl.argo.expr import blank_tags, split_reference, tags

    found = tags("{{steps.run-{{inputs.parameters.date}}.status}} != {{x}}")
    assert [t.text for t in found] == ["steps.run-{{inputs.parameters.date}}.status", "x", "inputs.parameters.date"]
    assert blank_tags("{{steps.run-{{inputs.parameters.date}}.status}} != Succeeded") == "x != Succeeded"
    assert blank_tags("a {{ unclosed") == "a {{ unclosed"
    assert blank_tags("a {{ unclosed {{b}} c") == "a {{ unclosed x c"
    assert [t.text for t in tags("{{a}} {{b-{{c-{{d}}}}}}")] == ["a", "b-{{c-{{d}}}}", "c-{{d}}", "d"]
    assert split_reference("steps.run-{{inputs.parameters.d}}.outputs.result") == [
        "steps",
        "run-{{inputs.parameters.d}}",
        "outputs",
        "result",
    ]


NESTED = (
    HEAD
    + """\
    - name: main
      inputs: {parameters: [{name: date, value: "2024"}]}
      steps:
        - - name: run-{{inputs.parameters.date}}
            template: echo
        - - name: check
            template: echo
            when: "{{steps.@REF@.status}} != Succeeded"
"""
    + LEAF
)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("run-{{inputs.parameters.date}}", []),
        ("run-{{inputs.parameters.day}}", ["WF115"]),  # the inner tag is still resolved
        ("walk-{{inputs.parameters.date}}", []),  # a computed name cannot be known offline
        ("nope", ["WF115"]),
    ],
)
def test_nested_expressions_in_step_references(tmp_path, ref, expected):
    found = lint(tmp_path, NESTED.replace("@REF@", ref))
    assert sorted(r for r, _ in found) == expected, found


EXIT = """\
apiVersion: argoproj.io/v1alpha1
kind: {kind}
metadata: {{name: exits}}
spec:
  entrypoint: main
{on_exit}  templates:
    - name: main
      steps:
        - - name: a
            template: echo
            hooks:
              running: {{expression: "true", template: hooked}}
    - name: echo
      container: {{image: "busybox:1.36", args: ["{var} @MAIN@"]}}
    - name: bye
      steps: [[{{name: n, template: notify}}]]
    - name: notify
      container: {{image: "busybox:1.36", args: ["{var}"]}}
    - name: hooked
      container: {{image: "busybox:1.36", args: ["{var}"]}}
    - name: library
      container: {{image: "busybox:1.36", args: ["{var}"]}}
"""


@pytest.mark.parametrize(
    ("kind", "on_exit", "var", "expected"),
    [
        # with an exit handler: only the main path (main, echo) may not read workflow.failures
        ("Workflow", "  onExit: bye\n", "{{workflow.failures}}", [("WF115", 15)]),
        # a hook (exit or lifecycle) counts as an exit handler; other uncalled templates are not judged
        ("Workflow", "", "{{workflow.failures}}", [("WF115", 14)]),
        # no exit handler and no hook at all: nowhere in a Workflow
        ("Workflow", "no-hooks", "{{workflow.failures}}", [("WF115", 12), ("WF115", 16), ("WF115", 18), ("WF115", 20)]),
        # a WorkflowTemplate's uncalled templates may be exit handlers of other workflows
        ("WorkflowTemplate", "no-hooks", "{{workflow.failures}}", [("WF115", 12)]),
        # workflow.status resolves everywhere (Argo accepts it) but is a warning outside exit handlers
        ("Workflow", "  onExit: bye\n", "{{workflow.status}}", [("WF131", 15)]),
        ("Workflow", "  onExit: bye\n", "{{workflow.name}}", []),
    ],
)
def test_exit_handler_variables(tmp_path, kind, on_exit, var, expected):
    text = EXIT.format(kind=kind, on_exit="" if on_exit == "no-hooks" else on_exit, var=var).replace(" @MAIN@", "")
    if on_exit == "no-hooks":
        text = text.replace('            hooks:\n              running: {expression: "true", template: hooked}\n', "")
    f = tmp_path / "wf.yaml"
    f.write_text(text)
    _, payload = run_json("validate", str(f))
    got = sorted((x["rule"], x["line"]) for x in payload["findings"] if x["rule"] in ("WF115", "WF131"))
    assert got == expected, payload["findings"]


def test_exit_context_unit():
    from wfctl.argo.reach import exit_context
    from wfctl.loader.documents import classify
    from wfctl.loader.yaml import parse

    text = EXIT.format(kind="Workflow", on_exit="  onExit: bye\n", var="x").replace(" @MAIN@", "")
    docs, _, _ = classify("wf.yaml", parse(text).documents[0])
    ctx = exit_context(docs[0])
    assert ctx is not None
    assert ctx.main == {"main", "echo"} and ctx.exits == {"bye", "notify", "hooked"}
    assert ctx.in_exit_handler("notify", "Workflow") is True
    assert ctx.in_exit_handler("echo", "Workflow") is False
    assert ctx.in_exit_handler("library", "Workflow") is None


@pytest.mark.parametrize("kind", ["Workflow", "WorkflowTemplate"])
def test_unset_labels_warn_in_every_kind(tmp_path, kind):
    text = (
        f"apiVersion: argoproj.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: l\n  labels: {{team: a}}\nspec:\n"
        "  entrypoint: main\n  templates:\n    - name: main\n      container:\n        image: busybox:1.36\n"
        "        args: ['{{workflow.labels.team}} {{workflow.labels.owner}}"
        " {{workflow.labels.workflows.argoproj.io/creator}}']\n"
    )
    f = tmp_path / "wf.yaml"
    f.write_text(text)
    code, payload = run_json("validate", str(f))
    assert code == 0
    assert [(x["rule"], x["severity"]) for x in payload["findings"]] == [("WF130", "warning")]
    assert "'owner'" in payload["findings"][0]["message"]


@pytest.mark.parametrize("kind", ["WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"])
def test_generate_name_on_every_kind(tmp_path, kind):
    spec = "  entrypoint: main\n  templates:\n    - name: main\n      container: {image: 'busybox:1.36'}\n"
    if kind == "CronWorkflow":
        spec = "  schedules: ['0 3 * * *']\n  workflowSpec:\n" + "\n".join("  " + line for line in spec.splitlines())
        spec += "\n"
    meta = "  generateName: gen-\n"
    f = tmp_path / "wf.yaml"
    f.write_text(f"apiVersion: argoproj.io/v1alpha1\nkind: {kind}\nmetadata:\n{meta}spec:\n{spec}")
    code, payload = run_json("validate", str(f))
    assert code == 0 and payload["findings"] == []
    # with both, name wins: its syntax is still checked
    f.write_text(f"apiVersion: argoproj.io/v1alpha1\nkind: {kind}\nmetadata:\n{meta}  name: Bad_Name\nspec:\n{spec}")
    code, payload = run_json("validate", str(f))
    assert code == 1 and [x["rule"] for x in payload["findings"]] == ["WF104"]
    # neither: an error
    f.write_text(f"apiVersion: argoproj.io/v1alpha1\nkind: {kind}\nmetadata: {{labels: {{a: b}}}}\nspec:\n{spec}")
    _, payload = run_json("validate", str(f))
    assert [x["rule"] for x in payload["findings"]] == ["WF104"]


MISSES = HEAD + (
    "    - name: main\n"
    "      steps: [[{name: a, template: wait, arguments: {artifacts: [{name: a, raw: {data: x}}]}}]]\n"
    "    - name: wait\n"
    "      inputs: {artifacts: [{name: a@PATH@}]}\n"
    "      suspend: {}\n"
    "    - name: work\n"
    "      outputs: {artifacts: [{name: out@OUT@}]}\n"
    "      container:\n"
    "        image: busybox:1.36\n"
    "        resources: {requests: {memory: @MEM@}}\n"
)


@pytest.mark.parametrize(
    ("path", "out", "mem", "expected"),
    [
        ("", ", path: /tmp/out", "1Gi", []),
        (", path: /tmp/a", ", path: /tmp/out", "1Gi", [("WF119", "path is only valid")]),
        ("", "", "1Gi", [("WF119", "did not specify a path")]),
        ("", ", path: /tmp/out", "4GB", [("WF129", "not a Kubernetes quantity")]),
        ("", ", path: /tmp/out", "'1 core'", [("WF129", "contains spaces")]),
    ],
)
def test_argo_misses(tmp_path, path, out, mem, expected):
    text = MISSES.replace("@PATH@", path).replace("@OUT@", out).replace("@MEM@", mem)
    found = lint(tmp_path, text)
    assert len(found) == len(expected), found
    for (rule, message), (want_rule, want_text) in zip(found, expected, strict=True):
        assert rule == want_rule and want_text in message


@pytest.mark.parametrize(
    ("selector", "problem"),
    [
        ("{matchExpressions: [{key: a, operator: In, values: [x]}]}", None),
        ("{matchExpressions: [{key: a, operator: Exists}]}", None),
        ("{matchExpressions: [{key: a, operator: Equals, values: [x]}]}", "not one of In, NotIn"),
        ("{matchExpressions: [{key: a, operator: notin, values: [x]}]}", "did you mean 'NotIn'"),
        ("{matchExpressions: [{key: a, operator: NotIn}]}", "needs at least one value"),
        ("{matchExpressions: [{key: a, operator: Exists, values: [x]}]}", "takes no values"),
        ("{matchLabels: {'bad key!': x}}", "key 'bad key!'"),
        ("{matchLabels: {keep: 'no way'}}", "value 'no way'"),
        ("{matchLabels: {keep: 'false'}}", None),
    ],
)
def test_pod_gc_label_selector(tmp_path, selector, problem):
    text = HEAD.replace("  entrypoint: main\n", f"  entrypoint: main\n  podGC:\n    labelSelector: {selector}\n") + LEAF
    text = text.replace("- name: echo", "- name: main")
    found = [m for r, m in lint(tmp_path, text) if r == "WF122"]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0], found


@pytest.mark.parametrize(
    ("where", "rule"),
    [
        ("spec:\n  arguments: {parameters: [{name: '', value: x}]}\n", "WF106"),
        ("inputs: {parameters: [{name: '', value: x}]}", "WF118"),
        ("outputs: {parameters: [{name: '', valueFrom: {path: /tmp/x}}]}", "WF118"),
        ("outputs: {artifacts: [{name: '', path: /tmp/x}]}", "WF119"),
    ],
)
def test_empty_names(tmp_path, where, rule):
    if where.startswith("spec:"):
        text = HEAD.replace("spec:\n", where) + LEAF.replace("- name: echo", "- name: main")
    else:
        text = HEAD + "    - name: main\n      " + where + "\n      container: {image: 'busybox:1.36'}\n"
    found = lint(tmp_path, text)
    assert [r for r, _ in found] == [rule] and "name is empty" in found[0][1], found


# --- a WorkflowTemplate defined in several files (seen in Argo's own validator testdata) -------------

_SHARED = (
    "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {{name: shared}}\n"
    "spec:\n  templates: [{{name: {tpl}, container: {{image: 'alpine:3.20'}}}}]\n"
)
_USER = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {{generateName: x-}}\nspec:\n  entrypoint: main\n"
    "  templates:\n    - name: main\n      steps: [[{{name: s, templateRef: {{name: shared, template: {tpl}}}}}]]\n"
)


def test_a_template_defined_twice_is_not_a_miss(tmp_path):
    """Which `shared` the cluster holds cannot be known offline: no WF109 error, even with --strict-refs."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "wft.yaml").write_text(_SHARED.format(tpl="hello"))
    (tmp_path / "b" / "wft.yaml").write_text(_SHARED.format(tpl="other"))
    (tmp_path / "b" / "wf.yaml").write_text(_USER.format(tpl="other"))
    for flags in ([], ["--strict-refs"], ["-j", "2"]):
        code, payload = run_json("validate", "--no-cache", *flags, str(tmp_path))
        assert code == 0 and payload["findings"] == [], (flags, payload["findings"])
    (tmp_path / "a" / "wft.yaml").unlink()  # defined once: a template it lacks is an error again
    (tmp_path / "b" / "wf.yaml").write_text(_USER.format(tpl="nope"))
    code, payload = run_json("validate", "--no-cache", str(tmp_path))
    assert code == 1 and [f["rule"] for f in payload["findings"]] == ["WF109"]
    assert "has no template 'nope'" in payload["findings"][0]["message"]


def test_index_ambiguity_unit():
    from wfctl.argo.index import TemplateIndex
    from wfctl.scan import LazyIndex

    lazy = LazyIndex([], [], loader=lambda s: [])
    lazy.add_entry("WorkflowTemplate", "shared", "", 0)
    lazy.add_entry("WorkflowTemplate", "shared", "", 1)
    lazy.add_entry("WorkflowTemplate", "solo", "", 0)
    lazy.add_entry("WorkflowTemplate", "spread", "ns1", 0)
    lazy.add_entry("WorkflowTemplate", "spread", "ns2", 1)
    lazy.add_entry("WorkflowTemplate", "twice-in-one-file", "", 2)
    lazy.add_entry("WorkflowTemplate", "twice-in-one-file", "", 2)
    assert lazy.ambiguous("shared", cluster_scope=False)
    assert not lazy.ambiguous("solo", cluster_scope=False)
    assert lazy.ambiguous("spread", cluster_scope=False)  # no namespace given: which one?
    assert not lazy.ambiguous("spread", cluster_scope=False, namespace="ns1")
    assert not TemplateIndex().ambiguous("shared", cluster_scope=True)
