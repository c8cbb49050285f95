"""Documents to a comparable shape: lists with identity keyed by it, server-added fields removed.

A list whose items are all mappings with distinct string `name`s (templates, DAG tasks, parameters,
artifacts, env, volumes, volumeMounts, containers, the steps of one group...) becomes a mapping keyed
`[name]`, so reordering it is no change and paths name items (`templates[main]`). Step groups keep
their order: `steps` is a list of groups, and only each group is keyed. `volumeMounts` are keyed by
`mountPath` when they have no name.
"""

from __future__ import annotations

from typing import Any

SERVER_METADATA = ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink")
SERVER_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


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


def strip_server_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What `kubectl diff` ignores: status and the metadata the API server maintains."""
    out = {k: v for k, v in data.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    for key in SERVER_METADATA:
        meta.pop(key, None)
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in SERVER_ANNOTATIONS}
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    labels = meta.get("labels")
    if labels == {}:
        meta.pop("labels")
    out["metadata"] = meta
    return out


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
