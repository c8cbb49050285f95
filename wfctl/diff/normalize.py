"""Documents to a comparable shape: lists with identity keyed by it, server-added fields removed.

A list whose items are all mappings with distinct string `name`s (templates, DAG tasks, parameters,
artifacts, env, volumes, volumeMounts, containers, the steps of one group...) becomes a mapping keyed
`[name]`, so reordering it is no change and paths name items (`templates[main]`). Step groups keep
their order: `steps` is a list of groups, and only each group is keyed. `volumeMounts` are keyed by
`mountPath` when they have no name. Keyed mappings keep the items' order, so `reorders` can report
a reorder where order matters (`ORDERED_LISTS`).
"""

from __future__ import annotations

from typing import Any

from wfctl.argo.meta import strip_server_fields

__all__ = ["ORDERED_LISTS", "denormalize", "normalize", "render_path", "reorders", "strip_server_fields"]

# Named lists whose order means something: Kubernetes expands `$(VAR)` in env only from earlier entries,
# and runs init containers one after the other. A reorder of these is a change (op "reordered").
ORDERED_LISTS = ("env", "initContainers")


def _identity(items: list[Any]) -> str | None:
    for key in ("name", "mountPath"):
        if (
            items
            and all(isinstance(i, dict) and isinstance(i.get(key), str) for i in items)
            and len({i[key] for i in items}) == len(items)
        ):
            return key
    return None


def normalize(value: Any, *, parent: str = "") -> Any:
    if isinstance(value, dict):
        return {k: normalize(v, parent=str(k)) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        if parent == "steps":
            return [normalize(group, parent="group") for group in value]
        key = _identity(value)
        if key is not None:
            return {f"[{item[key]}]": normalize(item, parent="item") for item in value}
        return [normalize(v, parent="item") for v in value]
    return value


def denormalize(value: Any) -> Any:
    """Back from the keyed form to lists (for showing added or removed items)."""
    if isinstance(value, dict):
        if value and all(isinstance(k, str) and k.startswith("[") and k.endswith("]") for k in value):
            return [denormalize(v) for v in value.values()]
        return {k: denormalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [denormalize(v) for v in value]
    return value


def render_path(parts: list[Any]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith("[") and part.endswith("]"):
            out += part
        else:
            out += ("." if out else "") + str(part)
    return out


def reorders(old: Any, new: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], list[str], list[str]]]:
    """(path, old order, new order) for every order-significant named list whose shared items moved."""
    found: list[tuple[tuple[Any, ...], list[str], list[str]]] = []
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in old.items():
            if key not in new:
                continue
            other = new[key]
            if key in ORDERED_LISTS and _keyed(value) and _keyed(other):
                shared = [k for k in value if k in other]
                moved = [k for k in other if k in value]
                if shared != moved:
                    found.append(((*path, key), [k[1:-1] for k in value], [k[1:-1] for k in other]))
            found.extend(reorders(value, other, (*path, key)))
    elif isinstance(old, list) and isinstance(new, list):
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            found.extend(reorders(a, b, (*path, i)))
    return found


def _keyed(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(isinstance(k, str) and k.startswith("[") for k in value)
