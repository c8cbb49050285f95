"""Schema validation: the generated schemas accept Argo's examples, catch typos everywhere, and the
fast check agrees with jsonschema."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import FIXTURES
from wfctl.argo.spec import iter_templates
from wfctl.loader.documents import classify
from wfctl.loader.yaml import parse
from wfctl.schema import drop_nulls, fast_check, load, schema_dir
from wfctl.schema.errors import suggest, validate
from wfctl.schema.fastcheck import compile_schema

KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")


def documents(paths):
    for path in paths:
        for ydoc in parse(path.read_text()).documents:
            docs, _, _ = classify(str(path), ydoc)
            yield from docs


def test_schemas_are_strict_and_recorded():
    for version in ("v4", "v3.7"):
        source = json.loads((schema_dir() / version / "SOURCE.json").read_text())
        assert source["package"] == "hera"
        assert source["argo_workflows_version"].startswith(version[1:].split(".")[0])
        for kind in KINDS:
            schema = load(version, kind)
            jsonschema.Draft202012Validator.check_schema(schema)
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
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "w"},
        "spec": {"templates": [{"name": "t", "retryStrategy": {"limit": [1]}}]},
    }
    findings = validate(doc, "4", "Workflow")
    assert len(findings) == 1
    assert findings[0].rule == "WF002" and "string or integer" in findings[0].message


def test_argo_3_7_schema_lacks_4_1_fields():
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "w"},
        "spec": {"podResources": {"requests": {"cpu": 1}}},
    }
    assert validate(doc, "4", "Workflow") == []
    assert [f.rule for f in validate(doc, "3.7", "Workflow")] == ["WF001"]
