"""The data change a fix stands for, applied to a parsed document (the proof obligation of a rewrite).

- `("plural", parent, old, new)`: `parent[old]` moves into the list `parent[new]` (created when
  missing; an item already there is not added twice; a null moves nothing);
- `("drop", parent, key)`: `parent[key]` removed;
- `("set", path, value)`: the value at `path` replaced;
- `("hook", call, old)`: `call[old]` becomes `call.hooks.exit.template`.
"""

from __future__ import annotations

from typing import Any

from wfctl.argo.paths import get_at


def apply(data: Any, op: tuple[Any, ...]) -> None:
    """Apply one operation in place; raises KeyError/IndexError/TypeError when it does not fit."""
    name = op[0]
    if name == "plural":
        _, parent_path, old, new = op
        parent = get_at(data, parent_path)
        value = parent.pop(old)
        if value is None:
            return
        items = parent.get(new)
        if items is None:
            parent[new] = [value]
        elif value not in items:
            items.append(value)
    elif name == "drop":
        _, parent_path, key = op
        del get_at(data, parent_path)[key]
    elif name == "set":
        _, path, value = op
        get_at(data, path[:-1])[path[-1]] = value
    elif name == "hook":
        _, call_path, old = op
        call = get_at(data, call_path)
        call["hooks"] = {"exit": {"template": call.pop(old)}}
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown fix operation {name!r}")
