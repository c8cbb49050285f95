"""The floor for `wfctl validate`: what a minimal checker pays in one process on the same files.

PyYAML's C loader (`yaml.CSafeLoader`) plus `jsonschema-rs` validating every document against Argo's
published `schema.json` (compiled once). No positions, no messages, no Argo semantics.

    python bench/floor.py SCHEMA.json PATH...
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema_rs
import yaml


def files_of(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(sorted(f for f in path.rglob("*") if f.suffix in (".yaml", ".yml", ".json")))
        else:
            files.append(path)
    return files


def main(argv: list[str]) -> int:
    schema_path, paths = argv[0], argv[1:]
    validator = jsonschema_rs.validator_for(json.loads(Path(schema_path).read_text()))
    bad = 0
    files = files_of(paths)
    for f in files:
        try:
            docs = list(yaml.load_all(f.read_bytes(), Loader=yaml.CSafeLoader))
        except yaml.YAMLError:
            bad += 1
            continue
        for doc in docs:
            if isinstance(doc, dict) and not validator.is_valid(doc):
                bad += 1
    print(f"{len(files)} files, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
