"""The shared Argo model and helpers that every layer imports (kinds, the template-call walker, the
duration grammar, "did you mean", the YAML dumper), and the structural rules that keep them shared."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest

from tests.conftest import ROOT, run, run_json
from wfctl.argo import calls, kinds
from wfctl.argo.duration import flag_seconds, is_duration, parse_duration
from wfctl.text import diff_lines, file_diff, suggest
from wfctl.yamlout import dump_all, to_review_yaml, to_text

PACKAGE = ROOT / "wfctl"

# ------------------------------------------------------------------ kinds


def test_kind_groups():
    assert kinds.ARGO_KINDS == ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
    assert set(kinds.RUNNABLE_KINDS) | set(kinds.LIBRARY_KINDS) == set(kinds.ARGO_KINDS)
    assert not set(kinds.RUNNABLE_KINDS) & set(kinds.LIBRARY_KINDS)
    assert kinds.template_kind(True) == "ClusterWorkflowTemplate"
    assert kinds.template_kind(False) == "WorkflowTemplate"
    assert kinds.is_cluster_scoped("ClusterWorkflowTemplate") and not kinds.is_cluster_scoped("WorkflowTemplate")


# ------------------------------------------------------------------ the template-call walker

SPEC = {
    "entrypoint": "main",
    "onExit": "bye",
    "hooks": {"running": {"template": "notify", "expression": "true"}, "bad": "not a mapping"},
    "templates": [
        {
            "name": "main",
            "steps": [
                [{"name": "a", "template": "one", "onExit": "cleanup", "hooks": {"h": {"template": "watcher"}}}],
                [{"name": "b", "templateRef": {"name": "lib", "template": "two"}}],
                [{"name": "c", "templateRef": {"name": "other", "template": "three"}}],
            ],
        },
        {
            "name": "graph",
            "dag": {
                "tasks": [
                    {"name": "x", "template": "one"},
                    {"name": "y", "inline": {"steps": [[{"name": "z", "template": "deep", "onExit": "tidy"}]]}},
                ]
            },
        },
    ],
}


def test_references_paths_and_names():
    refs = list(calls.references(SPEC, ("lib", False)))
    assert refs == [
        (("entrypoint",), "main"),
        (("onExit",), "bye"),
        (("hooks", "running", "template"), "notify"),
        (("templates", 0, "steps", 0, 0, "template"), "one"),
        (("templates", 0, "steps", 0, 0, "onExit"), "cleanup"),
        (("templates", 0, "steps", 0, 0, "hooks", "h", "template"), "watcher"),
        (("templates", 0, "steps", 1, 0, "templateRef", "template"), "two"),  # back into this template
        (("templates", 1, "dag", "tasks", 0, "template"), "one"),
        (("templates", 1, "dag", "tasks", 1, "inline", "steps", 0, 0, "template"), "deep"),
        (("templates", 1, "dag", "tasks", 1, "inline", "steps", 0, 0, "onExit"), "tidy"),
    ]
    # a templateRef is only a local reference when it names the WorkflowTemplate being walked
    assert "two" not in [name for _, name in calls.references(SPEC)]
    assert "two" not in [name for _, name in calls.references(SPEC, ("lib", True))]


def test_roles_and_inline():
    main, graph = SPEC["templates"]
    assert calls.called_names(main, roles=(calls.CALL,)) == ["one"]
    assert calls.called_names(main, roles=(calls.EXIT, calls.HOOK)) == ["cleanup", "watcher"]
    assert calls.called_names(graph) == ["one", "deep", "tidy"]
    assert calls.called_names(graph, roles=(calls.EXIT,), inline=False) == []
    assert [n for _, n in calls.root_refs(SPEC, roles=(calls.EXIT, calls.HOOK))] == ["bye", "notify"]


def test_walker_ignores_malformed_shapes():
    tpl = {"steps": ["not a group", [None, "x", {"template": 3}]], "dag": {"tasks": {"not": "a list"}}}
    assert list(calls.template_refs(tpl)) == []


def test_reach_uses_the_walker():
    from wfctl.argo.reach import exit_context, reachable_templates
    from wfctl.loader.documents import Document

    doc = Document.__new__(Document)
    doc.kind, doc.data, doc.cache = "Workflow", {"spec": SPEC}, {}
    SPEC["templates"] += [{"name": n, "container": {"image": "x"}} for n in ("one", "cleanup", "bye", "unused")]
    try:
        reached = reachable_templates(doc)
        assert reached is not None and "unused" not in reached and {"main", "one", "cleanup", "bye"} <= reached
        ctx = exit_context(doc)
        assert ctx is not None and ctx.in_exit_handler("cleanup", "Workflow") is True
        assert ctx.in_exit_handler("one", "Workflow") is False
    finally:
        del SPEC["templates"][2:]


# ------------------------------------------------------------------ durations (one grammar)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0", 0), ("30s", 30), ("1h30m", 5400), ("1.5h", 5400), ("300ms", 0.3), (".5s", 0.5), ("-2m", -120)],
)
def test_go_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)
    assert is_duration(text)


@pytest.mark.parametrize("text", ["", "5", "1d", "s", "1h 30m", "5 minutes", "1.5.2s", "--1s"])
def test_not_go_durations(text):
    assert parse_duration(text) is None and not is_duration(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("1.5", 1.5), ("5m", 300), ("1h 30m", 5400), ("100ms", 0.1), ("0", 0)]
)
def test_flag_durations(text, seconds):
    assert flag_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["soon", "-5s", "", "1d", "5 minutes"])
def test_flag_durations_rejected(text):
    assert flag_seconds(text) is None


def test_manifest_durations_through_the_cli(tmp_path):
    def lint(timeout: str) -> list[str]:
        doc = tmp_path / "wf.yaml"
        doc.write_text(
            "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: d-}\nspec:\n"
            "  entrypoint: main\n  templates:\n  - name: main\n"
            f"    timeout: {timeout!r}\n    container: {{image: 'busybox:1.36'}}\n"
        )
        _, payload = run_json("validate", str(doc))
        return [f"{f['rule']}:{f['line']}:{f['column']}:{f['message']}" for f in payload["findings"]]

    assert lint("1.5h") == [] and lint("250ms") == []
    assert lint("5 minutes") == ["WF122:8:14:timeout '5 minutes' is not a duration (e.g. 30s, 5m, 1h)"]


def test_flag_durations_through_the_cli():
    """--request-timeout reads the manifests' grammar (`500ms` was refused before the grammars were one),
    and a bad value is a usage error (exit 2) that names the flag."""
    wf = str(ROOT / "fixtures" / "rules" / "WF201" / "pass.yaml")
    ok = run("apply", "--dry-run=client", "-f", wf, "--request-timeout", "500ms")
    assert ok.exit_code == 0 and ok.stdout.endswith("created (dry run)\n")
    bad = run("apply", "--dry-run=client", "-f", wf, "--request-timeout", "5minutes")
    assert bad.exit_code == 2
    assert "Invalid value for --request-timeout: '5minutes' is not a duration (e.g. 90, 30s, 5m, 1h30m)" in bad.stderr


# ------------------------------------------------------------------ text helpers


def test_suggest():
    assert suggest("entrypont", ["entrypoint", "onExit"]) == "entrypoint"
    assert suggest("ONEXIT", ["entrypoint", "onExit"]) == "onExit"  # case only
    assert suggest("zzz", ["entrypoint", "onExit"]) is None
    assert suggest("x", []) is None


def test_file_diff_keeps_line_endings():
    assert diff_lines("a\r\nb\u2028c") == ["a\r\n", "b\n", "c\n"]
    out = "".join(file_diff("a\r\nb\n", "a\r\nc\n", "/abs/f.yaml"))
    assert out.startswith("--- a/abs/f.yaml\n+++ b/abs/f.yaml\n")
    assert "-b\n+c\n" in out and " a\r\n" in out
    assert list(file_diff("same\n", "same\n", "f")) == []
    new = "".join(file_diff(None, "kind: WorkflowTemplate\n", "shared.yaml"))
    assert new == "--- /dev/null\n+++ b/shared.yaml\n@@ -0,0 +1 @@\n+kind: WorkflowTemplate\n"


# ------------------------------------------------------------------ the YAML dumper


def test_yaml_layouts():
    data = {"b": 1, "a": [{"name": "x", "s": "line1\nline2\n"}]}
    assert to_text(data) == 'b: 1\na:\n- name: x\n  s: "line1\\nline2\\n"\n'
    assert to_text(data, indented_lists=True) == 'b: 1\na:\n  - name: x\n    s: "line1\\nline2\\n"\n'
    assert to_review_yaml(data) == "b: 1\na:\n- name: x\n  s: |\n    line1\n    line2"
    assert to_review_yaml("x" * 300) == "x" * 300  # never folded
    assert to_review_yaml("tab\there\n") == '"tab\\there\\n"'  # a literal block cannot keep a tab-only line safely
    stream = io.StringIO()
    dump_all([{"a": 1}, {"b": [1, 2]}], stream)
    assert stream.getvalue() == "a: 1\n---\nb:\n- 1\n- 2\n"


# ------------------------------------------------------------------ structure


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(PACKAGE.rglob("*.py"))]


def test_no_private_names_imported_across_modules():
    offenders = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wfctl"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}")
    assert offenders == []


def test_rules_do_not_import_other_rules():
    """A helper two rules need lives in wfctl/argo (or rules/base.py), not in one rule's module."""
    offenders = []
    for path, tree in _modules():
        if path.parent.name != "rules" or path.name in ("__init__.py", "base.py"):
            continue
        for node in ast.walk(tree):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("wfctl.rules.") and module != "wfctl.rules.base":
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


def _imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of every wfctl import outside `if TYPE_CHECKING:` blocks."""
    typing_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(block)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wfctl"):
            found.append((node.lineno, node.module or ""))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("wfctl")]
    return found


def test_argo_model_layer_stands_alone():
    """wfctl/argo is the model every layer builds on: it imports nothing else of wfctl but the
    dependency-free text helpers and records (the start-up path's `@dataclass`)."""
    standalone = ("wfctl.text", "wfctl.records")
    offenders = [
        f"{path.name}:{line} {module}"
        for path, tree in _modules()
        if path.parent.name == "argo"
        for line, module in _imports(tree)
        if not module.startswith("wfctl.argo") and module not in standalone
    ]
    for module in standalone:
        assert _imports(ast.parse((PACKAGE / f"{module[6:]}.py").read_text(encoding="utf-8"))) == []
    assert offenders == []


def test_kube_does_not_import_diff():
    offenders = [
        f"{path.name}:{line} {module}"
        for path, tree in _modules()
        if path.parent.name == "kube"
        for line, module in _imports(tree)
        if module.startswith("wfctl.diff")
    ]
    assert offenders == []


def test_kind_groups_are_spelled_once():
    """A tuple, list or set of Argo kinds is written in wfctl/argo/kinds.py only; everything else imports it."""
    offenders = []
    for path, tree in _modules():
        if path == PACKAGE / "argo" / "kinds.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                spelled = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in kinds.ARGO_KINDS]
                if len(spelled) >= 2:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {spelled}")
    assert offenders == []
