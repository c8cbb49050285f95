"""A template's identity apart from its name: what `duplicate-template` and `dedupe` compare."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def template_body(tpl: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tpl.items() if k != "name"}


# json.dumps(value, sort_keys=True, separators=(",", ":"), default=str), without building an encoder per call
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def canonical_text(value: Any) -> str:
    """The parsed structure as canonical JSON: two values with the same text are the same template."""
    return _ENCODER.encode(value)


def fingerprint(value: Any) -> str:
    """Stable hash of the parsed structure: key order, quoting and comments do not matter."""
    return hashlib.sha256(canonical_text(value).encode()).hexdigest()
