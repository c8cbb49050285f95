"""Generate wfctl's strict JSON Schemas from an Argo Workflows release: its schema.json and full CRDs.

Development-time tool, never imported by wfctl. Input: a directory holding one Argo release's published
`schema.json` (the definitions bundle), its full CRDs (`crds/argoproj.io_*.yaml`, with
`openAPIV3Schema`), `LICENSE` and `PROVENANCE` (`<tag> <commit>`). Output: one schema per kind plus
`SOURCE.json` (provenance and input checksums). The output is a function of the input only (sorted,
no dates), so regenerating from the same release gives identical files.

How the two sources are combined:

* **Structure** comes from `schema.json`: its definitions, walked keyword by keyword. Annotations
  (`description`, `title`, `default`, `format`, `readOnly`, `x-kubernetes-*`...) are dropped only
  where they are keywords; names inside `properties` are field names and are always kept (a field
  called `readOnly` is a field).
* **Strictness**: every object with declared fields is closed (`additionalProperties: false`), as
  Argo decodes manifests strictly. An object without declared fields is closed where the CRD says it
  is a plain object (empty structs such as `none: {}`), and stays open where the CRD preserves unknown
  fields (`plugin`) or does not describe it.
* **`required` follows the CRDs**, which a v4 API server enforces: the schema and the CRD of each kind
  are walked side by side; a definition requires what the CRD requires at every place it is used, and
  a place that requires more (an executor plugin's sidecar `container.name`) says so at that place.
  For Argo 3.7, whose default install uses the minimal CRDs, the few requirements that only the full
  CRDs enforce (`FULL_CRDS_ONLY`) are written as `x-full-crds-required` instead (wfctl's WF006 warning),
  and AnyString fields (`ANY_STRING_37`) take any value, marked `x-full-crds-scalar`.
* **Types**: the CRD's `x-kubernetes-int-or-string` fields take integers or strings. Where Argo itself
  accepts more than both (`ARGO_LENIENCY` below) the schema follows Argo.
* A field that the CRD has and `schema.json` lacks is added from the CRD (none in 4.1.2 or 3.7.18).

Usage::

    python schemas/generate.py v4   [--upstream DIR] [--out DIR]   # Argo 4.1.2
    python schemas/generate.py v3.7 [--upstream DIR] [--out DIR]   # Argo 3.7.18

`--upstream` defaults to `../shared/upstream/argo-workflows-v<version>` beside the repository;
`--out` to `schemas/<label>`. `schemas/regenerate.sh` runs both.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
CRD_FILES = {kind: f"argoproj.io_{kind.lower()}s.yaml" for kind in KINDS}
RELEASES = {"v4": "4.1.2", "v3.7": "3.7.18"}
ARGO = "io.argoproj.workflow.v1alpha1."

# JSON Schema keywords the generated schemas keep; wfctl/schema/fastcheck.py compiles exactly these.
KEEP = {"type", "properties", "additionalProperties", "required", "items", "$ref", "enum", "const"}
COMBINERS = {"anyOf", "oneOf", "allOf"}
# Keywords that only describe (or that wfctl does not check): dropped wherever they are keywords.
ANNOTATIONS = {"description", "title", "default", "format", "readOnly", "writeOnly", "examples", "deprecated"}

ANY_SCALAR = {"type": ["boolean", "number", "string"]}

# Where Argo (or Kubernetes) accepts more than its published schema and CRD say. Each entry:
# (definition, field or None for the whole definition, replacement schema, reason).
ARGO_LENIENCY: list[tuple[str, str | None, dict[str, Any], str]] = [
    ("Parameter", "value", ANY_SCALAR, "AnyString: Argo reads numbers and booleans as strings"),
    ("Parameter", "default", ANY_SCALAR, "AnyString"),
    ("Parameter", "enum", {"type": "array", "items": ANY_SCALAR}, "AnyString"),
    ("ValueFrom", "default", ANY_SCALAR, "AnyString"),
    ("Quantity", None, {"type": ["number", "string"]}, "resource.Quantity reads numbers (cpu: 0.5)"),
]
# Fields never required although the published schema requires them: `templateDefaults` may supply them.
NOT_REQUIRED = {"Container": {"image"}, "ScriptTemplate": {"image", "source"}}

# Argo 3.7's default install (manifests/cluster-install, namespace-install, quick-start) uses the *minimal*
# CRDs, whose `spec` is `x-kubernetes-preserve-unknown-fields`: the API server checks nothing inside it, and
# the controller and `argo lint` decode with Go types, which do not enforce `required`. These requirements
# of 3.7's full CRDs are enforced by nothing else (evidence in each reason, paths in argo-workflows v3.7.18),
# so the v3.7 schema keeps them under FULL_CRDS_REQUIRED (wfctl's WF006, a warning) instead of `required`
# (WF003, an error). Every other `required` stays: Argo's own validation, Go decoding or Kubernetes (on the
# pod or object Argo creates) rejects the omission. From 4.0 the default install uses the full CRDs, so
# the v4 schema has no such entries. Each entry: (definition, field, place or None for every place, reason).
FULL_CRDS_REQUIRED = "x-full-crds-required"
FULL_CRDS_SCALAR = "x-full-crds-scalar"
FULL_CRDS_ONLY: dict[str, list[tuple[str, str, str | None, str]]] = {
    "v3.7": [
        (
            "ConfigMapKeySelector",
            "key",
            "Cache.configMap",
            "memoize cache: the controller reads only configMap.name (workflow/controller/operator.go:2145)",
        ),
        ("Memoize", "maxAge", None, "empty means no limit (workflow/controller/operator.go:2159)"),
        ("Gauge", "realtime", None, "nil means false (workflow/metrics/util.go:28; validMetricGauges test)"),
        ("ArtifactPaths", "name", None, "not validated; test/e2e/testdata/data-transformation.yaml omits it"),
        (
            "AzureArtifact",
            "container",
            None,
            "a key-only artifact takes the artifact repository's (ArtifactLocation.Relocate, executor.go:688)",
        ),
        ("AzureArtifact", "endpoint", None, "a key-only artifact takes the artifact repository's (as container)"),
    ],
}
# Where Argo 3.7 reads any JSON value as AnyString (pkg/apis/workflow/v1alpha1/anystring.go:23-44): numbers
# and booleans become strings, a list or a mapping is silently read as "" (no error). The full CRDs say
# `type: string`. The v3.7 schema accepts any value there and marks it FULL_CRDS_SCALAR (WF006 for a list or
# a mapping); the v4 schema keeps ARGO_LENIENCY (scalars only).
ANY_STRING_37: list[tuple[str, str, bool]] = [  # (definition, field, a list of AnyString)
    ("Parameter", "value", False),
    ("Parameter", "default", False),
    ("Parameter", "enum", True),
    ("Parameter", "description", False),
    ("ValueFrom", "default", False),
]


class GenerateError(Exception):
    """The inputs are not what the generator understands; nothing is written."""


# --------------------------------------------------------------------------------------------- inputs


def read_upstream(upstream: Path) -> dict[str, Any]:
    """schema.json definitions, the four CRDs' openAPIV3Schema, and provenance, from one release directory."""
    try:
        from ruamel.yaml import YAML
    except ImportError:
        raise GenerateError("needs ruamel.yaml: run it with wfctl's Python (PYTHON=... for regenerate.sh)") from None

    files = ["schema.json", "LICENSE", "PROVENANCE", *(f"crds/{name}" for name in CRD_FILES.values())]
    missing = [f for f in files if not (upstream / f).is_file()]
    if missing:
        raise GenerateError(f"{upstream}: missing {', '.join(missing)}")
    digests = {f: hashlib.sha256((upstream / f).read_bytes()).hexdigest() for f in files}
    definitions = json.loads((upstream / "schema.json").read_text(encoding="utf-8"))["definitions"]
    yaml = YAML(typ="safe")
    crds = {}
    for kind, name in CRD_FILES.items():
        crd = yaml.load((upstream / "crds" / name).read_text(encoding="utf-8"))
        if crd.get("spec", {}).get("names", {}).get("kind") != kind:
            raise GenerateError(f"crds/{name} is not the CRD of {kind}")
        versions = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
        crds[kind] = versions[0]["schema"]["openAPIV3Schema"]
    tag, commit = (upstream / "PROVENANCE").read_text(encoding="utf-8").split()[:2]
    license_text = (upstream / "LICENSE").read_text(encoding="utf-8")
    if "Apache License" not in license_text or "Version 2.0" not in license_text:
        raise GenerateError(f"{upstream}/LICENSE is not the Apache License 2.0")
    return {"definitions": definitions, "crds": crds, "tag": tag, "commit": commit, "digests": digests}


# ---------------------------------------------------------------------------------- schema.json → ours


def short_names(full_names: list[str]) -> dict[str, str]:
    """`io.k8s.api.core.v1.VolumeMount` → `VolumeMount`; clashing names get `_argo` / `_<api version>`."""
    by_short: dict[str, list[str]] = defaultdict(list)
    for full in full_names:
        by_short[full.rsplit(".", 1)[1]].append(full)
    names = {}
    for short, fulls in by_short.items():
        for full in fulls:
            if len(fulls) == 1:
                names[full] = short
            else:
                names[full] = f"{short}_argo" if full.startswith(ARGO) else f"{short}_{full.split('.')[-2]}"
    return names


class Converter:
    """Rewrites schema.json definitions into wfctl's form: kept keywords only, short `$ref`s, closed objects."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.names: dict[str, str] = {}

    def reachable(self, roots: list[str]) -> list[str]:
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            if name not in self.definitions:
                raise GenerateError(f"schema.json: definition {name!r} is referenced but missing")
            seen.add(name)
            todo.extend(_refs(self.definitions[name]))
        return sorted(seen)

    def convert(self, node: Any, where: str) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            raise GenerateError(f"{where}: expected a schema, found {node!r}")
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ANNOTATIONS or key.startswith("x-"):
                continue
            if key == "$ref":
                out["$ref"] = "#/$defs/" + self.names[value.rsplit("/", 1)[1]]
            elif key == "properties":
                # Field names, never keywords: every one is kept, whatever it is called.
                out["properties"] = {name: self.convert(sub, f"{where}.{name}") for name, sub in value.items()}
            elif key in ("items", "additionalProperties"):
                out[key] = self.convert(value, f"{where}[{key}]")
            elif key in COMBINERS:
                out[key] = [self.convert(sub, f"{where}[{key}]") for sub in value]
            elif key in KEEP:
                out[key] = value
            else:
                raise GenerateError(f"{where}: keyword {key!r} is not understood by the generator")
        if out.get("properties"):
            out["type"] = "object"
            out.setdefault("additionalProperties", False)
        elif "properties" in out:
            del out["properties"]
        return out


def _refs(node: Any) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value.rsplit("/", 1)[1])
            else:
                found.extend(_refs(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_refs(value))
    return found


# ------------------------------------------------------------------------------- the CRD, side by side


class CrdWalk:
    """Walks a kind's CRD and the converted schema together, recording what the CRD says at each place.

    A place is (owner, field): the definition (or the inline schema path) holding a field, so that a
    requirement that holds at one place only is written at that place.
    """

    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        # definition → list of (place, CRD `required` there)
        self.required: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        self.preserve: set[str] = set()  # definitions the CRD leaves open somewhere
        self.plain_object: set[str] = set()  # definitions the CRD describes as a bare `type: object`
        self.int_or_string: set[str] = set()
        self.added: list[str] = []  # CRD fields schema.json lacked, added from the CRD

    def _target(self, schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            return name, self.defs[name]
        return None, schema

    def walk(self, crd: dict[str, Any], schema: dict[str, Any], path: str, place: str) -> None:
        name, target = self._target(schema)
        if crd.get("x-kubernetes-int-or-string"):
            if name is None:
                raise GenerateError(f"{path}: int-or-string field without a definition")
            self.int_or_string.add(name)
            return
        if crd.get("x-kubernetes-preserve-unknown-fields") and name is not None:
            self.preserve.add(name)
        _check_type(crd, target, path)
        if "properties" in crd:
            props = target.setdefault("properties", {})
            if name is not None:
                self.required[name].append((place, frozenset(crd.get("required", ()))))
            elif set(target.get("required", ())) != set(crd.get("required", ())):
                # schema.json has no inline objects today; say so rather than guess if one appears
                raise GenerateError(f"{path}: an inline object whose `required` differs from the CRD's")
            for field, sub in crd["properties"].items():
                if field not in props:
                    props[field] = from_crd(sub)
                    target["type"] = "object"
                    target.setdefault("additionalProperties", False)
                    self.added.append(f"{path}.{field}")
                    continue
                self.walk(sub, props[field], f"{path}.{field}", f"{name or path}.{field}")
        elif (
            crd.get("type") == "object"
            and name is not None
            and not crd.get("x-kubernetes-preserve-unknown-fields")
            and not isinstance(crd.get("additionalProperties"), dict)
        ):
            self.plain_object.add(name)
        if isinstance(crd.get("items"), dict):
            self.walk(crd["items"], target.get("items", {}), f"{path}[]", f"{name or path}[]")
        if isinstance(crd.get("additionalProperties"), dict) and isinstance(target.get("additionalProperties"), dict):
            self.walk(crd["additionalProperties"], target["additionalProperties"], f"{path}{{}}", f"{name or path}{{}}")


def _check_type(crd: dict[str, Any], ours: dict[str, Any], path: str) -> None:
    """The CRD's type must be one the schema.json definition has too (else the sources disagree)."""
    crd_type, our_type = crd.get("type"), ours.get("type")
    if crd_type is None or our_type is None:
        return
    ours_list = our_type if isinstance(our_type, list) else [our_type]
    if crd_type not in ours_list and not (crd_type == "integer" and "number" in ours_list):
        raise GenerateError(f"{path}: the CRD says {crd_type}, schema.json says {our_type}")


def from_crd(node: dict[str, Any]) -> dict[str, Any]:
    """A CRD subschema (inline, no refs) in wfctl's form, for a field schema.json does not have."""
    if node.get("x-kubernetes-int-or-string"):
        return {"type": ["integer", "string"]}
    out: dict[str, Any] = {}
    for key in ("type", "enum", "required"):
        if key in node:
            out[key] = node[key]
    if "properties" in node:
        out["properties"] = {k: from_crd(v) for k, v in node["properties"].items()}
        out["type"] = "object"
        out["additionalProperties"] = bool(node.get("x-kubernetes-preserve-unknown-fields"))
    elif isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = from_crd(node["additionalProperties"])
    if isinstance(node.get("items"), dict):
        out["items"] = from_crd(node["items"])
    return out


# ------------------------------------------------------------------------------------------- building


def build(upstream: Path, label: str = "v4") -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The schema of each kind, and the provenance record, from one release directory (`label`: v4, v3.7)."""
    source = read_upstream(upstream)
    full_crds_only = FULL_CRDS_ONLY.get(label, [])
    definitions = source["definitions"]
    roots = [ARGO + kind for kind in KINDS]
    converter = Converter(definitions)
    reachable = converter.reachable(roots)
    converter.names = short_names(reachable)
    defs = {converter.names[full]: converter.convert(definitions[full], full) for full in reachable}

    walk = CrdWalk(defs)
    for kind in KINDS:
        walk.walk(source["crds"][kind], {"$ref": f"#/$defs/{kind}"}, kind, kind)
    _apply_required(defs, walk, full_crds_only)
    for name in walk.int_or_string:
        defs[name] = {"type": ["integer", "string"]}
    for name in walk.plain_object - walk.preserve:
        if not defs[name].get("properties") and defs[name].get("type") == "object":
            defs[name]["additionalProperties"] = False
    for name in walk.preserve:
        if not defs[name].get("properties"):
            defs[name] = {"type": "object"}
    for def_name, field, replacement, _ in ARGO_LENIENCY:
        if field is None:
            defs[def_name] = json.loads(json.dumps(replacement))
        else:
            defs[def_name]["properties"][field] = json.loads(json.dumps(replacement))
    any_string = ANY_STRING_37 if label == "v3.7" else []
    for def_name, field, is_list in any_string:
        mark: dict[str, Any] = {FULL_CRDS_SCALAR: True}
        defs[def_name]["properties"][field] = {"type": "array", "items": mark} if is_list else mark
    for def_name, fields in NOT_REQUIRED.items():
        kept = [r for r in defs[def_name].get("required", []) if r not in fields]
        if kept:
            defs[def_name]["required"] = kept
        else:
            defs[def_name].pop("required", None)

    schemas = {}
    for kind in KINDS:
        root = json.loads(json.dumps(defs[kind]))
        schemas[kind] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": (
                f"generated by schemas/generate.py from Argo Workflows {source['tag']} ({source['commit']}): "
                "schema.json for structure, the full CRDs for required fields"
            ),
            **root,
            "$defs": {name: defs[name] for name in sorted(_reachable_from(root, defs))},
        }
    provenance = {
        "project": "Argo Workflows",
        "repository": "https://github.com/argoproj/argo-workflows",
        "version": source["tag"].removeprefix("v"),
        "tag": source["tag"],
        "commit": source["commit"],
        "license": "Apache-2.0",
        "copyright": "The Argo Authors",
        "inputs": source["digests"],
        "generator": "schemas/generate.py",
        "added_from_crds": sorted(walk.added),
        "argo_leniency": [
            f"{d}.{f}: {reason}" if f else f"{d}: {reason}"
            for d, f, _, reason in ARGO_LENIENCY
            if (d, f) not in {(d2, f2) for d2, f2, _ in any_string}  # replaced below
        ]
        + [
            f"{d}.{f}: not required (templateDefaults may supply it)"
            for d, fs in NOT_REQUIRED.items()
            for f in sorted(fs)
        ]
        + [f"{d}.{f}: AnyString: any value; a list or a mapping reads as '' (WF006)" for d, f, _ in any_string],
    }
    if full_crds_only:
        provenance["full_crds_only"] = [
            f"{d}.{f}{f' at {place}' if place else ''}: {reason}" for d, f, place, reason in full_crds_only
        ]
    return schemas, provenance


def _apply_required(
    defs: dict[str, Any], walk: CrdWalk, full_crds_only: list[tuple[str, str, str | None, str]]
) -> None:
    """`required` from the CRDs: what every place requires on the definition, the rest at its place.
    A requirement listed in `full_crds_only` goes under FULL_CRDS_REQUIRED instead, the same way."""
    used = set()
    for name, places in walk.required.items():
        strict, loose = [], []
        for place, req in places:
            relaxed = set()
            for i, (def_name, field, at, _) in enumerate(full_crds_only):
                if def_name == name and field in req and at in (None, place):
                    relaxed.add(field)
                    used.add(i)
            strict.append((place, req - relaxed))
            loose.append((place, frozenset(relaxed)))
        _place(defs, name, strict, "required")
        _place(defs, name, loose, FULL_CRDS_REQUIRED)
    unused = [full_crds_only[i][:3] for i in range(len(full_crds_only)) if i not in used]
    if unused:
        raise GenerateError(f"FULL_CRDS_ONLY entries the CRDs do not require: {unused}")


def _place(defs: dict[str, Any], name: str, places: list[tuple[str, frozenset[str]]], keyword: str) -> None:
    """Write `keyword` (a list of fields) on definition `name` for what every place has, the rest at its place."""
    everywhere = frozenset.intersection(*(req for _, req in places))
    if everywhere:
        defs[name][keyword] = sorted(everywhere)
    else:
        defs[name].pop(keyword, None)
    by_place: dict[str, frozenset[str]] = {}
    for place, req in places:
        by_place[place] = by_place[place] & req if place in by_place else req
    for place, req in sorted(by_place.items()):
        extra = req - everywhere
        if not extra:
            continue
        owner, field = place.rsplit(".", 1)
        if owner not in defs or "[" in field or "{" in field:
            raise GenerateError(f"{place}: a place-specific requirement the generator cannot place")
        defs[owner]["properties"][field][keyword] = sorted(extra)


def _reachable_from(root: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = _refs(root)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(defs[name]))
    return seen


def dump(value: Any, *, pretty: bool = False) -> str:
    if pretty:
        return json.dumps(value, indent=2, sort_keys=True) + "\n"
    return json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n"


def write(upstream: Path, out_dir: Path, label: str = "v4") -> None:
    schemas, provenance = build(upstream, label)
    out_dir.mkdir(parents=True, exist_ok=True)
    for kind, schema in schemas.items():
        (out_dir / f"{kind.lower()}.json").write_text(dump(schema), encoding="utf-8")
    (out_dir / "SOURCE.json").write_text(dump(provenance, pretty=True), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("label", choices=sorted(RELEASES), help="which schema directory to build")
    parser.add_argument("--upstream", type=Path, help="the Argo release directory (schema.json, crds/, ...)")
    parser.add_argument("--out", type=Path, help="where to write (default schemas/<label>)")
    args = parser.parse_args(argv)
    upstream = args.upstream or HERE.parent.parent / "shared" / "upstream" / f"argo-workflows-v{RELEASES[args.label]}"
    out_dir = args.out or HERE / args.label
    try:
        write(upstream, out_dir, args.label)
    except GenerateError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out_dir} from {upstream}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
