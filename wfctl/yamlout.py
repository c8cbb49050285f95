"""Every YAML document wfctl writes, from one dumper set-up: block style, key order kept.

Two layouts: kubectl's (`- item` level with its key), used for manifests (`render`, `apply -o yaml`,
Hera output) and for the values a reviewer reads in `diff`; and indented lists (`  - item`), used by
`dedupe --extract-to` for the WorkflowTemplate it writes. ruamel.yaml is imported on first use only.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # ruamel stays out of import time
    from ruamel.yaml import YAML


def dumper(*, indented_lists: bool = False, width: int | None = None) -> YAML:
    """ruamel's round-trip dumper in block style; `width` None keeps ruamel's line folding."""
    from ruamel.yaml import YAML  # noqa: PLC0415

    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = False
    if indented_lists:
        yaml.indent(mapping=2, sequence=4, offset=2)
    else:
        yaml.indent(mapping=2, sequence=2, offset=0)
    if width is not None:
        yaml.width = width
    return yaml


def dump(data: Any, stream: IO[str], *, indented_lists: bool = False) -> None:
    """Write one document to `stream`."""
    dumper(indented_lists=indented_lists).dump(data, stream)


def dump_all(documents: Iterable[Any], stream: IO[str]) -> None:
    """Write several documents to `stream`, separated by `---`."""
    dumper().dump_all(documents, stream)


def to_text(data: Any, *, indented_lists: bool = False) -> str:
    """One document as a string."""
    out = io.StringIO()
    dump(data, out, indented_lists=indented_lists)
    return out.getvalue()


def _literal(value: Any, literal: type[str]) -> Any:
    """`value` with its multi-line strings (no tabs or CRs, which a literal block cannot keep) as `literal`."""
    if isinstance(value, dict):
        return {k: _literal(v, literal) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v, literal) for v in value]
    if isinstance(value, str) and "\n" in value and not any(c in value for c in "\t\r"):
        return literal(value)
    return value


def to_review_yaml(value: Any) -> str:
    """Block YAML of `value` for a person reading a diff: multi-line strings as literal blocks, long
    lines never folded, no trailing newline (a scalar gives its YAML form)."""
    from ruamel.yaml.scalarstring import LiteralScalarString  # noqa: PLC0415

    stream = io.StringIO()
    dumper(width=4096).dump(_literal(value, LiteralScalarString), stream)
    out = stream.getvalue()
    if out.endswith("\n...\n"):
        out = out[: -len("...\n")]
    return out.rstrip("\n")
