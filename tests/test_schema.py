"""Schema validation: the generated schemas accept Argo's examples, catch typos everywhere, and the
fast check agrees with jsonschema."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import FIXTURES, run, run_json
from wfctl.argo.spec import iter_templates
from wfctl.loader.documents import classify
from wfctl.loader.yaml import parse
from wfctl.model import Severity
from wfctl.schema import drop_nulls, fast_check, load, schema_dir
from wfctl.schema.errors import _explain, validate
from wfctl.schema.fastcheck import compile_schema
from wfctl.text import suggest

KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")


def documents(paths):
    for path in paths:
        for ydoc in parse(path.read_text()).documents:
            docs, _, _ = classify(str(path), ydoc)
            yield from docs


def test_schemas_are_strict_and_recorded():
    for version, release in (("v4", "4.1.2"), ("v3.7", "3.7.18")):
        source = json.loads((schema_dir() / version / "SOURCE.json").read_text())
        assert source["project"] == "Argo Workflows" and source["version"] == release
        assert source["tag"] == f"v{release}" and len(source["commit"]) == 40
        assert source["license"] == "Apache-2.0"
        assert set(source["inputs"]) >= {"schema.json", "LICENSE", "crds/argoproj.io_workflows.yaml"}
        for kind in KINDS:
            schema = load(version, kind)
            jsonschema.Draft202012Validator.check_schema(schema)
            assert release in schema["$comment"]
            template = schema["$defs"]["Template"]
            assert template["additionalProperties"] is False
            assert "image" not in schema["$defs"]["Container"].get("required", [])
            # free-form maps stay open
            meta = schema["$defs"]["ObjectMeta"]["properties"]
            assert meta["labels"]["additionalProperties"] == {"type": "string"}


def test_parameter_values_may_be_numbers():
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "w"},
        "spec": {"arguments": {"parameters": [{"name": "n", "value": 3}, {"name": "b", "value": True}]}},
    }
    assert validate(doc, "4", "Workflow") == []


def test_upstream_examples_all_validate(upstream_examples):
    count = 0
    for doc in documents(sorted(upstream_examples.rglob("*.yaml"))):
        count += 1
        assert validate(doc.data, "4", doc.kind) == [], doc.file
    assert count >= 200


def _typo(word: str) -> str:
    return word[:-1] + word[-1].upper() + "x" if len(word) > 1 else word + "x"


def test_misspelled_field_anywhere_in_a_template_is_caught(upstream_examples):
    """Rename every key of every template (at every depth, in mappings Argo closes) of every example."""
    rng = random.Random(7)
    checked = 0
    for doc in documents(sorted(upstream_examples.rglob("*.yaml"))):
        for path, tpl in iter_templates(doc):
            stack = [((), tpl)]
            while stack:
                sub_path, node = stack.pop()
                if isinstance(node, dict):
                    for key, value in node.items():
                        stack.append(((*sub_path, key), value))
                elif isinstance(node, list):
                    stack.extend(((*sub_path, i), v) for i, v in enumerate(node))
                if not isinstance(node, dict) or not node or rng.random() > 0.3:
                    continue
                if any(
                    p
                    in (
                        "labels",
                        "annotations",
                        "nodeSelector",
                        "plugin",
                        "requests",
                        "limits",
                        "manifest",
                        "matchLabels",
                        "withItems",
                        "headers",
                        "volumeAttributes",
                        "jsonBody",
                        "sidecar",
                        "body",
                        "parameters",
                        "hooks",
                    )
                    and isinstance(p, str)
                    for p in sub_path[-1:]
                ):
                    continue
                if "withItems" in sub_path or "plugin" in sub_path:
                    continue
                key = sorted(node)[0]
                mutated = copy.deepcopy(doc.data)
                target = mutated
                for part in (*path, *sub_path):
                    target = target[part]
                target[_typo(key)] = target.pop(key)
                findings = validate(mutated, "4", doc.kind)
                assert any(f.rule == "WF001" and f.path == (*path, *sub_path, _typo(key)) for f in findings), (
                    doc.file,
                    (*path, *sub_path, key),
                    findings,
                )
                checked += 1
    assert checked > 300


def test_fast_check_agrees_with_jsonschema():
    """Random mutations of valid documents: the compiled check and jsonschema give the same answer."""
    rng = random.Random(11)
    paths = sorted((FIXTURES / "examples").glob("*.yaml"))
    shared = Path(__file__).resolve().parents[2] / "shared/upstream/argo-workflows-v4.1.2/examples"
    if shared.is_dir():
        paths += sorted(shared.glob("*.yaml"))[:60]
    values = [None, 1, 1.5, "x", True, [], {}, ["a"], {"name": "n"}, {"bogus": 1}, [{"name": 1}]]
    agreed = 0
    for doc in documents(paths):
        full = jsonschema.Draft202012Validator(load("4", doc.kind))
        fast = fast_check("4", doc.kind)
        for _ in range(15):
            mutated = copy.deepcopy(doc.data)
            node = mutated
            for _depth in range(rng.randint(1, 6)):
                if isinstance(node, dict) and node:
                    key = rng.choice(sorted(node, key=str))
                    if not isinstance(node[key], (dict, list)) or rng.random() < 0.3:
                        node[key] = rng.choice(values)
                        break
                    node = node[key]
                elif isinstance(node, list) and node:
                    i = rng.randrange(len(node))
                    if not isinstance(node[i], (dict, list)) or rng.random() < 0.3:
                        node[i] = rng.choice(values)
                        break
                    node = node[i]
                else:
                    break
            assert fast(mutated) == full.is_valid(drop_nulls(mutated)), mutated
            agreed += 1
    assert agreed > 50


def test_fast_check_refuses_unknown_keywords():
    with pytest.raises(ValueError, match="does not support"):
        compile_schema({"type": "string", "pattern": "^a"})


def test_fast_check_semantics():
    check = compile_schema(
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["a"],
            "properties": {
                "a": {"type": "integer"},
                "b": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "c": {"enum": [1, "x"]},
                "d": {"const": True},
            },
        }
    )
    assert check({"a": 1}) and check({"a": 1.0}) and not check({"a": True})
    assert not check({"a": None}) and check({"a": 1, "b": None})
    assert check({"a": 1, "b": "s", "c": "x", "d": True}) and not check({"a": 1, "d": 1})
    assert not check({"a": 1, "z": 0}) and not check({"a": 1, "c": True})


def test_did_you_mean():
    assert suggest("entrypiont", ["entrypoint", "templates"]) == "entrypoint"
    assert suggest("Image", ["image", "command"]) == "image"
    assert suggest("zzz", ["image"]) is None


def test_one_of_is_reduced_to_one_message():
    """The branch meant for the value's type is explained, not every branch (any schema, not only Argo's)."""
    schema = {
        "type": "object",
        "properties": {
            "limit": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "spec": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"name": {"type": "string"}}}]},
        },
    }
    validator = jsonschema.Draft202012Validator(schema)
    findings = [f for e in validator.iter_errors({"limit": [1], "spec": {"name": 3}}) for f in _explain(e)]
    by_path = {f.path: f for f in findings}
    assert len(findings) == 2
    assert by_path[("limit",)].rule == "WF002"
    assert by_path[("limit",)].message == "expected string or integer, got array"
    assert by_path[("spec", "name")].message.startswith("expected string, got integer 3")


def test_other_violations_are_wf005():
    findings = [f for e in jsonschema.Draft202012Validator({"minLength": 2}).iter_errors("a") for f in _explain(e)]
    assert [f.rule for f in findings] == ["WF005"] and "schema violation" in findings[0].message


def test_int_or_string_error_names_both_types():
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "w"},
        "spec": {"templates": [{"name": "t", "retryStrategy": {"limit": [1]}}]},
    }
    findings = validate(doc, "4", "Workflow")
    assert [(f.rule, f.message) for f in findings] == [("WF002", "expected integer or string, got array")]


def test_argo_3_7_schema_lacks_4_1_fields():
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "w"},
        "spec": {"podResources": {"requests": {"cpu": 1}}},
    }
    assert validate(doc, "4", "Workflow") == []
    assert [f.rule for f in validate(doc, "3.7", "Workflow")] == ["WF001"]


# ----------------------------------------------------------------- fields Argo 4.1 knows (no ../shared)


def _at(version: str, kind: str, path: str) -> tuple[dict, set[str]]:
    """The schema node at a dotted path (`a.b[].c`, `{}` for a map's values) and what it requires there."""
    schema = load(version, kind)
    defs = schema["$defs"]

    def resolve(node: dict) -> tuple[dict, set[str]]:
        required = set(node.get("required", ()))
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[1]]
            required |= set(node.get("required", ()))
        return node, required

    node, required = resolve(schema)
    for part in filter(None, path.replace("[]", ".[]").replace("{}", ".{}").split(".")):
        if part == "[]":
            node, required = resolve(node["items"])
        elif part == "{}":
            node, required = resolve(node["additionalProperties"])
        else:
            assert part in node.get("properties", {}), f"{kind} {path}: no field {part!r}"
            node, required = resolve(node["properties"][part])
    return node, required


TEMPLATE = "spec.templates[]"
KNOWN_FIELDS = [
    # (version, field path, accepted JSON types)
    ("4", f"{TEMPLATE}.container.volumeMounts[].readOnly", "boolean"),
    ("4", "spec.volumes[].persistentVolumeClaim.readOnly", "boolean"),
    ("4", "spec.volumes[].nfs.readOnly", "boolean"),
    ("4", "spec.volumes[].csi.readOnly", "boolean"),
    ("4", f"{TEMPLATE}.container.restartPolicyRules[].exitCodes.values[]", "integer"),
    ("4", f"{TEMPLATE}.script.restartPolicyRules[].action", "string"),
    ("4", f"{TEMPLATE}.container.env[].valueFrom.fileKeyRef.volumeName", "string"),
    ("4", f"{TEMPLATE}.inputs.artifacts[].http.saveStreamViaFile", "boolean"),
    ("4", f"{TEMPLATE}.outputs.artifacts[].s3.addressingStyle", "string"),
    ("4", "spec.artifactRepositoryRef", "object"),
    ("4", "spec.volumes[].projected.sources[].podCertificate.signerName", "string"),
    ("4", "spec.podResources.requests{}", ["number", "string"]),
    ("4", "status.artifactRepositoryRef.default", "boolean"),
    ("3.7", "spec.arguments.parameters[].globalName", "string"),
    ("3.7", f"{TEMPLATE}.container.volumeMounts[].readOnly", "boolean"),
    # where Argo accepts more than its published types
    ("4", "spec.arguments.parameters[].value", ["boolean", "number", "string"]),
    ("4", f"{TEMPLATE}.retryStrategy.limit", ["integer", "string"]),
    ("4", f"{TEMPLATE}.activeDeadlineSeconds", ["integer", "string"]),
    ("4", f"{TEMPLATE}.container.livenessProbe.httpGet.port", ["integer", "string"]),
    ("4", f"{TEMPLATE}.container.resources.limits{{}}", ["number", "string"]),
]


@pytest.mark.parametrize(("version", "path", "types"), KNOWN_FIELDS)
def test_known_fields_are_in_the_schema(version, path, types):
    if path.startswith("status."):  # only a Workflow has a status with these fields
        assert _at(version, "Workflow", path)[0].get("type") == types
        return
    for kind in ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate"):
        node, _ = _at(version, kind, path)
        assert node.get("type") == types, (kind, path, node)
    node, _ = _at(version, "CronWorkflow", path.replace("spec.", "spec.workflowSpec.", 1))
    assert node.get("type") == types


REQUIRED = [
    # (field path, exactly what the CRDs require there)
    ("", {"metadata", "spec"}),
    (f"{TEMPLATE}.container.volumeMounts[]", {"name", "mountPath"}),
    (f"{TEMPLATE}.container", set()),  # image may come from templateDefaults
    (f"{TEMPLATE}.script", set()),  # image and source too
    (f"{TEMPLATE}.container.env[]", {"name"}),
    (f"{TEMPLATE}.container.env[].valueFrom.fileKeyRef", {"key", "path", "volumeName"}),
    (f"{TEMPLATE}.metrics", {"prometheus"}),
    ("spec.arguments.parameters[]", {"name"}),
    ("spec.executorPlugins[].spec.sidecar.container", {"name"}),  # a place that requires more
]


@pytest.mark.parametrize(("path", "required"), REQUIRED)
def test_required_follows_the_crds(path, required):
    assert _at("4", "Workflow", path)[1] == required


def test_argo_3_7_lacks_4_1_fields():
    for path in (f"{TEMPLATE}.container.restartPolicyRules", "spec.volumes[].projected.sources[].podCertificate"):
        with pytest.raises(AssertionError, match="no field"):
            _at("3.7", "Workflow", path)


ARGO_4_1_FIELDS = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: argo-4-1-fields-
spec:
  entrypoint: main
  volumes:
    - name: certs
      projected:
        sources:
          - podCertificate:
              signerName: example.com/signer
              keyType: ED25519
              credentialBundlePath: bundle.pem
    - name: config
      persistentVolumeClaim:
        claimName: config
        readOnly: true
  templates:
    - name: main
      inputs:
        artifacts:
          - name: data
            path: /tmp/data
            http:
              url: https://example.com/data.tar.gz
              saveStreamViaFile: true
      outputs:
        artifacts:
          - name: result
            path: /tmp/result
            s3:
              endpoint: s3.example.com
              bucket: results
              key: result.tgz
              addressingStyle: path
      container:
        image: alpine:3.20
        command: [sh, -c, "ls /etc/config /var/run/certs"]
        restartPolicyRules:
          - action: Restart
            exitCodes:
              operator: In
              values: [42]
        env:
          - name: SETTING
            valueFrom:
              fileKeyRef:
                volumeName: config
                path: settings.env
                key: SETTING
        volumeMounts:
          - name: config
            mountPath: /etc/config
            readOnly: true
          - name: certs
            mountPath: /var/run/certs
            readOnly: true
"""

ARGO_LENIENCY = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: lenient-
spec:
  entrypoint: main
  activeDeadlineSeconds: 300
  templateDefaults:
    script:
      image: python:3.12
      source: print("default")
  arguments:
    parameters:
      - name: count
        value: 3
      - name: flag
        value: true
      - name: ratio
        value: 0.5
        enum: [0.5, 1]
  templates:
    - name: main
      retryStrategy:
        limit: "3"
        backoff:
          duration: "1"
          factor: 2
      script:
        command: [python]
        resources:
          limits:
            cpu: 0.5
            memory: 64Mi
        livenessProbe:
          httpGet:
            port: http
            path: /healthz
"""


def test_argo_4_1_fields_validate_clean_through_the_cli(tmp_path):
    path = tmp_path / "argo-4-1.yaml"
    path.write_text(ARGO_4_1_FIELDS)
    code, payload = run_json("validate", "--isolated", str(path))
    assert (code, payload["findings"]) == (0, [])
    # and Argo 3.7 does not know them: each is an unknown field at its own line
    code, payload = run_json("validate", "--isolated", "--argo-version", "3.7", str(path))
    got = {(f["line"], f["rule"], f["message"].split("'")[1]) for f in payload["findings"]}
    assert code == 1
    assert got == {
        (11, "WF001", "podCertificate"),
        (27, "WF001", "saveStreamViaFile"),
        (36, "WF001", "addressingStyle"),
        (40, "WF001", "restartPolicyRules"),
        (48, "WF001", "fileKeyRef"),
    }


def test_where_argo_accepts_more_than_its_published_schema(tmp_path):
    """Numbers as parameter values, int-or-string, cpu: 0.5, script image/source from templateDefaults."""
    path = tmp_path / "lenient.yaml"
    path.write_text(ARGO_LENIENCY)
    code, payload = run_json("validate", "--isolated", str(path))
    assert (code, payload["findings"]) == (0, [])


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "            readOnly: true\n          - name: certs",
            "            readonly: true\n          - name: certs",
            "unknown field 'readonly': did you mean 'readOnly'?",
        ),
        (
            "saveStreamViaFile: true",
            "saveStreamViaFlie: true",
            "unknown field 'saveStreamViaFlie': did you mean 'saveStreamViaFile'?",
        ),
        ("      container:\n", "      container:\n        bogus: 1\n", "unknown field 'bogus'"),
    ],
)
def test_unknown_fields_stay_errors_with_did_you_mean(tmp_path, before, after, message):
    path = tmp_path / "typo.yaml"
    assert before in ARGO_4_1_FIELDS
    path.write_text(ARGO_4_1_FIELDS.replace(before, after, 1))
    code, payload = run_json("validate", "--isolated", str(path))
    assert code == 1
    assert [(f["rule"], f["severity"], f["message"]) for f in payload["findings"]] == [("WF001", "error", message)]


def test_a_missing_required_field_is_reported_where_the_crd_requires_it(tmp_path):
    path = tmp_path / "required.yaml"
    path.write_text(ARGO_4_1_FIELDS.replace("            mountPath: /etc/config\n", "", 1))
    code, payload = run_json("validate", "--isolated", str(path))
    assert code == 1
    assert [(f["rule"], f["line"], f["message"]) for f in payload["findings"]] == [
        ("WF003", 53, "missing required field 'mountPath' in 'volumeMounts[0]'")
    ]


# ------------------------------------------------------- input findings take their rule's severity


def _with_severity(monkeypatch, code: str, severity: Severity) -> None:
    from wfctl import rules

    monkeypatch.setattr(rules.load_all()[code], "severity", severity)


@pytest.mark.parametrize(
    ("code", "before", "after"),
    [
        (
            "WF001",
            "            readOnly: true\n          - name: certs",
            "            readonly: true\n          - name: certs",
        ),
        ("WF002", "saveStreamViaFile: true", "saveStreamViaFile: [true]"),
        ("WF003", "            mountPath: /etc/config\n", ""),
        ("WF011", "        image: alpine:3.20\n", "        image: alpine:3.20\n        image: alpine:3.21\n"),
        ("WF010", "        image: alpine:3.20\n", '        image: "alpine:3.20\n'),
    ],
)
def test_input_findings_take_their_severity_from_the_rule_entry(monkeypatch, tmp_path, code, before, after):
    path = tmp_path / "input.yaml"
    path.write_text(ARGO_4_1_FIELDS.replace(before, after, 1))
    # --no-cache: the results cache cannot know that a test changed a rule's class attribute
    args = ("validate", "--isolated", "--no-cache", str(path))
    result = run(*args, "--color", "never")
    assert result.exit_code == 1 and f"error {code}" in result.stdout
    _with_severity(monkeypatch, code, Severity.WARNING)
    result = run(*args, "--color", "never")
    assert f"warning {code}" in result.stdout and f"error {code}" not in result.stdout
    assert result.exit_code == 0  # a warning does not fail validate by default
    exit_code, payload = run_json(*args)
    assert exit_code == 0
    assert {f["severity"] for f in payload["findings"] if f["rule"] == code} == {"warning"}


def test_schema_findings_carry_the_rule_severity_at_unit_level(monkeypatch):
    doc = {"apiVersion": "v1", "kind": "Workflow", "metadata": {"name": "w"}, "spec": {"entrypiont": "x"}}
    for code in ("WF001", "WF004"):
        _with_severity(monkeypatch, code, Severity.INFO)
    assert {(f.rule, f.severity) for f in validate(doc, "4", "Workflow")} == {
        ("WF001", Severity.INFO),
        ("WF004", Severity.INFO),
    }
    _with_severity(monkeypatch, "WF005", Severity.WARNING)
    errors = jsonschema.Draft202012Validator({"minLength": 2}).iter_errors("a")
    assert [(f.rule, f.severity) for e in errors for f in _explain(e)] == [("WF005", Severity.WARNING)]


def test_empty_structs_are_closed_and_free_form_objects_stay_open():
    def workflow(template):
        return {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Workflow",
            "metadata": {"name": "w"},
            "spec": {"templates": [{"name": "t", **template}]},
        }

    archived = {"outputs": {"artifacts": [{"name": "a", "path": "/a", "archive": {"none": {}}}]}}
    assert validate(workflow(archived), "4", "Workflow") == []
    archived["outputs"]["artifacts"][0]["archive"]["none"] = {"level": 1}
    findings = validate(workflow(archived), "4", "Workflow")
    assert [(f.rule, f.path[-1]) for f in findings] == [("WF001", "level")]
    assert validate(workflow({"plugin": {"hello": {"anything": [1, {"goes": True}]}}}), "4", "Workflow") == []


def test_schemas_are_compiled_once_per_version_and_kind():
    assert fast_check("4", "Workflow") is fast_check("v4", "Workflow") is fast_check("4.1", "Workflow")
    assert load("4", "Workflow") is load("4.0", "Workflow")
    assert fast_check("3.7", "Workflow") is fast_check("v3.7", "Workflow")
    assert fast_check("3.7", "Workflow") is not fast_check("4", "Workflow")
    with pytest.raises(ValueError, match="unsupported Argo version"):
        fast_check("2.9", "Workflow")
