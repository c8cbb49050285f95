"""Kubeflow `{{$...}}` placeholders (not Argo variables), WF017 for a missing apiVersion key, and the
shared per-document walk that the variable, quantity and duplicate rules read (it must find exactly
what a plain recursive definition finds)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import run, run_json
from wfctl.argo.index import TemplateIndex
from wfctl.loader.documents import classify
from wfctl.loader.yaml import parse
from wfctl.rules import load_all
from wfctl.rules.base import RuleContext

REGISTRY = load_all()

KFP = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: kfp-}
spec:
  entrypoint: main
  arguments: {parameters: [{name: text, value: hi}]}
  templates:
    - name: main
      inputs: {parameters: [{name: text}]}
      container:
        image: busybox:1.36
        args:
          - "{{$}}"
          - "--text={{$.inputs.parameters['text']}} {{inputs.parameters.text}}"
          - "{{ $.outputs.artifacts['out'].path }}"
          - "{{input.parameters.text}}"
"""


def _doc(text: str) -> Any:
    docs, _, problems = classify("wf.yaml", parse(text).documents[0])
    return docs, problems


def _check(code: str, text: str) -> list:
    docs, _ = _doc(text)
    return list(REGISTRY[code]().check(RuleContext(docs[0], TemplateIndex())))


def test_kfp_placeholders_are_not_unknown_variables_unit():
    found = _check("WF116", KFP)
    # only the real typo is reported; the three KFP placeholders are left alone
    assert [f.message.split(" ", 1)[0] for f in found] == ["{{input.parameters.text}}"]
    assert found[0].path[-1] == 3
    assert _check("WF115", KFP) == []


def test_kfp_placeholders_through_the_cli(tmp_path):
    path = tmp_path / "kfp.yaml"
    path.write_text(KFP, encoding="utf-8")
    code, payload = run_json("validate", "--isolated", "--no-cache", str(path))
    assert code == 0  # a warning does not fail validate
    rules = [(f["rule"], f["line"]) for f in payload["findings"]]
    assert rules == [("WF116", 16)]
    assert "{{$" not in payload["findings"][0]["message"]


MISSPELT = """\
apiVersions: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: x-}
spec: {entrypoint: main, templates: [{name: main, container: {image: "busybox:1.36"}}]}
"""


def test_wf017_names_a_missing_apiversion_key_unit():
    docs, problems = _doc(MISSPELT)
    assert docs == [] and [p.rule for p in problems] == ["WF017"]
    message = problems[0].message
    assert "None" not in message
    assert "apiVersion key is missing" in message and "'apiVersions'" in message
    assert (problems[0].line, problems[0].column) == (1, 14)  # the misspelt key's value
    _, problems = _doc(MISSPELT.replace("apiVersions: argoproj.io/v1alpha1\n", ""))
    assert problems[0].message.endswith("but the apiVersion key is missing")
    _, problems = _doc(MISSPELT.replace("apiVersions: argoproj.io/v1alpha1", "apiVersion:"))
    assert problems[0].message.endswith("found no value")
    _, problems = _doc(MISSPELT.replace("apiVersions: argoproj.io/v1alpha1", "apiVersion: argoproj.io/v1"))
    assert problems[0].message.endswith("found 'argoproj.io/v1'")


def test_wf017_missing_key_through_the_cli(tmp_path):
    path = tmp_path / "wf.yaml"
    path.write_text(MISSPELT, encoding="utf-8")
    result = run("validate", "--isolated", "--no-cache", str(path))
    assert result.exit_code == 1
    assert "wf.yaml:1:14: error WF017" in result.stdout
    assert "apiVersion key is missing (is 'apiVersions' a misspelling?)" in result.stdout
    assert "None" not in result.stdout


# ------------------------------------------------------------------ the shared walk


def _plain_strings(value: Any, path: tuple) -> list:
    if isinstance(value, str):
        return [(path, value)] if "{{" in value else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [hit for k, v in items for hit in _plain_strings(v, (*path, k))]


def _plain_quantities(value: Any, path: tuple, parent: Any = None) -> list:
    out: list = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("plugin", "manifest", "metadata"):
                continue
            if key in ("requests", "limits") and parent in ("resources", "podResources") and isinstance(item, dict):
                out += [((*path, key, name), q) for name, q in item.items()]
            elif key == "sizeLimit":
                out.append(((*path, key), item))
            else:
                out += _plain_quantities(item, (*path, key), key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _plain_quantities(item, (*path, i), parent)
    return out


WALKED = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: w-, labels: {a: "{{x}}"}}
spec:
  entrypoint: main
  podSpecPatch: "{{workflow.parameters.p}}"
  volumes: [{name: v, emptyDir: {sizeLimit: 1Gi}}]
  volumeClaimTemplates: [{spec: {resources: {requests: {storage: 1GB}}}}]
  templates:
    - name: main
      plugin: {x: {resources: {limits: {cpu: "1 core"}}, y: "{{inputs.parameters.a}}"}}
      container:
        image: busybox:1.36
        args: ["{{inputs.parameters.a}}", plain, 3, ["{{nested}}"]]
        resources: {requests: {cpu: 100m, memory: "{{inputs.parameters.m}}"}, limits: {memory: 4GB}}
      sizeLimit: {a: 1}
"""


@pytest.mark.parametrize("text", [WALKED, WALKED.replace("kind: Workflow", "kind: WorkflowTemplate")])
def test_spec_walk_matches_a_plain_walk(text):
    from wfctl.argo.walk import spec_walk, templated_by_place

    docs, _ = _doc(text)
    walk = spec_walk(docs[0])
    assert walk.templated == _plain_strings(docs[0].spec, ("spec",))
    assert walk.quantities == _plain_quantities(docs[0].spec, ("spec",))
    assert [p[-1] for p, _ in walk.quantities] == ["sizeLimit", "storage", "cpu", "memory", "memory", "sizeLimit"]
    by_field, by_template = templated_by_place(docs[0])
    assert list(by_field) == ["podSpecPatch"] and list(by_template) == [0]
    assert len(by_template[0]) == 4  # the plugin's string counts: Argo substitutes there too


def test_quantity_and_duplicate_rules_read_the_walk():
    found = _check("WF129", WALKED)
    assert [(f.path[-1], f.message.split(" ")[1]) for f in found] == [("storage", "'1GB'"), ("memory", "'4GB'")]
    twins = WALKED.replace("      sizeLimit: {a: 1}\n", "") + WALKED.split("templates:\n")[1].replace(
        "name: main", "name: other"
    ).replace("      sizeLimit: {a: 1}\n", "")
    found = _check("WF402", twins)
    assert [f.message for f in found] == ["template 'other' is identical to 'main': run `wfctl dedupe` to merge them"]
    # same `{{` strings, different field elsewhere: not identical
    assert _check("WF402", twins.replace("image: busybox:1.36", "image: busybox:1.37", 1)) == []
