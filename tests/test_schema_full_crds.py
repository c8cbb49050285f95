"""`--argo-version 3.7` never fails what Argo 3.7's default install accepts: what only its *full* CRDs
reject is WF006 (a warning, raised to an error in .wfctl.yaml), what Argo or Kubernetes rejects stays
WF003/WF002, and v4 (whose install enforces the full CRDs) is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run, run_json, schema_generator
from wfctl.model import Severity
from wfctl.schema import fast_check
from wfctl.schema.errors import validate
from wfctl.schema.fullcrds import finder

MEMOIZE = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: memo-}
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: files
        value: []
  templates:
    - name: main
      memoize:
        key: "k"
        cache:
          configMap: {name: cache-config}
      metrics:
        prometheus:
          - name: runs
            help: runs
            gauge: {value: "1"}
      container: {image: busybox}
"""


def _doc(template: dict[str, Any], parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"entrypoint": "main", "templates": [{"name": "main", **template}]}
    if parameters is not None:
        spec["arguments"] = {"parameters": parameters}
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "w"}, "spec": spec}


def _codes(findings: list[Any]) -> list[tuple[str, tuple[Any, ...], str]]:
    return sorted((f.rule, f.path, f.message) for f in findings)


CONTAINER = {"container": {"image": "busybox"}}
MEMO = {"key": "k", "maxAge": "1h", "cache": {"configMap": {"name": "c"}}}


# ---------------------------------------------------------------------------------------- unit level


def test_memoize_cache_key_is_a_warning_in_3_7_and_absent_from_4():
    doc = _doc({**CONTAINER, "memoize": MEMO})
    findings = validate(doc, "3.7", "Workflow")
    path = ("spec", "templates", 0, "memoize", "cache", "configMap")
    assert _codes(findings) == [
        (
            "WF006",
            path,
            "missing field 'key' in 'configMap': required only by Argo 3.7's full CRDs"
            " (the default install accepts it)",
        )
    ]
    assert findings[0].severity is Severity.WARNING and findings[0].at_key
    assert validate(doc, "4", "Workflow") == []  # Argo 4's cache config map is a plain reference
    doc["spec"]["templates"][0]["memoize"]["cache"]["configMap"]["key"] = "k"
    assert validate(doc, "3.7", "Workflow") == []
    doc["spec"]["templates"][0]["memoize"]["cache"]["configMap"]["key"] = None  # `key: null` is not set
    assert [f.rule for f in validate(doc, "3.7", "Workflow")] == ["WF006"]


@pytest.mark.parametrize(
    ("template", "missing", "where"),
    [
        ({"memoize": {"key": "k", "cache": {"configMap": {"name": "c", "key": "x"}}}}, "maxAge", "memoize"),
        ({"metrics": {"prometheus": [{"name": "m", "help": "h", "gauge": {"value": "1"}}]}}, "realtime", "gauge"),
        ({"outputs": {"artifacts": [{"name": "o", "path": "/o", "azure": {"blob": "b"}}]}}, "container", "azure"),
    ],
)
def test_fields_only_the_full_crds_require_are_wf006_in_3_7_and_wf003_in_4(template, missing, where):
    doc = _doc({**CONTAINER, **template})
    in_37 = [f for f in validate(doc, "3.7", "Workflow") if missing in f.message]
    assert [(f.rule, f.severity) for f in in_37] == [("WF006", Severity.WARNING)]
    assert f"missing field {missing!r} in {where!r}" in in_37[0].message
    assert (
        "WF003",
        f"missing required field {missing!r} in {where!r}",
    ) in {(f.rule, f.message) for f in validate(doc, "4", "Workflow")}


def test_data_template_artifact_paths_name_is_wf006_in_3_7():
    data = {"source": {"artifactPaths": {"s3": {"key": "k"}}}, "transformation": [{"expression": "x"}]}
    doc = _doc({"data": data})
    assert [(f.rule, f.path) for f in validate(doc, "3.7", "Workflow")] == [
        ("WF006", ("spec", "templates", 0, "data", "source", "artifactPaths"))
    ]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        # Argo 3.7's own validation rejects these (workflow/validate/validate.go, workflow/metrics/util.go)
        ({"metrics": {"prometheus": [{"name": "m", "gauge": {"value": "1", "realtime": False}}]}}, "'help'"),
        ({"metrics": {"prometheus": [{"name": "m", "help": "h", "gauge": {"realtime": False}}]}}, "'value'"),
        ({"initContainers": [{"image": "busybox"}]}, "'name'"),
        # an empty cache key is "invalid cache key" (workflow/controller/cache/configmap_cache.go:84)
        ({"memoize": {"maxAge": "1h", "cache": {"configMap": {"name": "c", "key": "x"}}}}, "'key' in 'memoize'"),
        # Kubernetes rejects the pod Argo builds
        ({"container": {"image": "b", "volumeMounts": [{"name": "v"}]}}, "'mountPath'"),
        (
            {"container": {"image": "b", "env": [{"name": "E", "valueFrom": {"configMapKeyRef": {"name": "c"}}}]}},
            "'key'",
        ),
    ],
)
def test_what_argo_or_kubernetes_rejects_stays_wf003_in_3_7(template, message):
    doc = _doc({**CONTAINER, **template})
    found = [(f.rule, f.severity) for f in validate(doc, "3.7", "Workflow") if message in f.message]
    assert found == [("WF003", Severity.ERROR)]


def test_parameter_value_list_is_wf006_in_3_7_and_wf002_in_4():
    doc = _doc(CONTAINER, [{"name": "a", "value": []}, {"name": "b", "value": {"x": 1}}, {"name": "c", "value": 3}])
    findings = validate(doc, "3.7", "Workflow")
    assert [(f.rule, f.path, f.severity) for f in sorted(findings, key=lambda f: f.path)] == [
        ("WF006", ("spec", "arguments", "parameters", 0, "value"), Severity.WARNING),
        ("WF006", ("spec", "arguments", "parameters", 1, "value"), Severity.WARNING),
    ]
    assert "a list where Argo 3.7's full CRDs want a string" in findings[0].message
    assert "a mapping" in findings[1].message
    assert fast_check("3.7", "Workflow")(doc)  # not an error: the fast path accepts it
    assert {f.rule for f in validate(doc, "4", "Workflow")} == {"WF002"}


def test_enum_items_description_and_valuefrom_default_are_any_string_in_3_7():
    params = [
        {"name": "a", "enum": ["x", 1, ["y"]], "description": 5},
        {"name": "b", "valueFrom": {"default": [], "path": "/p"}, "description": {"a": 1}},
    ]
    doc = _doc(CONTAINER, params)
    assert sorted(f.path for f in validate(doc, "3.7", "Workflow")) == [
        ("spec", "arguments", "parameters", 0, "enum", 2),
        ("spec", "arguments", "parameters", 1, "description"),
        ("spec", "arguments", "parameters", 1, "valueFrom", "default"),
    ]
    doc["spec"]["arguments"]["parameters"][0]["enum"] = "x"  # Go cannot read a string as a list: Argo rejects
    assert "WF002" in {f.rule for f in validate(doc, "3.7", "Workflow")}


def test_wf006_comes_with_the_other_schema_findings():
    doc = _doc({**CONTAINER, "memoize": MEMO, "retryStrtegy": {}})
    assert sorted(f.rule for f in validate(doc, "3.7", "Workflow")) == ["WF001", "WF006"]


def test_every_kind_and_templates_everywhere_are_walked():
    template = {**CONTAINER, "memoize": MEMO}
    for kind in ("WorkflowTemplate", "ClusterWorkflowTemplate"):
        doc = {**_doc(template), "kind": kind}
        assert [f.rule for f in validate(doc, "3.7", kind)] == ["WF006"]
    cron = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "CronWorkflow",
        "metadata": {"name": "c"},
        "spec": {"schedules": ["* * * * *"], "workflowSpec": _doc(template)["spec"]},
    }
    cron["spec"]["workflowSpec"]["templateDefaults"] = {"memoize": MEMO}
    assert sorted(f.path for f in validate(cron, "3.7", "CronWorkflow")) == [
        ("spec", "workflowSpec", "templateDefaults", "memoize", "cache", "configMap"),
        ("spec", "workflowSpec", "templates", 0, "memoize", "cache", "configMap"),
    ]


def test_v4_schemas_have_no_full_crd_marks():
    for kind in ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"):
        assert finder("4", kind) is None
        assert finder("3.7", kind) is not None
    assert finder("v3.7", "Workflow") is finder("3.7", "Workflow")  # compiled once


def test_wf006_takes_its_severity_from_the_rule_entry(monkeypatch):
    from wfctl import rules

    monkeypatch.setattr(rules.load_all()["WF006"], "severity", Severity.ERROR)
    assert [f.severity for f in validate(_doc({**CONTAINER, "memoize": MEMO}), "3.7", "Workflow")] == [Severity.ERROR]


class _Walk:
    def __init__(self, required: dict[str, list[tuple[str, frozenset[str]]]]) -> None:
        self.required = required


def _defs() -> dict[str, Any]:
    ref = {"$ref": "#/$defs/Selector"}
    return {
        "Cache": {"type": "object", "properties": {"configMap": dict(ref)}},
        "EnvSource": {"type": "object", "properties": {"configMapKeyRef": dict(ref)}},
        "Selector": {"type": "object", "properties": {"key": {"type": "string"}, "name": {"type": "string"}}},
    }


def test_generator_moves_a_place_specific_requirement_to_the_full_crds_mark():
    gen = schema_generator()
    defs = _defs()
    walk = _Walk(
        {"Selector": [("Cache.configMap", frozenset({"key"})), ("EnvSource.configMapKeyRef", frozenset({"key"}))]}
    )
    gen._apply_required(defs, walk, [("Selector", "key", "Cache.configMap", "reason")])
    assert "required" not in defs["Selector"] and gen.FULL_CRDS_REQUIRED not in defs["Selector"]
    assert defs["Cache"]["properties"]["configMap"] == {"$ref": "#/$defs/Selector", gen.FULL_CRDS_REQUIRED: ["key"]}
    assert defs["EnvSource"]["properties"]["configMapKeyRef"] == {"$ref": "#/$defs/Selector", "required": ["key"]}
    # without the entry (v4): required everywhere, on the definition
    defs = _defs()
    gen._apply_required(defs, walk, [])
    assert defs["Selector"]["required"] == ["key"]


def test_generator_refuses_an_entry_the_crds_do_not_require():
    gen = schema_generator()
    walk = _Walk({"Selector": [("Cache.configMap", frozenset({"key"}))]})
    with pytest.raises(gen.GenerateError, match="do not require"):
        gen._apply_required(_defs(), walk, [("Selector", "name", None, "reason")])


# ---------------------------------------------------------------------------------------- the CLI


def test_cli_3_7_warns_and_exits_0_where_v4_fails(tmp_path: Path):
    path = tmp_path / "memo.yaml"
    path.write_text(MEMOIZE)
    code, payload = run_json("validate", "--isolated", "--argo-version", "3.7", str(path))
    assert code == 0
    got = [(f["rule"], f["severity"], f["line"], f["column"]) for f in payload["findings"]]
    assert got == [
        ("WF006", "warning", 9, 16),  # value: []
        ("WF006", "warning", 12, 7),  # memoize: without maxAge
        ("WF006", "warning", 15, 11),  # configMap: without key
        ("WF006", "warning", 20, 13),  # gauge: without realtime
    ]
    code, payload = run_json("validate", "--isolated", str(path))  # Argo 4: its install enforces the full CRDs
    assert code == 1
    assert [(f["rule"], f["severity"], f["line"]) for f in payload["findings"]] == [
        ("WF002", "error", 9),
        ("WF003", "error", 12),
        ("WF003", "error", 20),
    ]


def test_cli_fail_on_warning_and_config_severity_make_it_fail(tmp_path: Path):
    path = tmp_path / "memo.yaml"
    path.write_text(MEMOIZE)
    result = run("validate", "--isolated", "--argo-version", "3.7", "--fail-on", "warning", str(path))
    assert result.exit_code == 1
    assert f"{path}:15:11: warning WF006 missing field 'key' in 'configMap'" in result.stdout
    config = tmp_path / ".wfctl.yaml"
    config.write_text("argo-version: '3.7'\nseverity: {WF006: error}\n")
    code, payload = run_json("validate", "--config", str(config), str(path))
    assert code == 1
    assert {(f["rule"], f["severity"]) for f in payload["findings"]} == {("WF006", "error")}
    config.write_text("argo-version: '3.7'\nignore: [full-crds-only]\n")
    code, payload = run_json("validate", "--config", str(config), str(path))
    assert (code, payload["findings"]) == (0, [])


def test_cli_lint_reports_wf006_too(tmp_path: Path):
    path = tmp_path / "memo.yaml"
    path.write_text(MEMOIZE)
    code, payload = run_json("lint", "--isolated", "--argo-version", "3.7", "--select", "WF0", str(path))
    assert code == 0
    assert [f["rule"] for f in payload["findings"]] == ["WF006"] * 4


def test_cli_rules_lists_wf006():
    result = run("rules")
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if "WF006" in line)
    assert "full-crds-only" in line and "warning" in line


def test_a_migrated_memoize_passes_both_versions(tmp_path: Path):
    """README, "Migrating a repository to Argo 4": `wfctl fix` drops the cache key; 3.7 mode then warns only."""
    path = tmp_path / "memo.yaml"
    path.write_text(MEMOIZE.replace("configMap: {name: cache-config}", "configMap: {name: cache-config, key: k}"))
    code, payload = run_json("validate", "--isolated", str(path))
    assert code == 1 and "WF132" in {f["rule"] for f in payload["findings"]}
    result = run("fix", "--isolated", "--write", str(path))
    assert result.exit_code == 1, result.output  # something was changed
    assert "key: k" not in path.read_text()
    code, payload = run_json("validate", "--isolated", "--argo-version", "3.7", str(path))
    assert code == 0
    assert ("WF006", 15) in {(f["rule"], f["line"]) for f in payload["findings"]}
