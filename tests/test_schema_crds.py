"""The generated schemas against Argo's own release files (../shared/upstream): regenerated identically,
every CRD field present at its path with a compatible type, `required` exactly as the CRDs say, and
every field of Argo's schema.json kept (whatever it is called). Skipped when ../shared is absent; the
generator's refusal of bad input runs everywhere."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SHARED, schema_generator
from wfctl.schema import load, schema_dir

UPSTREAM = SHARED / "upstream"
RELEASES = {"v4": "4.1.2", "v3.7": "3.7.18"}
KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")
# Required by Argo's published schema but supplied by `templateDefaults`; the CRDs do not require them either.
NEVER_REQUIRED = {"image", "source"}
FULL_ONLY = "x-full-crds-required"  # required by the full CRDs only: WF006 (a warning), not WF003


def _release(label: str) -> Path:
    path = UPSTREAM / f"argo-workflows-v{RELEASES[label]}"
    if not path.is_dir():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="module", params=sorted(RELEASES))
def release(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """(label, the release's definitions + CRDs), read once per module."""
    label = request.param
    return label, schema_generator().read_upstream(_release(label))


# ------------------------------------------------------------------------------------ reproducibility


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    for label in RELEASES:
        _release(label)
    result = subprocess.run(
        ["bash", str(ROOT / "schemas" / "regenerate.sh"), str(UPSTREAM), str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for label in RELEASES:
        committed = sorted(p.name for p in (ROOT / "schemas" / label).iterdir())
        regenerated = sorted(p.name for p in (tmp_path / label).iterdir())
        assert regenerated == committed
        for name in committed:
            assert (tmp_path / label / name).read_bytes() == (ROOT / "schemas" / label / name).read_bytes(), name


def test_provenance_matches_the_release() -> None:
    for label, version in RELEASES.items():
        upstream = _release(label)
        source = json.loads((schema_dir() / label / "SOURCE.json").read_text())
        tag, commit = (upstream / "PROVENANCE").read_text().split()[:2]
        assert (source["tag"], source["commit"], source["version"]) == (tag, commit, version)
        for name, digest in source["inputs"].items():
            assert hashlib.sha256((upstream / name).read_bytes()).hexdigest() == digest, name


def test_generator_refuses_an_incomplete_release(tmp_path: Path) -> None:
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "schema.json").write_text("{}")
    code = schema_generator().main(["v4", "--upstream", str(tmp_path / "up"), "--out", str(tmp_path / "out")])
    assert code == 2
    assert not (tmp_path / "out").exists()


def test_generator_refuses_keywords_it_does_not_understand() -> None:
    gen = schema_generator()
    converter = gen.Converter({})
    with pytest.raises(gen.GenerateError, match="pattern"):
        converter.convert({"type": "string", "pattern": "^a"}, "X")
    # annotations go, but only where they are keywords: a field called readOnly or default stays
    converted = converter.convert(
        {
            "description": "d",
            "readOnly": True,
            "x-kubernetes-list-type": "atomic",
            "properties": {"readOnly": {"type": "boolean", "title": "t"}, "default": {"type": "boolean"}},
        },
        "X",
    )
    assert converted == {
        "type": "object",
        "additionalProperties": False,
        "properties": {"readOnly": {"type": "boolean"}, "default": {"type": "boolean"}},
    }


# ------------------------------------------------------------------------------- CRDs, side by side


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], set[str], set[str]]:
    """Follow `$ref`s; `required` written beside a `$ref` (a place-specific requirement) counts too.
    Also returns what only the full CRDs require (`x-full-crds-required`, Argo 3.7: WF006)."""
    required = set(node.get("required", ()))
    full_only = set(node.get(FULL_ONLY, ()))
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
        required |= set(node.get("required", ()))
        full_only |= set(node.get(FULL_ONLY, ()))
    return node, required, full_only


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("type")
    if t is None:
        return set()
    types = {t} if isinstance(t, str) else set(t)
    return types | ({"integer"} if "number" in types else set())


class SideBySide:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.problems: list[str] = []
        self.fields = 0
        self.objects = 0
        self.full_only: set[str] = set()  # "path.field" the full CRDs require and the schema leaves to WF006
        self.scalar: set[str] = set()  # AnyString places (x-full-crds-scalar)

    def walk(self, crd: dict[str, Any], ours: dict[str, Any], path: str) -> None:
        target, required, full_only = _resolve(ours, self.defs)
        types = _types(target)
        if target.get("x-full-crds-scalar"):
            self.scalar.add(path)
            if crd.get("type") != "string":
                self.problems.append(f"{path}: marked AnyString, but the CRD says {crd.get('type')}")
        if crd.get("x-kubernetes-int-or-string"):
            if not {"integer", "string"} <= types:
                self.problems.append(f"{path}: int-or-string in the CRD, {sorted(types)} here")
            return
        if crd.get("type") and types and crd["type"] not in types:
            self.problems.append(f"{path}: {crd['type']} in the CRD, {sorted(types)} here")
        if "properties" in crd:
            self.objects += 1
            props = target.get("properties", {})
            for field, sub in crd["properties"].items():
                self.fields += 1
                if field not in props:
                    self.problems.append(f"{path}.{field}: in the CRD, not in the schema")
                    continue
                self.walk(sub, props[field], f"{path}.{field}")
            crd_required = set(crd.get("required", ()))
            self.full_only |= {f"{path}.{f}" for f in full_only}
            if full_only - crd_required or full_only & required:
                self.problems.append(f"{path}: full-CRDs-only {sorted(full_only)}, CRD {sorted(crd_required)}")
            required |= full_only
            if required - crd_required:
                self.problems.append(f"{path}: requires {sorted(required - crd_required)}, the CRD does not")
            if crd_required - required - NEVER_REQUIRED:
                self.problems.append(f"{path}: the CRD requires {sorted(crd_required - required)}, the schema does not")
        if isinstance(crd.get("items"), dict):
            self.walk(crd["items"], target.get("items", {}), f"{path}[]")
        if isinstance(crd.get("additionalProperties"), dict):
            extra = target.get("additionalProperties")
            if not isinstance(extra, dict):
                self.problems.append(f"{path}: a map in the CRD, not here")
            else:
                self.walk(crd["additionalProperties"], extra, f"{path}{{}}")


@pytest.mark.parametrize("kind", KINDS)
def test_every_crd_field_is_in_the_schema_and_required_follows_the_crd(release, kind: str) -> None:
    label, source = release
    schema = load(label, kind)
    check = SideBySide(schema["$defs"])
    check.walk(source["crds"][kind], schema, kind)
    assert check.problems == []
    assert check.fields > 2000 and check.objects > 300  # the walk really went everywhere
    if label == "v4":  # a 4.x install enforces its full CRDs: everything they require is WF003
        assert check.full_only == set() and check.scalar == set()
        return
    # Argo 3.7: exactly the requirements generate.py documents as enforced by the full CRDs only
    fields = {p.rsplit(".", 1)[1] for p in check.full_only}
    assert fields == {"key", "maxAge", "realtime", "name", "container", "endpoint"}
    tails = {".".join(p.rsplit(".", 2)[-2:]) for p in check.full_only}
    assert "cache.configMap.key" in {".".join(p.rsplit(".", 3)[-3:]) for p in check.full_only}
    assert {"memoize.maxAge", "gauge.realtime", "azure.container", "azure.endpoint"} <= tails
    assert not any(p.endswith("configMapKeyRef.key") for p in check.full_only)  # env, valueFrom: WF003
    assert all(p.rsplit(".", 1)[1] != "name" or "artifactPaths" in p for p in check.full_only)
    assert any(p.endswith("parameters[].value") for p in check.scalar)
    assert any(p.endswith("parameters[].enum[]") for p in check.scalar)
    assert any(p.endswith("parameters[].description") for p in check.scalar)


def test_every_field_of_argos_schema_json_is_kept(release) -> None:
    """Names that are also JSON Schema annotations (readOnly, default, description...) are fields too."""
    label, source = release
    definitions = source["definitions"]
    lost = []
    kept_annotation_names = set()
    for kind in KINDS:
        ours = load(label, kind)["$defs"]
        for full, definition in definitions.items():
            short = full.rsplit(".", 1)[1]
            if short not in ours or not full.startswith(("io.argoproj.workflow", "io.k8s")):
                continue
            mine = ours[short].get("properties", {})
            for field in definition.get("properties", {}):
                if field not in mine:
                    lost.append(f"{kind}: {short}.{field}")
                elif field in ("readOnly", "default", "description", "title", "examples"):
                    kept_annotation_names.add(f"{short}.{field}")
    assert lost == []
    read_only = {name for name in kept_annotation_names if name.endswith(".readOnly")}
    assert len(read_only) == 19, sorted(read_only)  # volumeMounts[].readOnly and 18 volume sources
    assert "ArtifactRepositoryRefStatus.default" in kept_annotation_names
    assert "Parameter.description" in kept_annotation_names
