"""Strict JSON Schemas per (Argo version, kind): found, loaded and compiled once per process."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from wfctl.schema.fastcheck import Check, compile_schema

VERSIONS = {"4": "v4", "4.0": "v4", "4.1": "v4", "v4": "v4", "3.7": "v3.7", "v3.7": "v3.7"}
DEFAULT_VERSION = "4"


def schema_dir() -> Path:
    """`wfctl/schemas` in an installed wheel; the repository's `schemas/` in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "schemas"
    if packaged.is_dir():
        return packaged
    return here.parent / "schemas"


def normalize_version(version: str) -> str:
    try:
        return VERSIONS[str(version).strip().lower().removeprefix("v") if version not in VERSIONS else version]
    except KeyError:
        raise ValueError(f"unsupported Argo version {version!r} (choose 4 or 3.7)") from None


@cache
def load(version: str, kind: str) -> dict[str, Any]:
    path = schema_dir() / normalize_version(version) / f"{kind.lower()}.json"
    with path.open("rb") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def fast_check(version: str, kind: str) -> Check:
    return compile_schema(load(version, kind))


@cache
def full_validator(version: str, kind: str) -> Any:
    """jsonschema's validator, only built when a document fails the fast check."""
    import jsonschema  # noqa: PLC0415 - slow import, needed only to explain failures

    return jsonschema.Draft202012Validator(load(version, kind))


def drop_nulls(value: Any) -> Any:
    """The document as Go's decoder sees it: `key: null` means the key is not set."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value
