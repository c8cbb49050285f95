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


def load(version: str, kind: str) -> dict[str, Any]:
    """The schema of `kind` for an Argo version (`4`, `4.1`, `v3.7`...), read once per process."""
    return _load(normalize_version(version), kind)


def fast_check(version: str, kind: str) -> Check:
    """The compiled yes/no check, built once per process whichever spelling of the version is used."""
    return _fast_check(normalize_version(version), kind)


def full_validator(version: str, kind: str) -> Any:
    """jsonschema's validator, only built when a document fails the fast check."""
    return _full_validator(normalize_version(version), kind)


@cache
def _load(label: str, kind: str) -> dict[str, Any]:
    path = schema_dir() / label / f"{kind.lower()}.json"
    with path.open("rb") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def _fast_check(label: str, kind: str) -> Check:
    return compile_schema(_load(label, kind))


@cache
def _full_validator(label: str, kind: str) -> Any:
    import jsonschema  # noqa: PLC0415 - slow import, needed only to explain failures

    return jsonschema.Draft202012Validator(_load(label, kind))


def drop_nulls(value: Any) -> Any:
    """The document as Go's decoder sees it: `key: null` means the key is not set."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value
