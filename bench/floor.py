"""The floor for `wfctl validate`: parse with ruamel's C-backed safe loader (YAML 1.1) and check
against wfctl's strict schemas with fastjsonschema, precompiled once. No positions, no messages."""

from __future__ import annotations

import sys
from pathlib import Path

import fastjsonschema
from ruamel.yaml import YAML

from wfctl.schema import drop_nulls, load

KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow")


def main(paths: list[str]) -> int:
    validators = {k: fastjsonschema.compile(load("4", k)) for k in KINDS}
    yaml = YAML(typ="safe", pure=False)
    yaml.version = (1, 1)
    bad = 0
    files = []
    for p in paths:
        path = Path(p)
        files.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    for f in files:
        try:
            docs = list(yaml.load_all(f.read_bytes()))
        except Exception:  # noqa: BLE001 - any parse failure counts as invalid
            bad += 1
            continue
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") in validators:
                try:
                    validators[doc["kind"]](drop_nulls(doc))
                except fastjsonschema.JsonSchemaException:
                    bad += 1
    print(f"{len(files)} files, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
