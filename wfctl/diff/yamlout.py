"""Values as block YAML for people reading a diff: multi-line strings as literal blocks, key order kept."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString


def _literal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, str) and "\n" in value and not any(c in value for c in "\t\r"):
        return LiteralScalarString(value)
    return value


def to_yaml(value: Any) -> str:
    """Block-style YAML of `value`, without a trailing newline (a scalar gives its YAML form)."""
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096  # never fold long lines: a reviewer reads them as written
    yaml.indent(mapping=2, sequence=2, offset=0)  # kubectl's style
    stream = io.StringIO()
    yaml.dump(_literal(value), stream)
    out = stream.getvalue()
    if out.endswith("\n...\n"):
        out = out[: -len("...\n")]
    return out.rstrip("\n")
