"""Generate wfctl's strict JSON Schemas from the models of the `hera` package.

Development-time tool, never imported by wfctl. Hera's models are generated from Argo's own
OpenAPI spec; this script renders them with pydantic, then makes them strict and then relaxes
them where Argo itself is more lenient than its published spec:

* every object with declared properties is closed (``additionalProperties: false``); maps that
  are free-form in Argo (labels, annotations, nodeSelector, plugin, ...) stay open;
* ``Optional[X]`` (``anyOf: [X, null]``) becomes ``X``: wfctl drops ``key: null`` before
  validating, as Go's decoder treats it as "not set";
* parameter ``value``/``default``/``enum`` and ``valueFrom.default`` take strings, numbers and
  booleans (Argo's ``AnyString``); resource quantities take numbers or strings;
* a container's ``image`` and a script's ``image``/``source`` are optional (``templateDefaults``);
* titles, descriptions and defaults are dropped (the files are read on every run).

Usage (in a virtualenv that has the matching hera release, see ``regenerate.sh``)::

    python schemas/generate.py v4      # with hera==7.1.0 (Argo 4.0.5)
    python schemas/generate.py v3.7    # with hera==6.0.0 (Argo 3.7.3)
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
EXPECTED = {"v4": ("7.1.0", "4.0.5"), "v3.7": ("6.0.0", "3.7.3")}
DROP = {"title", "description", "default", "readOnly", "examples"}
ANY_SCALAR = {"type": ["string", "number", "boolean"]}


def _short(name: str) -> str:
    """Pydantic disambiguates clashing class names with their module path; keep it readable."""
    if "__" not in name:
        return name
    parts = name.split("__")
    group = "argo" if "argoproj" in parts else parts[-2]
    return f"{parts[-1]}_{group}"


def _clean(node: Any) -> Any:
    if isinstance(node, list):
        return [_clean(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _clean(v) for k, v in node.items() if k not in DROP}
    if "$ref" in out:
        out["$ref"] = "#/$defs/" + _short(out["$ref"].rsplit("/", 1)[1])
    any_of = out.get("anyOf")
    if isinstance(any_of, list):
        rest = [x for x in any_of if x != {"type": "null"}]
        if len(rest) != len(any_of):
            del out["anyOf"]
            if len(rest) == 1:
                out.update(rest[0])
            else:
                out["anyOf"] = rest
    if out.get("properties"):
        out.setdefault("additionalProperties", False)
        out["type"] = "object"
    elif "properties" in out:
        # A model without declared fields is a free-form object in Argo (Plugin, FieldsV1, ...).
        del out["properties"]
        out.pop("additionalProperties", None)
    return out


def _relax(defs: dict[str, Any]) -> None:
    param = defs["Parameter"]["properties"]
    param["value"] = dict(ANY_SCALAR)
    param["default"] = dict(ANY_SCALAR)
    param["enum"] = {"type": "array", "items": dict(ANY_SCALAR)}
    defs["ValueFrom"]["properties"]["default"] = dict(ANY_SCALAR)
    defs["Quantity"] = {"type": ["string", "number"]}
    defs["Item"] = {}
    # `templateDefaults` may supply a template's image and a script's source: Argo does not require them.
    for name, fields in (("Container", {"image"}), ("ScriptTemplate", {"image", "source"})):
        required = [r for r in defs[name].get("required", []) if r not in fields]
        if required:
            defs[name]["required"] = required
        else:
            defs[name].pop("required", None)


# Fields that Argo 4.1 added after the release hera 7.1.0 was generated from (Argo 4.0.5).
# Written here from Argo's 4.1 field list (docs/fields.md), so that the v4 schemas cover 4.1.
ARGO_4_1_OVERLAY = {
    "PodResourceClaim": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "resourceClaimName": {"type": "string"},
            "resourceClaimTemplateName": {"type": "string"},
        },
    },
    "ExecutorPlugin": {
        "type": "object",
        "additionalProperties": False,
        "required": ["metadata", "spec"],
        "properties": {
            "metadata": {"$ref": "#/$defs/ObjectMeta"},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"sidecar": {"type": "object"}},
            },
        },
    },
}


def _overlay_4_1(defs: dict[str, Any]) -> None:
    defs.update(ARGO_4_1_OVERLAY)
    claims = {"type": "array", "items": {"$ref": "#/$defs/PodResourceClaim"}}
    resources = {"$ref": "#/$defs/ResourceRequirements"}
    for owner in ("WorkflowSpec", "Template"):
        defs[owner]["properties"]["podResources"] = resources
        defs[owner]["properties"]["resourceClaims"] = claims
    defs["WorkflowSpec"]["properties"]["executorPlugins"] = {
        "type": "array",
        "items": {"$ref": "#/$defs/ExecutorPlugin"},
    }
    defs["Template"]["properties"]["pendingTimeout"] = {"type": "string"}
    defs["Parameter"]["properties"]["description"] = {"type": "string"}


def _reachable(root: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    todo = [root]
    while todo:
        node = todo.pop()
        text = json.dumps(node)
        for ref in re.findall(r'"#/\$defs/([^"]+)"', text):
            if ref not in seen:
                seen[ref] = defs[ref]
                todo.append(defs[ref])
    return dict(sorted(seen.items()))


def generate(label: str) -> None:
    from hera.workflows import models

    hera_version = metadata.version("hera")
    want_hera, argo_version = EXPECTED[label]
    if hera_version != want_hera:
        sys.exit(f"{label} is generated from hera=={want_hera}; this environment has {hera_version}")
    out_dir = HERE / label
    out_dir.mkdir(exist_ok=True)
    for kind in KINDS:
        raw = getattr(models, kind).model_json_schema(by_alias=True)
        defs = {_short(k): _clean(v) for k, v in raw.pop("$defs").items()}
        _relax(defs)
        if label == "v4":
            _overlay_4_1(defs)
        root = _clean(raw)
        root["properties"]["apiVersion"] = {"type": "string"}
        root["properties"]["kind"] = {"const": kind}
        root["required"] = sorted(set(root.get("required", [])) | {"apiVersion", "kind", "metadata", "spec"})
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": f"generated by schemas/generate.py from hera=={hera_version} (Argo Workflows v{argo_version})",
            **root,
            "$defs": _reachable(root, defs),
        }
        (out_dir / f"{kind.lower()}.json").write_text(json.dumps(schema, sort_keys=True, separators=(",", ":")) + "\n")
    (out_dir / "SOURCE.json").write_text(
        json.dumps(
            {
                "package": "hera",
                "package_version": hera_version,
                "package_license": "Apache-2.0",
                "argo_workflows_version": argo_version,
                "generator": "schemas/generate.py",
                "overlay": (
                    "Argo 4.1 fields added by hand (ARGO_4_1_OVERLAY in generate.py): podResources, "
                    "resourceClaims, executorPlugins, template pendingTimeout, parameter description"
                    if label == "v4"
                    else None
                ),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out_dir} (hera {hera_version}, Argo {argo_version})")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in EXPECTED:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(EXPECTED)}}}")
    generate(sys.argv[1])
