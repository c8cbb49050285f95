"""Reaching into a document's data along a path: the tuple of keys and list indices that findings,
references and rewrites use (`("spec", "templates", 0, "name")`)."""

from __future__ import annotations

from typing import Any

Path_ = tuple[Any, ...]


def get_at(root: Any, path: Path_) -> Any:
    """The value at `path`; raises KeyError, IndexError or TypeError when the path does not fit."""
    for part in path:
        root = root[part]
    return root


def set_at(root: Any, path: Path_, value: Any) -> None:
    """Replace the value at `path` (its parent must exist)."""
    get_at(root, path[:-1])[path[-1]] = value
