"""A template's identity apart from its name: what `duplicate-template` and `dedupe` compare."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def template_body(tpl: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in tpl.items() if k != "name"}


def fingerprint(value: Any) -> str:
    """Stable hash of the parsed structure: key order, quoting and comments do not matter."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
